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
        purpose: SessionPurpose::Recovery,
    };
    let wire = serde_json::to_value(&answer).expect("serialises");
    assert_eq!(wire["expiresAt"], json!("2027-01-15T08:00:00Z"));
    assert_eq!(wire["sessionToken"], json!("s3cret"));
    assert_eq!(wire["purpose"], json!("recovery"));
    assert!(!format!("{answer:?}").contains("s3cret"));
}

#[test]
fn a_session_answer_without_a_purpose_from_an_older_companion_is_a_sign_in() {
    let answer: SessionResponse = serde_json::from_value(json!({
        "sessionToken": "t", "expiresAt": "2027-01-15T08:00:00Z",
        "user": {"id": "cu-1", "email": "ann@example.org"}
    }))
    .expect("readable");
    assert_eq!(answer.purpose, SessionPurpose::SignIn);
    assert_eq!(serde_json::to_value(SessionPurpose::SignIn).expect("JSON"), json!("signIn"));
}

#[test]
fn a_recovery_challenge_nests_the_dfns_challenge_without_its_temporary_token() {
    let wire = json!({
        "challenge": {
            "user": {"id": "us-1", "name": "ann@example.org", "displayName": "ann@example.org"},
            "challenge": "Y2hhbGxlbmdl",
            "supportedCredentialKinds": {"firstFactor": ["Fido2"], "secondFactor": []},
            "authenticatorSelection": {"residentKey": "required", "requireResidentKey": true,
                                       "userVerification": "required"},
            "attestation": "direct",
            "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
            "allowedRecoveryCredentials": [{"id": "kit-1", "encryptedRecoveryKey": "e30="}]
        },
        "expiresAt": "2027-01-15T08:00:00Z"
    });
    let read: RecoveryChallenge = serde_json::from_value(wire.clone()).expect("readable");
    assert_eq!(read.challenge.allowed_recovery_credentials[0].id, "kit-1");
    assert_eq!(read.challenge.options.challenge, "Y2hhbGxlbmdl");
    let written = serde_json::to_value(&read).expect("JSON");
    assert!(written["challenge"].get("temporaryAuthenticationToken").is_none());
    assert_eq!(
        written["challenge"]["allowedRecoveryCredentials"],
        wire["challenge"]["allowedRecoveryCredentials"]
    );
}

#[test]
fn a_recovery_completion_takes_the_registration_credentials_and_the_kit_signature_only() {
    let body = json!({
        "newCredentials": {"firstFactorCredential": {
            "credentialKind": "Fido2",
            "credentialInfo": {"credId": "aWQ", "clientData": "e30", "attestationData": "oA"}
        }},
        "recovery": {"kind": "RecoveryKey",
                     "credentialAssertion": {"credId": "a2l0", "clientData": "e30", "signature": "c2ln"}}
    });
    let read: RecoveryCompleteRequest = serde_json::from_value(body.clone()).expect("readable");
    assert!(read.new_credentials.recovery_credential.is_none());
    let mut extra = body;
    extra["newCredentials"]["secondFactorCredential"] = json!(null);
    let error = serde_json::from_value::<RecoveryCompleteRequest>(extra).expect_err("refused");
    assert!(error.to_string().contains("secondFactorCredential"), "{error}");
}

#[test]
fn the_recovery_codes_have_their_statuses() {
    for (code, wire, status) in [
        (ErrorCode::RecoveryNotAllowed, "RECOVERY_NOT_ALLOWED", 403),
        (ErrorCode::NoRecoveryKit, "NO_RECOVERY_KIT", 409),
        (ErrorCode::RecoveryRateLimited, "RECOVERY_RATE_LIMITED", 429),
        (ErrorCode::RecoveryNotStarted, "RECOVERY_NOT_STARTED", 409),
        (ErrorCode::RecoveryExpired, "RECOVERY_EXPIRED", 409),
        (ErrorCode::RecoveryAlreadyCompleted, "RECOVERY_ALREADY_COMPLETED", 409),
        (ErrorCode::RecoveryRefused, "RECOVERY_REFUSED", 400),
        (ErrorCode::RecoveryKitUnknown, "RECOVERY_KIT_UNKNOWN", 400),
    ] {
        assert_eq!((code.as_str(), code.http_status()), (wire, status));
        assert_eq!(serde_json::from_value::<ErrorCode>(json!(wire)).expect("reads"), code);
    }
}

#[test]
fn an_explorer_is_an_https_page_with_its_value_in_one_place() {
    let links = |transaction: &str, address: &str| ExplorerLinks {
        transaction: transaction.to_owned(),
        address: address.to_owned(),
    };
    let good = links("https://scan.example/tx/{hash}", "https://scan.example/a/{address}?x=1");
    assert_eq!(good.problem(), None);
    assert_eq!(good.transaction_url("0xab"), "https://scan.example/tx/0xab");
    assert_eq!(good.address_url("0xcd"), "https://scan.example/a/0xcd?x=1");
    for (bad, why) in [
        (links("http://scan.example/tx/{hash}", good.address.as_str()), "plain http"),
        (links("https://scan.example/tx/", good.address.as_str()), "no placeholder"),
        (links("https://scan.example/{hash}/{hash}", good.address.as_str()), "twice"),
        (links("https://{hash}.example/", good.address.as_str()), "the value as the host"),
        (links("javascript:alert(1)//{hash}", good.address.as_str()), "a script"),
        (links(good.transaction.as_str(), "https:///{address}"), "no host"),
        (links(good.transaction.as_str(), "https://scan.example/ {address}"), "a space"),
    ] {
        assert!(bad.problem().is_some(), "{why}: {bad:?}");
    }
}

#[test]
fn a_config_without_explorers_from_an_older_companion_still_reads() {
    let config: Config = serde_json::from_value(json!({
        "dfnsApiUrl": "https://api.dfns.io", "rpId": "example.com", "origin": "https://example.com",
        "appName": "Example", "networks": ["Ethereum"], "defaultNetworks": ["Ethereum"],
    }))
    .expect("reads");
    assert!(config.explorers.is_empty());
}
