//! The app's use cases, one method per user action, over [`Core`]: what the desktop shell's
//! commands call. Each returns data ready for a screen ([`views`]) or an [`Error`] whose code the
//! UI branches on. Nothing here knows Tauri: the shell hands in an [`Outside`] for events and the
//! system browser, and adapts each method to one command.

mod activity;
mod approval;
mod ceremony;
mod events;
mod settings;
pub mod views;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex as StdMutex};
use std::time::Duration;

use serde_json::Value;
use sigil_authn::webauthn::RelyingParty;
use sigil_authn::{Authenticator, AuthenticatorKind, Passkeys, PinReason, TestToken};
use sigil_store::SecretStore;
use tokio::sync::RwLock;

use self::activity::Snapshot;
use self::approval::{Answer, Approvals, wait};
use self::ceremony::{ApprovedPrompter, Ceremonies};
pub use self::events::Event;
pub use self::settings::Settings;
use self::views::{
    AccessView, AppState, ApprovalView, AuthenticatorChoice, BrowserPage, CeremonyKind,
    ComputerCodeView, ContactView, ErrorView, ExplorerTarget, GuardrailsView, HistoryView,
    OutcomeView, PasskeyView, PinRequest, PreparedView, SendForm, SignKind, TransferView,
    WalletView,
};
use crate::actions::{AssetRef, FeeTier, Guardrails, Intent, SignWhat, Warning};
use crate::app::{Connected, Core, CoreOptions};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};
use crate::login::LinkOutcome;
use crate::onboarding::{Onboarded, register};
use crate::reads::SyncReport;
use crate::updates::{self, UpdateView, Updater};

/// The keyring entry of the device passkeys.
const DEVICE_PASSKEYS: &str = "device-passkeys";
/// Named in the message when the development security key cannot be used.
pub const DEV_SECURITY_KEY: &str = "SIGIL_DEV_SECURITY_KEY";
/// How long the approval window waits for the person; silence declines.
const APPROVAL_WAIT: Duration = Duration::from_secs(300);
/// How often a running app asks the company for a newer Sigil.
const UPDATE_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// How the app reaches the world outside the engine: events to the UI, URLs to the browser.
pub trait Outside: Send + Sync {
    /// Emits an event to the UI.
    fn emit(&self, event: &str, payload: Value);
    /// Opens a URL in the system browser.
    fn open_url(&self, url: &str) -> std::result::Result<(), String>;
    /// Opens (or brings forward) the approval window, whose page asks for the open request.
    fn open_approval(&self) -> std::result::Result<(), String>;
    /// Closes the approval window.
    fn close_approval(&self);
    /// Shows a desktop notification.
    fn notify(&self, title: &str, body: &str);
}

/// The engine, the user's settings and the passkey ceremony in progress.
pub struct AppService {
    data_dir: PathBuf,
    secrets: Arc<dyn SecretStore>,
    settings: StdMutex<Settings>,
    core: RwLock<Arc<Core>>,
    offline: AtomicBool,
    ceremonies: Ceremonies,
    approvals: Approvals,
    /// The recovery the company opened for this session (it opens one per website check), kept
    /// while the person retries their recovery code.
    recovery: tokio::sync::Mutex<Option<sigil_api::RecoveryChallenge>>,
    approval_wait: Duration,
    outside: Arc<dyn Outside>,
    dev_security_key: Option<PathBuf>,
    updater: Option<Arc<dyn Updater>>,
    /// The update last offered, which the person may agree to install.
    update: StdMutex<Option<UpdateView>>,
}

impl std::fmt::Debug for AppService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppService").field("data_dir", &self.data_dir).finish_non_exhaustive()
    }
}

/// What an action of a signed-in user needs.
struct SignedIn {
    owner: String,
    connected: Arc<Connected>,
}

impl AppService {
    /// Opens the engine on `data_dir` with secrets in `secrets`.
    pub async fn open(
        data_dir: PathBuf,
        secrets: Arc<dyn SecretStore>,
        outside: Arc<dyn Outside>,
    ) -> Result<Self> {
        let mut settings = Settings::read(&data_dir);
        let core = open_core(&data_dir, &secrets, &settings).await?;
        // Someone signed in to this company chose it before confirmations were asked for.
        if !settings.company_confirmed && core.auth().session().await?.is_some() {
            settings.company_confirmed = true;
            settings.write(&data_dir);
        }
        Ok(Self {
            data_dir,
            secrets,
            settings: StdMutex::new(settings),
            core: RwLock::new(Arc::new(core)),
            offline: AtomicBool::new(false),
            ceremonies: Ceremonies::default(),
            approvals: Approvals::default(),
            recovery: tokio::sync::Mutex::default(),
            approval_wait: APPROVAL_WAIT,
            outside,
            dev_security_key: None,
            updater: None,
            update: StdMutex::new(None),
        })
    }

    /// How long the approval window waits before a silent person counts as declining.
    pub fn with_approval_wait(mut self, wait: Duration) -> Self {
        self.approval_wait = wait;
        self
    }

    /// Wherever the person picks a security key, uses the software one kept in `file` instead
    /// (made there on first use): for development builds and tests, on machines with no USB key.
    pub fn with_dev_security_key(mut self, file: Option<PathBuf>) -> Self {
        self.dev_security_key = file;
        self
    }

    /// Lets the app update itself through `updater` (the shell's).
    pub fn with_updater(mut self, updater: Arc<dyn Updater>) -> Self {
        self.updater = Some(updater);
        self
    }

    /// Closes the engine's files (at exit): every write is on disk.
    pub async fn close(&self) {
        self.core().await.close().await;
    }

