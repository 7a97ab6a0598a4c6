use sigil_companion::store::UserId;
use sigil_companion::store::passwords::PasswordHash;
use sigil_companion::store::users::Email;

use crate::support::{Db, T0, cheap_hash, user};

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

pub async fn a_sign_in_is_recorded_on_the_account(db: Db) {
    let store = db.store().await;
    let dave = user(&store, "dave").await;
    assert_eq!(dave.last_login_at, None);
    store.record_sign_in(&dave.id, T0 + 5).await.expect("recorded");
    let found = store.user_by_id(&dave.id).await.expect("lookup").expect("dave");
    assert_eq!(found.last_login_at, Some(T0 + 5));
}

pub async fn an_unknown_user_is_not_found(db: Db) {
    let store = db.store().await;
    let ghost = UserId::parse("cu-0123456789abcdef0123456789abcdef").expect("id");
    assert_eq!(store.user_by_id(&ghost).await.expect("lookup"), None);
    let success = store.record_sign_in(&ghost, T0).await.expect_err("unknown");
    assert_eq!(success.code(), "NOT_FOUND");
    let set = store.set_password_hash(&ghost, &cheap_hash()).await.expect_err("unknown");
    assert_eq!(set.code(), "NOT_FOUND");
}
