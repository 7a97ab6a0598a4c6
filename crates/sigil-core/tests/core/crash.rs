//! Killed at random points: the real engine, in a child process over a data folder, sends
//! transfers one after another through the companion to an emulator that is a child process
//! too. The test kills the engine (and, one round in four, the emulator first) with SIGKILL at
//! seeded random moments, starts them again on the same folders, lets the engine settle what it
//! left unfinished, and after every round checks that no money was lost or moved twice:
//!
//! * every transfer Dfns holds has exactly one journal entry, and no `externalId` appears twice;
//! * every journal entry that reached `Sent` is at Dfns, and every transfer the engine reported
//!   sent is among them;
//! * an entry that never reached `Sent` is not at Dfns (nothing went out unrecorded);
//! * the balance is the faucet's funds minus what Dfns shows sent, plus fees.
//!
//! `SIGIL_CRASH_KILLS` (default 8) and `SIGIL_CRASH_SEED` (default: from the clock) choose the
//! run; both are printed, so a failing run is repeated exactly. `make test-crash` kills 60 times.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dfns_client::keys::PrivateKey;
use dfns_client::models::{DelegatedLoginRequest, RequestStatus, Transfer};
use dfns_client::{ClientConfig, DelegatedClient, KeySigner, ServiceAccountClient};
use dfns_emulator::Bootstrap;
use futures::TryStreamExt as _;
use sigil_authn::webauthn::RelyingParty;
use sigil_authn::{CancellationToken, DevicePasskey, Passkeys};
use sigil_companion::limits::Limits;
use sigil_companion::testing::{TestStack, Website};
use sigil_core::actions::{AssetRef, Guardrails, SendRequest};
use sigil_core::app::{Connected, Core, CoreOptions};
use sigil_core::clock::SystemClock;
use sigil_core::onboarding::{Onboarded, register};
use sigil_store::{Journal, NewOperation, Operation, OperationState, SecretStore};
use tokio::io::{AsyncBufReadExt as _, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::mpsc;

use crate::support::{FileStore, PASSWORD, Person};

const THIS_TEST: &str = "crash::no_kill_of_the_engine_or_of_dfns_loses_or_doubles_money";
/// Which part a child process plays: `emulator`, `engine` (sends until killed) or `settle`.
const ROLE: &str = "SIGIL_CRASH_ROLE";
const DIR: &str = "SIGIL_CRASH_DIR";
const LISTEN: &str = "SIGIL_CRASH_LISTEN";
const COMPANION: &str = "SIGIL_CRASH_COMPANION";
const OWNER: &str = "SIGIL_CRASH_OWNER";
const DFNS_USER: &str = "SIGIL_CRASH_DFNS_USER";
const WALLET: &str = "SIGIL_CRASH_WALLET";
const RP_ID: &str = "SIGIL_CRASH_RP_ID";
/// What children print for the test; everything else on their output is the harness's.
const SAYS: &str = "crash: ";

const EMAIL: &str = "crash@example.org";
const RECIPIENT: &str = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
/// 100 ETH from the faucet; each transfer sends 0.001 ETH.
const FUNDS: u128 = 100_000_000_000_000_000_000;
const AMOUNT: &str = "0.001";
/// How long any child may take to be ready or to finish: generous, for a busy machine.
const PATIENCE: Duration = Duration::from_secs(180);

/// Prints a line for the test (from a child) or for the person reading the run (from the test).
macro_rules! say {
    ($($line:tt)*) => {{
        #[allow(clippy::print_stdout)] // the children's channel to the test, and the run's report
        {
            println!("{SAYS}{}", format_args!($($line)*));
        }
    }};
}

#[test]
fn no_kill_of_the_engine_or_of_dfns_loses_or_doubles_money() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    match std::env::var(ROLE).ok().as_deref() {
        Some("emulator") => runtime.block_on(serve_emulator()),
        Some(mode) => runtime.block_on(run_engine(mode == "settle")),
        None => runtime.block_on(kill_at_random_points()),
    }
}

