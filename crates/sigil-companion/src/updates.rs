//! The app's signed updates, from a folder the company fills (`--updates-dir`): one subfolder
//! per release, named by its version, holding `release.json`, the installers it names and each
//! installer's minisign signature beside it (`<file>.sig`, as the Tauri CLI writes it). The
//! folder is read on every request, so a release is published by copying its folder in.
//!
//! ```text
//! updates/
//!   0.2.0/
//!     release.json   {"version":"0.2.0","notes":"…","pub_date":"2026-05-01T12:00:00Z",
//!                     "platforms":{"linux-x86_64-deb":"Sigil_0.2.0_amd64.deb"}}
//!     Sigil_0.2.0_amd64.deb
//!     Sigil_0.2.0_amd64.deb.sig
//! ```
//!
//! Platform keys are Tauri's: `{target}-{arch}-{installer}` (`linux-x86_64-deb`,
//! `windows-x86_64-msi`, `darwin-aarch64-app`, …) or `{target}-{arch}` for every installer of
//! that system. The companion never signs: it serves what the company signed where installers
//! are built, and the app checks the signature against the key it was built with.

use std::path::{Path, PathBuf};

use semver::Version;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The manifest's name in a release folder.
pub const MANIFEST: &str = "release.json";

/// What is wrong with the updates folder or one of its releases. The operator reads these (the
/// log, or the companion refusing to start); the app only sees `UPDATE_RELEASE_INVALID`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReleaseError {
    /// The folder or a file in it cannot be read.
    #[error("{path}: cannot be read ({source})")]
    Unreadable {
        /// The path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A manifest is not the JSON expected.
    #[error("{path}: not a release manifest ({reason})")]
    Manifest {
        /// The manifest.
        path: PathBuf,
        /// What is wrong, and what would be right.
        reason: String,
    },
}

/// A release's manifest, as the company writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    version: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    pub_date: Option<String>,
    platforms: BTreeMap<String, String>,
}

/// One release, checked: its version, notes, date and, per platform key, its installer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The version (also the folder's name).
    pub version: Version,
    /// What changed, shown to the person before they consent.
    pub notes: String,
    /// When it was published, RFC 3339.
    pub pub_date: Option<String>,
    /// Installer file name by platform key.
    pub platforms: BTreeMap<String, Artifact>,
}

/// An installer of a release and its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Its file name in the release folder.
    pub file: String,
    /// The contents of `<file>.sig`: what the app verifies the download against.
    pub signature: String,
}

/// The updates folder.
#[derive(Debug, Clone)]
pub struct Releases {
    dir: PathBuf,
}

impl Releases {
    /// The releases in `dir`, every one checked: the companion refuses to start on a bad one.
    pub fn open(dir: &Path) -> Result<(Self, usize), ReleaseError> {
        let releases = Self { dir: dir.to_owned() };
        let count = releases.all()?.len();
        Ok((releases, count))
    }

    /// Every release in the folder. A stray file beside the release folders is ignored; a
    /// release folder that is unusable is an error, so a broken publication is never skipped.
    pub fn all(&self) -> Result<Vec<Release>, ReleaseError> {
        let unreadable = |path: &Path| {
            let path = path.to_owned();
            move |source| ReleaseError::Unreadable { path, source }
        };
        let mut releases = Vec::new();
        for entry in std::fs::read_dir(&self.dir).map_err(unreadable(&self.dir))? {
            let entry = entry.map_err(unreadable(&self.dir))?;
            if entry.file_type().map_err(unreadable(&entry.path()))?.is_dir() {
                releases.push(read_release(&entry.path())?);
            }
        }
        Ok(releases)
    }

