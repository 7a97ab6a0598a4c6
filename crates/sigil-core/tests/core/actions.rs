//! Signed transfers: journaled before they are signed, the exact bytes confirmed, reconciled by
//! externalId after an unknown outcome, and every refusal before anything is signed.

use std::sync::Arc;

use dfns_client::models::SignedChallenge;
use sigil_authn::{Approval, CancellationToken, PinReason, Prompt, Prompter};
use sigil_companion::testing::TestStack;
use sigil_core::actions::{
    Actions, AssetRef, FeeTier, Guardrails, Outcome, SendRequest, SignWhat, Warning,
};
use sigil_core::dfns_session::DfnsSession;
use sigil_core::reads::Reads;
use sigil_store::{Cache, OperationState};

use crate::support::{App, PIN, Person};

/// An EIP-55 address from the EIP's own examples (nobody's wallet here).
const ELSEWHERE: &str = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";

/// A registered user with one ETH on Sepolia, their reads synced.
struct Funded {
    app: App,
    owner: String,
    reads: Reads,
    dfns: Arc<DfnsSession>,
    sepolia: String,
    dfns_user: String,
}

impl Funded {
    async fn new(stack: &TestStack, email: &str) -> Self {
        let (app, registered) = crate::support::registered(stack, email).await;
        let dfns_user = registered.me.dfns_user_id.clone().expect("Dfns user");
        let owner = registered.me.user.id;
        let (cache, _) = Cache::open(&app.dir.path().join("cache.db")).await;
        let dfns = Arc::new(
            DfnsSession::new(app.auth.clone(), &stack.dfns.api_url, app.clock.clone())
                .expect("session"),
        );
        let reads = Reads::new(cache, dfns.clone());
        let sepolia =
            registered.wallets.iter().find(|w| w.network == "EthereumSepolia").expect("Sepolia");
        let address = sepolia.address.clone().expect("address");
        let faucet = reqwest::Client::new()
            .post(format!("{}/_emulator/faucet", stack.dfns.api_url))
            .json(&serde_json::json!({"network": "EthereumSepolia", "address": address, "amount": "1000000000000000000"}))
            .send()
            .await
            .expect("faucet");
        assert!(faucet.status().is_success());
        reads.sync(&dfns_user).await.expect("sync");
        Self { sepolia: sepolia.id.clone(), app, owner, reads, dfns, dfns_user }
    }

    /// Confirms an action with the user's device passkey, `person` answering its prompt.
    async fn confirm(
        &self,
        actions: &Actions,
        id: &str,
        person: &dyn Prompter,
    ) -> sigil_core::Result<Outcome> {
        actions
            .confirm(&self.owner, id, &self.app.passkeys, person, &CancellationToken::new())
            .await
    }

    /// Reads balances and history again from Dfns.
    async fn resync(&self) {
        self.reads.sync(&self.dfns_user).await.expect("sync");
    }

    fn actions(&self) -> Actions {
        Actions::new(
            self.dfns.clone(),
            self.reads.clone(),
            self.app.journal.clone(),
            self.app.clock.clone(),
        )
    }

    fn send(&self, to: &str, amount: &str) -> SendRequest {
        SendRequest {
            wallet_id: self.sepolia.clone(),
            asset: AssetRef::Native,
            to: to.to_owned(),
            amount: amount.to_owned(),
            fee_tier: None,
        }
    }
}

/// Sends a journaled operation exactly as the app does (its method, path and bytes, signed by
/// the user's passkey) and marks it `Sent`: as if the app died before hearing Dfns's answer.
async fn sent_but_unheard(funded: &Funded, operation_id: &str) {
    let op = funded.app.journal.get(operation_id).await.expect("journal").expect("op");
    let client = funded.dfns.client().await.expect("client");
    let method = dfns_client::Method::from_bytes(op.method.as_bytes()).expect("method");
    let pending = client
        .action_init_text::<serde_json::Value>(method, &op.path, op.body.clone())
        .await
        .expect("init");
    assert_eq!(pending.body(), op.body, "the journaled bytes are what is signed");
    let person = Person::default();
    let assertion = funded
        .app
        .passkeys
        .sign(pending.challenge(), &person, &CancellationToken::new())
        .await
        .expect("signed");
    let signed = SignedChallenge {
        challenge_identifier: pending.challenge().challenge_identifier.clone(),
        first_factor: assertion,
        second_factor: None,
    };
    let now = funded.app.now_ms();
    funded.app.journal.advance(&op.id, OperationState::Sent, None, now).await.expect("sent");
    client.complete(pending, &signed).await.expect("Dfns accepted it");
}

async fn transfers_at_dfns(funded: &Funded) -> Vec<dfns_client::models::Transfer> {
    let wallet = funded.sepolia.clone();
    funded
        .dfns
        .call(|dfns| {
            let wallet = wallet.clone();
            async move { dfns.list_transfers(&wallet, None).await }
        })
        .await
        .expect("transfers")
        .items
}

