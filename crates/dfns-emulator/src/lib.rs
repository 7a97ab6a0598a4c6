//! A local, faithful emulator of the Dfns API (`reference/dfns-api.md`): real WebAuthn and key
//! verification, single-use user actions bound to method, path and payload, expiring tokens, and
//! state in a SQLite file that survives restarts.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = dfns_emulator::Config::new("/tmp/dfns-data".into());
//! let emulator = dfns_emulator::Emulator::open(config).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! emulator.serve(listener, std::future::pending()).await?;
//! # Ok(()) }
//! ```

mod api;
mod bootstrap;
pub mod chain;
pub mod clock;
mod error;
mod ids;
mod ledger;
mod state;
mod store;
mod tokens;
mod verify;

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

pub use bootstrap::{
    BOOTSTRAP_FILE, Bootstrap, ServiceAccount, env_lines, read_file as read_bootstrap,
};
pub use state::Lifetimes;
use url::Url;

use crate::clock::{Clock, SystemClock};
use crate::state::{AppState, Shared};
use crate::store::Store;
use crate::verify::RelyingParty;

/// How to run an emulator.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the SQLite file and `bootstrap.json` live.
    pub data_dir: PathBuf,
    /// The passkey rp id (`localhost` by default).
    pub rp_id: String,
    /// Origins allowed in WebAuthn client data (`https://localhost` by default).
    pub origins: Vec<Url>,
    /// Token and challenge lifetimes.
    pub lifetimes: Lifetimes,
    /// The time source.
    pub clock: Arc<dyn Clock>,
    /// Time from a transfer's request to its confirmation (a quarter to Executing, half to
    /// Broadcasted).
    pub confirm_after_ms: i64,
    /// Turns on `POST /_emulator/faucet`.
    pub emulator_api: bool,
    /// Credits every new wallet with one whole unit of its network's coin (development and
    /// demos: `make run`). Only with `emulator_api`.
    pub fund_new_wallets: bool,
}

impl Config {
    /// Defaults for `data_dir`: rp id `localhost`, origin `https://localhost`.
    pub fn new(data_dir: PathBuf) -> Self {
        let origin = Url::parse("https://localhost").expect("a valid URL");
        Self {
            data_dir,
            rp_id: "localhost".to_owned(),
            origins: vec![origin],
            lifetimes: Lifetimes::default(),
            clock: Arc::new(SystemClock),
            confirm_after_ms: 3000,
            emulator_api: false,
            fund_new_wallets: false,
        }
    }
}

/// Why the emulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data dir could not be created or written.
    #[error("data dir {path}: {source}")]
    DataDir {
        /// The data dir.
        path: PathBuf,
        /// The failure.
        #[source]
        source: std::io::Error,
    },
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Open(#[from] store::OpenError),
    /// The database failed.
    #[error("database: {0}")]
    Database(#[from] store::DbError),
    /// The org could not be loaded or created.
    #[error(transparent)]
    Bootstrap(#[from] bootstrap::BootstrapError),
    /// The rp id or origins are unusable.
    #[error("invalid settings: {0}")]
    Settings(&'static str),
    /// The wallet-key vault could not be opened.
    #[error("wallet key vault: {0}")]
    Vault(#[from] chain::keys::VaultError),
}

/// An opened emulator, ready to serve.
#[derive(Debug)]
pub struct Emulator {
    state: AppState,
    data_dir: PathBuf,
    service_account: ServiceAccount,
}

impl Emulator {
    /// Opens the data dir, creating the database and the org on first use.
    pub async fn open(config: Config) -> Result<Self, StartError> {
        if config.rp_id.is_empty() || config.rp_id.contains(['/', ':']) {
            return Err(StartError::Settings("the rp id must be a bare domain such as localhost"));
        }
        if config.origins.is_empty() {
            return Err(StartError::Settings("at least one origin is needed"));
        }
        // It holds the service account's key and every user's state: the owner's alone.
        private_files::create_dir_all(&config.data_dir)
            .map_err(|source| StartError::DataDir { path: config.data_dir.clone(), source })?;
        if config.confirm_after_ms < 0 {
            return Err(StartError::Settings("the confirmation delay cannot be negative"));
        }
        let store = Store::open(&config.data_dir).await?;
        let vault = chain::keys::Vault::open_or_create(&config.data_dir)?;
        for token in ledger::well_known_tokens() {
            store.put_token(&token).await?;
        }
        let origin = config.origins[0].origin().ascii_serialization();
        let org = bootstrap::load_or_create(
            &store,
            config.clock.as_ref(),
            config.lifetimes.service_token_ms,
            &config.rp_id,
            &origin,
        )
        .await?;
        let state = AppState::new(Shared {
            store,
            tokens: org.tokens,
            clock: config.clock,
            org_id: org.org_id,
            rp: RelyingParty { id: config.rp_id, origins: config.origins },
            lifetimes: config.lifetimes,
            vault,
            confirm_after_ms: config.confirm_after_ms,
            emulator_api: config.emulator_api,
            fund_new_wallets: config.emulator_api && config.fund_new_wallets,
        });
        Ok(Self { state, data_dir: config.data_dir, service_account: org.service_account })
    }

    /// The HTTP API, for serving or for `oneshot` tests.
    pub fn router(&self) -> axum::Router {
        api::router(self.state.clone())
    }

    /// What a backend needs to use this emulator at `api_url`.
    pub fn bootstrap(&self, api_url: &str) -> Bootstrap {
        Bootstrap {
            api_url: api_url.trim_end_matches('/').to_owned(),
            org_id: self.state.org_id.clone(),
            rp_id: self.state.rp.id.clone(),
            origins: self
                .state
                .rp
                .origins
                .iter()
                .map(|url| url.origin().ascii_serialization())
                .collect(),
            service_account: self.service_account.clone(),
        }
    }

    /// Writes `bootstrap.json` for the listener's address and serves until `shutdown` resolves.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let api_url = format!("http://{}", listener.local_addr()?);
        bootstrap::write_file(&self.data_dir, &self.bootstrap(&api_url))?;
        tracing::info!(%api_url, data_dir = %self.data_dir.display(), "dfns emulator listening");
        let store = self.state.store.clone();
        // Transfers move on even when nobody reads them, so a UI sees them confirm.
        let ticker = tokio::spawn(tick(self.state.clone()));
        let served = axum::serve(listener, self.router()).with_graceful_shutdown(shutdown).await;
        ticker.abort();
        store.close().await;
        served
    }
}

async fn tick(state: AppState) {
    let mut interval = tokio::time::interval(std::time::Duration::from_millis(250));
    loop {
        interval.tick().await;
        if let Err(error) = ledger::settle(&state).await {
            tracing::warn!(message = %error.message, "settling transfers failed; will retry");
        }
    }
}
