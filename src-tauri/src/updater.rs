//! Tauri's updater plugin behind sigil-core's `Updater`: it asks the endpoint sigil-core built
//! from the confirmed company, verifies the download's minisign signature against the public
//! key of tauri.conf.json (`plugins.updater.pubkey`), installs it (`dpkg -i`/`rpm -U` through
//! pkexec or sudo on Linux, the MSI/NSIS installer on Windows, the .app on macOS) and restarts.

use std::sync::Mutex;

use sigil_core::updates::{Offer, Updater, UpdaterError, UpdaterFuture};
use tauri::{AppHandle, Runtime, Url};
use tauri_plugin_updater::{Error as PluginError, Update, UpdaterExt as _};

/// The plugin, and the update its last check offered.
pub struct TauriUpdater<R: Runtime> {
    app: AppHandle<R>,
    offered: Mutex<Option<Update>>,
}

impl<R: Runtime> TauriUpdater<R> {
    /// The updater of `app`.
    pub fn new(app: AppHandle<R>) -> Self {
        Self { app, offered: Mutex::new(None) }
    }
}

impl<R: Runtime> Updater for TauriUpdater<R> {
    fn current_version(&self) -> String {
        self.app.package_info().version.to_string()
    }

    fn check(&self, endpoint: Url) -> UpdaterFuture<'_, Option<Offer>> {
        Box::pin(async move {
            let checking = |error: PluginError| UpdaterError::Check(error.to_string());
            let update = self
                .app
                .updater_builder()
                .endpoints(vec![endpoint])
                .map_err(checking)?
                // Every offer reaches sigil-core, which refuses one that is not newer by name
                // instead of the plugin ignoring it.
                .version_comparator(|_, _| true)
                .build()
                .map_err(checking)?
                .check()
                .await
                .map_err(checking)?;
            let offer = update.as_ref().map(|update| Offer {
                version: update.version.clone(),
                notes: update.body.clone(),
                date: update.raw_json.get("pub_date").and_then(|d| d.as_str()).map(str::to_owned),
            });
            if let Ok(mut offered) = self.offered.lock() {
                *offered = update;
            }
            Ok(offer)
        })
    }

    fn install(&self, version: String) -> UpdaterFuture<'_, ()> {
        Box::pin(async move {
            let update = self.offered.lock().ok().and_then(|offered| offered.clone());
            let update = update
                .filter(|update| update.version == version)
                .ok_or(UpdaterError::NotOffered(version))?;
            update.download_and_install(|_, _| {}, || {}).await.map_err(|error| match error {
                PluginError::Minisign(_)
                | PluginError::Base64(_)
                | PluginError::SignatureUtf8(_)
                | PluginError::SignedVersionMismatch { .. }
                | PluginError::MissingSignedVersion => UpdaterError::Signature(error.to_string()),
                other => UpdaterError::Install(other.to_string()),
            })
        })
    }

    fn restart(&self) {
        // Through the exit events, so the engine closes its files and the single-instance name
        // is released before the new version starts.
        self.app.request_restart();
    }
}
