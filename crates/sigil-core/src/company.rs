//! The company the app works for, and what it learned from it that may never change behind the
//! person's back (DESIGN.md §5, "The company is pinned"). The company URL is `https` (plain `http`
//! only on loopback, for development); the passkey domain (rp id) it names must be its own host or
//! a registrable parent of it; and at first registration the rp id, origin and Dfns API URL are
//! pinned in the keyring, so a company server that later answers otherwise is refused before any
//! ceremony.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;

use public_suffix::{DEFAULT_PROVIDER, EffectiveTLDProvider as _};
use serde::{Deserialize, Serialize};
use sigil_api::Config;
use sigil_store::{SecretBytes, SecretStore};
use url::Url;

use crate::error::{Error, Result};

/// The keyring entry of the pins, by company URL.
const PINS: &str = "company-pins";

/// Whether `url` may be a company server: `https`, or `http` to this machine only.
pub fn url_allowed(url: &Url) -> bool {
    match url.scheme() {
        "https" => url.host_str().is_some(),
        "http" => url.host().is_some_and(|host| is_loopback(&host.to_string())),
        _ => false,
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare == "localhost" || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The passkey domain must be the company's host or a registrable parent of it (never a public
/// suffix such as `co.uk`); a company on loopback, in development, uses `localhost`.
pub fn check_rp_id(company: &Url, rp_id: &str) -> Result<()> {
    let host = company.host_str().unwrap_or_default();
    let allowed = if is_loopback(host) {
        rp_id == "localhost"
    } else {
        (host == rp_id || host.ends_with(&format!(".{rp_id}")))
            && DEFAULT_PROVIDER.effective_tld_plus_one(rp_id).is_ok()
    };
    if allowed {
        Ok(())
    } else {
        Err(Error::CompanyRpIdInvalid { rp_id: rp_id.to_owned(), host: host.to_owned() })
    }
}

/// What is pinned of a company at first registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pin {
    /// The passkey domain.
    pub rp_id: String,
    /// The WebAuthn origin.
    pub origin: String,
    /// The Dfns API the app signs for.
    pub dfns_api_url: String,
}

impl From<&Config> for Pin {
    fn from(config: &Config) -> Self {
        Self {
            rp_id: config.rp_id.clone(),
            origin: config.origin.clone(),
            dfns_api_url: config.dfns_api_url.clone(),
        }
    }
}

/// The pins of every company this computer registered with, in the keyring.
#[derive(Debug, Clone)]
pub struct Pins {
    secrets: Arc<dyn SecretStore>,
}

impl Pins {
    /// The pins kept in `secrets`.
    pub fn new(secrets: Arc<dyn SecretStore>) -> Self {
        Self { secrets }
    }

    async fn all(&self) -> Result<BTreeMap<String, Pin>> {
        let secrets = self.secrets.clone();
        let stored = tokio::task::spawn_blocking(move || secrets.get(PINS))
            .await
            .map_err(|e| Error::Internal(e.to_string()))??;
        match stored {
            None => Ok(BTreeMap::new()),
            // A damaged entry pins nothing we could trust: refuse rather than re-pin silently.
            Some(bytes) => serde_json::from_slice(bytes.expose()).map_err(|_| {
                Error::Config(
                    "the pinned company settings in the keyring are damaged: sign out, then sign \
                     in again to confirm your company"
                        .to_owned(),
                )
            }),
        }
    }

    /// Refuses `config` from the company at `company` if it differs from what was pinned.
    pub async fn check(&self, company: &Url, config: &Config) -> Result<()> {
        check_rp_id(company, &config.rp_id)?;
        match self.all().await?.get(company.as_str()) {
            Some(pinned) if *pinned != Pin::from(config) => Err(Error::CompanyChanged {
                company: company.to_string(),
                pinned: Box::new(pinned.clone()),
                offered: Box::new(Pin::from(config)),
            }),
            _ => Ok(()),
        }
    }

    /// Pins `config` for `company`, unless a pin is there already (it is never replaced here).
    pub async fn pin(&self, company: &Url, config: &Config) -> Result<()> {
        let mut all = self.all().await?;
        if all.contains_key(company.as_str()) {
            return Ok(());
        }
        all.insert(company.to_string(), Pin::from(config));
        let bytes = serde_json::to_vec(&all).map_err(|e| Error::Internal(e.to_string()))?;
        let secrets = self.secrets.clone();
        tokio::task::spawn_blocking(move || secrets.set(PINS, &SecretBytes::new(bytes)))
            .await
            .map_err(|e| Error::Internal(e.to_string()))??;
        tracing::info!(company = %company, rp_id = config.rp_id, "company pinned");
        Ok(())
    }
}

#[cfg(test)]
mod tests;
