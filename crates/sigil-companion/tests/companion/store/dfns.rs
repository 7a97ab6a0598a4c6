use sigil_companion::store::DfnsTemporaryToken;
use sigil_companion::store::sessions::{SessionKind, SessionPolicy};

use crate::support::{Db, T0, user};

const TEN_MINUTES: i64 = 600_000;

pub async fn a_started_registration_is_visible_only_to_its_session_until_it_expires(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let policy = SessionPolicy::APP;
    let session = store.create_session(&ann.id, SessionKind::App, &policy, T0).await.expect("s");
    let other = store.create_session(&ann.id, SessionKind::App, &policy, T0).await.expect("o");
    let token = DfnsTemporaryToken::new("dfns-temporary-token-1");
    let expires_at = T0 + TEN_MINUTES;
    store
        .start_dfns_registration(
            &ann.id,
            &session.session.id,
            &crate::support::started(&token, expires_at),
            T0,
        )
        .await
        .expect("start");
    let pending = store
        .pending_dfns_registration(&ann.id, &session.session.id, T0 + 1)
        .await
        .expect("lookup")
        .expect("pending");
    assert_eq!(pending.temporary_token.expose(), "dfns-temporary-token-1");
    assert_eq!(pending.dfns_username, "ann@example.org");
    assert_eq!(pending.dfns_user_id.as_deref(), Some("us-ann"));
    assert_eq!((pending.created_at, pending.expires_at), (T0, expires_at));
    assert!(!format!("{pending:?}").contains("dfns-temporary-token-1"), "redacted in Debug");
    let elsewhere = store.pending_dfns_registration(&ann.id, &other.session.id, T0 + 1).await;
    assert!(elsewhere.expect("lookup").is_none(), "another session cannot complete it");
    let late = store.pending_dfns_registration(&ann.id, &session.session.id, expires_at).await;
    assert!(late.expect("lookup").is_none(), "the temporary token expired");
    let last = store.last_dfns_registration(&ann.id).await.expect("lookup").expect("kept");
    assert_eq!(last.dfns_user_id.as_deref(), Some("us-ann"), "known after expiry, for adoption");
    assert_eq!(store.dfns_user(&ann.id).await.expect("mapping"), None);
}

pub async fn a_user_who_abandoned_registration_can_start_again(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let policy = SessionPolicy::APP;
    let first = store.create_session(&ann.id, SessionKind::App, &policy, T0).await.expect("1");
    let second = store.create_session(&ann.id, SessionKind::App, &policy, T0).await.expect("2");
    let old = DfnsTemporaryToken::new("old-token");
    store
        .start_dfns_registration(
            &ann.id,
            &first.session.id,
            &crate::support::started(&old, T0 + TEN_MINUTES),
            T0,
        )
        .await
        .expect("start");
    let new = DfnsTemporaryToken::new("new-token");
    let later = T0 + 60_000;
    store
        .start_dfns_registration(
            &ann.id,
            &second.session.id,
            &crate::support::started(&new, later + TEN_MINUTES),
            later,
        )
        .await
        .expect("start again");
    let pending = store
        .pending_dfns_registration(&ann.id, &second.session.id, later + 1)
        .await
        .expect("lookup")
        .expect("pending");
    assert_eq!(pending.temporary_token.expose(), "new-token");
    assert_eq!(pending.created_at, later);
    let stale = store.pending_dfns_registration(&ann.id, &first.session.id, later + 1).await;
    assert!(stale.expect("lookup").is_none(), "the abandoned one is gone");
}

pub async fn completing_registration_stores_the_mapping_and_forgets_the_temporary_token(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let s =
        store.create_session(&ann.id, SessionKind::App, &SessionPolicy::APP, T0).await.expect("s");
    let token = DfnsTemporaryToken::new("tmp");
    store
        .start_dfns_registration(
            &ann.id,
            &s.session.id,
            &crate::support::started(&token, T0 + TEN_MINUTES),
            T0,
        )
        .await
        .expect("start");
    let mapping = store
        .complete_dfns_registration(&ann.id, "us-ann", "ann@example.org", None, T0 + 5_000)
        .await
        .expect("complete");
    assert_eq!(mapping.user_id, ann.id);
    assert_eq!((mapping.dfns_user_id.as_str(), mapping.registered_at), ("us-ann", T0 + 5_000));
    assert_eq!(store.dfns_user(&ann.id).await.expect("mapping"), Some(mapping.clone()));
    let pending = store.pending_dfns_registration(&ann.id, &s.session.id, T0 + 6_000).await;
    assert!(pending.expect("lookup").is_none());
    let raw = db.raw().await;
    let (left,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM dfns_pending_registrations")
        .fetch_one(&raw)
        .await
        .expect("count");
    assert_eq!(left, 0, "the temporary token is not kept");
    // A retry of the same completion (e.g. the reply was lost) returns the same mapping.
    let again = store
        .complete_dfns_registration(&ann.id, "us-ann", "ann@example.org", None, T0 + 9_000)
        .await
        .expect("retry");
    assert_eq!(again, mapping);
}

pub async fn a_registered_user_cannot_register_again(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let s =
        store.create_session(&ann.id, SessionKind::App, &SessionPolicy::APP, T0).await.expect("s");
    store
        .complete_dfns_registration(&ann.id, "us-ann", "ann@example.org", None, T0)
        .await
        .expect("complete");
    let token = DfnsTemporaryToken::new("tmp");
    let start = store
        .start_dfns_registration(
            &ann.id,
            &s.session.id,
            &crate::support::started(&token, T0 + TEN_MINUTES),
            T0,
        )
        .await
        .expect_err("registered");
    assert_eq!(start.code(), "ALREADY_REGISTERED");
    let other = store
        .complete_dfns_registration(&ann.id, "us-someone-else", "ann@example.org", None, T0)
        .await
        .expect_err("registered");
    assert_eq!(other.code(), "ALREADY_REGISTERED");
}

pub async fn one_dfns_user_cannot_belong_to_two_company_users(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let bob = user(&store, "bob").await;
    store
        .complete_dfns_registration(&ann.id, "us-shared", "ann@example.org", None, T0)
        .await
        .expect("ann");
    let error = store
        .complete_dfns_registration(&bob.id, "us-shared", "bob@example.org", None, T0)
        .await
        .expect_err("taken");
    assert_eq!(error.code(), "CONFLICT");
    assert_eq!(store.dfns_user(&bob.id).await.expect("mapping"), None);
}
