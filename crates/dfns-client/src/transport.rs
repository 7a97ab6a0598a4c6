use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::Secret;
use crate::error::{Error, decode_error};
use crate::models::{SignedChallenge, UserActionChallenge, UserActionToken};
use crate::retry::{RetryAfter, Sleep, Wait};

/// Where and how to reach Dfns.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    base_url: Url,
    timeout: Duration,
    max_retries: u32,
    wait: Arc<dyn Wait>,
}

impl ClientConfig {
    /// Dfns at `base_url` (e.g. `https://api.dfns.io`, or an emulator), with a 30 s timeout and two
    /// retries: for requests that are safe to repeat, and for any request Dfns turned away with a
    /// `Retry-After` of at most [`crate::retry::MAX_RETRY_AFTER`].
    pub fn new(base_url: &str) -> Result<Self, Error> {
        let mut base_url = Url::parse(base_url)?;
        // Paths are joined onto the base, so it must end with a slash to keep any prefix.
        if !base_url.path().ends_with('/') {
            base_url.set_path(&format!("{}/", base_url.path()));
        }
        Ok(Self {
            base_url,
            timeout: Duration::from_secs(30),
            max_retries: 2,
            wait: Arc::new(Sleep),
        })
    }

    /// Time allowed for one request, answer included.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retries for requests that are safe to repeat (reads, challenge requests), and for any
    /// request answered 429 or 503 with a `Retry-After` within the bound.
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// How the client waits before a retry (tests record the waits instead of sleeping).
    pub fn with_wait(mut self, wait: Arc<dyn Wait>) -> Self {
        self.wait = wait;
        self
    }

    /// The base URL.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }
}

/// A write that has been through `/auth/action/init` and waits for the caller's signature. It
/// holds the exact body bytes that were signed; completing sends those bytes and no others.
#[derive(Debug)]
pub struct PendingAction<R> {
    method: Method,
    path: String,
    body: String,
    challenge: UserActionChallenge,
    response: PhantomData<fn() -> R>,
}

impl<R> PendingAction<R> {
    /// The challenge to sign.
    pub fn challenge(&self) -> &UserActionChallenge {
        &self.challenge
    }

    /// The body that was signed and will be sent.
    pub fn body(&self) -> &str {
        &self.body
    }

    /// The HTTP method and path of the request.
    pub fn request_line(&self) -> (&Method, &str) {
        (&self.method, &self.path)
    }
}

/// The HTTP layer shared by every client: at most one bearer token, JSON in and out, Dfns
/// errors.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
    config: ClientConfig,
    /// None for the calls Dfns takes without a token (codes, recovery init).
    token: Option<Secret>,
    /// `Bearer <token>`, made once for every request (`Sensitive` in `Debug`); None without a
    /// token, or when the token cannot be a header value, which each request then reports.
    authorization: Option<HeaderValue>,
}

const JSON: HeaderValue = HeaderValue::from_static("application/json");
const USER_ACTION: HeaderName = HeaderName::from_static("x-dfns-useraction");

/// Whether a request may be sent again after a failure that left its outcome unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeat {
    Safe,
    Never,
}

