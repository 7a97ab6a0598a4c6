use sigil_companion::store::rate_limit::{RateDecision, RateLimit};

use crate::support::{Db, T0};

/// 3 hits per 10 s. T0 is a multiple of 10 s, so windows start at T0, T0 + 10 s, ...
const LIMIT: RateLimit = RateLimit { limit: 3, window_ms: 10_000 };

pub async fn hits_beyond_the_limit_are_refused_until_the_window_slides(db: Db) {
    let store = db.store().await;
    let key = "ip:192.0.2.1:sign-in";
    for (at, remaining) in [(T0, 2), (T0 + 1, 1), (T0 + 2, 0)] {
        let decision = store.hit_rate_limit(key, &LIMIT, at).await.expect("hit");
        assert_eq!(decision, RateDecision::Allowed { remaining });
    }
    let limited = store.hit_rate_limit(key, &LIMIT, T0 + 3).await.expect("hit");
    let RateDecision::Limited { retry_after_ms } = limited else { panic!("{limited:?}") };
    // Four hits in this window: one more fits once the window slides far enough into the next
    // one that 4 × (what is left of this window) + 1 ≤ 3, i.e. half-way through the next one.
    assert_eq!(retry_after_ms, (T0 + 10_000 + 5_000) - (T0 + 3));
    let early = store.hit_rate_limit(key, &LIMIT, T0 + 14_999).await.expect("hit");
    assert!(!early.is_allowed(), "{early:?}");
    // That refused hit counted in the new window too: from here one more fits at 3/4 of it.
    let later = store.hit_rate_limit(key, &LIMIT, T0 + 17_500).await.expect("hit");
    assert!(later.is_allowed(), "{later:?}");
    let next = store.hit_rate_limit(key, &LIMIT, T0 + 40_000).await.expect("hit");
    assert_eq!(next, RateDecision::Allowed { remaining: 2 }, "old windows are forgotten");
}

pub async fn buckets_count_separately_and_a_reset_forgets(db: Db) {
    let store = db.store().await;
    for at in 0..4 {
        store.hit_rate_limit("acct:ann@example.org:sign-in", &LIMIT, T0 + at).await.expect("hit");
    }
    let bob = store.hit_rate_limit("acct:bob@example.org:sign-in", &LIMIT, T0 + 5).await;
    assert_eq!(bob.expect("hit"), RateDecision::Allowed { remaining: 2 });
    let ann = store.hit_rate_limit("acct:ann@example.org:sign-in", &LIMIT, T0 + 6).await;
    assert!(!ann.expect("hit").is_allowed());
    store.reset_rate_limit("acct:ann@example.org:sign-in").await.expect("reset");
    let ann = store.hit_rate_limit("acct:ann@example.org:sign-in", &LIMIT, T0 + 7).await;
    assert_eq!(ann.expect("hit"), RateDecision::Allowed { remaining: 2 });
}

pub async fn nonsense_limits_are_refused(db: Db) {
    let store = db.store().await;
    let zero = RateLimit { limit: 0, window_ms: 1_000 };
    let error = store.hit_rate_limit("k", &zero, T0).await.expect_err("zero limit");
    assert_eq!(error.code(), "INVALID_INPUT");
    let no_window = RateLimit { limit: 1, window_ms: 0 };
    assert!(store.hit_rate_limit("k", &no_window, T0).await.is_err());
    assert!(store.hit_rate_limit("", &LIMIT, T0).await.is_err());
}
