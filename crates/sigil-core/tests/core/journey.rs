//! The whole user journey through the engine, against the real companion and emulator:
//! deep-link login → registration with a software passkey → wallets → faucet → send → history
//! → sign EIP-712 → add a second passkey → restart (cache before network) → sign out → sign in.

use std::sync::Arc;

use sigil_authn::webauthn::RelyingParty;
use sigil_authn::{CancellationToken, DevicePasskey, Passkeys};
use sigil_companion::testing::{TestStack, Website};
use sigil_core::actions::{AssetRef, Guardrails, Outcome, SendRequest, SignWhat};
use sigil_core::app::{Core, CoreOptions};
use sigil_core::login::LinkOutcome;
use sigil_core::onboarding::{Onboarded, register};
use sigil_store::{CacheOpened, MemoryStore, SecretStore};

use crate::support::{AppClock, PASSWORD, Person};

const RECIPIENT: &str = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

fn options(companion_url: &str, dir: &std::path::Path, secrets: &Arc<MemoryStore>) -> CoreOptions {
    CoreOptions {
        companion_url: companion_url.to_owned(),
        data_dir: dir.to_owned(),
        secrets: secrets.clone(),
        clock: Arc::new(AppClock::default()),
    }
}

fn passkeys(stack: &TestStack, store: Arc<dyn SecretStore>, entry: &str) -> Passkeys {
    let rp = RelyingParty::new(&stack.dfns.rp_id, "Sigil tests").expect("rp");
    Passkeys::new(Arc::new(DevicePasskey::new(store, entry)), rp)
}

async fn sign_in(core: &Core, stack: &TestStack, new_account: bool) {
    let url = core.auth().start_login().await.expect("login starts");
    let website = Website::new(&stack.companion_url).expect("browser");
    let link = website
        .sign_in_at(url.as_str(), "journey@example.org", PASSWORD, new_account)
        .await
        .expect("deep link");
    let outcome = core.auth().accept_deep_link(link.as_str()).await.expect("signed in");
    assert!(matches!(outcome, LinkOutcome::SignedIn(user) if user.email == "journey@example.org"));
}

