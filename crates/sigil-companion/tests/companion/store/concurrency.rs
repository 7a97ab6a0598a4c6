//! Several tasks, and several store instances (pools) on one database, at once.

use sigil_companion::store::backoff::{Attempt, Backoff};
use sigil_companion::store::login_codes::{CodeRejection, Redemption};
use sigil_companion::store::rate_limit::RateLimit;
use sigil_companion::store::sessions::{SessionKind, SessionPolicy, SessionPurpose};
use sigil_companion::store::users::Email;
use tokio::task::JoinSet;

use crate::support::{Db, REDIRECT, T0, cheap_hash, stuck, user, verifier};

pub async fn the_same_code_redeemed_by_8_concurrent_tasks_succeeds_exactly_once(db: Db) {
    let instances = [db.store().await, db.store().await];
    let ann = user(&instances[0], "ann").await;
    let verifier = verifier();
    let code = instances[1]
        .issue_login_code(&ann.id, &verifier.challenge(), REDIRECT, SessionPurpose::SignIn, T0)
        .await
        .expect("issue");
    let mut tasks = JoinSet::new();
    for i in 0..8 {
        let store = instances[i % 2].clone();
        let (code, verifier) = (code.code.clone(), verifier.clone());
        tasks.spawn(async move {
            store
                .redeem_login_code(&code, &verifier, REDIRECT, &SessionPolicy::APP, T0 + 1)
                .await
                .expect("redeem")
        });
    }
    let mut sessions = Vec::new();
    let mut replays = Vec::new();
    for outcome in tasks.join_all().await {
        match outcome {
            Redemption::Issued(new) => sessions.push(new),
            Redemption::Rejected(rejection) => replays.push(rejection),
        }
    }
    assert_eq!(sessions.len(), 1, "exactly one redemption wins: {replays:?}");
    let winner = &sessions[0];
    let expected = CodeRejection::Replayed { revoked_session: Some(winner.session.id.clone()) };
    assert!(replays.iter().all(|r| *r == expected), "{replays:?}");
    assert_eq!(replays.len(), 7);
    // The replays revoked the session the winner made.
    for store in &instances {
        let lookup = store.session_by_token(SessionKind::App, &winner.token, T0 + 2).await;
        assert_eq!(lookup.expect("lookup"), None);
    }
}

pub async fn two_instances_see_each_others_sessions_and_revocations(db: Db) {
    let (a, b) = (db.store().await, db.store().await);
    let ann = user(&a, "ann").await;
    assert_eq!(b.user_by_id(&ann.id).await.expect("lookup"), Some(ann.clone()));
    let policy = SessionPolicy { idle_timeout_ms: 10_000, max_lifetime_ms: 60_000 };
    let new = a.create_session(&ann.id, SessionKind::App, &policy, T0).await.expect("create");
    let on_b = b.session_by_token(SessionKind::App, &new.token, T0 + 9_000).await.expect("lookup");
    assert_eq!(on_b.expect("b sees a's session").expires_at, T0 + 19_000);
    // a sees the expiry b slid: without that slide the session would be over at T0 + 10 s.
    let on_a = a.session_by_token(SessionKind::App, &new.token, T0 + 15_000).await.expect("lookup");
    assert!(on_a.is_some(), "a sees b's slide");
    assert!(b.revoke_session(&new.session.id, T0 + 16_000).await.expect("revoke on b"));
    let after =
        a.session_by_token(SessionKind::App, &new.token, T0 + 17_000).await.expect("lookup");
    assert_eq!(after, None, "a refuses what b revoked");
}

pub async fn two_instances_share_rate_limit_counts(db: Db) {
    let instances = [db.store().await, db.store().await];
    let limit = RateLimit { limit: 5, window_ms: 60_000 };
    let mut tasks = JoinSet::new();
    for i in 0..12 {
        let store = instances[i % 2].clone();
        tasks.spawn(async move {
            store.hit_rate_limit("ip:198.51.100.7:sign-in", &limit, T0 + 1).await.expect("hit")
        });
    }
    let allowed = tasks.join_all().await.into_iter().filter(|d| d.is_allowed()).count();
    assert_eq!(allowed, 5, "12 hits on two instances, limit 5");
}

