//! Sigil's desktop shell: the Tauri builder, its plugins (single instance first, deep links,
//! opener), and thin commands over [`shell::Shell`], which holds `sigil_core::app::Core`.
//! Nothing here holds a business rule: that is sigil-core's job.

pub mod commands;
pub mod error;
pub mod shell;
pub mod views;

use std::sync::Arc;

use serde_json::Value;
use tauri::{Emitter as _, Manager as _, Runtime};
use tauri_plugin_deep_link::DeepLinkExt as _;
use tauri_plugin_opener::OpenerExt as _;

use crate::shell::{Outside, Shell};

/// The invoke handler with every command (also used by the command-layer tests).
pub fn handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        commands::app_state,
        commands::start_login,
        commands::register,
        commands::wallets,
        commands::sync,
        commands::history,
        commands::transfers,
        commands::validate_send,
        commands::prepare_send,
        commands::prepare_signature,
        commands::prepare_create_wallet,
        commands::passkeys,
        commands::prepare_add_passkey,
        commands::prepare_deactivate_passkey,
        commands::confirm_action,
        commands::cancel_action,
        commands::cancel_ceremony,
        commands::answer_pin,
        commands::qr_svg,
        commands::set_settings,
        commands::sign_out,
    ]
}

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
        .invoke_handler(handler())
        .setup(|app| {
            let handle = app.handle().clone();
            let data_dir = app.path().app_data_dir()?;
            std::fs::create_dir_all(&data_dir)?;
            let secrets = Arc::new(sigil_store::KeyringStore::new("io.sigil.wallet"));
            let outside = Arc::new(TauriOutside(handle.clone()));
            let shell = tauri::async_runtime::block_on(Shell::open(data_dir, secrets, outside))
                .map_err(|error| format!("Sigil cannot start: {error}"))?
                .with_dev_security_key(shell::dev_security_key_from_env());
            app.manage(shell);
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
                    let app = links.clone();
                    tauri::async_runtime::spawn(async move {
                        app.state::<Shell>().accept_deep_link(url.as_str()).await;
                    });
                }
            });
            if let Ok(Some(urls)) = app.deep_link().get_current() {
                for url in urls {
                    let app = handle.clone();
                    tauri::async_runtime::spawn(async move {
                        app.state::<Shell>().accept_deep_link(url.as_str()).await;
                    });
                }
            }
            Ok(())
        })
        .build(tauri::generate_context!());
    match built {
        Ok(app) => app.run(|_, _| {}),
        Err(error) => {
            tracing::error!(%error, "Sigil could not start");
            std::process::exit(1);
        }
    }
}