async fn kill_at_random_points() {
    let kills: u32 = number_from_env("SIGIL_CRASH_KILLS").unwrap_or(8);
    let seed = number_from_env("SIGIL_CRASH_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |elapsed| elapsed.as_nanos() as u64)
    });
    say!("seed {seed}, {kills} kills: SIGIL_CRASH_SEED={seed} SIGIL_CRASH_KILLS={kills}");
    let mut rng = fastrand::Rng::with_seed(seed);
    let scratch = tempfile::tempdir().expect("scratch");
    let app_dir = scratch.path().join("app");
    std::fs::create_dir_all(&app_dir).expect("app folder");

    let mut emulator = EmulatorProcess::start(scratch.path().join("dfns"), "127.0.0.1:0").await;
    // The app is started again many times from one address: its limits must not be what stops it.
    let stack = TestStack::start_for(emulator.dfns.clone(), |config| {
        config.limits = Limits::default().scaled(1000);
    })
    .await
    .expect("companion");
    let user = set_up(&stack, &app_dir).await;
    let dfns = Reader::new(&emulator.dfns);

    let (mut engine_kills, mut emulator_kills, mut round) = (0u32, 0u32, 0u32);
    let mut reported_sent = BTreeSet::new();
    // What the kills left unfinished, by journal state: the points they hit.
    let mut left = BTreeMap::new();
    // Of those left `Sent`, how many Dfns had (their answer was lost).
    let mut found_at_dfns = 0;
    while engine_kills + emulator_kills < kills {
        round += 1;
        let mut engine = EngineProcess::start(&stack, &app_dir, &user, "engine");
        engine.wait_for("ready").await;
        if rng.bool() {
            tokio::time::sleep(Duration::from_millis(rng.u64(0..1500))).await;
        } else {
            // Aimed at the moment the journal shows a transfer Sent: the signed request is on
            // its way and its answer not yet recorded, a short part of each transfer.
            sent_in_journal(&app_dir, &user.owner).await;
        }
        if rng.u8(0..4) == 0 {
            emulator.kill().await;
            emulator_kills += 1;
            emulator = EmulatorProcess::start(emulator.dir.clone(), &emulator.address()).await;
            tokio::time::sleep(Duration::from_millis(rng.u64(100..800))).await;
        }
        reported_sent.extend(engine.kill().await);
        engine_kills += 1;

        let mut settle = EngineProcess::start(&stack, &app_dir, &user, "settle");
        let status = tokio::time::timeout(PATIENCE, settle.child.wait())
            .await
            .expect("the engine settles in time")
            .expect("settle");
        assert!(status.success(), "seed {seed}, round {round}: settling failed ({status})");
        reported_sent.extend(settle.sent().await);
        for state in settle.seen.iter().filter_map(|line| line.strip_prefix("left ")) {
            *left.entry(state.to_owned()).or_insert(0u32) += 1;
        }
        let found = settle.seen.iter().filter_map(|line| line.strip_prefix("found "));
        found_at_dfns += found.map(|n| n.parse::<u32>().expect("a count")).sum::<u32>();
        let held = check(&dfns, &app_dir, &user, &reported_sent)
            .await
            .unwrap_or_else(|broken| panic!("seed {seed}, round {round}: {broken}"));
        say!(
            "round {round}: {engine_kills} engine and {emulator_kills} emulator kills, {held} transfers at Dfns, {} reported sent",
            reported_sent.len()
        );
    }
    assert!(!reported_sent.is_empty(), "seed {seed}: no transfer was ever sent");
    say!(
        "{engine_kills} engine and {emulator_kills} emulator kills; unfinished at a kill, by \
         state: {left:?}; {found_at_dfns} of those Sent were at Dfns, the others signed again"
    );

    // The checks bite: money that arrives unannounced, and an entry left Sent, are both caught.
    let faucet =
        serde_json::json!({"network": "EthereumSepolia", "address": user.address, "amount": "1"});
    let topped = reqwest::Client::new().post(format!("{}/_emulator/faucet", stack.dfns.api_url));
    assert!(topped.json(&faucet).send().await.expect("faucet").status().is_success());
    let broken = check(&dfns, &app_dir, &user, &reported_sent).await.expect_err("a wei too many");
    assert!(broken.starts_with("the balance is"), "{broken}");
    let journal = Journal::open(&app_dir.join("journal.db")).await.expect("journal");
    let body =
        r#"{"kind":"Native","to":"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed","amount":"1"}"#;
    let stray = NewOperation {
        kind: "transfer",
        owner: &user.owner,
        external_id: Some("stray-transfer"),
        method: "POST",
        path: &format!("/wallets/{}/transfers", user.wallet),
        body,
        intent: "{}",
        warnings: "[]",
    };
    let stray = journal.record(&stray, 0).await.expect("recorded");
    journal.advance(&stray.id, OperationState::Sent, None, 0).await.expect("sent");
    journal.close().await;
    let broken = check(&dfns, &app_dir, &user, &reported_sent).await.expect_err("left Sent");
    assert!(broken.ends_with("is still Sent after settling"), "{broken}");
    emulator.kill().await;
}