#[tokio::test]
async fn a_send_is_journaled_shown_from_its_exact_body_signed_and_confirmed() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "ada@example.org").await;
    let (actions, guardrails) = (funded.actions(), Guardrails::default());
    let mut request = funded.send(ELSEWHERE, "0.25");
    request.fee_tier = Some(FeeTier::Fast);
    let prepared =
        actions.prepare_send(&funded.owner, &request, &guardrails).await.expect("prepared");
    assert_eq!(
        prepared.intent.summary(),
        format!("Send 0.25 ETH to {ELSEWHERE} on EthereumSepolia (Fast fee)")
    );
    assert_eq!(prepared.warnings, [Warning::FirstSendToAddress]);
    let journaled =
        funded.app.journal.get(&prepared.operation_id).await.expect("journal").expect("op");
    assert_eq!(journaled.state, OperationState::Prepared);
    assert!(journaled.body.contains("\"amount\":\"250000000000000000\""), "{}", journaled.body);
    assert!(transfers_at_dfns(&funded).await.is_empty(), "nothing sent before the user confirms");

    let transfer =
        funded.confirm(&actions, &prepared.operation_id, &Person::default()).await.expect("sent");
    let Outcome::Transfer(transfer) = transfer else { panic!("{transfer:?}") };
    assert_eq!(
        transfer.external_id.as_deref(),
        Some(prepared.intent.external_id().expect("an externalId"))
    );
    let done = funded.app.journal.get(&prepared.operation_id).await.expect("journal").expect("op");
    assert_eq!(done.state, OperationState::Done);
    let again = funded
        .confirm(&actions, &prepared.operation_id, &Person::default())
        .await
        .expect_err("over");
    assert_eq!(again.code(), "OPERATION_FINISHED");
    assert_eq!(transfers_at_dfns(&funded).await.len(), 1);
}

#[tokio::test]
async fn a_transfer_whose_answer_was_lost_is_found_by_external_id_and_never_sent_twice() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "bob@example.org").await;
    let (actions, guardrails) = (funded.actions(), Guardrails::default());
    let prepared = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.1"), &guardrails)
        .await
        .expect("prepared");
    // The app sent exactly the journaled bytes, then died before hearing the answer.
    sent_but_unheard(&funded, &prepared.operation_id).await;
    let op = funded.app.journal.get(&prepared.operation_id).await.expect("journal").expect("op");

    // Restarted: reconciliation finds it; confirming again signs nothing.
    assert_eq!(actions.reconcile(&funded.owner).await.expect("reconciled"), 1);
    let settled = funded.app.journal.get(&op.id).await.expect("journal").expect("op");
    assert_eq!(settled.state, OperationState::Done);
    let refuses = Person { declines: true };
    let again = funded.confirm(&actions, &op.id, &refuses).await.expect_err("finished");
    assert_eq!(again.code(), "OPERATION_FINISHED");
    assert_eq!(transfers_at_dfns(&funded).await.len(), 1, "one transfer at Dfns");
}

#[tokio::test]
async fn a_transfer_that_never_reached_dfns_is_signed_again_with_the_same_external_id() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "cat@example.org").await;
    let (actions, guardrails) = (funded.actions(), Guardrails::default());
    let prepared = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.1"), &guardrails)
        .await
        .expect("prepared");
    // Marked sent, but the request died on the way: Dfns never saw it.
    funded
        .app
        .journal
        .advance(&prepared.operation_id, OperationState::Sent, None, funded.app.now_ms())
        .await
        .expect("sent");
    assert_eq!(actions.reconcile(&funded.owner).await.expect("reconcile"), 0, "nothing found");
    let transfer = funded
        .confirm(&actions, &prepared.operation_id, &Person::default())
        .await
        .expect("sent now");
    let Outcome::Transfer(transfer) = transfer else { panic!("{transfer:?}") };
    assert_eq!(
        transfer.external_id.as_deref(),
        Some(prepared.intent.external_id().expect("an externalId"))
    );
    assert_eq!(transfers_at_dfns(&funded).await.len(), 1);
}

#[tokio::test]
async fn amounts_and_addresses_that_cannot_be_sent_are_refused_before_anything_is_journaled() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "dot@example.org").await;
    let (actions, guardrails) = (funded.actions(), Guardrails::default());
    let solana_address = "FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z";
    let cases = [
        (funded.send(ELSEWHERE, "0.0000000000000000001"), "AMOUNT_TOO_PRECISE"),
        (funded.send(ELSEWHERE, "-1"), "AMOUNT_NEGATIVE"),
        (funded.send(ELSEWHERE, "0"), "AMOUNT_ZERO"),
        (funded.send(ELSEWHERE, &"9".repeat(90)), "AMOUNT_TOO_LARGE"),
        (funded.send(ELSEWHERE, "1,5"), "AMOUNT_INVALID"),
        (funded.send(ELSEWHERE, "2"), "INSUFFICIENT_FUNDS"),
        (funded.send(solana_address, "0.1"), "ADDRESS_INVALID"),
        (funded.send("0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAeD", "0.1"), "ADDRESS_INVALID"),
        (
            SendRequest { wallet_id: "wa-nope".into(), ..funded.send(ELSEWHERE, "0.1") },
            "WALLET_UNKNOWN",
        ),
        (
            SendRequest {
                asset: AssetRef::Erc20 { contract: ELSEWHERE.into() },
                ..funded.send(ELSEWHERE, "0.1")
            },
            "ASSET_UNKNOWN",
        ),
    ];
    for (request, code) in cases {
        let error =
            actions.prepare_send(&funded.owner, &request, &guardrails).await.expect_err(code);
        assert_eq!(error.code(), code, "{request:?}: {error}");
    }
    let journaled = funded.app.journal.recent(&funded.owner, 10).await.expect("journal");
    assert!(journaled.iter().all(|op| op.kind != "transfer"), "no transfer was journaled");
}

