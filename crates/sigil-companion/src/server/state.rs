//! What every handler shares: the checked configuration, the store, the identity provider, the
//! service-account steps and the clock. Nothing in it is state another instance would need.

use std::sync::Arc;

use dfns_client::{ClientConfig, ServiceAccountClient};
use sigil_api::clock::{Clock, SystemClock};

use crate::config::{Config, MailSettings};
use crate::identity::{DemoIdentity, IdentityProvider};
use crate::mail::{Mailer, Outbox};
use crate::onboarding::Onboarding;
use crate::store::Store;
use crate::store::rate_limit::{RateDecision, RateLimit};

use super::error::ApiError;

/// The parts a server is made of; [`AppState::new`] picks the usual ones.
#[derive(Debug)]
pub struct Parts {
    /// The checked configuration.
    pub config: Config,
    /// The database.
    pub store: Store,
    /// Who signs people in on the website.
    pub identity: Arc<dyn IdentityProvider>,
    /// The time source.
    pub clock: Arc<dyn Clock>,
}

/// The handlers' shared state. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    config: Config,
    store: Store,
    identity: Arc<dyn IdentityProvider>,
    onboarding: Onboarding,
    mailer: Option<Arc<dyn Mailer>>,
    clock: Arc<dyn Clock>,
}

impl AppState {
    /// The demo identity provider on `store`, and the system clock.
    pub fn new(config: Config, store: Store) -> Result<Self, dfns_client::Error> {
        let identity = Arc::new(DemoIdentity::new(store.clone(), &config.limits));
        Self::from_parts(Parts { config, store, identity, clock: Arc::new(SystemClock) })
    }

    /// A state from chosen parts (another identity provider, a test clock).
    pub fn from_parts(parts: Parts) -> Result<Self, dfns_client::Error> {
        let Parts { config, store, identity, clock } = parts;
        let dfns = ClientConfig::new(config.dfns_api_url.as_str())?;
        let client = ServiceAccountClient::new(
            dfns.clone(),
            config.service_account.token.clone(),
            config.service_account.signer.clone(),
        )?;
        let onboarding = Onboarding::new(
            dfns,
            client,
            store.clone(),
            config.networks.clone(),
            config.default_networks.clone(),
        )?;
        let mailer: Option<Arc<dyn Mailer>> = match &config.mail {
            MailSettings::Off => {
                tracing::warn!("no mail settings: the website cannot recover access to wallets");
                None
            }
            MailSettings::Outbox => {
                tracing::warn!(
                    "mails go to the development outbox at /dev/outbox, which anyone can read"
                );
                Some(Arc::new(Outbox::new(store.clone())))
            }
            MailSettings::Smtp(smtp) => Some(smtp.clone()),
        };
        Ok(Self(Arc::new(Inner { config, store, identity, onboarding, mailer, clock })))
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.0.config
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.0.store
    }

    /// The identity provider.
    pub fn identity(&self) -> &dyn IdentityProvider {
        self.0.identity.as_ref()
    }

    /// The service-account steps.
    pub fn onboarding(&self) -> &Onboarding {
        &self.0.onboarding
    }

    /// Where mail goes; `None` when the companion sends none.
    pub fn mailer(&self) -> Option<&dyn Mailer> {
        self.0.mailer.as_deref()
    }

    /// Now, Unix ms.
    pub fn now_ms(&self) -> i64 {
        self.0.clock.now_ms()
    }

    /// Counts a hit on each `(bucket, limit)` and refuses with `RATE_LIMITED` if any is over.
    /// Every bucket is counted, so a client over one limit does not escape the others.
    pub async fn rate_limit(&self, buckets: &[(String, RateLimit)]) -> Result<(), ApiError> {
        let now = self.now_ms();
        let mut wait_ms = 0;
        for (bucket, limit) in buckets {
            if let RateDecision::Limited { retry_after_ms } =
                self.store().hit_rate_limit(bucket, limit, now).await?
            {
                wait_ms = wait_ms.max(retry_after_ms);
            }
        }
        if wait_ms > 0 {
            return Err(ApiError::rate_limited(wait_ms));
        }
        Ok(())
    }
}
