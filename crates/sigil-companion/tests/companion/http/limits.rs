//! The limits against guessing and abuse, each written as the attack it stops: per-address
//! limits that IPv6 cannot dodge, the ceiling on password hashing at once, growing delays after
//! failed sign-ins that neither lock the owner out nor tell which accounts exist, and the rate
//! of wallets and Dfns tokens one account may ask for.

use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use axum::http::{StatusCode, header};
use sigil_companion::identity::hashing::{Argon2id, Kdf};
use sigil_companion::store::StoreError;
use sigil_companion::store::passwords::PasswordHash;
use sigil_companion::store::rate_limit::RateLimit;
use tokio::sync::mpsc;

use super::harness::{Browser, Companion, PASSWORD, Scene, TestDfns, config_for};
use crate::support::Db;

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

/// argon2id that holds the first `hold` verifications until [`Gate::open`], announcing each one
/// as it starts: password checks in flight, without timing.
#[derive(Debug)]
struct Gate {
    hold: usize,
    started: AtomicUsize,
    entered: mpsc::UnboundedSender<()>,
    open: (Mutex<bool>, Condvar),
}

impl Gate {
    fn holding(hold: usize) -> (Arc<Self>, mpsc::UnboundedReceiver<()>) {
        let (entered, announcements) = mpsc::unbounded_channel();
        let gate = Self {
            hold,
            started: AtomicUsize::new(0),
            entered,
            open: (Mutex::new(false), Condvar::new()),
        };
        (Arc::new(gate), announcements)
    }

    fn open(&self) {
        *self.open.0.lock().expect("gate lock") = true;
        self.open.1.notify_all();
    }
}

impl Kdf for Gate {
    fn hash(&self, password: &str) -> Result<PasswordHash, StoreError> {
        Argon2id.hash(password)
    }

    fn verify(&self, password: &str, hash: &PasswordHash) -> bool {
        if self.started.fetch_add(1, Ordering::SeqCst) < self.hold {
            let _ = self.entered.send(());
            let mut open = self.open.0.lock().expect("gate lock");
            while !*open {
                open = self.open.1.wait(open).expect("gate lock");
            }
        }
        Argon2id.verify(password, hash)
    }
}

async fn sign_in_from(companion: &Companion, from: &str, email: &str) -> super::harness::Answer {
    Browser::from_ip(companion, ip(from)).sign_in(email, "a wrong password").await
}

#[tokio::test]
async fn more_password_checks_at_once_than_the_limit_get_503_with_retry_after() {
    let (dfns, db) = (TestDfns::start().await, Db::sqlite());
    let config = config_for(&dfns, &["--concurrent-password-hashes", "2"]);
    let (gate, mut entered) = Gate::holding(2);
    let companion = Companion::start_with_kdf(config, &db, gate.clone()).await;
    let mut owner = Browser::from_ip(&companion, ip("192.0.2.1"));
    assert_eq!(owner.sign_up("uma@example.org", PASSWORD).await.status, StatusCode::SEE_OTHER);

    let (first, second, (third, sign_up)) = tokio::join!(
        sign_in_from(&companion, "192.0.2.2", "uma@example.org"),
        sign_in_from(&companion, "192.0.2.3", "nobody@example.org"),
        async {
            // Two checks are running (held by the gate): the limit is reached.
            for _ in 0..2 {
                entered.recv().await.expect("a check starts");
            }
            let third = sign_in_from(&companion, "192.0.2.4", "uma@example.org").await;
            let sign_up = Browser::from_ip(&companion, ip("192.0.2.5"))
                .sign_up("vic@example.org", PASSWORD)
                .await;
            gate.open();
            (third, sign_up)
        },
    );
    for refused in [&third, &sign_up] {
        assert_eq!(
            (refused.status, refused.page_code().as_deref()),
            (StatusCode::SERVICE_UNAVAILABLE, Some("SERVER_BUSY")),
            "{}",
            refused.text()
        );
        assert_eq!(refused.header(header::RETRY_AFTER), Some("1"));
    }
    assert_eq!((first.status, second.status), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    let after = sign_in_from(&companion, "192.0.2.4", "uma@example.org").await;
    assert_eq!(
        after.status,
        StatusCode::UNAUTHORIZED,
        "the checks that ended gave their slots back"
    );
}