#[tokio::test]
async fn the_daily_limit_refuses_what_would_pass_it_and_a_look_alike_address_is_flagged() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "eve@example.org").await;
    let mut guardrails = Guardrails::default();
    guardrails.daily_limits.insert(
        funded.sepolia.clone(),
        [("Native".to_owned(), "0.3".to_owned())].into_iter().collect(),
    );
    let actions = funded.actions();
    let first = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.25"), &guardrails)
        .await
        .expect("within");
    funded.confirm(&actions, &first.operation_id, &Person::default()).await.expect("sent");
    let over = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.1"), &guardrails)
        .await
        .expect_err("over");
    assert_eq!(over.code(), "DAILY_LIMIT_EXCEEDED");
    let lookalike = "0x5aaeb600000000000000000000000000000beaed";
    let flagged = actions
        .prepare_send(&funded.owner, &funded.send(lookalike, "0.01"), &guardrails)
        .await
        .expect("prepared");
    assert_eq!(
        flagged.warnings,
        [
            Warning::FirstSendToAddress,
            Warning::LooksLikeKnownAddress { known: ELSEWHERE.to_owned() }
        ]
    );
    let known = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.01"), &guardrails)
        .await
        .expect("prepared");
    assert!(known.warnings.is_empty(), "a known recipient: {:?}", known.warnings);
}

/// Approves once it is told to, and says when it is asked.
struct Gate {
    asked: std::sync::Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    go: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
}

impl Prompter for Gate {
    fn show(&self, _prompt: Prompt) {}

    fn ask_pin(&self, _reason: PinReason) -> Option<dfns_client::Secret> {
        Some(dfns_client::Secret::new(PIN))
    }

    fn approve(&self, _approval: &Approval) -> bool {
        if let Some(asked) = self.asked.lock().expect("lock").take() {
            let _ = asked.send(());
        }
        self.go.lock().expect("lock").recv().is_ok()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 3)]
async fn a_second_request_while_an_action_runs_is_busy() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Arc::new(Funded::new(&stack, "fin@example.org").await);
    let (actions, guardrails) = (Arc::new(funded.actions()), Guardrails::default());
    let prepared = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.1"), &guardrails)
        .await
        .expect("prepared");
    let (asked_tx, asked) = tokio::sync::oneshot::channel();
    let (go, go_rx) = std::sync::mpsc::channel();
    let gate =
        Gate { asked: std::sync::Mutex::new(Some(asked_tx)), go: std::sync::Mutex::new(go_rx) };
    let running = {
        let (actions, funded, id) =
            (actions.clone(), funded.clone(), prepared.operation_id.clone());
        tokio::spawn(async move { funded.confirm(&actions, &id, &gate).await })
    };
    asked.await.expect("the passkey prompt is up");
    let busy = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.1"), &guardrails)
        .await
        .expect_err("busy");
    assert_eq!(busy.code(), "BUSY");
    go.send(()).expect("approve");
    running.await.expect("task").expect("the first action finishes");
}

#[tokio::test]
async fn an_action_killed_between_init_and_complete_is_replayed_from_the_journal_once() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "gil@example.org").await;
    let (actions, guardrails) = (funded.actions(), Guardrails::default());
    let prepared = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.1"), &guardrails)
        .await
        .expect("prepared");
    // The process got the challenge and died before signing: Dfns received nothing.
    let op = funded.app.journal.get(&prepared.operation_id).await.expect("journal").expect("op");
    let client = funded.dfns.client().await.expect("client");
    let request = serde_json::from_str(&op.body).expect("body");
    client
        .transfer_asset_init(&funded.sepolia, &request)
        .await
        .expect("a challenge nobody answers");
    funded
        .app
        .journal
        .advance(&op.id, OperationState::Initiated, None, funded.app.now_ms())
        .await
        .expect("initiated");

    // Restarted: a fresh engine on the same journal confirms it.
    let restarted = funded.actions();
    assert_eq!(restarted.reconcile(&funded.owner).await.expect("reconcile"), 0, "never sent");
    let outcome = funded.confirm(&restarted, &op.id, &Person::default()).await.expect("replayed");
    assert!(matches!(outcome, Outcome::Transfer(_)));
    assert_eq!(transfers_at_dfns(&funded).await.len(), 1);
}