impl Transport {
    pub(crate) fn new(config: ClientConfig, token: Option<Secret>) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|source| Error::Transport { url: config.base_url.to_string(), source })?;
        let authorization = token.as_ref().and_then(authorization);
        Ok(Self { http, config, token, authorization })
    }

    pub(crate) fn with_token(&self, token: Secret) -> Self {
        Self {
            http: self.http.clone(),
            config: self.config.clone(),
            authorization: authorization(&token),
            token: Some(token),
        }
    }

    pub(crate) async fn get<R: DeserializeOwned>(&self, path: &str) -> Result<R, Error> {
        self.send(Method::GET, path, None, None, Repeat::Safe).await
    }

    /// Sends `body` (serialised once) without a user action.
    pub(crate) async fn call<B: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
        repeat: Repeat,
    ) -> Result<R, Error> {
        let body = Bytes::from(to_body(body));
        self.send(method, path, Some(body), None, repeat).await
    }

    /// Step 1 of a signed write: serialise the body once and ask Dfns for a challenge over it.
    pub(crate) async fn action_init<B: Serialize + ?Sized, R>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> Result<PendingAction<R>, Error> {
        self.action_init_text(method, path, to_body(body)).await
    }

    /// Step 1 with a body already serialised: `body` is signed and sent byte for byte.
    pub(crate) async fn action_init_text<R>(
        &self,
        method: Method,
        path: &str,
        body: String,
    ) -> Result<PendingAction<R>, Error> {
        let init = InitBody {
            user_action_payload: &body,
            user_action_http_method: method.as_str(),
            user_action_http_path: path_without_query(path),
            user_action_server_kind: "Api",
        };
        // A challenge request changes nothing, so it may be repeated.
        let challenge = self.call(Method::POST, "/auth/action/init", &init, Repeat::Safe).await?;
        Ok(PendingAction { method, path: path.to_owned(), body, challenge, response: PhantomData })
    }

    /// Step 2: exchange the signed challenge for a user action and send the signed bytes with it.
    pub(crate) async fn action_complete<R: DeserializeOwned>(
        &self,
        pending: PendingAction<R>,
        signed: &SignedChallenge,
    ) -> Result<R, Error> {
        let token = self.action_sign(signed).await?;
        self.action_send(pending, &token).await
    }

    pub(crate) async fn action_sign(
        &self,
        signed: &SignedChallenge,
    ) -> Result<UserActionToken, Error> {
        self.call(Method::POST, "/auth/action", signed, Repeat::Never).await
    }

    pub(crate) async fn action_send<R: DeserializeOwned>(
        &self,
        pending: PendingAction<R>,
        token: &UserActionToken,
    ) -> Result<R, Error> {
        self.send(
            pending.method,
            &pending.path,
            // The signed text itself, handed over without a copy.
            Some(Bytes::from(pending.body)),
            Some(&token.user_action),
            Repeat::Never,
        )
        .await
    }

    async fn send<R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<Bytes>,
        user_action: Option<&Secret>,
        repeat: Repeat,
    ) -> Result<R, Error> {
        let url = self.config.base_url.join(path.trim_start_matches('/'))?;
        let attempts = self.config.max_retries + 1;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = self.http.request(method.clone(), url.clone());
            match (&self.authorization, &self.token) {
                (Some(authorization), _) => {
                    request = request.header(AUTHORIZATION, authorization.clone());
                }
                // Not a valid header value: reqwest reports it, as it always has.
                (None, Some(token)) => request = request.bearer_auth(token.expose()),
                (None, None) => {}
            }
            if let Some(body) = &body {
                // A shared reference to the same bytes, not a copy, on every attempt.
                request = request.header(CONTENT_TYPE, JSON).body(body.clone());
            }
            if let Some(user_action) = user_action {
                request = request.header(USER_ACTION, user_action.expose());
            }
            tracing::debug!(%method, path, attempt, "dfns request");
            let backoff = Duration::from_millis(100 << attempt.min(6));
            // Without an answer the outcome is unknown: only a request safe to repeat goes again.
            let unanswered = (repeat == Repeat::Safe).then_some(backoff);
            let (outcome, wait) = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let asked = RetryAfter::of(status, response.headers(), SystemTime::now());
                    match response.bytes().await {
                        Ok(bytes) if status.is_success() => {
                            return read_answer(status.as_u16(), &bytes);
                        }
                        Ok(bytes) => {
                            let wait = match asked {
                                // Dfns did not act on it (429, 503): even a signed write goes
                                // again, the same bytes with the same user action.
                                RetryAfter::Within(wait) => Some(wait),
                                RetryAfter::TooLong(_) => None,
                                RetryAfter::NotAsked => (repeat == Repeat::Safe
                                    && is_transient(status))
                                .then_some(backoff),
                            };
                            (read_answer(status.as_u16(), &bytes), wait)
                        }
                        Err(source) => {
                            (Err(Error::Transport { url: url.to_string(), source }), unanswered)
                        }
                    }
                }
                Err(source) => (Err(Error::Transport { url: url.to_string(), source }), unanswered),
            };
            let Some(wait) = wait.filter(|_| attempt < attempts) else { return outcome };
            tracing::warn!(%method, path, ?wait, "dfns busy or out of reach, retrying");
            self.config.wait.wait(wait).await;
        }
    }
}

/// Reads an answer of Dfns: on a 2xx its body as `R` ([`Error::Decode`] when it is not), on any
/// other status Dfns's error ([`Error::Api`], whatever the body). Every answer the client gets
/// goes through here; the fuzz target (`fuzz/`) feeds it arbitrary bytes for every model.
pub fn read_answer<R: DeserializeOwned>(status: u16, body: &[u8]) -> Result<R, Error> {
    if (200..300).contains(&status) {
        serde_json::from_slice(body).map_err(|source| Error::Decode { status, source })
    } else {
        Err(decode_error(status, body).into())
    }
}

fn is_transient(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

pub(crate) fn path_without_query(path: &str) -> &str {
    path.split_once('?').map_or(path, |(path, _)| path)
}

/// `Bearer <token>` as a sensitive header value, as `bearer_auth` makes it on each request.
fn authorization(token: &Secret) -> Option<HeaderValue> {
    let mut value = HeaderValue::try_from(format!("Bearer {}", token.expose())).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// The `POST /auth/action/init` body ([`crate::models::UserActionInitRequest`] on the wire),
/// borrowing the payload and the request line instead of copying them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct InitBody<'a> {
    user_action_payload: &'a str,
    user_action_http_method: &'a str,
    user_action_http_path: &'a str,
    user_action_server_kind: &'a str,
}

fn to_body<B: Serialize + ?Sized>(body: &B) -> String {
    // Our request models always serialise.
    serde_json::to_string(body).expect("request bodies serialise to JSON")
}

#[cfg(test)]
mod tests;
