use sigil_companion::store::backoff::{Attempt, Backoff};

use crate::support::{Db, T0};

/// Three free attempts, then 1 s, 2 s, 4 s, 4 s, …; forgotten a minute after the last wait.
const POLICY: Backoff = Backoff {
    free_failures: 3,
    first_delay_ms: 1_000,
    max_delay_ms: 4_000,
    forget_after_ms: 60_000,
};

const KEY: &str = "sign-in:account:192.0.2.1";

async fn attempt(store: &sigil_companion::store::Store, key: &str, at: i64) -> Attempt {
    store.try_attempt(key, &POLICY, at).await.expect("attempt")
}

pub async fn free_attempts_then_each_waits_twice_as_long_as_the_last_up_to_the_cap(db: Db) {
    let store = db.store().await;
    for failures in 1..=3 {
        assert_eq!(attempt(&store, KEY, T0).await, Attempt::Allowed { failures });
    }
    assert_eq!(attempt(&store, KEY, T0 + 999).await, Attempt::Delayed { retry_after_ms: 1 });
    let mut at = T0 + 1_000;
    for (failures, wait) in [(4, 2_000), (5, 4_000), (6, 4_000)] {
        assert_eq!(attempt(&store, KEY, at).await, Attempt::Allowed { failures });
        // Refused attempts do not count: the next allowed one is failure + 1.
        for _ in 0..3 {
            let refused = attempt(&store, KEY, at).await;
            assert_eq!(refused, Attempt::Delayed { retry_after_ms: wait });
        }
        at += wait;
    }
}

pub async fn clearing_forgets_the_failures(db: Db) {
    let store = db.store().await;
    for _ in 0..3 {
        attempt(&store, KEY, T0).await;
    }
    store.clear_backoff(KEY).await.expect("clear");
    assert_eq!(attempt(&store, KEY, T0 + 1).await, Attempt::Allowed { failures: 1 });
}

pub async fn failures_are_forgotten_once_the_last_wait_is_long_over(db: Db) {
    let store = db.store().await;
    for _ in 0..3 {
        attempt(&store, KEY, T0).await;
    }
    // The wait ended at T0 + 1 s; a minute after that the streak is over.
    assert_eq!(attempt(&store, KEY, T0 + 61_000).await, Attempt::Allowed { failures: 1 });
}

pub async fn each_bucket_waits_on_its_own(db: Db) {
    let store = db.store().await;
    for _ in 0..3 {
        attempt(&store, KEY, T0).await;
    }
    assert!(matches!(attempt(&store, KEY, T0).await, Attempt::Delayed { .. }));
    let elsewhere = attempt(&store, "sign-in:account:192.0.2.2", T0).await;
    assert_eq!(elsewhere, Attempt::Allowed { failures: 1 });
}

pub async fn nonsense_backoffs_are_refused(db: Db) {
    let store = db.store().await;
    let no_delay = Backoff { first_delay_ms: 0, ..POLICY };
    let error = store.try_attempt(KEY, &no_delay, T0).await.expect_err("no delay");
    assert_eq!(error.code(), "INVALID_INPUT");
    let shrinking = Backoff { max_delay_ms: 500, ..POLICY };
    assert!(store.try_attempt(KEY, &shrinking, T0).await.is_err());
    let amnesic = Backoff { forget_after_ms: 0, ..POLICY };
    assert!(store.try_attempt(KEY, &amnesic, T0).await.is_err());
    assert!(store.try_attempt("", &POLICY, T0).await.is_err());
}