#[tokio::test]
async fn signature_requests_sigil_cannot_build_are_refused() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "hal@example.org").await;
    let actions = funded.actions();
    let owner = &funded.owner;
    let journaled_before = funded.app.journal.recent(owner, 10).await.expect("journal").len();
    let cases = [
        (SignWhat::Message(String::new()), "SIGNATURE_REQUEST_INVALID"),
        (SignWhat::Hash("0x1234".into()), "SIGNATURE_REQUEST_INVALID"),
        (SignWhat::Hash(format!("0x{}", "zz".repeat(32))), "SIGNATURE_REQUEST_INVALID"),
        (
            SignWhat::TypedData(serde_json::json!({"domain": {}, "message": {}})),
            "SIGNATURE_REQUEST_INVALID",
        ),
    ];
    for (what, code) in cases {
        let error = actions.prepare_signature(owner, &funded.sepolia, &what).await.expect_err(code);
        assert_eq!(error.code(), code, "{what:?}");
    }
    let wallets = funded.reads.cached_wallets().await.expect("cached");
    let solana = wallets.iter().find(|w| w.wallet.network == "SolanaDevnet").expect("Solana");
    // Kinds Solana does not sign are refused before anything is journaled or initiated.
    for what in [
        SignWhat::TypedData(serde_json::json!({"types": {}, "domain": {}, "message": {}})),
        SignWhat::Hash(format!("0x{}", "ab".repeat(32))),
    ] {
        let error =
            actions.prepare_signature(owner, &solana.wallet.id, &what).await.expect_err("kind");
        assert_eq!(error.code(), "SIGNATURE_KIND_UNSUPPORTED", "{what:?}");
        assert!(error.to_string().contains("it signs Message"), "{error}");
    }
    // Typed data whose domain names another chain would be a signature valid there.
    let mut mainnet = serde_json::json!({
        "types": {"Mail": [{"name": "contents", "type": "string"}]},
        "domain": {"name": "Ether Mail", "chainId": 1},
        "message": {"contents": "Hello"}
    });
    let error = actions
        .prepare_signature(owner, &funded.sepolia, &SignWhat::TypedData(mainnet.clone()))
        .await
        .expect_err("another chain");
    assert_eq!(error.code(), "TYPED_DATA_WRONG_CHAIN");
    assert!(error.to_string().contains("chain 1"), "{error}");
    mainnet["domain"]["chainId"] = serde_json::json!(11_155_111);
    let prepared = actions
        .prepare_signature(owner, &funded.sepolia, &SignWhat::TypedData(mainnet))
        .await
        .expect("Sepolia's own chain");
    actions.cancel(owner, &prepared.operation_id).await.expect("cancelled");
    let journaled = funded.app.journal.recent(owner, 10).await.expect("journal");
    assert_eq!(
        journaled.len(),
        journaled_before + 1,
        "only the request that could be signed was journaled"
    );
    // A raw hash can be signed on Sepolia, with the warning that nobody can tell what it is.
    let hash = SignWhat::Hash(format!("0x{}", "ab".repeat(32)));
    let prepared = actions.prepare_signature(owner, &funded.sepolia, &hash).await.expect("hash");
    assert_eq!(prepared.warnings, [Warning::RawHash]);
    actions.cancel(owner, &prepared.operation_id).await.expect("cancelled");
    let message = actions
        .prepare_signature(owner, &solana.wallet.id, &SignWhat::Message("gm".into()))
        .await
        .expect("a Solana message");
    assert_eq!(message.intent.summary(), "Sign Message with your SolanaDevnet wallet: gm");
    let offered = vec!["EthereumSepolia".to_owned()];
    let error = actions
        .prepare_create_wallet(owner, "Dogecoin", None, &offered)
        .await
        .expect_err("unknown");
    assert_eq!(error.code(), "NETWORK_UNSUPPORTED");
    let error = actions
        .prepare_create_wallet(owner, "BaseSepolia", None, &offered)
        .await
        .expect_err("not offered");
    assert_eq!(error.code(), "NETWORK_UNSUPPORTED");
}

#[tokio::test]
async fn deactivating_the_last_active_passkey_is_flagged_before_signing() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "ivo@example.org").await;
    let actions = funded.actions();
    let credentials =
        funded.dfns.call(|dfns| async move { dfns.list_credentials().await }).await.expect("list");
    let only = credentials
        .items
        .iter()
        .find(|c| c.is_active && c.kind == dfns_client::models::CredentialKind::Fido2)
        .expect("the registration passkey");
    let prepared = actions
        .prepare_deactivate_passkey(&funded.owner, &only.credential_uuid)
        .await
        .expect("prepared");
    assert_eq!(prepared.warnings, [Warning::LastActivePasskey]);
    actions.cancel(&funded.owner, &prepared.operation_id).await.expect("the user thinks again");
    let unknown =
        actions.prepare_deactivate_passkey(&funded.owner, "cr-nope").await.expect_err("unknown");
    assert_eq!(unknown.code(), "PASSKEY_UNKNOWN");
}

#[tokio::test]
async fn a_wallet_creation_whose_answer_was_lost_is_found_by_external_id() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "jay@example.org").await;
    let actions = funded.actions();
    let offered = vec!["PolygonAmoy".to_owned()];
    let prepared = actions
        .prepare_create_wallet(&funded.owner, "PolygonAmoy", None, &offered)
        .await
        .expect("prepared");
    sent_but_unheard(&funded, &prepared.operation_id).await;
    let op = funded.app.journal.get(&prepared.operation_id).await.expect("journal").expect("op");
    let outcome = funded
        .confirm(&actions, &op.id, &Person { declines: true })
        .await
        .expect("found without signing");
    let Outcome::Wallet(wallet) = outcome else { panic!("{outcome:?}") };
    assert_eq!(wallet.network, "PolygonAmoy");
    let wallets = funded
        .dfns
        .call(|dfns| async move { dfns.list_wallets(&Default::default()).await })
        .await
        .expect("list");
    assert_eq!(wallets.items.iter().filter(|w| w.network == "PolygonAmoy").count(), 1);
}

