//! The limits against guessing and abuse, each written as the attack it stops: per-address
//! limits that IPv6 cannot dodge, the ceiling on password hashing at once, growing delays after
//! failed sign-ins that neither lock the owner out nor tell which accounts exist, and the rate
//! of wallets and Dfns tokens one account may ask for.

use std::net::IpAddr;

use axum::http::StatusCode;
use sigil_companion::store::rate_limit::RateLimit;

use super::harness::{Browser, PASSWORD, Scene};

fn ip(text: &str) -> IpAddr {
    text.parse().expect("an IP address")
}

#[tokio::test]
async fn an_ipv6_client_cannot_dodge_a_per_address_limit_with_other_addresses_of_its_64() {
    let scene = Scene::with(|config| {
        config.limits.sign_in_per_ip = RateLimit { limit: 3, window_ms: 60_000 };
    })
    .await;
    let mut statuses = Vec::new();
    for host in ["2001:db8:0:7::1", "2001:db8:0:7::2", "2001:db8:0:7:ffff::3", "2001:db8:0:7::4"] {
        let mut browser = Browser::from_ip(&scene.companion, ip(host));
        statuses.push(browser.sign_in("pat@example.org", PASSWORD).await.status.as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 429], "one /64 is one address");
    let mut next_network = Browser::from_ip(&scene.companion, ip("2001:db8:0:8::1"));
    assert_eq!(
        next_network.sign_in("pat@example.org", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED,
        "another /64 is another address"
    );
}

#[tokio::test]
async fn an_ipv4_client_cannot_dodge_a_per_address_limit_by_writing_its_address_as_ipv6() {
    let scene = Scene::with(|config| {
        config.limits.sign_in_per_ip = RateLimit { limit: 2, window_ms: 60_000 };
    })
    .await;
    let mut statuses = Vec::new();
    for host in ["192.0.2.5", "::ffff:192.0.2.5", "192.0.2.5"] {
        let mut browser = Browser::from_ip(&scene.companion, ip(host));
        statuses.push(browser.sign_in("pat@example.org", PASSWORD).await.status.as_u16());
    }
    assert_eq!(statuses, [401, 401, 429]);
}