/// Returns once the journal, read beside the running engine, holds a transfer in `Sent`.
async fn sent_in_journal(app_dir: &Path, owner: &str) {
    let journal = Journal::open(&app_dir.join("journal.db")).await.expect("journal");
    let deadline = Instant::now() + PATIENCE;
    loop {
        let unfinished = journal.unfinished(owner).await.expect("journal");
        if unfinished.iter().any(|operation| operation.state == OperationState::Sent) {
            return;
        }
        assert!(Instant::now() < deadline, "no transfer was seen Sent in {PATIENCE:?}");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// What the children need to know of the person.
struct User {
    owner: String,
    dfns_user: String,
    wallet: String,
    address: String,
    rp_id: String,
}

/// Signs in and registers with a device passkey whose key lives in the folder's secrets file,
/// pins the company and funds the Sepolia wallet; closes the engine again.
async fn set_up(stack: &TestStack, app_dir: &Path) -> User {
    let secrets = Arc::new(FileStore::new(app_dir.join("secrets.json")));
    let (core, _) =
        Core::open(options(&stack.companion_url, app_dir, secrets.clone())).await.expect("opens");
    let url = core.auth().start_login().await.expect("login starts");
    let website = Website::new(&stack.companion_url).expect("browser");
    let link = website.sign_in_at(url.as_str(), EMAIL, PASSWORD, true).await.expect("deep link");
    core.auth().accept_deep_link(link.as_str()).await.expect("signed in");
    let device = passkeys(&stack.dfns.rp_id, secrets);
    let cancel = CancellationToken::new();
    let onboarded =
        register(core.auth(), core.journal(), &device, None, &Person::default(), &cancel, 0)
            .await
            .expect("registered");
    let Onboarded::Registered(registered) = onboarded else { panic!("a new user") };
    core.pin_company().await.expect("pinned");
    let wallet =
        registered.wallets.iter().find(|w| w.network == "EthereumSepolia").expect("Sepolia");
    let faucet = reqwest::Client::new()
        .post(format!("{}/_emulator/faucet", stack.dfns.api_url))
        .json(&serde_json::json!({"network": "EthereumSepolia", "address": wallet.address, "amount": FUNDS.to_string()}))
        .send()
        .await
        .expect("faucet");
    assert!(faucet.status().is_success(), "faucet: {}", faucet.status());
    core.close().await;
    User {
        owner: registered.me.user.id.clone(),
        dfns_user: registered.me.dfns_user_id.clone().expect("Dfns user"),
        wallet: wallet.id.clone(),
        address: wallet.address.clone().expect("an address"),
        rp_id: stack.dfns.rp_id.clone(),
    }
}

fn options(companion_url: &str, dir: &Path, secrets: Arc<dyn SecretStore>) -> CoreOptions {
    CoreOptions {
        companion_url: companion_url.to_owned(),
        data_dir: dir.to_owned(),
        secrets,
        clock: Arc::new(SystemClock),
    }
}

fn passkeys(rp_id: &str, secrets: Arc<dyn SecretStore>) -> Passkeys {
    let rp = RelyingParty::new(rp_id, "Sigil tests").expect("rp");
    Passkeys::new(Arc::new(DevicePasskey::new(secrets, "device-passkeys")), rp)
}

/// The invariants, read from the journal and from Dfns; how many transfers Dfns holds.
async fn check(
    dfns: &Reader,
    app_dir: &Path,
    user: &User,
    reported_sent: &BTreeSet<String>,
) -> Result<usize, String> {
    let journal = Journal::open(&app_dir.join("journal.db")).await.map_err(|e| e.to_string())?;
    let operations: Vec<Operation> = journal
        .recent(&user.owner, u32::MAX)
        .await
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|operation| operation.kind == "transfer")
        .collect();
    journal.close().await;
    let held = dfns.settled_transfers(&user.wallet).await?;

    let mut by_external_id = BTreeMap::new();
    for transfer in &held {
        let external_id =
            transfer.external_id.clone().ok_or(format!("{} has no externalId", transfer.id))?;
        if by_external_id.insert(external_id.clone(), transfer).is_some() {
            return Err(format!("externalId {external_id} is at Dfns twice: signed twice"));
        }
    }
    let mut journaled = BTreeMap::new();
    for operation in &operations {
        let external_id =
            operation.external_id.clone().ok_or(format!("{} has no externalId", operation.id))?;
        if journaled.insert(external_id.clone(), operation).is_some() {
            return Err(format!("externalId {external_id} is in the journal twice"));
        }
    }
    for (external_id, transfer) in &by_external_id {
        let Some(operation) = journaled.get(external_id) else {
            return Err(format!(
                "transfer {} ({external_id}) is at Dfns with no journal entry",
                transfer.id
            ));
        };
        let recorded = operation.result.as_deref().and_then(|result| {
            serde_json::from_str::<serde_json::Value>(result).ok()?["id"]
                .as_str()
                .map(str::to_owned)
        });
        if operation.state != OperationState::Done || recorded.as_deref() != Some(&transfer.id) {
            return Err(format!(
                "{} is at Dfns as {} but journaled {} with {recorded:?}",
                operation.id, transfer.id, operation.state
            ));
        }
    }
    for operation in &operations {
        let external_id = operation.external_id.as_deref().unwrap_or_default();
        let at_dfns = by_external_id.contains_key(external_id);
        match operation.state {
            OperationState::Sent => {
                return Err(format!("{} is still Sent after settling", operation.id));
            }
            OperationState::Done if !at_dfns => {
                return Err(format!("{} is Done but Dfns does not have it", operation.id));
            }
            OperationState::Done => {}
            state if at_dfns => {
                return Err(format!("{} is {state} in the journal but Dfns has it", operation.id));
            }
            _ => {}
        }
    }
    for sent in reported_sent {
        if !operations
            .iter()
            .any(|operation| &operation.id == sent && operation.state == OperationState::Done)
        {
            return Err(format!("{sent} was reported sent but is not Done in the journal"));
        }
    }

    let mut expected = FUNDS;
    for transfer in &held {
        if transfer.status == RequestStatus::Confirmed {
            expected -= whole(&transfer.request_body["amount"])?;
            expected -= whole(&serde_json::json!(transfer.fee))?;
        }
    }
    let balance = dfns.native_balance(&user.wallet).await?;
    if balance != expected {
        return Err(format!(
            "the balance is {balance}, not the funds minus what was sent and fees ({expected})"
        ));
    }
    Ok(held.len())
}

fn whole(value: &serde_json::Value) -> Result<u128, String> {
    value.as_str().and_then(|text| text.parse().ok()).ok_or(format!("not an amount: {value}"))
}

/// Dfns as the company sees it: the service account's read token for the person.
struct Reader {
    client: ServiceAccountClient,
    config: ClientConfig,
}

impl Reader {
    fn new(dfns: &Bootstrap) -> Self {
        let config = ClientConfig::new(&dfns.api_url).expect("Dfns URL");
        let key = PrivateKey::from_pem(&dfns.service_account.private_key_pem).expect("key");
        let signer = Arc::new(KeySigner::new(dfns.service_account.cred_id.clone(), key));
        let token = dfns_client::Secret::new(dfns.service_account.token.clone());
        let client = ServiceAccountClient::new(config.clone(), token, signer).expect("client");
        Self { client, config }
    }

    async fn as_user(&self) -> Result<DelegatedClient, String> {
        let request = DelegatedLoginRequest { username: EMAIL.to_owned() };
        let login = self.client.delegated_login(&request).await.map_err(|e| e.to_string())?;
        DelegatedClient::new(self.config.clone(), login.token).map_err(|e| e.to_string())
    }

    /// Every transfer of the wallet, once none is still on its way (bounded wait).
    async fn settled_transfers(&self, wallet: &str) -> Result<Vec<Transfer>, String> {
        let dfns = self.as_user().await?;
        for _ in 0..200 {
            let transfers: Vec<Transfer> =
                dfns.transfers(wallet).try_collect().await.map_err(|e| e.to_string())?;
            let moving = |t: &Transfer| {
                ![RequestStatus::Confirmed, RequestStatus::Failed, RequestStatus::Rejected]
                    .contains(&t.status)
            };
            if !transfers.iter().any(moving) {
                return Ok(transfers);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err("transfers were still on their way after 20 s".into())
    }

    async fn native_balance(&self, wallet: &str) -> Result<u128, String> {
        let dfns = self.as_user().await?;
        let assets = dfns.get_wallet_assets(wallet).await.map_err(|e| e.to_string())?;
        let native = assets
            .assets
            .iter()
            .find(|asset| asset.contract.is_none() && asset.mint.is_none())
            .ok_or("no native balance")?;
        whole(&serde_json::json!(native.balance))
    }
}

/// The emulator, served by a child process from `dir` until killed.
struct EmulatorProcess {
    child: Child,
    dir: PathBuf,
    dfns: Bootstrap,
}

impl EmulatorProcess {
    async fn start(dir: PathBuf, listen: &str) -> Self {
        let bootstrap = dir.join("bootstrap.json");
        let _ = std::fs::remove_file(&bootstrap);
        let child = child_process("emulator")
            .env(DIR, &dir)
            .env(LISTEN, listen)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start the emulator");
        // Written once the port listens.
        for _ in 0..(PATIENCE.as_millis() / 50) {
            if let Ok(dfns) = dfns_emulator::read_bootstrap(&dir) {
                return Self { child, dir, dfns };
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the emulator did not start in {PATIENCE:?}");
    }

    fn address(&self) -> String {
        self.dfns.api_url.trim_start_matches("http://").to_owned()
    }

    async fn kill(&mut self) {
        self.child.kill().await.expect("SIGKILL the emulator");
    }
}

async fn serve_emulator() {
    let dir = PathBuf::from(std::env::var_os(DIR).expect("emulator folder"));
    let listen = std::env::var(LISTEN).expect("address");
    let mut config = dfns_emulator::Config::new(dir);
    config.confirm_after_ms = 0;
    config.emulator_api = true;
    let emulator = dfns_emulator::Emulator::open(config).await.expect("emulator opens");
    let listener = tokio::net::TcpListener::bind(&listen).await.expect("listen");
    emulator.serve(listener, std::future::pending()).await.expect("serves");
}

/// The engine in a child process, its `crash: ` lines gathered as they come.
struct EngineProcess {
    child: Child,
    lines: mpsc::UnboundedReceiver<String>,
    reader: Option<tokio::task::JoinHandle<()>>,
    seen: Vec<String>,
}

impl EngineProcess {
    fn start(stack: &TestStack, app_dir: &Path, user: &User, role: &str) -> Self {
        let mut child = child_process(role)
            .env(DIR, app_dir)
            .env(COMPANION, &stack.companion_url)
            .env(OWNER, &user.owner)
            .env(DFNS_USER, &user.dfns_user)
            .env(WALLET, &user.wallet)
            .env(RP_ID, &user.rp_id)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start the engine");
        let stdout = child.stdout.take().expect("piped");
        let (sender, lines) = mpsc::unbounded_channel();
        let reader = tokio::spawn(async move {
            let mut reader = BufReader::new(stdout).lines();
            while let Ok(Some(line)) = reader.next_line().await {
                // The harness may have begun the line ("test crash::… … ").
                if let Some((_, said)) = line.split_once(SAYS) {
                    let _ = sender.send(said.to_owned());
                }
            }
        });
        Self { child, lines, reader: Some(reader), seen: Vec::new() }
    }

    /// Waits for a line that starts with `word`.
    async fn wait_for(&mut self, word: &str) {
        let waited = tokio::time::timeout(PATIENCE, async {
            while let Some(line) = self.lines.recv().await {
                let found = line.starts_with(word);
                self.seen.push(line);
                if found {
                    return true;
                }
            }
            false
        });
        assert!(waited.await.unwrap_or(false), "the engine never said {word:?}: {:?}", self.seen);
    }

    /// SIGKILL; the operations it reported sent before it died.
    async fn kill(&mut self) -> Vec<String> {
        self.child.kill().await.expect("SIGKILL the engine");
        self.sent().await
    }

    /// Every operation the engine reported sent, once its output has ended.
    async fn sent(&mut self) -> Vec<String> {
        if let Some(reader) = self.reader.take() {
            tokio::time::timeout(PATIENCE, reader).await.expect("the output ends").expect("read");
        }
        while let Ok(line) = self.lines.try_recv() {
            self.seen.push(line);
        }
        self.seen.iter().filter_map(|line| line.strip_prefix("sent ")).map(str::to_owned).collect()
    }
}

fn child_process(role: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("this test binary"));
    command
        .args(["--exact", THIS_TEST, "--nocapture", "--test-threads=1"])
        .env(ROLE, role)
        .kill_on_drop(true);
    command
}

/// The engine as the app runs it: opens the folder, settles what a previous run left (looks up
/// what was sent, confirms again what was not), then, unless only settling, sends transfers one
/// after another until it is killed, printing each step.
async fn run_engine(only_settle: bool) {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} is set"));
    let dir = PathBuf::from(var(DIR));
    let (owner, wallet) = (var(OWNER), var(WALLET));
    let secrets = Arc::new(FileStore::new(dir.join("secrets.json")));
    let (core, _) =
        Core::open(options(&var(COMPANION), &dir, secrets.clone())).await.expect("opens");
    let device = passkeys(&var(RP_ID), secrets);
    let person = Person::default();
    let cancel = CancellationToken::new();
    let connected = core.connected().await.expect("connected");
    // As the app at start: the wallets from Dfns (the cache may be empty or behind).
    for attempt in 1.. {
        match connected.reads.sync(&var(DFNS_USER)).await {
            Ok(_) => break,
            Err(error) if attempt < 100 => say!("error {} syncing", error.code()),
            Err(error) => panic!("no sync in 100 attempts: {error}"),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    settle(&core, &connected, &owner, &device, &person, &cancel).await;
    say!("ready");
    if only_settle {
        core.close().await;
        return;
    }
    let send = SendRequest {
        wallet_id: wallet,
        asset: AssetRef::Native,
        to: RECIPIENT.into(),
        amount: AMOUNT.into(),
        fee_tier: None,
    };
    loop {
        let prepared =
            match connected.actions.prepare_send(&owner, &send, &Guardrails::default()).await {
                Ok(prepared) => prepared,
                Err(error) => {
                    say!("error {}", error.code());
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
        say!("prepared {}", prepared.operation_id);
        match connected
            .actions
            .confirm(&owner, &prepared.operation_id, &device, &person, &cancel)
            .await
        {
            Ok(_) => say!("sent {}", prepared.operation_id),
            Err(error) => say!("error {}", error.code()),
        }
    }
}

/// Reconciles, then confirms again every transfer left unfinished, until none is: a person
/// pressing "Try again" on each. Bounded: the emulator may still be coming back.
async fn settle(
    core: &Core,
    connected: &Connected,
    owner: &str,
    device: &Passkeys,
    person: &Person,
    cancel: &CancellationToken,
) {
    let unfinished = || async {
        let all = core.journal().unfinished(owner).await.expect("journal");
        all.into_iter().filter(|operation| operation.kind == "transfer").collect::<Vec<_>>()
    };
    for operation in unfinished().await {
        say!("left {}", operation.state);
    }
    for _ in 0..100 {
        let reconciled = connected.actions.reconcile(owner).await;
        if let Ok(found) = reconciled
            && found > 0
        {
            say!("found {found}");
        }
        let unfinished = unfinished().await;
        if reconciled.is_ok() && unfinished.is_empty() {
            return;
        }
        for operation in &unfinished {
            match connected.actions.confirm(owner, &operation.id, device, person, cancel).await {
                Ok(_) => say!("sent {}", operation.id),
                Err(error) => say!("error {} settling {}", error.code(), operation.id),
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("operations were still unfinished after 100 attempts to settle them");
}

fn number_from_env<T: std::str::FromStr>(name: &str) -> Option<T> {
    let value = std::env::var(name).ok()?;
    Some(value.parse().unwrap_or_else(|_| panic!("{name}={value:?} is not a number")))
}
