//! Signed updates served by the company (issue 18): where to ask (the confirmed company's
//! `/updates`, never a built-in address), what an offer must be to be shown (newer than this
//! Sigil), and what a failed check or install means to the person. Asking, verifying the
//! minisign signature against the key the app was built with, installing and restarting are
//! the shell's [`Updater`] (Tauri's updater plugin); this module holds the rules around it.

use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use url::Url;

use crate::company::url_allowed;
use crate::error::{Error, Result};

/// A boxed future of the [`Updater`] (a trait object: the shell's is Tauri's plugin).
pub type UpdaterFuture<'a, T> =
    Pin<Box<dyn Future<Output = std::result::Result<T, UpdaterError>> + Send + 'a>>;

/// What the shell's updater does: asks an endpoint, installs what it offered, restarts.
pub trait Updater: Send + Sync {
    /// This Sigil's version.
    fn current_version(&self) -> String;
    /// Asks `endpoint` (Tauri's `{{target}}`, `{{arch}}`, `{{current_version}}` and
    /// `{{bundle_type}}` still in it) whether an update is published; `None`: nothing newer.
    fn check(&self, endpoint: Url) -> UpdaterFuture<'_, Option<Offer>>;
    /// Downloads the update of the last check, which must be `version`, verifies its signature
    /// and installs it.
    fn install(&self, version: String) -> UpdaterFuture<'_, ()>;
    /// Restarts as the installed version.
    fn restart(&self);
}

/// What the company's server offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The version offered.
    pub version: String,
    /// Its release notes.
    pub notes: Option<String>,
    /// When it was published, RFC 3339.
    pub date: Option<String>,
}

/// How the shell's updater failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UpdaterError {
    /// The company's server could not be reached or gave no usable answer.
    #[error("{0}")]
    Check(String),
    /// The download's signature does not verify with the app's key (or names another version).
    #[error("{0}")]
    Signature(String),
    /// The download or the installer failed.
    #[error("{0}")]
    Install(String),
    /// The last check offered another version, or none.
    #[error("the update offered is no longer {0}")]
    NotOffered(String),
}

/// An update the person may install, as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct UpdateView {
    /// The version offered.
    pub version: String,
    /// This Sigil's version.
    pub current_version: String,
    /// What changed.
    pub notes: String,
    /// When it was published (RFC 3339), if the company said.
    pub date: Option<String>,
}

/// The update endpoint of the company at `companion_url` (the one the person confirmed): Tauri
/// fills in the platform, the version and the installer kind it was installed from.
pub fn endpoint(companion_url: &str) -> Result<Url> {
    let company = Url::parse(companion_url.trim()).ok().filter(url_allowed).ok_or_else(|| {
        Error::UpdateCheckFailed(format!("{companion_url:?} is not a company URL Sigil accepts"))
    })?;
    let base = company.as_str().trim_end_matches('/');
    Url::parse(&format!(
        "{base}/updates/{{{{target}}}}/{{{{arch}}}}/{{{{current_version}}}}?bundle={{{{bundle_type}}}}"
    ))
    .map_err(|error| Error::UpdateCheckFailed(error.to_string()))
}

/// The offer as the person sees it, only when it is newer than `current`: a server offering
/// this version or an older one (a downgrade to a release with known flaws) is refused.
pub fn judge(current: &str, offer: Offer) -> Result<UpdateView> {
    let parse = |version: &str| semver::Version::parse(version.trim_start_matches('v'));
    let offered = parse(&offer.version).map_err(|error| {
        Error::UpdateCheckFailed(format!(
            "the version offered, {:?}, is unreadable ({error})",
            offer.version
        ))
    })?;
    let running = parse(current)
        .map_err(|error| Error::Internal(format!("this Sigil's version {current:?}: {error}")))?;
    if offered <= running {
        return Err(Error::UpdateNotNewer { offered: offer.version, current: current.to_owned() });
    }
    Ok(UpdateView {
        version: offered.to_string(),
        current_version: current.to_owned(),
        notes: offer.notes.unwrap_or_default(),
        date: offer.date,
    })
}

/// The core error of an updater failure.
pub(crate) fn failed(error: UpdaterError) -> Error {
    match error {
        UpdaterError::Check(reason) => Error::UpdateCheckFailed(reason),
        UpdaterError::Signature(reason) => Error::UpdateSignatureInvalid(reason),
        UpdaterError::Install(reason) => Error::UpdateInstallFailed(reason),
        UpdaterError::NotOffered(_) => Error::NoUpdatePending,
    }
}

#[cfg(test)]
mod tests;
