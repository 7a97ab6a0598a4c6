//! The user's settings, in `settings.json` of the data folder. They hold no secret.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::views::AuthenticatorChoice;
use crate::actions::Guardrails;

/// The company server an installer carries: set `SIGIL_COMPANY_URL` when building it, and the
/// person never has to type or confirm it (the installer came from the company).
const BUILT_FOR: Option<&str> = option_env!("SIGIL_COMPANY_URL");
/// The company server of development runs (`make run`, the tests), set when Sigil starts;
/// counts as confirmed like the installer's.
const RUN_FOR: &str = "SIGIL_COMPANION_URL";
/// Offered on a first run without either, for the person to change or confirm (the local one of
/// `make run`).
const SUGGESTED_COMPANION_URL: &str = "http://127.0.0.1:8788";

/// The user's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// The company server.
    pub companion_url: String,
    /// Whether the person (or the installer) confirmed it: no sign-in before.
    #[serde(default)]
    pub company_confirmed: bool,
    /// Where new passkeys are made; unset, the strongest this computer offers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticator: Option<AuthenticatorChoice>,
    /// The person's own guardrails; unset, the company's defaults apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardrails: Option<Guardrails>,
    /// Desktop notifications for funds received and transfers that ended.
    #[serde(default = "on")]
    pub notifications: bool,
}

fn on() -> bool {
    true
}

impl Default for Settings {
    fn default() -> Self {
        let given = BUILT_FOR
            .map(str::to_owned)
            .or_else(|| std::env::var(RUN_FOR).ok().filter(|url| !url.trim().is_empty()));
        Self {
            company_confirmed: given.is_some(),
            companion_url: given.unwrap_or_else(|| SUGGESTED_COMPANION_URL.to_owned()),
            authenticator: None,
            guardrails: None,
            notifications: true,
        }
    }
}

impl Settings {
    fn path(data_dir: &Path) -> PathBuf {
        data_dir.join("settings.json")
    }

    /// The stored settings; missing or unreadable ones are the defaults (and say so in the log).
    pub fn read(data_dir: &Path) -> Self {
        match std::fs::read(Self::path(data_dir)) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|error| {
                tracing::warn!(%error, "settings.json is unreadable: using the defaults");
                Self::default()
            }),
            Err(_) => Self::default(),
        }
    }

    /// Saves them, in a file only the person can read; a failure is logged (the settings stay in
    /// force for this run).
    pub fn write(&self, data_dir: &Path) {
        let written =
            serde_json::to_vec_pretty(self).map_err(|e| e.to_string()).and_then(|bytes| {
                private_files::write(&Self::path(data_dir), &bytes).map_err(|e| e.to_string())
            });
        if let Err(error) = written {
            tracing::warn!(%error, "could not save the settings");
        }
    }
}