    fn settings(&self) -> Settings {
        self.settings.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn save_settings(&self, next: Settings) {
        next.write(&self.data_dir);
        if let Ok(mut settings) = self.settings.lock() {
            *settings = next;
        }
    }

    async fn core(&self) -> Arc<Core> {
        self.core.read().await.clone()
    }

    /// Notes whether a result means "no network", for the offline banner.
    fn observe<T>(&self, result: Result<T>) -> Result<T> {
        match &result {
            Err(error) if error.is_offline() => self.offline.store(true, Ordering::SeqCst),
            Ok(_) => self.offline.store(false, Ordering::SeqCst),
            Err(_) => {}
        }
        result
    }

    fn emit(&self, event: Event) {
        event.send(self.outside.as_ref());
    }

    /// The engine of the signed-in user, connected to Dfns.
    async fn signed_in(&self) -> Result<SignedIn> {
        let core = self.core().await;
        let session = core.auth().session().await?;
        let owner = session.map(|s| s.user.id).ok_or(Error::SignedOut)?;
        let connected = self.observe(core.connected().await)?;
        Ok(SignedIn { owner, connected })
    }

    /// Where the app stands: who is signed in, the company, the authenticators, the networks.
    pub async fn app_state(&self) -> Result<AppState> {
        let core = self.core().await;
        let settings = self.settings();
        let session = core.auth().session().await?;
        let (registered, networks) = match &session {
            Some(session) => {
                let me = core.auth().companion().me(&session.token).await;
                if let Ok(me) = &me {
                    core.note_me(me);
                }
                // The engine's configuration, asked once a run (and checked against the pins).
                let connected = core.connected().await;
                let online = me.is_ok() && !matches!(&connected, Err(error) if error.is_offline());
                self.offline.store(!online, Ordering::SeqCst);
                let networks = connected.map(|c| c.config.networks.clone()).unwrap_or_default();
                (me.ok().map(|me| me.registered), networks)
            }
            None => (None, Vec::new()),
        };
        let (available, tpm) = AuthenticatorChoice::available().await;
        // The UI asks for this as it mounts: `make measure-app` times the first screen by it.
        tracing::debug!(signed_in = session.is_some(), "app state served");
        Ok(AppState {
            signed_in: session.is_some(),
            user: session.map(|session| session.user),
            registered,
            company_host: company_host(&settings.companion_url),
            company_confirmed: settings.company_confirmed,
            companion_url: settings.companion_url,
            authenticator: settings
                .authenticator
                .filter(|chosen| available.contains(chosen))
                .or_else(|| available.first().copied())
                .unwrap_or(AuthenticatorChoice::Device),
            available_authenticators: available,
            tpm,
            dev_security_key: self.dev_security_key.is_some(),
            notifications: settings.notifications,
            offline: self.offline.load(Ordering::SeqCst),
            networks,
        })
    }

    /// The system browser opens the company's sign-in (or, with none, the UI shows its address).
    pub async fn start_login(&self) -> Result<BrowserPage> {
        self.company_confirmed()?;
        let url = self.observe(self.core().await.auth().start_login().await)?;
        Ok(self.open_page(url))
    }

    /// Asks the system browser to open `url`; says whether it could.
    fn open_page(&self, url: url::Url) -> BrowserPage {
        let opened = match self.outside.open_url(url.as_str()) {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(%error, "no browser opened the company's page: its address is shown");
                false
            }
        };
        BrowserPage { url: url.into(), opened }
    }

    /// Opens `target` on `network`'s block explorer (the company's, when its configuration names
    /// one, else the app's own); the value must be written as the network writes it, so no page
    /// can make the app open an address of its choosing.
    pub async fn open_explorer(
        &self,
        network: &str,
        target: ExplorerTarget,
    ) -> Result<BrowserPage> {
        let known = dfns_networks::network(network)
            .ok_or_else(|| Error::NetworkUnsupported(network.to_owned()))?;
        let company = match self.core().await.connected().await {
            Ok(connected) => connected.config.explorers.get(network).cloned(),
            Err(_) => None,
        };
        let links = company.filter(|links| links.problem().is_none()).unwrap_or_else(|| {
            sigil_api::ExplorerLinks {
                transaction: known.explorer.transaction.to_owned(),
                address: known.explorer.address.to_owned(),
            }
        });
        let page = match target {
            ExplorerTarget::Transaction { hash } => {
                let hash = hash.trim();
                if !known.is_transaction_hash(hash) {
                    return Err(Error::InvalidArgument(format!(
                        "{hash:?} is not a transaction hash of {}",
                        known.display_name
                    )));
                }
                links.transaction_url(hash)
            }
            ExplorerTarget::Address { address } => {
                let address = dfns_networks::address::validate_address(known, address.trim())
                    .map_err(|error| Error::AddressInvalid(error.0))?;
                links.address_url(&address)
            }
        };
        let url = url::Url::parse(&page).map_err(|error| {
            Error::InvalidArgument(format!("the explorer page {page:?}: {error}"))
        })?;
        Ok(self.open_page(url))
    }

    /// A deep link from the operating system; the UI hears the result as an event.
    pub async fn accept_deep_link(&self, url: &str) {
        let outcome = match self.company_confirmed() {
            Ok(()) => self.core().await.auth().accept_deep_link(url).await,
            Err(error) => Err(error),
        };
        let failed = match outcome {
            Ok(LinkOutcome::OpenBrowser(login)) => {
                let page = self.open_page(login);
                if !page.opened {
                    self.emit(Event::SignInPage(page));
                }
                None
            }
            Ok(LinkOutcome::SignInUnderWay) => None,
            Ok(LinkOutcome::SignedIn(_) | LinkOutcome::AlreadySignedIn(_)) => {
                match self.app_state().await {
                    Ok(state) => {
                        self.emit(Event::AuthChanged(state));
                        None
                    }
                    Err(error) => Some(error),
                }
            }
            Err(error) => Some(error),
        };
        if let Some(error) = failed {
            let error = ErrorView::from(error);
            tracing::warn!(code = %error.code, "{}", error.message);
            self.emit(Event::AuthError(error));
        }
    }

