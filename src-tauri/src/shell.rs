//! What the commands share: the engine (`sigil_core::app::Core`) on the app's data folder, the
//! user's settings, the passkey prompt bridge and the running ceremony. Each method is the body
//! of one command; the commands only adapt it to IPC.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex as StdMutex};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sigil_authn::webauthn::RelyingParty;
use sigil_authn::{Approval, CancellationToken, Passkeys, Prompt, Prompter, TestToken};
use sigil_core::actions::{AssetRef, FeeTier, SendRequest, SignWhat};
use sigil_core::app::{Core, CoreOptions};
use sigil_core::clock::SystemClock;
use sigil_core::login::LinkOutcome;
use sigil_core::onboarding::{Onboarded, register};
use sigil_store::SecretStore;
use tokio::sync::RwLock;

use crate::error::{IpcError, IpcResult};
use crate::views::{
    AppState, AuthenticatorChoice, HistoryView, OutcomeView, PasskeyView, PreparedView,
    TransferView, WalletView,
};

/// The keyring entry of the device passkeys.
const DEVICE_PASSKEYS: &str = "device-passkeys";
/// The default company server (the local one of `make run`); `SIGIL_COMPANION_URL` overrides.
const DEFAULT_COMPANION_URL: &str = "http://127.0.0.1:8788";
/// Development builds only: a file holding a software security key (sigil-authn's test token,
/// private keys unprotected) that stands in for a USB key, so adding a backup key can be tried
/// and tested on a machine without one. Release builds ignore it.
const DEV_SECURITY_KEY: &str = "SIGIL_DEV_SECURITY_KEY";

/// How the shell reaches the world outside the engine: events to the UI, URLs to the browser.
pub trait Outside: Send + Sync {
    /// Emits an event to the UI.
    fn emit(&self, event: &str, payload: Value);
    /// Opens a URL in the system browser.
    fn open_url(&self, url: &str) -> Result<(), String>;
}

/// The user's settings, in `settings.json` of the data folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// The company server.
    pub companion_url: String,
    /// The preferred authenticator.
    pub authenticator: AuthenticatorChoice,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            companion_url: std::env::var("SIGIL_COMPANION_URL")
                .unwrap_or_else(|_| DEFAULT_COMPANION_URL.to_owned()),
            authenticator: AuthenticatorChoice::Device,
        }
    }
}

/// A send form as the UI sends it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendForm {
    /// From which wallet.
    pub wallet_id: String,
    /// Which asset.
    pub asset: AssetRef,
    /// To whom.
    pub to: String,
    /// How much, in whole units.
    pub amount: String,
    /// The fee tier.
    #[serde(default)]
    pub fee_tier: Option<FeeTier>,
}

impl From<SendForm> for SendRequest {
    fn from(form: SendForm) -> Self {
        Self {
            wallet_id: form.wallet_id,
            asset: form.asset,
            to: form.to,
            amount: form.amount,
            fee_tier: form.fee_tier,
        }
    }
}

/// The shared state of the commands.
pub struct Shell {
    data_dir: PathBuf,
    secrets: Arc<dyn SecretStore>,
    settings: StdMutex<Settings>,
    core: RwLock<Arc<Core>>,
    offline: AtomicBool,
    ceremony: StdMutex<CancellationToken>,
    pin: StdMutex<Option<std::sync::mpsc::Sender<Option<String>>>>,
    outside: Arc<dyn Outside>,
    dev_security_key: Option<PathBuf>,
}

impl std::fmt::Debug for Shell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shell").field("data_dir", &self.data_dir).finish_non_exhaustive()
    }
}

impl Shell {
    /// Opens the engine on `data_dir` with secrets in `secrets`.
    pub async fn open(
        data_dir: PathBuf,
        secrets: Arc<dyn SecretStore>,
        outside: Arc<dyn Outside>,
    ) -> IpcResult<Self> {
        let settings = read_settings(&data_dir);
        let core = open_core(&data_dir, &secrets, &settings).await?;
        Ok(Self {
            data_dir,
            secrets,
            settings: StdMutex::new(settings),
            core: RwLock::new(Arc::new(core)),
            offline: AtomicBool::new(false),
            ceremony: StdMutex::new(CancellationToken::new()),
            pin: StdMutex::new(None),
            outside,
            dev_security_key: None,
        })
    }

    /// Wherever the person picks a security key, uses the software one kept in `file` instead
    /// (made there on first use). For development builds ([`dev_security_key_from_env`]) and
    /// tests, on machines with no USB key.
    pub fn with_dev_security_key(mut self, file: Option<PathBuf>) -> Self {
        self.dev_security_key = file;
        self
    }