    /// The newest release with an installer for `target`-`arch` (the installer `bundle` when
    /// the release names one for it), if it is newer than `current`.
    pub fn newer_than(
        &self,
        current: &Version,
        target: &str,
        arch: &str,
        bundle: Option<&str>,
    ) -> Result<Option<(Release, Artifact)>, ReleaseError> {
        let general = format!("{target}-{arch}");
        let specific = bundle.map(|bundle| format!("{general}-{bundle}"));
        let newest = self
            .all()?
            .into_iter()
            .filter_map(|release| {
                let artifact = specific
                    .as_ref()
                    .and_then(|key| release.platforms.get(key))
                    .or_else(|| release.platforms.get(&general))?
                    .clone();
                Some((release, artifact))
            })
            .max_by(|(a, _), (b, _)| a.version.cmp(&b.version));
        Ok(newest.filter(|(release, _)| release.version > *current))
    }

    /// The path of `file` of release `version`, only when that release's manifest names it:
    /// nothing else in the folder is ever served.
    pub fn artifact_path(
        &self,
        version: &str,
        file: &str,
    ) -> Result<Option<PathBuf>, ReleaseError> {
        let Ok(version) = Version::parse(version) else { return Ok(None) };
        let listed =
            self.all()?.into_iter().find(|release| release.version == version).is_some_and(
                |release| release.platforms.values().any(|artifact| artifact.file == file),
            );
        Ok(listed.then(|| self.dir.join(version.to_string()).join(file)))
    }
}

/// Reads and checks the release in folder `dir`.
fn read_release(dir: &Path) -> Result<Release, ReleaseError> {
    let path = dir.join(MANIFEST);
    let bad = |reason: String| ReleaseError::Manifest { path: path.clone(), reason };
    let bytes = std::fs::read(&path)
        .map_err(|source| ReleaseError::Unreadable { path: path.clone(), source })?;
    let manifest: Manifest = serde_json::from_slice(&bytes).map_err(|error| {
        bad(format!(
            "{error}; expected {{\"version\", \"notes\", \"pub_date\", \"platforms\": {{\"linux-x86_64-deb\": \"FILE\"}}}}"
        ))
    })?;
    let version = Version::parse(&manifest.version)
        .map_err(|error| bad(format!("version {:?}: {error}", manifest.version)))?;
    let folder = dir.file_name().and_then(|name| name.to_str()).unwrap_or_default();
    if folder != version.to_string() {
        return Err(bad(format!("the folder of version {version} must be named {version}")));
    }
    if let Some(date) = &manifest.pub_date {
        time::OffsetDateTime::parse(date, &time::format_description::well_known::Rfc3339)
            .map_err(|error| bad(format!("pub_date {date:?} is not RFC 3339 ({error})")))?;
    }
    if manifest.platforms.is_empty() {
        return Err(bad("platforms names no installer".to_owned()));
    }
    let mut platforms = BTreeMap::new();
    for (key, file) in manifest.platforms {
        if !is_platform_key(&key) {
            return Err(bad(format!("{key:?} is not a platform key such as linux-x86_64-deb")));
        }
        if !is_file_name(&file) {
            return Err(bad(format!("{file:?} is not a file name in the release folder")));
        }
        let sig = dir.join(format!("{file}.sig"));
        if !dir.join(&file).is_file() {
            return Err(bad(format!("{file} is missing from the release folder")));
        }
        let signature = std::fs::read_to_string(&sig)
            .map_err(|source| ReleaseError::Unreadable { path: sig.clone(), source })?;
        let signature = signature.trim().to_owned();
        if signature.is_empty() {
            return Err(bad(format!("{file}.sig is empty")));
        }
        platforms.insert(key, Artifact { file, signature });
    }
    Ok(Release { version, notes: manifest.notes, pub_date: manifest.pub_date, platforms })
}

/// `target-arch` or `target-arch-installer`, lower case letters, digits and `_`.
fn is_platform_key(key: &str) -> bool {
    let parts: Vec<&str> = key.split('-').collect();
    (2..=3).contains(&parts.len()) && parts.iter().all(|part| is_word(part))
}

/// A word of a platform key or update URL: 1 to 16 lower case letters, digits or `_`.
pub fn is_word(word: &str) -> bool {
    (1..=16).contains(&word.len())
        && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A plain file name: no folder, not hidden, no control characters.
fn is_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('.')
        && !name.contains(['/', '\\'])
        && !name.chars().any(char::is_control)
}

#[cfg(test)]
mod tests;