#[tokio::test]
async fn with_the_company_server_down_nothing_is_initiated() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "kim@example.org").await;
    let prepared = funded
        .actions()
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.1"), &Guardrails::default())
        .await
        .expect("prepared");
    // A new session (no Dfns token yet) whose company server is unreachable.
    let down = sigil_core::companion::CompanionClient::new("http://127.0.0.1:9").expect("url");
    let auth =
        sigil_core::login::Auth::new(down, funded.app.secrets.clone(), funded.app.clock.clone());
    let dfns = Arc::new(
        DfnsSession::new(auth, &stack.dfns.api_url, funded.app.clock.clone()).expect("session"),
    );
    let actions = Actions::new(
        dfns,
        funded.reads.clone(),
        funded.app.journal.clone(),
        funded.app.clock.clone(),
    );
    let error = funded
        .confirm(&actions, &prepared.operation_id, &Person::default())
        .await
        .expect_err("no token");
    assert_eq!(error.code(), "COMPANION_UNREACHABLE");
    let op = funded.app.journal.get(&prepared.operation_id).await.expect("journal").expect("op");
    assert_eq!(op.state, OperationState::Prepared, "nothing was initiated");
}

const SEPOLIA_USDC: &str = "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238";
const DEVNET_USDC: &str = "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU";

async fn faucet_token(stack: &TestStack, network: &str, address: &str, kind: &str, token: &str) {
    let field = if kind == "Erc20" { "contract" } else { "mint" };
    let answer = reqwest::Client::new()
        .post(format!("{}/_emulator/faucet", stack.dfns.api_url))
        .json(&serde_json::json!({"network": network, "address": address, "amount": "5000000", "kind": kind, field: token}))
        .send()
        .await
        .expect("faucet");
    assert!(answer.status().is_success(), "{}", answer.text().await.unwrap_or_default());
}

#[tokio::test]
async fn tokens_are_sent_with_their_own_decimals_and_symbol() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "lou@example.org").await;
    let wallets = funded.reads.cached_wallets().await.expect("cached");
    let address = |network: &str| {
        let view = wallets.iter().find(|w| w.wallet.network == network).expect("wallet");
        (view.wallet.id.clone(), view.wallet.address.clone().expect("address"))
    };
    let (_, sepolia_address) = address("EthereumSepolia");
    let (devnet, devnet_address) = address("SolanaDevnet");
    faucet_token(&stack, "EthereumSepolia", &sepolia_address, "Erc20", SEPOLIA_USDC).await;
    faucet_token(&stack, "SolanaDevnet", &devnet_address, "Spl", DEVNET_USDC).await;
    // Solana fees are paid in SOL.
    let sol = reqwest::Client::new()
        .post(format!("{}/_emulator/faucet", stack.dfns.api_url))
        .json(&serde_json::json!({"network": "SolanaDevnet", "address": devnet_address, "amount": "1000000000"}))
        .send()
        .await
        .expect("faucet");
    assert!(sol.status().is_success());
    let me = funded
        .app
        .auth
        .companion()
        .me(&funded.app.auth.token().await.expect("token"))
        .await
        .expect("me");
    funded.reads.sync(&me.dfns_user_id.expect("registered")).await.expect("sync");
    let (actions, guardrails) = (funded.actions(), Guardrails::default());

    let usdc = SendRequest {
        asset: AssetRef::Erc20 { contract: SEPOLIA_USDC.into() },
        ..funded.send(ELSEWHERE, "1.25")
    };
    let too_precise = SendRequest { amount: "0.0000001".into(), ..usdc.clone() };
    let error = actions
        .prepare_send(&funded.owner, &too_precise, &guardrails)
        .await
        .expect_err("6 decimals");
    assert_eq!(error.code(), "AMOUNT_TOO_PRECISE");
    let prepared = actions.prepare_send(&funded.owner, &usdc, &guardrails).await.expect("prepared");
    assert_eq!(
        prepared.intent.summary(),
        format!("Send 1.25 USDC to {ELSEWHERE} on EthereumSepolia (Standard fee)")
    );
    let op = funded.app.journal.get(&prepared.operation_id).await.expect("journal").expect("op");
    assert!(op.body.contains("\"amount\":\"1250000\""), "{}", op.body);
    let sent = funded
        .confirm(&actions, &prepared.operation_id, &Person::default())
        .await
        .expect("USDC sent");
    assert!(matches!(sent, Outcome::Transfer(t) if t.request_body["kind"] == "Erc20"));

    let spl = SendRequest {
        wallet_id: devnet,
        asset: AssetRef::Spl { mint: DEVNET_USDC.into() },
        to: "FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z".into(),
        amount: "2".into(),
        fee_tier: None,
    };
    let prepared = actions.prepare_send(&funded.owner, &spl, &guardrails).await.expect("prepared");
    assert!(
        prepared.intent.summary().starts_with("Send 2 USDC to FVen3X"),
        "{}",
        prepared.intent.summary()
    );
    let sent = funded
        .confirm(&actions, &prepared.operation_id, &Person::default())
        .await
        .expect("SPL sent");
    assert!(matches!(sent, Outcome::Transfer(t) if t.request_body["kind"] == "Spl"));
}