    fn settings(&self) -> Settings {
        self.settings.lock().map(|s| s.clone()).unwrap_or_default()
    }

    async fn core(&self) -> Arc<Core> {
        self.core.read().await.clone()
    }

    /// Notes whether an error means "no network", for the offline banner.
    fn observe<T>(&self, result: IpcResult<T>) -> IpcResult<T> {
        match &result {
            Err(error)
                if matches!(error.code.as_str(), "COMPANION_UNREACHABLE" | "DFNS_UNREACHABLE") =>
            {
                self.offline.store(true, Ordering::SeqCst);
            }
            Ok(_) => self.offline.store(false, Ordering::SeqCst),
            Err(_) => {}
        }
        result
    }

    /// `app_state`.
    pub async fn app_state(&self) -> IpcResult<AppState> {
        let core = self.core().await;
        let settings = self.settings();
        let session = core.auth().session().await.map_err(IpcError::from)?;
        let (registered, networks) = match &session {
            Some(session) => {
                let me = core.auth().companion().me(&session.token).await;
                let config = core.auth().companion().config().await;
                let online = me.is_ok() && config.is_ok();
                self.offline.store(!online, Ordering::SeqCst);
                (me.ok().map(|me| me.registered), config.map(|c| c.networks).unwrap_or_default())
            }
            None => (None, Vec::new()),
        };
        // The UI asks for this as it mounts: `make measure-app` times the first screen by it.
        tracing::debug!(signed_in = session.is_some(), "app state served");
        Ok(AppState {
            signed_in: session.is_some(),
            user: session.map(|session| session.user),
            registered,
            companion_url: settings.companion_url,
            authenticator: settings.authenticator,
            available_authenticators: AuthenticatorChoice::available(),
            dev_authenticator: cfg!(debug_assertions),
            dev_security_key: self.dev_security_key.is_some(),
            offline: self.offline.load(Ordering::SeqCst),
            networks,
        })
    }

    /// `start_login`: the system browser opens the company's sign-in.
    pub async fn start_login(&self) -> IpcResult<()> {
        let url =
            self.observe(self.core().await.auth().start_login().await.map_err(IpcError::from))?;
        self.outside.open_url(url.as_str()).map_err(|e| IpcError::new("BROWSER_UNAVAILABLE", e))
    }

    /// A deep link from the operating system; the UI hears the result as an event.
    pub async fn accept_deep_link(&self, url: &str) {
        let core = self.core().await;
        let outcome = core.auth().accept_deep_link(url).await;
        match outcome {
            Ok(LinkOutcome::OpenBrowser(login)) => {
                if let Err(error) = self.outside.open_url(login.as_str()) {
                    self.emit_error(&IpcError::new("BROWSER_UNAVAILABLE", error));
                }
            }
            Ok(LinkOutcome::SignedIn(_) | LinkOutcome::AlreadySignedIn(_)) => {
                match self.app_state().await {
                    Ok(state) => self.outside.emit("auth:changed", json(&state)),
                    Err(error) => self.emit_error(&error),
                }
            }
            Err(error) => self.emit_error(&error.into()),
        }
    }

    fn emit_error(&self, error: &IpcError) {
        tracing::warn!(code = error.code, "{}", error.message);
        self.outside.emit("auth:error", json(error));
    }

    /// The passkeys of `choice`, for this company's relying party.
    async fn passkeys(&self, choice: AuthenticatorChoice) -> IpcResult<Passkeys> {
        let core = self.core().await;
        let connected = self.observe(core.connected().await.map_err(IpcError::from))?;
        let config = &connected.config;
        let origin = config
            .origin
            .parse()
            .map_err(|_| IpcError::new("CONFIG_INVALID", "the company's origin is not a URL"))?;
        let rp = RelyingParty::with_origin(&config.rp_id, &config.app_name, origin)?;
        let authenticator = match (choice, &self.dev_security_key) {
            (AuthenticatorChoice::SecurityKey, Some(file)) => software_security_key(file)?,
            _ => {
                sigil_authn::choose(choice.to_authn(), self.secrets.clone(), DEVICE_PASSKEYS)
                    .await?
            }
        };
        Ok(Passkeys::new(authenticator, rp))
    }

    /// A fresh cancel token for the ceremony about to run (`cancel_ceremony` stops it).
    fn new_ceremony(&self) -> CancellationToken {
        let token = CancellationToken::new();
        if let Ok(mut current) = self.ceremony.lock() {
            *current = token.clone();
        }
        token
    }

