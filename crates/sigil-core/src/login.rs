//! Signing in through the company website (RFC 8252 with PKCE S256, DESIGN.md §3).
//!
//! [`Auth::start_login`] makes `state` and a PKCE verifier, keeps them in the OS keyring (the app
//! may be closed and restarted by the deep link), and gives the URL for the system browser.
//! [`Auth::accept_deep_link`] takes whatever the operating system delivered: only a callback that
//! answers the pending login is redeemed; the session token goes to the keyring. Nothing is ever
//! written anywhere else: if the keyring fails, the sign-in fails with its error.

use std::sync::Arc;

use dfns_client::Secret;
use serde::{Deserialize, Serialize};
use sigil_api::pkce::CodeVerifier;
use sigil_api::{ErrorCode, SessionPurpose, SessionRequest, User};
use sigil_store::{SecretBytes, SecretStore};
use time::OffsetDateTime;
use url::Url;

use crate::clock::Clock;
use crate::companion::{CompanionClient, CompanionError};
use crate::deep_link::DeepLink;
use crate::error::{Error, Result};

/// The keyring entry of the login in progress.
const PENDING_KEY: &str = "pending-login";
/// The keyring entry of the companion session.
const SESSION_KEY: &str = "companion-session";

/// How long a started login can be finished.
pub const LOGIN_TTL_MS: i64 = 10 * 60_000;

/// The login in progress, as kept in the keyring.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Pending {
    state: String,
    verifier: String,
    redirect_uri: String,
    started_at_ms: i64,
    /// What the website is asked to check (a recovery asks for more).
    #[serde(default)]
    purpose: SessionPurpose,
}

/// The app's session with the companion, as kept in the keyring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    /// The bearer token for `/api/v1` (redacted in `Debug`).
    pub token: Secret,
    /// Who is signed in.
    pub user: User,
    /// When the companion stops accepting it unless used (each use slides it).
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// `Recovery` while it may recover access (made from the website's recovery check, and no
    /// recovery finished since).
    #[serde(default)]
    pub purpose: SessionPurpose,
}

/// What a deep link led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkOutcome {
    /// "Open in Sigil": a login was started; open this URL in the system browser.
    OpenBrowser(Url),
    /// "Open in Sigil" while signed in: nothing to do.
    AlreadySignedIn(User),
    /// "Open in Sigil" while a sign-in is under way: it is left to finish (a page cannot
    /// cancel it by sending the link again).
    SignInUnderWay,
    /// The login finished: this user is signed in.
    SignedIn(User),
}

/// Sign-in, session and sign-out with the companion.
#[derive(Debug, Clone)]
pub struct Auth {
    companion: CompanionClient,
    secrets: Arc<dyn SecretStore>,
    clock: Arc<dyn Clock>,
    redirect_uri: String,
}

impl Auth {
    /// Sign-in through `companion`, secrets in `secrets`.
    pub fn new(
        companion: CompanionClient,
        secrets: Arc<dyn SecretStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { companion, secrets, clock, redirect_uri: sigil_api::DEFAULT_REDIRECT_URI.to_owned() }
    }

    /// The companion.
    pub fn companion(&self) -> &CompanionClient {
        &self.companion
    }

    /// Where secrets go (the OS keyring).
    pub fn secrets(&self) -> &Arc<dyn SecretStore> {
        &self.secrets
    }

    /// Starts a login: the URL to open in the system browser. A login started before is
    /// replaced (its answer will be refused). While someone is signed in this re-authenticates
    /// them: an answer for another account switches nothing.
    pub async fn start_login(&self) -> Result<Url> {
        self.start(SessionPurpose::SignIn).await
    }

    /// Starts a recovery of access: like a login, but the website checks the password afresh
    /// and a code emailed to the account, and the session it gives may recover access.
    pub async fn start_recovery(&self) -> Result<Url> {
        self.start(SessionPurpose::Recovery).await
    }

    async fn start(&self, purpose: SessionPurpose) -> Result<Url> {
        let verifier = CodeVerifier::generate().map_err(|e| Error::Randomness(e.to_string()))?;
        let state = CodeVerifier::generate().map_err(|e| Error::Randomness(e.to_string()))?;
        let pending = Pending {
            state: state.expose().to_owned(),
            verifier: verifier.expose().to_owned(),
            redirect_uri: self.redirect_uri.clone(),
            started_at_ms: self.clock.now_ms(),
            purpose,
        };
        self.put(PENDING_KEY, &pending).await?;
        tracing::info!(?purpose, "login started");
        let (state, challenge) = (&pending.state, &verifier.challenge());
        Ok(match purpose {
            SessionPurpose::SignIn => {
                self.companion.authorize_url(state, challenge, &self.redirect_uri)
            }
            SessionPurpose::Recovery => {
                self.companion.recover_url(state, challenge, &self.redirect_uri)
            }
        })
    }

    /// Acts on a deep link delivered by the operating system.
    pub async fn accept_deep_link(&self, raw: &str) -> Result<LinkOutcome> {
        match DeepLink::parse(raw)? {
            DeepLink::Start => {
                if let Some(session) = self.session().await? {
                    return Ok(LinkOutcome::AlreadySignedIn(session.user));
                }
                let pending: Option<Pending> = self.read(PENDING_KEY).await?;
                let now = self.clock.now_ms();
                match pending {
                    Some(pending) if now.saturating_sub(pending.started_at_ms) <= LOGIN_TTL_MS => {
                        tracing::info!("an Open in Sigil link left the sign-in under way alone");
                        Ok(LinkOutcome::SignInUnderWay)
                    }
                    _ => Ok(LinkOutcome::OpenBrowser(self.start_login().await?)),
                }
            }
            DeepLink::CallbackError { error, description, state } => {
                self.take_pending(&state).await?;
                Err(Error::LoginRefused { error, description })
            }
            DeepLink::Callback { code, state } => {
                let pending = self.take_pending(&state).await?;
                self.redeem(pending, code).await.map(LinkOutcome::SignedIn)
            }
        }
    }

