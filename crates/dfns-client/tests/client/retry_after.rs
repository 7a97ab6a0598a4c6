//! `Retry-After` on 429 and 503: honoured up to a bound, for writes too (the server did not act
//! on the request), with the same signed bytes; never waited for past the bound.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::http::{HeaderName, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use dfns_client::models::{FactorAssertion, SignedChallenge, UserActionInitRequest};
use dfns_client::retry::Wait;
use dfns_client::{ClientConfig, DelegatedClient, Secret};
use futures::future::BoxFuture;
use serde_json::json;

use crate::challenge_for;
use crate::mock::Mock;

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

/// A handler that answers `status` with `Retry-After: retry_after` the first `busy` times, then
/// `ok`.
fn busy_then(
    busy: usize,
    status: StatusCode,
    retry_after: &'static str,
    ok: serde_json::Value,
) -> impl Fn() -> BoxFuture<'static, Response> + Clone + Send + Sync + 'static {
    let hits = Arc::new(AtomicUsize::new(0));
    move || {
        let (hits, ok) = (hits.clone(), ok.clone());
        Box::pin(async move {
            if hits.fetch_add(1, Ordering::SeqCst) < busy {
                let body = json!({"error": {"status": status.as_u16(), "message": "slow down"}});
                let retry: (HeaderName, &str) = (header::RETRY_AFTER, retry_after);
                (status, [retry], Json(body)).into_response()
            } else {
                Json(ok).into_response()
            }
        })
    }
}

fn client(base: &str, waits: &Arc<Waits>) -> DelegatedClient {
    let config = ClientConfig::new(base).expect("url").with_wait(waits.clone());
    DelegatedClient::new(config, Secret::new("eu")).expect("client")
}

fn signed(challenge_identifier: &str) -> SignedChallenge {
    let assertion = dfns_client::KeySigner::new(
        "user-cred",
        dfns_client::keys::PrivateKey::generate(dfns_client::keys::KeyAlgorithm::P256),
    )
    .assert("a-challenge");
    SignedChallenge {
        challenge_identifier: challenge_identifier.to_owned(),
        first_factor: FactorAssertion::Key { credential_assertion: assertion },
        second_factor: None,
    }
}

#[tokio::test]
async fn a_signed_write_turned_away_with_retry_after_goes_again_after_the_wait_with_the_same_bytes()
{
    let mock = Mock::new();
    let init = busy_then(1, StatusCode::TOO_MANY_REQUESTS, "1", challenge_for("user-cred"));
    let write = busy_then(
        1,
        StatusCode::SERVICE_UNAVAILABLE,
        "1",
        json!({"message": "Credential deactivated"}),
    );
    let router = axum::Router::new()
        .route("/auth/action/init", post(init))
        .route("/auth/action", post(|| async { Json(json!({"userAction": "ua"})) }))
        .route("/auth/credentials/deactivate", put(write));
    let waits = Arc::new(Waits::default());
    let client = client(&mock.serve(router).await, &waits);

    let pending = client.deactivate_credential_init("cr-1").await.expect("init after the wait");
    let signed = signed(&pending.challenge().challenge_identifier);
    let done = client.complete(pending, &signed).await.expect("sent again after the wait");
    assert_eq!(done.message, "Credential deactivated");

    assert_eq!(waits.seen(), [Duration::from_secs(1), Duration::from_secs(1)], "as asked");
    let requests = mock.requests();
    let lines: Vec<_> = requests.iter().map(|r| (r.method.as_str(), r.path.as_str())).collect();
    assert_eq!(
        lines,
        [
            ("POST", "/auth/action/init"),
            ("POST", "/auth/action/init"),
            ("POST", "/auth/action"),
            ("PUT", "/auth/credentials/deactivate"),
            ("PUT", "/auth/credentials/deactivate"),
        ]
    );
    assert_eq!(requests[0].body, requests[1].body, "the same challenge request");
    let init: UserActionInitRequest = serde_json::from_str(&requests[0].body).expect("init body");
    for sent in &requests[3..] {
        assert_eq!(sent.body, init.user_action_payload, "the signed bytes, byte for byte");
        assert_eq!(sent.user_action.as_deref(), Some("ua"), "the same user action");
    }
}

#[tokio::test]
async fn a_server_that_stays_busy_gets_its_error_back_after_two_retries() {
    let mock = Mock::new();
    let busy = busy_then(usize::MAX, StatusCode::SERVICE_UNAVAILABLE, "1", json!({}));
    let router = axum::Router::new().route("/auth/logout", put(busy));
    let waits = Arc::new(Waits::default());
    let client = client(&mock.serve(router).await, &waits);

    let error = client.logout(false).await.expect_err("always busy");
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.api().map(|e| e.message.as_str()), Some("slow down"), "Dfns's own error");
    assert_eq!(mock.requests().len(), 3, "the first try and two retries");
    assert_eq!(waits.seen(), [Duration::from_secs(1); 2]);
}

#[tokio::test]
async fn a_retry_after_longer_than_the_bound_is_not_waited_for() {
    let mock = Mock::new();
    let read = busy_then(1, StatusCode::TOO_MANY_REQUESTS, "3600", json!({"items": []}));
    let write = busy_then(1, StatusCode::TOO_MANY_REQUESTS, "6", json!({}));
    let router =
        axum::Router::new().route("/auth/credentials", get(read)).route("/auth/logout", put(write));
    let waits = Arc::new(Waits::default());
    let client = client(&mock.serve(router).await, &waits);

    let error = client.list_credentials().await.expect_err("an hour is too long");
    assert_eq!(error.status(), Some(429));
    let error = client.logout(false).await.expect_err("six seconds is too long");
    assert_eq!(error.status(), Some(429));
    assert_eq!(mock.requests().len(), 2, "each sent once");
    assert!(waits.seen().is_empty(), "no wait at all");
}

#[tokio::test]
async fn a_write_turned_away_without_retry_after_is_not_sent_again() {
    let mock = Mock::new();
    let router = axum::Router::new().route(
        "/auth/logout",
        put(|| async { (StatusCode::TOO_MANY_REQUESTS, Json(json!({"message": "slow down"}))) }),
    );
    let waits = Arc::new(Waits::default());
    let client = client(&mock.serve(router).await, &waits);
    let error = client.logout(false).await.expect_err("refused");
    assert_eq!(error.status(), Some(429));
    assert_eq!(mock.requests().len(), 1, "sent once");
    assert!(waits.seen().is_empty(), "no wait");
}