    /// `cancel_ceremony`.
    pub fn cancel_ceremony(&self) {
        if let Ok(current) = self.ceremony.lock() {
            current.cancel();
        }
    }

    /// `answer_pin`.
    pub fn answer_pin(&self, pin: Option<String>) -> IpcResult<()> {
        let sender = self.pin.lock().ok().and_then(|mut slot| slot.take());
        let sender =
            sender.ok_or_else(|| IpcError::new("NO_PIN_REQUESTED", "no PIN was asked for"))?;
        sender.send(pin).map_err(|_| IpcError::new("NO_PIN_REQUESTED", "the PIN prompt is gone"))
    }

    fn prompter(&self) -> UiPrompter<'_> {
        UiPrompter { shell: self }
    }

    /// `register`: the passkey with `choice`, the default wallets, then a sync.
    pub async fn register(&self, choice: AuthenticatorChoice) -> IpcResult<Vec<WalletView>> {
        let passkeys = self.passkeys(choice).await?;
        let core = self.core().await;
        let cancel = self.new_ceremony();
        let done = register(
            core.auth(),
            core.journal(),
            &passkeys,
            Some("Sigil".to_owned()),
            &self.prompter(),
            &cancel,
            sigil_core::clock::Clock::now_ms(&SystemClock),
        )
        .await;
        let done = self.observe(done.map_err(IpcError::from))?;
        if let Ok(mut settings) = self.settings.lock() {
            settings.authenticator = choice;
            write_settings(&self.data_dir, &settings);
        }
        let dfns_user = match done {
            Onboarded::Registered(registered) => registered.me.dfns_user_id,
            Onboarded::AlreadyRegistered(me) => me.dfns_user_id,
        };
        if let Some(dfns_user) = dfns_user {
            let connected = core.connected().await?;
            self.observe(connected.reads.sync(&dfns_user).await.map_err(IpcError::from))?;
        }
        self.wallets().await
    }

    /// `wallets`: from the cache, at once.
    pub async fn wallets(&self) -> IpcResult<Vec<WalletView>> {
        let core = self.core().await;
        let mut views = Vec::new();
        for wallet in core.cache().wallets().await? {
            let assets = core.cache().assets(&wallet.id).await?;
            views.push(WalletView::new(wallet, assets));
        }
        Ok(views)
    }

    /// `sync`: the cache brought up to date; the UI hears `wallets:changed`.
    pub async fn sync(&self) -> IpcResult<Value> {
        let core = self.core().await;
        let session = core.auth().token().await.map_err(IpcError::from)?;
        let me = core.auth().companion().me(&session).await.map_err(sigil_core::Error::from);
        let me = self.observe(me.map_err(IpcError::from))?;
        let dfns_user = me
            .dfns_user_id
            .ok_or_else(|| IpcError::new("NOT_REGISTERED", "finish registration first"))?;
        let connected = self.observe(core.connected().await.map_err(IpcError::from))?;
        let report =
            self.observe(connected.reads.sync(&dfns_user).await.map_err(IpcError::from))?;
        connected.actions.reconcile(&me.user.id).await.map_err(IpcError::from)?;
        self.outside.emit("wallets:changed", json(&self.wallets().await?));
        Ok(serde_json::json!({
            "wallets": report.wallets,
            "newHistory": report.new_history,
            "transfers": report.transfers,
        }))
    }

    /// `history`.
    pub async fn history(&self, wallet_id: &str) -> IpcResult<Vec<HistoryView>> {
        let items = self.core().await.cache().history(wallet_id, 200).await?;
        Ok(items.into_iter().map(HistoryView::from).collect())
    }

    /// `transfers`.
    pub async fn transfers(&self, wallet_id: &str) -> IpcResult<Vec<TransferView>> {
        let items = self.core().await.cache().transfers(wallet_id, 100).await?;
        Ok(items.into_iter().map(TransferView::from).collect())
    }

    async fn owner(&self, core: &Core) -> IpcResult<String> {
        let session = core.auth().session().await.map_err(IpcError::from)?;
        session.map(|s| s.user.id).ok_or_else(|| sigil_core::Error::SignedOut.into())
    }

    /// `validate_send`: the checks of `prepare_send`, nothing journaled.
    pub async fn validate_send(&self, form: SendForm) -> IpcResult<()> {
        let core = self.core().await;
        let owner = self.owner(&core).await?;
        let connected = core.connected().await?;
        let prepared = connected.actions.prepare_send(&owner, &form.into()).await?;
        connected.actions.cancel(&owner, &prepared.operation_id).await?;
        Ok(())
    }

    /// `prepare_send`.
    pub async fn prepare_send(&self, form: SendForm) -> IpcResult<PreparedView> {
        let core = self.core().await;
        let owner = self.owner(&core).await?;
        let connected = core.connected().await?;
        Ok(connected.actions.prepare_send(&owner, &form.into()).await?.into())
    }

    /// `prepare_signature`.
    pub async fn prepare_signature(
        &self,
        wallet_id: &str,
        kind: &str,
        payload: &str,
    ) -> IpcResult<PreparedView> {
        let what = match kind {
            "message" => SignWhat::Message(payload.to_owned()),
            "hash" => SignWhat::Hash(payload.to_owned()),
            "typedData" => SignWhat::TypedData(serde_json::from_str(payload).map_err(|e| {
                IpcError::new(
                    "SIGNATURE_REQUEST_INVALID",
                    format!("the typed data is not JSON: {e}"),
                )
            })?),
            other => {
                return Err(IpcError::invalid(format!(
                    "kind {other:?}: use message, typedData or hash"
                )));
            }
        };
        let core = self.core().await;
        let owner = self.owner(&core).await?;
        let connected = core.connected().await?;
        Ok(connected.actions.prepare_signature(&owner, wallet_id, &what).await?.into())
    }

    /// `prepare_create_wallet`.
    pub async fn prepare_create_wallet(
        &self,
        network: &str,
        name: Option<String>,
    ) -> IpcResult<PreparedView> {
        let core = self.core().await;
        let owner = self.owner(&core).await?;
        let connected = core.connected().await?;
        let offered = connected.config.networks.clone();
        Ok(connected.actions.prepare_create_wallet(&owner, network, name, &offered).await?.into())
    }

    /// `passkeys`.
    pub async fn passkeys_list(&self) -> IpcResult<Vec<PasskeyView>> {
        let core = self.core().await;
        let connected = self.observe(core.connected().await.map_err(IpcError::from))?;
        let list = connected.dfns.call(|dfns| async move { dfns.list_credentials().await }).await;
        let list = self.observe(list.map_err(IpcError::from))?;
        Ok(list.items.into_iter().map(PasskeyView::from).collect())
    }

    /// `prepare_add_passkey`: the new authenticator makes the passkey now.
    pub async fn prepare_add_passkey(
        &self,
        name: &str,
        choice: AuthenticatorChoice,
    ) -> IpcResult<PreparedView> {
        let new_passkeys = self.passkeys(choice).await?;
        let core = self.core().await;
        let owner = self.owner(&core).await?;
        let connected = core.connected().await?;
        let cancel = self.new_ceremony();
        let prepared = connected
            .actions
            .prepare_add_passkey(&owner, &new_passkeys, name, &self.prompter(), &cancel)
            .await?;
        Ok(prepared.into())
    }

    /// `prepare_deactivate_passkey`.
    pub async fn prepare_deactivate_passkey(
        &self,
        credential_uuid: &str,
    ) -> IpcResult<PreparedView> {
        let core = self.core().await;
        let owner = self.owner(&core).await?;
        let connected = core.connected().await?;
        Ok(connected.actions.prepare_deactivate_passkey(&owner, credential_uuid).await?.into())
    }

    /// `confirm_action`: signed with the preferred authenticator.
    pub async fn confirm_action(&self, operation_id: &str) -> IpcResult<OutcomeView> {
        let passkeys = self.passkeys(self.settings().authenticator).await?;
        let core = self.core().await;
        let owner = self.owner(&core).await?;
        let connected = core.connected().await?;
        let cancel = self.new_ceremony();
        let outcome = connected
            .actions
            .confirm(&owner, operation_id, &passkeys, &self.prompter(), &cancel)
            .await;
        let outcome = self.observe(outcome.map_err(IpcError::from))?;
        // What the action changed (balances, history, the transfer itself) reaches the cache and
        // the screen at once; the action succeeded whatever this refresh does.
        if let Err(error) = self.sync().await {
            tracing::warn!(code = error.code, "could not refresh after the action");
        }
        Ok(outcome.into())
    }

    /// `cancel_action`.
    pub async fn cancel_action(&self, operation_id: &str) -> IpcResult<()> {
        let core = self.core().await;
        let owner = self.owner(&core).await?;
        let connected = core.connected().await?;
        Ok(connected.actions.cancel(&owner, operation_id).await?)
    }

    /// `set_settings`: another company server signs out and reopens the engine.
    pub async fn set_settings(
        &self,
        companion_url: Option<String>,
        authenticator: Option<AuthenticatorChoice>,
    ) -> IpcResult<AppState> {
        let mut next = self.settings();
        if let Some(url) = companion_url.map(|url| url.trim().to_owned()) {
            sigil_core::companion::CompanionClient::new(&url).map_err(sigil_core::Error::from)?;
            if url != next.companion_url {
                let core = self.core().await;
                core.sign_out().await.map_err(IpcError::from)?;
                next.companion_url = url;
                let reopened = open_core(&self.data_dir, &self.secrets, &next).await?;
                *self.core.write().await = Arc::new(reopened);
            }
        }
        if let Some(authenticator) = authenticator {
            next.authenticator = authenticator;
        }
        write_settings(&self.data_dir, &next);
        if let Ok(mut settings) = self.settings.lock() {
            *settings = next;
        }
        self.app_state().await
    }

    /// `sign_out`.
    pub async fn sign_out(&self) -> IpcResult<()> {
        Ok(self.core().await.sign_out().await?)
    }
}