    /// The passkeys of `choice`, for this company's relying party.
    async fn passkeys(&self, choice: AuthenticatorChoice) -> Result<Passkeys> {
        let rp = self.relying_party().await?;
        let authenticator = match (choice, &self.dev_security_key) {
            (AuthenticatorChoice::SecurityKey, Some(file)) => software_security_key(file)?,
            _ => {
                sigil_authn::choose(choice.to_authn(), self.secrets.clone(), DEVICE_PASSKEYS)
                    .await?
            }
        };
        Ok(Passkeys::new(authenticator, rp))
    }

    /// The passkeys that answer a user-action challenge: the passkey of this computer the
    /// challenge allows, else a security key (Windows Hello where present, whose prompt offers
    /// security keys too). The preferred authenticator only says where new passkeys are made.
    async fn signing_passkeys(&self) -> Result<Passkeys> {
        let rp = self.relying_party().await?;
        let otherwise = self.security_key().await?;
        Ok(Passkeys::new(Arc::new(self.signer(rp.id(), otherwise).await?), rp))
    }

    /// What signs when no passkey of this computer may: Windows Hello where present (its prompt
    /// offers security keys too), else a security key.
    async fn security_key(&self) -> Result<Arc<dyn Authenticator>> {
        Ok(match &self.dev_security_key {
            Some(file) => software_security_key(file)?,
            None => {
                let hello = sigil_authn::Choice::WindowsHello;
                match sigil_authn::choose(hello, self.secrets.clone(), DEVICE_PASSKEYS).await {
                    Ok(hello) => hello,
                    Err(_) => Arc::new(sigil_authn::SecurityKey::new()),
                }
            }
        })
    }

    /// This computer's passkeys for `rp_id`, else `otherwise`.
    async fn signer(
        &self,
        rp_id: &str,
        otherwise: Arc<dyn Authenticator>,
    ) -> Result<sigil_authn::Signer> {
        Ok(sigil_authn::Signer::new(self.secrets.clone(), DEVICE_PASSKEYS, otherwise, rp_id)
            .await?)
    }

    /// This computer's passkeys for `rp_id`, to ask which credentials live here (a security key
    /// is never asked that: it keeps its passkeys to itself).
    async fn local_passkeys(&self, rp_id: &str) -> Result<sigil_authn::Signer> {
        self.signer(rp_id, Arc::new(sigil_authn::SecurityKey::new())).await
    }

    /// This company's relying party, from the pinned configuration.
    async fn relying_party(&self) -> Result<RelyingParty> {
        let connected = self.observe(self.core().await.connected().await)?;
        let config = &connected.config;
        let origin = config
            .origin
            .parse()
            .map_err(|_| Error::Config("the company's origin is not a URL".to_owned()))?;
        Ok(RelyingParty::with_origin(&config.rp_id, &config.app_name, origin)?)
    }

    /// Stops the running passkey ceremony.
    pub fn cancel_ceremony(&self) {
        self.ceremonies.cancel();
    }

    /// What the approval window is asked to approve, if anything.
    pub fn approval_request(&self) -> Option<ApprovalView> {
        self.approvals.current()
    }

    /// The approval window's yes, with the PIN typed there when one was asked for.
    pub fn approve(&self, pin: Option<String>) -> Result<()> {
        self.approvals.answer(Answer::Approve(pin.map(dfns_client::Secret::new)))
    }

    /// The approval window's no (also when it is closed).
    pub fn decline(&self) -> Result<()> {
        self.approvals.answer(Answer::Decline)
    }

