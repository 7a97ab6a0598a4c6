//! Malformed requests against the router itself (no socket): always a Dfns-shaped 4xx, never 500.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use dfns_emulator::{Config, Emulator};
use tower::ServiceExt as _;

async fn emulator() -> (Emulator, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let emulator = Emulator::open(Config::new(dir.path().to_owned())).await.expect("opens");
    (emulator, dir)
}

async fn call(
    emulator: &Emulator,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &str,
) -> (StatusCode, serde_json::Value) {
    let mut request =
        Request::builder().method(method).uri(path).header("content-type", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = emulator
        .router()
        .oneshot(request.body(Body::from(body.to_owned())).expect("request"))
        .await
        .expect("infallible");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
    (status, serde_json::from_slice(&bytes).expect("a JSON body"))
}

#[tokio::test]
async fn malformed_json_gets_a_400_with_the_parse_error() {
    let (emulator, _dir) = emulator().await;
    let token = emulator.bootstrap("http://unused").service_account.token;
    for path in ["/auth/action/init", "/auth/action", "/auth/credentials/init"] {
        let (status, body) =
            call(&emulator, "POST", path, Some(&token), "{\"userActionPayload\":").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
        assert_eq!(body["error"]["message"], "Invalid request body: not valid JSON", "{path}");
        assert_eq!(body["error"]["status"], 400);
    }
}

#[tokio::test]
async fn wrong_types_and_unknown_fields_get_a_400() {
    let (emulator, _dir) = emulator().await;
    let token = emulator.bootstrap("http://unused").service_account.token;
    for body in [
        r#"{"userActionPayload":1,"userActionHttpMethod":"POST","userActionHttpPath":"/x"}"#,
        r#"{"userActionPayload":"{}","userActionHttpMethod":"POST"}"#,
        r#"{"userActionPayload":"{}","userActionHttpMethod":"POST","userActionHttpPath":"/x","extra":1}"#,
        r#"[]"#,
        r#"{"userActionPayload":"{}","userActionHttpMethod":"PATCH","userActionHttpPath":"/x"}"#,
        r#"{"userActionPayload":"{}","userActionHttpMethod":"POST","userActionHttpPath":"x"}"#,
    ] {
        let (status, answer) =
            call(&emulator, "POST", "/auth/action/init", Some(&token), body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert!(answer["error"]["message"].is_string(), "{answer}");
    }
    let (status, answer) = call(
        &emulator,
        "POST",
        "/auth/action",
        Some(&token),
        r#"{"challengeIdentifier":"x","firstFactor":{"kind":"Password","credentialAssertion":{}}}"#,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    let (status, answer) =
        call(&emulator, "POST", "/auth/credentials/init", Some(&token), r#"{"kind":"Totp"}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["error"]["message"], "Credential kind Totp is not supported");
}

#[tokio::test]
async fn a_forged_challenge_identifier_gets_the_contract_error() {
    let (emulator, _dir) = emulator().await;
    let token = emulator.bootstrap("http://unused").service_account.token;
    let body = r#"{"challengeIdentifier":"eyJhbGciOiJub25lIn0.e30.","firstFactor":{"kind":"Key","credentialAssertion":{"credId":"a","clientData":"b","signature":"c"}}}"#;
    let (status, answer) = call(&emulator, "POST", "/auth/action", Some(&token), body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    assert_eq!(answer["error"]["message"], "Challenge token is not valid.");
}

#[tokio::test]
async fn missing_or_forged_tokens_get_a_401() {
    let (emulator, _dir) = emulator().await;
    let (status, answer) = call(&emulator, "GET", "/auth/credentials", None, "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    assert_eq!(answer["error"]["message"], "Unauthorized: missing bearer token");
    let (status, _) = call(&emulator, "GET", "/auth/credentials", Some("a.b.c"), "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A token signed by another emulator is not ours.
    let (other, _other_dir) = self::emulator().await;
    let foreign = other.bootstrap("http://unused").service_account.token;
    let (status, _) = call(&emulator, "GET", "/auth/credentials", Some(&foreign), "").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_known_path_with_another_method_gets_a_dfns_shaped_405() {
    let (emulator, _dir) = emulator().await;
    let (status, answer) = call(&emulator, "GET", "/auth/logout", None, "").await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer["error"]["message"], "Method Not Allowed");
}

#[tokio::test]
async fn unknown_routes_get_a_dfns_shaped_404() {
    let (emulator, _dir) = emulator().await;
    let (status, answer) = call(&emulator, "GET", "/no/such/route", None, "").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(answer["error"]["message"], "Not Found");
}

#[tokio::test]
async fn the_endpoints_that_take_no_token_refuse_malformed_bodies_with_a_400() {
    let (emulator, _dir) = emulator().await;
    for path in [
        "/auth/recover/user/code",
        "/auth/recover/user/init",
        "/auth/credentials/code/init",
        "/auth/credentials/code/verify",
    ] {
        for body in ["{", "[]", r#"{"unexpected":1}"#] {
            // The official Python SDK always sends a bearer, even an empty one: it is ignored.
            let (status, answer) = call(&emulator, "POST", path, Some("None"), body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {body}: {answer}");
            assert!(answer["error"]["message"].as_str().is_some_and(|m| m.starts_with("Invalid")));
        }
    }
    // Recovery itself needs the recovery's temporary token.
    let (status, answer) = call(&emulator, "POST", "/auth/recover/user", None, "{}").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
}