async fn open_core(
    data_dir: &std::path::Path,
    secrets: &Arc<dyn SecretStore>,
    settings: &Settings,
) -> IpcResult<Core> {
    let options = CoreOptions {
        companion_url: settings.companion_url.clone(),
        data_dir: data_dir.to_owned(),
        secrets: secrets.clone(),
        clock: Arc::new(SystemClock),
        guardrails: Default::default(),
    };
    let (core, opened) = Core::open(options).await?;
    tracing::info!(?opened, "engine ready");
    Ok(core)
}

fn settings_path(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("settings.json")
}

/// The stored settings; missing or unreadable ones are the defaults (and say so in the log).
fn read_settings(data_dir: &std::path::Path) -> Settings {
    match std::fs::read(settings_path(data_dir)) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|error| {
            tracing::warn!(%error, "settings.json is unreadable: using the defaults");
            Settings::default()
        }),
        Err(_) => Settings::default(),
    }
}

fn write_settings(data_dir: &std::path::Path, settings: &Settings) {
    let written =
        serde_json::to_vec_pretty(settings).map_err(|e| e.to_string()).and_then(|bytes| {
            std::fs::write(settings_path(data_dir), bytes).map_err(|e| e.to_string())
        });
    if let Err(error) = written {
        tracing::warn!(%error, "could not save the settings");
    }
}

