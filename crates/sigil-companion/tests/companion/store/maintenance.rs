use sigil_companion::store::DfnsTemporaryToken;
use sigil_companion::store::backoff::Backoff;
use sigil_companion::store::email_codes::{AuthorizeParams, EmailCodeCheck};
use sigil_companion::store::login_codes::Redemption;
use sigil_companion::store::maintenance::{PurgeReport, RETENTION_MS};
use sigil_companion::store::outbox::StoredMail;
use sigil_companion::store::rate_limit::RateLimit;
use sigil_companion::store::recoveries::StartedRecovery;
use sigil_companion::store::sessions::{SessionKind, SessionPolicy, SessionPurpose};

use crate::support::{Db, REDIRECT, T0, user, verifier};

pub async fn purging_deletes_only_what_no_operation_would_accept(db: Db) {
    let store = db.store().await;
    let now = T0 + 2 * RETENTION_MS;
    let short = SessionPolicy { idle_timeout_ms: 10_000, max_lifetime_ms: 10_000 };
    let ann = user(&store, "ann").await;
    let bob = user(&store, "bob").await;
    let verifier = verifier();
    let challenge = verifier.challenge();
    // Gone: a code expired long ago, a session expired long ago, a pending registration whose
    // temporary token expired, a rate-limit counter and a backoff of long ago.
    store
        .issue_login_code(&ann.id, &challenge, REDIRECT, SessionPurpose::SignIn, T0)
        .await
        .expect("old code");
    store.create_session(&ann.id, SessionKind::App, &short, T0).await.expect("old session");
    let live = store
        .create_session(&ann.id, SessionKind::App, &SessionPolicy::APP, now - 1)
        .await
        .expect("live");
    let token = DfnsTemporaryToken::new("tmp");
    store
        .start_dfns_registration(
            &ann.id,
            &live.session.id,
            &crate::support::started(&token, now - 1),
            now - 100,
        )
        .await
        .expect("stale registration");
    let limit = RateLimit { limit: 5, window_ms: 10_000 };
    store.hit_rate_limit("old", &limit, T0).await.expect("old hit");
    let backoff = Backoff {
        free_failures: 0,
        first_delay_ms: 1_000,
        max_delay_ms: 1_000,
        forget_after_ms: 60_000,
    };
    store.try_attempt("old", &backoff, T0).await.expect("old attempt");
    // Kept: a fresh code, a live session, a session revoked recently, a registration in
    // progress, a current counter and backoff.
    let fresh = store
        .issue_login_code(&ann.id, &challenge, REDIRECT, SessionPurpose::SignIn, now - 1_000)
        .await
        .expect("code");
    let revoked = store
        .create_session(&bob.id, SessionKind::Web, &SessionPolicy::WEB, now - 5_000)
        .await
        .expect("web");
    store.revoke_session(&revoked.session.id, now - 4_000).await.expect("revoke");
    let bobs = store
        .create_session(&bob.id, SessionKind::App, &SessionPolicy::APP, now - 1)
        .await
        .expect("bob");
    store
        .start_dfns_registration(
            &bob.id,
            &bobs.session.id,
            &crate::support::started(&token, now + 600_000),
            now - 1,
        )
        .await
        .expect("registration");
    store.hit_rate_limit("new", &limit, now - 1).await.expect("new hit");
    // Recovery: an emailed code and an outbox mail of long ago go; an expired recovery keeps its
    // row (its session started its one recovery) but not its token; fresh ones stay.
    let asked = AuthorizeParams {
        state: "s".into(),
        challenge: challenge.clone(),
        redirect_uri: REDIRECT.into(),
    };
    store.issue_email_code(&ann.id, &asked, T0).await.expect("old email code");
    let fresh_email_code =
        store.issue_email_code(&ann.id, &asked, now - 1_000).await.expect("email code");
    for sent_at in [T0, now - 1] {
        let mail = StoredMail {
            to: "a@example.org".into(),
            subject: "s".into(),
            body: "b".into(),
            sent_at,
        };
        store.put_in_outbox(&mail).await.expect("mail");
    }
    let recovery = |expires_at| StartedRecovery {
        dfns_username: "u".into(),
        credential_id: "kit".into(),
        temporary_token: DfnsTemporaryToken::new("recovery-token"),
        expires_at,
    };
    store
        .start_dfns_recovery(&ann.id, &live.session.id, &recovery(now - 1), now - 100)
        .await
        .expect("old");
    store
        .start_dfns_recovery(&bob.id, &bobs.session.id, &recovery(now + 60_000), now - 100)
        .await
        .expect("new");
    store.try_attempt("new", &backoff, now - 1).await.expect("new attempt");

    let report = store.purge_expired(now).await.expect("purge");
    assert_eq!(
        report,
        PurgeReport {
            login_codes: 1,
            sessions: 1,
            pending_registrations: 1,
            rate_limits: 1,
            backoffs: 1,
            email_codes: 1,
            outbox: 1,
            recovery_tokens: 1,
        }
    );
    assert!(
        store.session_by_token(SessionKind::App, &live.token, now).await.expect("live").is_some()
    );
    assert!(store.session_by_id(&revoked.session.id).await.expect("revoked").is_some());
    assert!(
        store.pending_dfns_registration(&bob.id, &bobs.session.id, now).await.expect("p").is_some()
    );
    let redeemed = store
        .redeem_login_code(&fresh.code, &verifier, REDIRECT, &SessionPolicy::APP, now)
        .await
        .expect("redeem");
    assert!(matches!(redeemed, Redemption::Issued(_)), "{redeemed:?}");
    let expired =
        store.dfns_recovery(&ann.id, &live.session.id).await.expect("read").expect("kept");
    assert!(expired.temporary_token.is_none(), "the expired recovery's token is forgotten");
    let open = store.dfns_recovery(&bob.id, &bobs.session.id).await.expect("read").expect("kept");
    assert!(open.temporary_token.is_some());
    assert_eq!(store.outbox().await.expect("outbox").len(), 1);
    let guess = if fresh_email_code.code.expose() == "000000" { "111111" } else { "000000" };
    let check = store.check_email_code(&fresh_email_code.ticket, guess, now).await.expect("check");
    assert!(matches!(check, EmailCodeCheck::Wrong { .. }), "{check:?}");
    assert_eq!(store.purge_expired(now).await.expect("again"), PurgeReport::default());
}