#[tokio::test]
async fn a_declined_passkey_prompt_sends_nothing_and_the_action_can_be_confirmed_later() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "max@example.org").await;
    let (actions, guardrails) = (funded.actions(), Guardrails::default());
    let prepared = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.1"), &guardrails)
        .await
        .expect("prepared");
    let declined = funded
        .confirm(&actions, &prepared.operation_id, &Person { declines: true })
        .await
        .expect_err("declined");
    assert_eq!(declined.code(), "AUTHN_DECLINED");
    assert!(transfers_at_dfns(&funded).await.is_empty());
    let cancelled = CancellationToken::new();
    cancelled.cancel();
    let error = actions
        .confirm(
            &funded.owner,
            &prepared.operation_id,
            &funded.app.passkeys,
            &Person::default(),
            &cancelled,
        )
        .await
        .expect_err("cancelled");
    assert_eq!(error.code(), "AUTHN_CANCELLED");
    funded
        .confirm(&actions, &prepared.operation_id, &Person::default())
        .await
        .expect("confirmed later");
    assert_eq!(transfers_at_dfns(&funded).await.len(), 1);
}

/// Approves, but first ends every Dfns session of the user (the token dies mid-action).
struct EndsSessionsFirst {
    client: std::sync::Mutex<Option<dfns_client::DelegatedClient>>,
    handle: tokio::runtime::Handle,
}

impl Prompter for EndsSessionsFirst {
    fn show(&self, _prompt: Prompt) {}

    fn ask_pin(&self, _reason: PinReason) -> Option<dfns_client::Secret> {
        Some(dfns_client::Secret::new(PIN))
    }

    fn approve(&self, _approval: &Approval) -> bool {
        if let Some(client) = self.client.lock().expect("lock").take() {
            let handle = self.handle.clone();
            std::thread::spawn(move || handle.block_on(client.logout(true)))
                .join()
                .expect("thread")
                .expect("logout everywhere");
        }
        true
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_that_dies_between_init_and_complete_sends_nothing_and_a_retry_completes_once() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "ned@example.org").await;
    let (actions, guardrails) = (funded.actions(), Guardrails::default());
    let prepared = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.1"), &guardrails)
        .await
        .expect("prepared");
    let killer = EndsSessionsFirst {
        client: std::sync::Mutex::new(Some(funded.dfns.client().await.expect("client"))),
        handle: tokio::runtime::Handle::current(),
    };
    let error = funded
        .confirm(&actions, &prepared.operation_id, &killer)
        .await
        .expect_err("the token died");
    assert_eq!(error.code(), "SESSION_ENDED_RETRY");
    assert!(transfers_at_dfns(&funded).await.is_empty(), "nothing happened");
    funded
        .confirm(&actions, &prepared.operation_id, &Person::default())
        .await
        .expect("a fresh token, looked up, signed again");
    assert_eq!(transfers_at_dfns(&funded).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dfns_dropping_the_connection_after_applying_a_transfer_never_leads_to_a_second_one() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "oli@example.org").await;
    let proxy = crate::support::LossyProxy::start(&stack.dfns.api_url).await;
    let dfns = Arc::new(
        DfnsSession::new(funded.app.auth.clone(), &proxy.url, funded.app.clock.clone())
            .expect("session"),
    );
    let actions = Actions::new(
        dfns,
        funded.reads.clone(),
        funded.app.journal.clone(),
        funded.app.clock.clone(),
    );
    let prepared = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.1"), &Guardrails::default())
        .await
        .expect("prepared");
    proxy.drop_next_transfer_answer();
    let lost = funded
        .confirm(&actions, &prepared.operation_id, &Person::default())
        .await
        .expect_err("the answer was lost");
    assert_eq!(lost.code(), "OUTCOME_UNKNOWN", "{lost}");
    let op = funded.app.journal.get(&prepared.operation_id).await.expect("journal").expect("op");
    assert_eq!(op.state, OperationState::Sent, "the outcome is unknown, not failed");

    // The user presses confirm again: the transfer is found, nothing is signed.
    let outcome = funded
        .confirm(&actions, &prepared.operation_id, &Person { declines: true })
        .await
        .expect("found at Dfns");
    assert!(
        matches!(outcome, Outcome::Transfer(t) if t.external_id.as_deref() == prepared.intent.external_id())
    );
    assert_eq!(transfers_at_dfns(&funded).await.len(), 1, "exactly one transfer");
}

/// The journaled transfers of the funded user.
async fn journaled_transfers(funded: &Funded) -> usize {
    let sends = funded.app.journal.of_kind_since(&funded.owner, "transfer", 0).await;
    sends.expect("journal").len()
}

#[tokio::test]
async fn the_whole_balance_is_refused_before_init_because_the_fee_would_not_fit_and_max_leaves_it()
{
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "fee@example.org").await;
    let (actions, guardrails) = (funded.actions(), Guardrails::default());
    let everything = funded.send(ELSEWHERE, "1");
    let error = actions
        .prepare_send(&funded.owner, &everything, &guardrails)
        .await
        .expect_err("no room for the fee");
    assert_eq!(error.code(), "INSUFFICIENT_FUNDS_FOR_FEE");
    // 21 000 gas × 3 gwei, the emulator's standard price on Sepolia.
    assert!(error.to_string().contains("0.000063 ETH"), "{error}");
    let validated = actions.validate_send(&funded.owner, &everything, &guardrails).await;
    assert_eq!(validated.expect_err("the same check").code(), "INSUFFICIENT_FUNDS_FOR_FEE");
    assert_eq!(journaled_transfers(&funded).await, 0, "nothing journaled");

    let max = actions.max_send(&funded.sepolia, &AssetRef::Native, None).await.expect("max");
    assert_eq!(max, "0.999937");
    let fast = actions.max_send(&funded.sepolia, &AssetRef::Native, Some(FeeTier::Fast)).await;
    assert_eq!(fast.expect("max at Fast"), "0.999916", "a dearer tier leaves less");
    let prepared = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, &max), &guardrails)
        .await
        .expect("Max fits");
    let sigil_core::actions::Intent::Send(intent) = &prepared.intent else { panic!() };
    let fee = intent.fee.as_ref().expect("the confirmation shows the fee");
    assert_eq!((fee.amount.as_str(), fee.symbol.as_str()), ("0.000063", "ETH"));
    funded.confirm(&actions, &prepared.operation_id, &Person::default()).await.expect("sent");
    funded.resync().await;
    let wallets = funded.reads.cached_wallets().await.expect("cached");
    let sepolia = wallets.iter().find(|w| w.wallet.id == funded.sepolia).expect("wallet");
    let coin = &sepolia.assets.as_ref().expect("assets").assets[0];
    assert_eq!(coin.balance, "0", "amount and fee took everything, as Max promised");
}

