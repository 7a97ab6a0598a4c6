//! The end user's session with Dfns (DESIGN.md §3): a token from the companion (delegated
//! login), kept in memory only, refreshed a minute before it expires. A call Dfns refuses with
//! 401 gets one refresh and one retry; a second 401 means "sign in again".

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use dfns_client::{ClientConfig, DelegatedClient, Secret};
use tokio::sync::Mutex;

use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::login::Auth;

/// A token is refreshed when it has less than this left.
pub const REFRESH_MARGIN_MS: i64 = 60_000;

/// The token in memory and when it ends.
struct Cached {
    token: Secret,
    expires_at_ms: i64,
}

/// Dfns as the signed-in user.
pub struct DfnsSession {
    auth: Auth,
    config: ClientConfig,
    clock: Arc<dyn Clock>,
    cached: Mutex<Option<Cached>>,
}

impl std::fmt::Debug for DfnsSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DfnsSession").field("config", &self.config).finish_non_exhaustive()
    }
}

impl DfnsSession {
    /// Dfns at `dfns_api_url` (from the companion's config), tokens through `auth`.
    pub fn new(auth: Auth, dfns_api_url: &str, clock: Arc<dyn Clock>) -> Result<Self> {
        let config = ClientConfig::new(dfns_api_url)
            .map_err(|_| Error::Config(format!("the Dfns API URL {dfns_api_url:?} is not a URL")))?
            .with_timeout(Duration::from_secs(30));
        Ok(Self { auth, config, clock, cached: Mutex::new(None) })
    }

    /// A client with a token that has at least [`REFRESH_MARGIN_MS`] left.
    pub async fn client(&self) -> Result<DelegatedClient> {
        let token = self.token().await?;
        DelegatedClient::new(self.config.clone(), token).map_err(Error::from)
    }

    /// Runs `call` with a client; on 401 refreshes the token once and runs it once more.
    pub async fn call<T, F, Fut>(&self, call: F) -> Result<T>
    where
        F: Fn(DelegatedClient) -> Fut,
        Fut: Future<Output = Result<T, dfns_client::Error>>,
    {
        let token = self.token().await?;
        let client =
            DelegatedClient::new(self.config.clone(), token.clone()).map_err(Error::from)?;
        match call(client).await {
            Err(error) if error.status() == Some(401) => {
                tracing::info!("Dfns refused the token; refreshing it once");
                let token = self.replace_refused(&token).await?;
                let client =
                    DelegatedClient::new(self.config.clone(), token).map_err(Error::from)?;
                match call(client).await {
                    Err(error) if error.status() == Some(401) => {
                        self.forget().await;
                        Err(Error::SignedOut)
                    }
                    other => other.map_err(Error::from),
                }
            }
            other => other.map_err(Error::from),
        }
    }

    /// Drops the token (sign-out, or Dfns refused it).
    pub async fn forget(&self) {
        *self.cached.lock().await = None;
    }

    async fn token(&self) -> Result<Secret> {
        let mut cached = self.cached.lock().await;
        let now = self.clock.now_ms();
        if let Some(token) = cached.as_ref()
            && token.expires_at_ms - REFRESH_MARGIN_MS > now
        {
            return Ok(token.token.clone());
        }
        self.fresh_token_locked(&mut cached, None).await
    }

    /// A token in place of `refused`, which Dfns turned away: the one another call already got
    /// in its place, or a new one from the companion (told which one Dfns refused).
    async fn replace_refused(&self, refused: &Secret) -> Result<Secret> {
        let mut cached = self.cached.lock().await;
        if let Some(kept) = cached.as_ref()
            && kept.token.expose() != refused.expose()
        {
            return Ok(kept.token.clone());
        }
        self.fresh_token_locked(&mut cached, Some(refused)).await
    }

    async fn fresh_token_locked(
        &self,
        cached: &mut Option<Cached>,
        refused: Option<&Secret>,
    ) -> Result<Secret> {
        let now = self.clock.now_ms();
        let session = self.auth.token().await?;
        let companion = self.auth.companion();
        let answer = match refused {
            Some(refused) => companion.dfns_token_instead_of(&session, refused).await,
            None => companion.dfns_token(&session).await,
        };
        let fresh = match answer {
            Ok(fresh) => fresh,
            Err(error) => return Err(self.auth.check_signed_out(error).await),
        };
        let expires_at_ms =
            i64::try_from(fresh.expires_at.unix_timestamp_nanos() / 1_000_000).unwrap_or(now);
        tracing::debug!(expires_at_ms, "new Dfns token");
        *cached = Some(Cached { token: fresh.token.clone(), expires_at_ms });
        Ok(fresh.token)
    }
}
