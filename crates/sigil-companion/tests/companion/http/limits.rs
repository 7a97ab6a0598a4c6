//! The limits against guessing and abuse, each written as the attack it stops: per-address
//! limits that IPv6 cannot dodge, the ceiling on password hashing at once, growing delays after
//! failed sign-ins that neither lock the owner out nor tell which accounts exist, and the rate
//! of wallets and Dfns tokens one account may ask for.

use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use axum::http::{StatusCode, header};
use serde_json::{Value, json};
use sigil_api::DfnsToken;
use sigil_companion::identity::hashing::{Argon2id, Kdf};
use sigil_companion::onboarding::REUSE_MARGIN_MS;
use sigil_companion::store::StoreError;
use sigil_companion::store::passwords::PasswordHash;
use sigil_companion::store::rate_limit::RateLimit;
use tokio::sync::mpsc;

use super::harness::{
    Answer, App, Browser, Companion, PASSWORD, Scene, TestDfns, config_for, device_passkey,
    new_user_session, register,
};
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

async fn sign_in_from(companion: &Companion, from: &str, email: &str) -> Answer {
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

/// `Retry-After` of a refusal, in seconds.
fn retry_after(answer: &Answer) -> u64 {
    answer
        .header(header::RETRY_AFTER)
        .unwrap_or_else(|| panic!("no Retry-After: {} {}", answer.status, answer.text()))
        .parse()
        .expect("seconds")
}

/// A companion with one account, `owner@example.org`.
async fn scene_with_owner() -> Scene {
    let scene = Scene::new().await;
    let mut owner = Browser::from_ip(&scene.companion, ip("192.0.2.1"));
    assert_eq!(owner.sign_up("owner@example.org", PASSWORD).await.status, StatusCode::SEE_OTHER);
    scene
}

#[tokio::test]
async fn guessing_a_password_from_one_address_meets_waits_that_double() {
    let scene = scene_with_owner().await;
    let attacker = "203.0.113.9";
    let guess = || sign_in_from(&scene.companion, attacker, "owner@example.org");
    for attempt in 1..=5 {
        let answer = guess().await;
        assert_eq!(
            (answer.status, answer.page_code().as_deref()),
            (StatusCode::UNAUTHORIZED, Some("CREDENTIALS_INVALID")),
            "attempt {attempt} is free"
        );
    }
    // From here each attempt waits, twice as long after each failure, at most 30 minutes. The
    // clock only moves forward: a wait is at most a few seconds shorter than promised.
    for expected in [30, 60, 120, 240, 480, 960, 1800, 1800] {
        let refused = guess().await;
        assert_eq!(
            (refused.status, refused.page_code().as_deref()),
            (StatusCode::TOO_MANY_REQUESTS, Some("RATE_LIMITED")),
            "{}",
            refused.text()
        );
        let wait = retry_after(&refused);
        assert!(expected - 10 < wait && wait <= expected, "waits {wait} s, expected {expected}");
        scene.companion.clock.advance_ms(i64::try_from(wait * 1000).expect("ms"));
        assert_eq!(guess().await.status, StatusCode::UNAUTHORIZED, "after {wait} s it is checked");
    }
    // The owner at that address, with the right password after the wait: in, and the failures
    // are forgotten.
    scene.companion.clock.advance_ms(1_800_000);
    let mut there = Browser::from_ip(&scene.companion, ip(attacker));
    assert_eq!(there.sign_in("owner@example.org", PASSWORD).await.status, StatusCode::SEE_OTHER);
    for attempt in 1..=5 {
        assert_eq!(
            guess().await.status,
            StatusCode::UNAUTHORIZED,
            "attempt {attempt} is free again"
        );
    }
}

#[tokio::test]
async fn failed_guesses_from_elsewhere_do_not_keep_the_owner_out() {
    let scene = scene_with_owner().await;
    for attacker in ["203.0.113.9", "203.0.113.10", "2001:db8:bad::1"] {
        for _ in 0..20 {
            sign_in_from(&scene.companion, attacker, "owner@example.org").await;
        }
    }
    let mut owner = Browser::from_ip(&scene.companion, ip("192.0.2.1"));
    let signed_in = owner.sign_in("owner@example.org", PASSWORD).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{}", signed_in.text());
}

/// What a client sees of an answer to a sign-in. The seconds to wait (in the message and
/// `Retry-After`) depend on when the answer left, so only whether there are any counts.
fn seen(answer: &Answer) -> (StatusCode, Option<String>, Option<String>, bool) {
    let message = answer.page_message().map(|message| message.replace(char::is_numeric, "#"));
    (answer.status, answer.page_code(), message, answer.header(header::RETRY_AFTER).is_some())
}

#[tokio::test]
async fn the_answers_to_failed_sign_ins_do_not_tell_whether_an_account_exists() {
    let scene = scene_with_owner().await;
    let mut answers = Vec::new();
    for (from, email) in
        [("203.0.113.9", "owner@example.org"), ("203.0.113.10", "ghost@example.org")]
    {
        let mut seen_here = Vec::new();
        for _ in 0..8 {
            seen_here.push(seen(&sign_in_from(&scene.companion, from, email).await));
        }
        answers.push(seen_here);
    }
    assert_eq!(answers[0], answers[1], "an existing account and a made-up one");
    assert!(answers[0].iter().any(|(status, ..)| *status == StatusCode::TOO_MANY_REQUESTS));
}

/// argon2id that counts verifications and notes the parameters of each hash verified against.
#[derive(Debug, Default)]
struct Counting {
    parameters: Mutex<Vec<String>>,
}

impl Counting {
    /// The parameters of the hashes verified since the last call.
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.parameters.lock().expect("lock"))
    }
}

