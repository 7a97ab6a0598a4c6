use serde_json::json;

use super::*;

#[test]
fn error_bodies_carry_a_stable_code_and_a_message() {
    let body = ErrorBody::new(ErrorCode::CodeReplayed, "sign in again");
    assert_eq!(
        serde_json::to_value(&body).expect("serialises"),
        json!({"error": {"code": "CODE_REPLAYED", "message": "sign in again"}})
    );
    assert_eq!(ErrorCode::CodeReplayed.as_str(), "CODE_REPLAYED");
    assert_eq!(ErrorCode::RateLimited.http_status(), 429);
}

#[test]
fn an_unknown_error_code_from_a_newer_companion_reads_as_unknown() {
    let body: ErrorBody =
        serde_json::from_value(json!({"error": {"code": "SOMETHING_NEW", "message": "m"}}))
            .expect("still readable");
    assert_eq!(body.error.code, ErrorCode::Unknown);
}

#[test]
fn every_code_reads_back_as_itself() {
    for code in [
        ErrorCode::InvalidRequest,
        ErrorCode::Unauthenticated,
        ErrorCode::RegistrationNotStarted,
        ErrorCode::DfnsUnavailable,
        ErrorCode::Internal,
    ] {
        let wire = serde_json::to_value(code).expect("serialises");
        assert_eq!(wire, json!(code.as_str()));
        assert_eq!(serde_json::from_value::<ErrorCode>(wire).expect("reads"), code);
    }
}

#[test]
fn requests_refuse_unknown_fields() {
    let error = serde_json::from_value::<SessionRequest>(json!({
        "code": "c", "codeVerifier": "v", "redirectUri": "sigil://auth/callback", "extra": 1
    }))
    .expect_err("unknown field");
    assert!(error.to_string().contains("extra"), "{error}");
}

#[test]
fn session_answers_write_the_expiry_as_rfc3339_and_hide_the_token_in_debug() {
    let answer = SessionResponse {
        session_token: Secret::new("s3cret"),
        expires_at: OffsetDateTime::from_unix_timestamp(1_800_000_000).expect("a time"),
        user: User { id: "cu-1".into(), email: "ann@example.org".into() },
    };
    let wire = serde_json::to_value(&answer).expect("serialises");
    assert_eq!(wire["expiresAt"], json!("2027-01-15T08:00:00Z"));
    assert_eq!(wire["sessionToken"], json!("s3cret"));
    assert!(!format!("{answer:?}").contains("s3cret"));
}
