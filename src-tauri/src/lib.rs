//! Sigil's desktop shell: the Tauri builder, its plugins (single instance first, deep links,
//! opener, updater), and the commands over `sigil_core::service::AppService`. Nothing here holds a
//! business rule: the use cases are sigil-core's; this crate only adapts them.

mod commands;
mod engine;
pub mod error;
pub mod typescript;
mod updater;

use std::path::PathBuf;
use std::sync::Arc;

use error::IpcError;
use serde_json::Value;
use sigil_core::service::{AppService, DEV_SECURITY_KEY, Outside};
use tauri::{Emitter as _, Manager as _, RunEvent, Runtime, WebviewUrl, WebviewWindowBuilder};
use tauri_plugin_deep_link::DeepLinkExt as _;
use tauri_plugin_notification::NotificationExt as _;
use tauri_plugin_opener::OpenerExt as _;

pub use commands::handler;
pub use engine::Engine;

/// The approval window's label: its capability (build.rs) names it.
const APPROVAL: &str = "approval";

/// Events to the app's windows and URLs to the system browser, through Tauri.
struct TauriOutside<R: Runtime>(tauri::AppHandle<R>);

impl<R: Runtime> Outside for TauriOutside<R> {
    fn emit(&self, event: &str, payload: Value) {
        if let Err(error) = self.0.emit(event, payload) {
            tracing::warn!(%error, event, "could not send an event to the UI");
        }
    }

    fn open_url(&self, url: &str) -> Result<(), String> {
        self.0.opener().open_url(url, None::<&str>).map_err(|error| error.to_string())
    }

    fn open_approval(&self) -> Result<(), String> {
        if let Some(window) = self.0.get_webview_window(APPROVAL) {
            return window.set_focus().map_err(|error| error.to_string());
        }
        let window =
            WebviewWindowBuilder::new(&self.0, APPROVAL, WebviewUrl::App("approval.html".into()))
                .title("Sigil: approve")
                .inner_size(460.0, 720.0)
                .resizable(false)
                .always_on_top(true)
                .center()
                .focused(true)
                .build()
                .map_err(|error| error.to_string())?;
        let app = self.0.clone();
        // Closing the window is a no; nothing waits any more once the request was answered.
        window.on_window_event(move |event| {
            if let tauri::WindowEvent::CloseRequested { .. } = event
                && let Some(service) = app.state::<Engine>().get()
            {
                let _ = service.decline();
            }
        });
        Ok(())
    }

    fn notify(&self, title: &str, body: &str) {
        if let Err(error) = self.0.notification().builder().title(title).body(body).show() {
            tracing::warn!(%error, "could not show a desktop notification");
        }
    }

    fn close_approval(&self) {
        if let Some(window) = self.0.get_webview_window(APPROVAL)
            && let Err(error) = window.destroy()
        {
            tracing::warn!(%error, "could not close the approval window");
        }
    }
}

/// The file named by `SIGIL_DEV_SECURITY_KEY`, in a development build; `None` in a release
/// build. It holds a software security key (private keys unprotected) that stands in for a USB
/// key, so adding a backup key can be tried and tested on a machine without one.
pub fn dev_security_key_from_env() -> Option<PathBuf> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var_os(DEV_SECURITY_KEY).filter(|path| !path.is_empty()).map(PathBuf::from)
}

/// The keyring service of Sigil's secrets. A development build takes another from
/// `SIGIL_DEV_KEYRING_SERVICE`, so one desktop can play a second computer (a keyring that never
/// saw the first one's passkey): the end-to-end recovery journey and the README use it.
fn keyring_service() -> String {
    const SIGIL: &str = "io.sigil.wallet";
    if !cfg!(debug_assertions) {
        return SIGIL.to_owned();
    }
    std::env::var("SIGIL_DEV_KEYRING_SERVICE")
        .ok()
        .filter(|service| !service.trim().is_empty())
        .unwrap_or_else(|| SIGIL.to_owned())
}

/// How often the wallets are refreshed while the app runs: a minute, or `SIGIL_REFRESH_SECONDS`
/// (at least 2; the end-to-end test makes it short).
fn refresh_interval() -> std::time::Duration {
    let seconds = std::env::var("SIGIL_REFRESH_SECONDS")
        .ok()
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map_or(60, |seconds| seconds.max(2));
    std::time::Duration::from_secs(seconds)
}

/// Hands a `sigil://` link to the app's use cases.
fn accept_deep_link<R: Runtime>(app: &tauri::AppHandle<R>, url: String) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        // Not open: the error is the startup screen's to show; the link is dropped with it.
        if let Ok(service) = app.state::<Engine>().ready().await {
            service.accept_deep_link(&url).await;
        }
    });
}

/// Runs the app.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let built = tauri::Builder::default()
        // First, so a second launch (e.g. by a deep link) hands its URL to this one and exits.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_deep_link::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .invoke_handler(handler())
        .setup(|app| {
            let handle = app.handle().clone();
            let data_dir = app.path().app_data_dir()?;
            // The cache, the journal and the settings are the person's alone: a new folder is 0700.
            private_files::create_dir_all(&data_dir)?;
            let secrets = Arc::new(sigil_store::KeyringStore::new(keyring_service()));
            let outside = Arc::new(TauriOutside(handle.clone()));
            // The window loads while the engine opens (the cache, the journal, the company's
            // HTTP client): commands wait for it.
            app.manage(Engine::default());
            let opening = handle.clone();
            tauri::async_runtime::spawn(async move {
                let opened = AppService::open(data_dir, secrets, outside).await.map(|service| {
                    service
                        .with_dev_security_key(dev_security_key_from_env())
                        .with_updater(Arc::new(updater::TauriUpdater::new(opening.clone())))
                });
                if let Err(error) = &opened {
                    tracing::error!(%error, "Sigil cannot start");
                }
                let engine = opening.state::<Engine>();
                engine.settle(opened.map_err(IpcError::from));
                if engine.get().is_none() {
                    return;
                }
                tracing::info!(version = %opening.package_info().version, "Sigil started");
                let refresher = opening.clone();
                tauri::async_runtime::spawn(async move {
                    if let Some(service) = refresher.state::<Engine>().get() {
                        service.keep_fresh(refresh_interval()).await;
                    }
                });
                if let Some(service) = opening.state::<Engine>().get() {
                    service.keep_checking_for_updates().await;
                }
            });
            // In development the scheme is registered at run time. An installed app has it from
            // its package (the .deb/.rpm desktop entry, the MSI/NSIS registry keys), which a
            // run-time registration would replace with one naming this very executable.
            #[cfg(any(target_os = "linux", windows))]
            if cfg!(debug_assertions)
                && let Err(error) = app.deep_link().register_all()
            {
                tracing::warn!(%error, "could not register the sigil:// scheme");
            }
            let links = handle.clone();
            app.deep_link().on_open_url(move |event| {
                for url in event.urls() {
                    accept_deep_link(&links, url.to_string());
                }
            });
            if let Ok(Some(urls)) = app.deep_link().get_current() {
                for url in urls {
                    accept_deep_link(&handle, url.to_string());
                }
            }
            Ok(())
        })
        .build(tauri::generate_context!());
    match built {
        Ok(app) => app.run(|app, event| {
            if let RunEvent::Exit = event
                && let Some(service) = app.state::<Engine>().get()
            {
                tauri::async_runtime::block_on(service.close());
            }
        }),
        Err(error) => {
            tracing::error!(%error, "Sigil could not start");
            std::process::exit(1);
        }
    }
}
