//! `sigil-companion`: the company backend of the Sigil wallet.

use anyhow::Context as _;
use clap::Parser as _;
use sigil_companion::config::{Config, ConfigError, Settings};
use sigil_companion::server::{self, AppState};
use sigil_companion::store::{Store, redact_url};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = match Config::from_settings(Settings::parse()) {
        Ok(config) => config,
        Err(error) => {
            tracing::error!(code = ConfigError::CODE, "{error}");
            return std::process::ExitCode::from(2);
        }
    };
    match run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    let store = Store::connect(&config.database_url)
        .await
        .with_context(|| format!("opening {}", redact_url(&config.database_url)))?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {} (--listen)", config.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(
        %address,
        public_url = %config.public_url,
        dfns = %config.dfns_api_url,
        database = %store.redacted_url(),
        "sigil-companion listening"
    );
    let state = AppState::new(config, store).context("the Dfns client")?;
    server::serve(listener, state, shutdown_signal()).await.context("serving")?;
    tracing::info!("sigil-companion stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
