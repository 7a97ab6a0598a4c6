//! The edges of the API and the website: bodies, methods, paths, headers.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;
use sigil_api::Config;

use super::harness::{App, Browser, Companion, PASSWORD, TestDfns, new_user_session};
use crate::support::Db;

async fn companion() -> (TestDfns, Db, Companion) {
    let dfns = TestDfns::start().await;
    let db = Db::sqlite();
    let companion = Companion::start(&dfns, &db).await;
    (dfns, db, companion)
}

#[tokio::test]
async fn the_public_config_tells_the_app_where_dfns_is_and_which_rp_to_use() {
    let (dfns, _db, companion) = companion().await;
    let answer = App::new(&companion).get("/config").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.header(header::CACHE_CONTROL), Some("no-store"));
    let config: Config = answer.json();
    assert_eq!(config.dfns_api_url, format!("{}/", dfns.bootstrap.api_url));
    assert_eq!((config.rp_id.as_str(), config.origin.as_str()), ("localhost", "https://localhost"));
    assert_eq!(config.app_name, "Sigil");
    assert!(config.networks.contains(&"EthereumSepolia".to_owned()));
}

#[tokio::test]
async fn malformed_bodies_get_typed_errors() {
    let (_dfns, _db, companion) = companion().await;
    let send = |content_type: &'static str, body: Vec<u8>| {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/session")
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .expect("request");
        companion.send(request, "192.0.2.1".parse().expect("ip"))
    };
    let syntax = send("application/json", b"{not json".to_vec()).await;
    assert_eq!(
        (syntax.status, syntax.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "INVALID_REQUEST")
    );
    let unknown = send(
        "application/json",
        br#"{"code":"c","codeVerifier":"v","redirectUri":"r","x":1}"#.to_vec(),
    )
    .await;
    assert_eq!(unknown.error_code(), "INVALID_REQUEST");
    let form = send("application/x-www-form-urlencoded", b"code=c".to_vec()).await;
    assert_eq!(
        (form.status, form.error_code().as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE")
    );
    let huge = send("application/json", vec![b' '; 70 * 1024]).await;
    assert_eq!(
        (huge.status, huge.error_code().as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE")
    );
}

#[tokio::test]
async fn unknown_endpoints_and_methods_answer_in_the_api_shape() {
    let (_dfns, _db, companion) = companion().await;
    let app = App::new(&companion);
    let missing = app.get("/nothing-here").await;
    assert_eq!(
        (missing.status, missing.error_code().as_str()),
        (StatusCode::NOT_FOUND, "NOT_FOUND")
    );
    let method = app.call(Method::DELETE, "/config", None).await;
    assert_eq!(
        (method.status, method.error_code().as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED")
    );
    let page = Browser::new(&companion).get("/no-such-page").await;
    assert_eq!(
        (page.status, page.page_code().as_deref()),
        (StatusCode::NOT_FOUND, Some("NOT_FOUND"))
    );
}

#[tokio::test]
async fn wallet_requests_are_checked_before_dfns_is_asked() {
    let (_dfns, _db, companion) = companion().await;
    let app = new_user_session(&companion, "sal@example.org").await;
    let unregistered = app.post("/wallets", &json!({"network": "EthereumSepolia"})).await;
    assert_eq!(unregistered.error_code(), "NOT_REGISTERED");
    let unknown = app.post("/wallets", &json!({"network": "Dogecoin"})).await;
    assert_eq!(
        (unknown.status, unknown.error_code().as_str()),
        (StatusCode::BAD_REQUEST, "NETWORK_NOT_SUPPORTED")
    );
    let bad_id = app
        .post("/wallets", &json!({"network": "EthereumSepolia", "requestId": "has space"}))
        .await;
    assert_eq!(bad_id.error_code(), "INVALID_REQUEST");
    let missing = app.post("/wallets", &json!({})).await;
    assert_eq!(missing.error_code(), "INVALID_REQUEST");
}

#[tokio::test]
async fn pages_forbid_scripts_and_framing_and_keep_the_state_out_of_referrers() {
    let (_dfns, _db, companion) = companion().await;
    let page = Browser::new(&companion).get("/signin").await;
    let csp = page.header(header::CONTENT_SECURITY_POLICY).expect("CSP");
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(page.header(header::REFERRER_POLICY), Some("same-origin"));
    assert_eq!(page.header(header::X_FRAME_OPTIONS), Some("DENY"));
    assert!(page.text().contains(r#"<label for="email">"#), "labelled fields");
    assert!(!page.text().contains("<script"), "no scripts");
}

#[tokio::test]
async fn the_home_page_offers_open_in_sigil_to_signed_in_people() {
    let (_dfns, _db, companion) = companion().await;
    let mut browser = Browser::new(&companion);
    assert!(!browser.get("/").await.text().contains("sigil://auth/start"));
    browser.sign_up("tia@example.org", PASSWORD).await;
    let home = browser.get("/").await;
    assert!(home.text().contains(r#"href="sigil://auth/start""#), "{}", home.text());
    let csrf = home.hidden("csrf").expect("sign-out form");
    let out = browser.post_form("/signout", &[("csrf", &csrf)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(browser.cookie("sigil_session"), None, "the cookie is gone");
    assert!(!browser.get("/").await.text().contains("sigil://auth/start"));
}

#[tokio::test]
async fn a_website_session_survives_only_until_sign_out_even_with_the_old_cookie() {
    let (_dfns, _db, companion) = companion().await;
    let mut browser = Browser::new(&companion);
    browser.sign_up("uma@example.org", PASSWORD).await;
    let cookie = browser.cookie("sigil_session").expect("session").to_owned();
    let csrf = browser.cookie("sigil_csrf").expect("csrf").to_owned();
    browser.post_form("/signout", &[("csrf", &csrf)]).await;
    browser.set_cookie("sigil_session", &cookie);
    assert!(!browser.get("/").await.text().contains("uma@example.org"), "the old cookie is dead");
}

#[tokio::test]
async fn health_answers_while_the_database_does() {
    let (_dfns, _db, companion) = companion().await;
    let request = Request::builder().uri("/healthz").body(Body::empty()).expect("request");
    assert_eq!(
        companion.send(request, "192.0.2.1".parse().expect("ip")).await.status,
        StatusCode::OK
    );
    companion.state.store().close().await;
    let request = Request::builder().uri("/healthz").body(Body::empty()).expect("request");
    assert_eq!(
        companion.send(request, "192.0.2.1".parse().expect("ip")).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}
