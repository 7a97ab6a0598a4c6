use sigil_companion::store::login_codes::{CodeRejection, LOGIN_CODE_TTL_MS, Redemption};
use sigil_companion::store::sessions::{NewSession, SessionKind, SessionPolicy, SessionPurpose};
use sigil_companion::store::{LoginCode, UserId};

use crate::support::{Db, REDIRECT, T0, user, verifier};

/// Redeems and expects a session.
/// A store with one user and a code issued to them at `T0`.
struct Issued {
    store: sigil_companion::store::Store,
    ann: sigil_companion::store::users::User,
    verifier: sigil_companion::store::pkce::CodeVerifier,
    code: sigil_companion::store::login_codes::IssuedCode,
}

async fn issue(db: &Db) -> Issued {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let verifier = verifier();
    let code = store
        .issue_login_code(&ann.id, &verifier.challenge(), REDIRECT, SessionPurpose::SignIn, T0)
        .await
        .expect("issue");
    Issued { store, ann, verifier, code }
}

fn issued(redemption: Redemption) -> NewSession {
    match redemption {
        Redemption::Issued(new) => new,
        Redemption::Rejected(rejection) => panic!("refused: {rejection:?}"),
    }
}

/// Redeems and expects a refusal.
fn rejected(redemption: Redemption) -> CodeRejection {
    match redemption {
        Redemption::Issued(new) => panic!("issued a session: {new:?}"),
        Redemption::Rejected(rejection) => rejection,
    }
}

pub async fn a_code_with_its_verifier_and_redirect_uri_opens_an_app_session(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let verifier = verifier();
    let issued_code = store
        .issue_login_code(&ann.id, &verifier.challenge(), REDIRECT, SessionPurpose::SignIn, T0)
        .await
        .expect("issue");
    assert_eq!(issued_code.expires_at, T0 + LOGIN_CODE_TTL_MS);
    assert_eq!(issued_code.code.expose().len(), 43);
    let redemption = store
        .redeem_login_code(&issued_code.code, &verifier, REDIRECT, &SessionPolicy::APP, T0 + 5_000)
        .await
        .expect("redeem");
    let new = issued(redemption);
    assert_eq!(new.session.user_id, ann.id);
    assert_eq!(new.session.kind, SessionKind::App);
    assert_eq!(new.session.created_at, T0 + 5_000);
    let found = store
        .session_by_token(SessionKind::App, &new.token, T0 + 6_000)
        .await
        .expect("lookup")
        .expect("live session");
    assert_eq!(found.id, new.session.id);
}

pub async fn a_code_redeemed_twice_revokes_the_session_it_made(db: Db) {
    let Issued { store, verifier, code, .. } = issue(&db).await;
    let policy = SessionPolicy::APP;
    let first = issued(
        store.redeem_login_code(&code.code, &verifier, REDIRECT, &policy, T0).await.expect("first"),
    );
    let second = rejected(
        store
            .redeem_login_code(&code.code, &verifier, REDIRECT, &policy, T0 + 1_000)
            .await
            .expect("second"),
    );
    assert_eq!(second, CodeRejection::Replayed { revoked_session: Some(first.session.id.clone()) });
    assert_eq!(second.code(), "CODE_REPLAYED");
    let lookup = store.session_by_token(SessionKind::App, &first.token, T0 + 2_000).await;
    assert_eq!(lookup.expect("lookup"), None, "the first session is revoked");
    let stored = store.session_by_id(&first.session.id).await.expect("by id").expect("session");
    assert_eq!(stored.revoked_at, Some(T0 + 1_000));
    // Even after the code expired, a replay is still recognised as one.
    let late = rejected(
        store
            .redeem_login_code(&code.code, &verifier, REDIRECT, &policy, T0 + 3_600_000)
            .await
            .expect("late"),
    );
    assert!(matches!(late, CodeRejection::Replayed { .. }), "{late:?}");
}

pub async fn a_code_is_refused_from_its_sixtieth_second(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let verifier = verifier();
    let policy = SessionPolicy::APP;
    let expired = store
        .issue_login_code(&ann.id, &verifier.challenge(), REDIRECT, SessionPurpose::SignIn, T0)
        .await
        .expect("issue");
    let at_expiry = store
        .redeem_login_code(&expired.code, &verifier, REDIRECT, &policy, expired.expires_at)
        .await
        .expect("redeem");
    assert_eq!(rejected(at_expiry), CodeRejection::Expired);
    let fresh = store
        .issue_login_code(&ann.id, &verifier.challenge(), REDIRECT, SessionPurpose::SignIn, T0)
        .await
        .expect("issue");
    let just_before = store
        .redeem_login_code(&fresh.code, &verifier, REDIRECT, &policy, fresh.expires_at - 1)
        .await
        .expect("redeem");
    issued(just_before);
}