    /// The pending login a callback with `state` answers; it is used up. A callback with
    /// another `state` leaves the pending login alone (it may be someone else's link).
    async fn take_pending(&self, state: &str) -> Result<Pending> {
        let pending: Pending = self.read(PENDING_KEY).await?.ok_or(Error::LoginNotPending)?;
        if pending.state != state {
            tracing::warn!("a sign-in callback with another state was ignored");
            return Err(Error::LoginStateMismatch);
        }
        self.delete(PENDING_KEY).await?;
        if self.clock.now_ms().saturating_sub(pending.started_at_ms) > LOGIN_TTL_MS {
            return Err(Error::LoginExpired);
        }
        Ok(pending)
    }

    async fn redeem(&self, pending: Pending, code: Secret) -> Result<User> {
        let request = SessionRequest {
            code,
            code_verifier: Secret::new(pending.verifier),
            redirect_uri: pending.redirect_uri,
        };
        let answer = self.companion.redeem(&request).await?;
        let session = Session {
            token: answer.session_token,
            user: answer.user,
            expires_at: answer.expires_at,
            purpose: answer.purpose,
        };
        if let Some(current) = self.session().await?
            && current.user.id != session.user.id
        {
            // Never switch accounts silently: the new session is ended, the old one stays.
            if let Err(error) = self.companion.logout(&session.token).await {
                tracing::warn!(%error, "could not end the other account's new session");
            }
            return Err(Error::AccountMismatch {
                current: current.user.email,
                other: session.user.email,
            });
        }
        self.put(SESSION_KEY, &session).await?;
        tracing::info!(user_id = %session.user.id, "signed in");
        Ok(session.user)
    }

    /// The stored session, if someone is signed in (and it has not expired).
    pub async fn session(&self) -> Result<Option<Session>> {
        let session: Option<Session> = self.read(SESSION_KEY).await?;
        let now = OffsetDateTime::now_utc();
        Ok(session.filter(|session| session.expires_at > now))
    }

    /// Marks the session as an ordinary one once its recovery is over.
    pub async fn end_recovery(&self) -> Result<()> {
        if let Some(mut session) = self.session().await? {
            session.purpose = SessionPurpose::SignIn;
            self.put(SESSION_KEY, &session).await?;
        }
        Ok(())
    }

    /// The session's token, or `SIGNED_OUT`.
    pub async fn token(&self) -> Result<Secret> {
        self.session().await?.map(|session| session.token).ok_or(Error::SignedOut)
    }

    /// Forgets the session when the companion says it is over; returns `SIGNED_OUT` for `error`
    /// in that case, else `error` itself.
    pub async fn check_signed_out(&self, error: CompanionError) -> Error {
        if error.api_code() == Some(ErrorCode::Unauthenticated) {
            if let Err(forget) = self.delete(SESSION_KEY).await {
                return forget;
            }
            return Error::SignedOut;
        }
        error.into()
    }

    /// Signs out: the companion ends the session (if it can be reached), and the keyring
    /// forgets it and any login in progress.
    pub async fn sign_out(&self) -> Result<()> {
        if let Some(session) = self.session().await?
            && let Err(error) = self.companion.logout(&session.token).await
        {
            tracing::warn!(%error, "the companion could not end the session; forgetting it here");
        }
        self.delete(SESSION_KEY).await?;
        self.delete(PENDING_KEY).await?;
        tracing::info!("signed out");
        Ok(())
    }

    /// Reads a JSON entry; an entry that does not parse is deleted and reads as none.
    async fn read<T: serde::de::DeserializeOwned>(&self, key: &'static str) -> Result<Option<T>> {
        let Some(bytes) = self.blocking(move |secrets| secrets.get(key)).await? else {
            return Ok(None);
        };
        match serde_json::from_slice(bytes.expose()) {
            Ok(value) => Ok(Some(value)),
            Err(_) => {
                tracing::warn!(key, "an unreadable keyring entry was removed");
                self.delete(key).await?;
                Ok(None)
            }
        }
    }

    async fn put<T: Serialize>(&self, key: &'static str, value: &T) -> Result<()> {
        let bytes = SecretBytes::new(
            serde_json::to_vec(value).map_err(|error| Error::Internal(error.to_string()))?,
        );
        self.blocking(move |secrets| secrets.set(key, &bytes)).await
    }

    async fn delete(&self, key: &'static str) -> Result<()> {
        self.blocking(move |secrets| secrets.delete(key)).await.map(drop)
    }

    async fn blocking<T: Send + 'static>(
        &self,
        call: impl FnOnce(&dyn SecretStore) -> Result<T, sigil_store::StoreError> + Send + 'static,
    ) -> Result<T> {
        keyring(&self.secrets, call).await
    }
}

/// Runs a keyring call off the async workers: the OS keyring may block on IPC or a prompt.
pub(crate) async fn keyring<T: Send + 'static>(
    secrets: &Arc<dyn SecretStore>,
    call: impl FnOnce(&dyn SecretStore) -> Result<T, sigil_store::StoreError> + Send + 'static,
) -> Result<T> {
    let secrets = secrets.clone();
    let joined = tokio::task::spawn_blocking(move || call(secrets.as_ref())).await;
    Ok(joined.map_err(|error| Error::Internal(error.to_string()))??)
}