#[tokio::test]
async fn a_token_with_no_coin_for_gas_is_refused_before_init_and_max_says_why() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "gas@example.org").await;
    let wallets = funded.reads.cached_wallets().await.expect("cached");
    let devnet = wallets.iter().find(|w| w.wallet.network == "SolanaDevnet").expect("devnet");
    let (devnet_id, devnet_address) =
        (devnet.wallet.id.clone(), devnet.wallet.address.clone().expect("address"));
    // USDC on Solana, and not a lamport to pay the fee with.
    faucet_token(&stack, "SolanaDevnet", &devnet_address, "Spl", DEVNET_USDC).await;
    funded.resync().await;
    let (actions, guardrails) = (funded.actions(), Guardrails::default());
    let usdc = AssetRef::Spl { mint: DEVNET_USDC.into() };
    let spl = SendRequest {
        wallet_id: devnet_id.clone(),
        asset: usdc.clone(),
        to: "FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z".into(),
        amount: "1".into(),
        fee_tier: None,
    };
    let error = actions.prepare_send(&funded.owner, &spl, &guardrails).await.expect_err("no SOL");
    assert_eq!(error.code(), "INSUFFICIENT_FUNDS_FOR_FEE");
    assert!(error.to_string().contains("SOL"), "{error}");
    let max = actions.max_send(&devnet_id, &usdc, None).await.expect_err("no SOL");
    assert_eq!(max.code(), "INSUFFICIENT_FUNDS_FOR_FEE");
    assert_eq!(journaled_transfers(&funded).await, 0, "nothing journaled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 3)]
async fn validating_a_send_writes_nothing_and_answers_while_an_action_runs() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Arc::new(Funded::new(&stack, "val@example.org").await);
    let (actions, guardrails) = (Arc::new(funded.actions()), Guardrails::default());
    for amount in ["0.1", "0.12", "0.125"] {
        let warnings = actions
            .validate_send(&funded.owner, &funded.send(ELSEWHERE, amount), &guardrails)
            .await
            .expect("valid");
        assert_eq!(warnings, [Warning::FirstSendToAddress]);
    }
    assert_eq!(journaled_transfers(&funded).await, 0, "no journal row, no externalId");
    let prepared = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.1"), &guardrails)
        .await
        .expect("prepared");
    let (asked_tx, asked) = tokio::sync::oneshot::channel();
    let (go, go_rx) = std::sync::mpsc::channel();
    let gate =
        Gate { asked: std::sync::Mutex::new(Some(asked_tx)), go: std::sync::Mutex::new(go_rx) };
    let running = {
        let (actions, funded, id) =
            (actions.clone(), funded.clone(), prepared.operation_id.clone());
        tokio::spawn(async move { funded.confirm(&actions, &id, &gate).await })
    };
    asked.await.expect("the passkey prompt is up");
    actions
        .validate_send(&funded.owner, &funded.send(ELSEWHERE, "0.2"), &guardrails)
        .await
        .expect("validation does not wait for the action, nor answer BUSY");
    go.send(()).expect("approve");
    running.await.expect("task").expect("the first action finishes");
    assert_eq!(journaled_transfers(&funded).await, 1, "only the prepared one");
}

#[tokio::test]
async fn the_daily_limit_counts_signed_sends_of_the_last_day_however_many_rows_came_after() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "day@example.org").await;
    let mut guardrails = Guardrails::default();
    guardrails.daily_limits.insert(
        funded.sepolia.clone(),
        [("Native".to_owned(), "0.3".to_owned())].into_iter().collect(),
    );
    let actions = funded.actions();
    let first = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.25"), &guardrails)
        .await
        .expect("within");
    funded.confirm(&actions, &first.operation_id, &Person::default()).await.expect("sent");
    // Many prepared-and-dropped transfers after it: none spent anything, and none may push the
    // signed one out of the count.
    for _ in 0..210 {
        let dropped = actions
            .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.01"), &guardrails)
            .await
            .expect("prepared");
        actions.cancel(&funded.owner, &dropped.operation_id).await.expect("dropped");
    }
    let over = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.1"), &guardrails)
        .await
        .expect_err("0.25 + 0.1 > 0.3");
    assert_eq!(over.code(), "DAILY_LIMIT_EXCEEDED");
    actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.05"), &guardrails)
        .await
        .expect("dropped sends count for nothing: 0.25 + 0.05 fits");
    funded.app.clock.advance_ms(24 * 3_600_000);
    actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.1"), &guardrails)
        .await
        .expect("a day later the earlier send no longer counts");
}

