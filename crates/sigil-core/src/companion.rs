//! The company's companion backend, `/api/v1` (types in `sigil-api`), behind a `base_url`.
//! The companion's own refusals ([`CompanionError::Api`], with its stable code) are kept apart
//! from not reaching it at all ([`CompanionError::Unreachable`]). A call it turns away with 429 or
//! 503 and a `Retry-After` of at most 5 s goes again after that wait, twice at most.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use dfns_client::Secret;
use dfns_client::retry::{RetryAfter, Sleep, Wait};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sigil_api::pkce::CodeChallenge;
use sigil_api::{
    Config, DfnsToken, ErrorBody, ErrorCode, Me, Recovered, RecoveryChallenge,
    RecoveryCompleteRequest, RecoveryCredentialRequest, Registered, RegistrationChallenge,
    RegistrationCompleteRequest, SessionRequest, SessionResponse,
};
use url::Url;

/// Retries of a call the companion turned away with a `Retry-After` (429, 503).
const MAX_RETRIES: u32 = 2;

/// Why a companion call failed.
#[derive(Debug, thiserror::Error)]
pub enum CompanionError {
    /// The companion answered with an error.
    #[error("the company server refused: {message} ({code})")]
    Api {
        /// HTTP status.
        status: u16,
        /// Its stable code.
        code: ErrorCode,
        /// Its message.
        message: String,
    },
    /// No answer (connection refused, DNS, TLS, timeout).
    #[error("the company server at {url} cannot be reached: {source}")]
    Unreachable {
        /// The URL called.
        url: String,
        /// What failed.
        #[source]
        source: reqwest::Error,
    },
    /// An answer that is not what `/api/v1` promises.
    #[error("the company server answered {status} with something Sigil cannot read")]
    Decode {
        /// HTTP status.
        status: u16,
    },
    /// The companion URL is not usable.
    #[error("the company server address {0:?} is not an http(s) URL")]
    InvalidUrl(String),
    /// The companion URL is plain `http` to another machine: anyone on the way could pose as
    /// the company.
    #[error(
        "the company server address {0:?} is not https: Sigil only talks to a company over https \
         (plain http only on this computer, for development)"
    )]
    InsecureUrl(String),
}

impl CompanionError {
    /// The companion's code, when it answered with one.
    pub fn api_code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api { code, .. } => Some(*code),
            _ => None,
        }
    }
}

/// A client of one companion.
#[derive(Debug, Clone)]
pub struct CompanionClient {
    http: reqwest::Client,
    base: Url,
    wait: Arc<dyn Wait>,
}