impl Kdf for Counting {
    fn hash(&self, password: &str) -> Result<PasswordHash, StoreError> {
        Argon2id.hash(password)
    }

    fn verify(&self, password: &str, hash: &PasswordHash) -> bool {
        // `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`: everything but salt and hash.
        let parameters: Vec<&str> = hash.as_phc().split('$').take(4).collect();
        self.parameters.lock().expect("lock").push(parameters.join("$"));
        Argon2id.verify(password, hash)
    }
}

#[tokio::test]
async fn an_unknown_account_costs_the_same_argon2_work_as_a_known_one() {
    let (dfns, db) = (TestDfns::start().await, Db::sqlite());
    let kdf = Arc::new(Counting::default());
    let companion = Companion::start_with_kdf(config_for(&dfns, &[]), &db, kdf.clone()).await;
    let mut owner = Browser::from_ip(&companion, ip("192.0.2.1"));
    assert_eq!(owner.sign_up("owner@example.org", PASSWORD).await.status, StatusCode::SEE_OTHER);
    let mut verified = Vec::new();
    for (from, email) in
        [("203.0.113.9", "owner@example.org"), ("203.0.113.10", "ghost@example.org")]
    {
        kdf.take();
        for _ in 0..8 {
            sign_in_from(&companion, from, email).await;
        }
        verified.push(kdf.take());
    }
    assert_eq!(verified[0], verified[1], "the same verifications, against the same parameters");
    assert_eq!(verified[0].len(), 5, "the five free attempts; the delayed ones verify nothing");
    assert!(verified[0].iter().all(|p| p == "$argon2id$v=19$m=19456,t=2,p=1"), "{verified:?}");
}

#[tokio::test]
async fn sign_ins_refused_for_load_do_not_count_as_failures() {
    let (dfns, db) = (TestDfns::start().await, Db::sqlite());
    let config = config_for(&dfns, &["--concurrent-password-hashes", "1"]);
    let (gate, mut entered) = Gate::holding(1);
    let companion = Companion::start_with_kdf(config, &db, gate.clone()).await;
    let (_held, refused) =
        tokio::join!(sign_in_from(&companion, "192.0.2.2", "uma@example.org"), async {
            entered.recv().await.expect("a check starts");
            let mut refused = Vec::new();
            for _ in 0..8 {
                refused
                    .push(sign_in_from(&companion, "203.0.113.9", "uma@example.org").await.status);
            }
            gate.open();
            refused
        },);
    assert!(refused.iter().all(|status| *status == StatusCode::SERVICE_UNAVAILABLE), "{refused:?}");
    let checked = sign_in_from(&companion, "203.0.113.9", "uma@example.org").await;
    assert_eq!(checked.status, StatusCode::UNAUTHORIZED, "no wait was earned by being refused");
}