fn json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Passkey prompts as UI events; a PIN is asked for and awaited from `answer_pin`.
struct UiPrompter<'a> {
    shell: &'a Shell,
}

impl Prompter for UiPrompter<'_> {
    fn show(&self, prompt: Prompt) {
        let kind = match prompt {
            Prompt::InsertKey => "insert-key",
            Prompt::ChooseKey => "choose-key",
            Prompt::TouchKey => "touch-key",
            Prompt::Processing => "processing",
        };
        self.shell.outside.emit("authn:prompt", serde_json::json!({ "kind": kind }));
    }

    fn ask_pin(&self, retries_left: Option<u32>) -> Option<dfns_client::Secret> {
        let (sender, receiver) = std::sync::mpsc::channel();
        if let Ok(mut slot) = self.shell.pin.lock() {
            *slot = Some(sender);
        }
        self.shell.outside.emit("authn:pin", serde_json::json!({ "retriesLeft": retries_left }));
        receiver
            .recv_timeout(std::time::Duration::from_secs(120))
            .ok()
            .flatten()
            .map(dfns_client::Secret::new)
    }

    fn approve(&self, approval: &Approval) -> bool {
        // The click on "Register" or "Confirm" was the approval; the prompt says what happens.
        self.shell.outside.emit(
            "authn:prompt",
            serde_json::json!({ "kind": "approve", "detail": approval.rp_id }),
        );
        true
    }
}

/// The file named by `SIGIL_DEV_SECURITY_KEY`, in a development build; `None` in a release build.
pub fn dev_security_key_from_env() -> Option<PathBuf> {
    if !cfg!(debug_assertions) {
        return None;
    }
    std::env::var_os(DEV_SECURITY_KEY).filter(|path| !path.is_empty()).map(PathBuf::from)
}

/// The software security key kept in `file`, made there on first use.
fn software_security_key(file: &std::path::Path) -> IpcResult<Arc<dyn sigil_authn::Authenticator>> {
    let token = if file.exists() { TestToken::open(file) } else { TestToken::create(file) };
    let token = token.map_err(|error| {
        IpcError::new(
            error.code(),
            format!(
                "The development security key ({DEV_SECURITY_KEY}={}) cannot be used: {error}",
                file.display()
            ),
        )
    })?;
    tracing::info!(file = %file.display(), "using the development security key");
    Ok(Arc::new(token))
}
