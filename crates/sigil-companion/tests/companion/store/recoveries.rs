use sigil_companion::store::DfnsTemporaryToken;
use sigil_companion::store::recoveries::StartedRecovery;
use sigil_companion::store::sessions::{SessionKind, SessionPolicy};

use crate::support::{Db, T0, user};

fn started(expires_at: i64) -> StartedRecovery {
    StartedRecovery {
        dfns_username: "ann@example.org".into(),
        credential_id: "old-kit".into(),
        temporary_token: DfnsTemporaryToken::new("temporary-token"),
        expires_at,
    }
}

pub async fn a_session_starts_one_recovery_however_often_it_asks(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let app =
        store.create_session(&ann.id, SessionKind::App, &SessionPolicy::APP, T0).await.expect("s");
    let session = &app.session.id;
    assert!(
        store
            .start_dfns_recovery(&ann.id, session, &started(T0 + 600_000), T0)
            .await
            .expect("start")
    );
    assert!(
        !store
            .start_dfns_recovery(&ann.id, session, &started(T0 + 900_000), T0 + 1)
            .await
            .expect("again")
    );
    let recovery = store.dfns_recovery(&ann.id, session).await.expect("read").expect("started");
    assert_eq!(recovery.expires_at, T0 + 600_000, "the first one stands");
    assert_eq!(recovery.temporary_token.expect("kept").expose(), "temporary-token");
    let bob = user(&store, "bob").await;
    assert!(store.dfns_recovery(&bob.id, session).await.expect("read").is_none(), "not Bob's");
}

pub async fn completing_a_recovery_records_the_new_kit_and_signs_out_every_other_session(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let bob = user(&store, "bob").await;
    store
        .complete_dfns_registration(&ann.id, "us-ann", "ann@example.org", Some("old-kit"), T0)
        .await
        .expect("ann");
    let new = |who| store.create_session(who, SessionKind::App, &SessionPolicy::APP, T0);
    let (here, lost, bobs) = (
        new(&ann.id).await.expect("s"),
        new(&ann.id).await.expect("s"),
        new(&bob.id).await.expect("s"),
    );
    let website = store
        .create_session(&ann.id, SessionKind::Web, &SessionPolicy::WEB, T0)
        .await
        .expect("web");
    store
        .start_dfns_recovery(&ann.id, &here.session.id, &started(T0 + 600_000), T0)
        .await
        .expect("start");

    assert!(
        store
            .complete_dfns_recovery(&ann.id, &here.session.id, Some("new-kit"), T0 + 5)
            .await
            .expect("done")
    );
    let mapping = store.dfns_user(&ann.id).await.expect("read").expect("registered");
    assert_eq!(mapping.recovery_credential_id.as_deref(), Some("new-kit"));
    let recovery =
        store.dfns_recovery(&ann.id, &here.session.id).await.expect("read").expect("there");
    assert_eq!((recovery.completed_at, recovery.temporary_token.is_none()), (Some(T0 + 5), true));
    let live = |token| store.session_by_token(SessionKind::App, token, T0 + 10);
    assert!(live(&here.token).await.expect("here").is_some(), "the recovering session stays");
    assert!(live(&lost.token).await.expect("lost").is_none(), "the lost computer is signed out");
    assert!(live(&bobs.token).await.expect("bob").is_some(), "other users are untouched");
    let web = store.session_by_token(SessionKind::Web, &website.token, T0 + 10).await.expect("web");
    assert!(web.is_none(), "the website session too");

    // Recorded once; a recovery without a new kit leaves none recorded.
    assert!(
        !store
            .complete_dfns_recovery(&ann.id, &here.session.id, None, T0 + 6)
            .await
            .expect("again")
    );
    let other = new(&ann.id).await.expect("s");
    store
        .start_dfns_recovery(&ann.id, &other.session.id, &started(T0 + 600_000), T0)
        .await
        .expect("start");
    store.complete_dfns_recovery(&ann.id, &other.session.id, None, T0 + 7).await.expect("done");
    let mapping = store.dfns_user(&ann.id).await.expect("read").expect("registered");
    assert_eq!(mapping.recovery_credential_id, None, "the old kit was retired with the rest");
}
