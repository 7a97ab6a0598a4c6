use sigil_companion::store::UserId;
use sigil_companion::store::passwords::PasswordHash;
use sigil_companion::store::users::{Email, FailedLogin, LockoutPolicy};

use crate::support::{Db, T0, cheap_hash, user};

const POLICY: LockoutPolicy =
    LockoutPolicy { max_failures: 3, window_ms: 60_000, lock_ms: 300_000 };

pub async fn a_new_account_is_found_by_id_and_by_email_in_any_case(db: Db) {
    let store = db.store().await;
    let email = Email::parse("Ann.Lee@Example.org").expect("email");
    let ann = store.create_user(&email, &cheap_hash(), T0).await.expect("create");
    assert!(ann.id.as_str().starts_with("cu-"), "{}", ann.id);
    assert_eq!(ann.email.as_str(), "ann.lee@example.org");
    assert_eq!(ann.created_at, T0);
    assert_eq!(store.user_by_id(&ann.id).await.expect("by id"), Some(ann.clone()));
    let shouted = Email::parse("ANN.LEE@EXAMPLE.ORG").expect("email");
    assert_eq!(store.user_by_email(&shouted).await.expect("by email"), Some(ann));
    let nobody = Email::parse("nobody@example.org").expect("email");
    assert_eq!(store.user_by_email(&nobody).await.expect("by email"), None);
}

pub async fn an_email_has_one_account_whatever_its_case(db: Db) {
    let store = db.store().await;
    user(&store, "bob").await;
    let again = Email::parse("BOB@example.org").expect("email");
    let error = store.create_user(&again, &cheap_hash(), T0).await.expect_err("taken");
    assert_eq!(error.code(), "EMAIL_TAKEN");
}

pub async fn credentials_carry_the_stored_password_hash_until_it_is_replaced(db: Db) {
    let store = db.store().await;
    let carol = user(&store, "carol").await;
    let credentials =
        store.credentials_by_email(&carol.email).await.expect("lookup").expect("credentials");
    assert_eq!(credentials.user, carol);
    assert_eq!(credentials.password_hash, cheap_hash());
    let new_hash = PasswordHash::from_phc(
        "$argon2id$v=19$m=19456,t=2,p=1$bmV3c2FsdG5ld3NhbHQ$7v7Yd0cZJ4Q2m0Q4l8k3ZQ",
    )
    .expect("phc");
    store.set_password_hash(&carol.id, &new_hash).await.expect("set");
    let credentials =
        store.credentials_by_email(&carol.email).await.expect("lookup").expect("credentials");
    assert_eq!(credentials.password_hash, new_hash);
}

pub async fn failed_sign_ins_within_the_window_lock_the_account(db: Db) {
    let store = db.store().await;
    let dave = user(&store, "dave").await;
    let first = store.record_failed_login(&dave.id, &POLICY, T0).await.expect("1");
    assert_eq!(first, FailedLogin::Counted { failures: 1, remaining: 2 });
    let second = store.record_failed_login(&dave.id, &POLICY, T0 + 10_000).await.expect("2");
    assert_eq!(second, FailedLogin::Counted { failures: 2, remaining: 1 });
    assert_eq!(store.locked_until(&dave.id, T0 + 10_000).await.expect("open"), None);
    let third = store.record_failed_login(&dave.id, &POLICY, T0 + 59_999).await.expect("3");
    let until_ms = T0 + 59_999 + POLICY.lock_ms;
    assert_eq!(third, FailedLogin::Locked { until_ms });
    assert_eq!(store.locked_until(&dave.id, T0 + 60_000).await.expect("locked"), Some(until_ms));
    let found = store.user_by_id(&dave.id).await.expect("lookup").expect("dave");
    assert!(found.is_locked(T0 + 60_000));
    // More failures while locked do not extend the lock.
    let fourth = store.record_failed_login(&dave.id, &POLICY, T0 + 70_000).await.expect("4");
    assert_eq!(fourth, FailedLogin::Locked { until_ms });
    assert_eq!(store.locked_until(&dave.id, until_ms).await.expect("over"), None);
    // After the lock, counting starts again.
    let after = store.record_failed_login(&dave.id, &POLICY, until_ms + 1).await.expect("5");
    assert_eq!(after, FailedLogin::Counted { failures: 1, remaining: 2 });
}

pub async fn failures_spread_wider_than_the_window_do_not_lock(db: Db) {
    let store = db.store().await;
    let erin = user(&store, "erin").await;
    for (i, at) in [T0, T0 + 30_000, T0 + 60_000, T0 + 90_000, T0 + 120_000].into_iter().enumerate()
    {
        let outcome = store.record_failed_login(&erin.id, &POLICY, at).await.expect("failure");
        assert!(matches!(outcome, FailedLogin::Counted { .. }), "failure {i}: {outcome:?}");
    }
    assert_eq!(store.locked_until(&erin.id, T0 + 120_000).await.expect("open"), None);
}

pub async fn a_locked_account_refuses_a_correct_password_until_the_lock_ends(db: Db) {
    let store = db.store().await;
    let finn = user(&store, "finn").await;
    for i in 0..3 {
        store.record_failed_login(&finn.id, &POLICY, T0 + i).await.expect("failure");
    }
    let until_ms = T0 + 2 + POLICY.lock_ms;
    let error = store.record_successful_login(&finn.id, T0 + 1_000).await.expect_err("locked");
    assert_eq!(error.code(), "ACCOUNT_LOCKED");
    assert!(
        matches!(error, sigil_companion::store::StoreError::AccountLocked { until_ms: u } if u == until_ms)
    );
    store.record_successful_login(&finn.id, until_ms).await.expect("lock over");
    let found = store.user_by_id(&finn.id).await.expect("lookup").expect("finn");
    assert_eq!(found.locked_until, None);
    assert_eq!(found.last_login_at, Some(until_ms));
}

pub async fn a_successful_sign_in_clears_the_failure_count(db: Db) {
    let store = db.store().await;
    let gail = user(&store, "gail").await;
    store.record_failed_login(&gail.id, &POLICY, T0).await.expect("1");
    store.record_failed_login(&gail.id, &POLICY, T0 + 1).await.expect("2");
    store.record_successful_login(&gail.id, T0 + 2).await.expect("success");
    let next = store.record_failed_login(&gail.id, &POLICY, T0 + 3).await.expect("3");
    assert_eq!(next, FailedLogin::Counted { failures: 1, remaining: 2 });
}

pub async fn an_unknown_user_is_not_found(db: Db) {
    let store = db.store().await;
    let ghost = UserId::parse("cu-0123456789abcdef0123456789abcdef").expect("id");
    assert_eq!(store.user_by_id(&ghost).await.expect("lookup"), None);
    let failed = store.record_failed_login(&ghost, &POLICY, T0).await.expect_err("unknown");
    assert_eq!(failed.code(), "NOT_FOUND");
    let success = store.record_successful_login(&ghost, T0).await.expect_err("unknown");
    assert_eq!(success.code(), "NOT_FOUND");
    let locked = store.locked_until(&ghost, T0).await.expect_err("unknown");
    assert_eq!(locked.code(), "NOT_FOUND");
    let set = store.set_password_hash(&ghost, &cheap_hash()).await.expect_err("unknown");
    assert_eq!(set.code(), "NOT_FOUND");
}