    /// Shows `view` in the approval window and waits for the person; a decline, a closed window
    /// or silence is `AUTHN_DECLINED` and nothing runs. The prompter it returns is the only
    /// way a ceremony gets one: no passkey operation runs unapproved.
    async fn approval(&self, view: ApprovalView) -> Result<ApprovedPrompter<'_>> {
        let receiver = self.approvals.open(view.clone())?;
        Event::ApprovalChanged(Some(Box::new(view.clone()))).send(self.outside.as_ref());
        let answer = match self.outside.open_approval() {
            Ok(()) => {
                let wait_for = self.approval_wait;
                tokio::task::spawn_blocking(move || wait(&receiver, wait_for))
                    .await
                    .unwrap_or(Answer::Decline)
            }
            Err(error) => {
                tracing::warn!(%error, "the approval window could not be opened");
                Answer::Decline
            }
        };
        self.approvals.close();
        self.outside.close_approval();
        Event::ApprovalChanged(None).send(self.outside.as_ref());
        match answer {
            Answer::Approve(pin) => Ok(ApprovedPrompter {
                approvals: &self.approvals,
                outside: self.outside.as_ref(),
                timeout: self.approval_wait,
                view,
                pin: StdMutex::new(pin),
            }),
            Answer::Decline => Err(sigil_authn::AuthnError::Declined.into()),
        }
    }

    /// The request the approval window shows for `ceremony` on this company's passkey domain.
    async fn approval_view(
        &self,
        ceremony: CeremonyKind,
        intent: Option<Intent>,
        passkeys: &Passkeys,
    ) -> Result<ApprovalView> {
        let core = self.core().await;
        let connected = self.observe(core.connected().await)?;
        let user = core.auth().session().await?.map(|session| session.user.email);
        Ok(ApprovalView {
            ceremony,
            intent,
            rp_id: connected.config.rp_id.clone(),
            user,
            authenticator: AuthenticatorChoice::of(passkeys.kind()),
            pin: upfront_pin(passkeys.kind(), ceremony),
            warnings: Vec::new(),
        })
    }

    /// The intent of a prepared operation, as Rust decoded it from the body when it was
    /// journaled, and the warnings shown with it.
    async fn journaled_intent(
        &self,
        owner: &str,
        operation_id: &str,
    ) -> Result<(Intent, Vec<Warning>)> {
        let operation = self.core().await.journal().get(operation_id).await?;
        let operation = operation
            .filter(|operation| operation.owner == owner)
            .ok_or_else(|| Error::OperationUnknown(operation_id.to_owned()))?;
        let intent = serde_json::from_str(&operation.intent)
            .map_err(|e| Error::Internal(format!("a journaled intent: {e}")))?;
        let warnings = serde_json::from_str(&operation.warnings)
            .map_err(|e| Error::Internal(format!("journaled warnings: {e}")))?;
        Ok((intent, warnings))
    }

    /// Registers the passkey made with `choice`, provisions the default wallets, then syncs.
    pub async fn register(&self, choice: AuthenticatorChoice) -> Result<Vec<WalletView>> {
        let passkeys = self.passkeys(choice).await?;
        let core = self.core().await;
        let view = self.approval_view(CeremonyKind::Register, None, &passkeys).await?;
        let prompter = self.approval(view).await?;
        let cancel = self.ceremonies.start();
        let now = SystemClock.now_ms();
        let done = register(
            core.auth(),
            core.journal(),
            &passkeys,
            Some("Sigil".to_owned()),
            &prompter,
            &cancel,
            now,
        )
        .await;
        let done = self.observe(done)?;
        core.pin_company().await?;
        self.save_settings(Settings { authenticator: Some(choice), ..self.settings() });
        let dfns_user = match done {
            Onboarded::Registered(registered) => registered.me.dfns_user_id,
            Onboarded::AlreadyRegistered(me) => me.dfns_user_id,
        };
        if let Some(dfns_user) = dfns_user {
            let connected = core.connected().await?;
            self.observe(connected.reads.sync(&dfns_user).await)?;
        }
        self.wallets().await
    }

    /// The wallets from the cache, at once.
    pub async fn wallets(&self) -> Result<Vec<WalletView>> {
        let core = self.core().await;
        let mut views = Vec::new();
        for wallet in core.cache().wallets().await? {
            let assets = core.cache().assets(&wallet.id).await?;
            views.push(WalletView::new(wallet, assets));
        }
        Ok(views)
    }

    /// Brings the cache up to date and settles unfinished operations; the UI hears
    /// `wallets:changed`.
    pub async fn sync(&self) -> Result<SyncReport> {
        self.refresh(true).await
    }

    /// [`Self::sync`], settling unfinished operations only when `settle` (the timed refresh
    /// leaves them to the person's own syncs: settling takes the one-action lock, and a timer
    /// must never make the person's next action busy).
    async fn refresh(&self, settle: bool) -> Result<SyncReport> {
        let core = self.core().await;
        let owner = core.auth().session().await?.map(|s| s.user.id).ok_or(Error::SignedOut)?;
        let dfns_user = match core.dfns_user(&owner) {
            Some(known) => known,
            None => {
                let token = core.auth().token().await?;
                let me = core.auth().companion().me(&token).await.map_err(Error::from);
                let me = self.observe(me)?;
                core.note_me(&me);
                me.dfns_user_id.ok_or(Error::NotRegistered)?
            }
        };
        let connected = self.observe(core.connected().await)?;
        let before = Snapshot::of(core.cache()).await?;
        let report = self.observe(connected.reads.sync(&dfns_user).await)?;
        if settle {
            connected.actions.reconcile(&owner).await?;
        }
        self.tell(&before, core.cache()).await;
        self.emit(Event::WalletsChanged(self.wallets().await?));
        Ok(report)
    }

    /// Notifies the person of what changed in the cache since `before` (when they want to hear).
    async fn tell(&self, before: &Snapshot, cache: &sigil_store::Cache) {
        if !self.settings().notifications {
            return;
        }
        let notices = match Snapshot::of(cache).await {
            Ok(after) => activity::notices(before, &after, cache, SystemClock.now_ms()).await,
            Err(error) => Err(error),
        };
        match notices {
            Ok(notices) => {
                for notice in notices {
                    self.outside.notify(&notice.title, &notice.body);
                }
            }
            Err(error) => tracing::warn!(%error, "could not compare the wallets for notices"),
        }
    }

    /// Keeps the wallets fresh while the app runs: a sync every `every`, and while the network is
    /// out of reach, less and less often (up to every ten minutes) until it answers. Signed out,
    /// or not registered yet, it only waits.
    pub async fn keep_fresh(&self, every: Duration) {
        const SLOWEST: Duration = Duration::from_secs(600);
        let mut wait = every;
        loop {
            tokio::time::sleep(wait).await;
            // Its requests are logged inside this span, apart from the person's own.
            let timed = tracing::info_span!("timed_refresh");
            wait = match tracing::Instrument::instrument(self.refresh(false), timed).await {
                Ok(_) => every,
                Err(error) if error.is_offline() => (wait * 2).min(SLOWEST.max(every)),
                Err(error) => {
                    if !matches!(error, Error::SignedOut | Error::NotRegistered) {
                        tracing::warn!(code = %error.code(), %error, "the timed refresh failed");
                    }
                    every
                }
            };
        }
    }

    /// A wallet's history, newest first, from the cache.
    pub async fn history(&self, wallet_id: &str) -> Result<Vec<HistoryView>> {
        let items = self.core().await.cache().history(wallet_id, 200).await?;
        Ok(items.into_iter().map(HistoryView::from).collect())
    }

    /// A wallet's transfers, newest first, from the cache.
    pub async fn transfers(&self, wallet_id: &str) -> Result<Vec<TransferView>> {
        let items = self.core().await.cache().transfers(wallet_id, 100).await?;
        Ok(items.into_iter().map(TransferView::from).collect())
    }

    /// The checks of [`Self::prepare_send`]; nothing is written.
    pub async fn validate_send(&self, form: SendForm) -> Result<()> {
        let SignedIn { owner, connected, .. } = self.signed_in().await?;
        let guardrails = self.guardrails_for(&connected).await?.guardrails;
        connected.actions.validate_send(&owner, &form.into(), &guardrails).await.map(drop)
    }

    /// A transfer, journaled and decoded for confirmation.
    pub async fn prepare_send(&self, form: SendForm) -> Result<PreparedView> {
        let SignedIn { owner, connected, .. } = self.signed_in().await?;
        let guardrails = self.guardrails_for(&connected).await?.guardrails;
        Ok(connected.actions.prepare_send(&owner, &form.into(), &guardrails).await?.into())
    }

    /// The most the send form can send of an asset at a fee tier ("Max").
    pub async fn max_send(
        &self,
        wallet_id: &str,
        asset: &AssetRef,
        fee_tier: Option<FeeTier>,
    ) -> Result<String> {
        let SignedIn { connected, .. } = self.signed_in().await?;
        self.observe(connected.actions.max_send(wallet_id, asset, fee_tier).await)
    }

    /// The person's saved recipients, by name.
    pub async fn address_book(&self) -> Result<Vec<ContactView>> {
        let core = self.core().await;
        let owner = core.auth().session().await?.map(|s| s.user.id).ok_or(Error::SignedOut)?;
        let contacts = core.journal().address_book().list(&owner).await?;
        Ok(contacts.into_iter().map(ContactView::from).collect())
    }

    /// Saves `address` on `network` as `name` (a new recipient, or a new name for a saved one);
    /// the address is checked for the network and kept as the network writes it.
    pub async fn save_contact(
        &self,
        network: &str,
        address: &str,
        name: &str,
    ) -> Result<Vec<ContactView>> {
        let known = dfns_networks::network(network)
            .ok_or_else(|| Error::NetworkUnsupported(network.to_owned()))?;
        let address = dfns_networks::address::validate_address(known, address.trim())
            .map_err(|error| Error::AddressInvalid(error.0))?;
        let name = contact_name(name)?;
        {
            let core = self.core().await;
            let owner = core.auth().session().await?.map(|s| s.user.id).ok_or(Error::SignedOut)?;
            let book = core.journal().address_book();
            book.save(&owner, network, &address, &name, SystemClock.now_ms()).await?;
        }
        self.address_book().await
    }

    /// Forgets a saved recipient (nothing happens if it was not saved).
    pub async fn delete_contact(&self, network: &str, address: &str) -> Result<Vec<ContactView>> {
        {
            let core = self.core().await;
            let owner = core.auth().session().await?.map(|s| s.user.id).ok_or(Error::SignedOut)?;
            core.journal().address_book().delete(&owner, network, address.trim()).await?;
        }
        self.address_book().await
    }

    /// The guardrails in force: the person's, or the company's defaults until they set theirs.
    pub async fn guardrails(&self) -> Result<GuardrailsView> {
        let SignedIn { connected, .. } = self.signed_in().await?;
        self.guardrails_for(&connected).await
    }

    /// Sets the person's own guardrails (limits checked against their wallets' assets).
    pub async fn set_guardrails(&self, guardrails: Guardrails) -> Result<GuardrailsView> {
        let SignedIn { connected, .. } = self.signed_in().await?;
        let wallets: Vec<_> = connected
            .reads
            .cached_wallets()
            .await?
            .into_iter()
            .map(|view| (view.wallet, view.assets.map(|a| a.assets).unwrap_or_default()))
            .collect();
        let checked = guardrails.checked(&wallets)?;
        let mut next = self.settings();
        next.guardrails = Some(checked);
        self.save_settings(next);
        self.guardrails_for(&connected).await
    }

    async fn guardrails_for(&self, connected: &Connected) -> Result<GuardrailsView> {
        if let Some(own) = self.settings().guardrails {
            return Ok(GuardrailsView { guardrails: own, from_company: false });
        }
        Ok(match &connected.config.guardrails {
            Some(company) => {
                let wallets: Vec<_> = connected
                    .reads
                    .cached_wallets()
                    .await?
                    .into_iter()
                    .map(|view| view.wallet)
                    .collect();
                let guardrails = Guardrails::from_company(company, &wallets);
                GuardrailsView { guardrails, from_company: true }
            }
            None => GuardrailsView { guardrails: Guardrails::default(), from_company: false },
        })
    }

    /// A signature request, journaled and decoded for confirmation.
    pub async fn prepare_signature(
        &self,
        wallet_id: &str,
        kind: SignKind,
        payload: &str,
    ) -> Result<PreparedView> {
        let what = match kind {
            SignKind::Message => SignWhat::Message(payload.to_owned()),
            SignKind::Hash => SignWhat::Hash(payload.to_owned()),
            SignKind::TypedData => {
                SignWhat::TypedData(serde_json::from_str(payload).map_err(|e| {
                    Error::SignatureInvalid(format!("the typed data is not JSON: {e}"))
                })?)
            }
        };
        let SignedIn { owner, connected, .. } = self.signed_in().await?;
        Ok(connected.actions.prepare_signature(&owner, wallet_id, &what).await?.into())
    }

    /// A new wallet on `network`, journaled for confirmation.
    pub async fn prepare_create_wallet(
        &self,
        network: &str,
        name: Option<String>,
    ) -> Result<PreparedView> {
        let SignedIn { owner, connected, .. } = self.signed_in().await?;
        let offered = &connected.config.networks;
        Ok(connected.actions.prepare_create_wallet(&owner, network, name, offered).await?.into())
    }

    /// The account's passkeys, from Dfns.
    pub async fn passkeys_list(&self) -> Result<Vec<PasskeyView>> {
        let connected = self.observe(self.core().await.connected().await)?;
        let list = connected.dfns.call(|dfns| async move { dfns.list_credentials().await }).await;
        let list = self.observe(list)?;
        let signer = self.local_passkeys(&connected.config.rp_id).await?;
        let mut views = Vec::with_capacity(list.items.len());
        for credential in list.items {
            let here = holds(&signer, &connected.config.rp_id, &[&credential]).await?;
            views.push(PasskeyView::new(credential, here));
        }
        Ok(views)
    }

    /// What this computer can do for the signed-in person, and what is missing.
    pub async fn access(&self) -> Result<AccessView> {
        let core = self.core().await;
        let session = core.auth().session().await?.ok_or(Error::SignedOut)?;
        let recovering = session.purpose == sigil_api::SessionPurpose::Recovery;
        let kit_to_confirm = crate::recovery::kit_to_confirm(&self.secrets).await?;
        let kit_to_confirm = kit_to_confirm.map(|code| code.expose().to_owned());
        if recovering {
            // The account is out of reach until the recovery: nothing else to ask Dfns.
            return Ok(AccessView {
                passkey_here: false,
                has_recovery_kit: true,
                kit_to_confirm,
                recovering,
            });
        }
        let connected = self.observe(core.connected().await)?;
        let list = connected.dfns.call(|dfns| async move { dfns.list_credentials().await }).await;
        let active: Vec<_> =
            self.observe(list)?.items.into_iter().filter(|c| c.is_active).collect();
        let (kits, passkeys): (Vec<_>, Vec<_>) = active.iter().partition(|credential| {
            credential.kind == dfns_client::models::CredentialKind::RecoveryKey
        });
        let signer = self.local_passkeys(&connected.config.rp_id).await?;
        Ok(AccessView {
            passkey_here: holds(&signer, &connected.config.rp_id, &passkeys).await?,
            has_recovery_kit: !kits.is_empty(),
            kit_to_confirm,
            recovering,
        })
    }

    /// Opens the company's recovery page (a fresh password check and an emailed code) in the
    /// system browser; its answer comes back as a deep link like a sign-in.
    pub async fn start_recovery(&self) -> Result<BrowserPage> {
        self.company_confirmed()?;
        let url = self.observe(self.core().await.auth().start_recovery().await)?;
        Ok(self.open_page(url))
    }

    /// Recovers access with the recovery code: the kit is opened first (a wrong code sends
    /// nothing), then a new passkey is made here with `choice` (approved in the approval window),
    /// a new kit replaces the spent one, and the company completes the recovery. Every earlier
    /// passkey stops working.
    pub async fn recover(&self, code: String, choice: AuthenticatorChoice) -> Result<AccessView> {
        let core = self.core().await;
        // The guard must not live through the match: the arm below locks again.
        let opened = self.recovery.lock().await.clone();
        let challenge = match opened {
            Some(challenge) => challenge,
            None => {
                let token = core.auth().token().await?;
                let opened = core.auth().companion().recovery_init(&token).await;
                let challenge = match opened {
                    Ok(challenge) => challenge,
                    Err(error) => {
                        return Err(self.observe(Err(core.auth().check_signed_out(error).await))?);
                    }
                };
                *self.recovery.lock().await = Some(challenge.clone());
                challenge
            }
        };
        let old = crate::recovery::open_kit(&challenge, &code)?;
        let passkeys = self.passkeys(choice).await?;
        let view = self.approval_view(CeremonyKind::Recover, None, &passkeys).await?;
        let prompter = self.approval(view).await?;
        let cancel = self.ceremonies.start();
        let recovered =
            crate::recovery::recover(core.auth(), &challenge, &old, &passkeys, &prompter, &cancel)
                .await;
        let recovered = self.observe(recovered)?;
        // As at registration: this computer's first passkey pins the company it was made for.
        core.pin_company().await?;
        *self.recovery.lock().await = None;
        tracing::info!(user = %recovered.user.id, "recovered; syncing");
        let connected = core.connected().await?;
        // The old token belonged to credentials that are now retired.
        connected.dfns.forget().await;
        self.save_settings(Settings { authenticator: Some(choice), ..self.settings() });
        if let Err(error) = self.sync().await {
            tracing::warn!(code = %error.code(), "could not refresh after the recovery");
        }
        self.access().await
    }

    /// The person typed the new kit's code back: the code is forgotten here.
    pub async fn confirm_recovery_kit(&self, typed: &str) -> Result<AccessView> {
        crate::recovery::confirm_kit(&self.secrets, typed).await?;
        self.access().await
    }

    /// A recovery kit for an account without one: journaled like adding a passkey, confirmed
    /// with the person's passkey; its code is shown once it is added.
    pub async fn prepare_recovery_kit(&self) -> Result<PreparedView> {
        let SignedIn { owner, connected, .. } = self.signed_in().await?;
        let prepared = connected.actions.prepare_add_recovery_kit(&owner, &self.secrets).await;
        Ok(self.observe(prepared)?.into())
    }

    /// A one-time code for another computer of this person, approved in the approval window.
    pub async fn create_computer_code(&self) -> Result<ComputerCodeView> {
        let passkeys = self.signing_passkeys().await?;
        let SignedIn { connected, .. } = self.signed_in().await?;
        let lifetime = crate::actions::COMPUTER_CODE_LIFETIME_MS;
        let intent = Intent::AddComputer { valid_for_seconds: lifetime / 1000 };
        let view = self.approval_view(CeremonyKind::Sign, Some(intent), &passkeys).await?;
        let prompter = self.approval(view).await?;
        let cancel = self.ceremonies.start();
        let made = connected.actions.create_computer_code(&passkeys, &prompter, &cancel).await;
        let made = self.observe(made)?;
        let expires_at_ms = time::OffsetDateTime::parse(
            &made.expiration,
            &time::format_description::well_known::Iso8601::DEFAULT,
        )
        .map(|at| (at.unix_timestamp_nanos() / 1_000_000) as i64)
        .unwrap_or_else(|_| SystemClock.now_ms() + lifetime);
        Ok(ComputerCodeView { code: made.code.expose().to_owned(), expires_at_ms })
    }

    /// Adds a passkey on this computer (made with `choice`, approved in the approval window)
    /// with a code made on another computer of the person.
    pub async fn add_this_computer(
        &self,
        code: &str,
        choice: AuthenticatorChoice,
    ) -> Result<Vec<PasskeyView>> {
        let SignedIn { connected, .. } = self.signed_in().await?;
        let passkeys = self.passkeys(choice).await?;
        let view = self.approval_view(CeremonyKind::CreatePasskey, None, &passkeys).await?;
        let prompter = self.approval(view).await?;
        let cancel = self.ceremonies.start();
        let url = &connected.config.dfns_api_url;
        let added =
            crate::recovery::add_this_computer(url, code, &passkeys, &prompter, &cancel).await;
        self.observe(added)?;
        // As at registration: this computer's first passkey pins the company it was made for.
        self.core().await.pin_company().await?;
        self.save_settings(Settings { authenticator: Some(choice), ..self.settings() });
        self.passkeys_list().await
    }

    /// A new passkey, made now by the authenticator of `choice`, journaled for confirmation.
    pub async fn prepare_add_passkey(
        &self,
        name: &str,
        choice: AuthenticatorChoice,
    ) -> Result<PreparedView> {
        let new_passkeys = self.passkeys(choice).await?;
        let SignedIn { owner, connected, .. } = self.signed_in().await?;
        let view = self.approval_view(CeremonyKind::CreatePasskey, None, &new_passkeys).await?;
        let prompter = self.approval(view).await?;
        let cancel = self.ceremonies.start();
        let prepared = connected
            .actions
            .prepare_add_passkey(&owner, &new_passkeys, name, &prompter, &cancel)
            .await?;
        Ok(prepared.into())
    }

    /// Deactivating a passkey, journaled for confirmation.
    pub async fn prepare_deactivate_passkey(&self, credential_uuid: &str) -> Result<PreparedView> {
        let SignedIn { owner, connected, .. } = self.signed_in().await?;
        Ok(connected.actions.prepare_deactivate_passkey(&owner, credential_uuid).await?.into())
    }

    /// Signs a prepared action with the passkey its challenge allows and sends it.
    pub async fn confirm_action(&self, operation_id: &str) -> Result<OutcomeView> {
        let passkeys = self.signing_passkeys().await?;
        let SignedIn { owner, connected, .. } = self.signed_in().await?;
        let (intent, warnings) = self.journaled_intent(&owner, operation_id).await?;
        let mut view = self.approval_view(CeremonyKind::Sign, Some(intent), &passkeys).await?;
        view.warnings = warnings;
        let prompter = self.approval(view).await?;
        let cancel = self.ceremonies.start();
        let outcome =
            connected.actions.confirm(&owner, operation_id, &passkeys, &prompter, &cancel).await;
        let outcome = self.observe(outcome)?;
        if let crate::actions::Outcome::PasskeyAdded(credential) = &outcome
            && credential.kind == dfns_client::models::CredentialKind::RecoveryKey
        {
            self.record_recovery_kit(&credential.credential_id).await?;
        }
        // What the action changed reaches the cache and the screen at once, and only that (a
        // send changes its wallet, and the recipient's when it is one of ours; a new wallet
        // changes the list; a signature or a passkey changes no wallet). The action succeeded
        // whatever this refresh does.
        if let Err(error) = self.refresh_after(&connected, &outcome).await {
            tracing::warn!(code = %error.code(), "could not refresh after the action");
        }
        Ok(outcome.into())
    }

    /// Refreshes what `outcome` changed in the cache and tells the UI.
    async fn refresh_after(
        &self,
        connected: &Connected,
        outcome: &crate::actions::Outcome,
    ) -> Result<()> {
        use crate::actions::Outcome;
        let mut touched = match outcome {
            Outcome::Transfer(transfer) => vec![transfer.wallet_id.clone()],
            Outcome::Wallet(_) => return self.sync().await.map(drop),
            Outcome::Signature(_)
            | Outcome::PasskeyAdded(_)
            | Outcome::PasskeyDeactivated { .. } => {
                return Ok(());
            }
        };
        if let Outcome::Transfer(transfer) = outcome
            && let Some(to) = transfer.request_body.get("to").and_then(|to| to.as_str())
        {
            for wallet in connected.reads.cache().wallets().await? {
                if wallet.address.as_deref() == Some(to) && !touched.contains(&wallet.id) {
                    touched.push(wallet.id);
                }
            }
        }
        let before = Snapshot::of(connected.reads.cache()).await?;
        for wallet_id in &touched {
            self.observe(connected.reads.sync_wallet(wallet_id).await)?;
        }
        self.tell(&before, connected.reads.cache()).await;
        self.emit(Event::WalletsChanged(self.wallets().await?));
        Ok(())
    }

    /// Tells the company which kit recovers this account (it checks the kit at Dfns).
    async fn record_recovery_kit(&self, credential_id: &str) -> Result<()> {
        let auth = self.core().await.auth().clone();
        let token = auth.token().await?;
        let request =
            sigil_api::RecoveryCredentialRequest { credential_id: credential_id.to_owned() };
        match auth.companion().record_recovery_credential(&token, &request).await {
            Ok(_) => Ok(()),
            Err(error) => Err(auth.check_signed_out(error).await),
        }
    }

    /// Drops a prepared action.
    pub async fn cancel_action(&self, operation_id: &str) -> Result<()> {
        let SignedIn { owner, connected, .. } = self.signed_in().await?;
        connected.actions.cancel(&owner, operation_id).await
    }

    /// The company server this Sigil serves, confirmed by the person: `url` (shown to them as
    /// its host) becomes it. Another one than before signs out first.
    pub async fn confirm_company(&self, url: &str) -> Result<AppState> {
        let mut next = self.settings();
        self.use_company(&mut next, url).await?;
        next.company_confirmed = true;
        self.save_settings(next);
        self.app_state().await
    }

    fn company_confirmed(&self) -> Result<()> {
        if self.settings().company_confirmed { Ok(()) } else { Err(Error::CompanyUnconfirmed) }
    }

    /// Points `next` and the engine at the company server `url`; another one than before signs
    /// out, and needs confirming again.
    async fn use_company(&self, next: &mut Settings, url: &str) -> Result<()> {
        let url = url.trim().to_owned();
        crate::companion::CompanionClient::new(&url)?;
        if url != next.companion_url {
            self.core().await.sign_out().await?;
            next.companion_url = url;
            next.company_confirmed = false;
            let reopened = open_core(&self.data_dir, &self.secrets, next).await?;
            *self.core.write().await = Arc::new(reopened);
        }
        Ok(())
    }

    /// Changes the settings; another company server signs out, reopens the engine and waits
    /// for the person to confirm it.
    pub async fn set_settings(
        &self,
        companion_url: Option<String>,
        authenticator: Option<AuthenticatorChoice>,
        notifications: Option<bool>,
    ) -> Result<AppState> {
        let mut next = self.settings();
        if let Some(url) = companion_url {
            self.use_company(&mut next, &url).await?;
        }
        if let Some(authenticator) = authenticator {
            next.authenticator = Some(authenticator);
        }
        if let Some(notifications) = notifications {
            next.notifications = notifications;
        }
        self.save_settings(next);
        self.app_state().await
    }

    /// Asks the confirmed company whether it publishes a newer Sigil; the UI hears
    /// `update:available`. An offer that is not newer is refused (`UPDATE_NOT_NEWER`).
    pub async fn check_update(&self) -> Result<Option<UpdateView>> {
        let updater = self.updater.as_ref().ok_or(Error::UpdatesUnsupported)?;
        self.company_confirmed()?;
        let endpoint = updates::endpoint(&self.settings().companion_url)?;
        let offer = updater.check(endpoint).await.map_err(updates::failed);
        let judged = offer.and_then(|offer| {
            offer.map(|offer| updates::judge(&updater.current_version(), offer)).transpose()
        });
        if let Ok(mut update) = self.update.lock() {
            update.clone_from(&judged.as_ref().ok().cloned().flatten());
        }
        let view = judged?;
        if let Some(view) = &view {
            self.emit(Event::UpdateAvailable(view.clone()));
        }
        Ok(view)
    }

    /// The update last offered, if any: the UI asks as it starts, since the check at start may
    /// announce one before the UI listens.
    pub fn update_offered(&self) -> Option<UpdateView> {
        self.update.lock().ok().and_then(|update| update.clone())
    }

    /// Installs the update the person agreed to (`version`, the one they were shown), its
    /// signature checked against the key this Sigil was built with, then restarts as it.
    pub async fn install_update(&self, version: &str) -> Result<()> {
        let updater = self.updater.as_ref().ok_or(Error::UpdatesUnsupported)?;
        let offered = self.update.lock().ok().and_then(|update| update.clone());
        if offered.is_none_or(|offered| offered.version != version) {
            return Err(Error::NoUpdatePending);
        }
        updater.install(version.to_owned()).await.map_err(updates::failed)?;
        tracing::info!(version, "update installed; restarting as it");
        updater.restart();
        Ok(())
    }

    /// Asks for a newer Sigil now, then once a day, while the app runs. A failure is only
    /// logged: the person sees errors when they check themselves.
    pub async fn keep_checking_for_updates(&self) {
        loop {
            if let Err(error) = self.check_update().await {
                let error = ErrorView::from(error);
                tracing::warn!(code = %error.code, "update check: {}", error.message);
            }
            tokio::time::sleep(UPDATE_EVERY).await;
        }
    }

    /// Signs out.
    pub async fn sign_out(&self) -> Result<()> {
        self.core().await.sign_out().await
    }
}

