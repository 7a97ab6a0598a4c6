//! `Retry-After` from the company server, against a small server on loopback.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use dfns_client::Secret;
use dfns_client::retry::Wait;
use futures::future::BoxFuture;
use serde_json::json;
use sigil_api::ErrorCode;

use super::CompanionClient;

/// Records every wait instead of sleeping.
#[derive(Debug, Default)]
struct Waits(Mutex<Vec<Duration>>);

impl Waits {
    fn seen(&self) -> Vec<Duration> {
        self.0.lock().expect("lock").clone()
    }
}

impl Wait for Waits {
    fn wait(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.0.lock().expect("lock").push(duration);
        Box::pin(std::future::ready(()))
    }
}

/// What the fake companion saw of each `POST /api/v1/dfns-token`.
#[derive(Debug, Default)]
struct Seen {
    hits: AtomicUsize,
    sessions: Mutex<Vec<String>>,
}

/// A companion whose `dfns-token` answers `status` (with `retry_after`, if any) `busy` times,
/// then a token; returns its client (waits recorded) and what it saw.
async fn companion(
    busy: usize,
    status: StatusCode,
    retry_after: Option<&'static str>,
) -> (CompanionClient, Arc<Seen>, Arc<Waits>) {
    let seen = Arc::new(Seen::default());
    let state = seen.clone();
    let handler = move |headers: HeaderMap| {
        let seen = state.clone();
        async move {
            let bearer = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
            seen.sessions.lock().expect("lock").push(bearer.unwrap_or_default().to_owned());
            if seen.hits.fetch_add(1, Ordering::SeqCst) < busy {
                let body = json!({"error": {"code": "RATE_LIMITED", "message": "too many"}});
                let mut response = (status, Json(body)).into_response();
                if let Some(value) = retry_after {
                    let value = value.parse().expect("header value");
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
                return response;
            }
            let token = json!({"token": "eu-token", "expiresAt": "2030-01-01T00:00:00Z"});
            Json(token).into_response()
        }
    };
    let router = axum::Router::new().route("/api/v1/dfns-token", post(handler));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, router).await });
    let waits = Arc::new(Waits::default());
    let client = CompanionClient::new(&format!("http://{address}"))
        .expect("loopback http is allowed")
        .with_wait(waits.clone());
    (client, seen, waits)
}

#[tokio::test]
async fn a_rate_limited_call_waits_what_the_company_server_asks_and_goes_again() {
    let (client, seen, waits) = companion(1, StatusCode::TOO_MANY_REQUESTS, Some("1")).await;
    let token = client.dfns_token(&Secret::new("session")).await.expect("after the wait");
    assert_eq!(token.token.expose(), "eu-token");
    assert_eq!(waits.seen(), [Duration::from_secs(1)]);
    let sessions = seen.sessions.lock().expect("lock").clone();
    assert_eq!(sessions, ["Bearer session", "Bearer session"], "the same call, twice");
}

#[tokio::test]
async fn a_company_server_that_stays_busy_gets_its_code_back_after_two_retries() {
    let (client, seen, waits) =
        companion(usize::MAX, StatusCode::SERVICE_UNAVAILABLE, Some("2")).await;
    let error = client.dfns_token(&Secret::new("session")).await.expect_err("always busy");
    assert_eq!(error.api_code(), Some(ErrorCode::RateLimited), "{error}");
    assert_eq!(seen.hits.load(Ordering::SeqCst), 3, "the first try and two retries");
    assert_eq!(waits.seen(), [Duration::from_secs(2); 2]);
}

#[tokio::test]
async fn a_refusal_without_retry_after_or_asking_too_long_is_passed_on_at_once() {
    for retry_after in [None, Some("60"), Some("later")] {
        let (client, seen, waits) = companion(1, StatusCode::TOO_MANY_REQUESTS, retry_after).await;
        let error = client.dfns_token(&Secret::new("session")).await.expect_err("refused");
        assert_eq!(error.api_code(), Some(ErrorCode::RateLimited), "{retry_after:?}");
        assert_eq!(seen.hits.load(Ordering::SeqCst), 1, "{retry_after:?}: sent once");
        assert!(waits.seen().is_empty(), "{retry_after:?}: no wait");
    }
}
