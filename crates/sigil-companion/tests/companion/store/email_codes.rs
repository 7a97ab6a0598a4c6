use sigil_companion::store::EmailTicket;
use sigil_companion::store::email_codes::{
    AuthorizeParams, EMAIL_CODE_ATTEMPTS, EMAIL_CODE_TTL_MS, EmailCodeCheck,
};

use crate::support::{Db, REDIRECT, T0, user, verifier};

fn params() -> AuthorizeParams {
    AuthorizeParams {
        state: "app-state".into(),
        challenge: verifier().challenge(),
        redirect_uri: REDIRECT.into(),
    }
}

/// Any code but `right`.
fn wrong(right: &str) -> &'static str {
    if right == "000000" { "111111" } else { "000000" }
}

pub async fn the_right_code_is_accepted_once_with_its_authorize_request(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let asked = params();
    let issued = store.issue_email_code(&ann.id, &asked, T0).await.expect("issue");
    assert_eq!(issued.expires_at, T0 + EMAIL_CODE_TTL_MS);
    let code = issued.code.expose();
    assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "six digits");
    let first = store.check_email_code(&issued.ticket, code, T0 + 1).await.expect("check");
    assert_eq!(first, EmailCodeCheck::Accepted { user_id: ann.id.clone(), params: asked });
    let again = store.check_email_code(&issued.ticket, code, T0 + 2).await.expect("check");
    assert_eq!(again, EmailCodeCheck::Void);
}

pub async fn wrong_codes_sent_at_once_get_five_checks_between_them(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let issued = store.issue_email_code(&ann.id, &params(), T0).await.expect("issue");
    let right = issued.code.expose().to_owned();
    let guesses = (0..12).map(|_| {
        let (store, ticket) = (store.clone(), issued.ticket.clone());
        let guess = wrong(&right);
        tokio::spawn(async move { store.check_email_code(&ticket, guess, T0 + 1).await })
    });
    let mut checked = 0;
    for guess in guesses.collect::<Vec<_>>() {
        match guess.await.expect("task").expect("check") {
            EmailCodeCheck::Wrong { .. } => checked += 1,
            EmailCodeCheck::Void => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(checked, EMAIL_CODE_ATTEMPTS, "only the counted attempts were compared");
    let right_now = store.check_email_code(&issued.ticket, &right, T0 + 2).await.expect("check");
    assert_eq!(right_now, EmailCodeCheck::Void, "the right code comes too late");
}

pub async fn a_code_is_refused_from_its_tenth_minute_and_unknown_tickets_are_told_apart(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let issued = store.issue_email_code(&ann.id, &params(), T0).await.expect("issue");
    let code = issued.code.expose();
    let late =
        store.check_email_code(&issued.ticket, code, issued.expires_at).await.expect("check");
    assert_eq!(late, EmailCodeCheck::Expired);
    let made_up = EmailTicket::new("made-up");
    assert_eq!(
        store.check_email_code(&made_up, code, T0).await.expect("check"),
        EmailCodeCheck::Unknown
    );
}

pub async fn the_database_holds_neither_the_ticket_nor_the_code(db: Db) {
    let store = db.store().await;
    let ann = user(&store, "ann").await;
    let issued = store.issue_email_code(&ann.id, &params(), T0).await.expect("issue");
    let raw = db.raw().await;
    let (ticket_hash, code_hash): (String, String) =
        sqlx::query_as("SELECT ticket_hash, code_hash FROM email_codes")
            .fetch_one(&raw)
            .await
            .expect("row");
    for stored in [&ticket_hash, &code_hash] {
        assert_eq!(stored.len(), 64, "a SHA-256");
        assert!(!stored.contains(issued.ticket.expose()) && !stored.contains(issued.code.expose()));
    }
    // Without the ticket, the code's hash cannot be searched for among the million codes.
    let unsalted = hex_sha256(issued.code.expose());
    assert_ne!(code_hash, unsalted);
}

fn hex_sha256(text: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}