async fn open_core(
    data_dir: &Path,
    secrets: &Arc<dyn SecretStore>,
    settings: &Settings,
) -> Result<Core> {
    let options = CoreOptions {
        companion_url: settings.companion_url.clone(),
        data_dir: data_dir.to_owned(),
        secrets: secrets.clone(),
        clock: Arc::new(SystemClock),
    };
    let (core, opened) = Core::open(options).await?;
    tracing::info!(?opened, "engine ready");
    Ok(core)
}

/// What the person reads to recognise their company: the host and any port of `url`.
fn company_host(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(url) => match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => url.to_string(),
        },
        Err(_) => url.to_owned(),
    }
}

/// The PIN a passkey of this computer will ask for, taken with the approval so the person answers
/// once; security keys say themselves when they want theirs.
fn upfront_pin(kind: AuthenticatorKind, ceremony: CeremonyKind) -> Option<PinRequest> {
    let min_length = match kind {
        AuthenticatorKind::DevicePasskey => sigil_authn::DEVICE_PIN_MIN_LENGTH,
        AuthenticatorKind::PlatformTpm => sigil_authn::TPM_PIN_MIN_LENGTH,
        _ => return None,
    };
    let reason = match ceremony {
        CeremonyKind::Register | CeremonyKind::CreatePasskey | CeremonyKind::Recover => {
            PinReason::NewPin { min_length }
        }
        CeremonyKind::Sign => PinReason::Passkey { tries_left: None },
    };
    Some(PinRequest::from(reason))
}