pub async fn a_wrong_verifier_is_refused_and_uses_the_code_up(db: Db) {
    let Issued { store, verifier, code, .. } = issue(&db).await;
    let policy = SessionPolicy::APP;
    let wrong = crate::support::verifier();
    let refused =
        store.redeem_login_code(&code.code, &wrong, REDIRECT, &policy, T0).await.expect("redeem");
    assert_eq!(rejected(refused), CodeRejection::VerifierMismatch);
    let then = store
        .redeem_login_code(&code.code, &verifier, REDIRECT, &policy, T0 + 1)
        .await
        .expect("redeem");
    assert_eq!(rejected(then), CodeRejection::Replayed { revoked_session: None });
}

pub async fn another_redirect_uri_is_refused_and_uses_the_code_up(db: Db) {
    let Issued { store, verifier, code, .. } = issue(&db).await;
    let policy = SessionPolicy::APP;
    let refused = store
        .redeem_login_code(&code.code, &verifier, "sigil://auth/other", &policy, T0)
        .await
        .expect("redeem");
    assert_eq!(rejected(refused), CodeRejection::RedirectUriMismatch);
    let then = store
        .redeem_login_code(&code.code, &verifier, REDIRECT, &policy, T0 + 1)
        .await
        .expect("redeem");
    assert_eq!(rejected(then), CodeRejection::Replayed { revoked_session: None });
}

pub async fn an_unknown_code_is_refused(db: Db) {
    let store = db.store().await;
    let code = LoginCode::new("not-a-code-this-store-ever-issued-000000000");
    let refused = store
        .redeem_login_code(&code, &verifier(), REDIRECT, &SessionPolicy::APP, T0)
        .await
        .expect("redeem");
    let rejection = rejected(refused);
    assert_eq!(rejection, CodeRejection::Unknown);
    assert_eq!(rejection.code(), "CODE_UNKNOWN");
}

pub async fn a_code_for_an_unknown_user_is_not_issued(db: Db) {
    let store = db.store().await;
    let ghost = UserId::parse("cu-0123456789abcdef0123456789abcdef").expect("id");
    let error = store
        .issue_login_code(&ghost, &verifier().challenge(), REDIRECT, SessionPurpose::SignIn, T0)
        .await
        .expect_err("unknown user");
    assert_eq!(error.code(), "NOT_FOUND");
}

pub async fn the_database_holds_only_hashes_of_codes_and_tokens(db: Db) {
    let Issued { store, ann, verifier, code } = issue(&db).await;
    let code_text = code.code.expose().to_owned();
    let new = issued(
        store
            .redeem_login_code(&code.code, &verifier, REDIRECT, &SessionPolicy::APP, T0)
            .await
            .expect("redeem"),
    );
    let web = store
        .create_session(&ann.id, SessionKind::Web, &SessionPolicy::WEB, T0)
        .await
        .expect("web session");
    let raw = db.raw().await;
    let codes: Vec<(String,)> =
        sqlx::query_as("SELECT code_hash FROM login_codes").fetch_all(&raw).await.expect("codes");
    let tokens: Vec<(String,)> =
        sqlx::query_as("SELECT token_hash FROM sessions").fetch_all(&raw).await.expect("tokens");
    assert_eq!((codes.len(), tokens.len()), (1, 2));
    for (stored,) in codes.iter().chain(&tokens) {
        assert_eq!(stored.len(), 64, "a hex SHA-256: {stored}");
        for secret in [code_text.as_str(), new.token.expose(), web.token.expose()] {
            assert!(!stored.contains(secret), "a secret is stored as it is");
        }
    }
    // And nothing of them shows in Debug output.
    let shown = format!("{code:?} {new:?} {web:?}");
    for secret in [code_text.as_str(), new.token.expose(), web.token.expose()] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

pub async fn a_recovery_code_opens_a_session_whose_purpose_is_recovery(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let verifier = verifier();
    let challenge = verifier.challenge();
    let issued = store
        .issue_login_code(&ann.id, &challenge, REDIRECT, SessionPurpose::Recovery, T0)
        .await
        .expect("issue");
    let redeemed = store
        .redeem_login_code(&issued.code, &verifier, REDIRECT, &SessionPolicy::APP, T0 + 1)
        .await
        .expect("redeem");
    let Redemption::Issued(new) = redeemed else { panic!("{redeemed:?}") };
    assert_eq!(new.session.purpose, SessionPurpose::Recovery);
    let found = store.session_by_token(SessionKind::App, &new.token, T0 + 2).await.expect("read");
    assert_eq!(found.expect("live").purpose, SessionPurpose::Recovery);
    let website = store
        .create_session(&ann.id, SessionKind::Web, &SessionPolicy::WEB, T0)
        .await
        .expect("web");
    assert_eq!(website.session.purpose, SessionPurpose::SignIn, "only a recovery code makes one");
}
