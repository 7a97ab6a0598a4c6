//! The whole engine in one value, as the desktop shell holds it: sign-in, the Dfns session
//! (made once the user is signed in, from the companion's configuration), cached reads and
//! signed actions, all on one data folder.

use std::path::PathBuf;
use std::sync::Arc;

use sigil_api::{Config, Me};
use sigil_store::{Cache, CacheOpened, Journal, SecretStore};
use tokio::sync::Mutex;

use crate::actions::Actions;
use crate::clock::Clock;
use crate::companion::CompanionClient;
use crate::company::Pins;
use crate::dfns_session::DfnsSession;
use crate::error::{Error, Result};
use crate::login::Auth;
use crate::reads::Reads;

/// Where and with what the engine runs.
#[derive(Debug, Clone)]
pub struct CoreOptions {
    /// The company's companion (`https://wallet.example.com`).
    pub companion_url: String,
    /// The app's data folder: `cache.db` and `journal.db` live here.
    pub data_dir: PathBuf,
    /// Where secrets go (the OS keyring).
    pub secrets: Arc<dyn SecretStore>,
    /// The time source.
    pub clock: Arc<dyn Clock>,
}

/// What exists once the user is signed in.
#[derive(Debug)]
pub struct Connected {
    /// The company's configuration (Dfns URL, rp id, networks).
    pub config: Config,
    /// Dfns as the user.
    pub dfns: Arc<DfnsSession>,
    /// Cached reads.
    pub reads: Reads,
    /// Signed actions.
    pub actions: Actions,
}

/// The engine.
#[derive(Debug)]
pub struct Core {
    auth: Auth,
    pins: Pins,
    cache: Cache,
    journal: Journal,
    clock: Arc<dyn Clock>,
    connected: Mutex<Option<Arc<Connected>>>,
    /// (app user id, Dfns user id) once `/me` named the Dfns user this run: it never changes
    /// for an app user (recovery keeps the Dfns user), so a sync need not ask again.
    dfns_user: std::sync::Mutex<Option<(String, String)>>,
}

impl Core {
    /// Opens the data folder: the cache (rebuilt or in memory if it must be; how is returned)
    /// and the journal (which must open: without it no action may run).
    pub async fn open(options: CoreOptions) -> Result<(Self, CacheOpened)> {
        let companion = CompanionClient::new(&options.companion_url)?;
        let pins = Pins::new(options.secrets.clone());
        let auth = Auth::new(companion, options.secrets, options.clock.clone());
        let (cache, opened) = Cache::open(&options.data_dir.join("cache.db")).await;
        let journal = Journal::open(&options.data_dir.join("journal.db")).await?;
        let core = Self {
            auth,
            pins,
            cache,
            journal,
            clock: options.clock,
            connected: Mutex::new(None),
            dfns_user: std::sync::Mutex::default(),
        };
        Ok((core, opened))
    }

    /// Sign-in and the companion session.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// The cache (readable at once, before any network answers).
    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// The journal.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// The signed-in engine: asks the companion for its configuration the first time, and refuses
    /// one whose passkey domain is not the company's or that differs from what was pinned
    /// (`COMPANY_RP_ID_INVALID`, `COMPANY_CHANGED`). `SIGNED_OUT` without a session.
    pub async fn connected(&self) -> Result<Arc<Connected>> {
        let mut connected = self.connected.lock().await;
        if let Some(existing) = connected.as_ref() {
            return Ok(existing.clone());
        }
        if self.auth.session().await?.is_none() {
            return Err(Error::SignedOut);
        }
        let config = self.auth.companion().config().await?;
        self.pins.check(self.auth.companion().base_url(), &config).await?;
        let dfns = Arc::new(DfnsSession::new(
            self.auth.clone(),
            &config.dfns_api_url,
            self.clock.clone(),
        )?);
        let reads = Reads::new(self.cache.clone(), dfns.clone());
        let actions =
            Actions::new(dfns.clone(), reads.clone(), self.journal.clone(), self.clock.clone());
        let fresh = Arc::new(Connected { config, dfns, reads, actions });
        *connected = Some(fresh.clone());
        Ok(fresh)
    }

    /// Remembers the Dfns user `/me` named, for [`Self::dfns_user`].
    pub fn note_me(&self, me: &Me) {
        if let Some(dfns_user) = &me.dfns_user_id {
            *self.known_dfns_user() = Some((me.user.id.clone(), dfns_user.clone()));
        }
    }

    /// The Dfns user of `app_user`, when `/me` named it this run.
    pub fn dfns_user(&self, app_user: &str) -> Option<String> {
        self.known_dfns_user()
            .as_ref()
            .filter(|(user, _)| user == app_user)
            .map(|(_, dfns_user)| dfns_user.clone())
    }

    fn known_dfns_user(&self) -> std::sync::MutexGuard<'_, Option<(String, String)>> {
        // A poisoned lock only means a panic elsewhere mid-assignment of a plain pair.
        self.dfns_user.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Pins the company's passkey domain, origin and Dfns API (at first registration): from now
    /// on a company server that answers otherwise is refused before any ceremony.
    pub async fn pin_company(&self) -> Result<()> {
        let connected = self.connected().await?;
        self.pins.pin(self.auth.companion().base_url(), &connected.config).await
    }

    /// Closes the cache and the journal (the shell calls it at exit): every write is on disk and
    /// their logs are folded back into the files.
    pub async fn close(&self) {
        self.cache.close().await;
        self.journal.close().await;
    }

    /// Signs out: the companion ends the session, the keyring forgets it, the Dfns token is
    /// dropped from memory, and the cache is emptied. The journal stays (it is the record of
    /// what was signed).
    pub async fn sign_out(&self) -> Result<()> {
        if let Some(connected) = self.connected.lock().await.take() {
            connected.dfns.forget().await;
        }
        self.known_dfns_user().take();
        self.auth.sign_out().await?;
        self.cache.clear().await?;
        Ok(())
    }
}
