//! The user's settings, in `settings.json` of the data folder. They hold no secret.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::views::AuthenticatorChoice;

/// The default company server (the local one of `make run`); `SIGIL_COMPANION_URL` overrides.
const DEFAULT_COMPANION_URL: &str = "http://127.0.0.1:8788";

/// The user's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// The company server.
    pub companion_url: String,
    /// Where new passkeys are made; unset, the strongest this computer offers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticator: Option<AuthenticatorChoice>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            companion_url: std::env::var("SIGIL_COMPANION_URL")
                .unwrap_or_else(|_| DEFAULT_COMPANION_URL.to_owned()),
            authenticator: None,
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

    /// Saves them; a failure is logged (the settings stay in force for this run).
    pub fn write(&self, data_dir: &Path) {
        let written =
            serde_json::to_vec_pretty(self).map_err(|e| e.to_string()).and_then(|bytes| {
                std::fs::write(Self::path(data_dir), bytes).map_err(|e| e.to_string())
            });
        if let Err(error) = written {
            tracing::warn!(%error, "could not save the settings");
        }
    }
}