#[tokio::test]
async fn guardrails_turned_off_warn_of_nothing_and_a_limit_for_a_missing_asset_is_refused() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "off@example.org").await;
    let actions = funded.actions();
    let quiet =
        Guardrails { first_send_warning: false, lookalike_check: false, ..Guardrails::default() };
    let prepared = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.1"), &quiet)
        .await
        .expect("prepared");
    assert!(prepared.warnings.is_empty(), "{:?}", prepared.warnings);
    let wallets: Vec<_> = funded
        .reads
        .cached_wallets()
        .await
        .expect("cached")
        .into_iter()
        .map(|view| (view.wallet, view.assets.map(|a| a.assets).unwrap_or_default()))
        .collect();
    let limit = |wallet: &str, asset: &str, amount: &str| Guardrails {
        daily_limits: [(wallet.to_owned(), [(asset.to_owned(), amount.to_owned())].into())].into(),
        ..Guardrails::default()
    };
    let checked = limit(&funded.sepolia, "Native", " 0.50 ").checked(&wallets).expect("valid");
    assert_eq!(checked.daily_limits[&funded.sepolia]["Native"], "0.5");
    let none = limit(&funded.sepolia, "Native", "").checked(&wallets).expect("valid");
    assert!(none.daily_limits.is_empty(), "an empty limit is no limit");
    for (bad, says) in [
        (limit("wa-nope", "Native", "1"), "no wallet"),
        (limit(&funded.sepolia, SEPOLIA_USDC, "1"), "holds no asset"),
        (limit(&funded.sepolia, "Native", "-1"), "negative"),
        (limit(&funded.sepolia, "Native", "lots"), "not an amount"),
    ] {
        let error = bad.checked(&wallets).expect_err(says);
        assert_eq!(error.code(), "GUARDRAIL_INVALID");
        assert!(error.to_string().contains(says), "{error}");
    }
}

#[tokio::test]
async fn dust_from_a_look_alike_does_not_make_it_known_and_sending_to_it_is_flagged() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "dust@example.org").await;
    let (actions, guardrails) = (funded.actions(), Guardrails::default());
    let first = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.1"), &guardrails)
        .await
        .expect("prepared");
    funded.confirm(&actions, &first.operation_id, &Person::default()).await.expect("sent");
    // The poisoner sends dust from an address that starts and ends like the real recipient.
    let poisoner = "0x5aAeB600000000000000000000000000000bEAeD";
    let lookalike = dfns_networks::address::validate_address(
        dfns_networks::network("EthereumSepolia").expect("network"),
        &poisoner.to_lowercase(),
    )
    .expect("an address");
    let wallets = funded.reads.cached_wallets().await.expect("cached");
    let sepolia = wallets.iter().find(|w| w.wallet.id == funded.sepolia).expect("wallet");
    let dust = reqwest::Client::new()
        .post(format!("{}/_emulator/faucet", stack.dfns.api_url))
        .json(&serde_json::json!({
            "network": "EthereumSepolia",
            "from": lookalike,
            "address": sepolia.wallet.address,
            "amount": "1",
        }))
        .send()
        .await
        .expect("incoming");
    assert!(dust.status().is_success(), "{}", dust.text().await.unwrap_or_default());
    funded.resync().await;
    let history = funded.reads.cached_history(&funded.sepolia, 50).await.expect("history");
    assert!(
        history.iter().any(|item| item.from.as_deref() == Some(lookalike.as_str())),
        "the dust is in the history"
    );
    let to_poisoner = actions
        .prepare_send(&funded.owner, &funded.send(&lookalike, "0.1"), &guardrails)
        .await
        .expect("prepared");
    assert_eq!(
        to_poisoner.warnings,
        [
            Warning::FirstSendToAddress,
            Warning::LooksLikeKnownAddress { known: ELSEWHERE.to_owned() }
        ],
        "received from is not sent to"
    );
    let journaled =
        funded.app.journal.get(&to_poisoner.operation_id).await.expect("j").expect("op");
    let kept: Vec<Warning> = serde_json::from_str(&journaled.warnings).expect("JSON");
    assert_eq!(kept, to_poisoner.warnings, "journaled for the approval window");
}

#[tokio::test]
async fn an_action_prepared_ten_minutes_ago_is_not_signed() {
    let stack = TestStack::start().await.expect("stack");
    let funded = Funded::new(&stack, "old@example.org").await;
    let (actions, guardrails) = (funded.actions(), Guardrails::default());
    let prepared = actions
        .prepare_send(&funded.owner, &funded.send(ELSEWHERE, "0.1"), &guardrails)
        .await
        .expect("prepared");
    funded.app.clock.advance_ms(10 * 60_000);
    let refuses = Person { declines: true };
    let error = funded.confirm(&actions, &prepared.operation_id, &refuses).await.expect_err("old");
    assert_eq!(error.code(), "OPERATION_EXPIRED");
    let op = funded.app.journal.get(&prepared.operation_id).await.expect("journal").expect("op");
    assert_eq!(op.state, OperationState::Abandoned);
    assert!(transfers_at_dfns(&funded).await.is_empty(), "nothing initiated or sent");
    let again = funded.confirm(&actions, &prepared.operation_id, &refuses).await.expect_err("over");
    assert_eq!(again.code(), "OPERATION_FINISHED");
}