pub async fn concurrent_attempts_on_two_instances_let_exactly_the_free_ones_through(db: Db) {
    let instances = [db.store().await, db.store().await];
    let policy = Backoff {
        free_failures: 3,
        first_delay_ms: 60_000,
        max_delay_ms: 60_000,
        forget_after_ms: 60_000,
    };
    let mut tasks = JoinSet::new();
    for i in 0..12 {
        let store = instances[i % 2].clone();
        tasks.spawn(async move {
            store.try_attempt("sign-in:account:192.0.2.1", &policy, T0 + 1).await.expect("attempt")
        });
    }
    let mut allowed: Vec<u32> = tasks
        .join_all()
        .await
        .into_iter()
        .filter_map(|attempt| match attempt {
            Attempt::Allowed { failures } => Some(failures),
            Attempt::Delayed { .. } => None,
        })
        .collect();
    allowed.sort_unstable();
    assert_eq!(allowed, [1, 2, 3], "a burst in parallel gets the free attempts and no more");
}

pub async fn concurrent_provisioning_on_two_instances_keeps_one_record(db: Db) {
    let instances = [db.store().await, db.store().await];
    let ann = user(&instances[0], "ann").await;
    let mut tasks = JoinSet::new();
    for i in 0..8 {
        let (store, id) = (instances[i % 2].clone(), ann.id.clone());
        tasks.spawn(async move {
            store
                .begin_provisioning(&id, "EthereumSepolia", "ext-default-eth", T0)
                .await
                .expect("begin")
        });
    }
    let records = tasks.join_all().await;
    assert!(records.windows(2).all(|pair| pair[0] == pair[1]), "{records:?}");
    assert_eq!(instances[1].provisioning_for_user(&ann.id).await.expect("list").len(), 1);
}

pub async fn a_repeated_random_value_is_a_conflict_never_a_shared_session(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let stuck = stuck(store.clone());
    let first = stuck.create_session(&ann.id, SessionKind::App, &SessionPolicy::APP, T0).await;
    let first = first.expect("first session");
    let second = stuck
        .create_session(&ann.id, SessionKind::App, &SessionPolicy::APP, T0)
        .await
        .expect_err("the same id and token again");
    assert_eq!(second.code(), "CONFLICT");
    let email = Email::parse("zed@example.org").expect("email");
    stuck.create_user(&email, &cheap_hash(), T0).await.expect("first stuck user");
    let other = Email::parse("zoe@example.org").expect("email");
    let clash = stuck.create_user(&other, &cheap_hash(), T0).await.expect_err("same id");
    assert_eq!(clash.code(), "CONFLICT");
    let challenge = verifier().challenge();
    stuck
        .issue_login_code(&ann.id, &challenge, REDIRECT, SessionPurpose::SignIn, T0)
        .await
        .expect("first code");
    let code = stuck
        .issue_login_code(&ann.id, &challenge, REDIRECT, SessionPurpose::SignIn, T0)
        .await
        .expect_err("same");
    assert_eq!(code.code(), "CONFLICT");
    // The first session still belongs to its holder only.
    let found =
        store.session_by_token(SessionKind::App, &first.token, T0 + 1).await.expect("lookup");
    assert_eq!(found.expect("live").user_id, ann.id);
}

pub async fn reconnecting_keeps_every_record_and_migrates_once(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let new =
        store.create_session(&ann.id, SessionKind::Web, &SessionPolicy::WEB, T0).await.expect("s");
    store.close().await;
    assert_eq!(store.ping().await.expect_err("closed").code(), "STORE_UNAVAILABLE");
    let again = db.store().await;
    assert_eq!(again.backend(), crate::support::backend_of(&db));
    assert_eq!(again.user_by_id(&ann.id).await.expect("lookup"), Some(ann));
    let found = again.session_by_token(SessionKind::Web, &new.token, T0 + 1).await.expect("lookup");
    assert!(found.is_some());
    let raw = db.raw().await;
    let (migrations,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&raw)
        .await
        .expect("migrations table");
    let shipped = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .expect("migrations folder")
        .count();
    assert_eq!(migrations, i64::try_from(shipped).expect("a few"), "each migration ran once");
}
