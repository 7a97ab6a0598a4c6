use sigil_companion::store::SessionToken;
use sigil_companion::store::sessions::{SessionKind, SessionPolicy};

use crate::support::{Db, T0, user};

const POLICY: SessionPolicy = SessionPolicy { idle_timeout_ms: 10_000, max_lifetime_ms: 25_000 };

pub async fn a_token_opens_its_session_and_only_as_its_kind(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let app = store.create_session(&ann.id, SessionKind::App, &POLICY, T0).await.expect("app");
    assert!(app.session.id.as_str().starts_with("cs-"));
    assert_eq!(app.token.expose().len(), 43);
    assert_eq!(app.session.expires_at, T0 + 10_000);
    assert_eq!(app.session.absolute_expires_at, T0 + 25_000);
    let found = store
        .session_by_token(SessionKind::App, &app.token, T0 + 1)
        .await
        .expect("lookup")
        .expect("live");
    assert_eq!((found.id, found.user_id, found.kind), (app.session.id, ann.id, SessionKind::App));
    let as_web = store.session_by_token(SessionKind::Web, &app.token, T0 + 2).await;
    assert_eq!(as_web.expect("lookup"), None);
    let unknown = SessionToken::new("x".repeat(43));
    assert_eq!(store.session_by_token(SessionKind::App, &unknown, T0).await.expect("lookup"), None);
}

pub async fn using_a_session_slides_its_expiry_up_to_its_absolute_end(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let new = store.create_session(&ann.id, SessionKind::App, &POLICY, T0).await.expect("create");
    let touch = |at: i64| {
        let store = store.clone();
        let token = new.token.clone();
        async move { store.session_by_token(SessionKind::App, &token, at).await.expect("lookup") }
    };
    let first = touch(T0 + 8_000).await.expect("live at 8 s");
    assert_eq!((first.last_seen_at, first.expires_at), (T0 + 8_000, T0 + 18_000));
    let second = touch(T0 + 17_000).await.expect("live at 17 s, thanks to the slide");
    assert_eq!(second.expires_at, T0 + 25_000, "capped at the absolute end");
    // A lookup stamped earlier (another instance's clock) moves nothing backwards.
    let skewed = touch(T0 + 16_000).await.expect("still live");
    assert_eq!((skewed.last_seen_at, skewed.expires_at), (T0 + 17_000, T0 + 25_000));
    assert!(touch(T0 + 24_999).await.is_some());
    assert!(touch(T0 + 25_000).await.is_none(), "the absolute end is final");
}

pub async fn an_idle_session_expires(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let new = store.create_session(&ann.id, SessionKind::Web, &POLICY, T0).await.expect("create");
    let idle = store.session_by_token(SessionKind::Web, &new.token, T0 + 10_000).await;
    assert_eq!(idle.expect("lookup"), None);
    let stored = store.session_by_id(&new.session.id).await.expect("by id").expect("kept");
    assert!(!stored.is_live(T0 + 10_000));
    assert_eq!(stored.last_seen_at, T0, "an expired lookup does not touch it");
}

pub async fn a_revoked_session_is_refused(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let new = store.create_session(&ann.id, SessionKind::App, &POLICY, T0).await.expect("create");
    assert!(store.revoke_session(&new.session.id, T0 + 1).await.expect("revoke"));
    assert!(
        !store.revoke_session(&new.session.id, T0 + 2).await.expect("again"),
        "already revoked"
    );
    let lookup = store.session_by_token(SessionKind::App, &new.token, T0 + 3).await;
    assert_eq!(lookup.expect("lookup"), None);
    let stored = store.session_by_id(&new.session.id).await.expect("by id").expect("kept");
    assert_eq!(stored.revoked_at, Some(T0 + 1));
}

pub async fn revoking_all_sessions_of_a_user_leaves_other_users_signed_in(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let bob = user(&store, "bob").await;
    let mut anns = Vec::new();
    for kind in [SessionKind::App, SessionKind::App, SessionKind::Web] {
        anns.push(store.create_session(&ann.id, kind, &POLICY, T0).await.expect("ann"));
    }
    let bobs = store.create_session(&bob.id, SessionKind::App, &POLICY, T0).await.expect("bob");
    assert_eq!(store.revoke_all_sessions(&ann.id, T0 + 1).await.expect("revoke all"), 3);
    for new in &anns {
        let lookup = store.session_by_token(new.session.kind, &new.token, T0 + 2).await;
        assert_eq!(lookup.expect("lookup"), None);
    }
    let lookup = store.session_by_token(SessionKind::App, &bobs.token, T0 + 2).await;
    assert!(lookup.expect("lookup").is_some(), "bob stays signed in");
    assert_eq!(store.revoke_all_sessions(&ann.id, T0 + 3).await.expect("again"), 0);
}

pub async fn a_session_can_be_looked_up_by_id_without_sliding(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let new = store.create_session(&ann.id, SessionKind::App, &POLICY, T0).await.expect("create");
    let stored = store.session_by_id(&new.session.id).await.expect("by id").expect("found");
    assert_eq!(stored, new.session);
    assert!(stored.is_live(T0 + 9_999));
}
