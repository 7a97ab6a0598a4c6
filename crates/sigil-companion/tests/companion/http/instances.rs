//! Two companions on one database: whatever one starts, the other can finish.

use std::net::{IpAddr, Ipv4Addr};

use axum::http::StatusCode;
use serde_json::json;
use sigil_api::{Me, RegistrationChallenge};
use sigil_companion::store::rate_limit::RateLimit;

use super::harness::{
    App, Browser, Companion, Login, PASSWORD, TestDfns, config_for, device_passkey, make_credential,
};
use crate::support::Db;

pub async fn two_companions_on_one_database_behave_as_one(db: Db) {
    let dfns = TestDfns::start().await;
    let (a, b) = (Companion::start(&dfns, &db).await, Companion::start(&dfns, &db).await);

    // The browser signs up on A; its next request lands on B, still signed in.
    let mut browser = Browser::new(&a);
    let signed_up = browser.sign_up("gus@example.org", PASSWORD).await;
    assert_eq!(signed_up.status, StatusCode::SEE_OTHER, "{}", signed_up.text());
    browser.switch_to(&b);
    let login = Login::new();
    let consent = browser.get(&login.authorize_path()).await;
    assert!(consent.text().contains("gus@example.org"), "B knows A's website session");
    let code = login.code_from(&browser.confirm(&login).await);

    // The code B issued is redeemed on A; the session A made works on B.
    let mut on_a = App::new(&a);
    assert_eq!(on_a.redeem(&login, &code).await.status, StatusCode::OK);
    let token = on_a.token.clone().expect("session");
    let on_b = App::with_token(&b, &token);
    assert_eq!(on_b.get("/me").await.status, StatusCode::OK);

    // A replay on B is seen as a replay, and ends the session on both.
    let replay = App::new(&b).post("/session", &login.redemption(&code)).await;
    assert_eq!(replay.error_code(), "CODE_REPLAYED");
    assert_eq!(on_a.get("/me").await.status, StatusCode::UNAUTHORIZED);

    // Registration started on A completes on B.
    let mut fresh = App::new(&a);
    let login = Login::new();
    let code = login.code_from(&browser.confirm(&login).await);
    assert_eq!(fresh.redeem(&login, &code).await.status, StatusCode::OK);
    let challenge: RegistrationChallenge =
        fresh.post("/registration/init", &json!({})).await.json();
    let body = make_credential(&device_passkey(&a), &challenge).await;
    let on_b = App::with_token(&b, fresh.token.as_deref().expect("session"));
    let done = on_b.post("/registration/complete", &body).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text());
    let me: Me = fresh.get("/me").await.json();
    assert!(me.registered, "A sees the registration B completed");
}

pub async fn rate_limits_count_the_hits_of_every_instance(db: Db) {
    let dfns = TestDfns::start().await;
    let mut config = config_for(&dfns, &[]);
    config.limits.redeem_per_ip = RateLimit { limit: 4, window_ms: 60_000 };
    let a = Companion::start_with(config.clone(), &db).await;
    let b = Companion::start_with(config, &db).await;
    let ip = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 9));
    let login = Login::new();
    let mut statuses = Vec::new();
    for round in 0..6 {
        let instance = if round % 2 == 0 { &a } else { &b };
        let answer = App::new(instance).at_ip(ip).post("/session", &login.redemption("nope")).await;
        statuses.push(answer.status.as_u16());
    }
    assert_eq!(statuses, [400, 400, 400, 400, 429, 429], "four hits allowed across both");
}