impl CompanionClient {
    /// The companion at `base_url` (e.g. `https://wallet.example.com`).
    pub fn new(base_url: &str) -> Result<Self, CompanionError> {
        let invalid = || CompanionError::InvalidUrl(base_url.to_owned());
        let mut base = Url::parse(base_url).map_err(|_| invalid())?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(invalid());
        }
        if !crate::company::url_allowed(&base) {
            return Err(CompanionError::InsecureUrl(base_url.to_owned()));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|_| invalid())?;
        Ok(Self { http, base, wait: Arc::new(Sleep) })
    }

    /// How the client waits before a retry (tests record the waits instead of sleeping).
    pub fn with_wait(mut self, wait: Arc<dyn Wait>) -> Self {
        self.wait = wait;
        self
    }

    /// The companion's address.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// The authorize page the system browser opens for a login.
    pub fn authorize_url(&self, state: &str, challenge: &CodeChallenge, redirect_uri: &str) -> Url {
        self.page_url("login", state, challenge, redirect_uri)
    }

    /// The page where the person proves who they are again (password and an emailed code) to
    /// recover access: the same authorize parameters as a login.
    pub fn recover_url(&self, state: &str, challenge: &CodeChallenge, redirect_uri: &str) -> Url {
        self.page_url("recover", state, challenge, redirect_uri)
    }

    fn page_url(
        &self,
        page: &str,
        state: &str,
        challenge: &CodeChallenge,
        redirect_uri: &str,
    ) -> Url {
        let mut url = self.base.join(page).unwrap_or_else(|_| self.base.clone());
        url.query_pairs_mut()
            .append_pair("state", state)
            .append_pair("code_challenge", challenge.as_str())
            .append_pair("code_challenge_method", "S256")
            .append_pair("redirect_uri", redirect_uri);
        url
    }

    /// `GET /api/v1/config`.
    pub async fn config(&self) -> Result<Config, CompanionError> {
        self.call(Method::GET, "config", None, None::<&()>).await
    }

    /// `POST /api/v1/session`.
    pub async fn redeem(
        &self,
        request: &SessionRequest,
    ) -> Result<SessionResponse, CompanionError> {
        self.call(Method::POST, "session", None, Some(request)).await
    }

    /// `POST /api/v1/logout`.
    pub async fn logout(&self, session: &Secret) -> Result<(), CompanionError> {
        self.send(Method::POST, "logout", Some(session), None::<&()>).await.map(drop)
    }

    /// `GET /api/v1/me`.
    pub async fn me(&self, session: &Secret) -> Result<Me, CompanionError> {
        self.call(Method::GET, "me", Some(session), None::<&()>).await
    }

    /// `POST /api/v1/registration/init`.
    pub async fn registration_init(
        &self,
        session: &Secret,
    ) -> Result<RegistrationChallenge, CompanionError> {
        self.call(Method::POST, "registration/init", Some(session), None::<&()>).await
    }

    /// `POST /api/v1/registration/complete`.
    pub async fn registration_complete(
        &self,
        session: &Secret,
        request: &RegistrationCompleteRequest,
    ) -> Result<Registered, CompanionError> {
        self.call(Method::POST, "registration/complete", Some(session), Some(request)).await
    }

    /// `POST /api/v1/recovery/init`: the recovery the companion opens at Dfns (a session from
    /// the website's recovery check, once).
    pub async fn recovery_init(
        &self,
        session: &Secret,
    ) -> Result<RecoveryChallenge, CompanionError> {
        self.call(Method::POST, "recovery/init", Some(session), None::<&()>).await
    }

    /// `POST /api/v1/recovery/complete`.
    pub async fn recovery_complete(
        &self,
        session: &Secret,
        request: &RecoveryCompleteRequest,
    ) -> Result<Recovered, CompanionError> {
        self.call(Method::POST, "recovery/complete", Some(session), Some(request)).await
    }

    /// `PUT /api/v1/recovery-credential`: the recovery kit the app registered at Dfns.
    pub async fn record_recovery_credential(
        &self,
        session: &Secret,
        request: &RecoveryCredentialRequest,
    ) -> Result<Me, CompanionError> {
        self.call(Method::PUT, "recovery-credential", Some(session), Some(request)).await
    }

    /// `POST /api/v1/dfns-token`.
    pub async fn dfns_token(&self, session: &Secret) -> Result<DfnsToken, CompanionError> {
        self.call(Method::POST, "dfns-token", Some(session), None::<&()>).await
    }

    /// A Dfns token other than `refused`, which Dfns turned away (the companion keeps tokens
    /// and would otherwise hand the same one back).
    pub async fn dfns_token_instead_of(
        &self,
        session: &Secret,
        refused: &Secret,
    ) -> Result<DfnsToken, CompanionError> {
        let request = sigil_api::DfnsTokenRequest::refusing(refused.expose());
        self.call(Method::POST, "dfns-token", Some(session), Some(&request)).await
    }

    async fn call<B: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        session: Option<&Secret>,
        body: Option<&B>,
    ) -> Result<R, CompanionError> {
        let (status, bytes) = self.send(method, path, session, body).await?;
        serde_json::from_slice(&bytes)
            .map_err(|_| CompanionError::Decode { status: status.as_u16() })
    }

    async fn send<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        session: Option<&Secret>,
        body: Option<&B>,
    ) -> Result<(StatusCode, Vec<u8>), CompanionError> {
        let url = self
            .base
            .join(&format!("api/v1/{path}"))
            .map_err(|_| CompanionError::InvalidUrl(self.base.to_string()))?;
        // Serialised once: a call the companion turned away goes again with the same bytes. The
        // `/api/v1` request types always serialise.
        let body = body.map(|body| serde_json::to_vec(body).expect("request bodies serialise"));
        let unreachable = |source| CompanionError::Unreachable { url: url.to_string(), source };
        let mut retries = 0;
        loop {
            let mut request = self.http.request(method.clone(), url.clone());
            if let Some(session) = session {
                request = request.bearer_auth(session.expose());
            }
            if let Some(body) = &body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            tracing::debug!(%method, path, retries, "companion request");
            let response = request.send().await.map_err(unreachable)?;
            let status = response.status();
            let asked = RetryAfter::of(status, response.headers(), SystemTime::now());
            let bytes = response.bytes().await.map_err(unreachable)?.to_vec();
            if status.is_success() {
                return Ok((status, bytes));
            }
            // 429 and 503 with a short Retry-After: the companion did not act on the call, so
            // it goes again, a bounded number of times.
            if let RetryAfter::Within(wait) = asked
                && retries < MAX_RETRIES
            {
                retries += 1;
                tracing::warn!(path, ?wait, "the company server is busy, retrying");
                self.wait.wait(wait).await;
                continue;
            }
            return match serde_json::from_slice::<ErrorBody>(&bytes) {
                Ok(body) => Err(CompanionError::Api {
                    status: status.as_u16(),
                    code: body.error.code,
                    message: body.error.message,
                }),
                Err(_) => Err(CompanionError::Decode { status: status.as_u16() }),
            };
        }
    }
}

#[cfg(test)]
mod tests;