fn typed_data() -> serde_json::Value {
    serde_json::json!({
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}
            ],
            "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
            "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person"}, {"name": "contents", "type": "string"}]
        },
        "domain": {"name": "Ether Mail", "version": "1", "chainId": 11155111, "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
        "message": {
            "from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
            "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
            "contents": "Hello, Bob!"
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_user_journey_from_deep_link_to_signing_in_again() {
    let stack = TestStack::start().await.expect("emulator and companion");
    let dir = tempfile::tempdir().expect("data dir");
    let secrets = Arc::new(MemoryStore::new());
    let (core, opened) =
        Core::open(options(&stack.companion_url, dir.path(), &secrets)).await.expect("opens");
    assert!(matches!(opened, CacheOpened::Created));
    let cancel = CancellationToken::new();
    let person = Person::default();

    // Deep-link login, then registration with a software passkey.
    sign_in(&core, &stack, true).await;
    let device = passkeys(&stack, secrets.clone(), "device-passkeys");
    let registered = register(
        core.auth(),
        core.journal(),
        &device,
        Some("This computer".into()),
        &person,
        &cancel,
        0,
    )
    .await
    .expect("registered");
    let Onboarded::Registered(registered) = registered else { panic!("a new user") };
    let dfns_user = registered.me.dfns_user_id.clone().expect("Dfns user");
    let owner = registered.me.user.id.clone();

    // Wallets, funded by the emulator's faucet.
    let connected = core.connected().await.expect("connected");
    assert_eq!(connected.reads.sync(&dfns_user).await.expect("sync").wallets, 2);
    let sepolia =
        registered.wallets.iter().find(|w| w.network == "EthereumSepolia").expect("Sepolia");
    let faucet = reqwest::Client::new()
        .post(format!("{}/_emulator/faucet", stack.dfns.api_url))
        .json(&serde_json::json!({"network": "EthereumSepolia", "address": sepolia.address, "amount": "500000000000000000"}))
        .send()
        .await
        .expect("faucet");
    assert!(faucet.status().is_success());
    connected.reads.sync(&dfns_user).await.expect("sync");

    // Send, then see it in the history.
    let send = SendRequest {
        wallet_id: sepolia.id.clone(),
        asset: AssetRef::Native,
        to: RECIPIENT.into(),
        amount: "0.1".into(),
        fee_tier: None,
    };
    let prepared = connected
        .actions
        .prepare_send(&owner, &send, &Guardrails::default())
        .await
        .expect("prepared");
    assert_eq!(
        prepared.intent.summary(),
        format!("Send 0.1 ETH to {RECIPIENT} on EthereumSepolia (Standard fee)")
    );
    let sent = connected
        .actions
        .confirm(&owner, &prepared.operation_id, &device, &person, &cancel)
        .await
        .expect("sent");
    assert!(matches!(sent, Outcome::Transfer(_)));
    connected.reads.sync(&dfns_user).await.expect("sync");
    let history = connected.reads.cached_history(&sepolia.id, 10).await.expect("history");
    assert!(
        history.iter().any(|item| item.direction == "Out" && item.to.as_deref() == Some(RECIPIENT)),
        "{history:?}"
    );

    // Sign EIP-712 typed data: the confirmation shows the domain and the fields.
    let prepared = connected
        .actions
        .prepare_signature(&owner, &sepolia.id, &SignWhat::TypedData(typed_data()))
        .await
        .expect("prepared");
    let shown = serde_json::to_value(&prepared.intent).expect("intent");
    assert_eq!(shown["domain"]["name"], "Ether Mail");
    assert_eq!(shown["fields"]["contents"], "Hello, Bob!");
    assert_eq!(shown["primaryType"], "Mail");
    assert_eq!(shown["types"]["Person"][1]["type"], "address");
    let signed = connected
        .actions
        .confirm(&owner, &prepared.operation_id, &device, &person, &cancel)
        .await
        .expect("signed");
    let Outcome::Signature(signature) = signed else { panic!("{signed:?}") };
    assert!(signature.signature.is_some(), "r, s and recid");

    // A security key as a backup (here a second software passkey), then signing with it.
    let backup_store = Arc::new(MemoryStore::new());
    let backup = passkeys(&stack, backup_store, "backup-key");
    let prepared = connected
        .actions
        .prepare_add_passkey(&owner, &backup, "Backup key", &person, &cancel)
        .await
        .expect("made");
    assert_eq!(prepared.intent.summary(), "Add the passkey \u{201c}Backup key\u{201d}");
    let added = connected
        .actions
        .confirm(&owner, &prepared.operation_id, &device, &person, &cancel)
        .await
        .expect("added");
    let Outcome::PasskeyAdded(credential) = added else { panic!("{added:?}") };
    assert!(credential.is_active);
    let prepared = connected
        .actions
        .prepare_signature(&owner, &sepolia.id, &SignWhat::Message("signed with the backup".into()))
        .await
        .expect("prepared");
    connected
        .actions
        .confirm(&owner, &prepared.operation_id, &backup, &person, &cancel)
        .await
        .expect("the backup signs");
    let prepared = connected
        .actions
        .prepare_deactivate_passkey(&owner, &credential.credential_uuid)
        .await
        .expect("prepared");
    assert!(prepared.warnings.is_empty(), "another passkey stays active");
    connected.actions.cancel(&owner, &prepared.operation_id).await.expect("not now");

    // One more wallet, signed by the user.
    let offered = connected.config.networks.clone();
    let prepared = connected
        .actions
        .prepare_create_wallet(&owner, "BaseSepolia", Some("Base".into()), &offered)
        .await
        .expect("prepared");
    let created = connected
        .actions
        .confirm(&owner, &prepared.operation_id, &device, &person, &cancel)
        .await
        .expect("created");
    let Outcome::Wallet(base) = created else { panic!("{created:?}") };
    assert_eq!(base.signing_key.delegated_to.as_deref(), Some(dfns_user.as_str()));
    connected.reads.sync(&dfns_user).await.expect("sync");
    drop(connected);
    drop(core);

    // Restart with the company server and Dfns out of reach: the cache shows everything.
    let (offline, opened) =
        Core::open(options("http://127.0.0.1:9", dir.path(), &secrets)).await.expect("opens");
    assert!(matches!(opened, CacheOpened::Reused));
    let cached = offline.cache().wallets().await.expect("cached wallets");
    assert_eq!(cached.len(), 3);
    assert!(offline.auth().session().await.expect("keyring").is_some(), "still signed in");
    drop(offline);

    // Sign out: the session, the token and the cache are gone; the journal stays.
    let (core, _) =
        Core::open(options(&stack.companion_url, dir.path(), &secrets)).await.expect("opens");
    core.sign_out().await.expect("signed out");
    assert!(core.auth().session().await.expect("keyring").is_none());
    assert!(core.cache().wallets().await.expect("cache").is_empty());
    assert!(!core.journal().recent(&owner, 20).await.expect("journal").is_empty());
    assert_eq!(core.connected().await.expect_err("signed out").code(), "SIGNED_OUT");

    // Sign in again: the same account, its three wallets.
    sign_in(&core, &stack, false).await;
    let connected = core.connected().await.expect("connected");
    assert_eq!(connected.reads.sync(&dfns_user).await.expect("sync").wallets, 3);
}

#[tokio::test]
async fn a_corrupt_cache_is_rebuilt_at_start_and_the_journal_is_kept() {
    let stack = TestStack::start().await.expect("emulator and companion");
    let dir = tempfile::tempdir().expect("data dir");
    let secrets = Arc::new(MemoryStore::new());
    let (core, _) =
        Core::open(options(&stack.companion_url, dir.path(), &secrets)).await.expect("opens");
    sign_in(&core, &stack, true).await;
    let device = passkeys(&stack, secrets.clone(), "device-passkeys");
    let cancel = CancellationToken::new();
    register(core.auth(), core.journal(), &device, None, &Person::default(), &cancel, 0)
        .await
        .expect("registered");
    let owner = core.auth().session().await.expect("keyring").expect("session").user.id;
    core.close().await;
    std::fs::write(dir.path().join("cache.db"), vec![0x5a; 8192]).expect("damage the cache");

    let (core, opened) =
        Core::open(options(&stack.companion_url, dir.path(), &secrets)).await.expect("opens");
    assert!(matches!(opened, CacheOpened::Rebuilt { .. }), "{opened:?}");
    assert_eq!(
        core.journal().recent(&owner, 10).await.expect("journal").len(),
        1,
        "the journal is intact"
    );
    let me =
        core.auth().companion().me(&core.auth().token().await.expect("token")).await.expect("me");
    let connected = core.connected().await.expect("connected");
    let synced = connected
        .reads
        .sync(&me.dfns_user_id.expect("registered"))
        .await
        .expect("rebuilt from Dfns");
    assert_eq!(synced.wallets, 2);
}