/// A registered user's app on `scene`.
async fn registered_app<'a>(scene: &'a Scene, email: &str) -> App<'a> {
    let app = new_user_session(&scene.companion, email).await;
    register(&app, &device_passkey(&scene.companion)).await;
    app
}

/// Calls `path` with `body(n)` until the companion answers other than 200, at most `most` times;
/// returns how many succeeded and the first refusal.
async fn call_until_refused(
    app: &App<'_>,
    path: &str,
    most: usize,
    body: impl Fn(usize) -> Value,
) -> (usize, Answer) {
    for n in 0..most {
        let answer = app.post(path, &body(n)).await;
        if answer.status != StatusCode::OK {
            return (n, answer);
        }
    }
    panic!("{most} calls to {path} in a row, and none refused");
}

#[tokio::test]
async fn an_app_asking_again_gets_the_token_it_has_until_it_nears_its_end() {
    let scene = Scene::new().await;
    let app = registered_app(&scene, "sol@example.org").await;
    let first: DfnsToken = app.post("/dfns-token", &json!({})).await.json();
    // Far more than the per-account limit: answered from memory, no login at Dfns.
    for _ in 0..50 {
        let again: DfnsToken = app.post("/dfns-token", &json!({})).await.json();
        assert_eq!(again.token.expose(), first.token.expose());
    }
    // A digest that is not the kept token's changes nothing; the kept one's, from an app whose
    // token Dfns refused (a logout elsewhere), gets it a new one.
    let other = json!({"refused": sigil_api::token_digest("another token")});
    let again: DfnsToken = app.post("/dfns-token", &other).await.json();
    assert_eq!(again.token.expose(), first.token.expose());
    let refused = json!({"refused": sigil_api::token_digest(first.token.expose())});
    let replaced: DfnsToken = app.post("/dfns-token", &refused).await.json();
    assert_ne!(replaced.token.expose(), first.token.expose());
    let unknown = app.post("/dfns-token", &json!({"refused": 7})).await;
    assert_eq!(
        (unknown.status, unknown.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "INVALID_REQUEST")
    );
    let first = replaced;
    // Once fewer than five minutes of it are left, the app gets a new one.
    let left = first.expires_at - time::OffsetDateTime::now_utc();
    let near_end = left.whole_milliseconds() - i128::from(REUSE_MARGIN_MS) + 1_000;
    scene.companion.clock.advance_ms(i64::try_from(near_end).expect("ms"));
    let fresh: DfnsToken = app.post("/dfns-token", &json!({})).await.json();
    assert_ne!(fresh.token.expose(), first.token.expose());
    // Signed out, the session gets nothing, kept or not.
    assert_eq!(app.post("/logout", &json!({})).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.post("/dfns-token", &json!({})).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_app_asking_for_fresh_dfns_tokens_without_end_is_refused_with_429() {
    // Dfns tokens too short-lived to hand out again: every ask is a login at Dfns.
    let dfns = TestDfns::start_with(|config| config.lifetimes.login_token_ms = 60_000).await;
    let scene = Scene::with_dfns(dfns, |_| {}).await;
    let app = registered_app(&scene, "tia@example.org").await;
    let (granted, refused) = call_until_refused(&app, "/dfns-token", 100, |_| json!({})).await;
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED"),
        "after {granted} tokens"
    );
    assert!(retry_after(&refused) >= 1);
    let colleague = registered_app(&scene, "ugo@example.org").await;
    assert_eq!(colleague.post("/dfns-token", &json!({})).await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_app_creating_wallets_without_end_is_refused_with_429() {
    let scene = Scene::new().await;
    let app = registered_app(&scene, "val@example.org").await;
    let wallet = |n: usize| json!({"network": "EthereumSepolia", "requestId": format!("w-{n}")});
    let (made, refused) = call_until_refused(&app, "/wallets", 50, wallet).await;
    assert_eq!(
        (refused.status, refused.error_code().as_str()),
        (StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITED"),
        "after {made} wallets"
    );
    assert!(retry_after(&refused) >= 1);
    let colleague = registered_app(&scene, "wes@example.org").await;
    assert_eq!(colleague.post("/wallets", &wallet(0)).await.status, StatusCode::OK);
}