/// The software security key kept in `file`, made there on first use.
fn software_security_key(file: &Path) -> Result<Arc<dyn Authenticator>> {
    let token = if file.exists() { TestToken::open(file) } else { TestToken::create(file) };
    let token = token.map_err(|error| {
        sigil_authn::AuthnError::Authenticator(format!(
            "The development security key ({DEV_SECURITY_KEY}={}) cannot be used: {error}",
            file.display()
        ))
    })?;
    tracing::info!(file = %file.display(), "using the development security key");
    Ok(Arc::new(token))
}

/// Whether one of `credentials` lives on this computer.
async fn holds(
    signer: &sigil_authn::Signer,
    rp_id: &str,
    credentials: &[&dfns_client::models::Credential],
) -> Result<bool> {
    use base64::Engine as _;
    let ids: Vec<Vec<u8>> = credentials
        .iter()
        .filter_map(|c| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&c.credential_id).ok()
        })
        .collect();
    if ids.is_empty() {
        return Ok(false);
    }
    Ok(signer.holds(rp_id, Some(&ids)).await?)
}

/// A recipient's name as typed, trimmed: 1 to 64 characters, none of them control characters
/// (a name is shown on one line beside the address it stands for).
fn contact_name(name: &str) -> Result<String> {
    let name = name.trim();
    let length = name.chars().count();
    if length == 0 || length > 64 {
        return Err(Error::ContactNameInvalid(format!("this one has {length}")));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::ContactNameInvalid(
            "this one has a line break or a control character".into(),
        ));
    }
    Ok(name.to_owned())
}
