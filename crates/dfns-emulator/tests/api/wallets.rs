//! Wallets, transfers and signatures end to end: the service account provisions delegated
//! wallets, the faucet funds them, the end user moves funds and signs with a software passkey,
//! and every figure is checked to the last unit; then everything that must be refused.

use alloy_primitives::keccak256;
use dfns_client::models::{
    CreateWalletRequest, HistoryQuery, ListWalletsQuery, RegistrationRequest, RequestStatus,
    SignaturePayload, SignatureRequest, Transfer, TransferRequest, Wallet,
};
use dfns_client::{DelegatedClient, PendingAction};
use futures::TryStreamExt as _;
use k256::ecdsa::{RecoveryId, Signature as EcdsaSignature, VerifyingKey};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::authenticators::Passkey;
use crate::support::{CONFIRM_AFTER, TestEmulator, signed};

const ETH: u128 = 1_000_000_000_000_000_000;
const USDC_SEPOLIA: &str = "0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238";

/// An end user registered with a passkey-rs software passkey, logged in.
struct EndUser {
    id: String,
    passkey: Passkey,
    client: DelegatedClient,
}

impl EndUser {
    async fn register(emulator: &TestEmulator, email: &str) -> Self {
        let mut passkey = Passkey::new("localhost", "https://localhost");
        let challenge = emulator.registration_challenge(email).await;
        let credential = passkey.register(&challenge.options).await;
        let request = RegistrationRequest {
            first_factor_credential: credential,
            second_factor_credential: None,
            recovery_credential: None,
        };
        let registered = emulator
            .service_account()
            .register(&challenge.temporary_authentication_token, &request)
            .await
            .expect("registered");
        Self { id: registered.user.id, passkey, client: emulator.login(email).await }
    }

    /// Signs a pending write with the passkey and completes it.
    async fn complete<R: serde::de::DeserializeOwned>(
        &mut self,
        pending: PendingAction<R>,
    ) -> Result<R, dfns_client::Error> {
        let factor = self.passkey.assert(pending.challenge()).await;
        let signature = signed(&pending, factor);
        self.client.complete(pending, &signature).await
    }

    async fn send(
        &mut self,
        wallet: &Wallet,
        request: TransferRequest,
    ) -> Result<Transfer, dfns_client::Error> {
        let pending = self.client.transfer_asset_init(&wallet.id, &request).await?;
        self.complete(pending).await
    }
}

async fn provision(emulator: &TestEmulator, user: &EndUser, network: &str) -> Wallet {
    emulator
        .service_account()
        .create_wallet(&CreateWalletRequest {
            network: network.to_owned(),
            external_id: Some(format!("{}:{network}", user.id)),
            delegate_to: Some(user.id.clone()),
            ..Default::default()
        })
        .await
        .expect("wallet provisioned")
}

async fn faucet(emulator: &TestEmulator, body: Value) -> Value {
    let answer = emulator
        .http()
        .send(Method::POST, "/_emulator/faucet", None, None, &body.to_string())
        .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    answer.body
}

fn native(to: &str, amount: u128) -> TransferRequest {
    TransferRequest::Native {
        to: to.to_owned(),
        amount: amount.to_string(),
        memo: None,
        priority: None,
        external_id: None,
    }
}

async fn balance(client: &DelegatedClient, wallet: &Wallet, symbol_or_contract: &str) -> u128 {
    let assets = client.get_wallet_assets(&wallet.id).await.expect("assets").assets;
    assets
        .iter()
        .find(|asset| {
            asset.contract.as_deref() == Some(symbol_or_contract)
                || asset.mint.as_deref() == Some(symbol_or_contract)
                || (asset.kind.as_str() == "Native"
                    && asset.symbol.as_deref() == Some(symbol_or_contract))
        })
        .map_or(0, |asset| asset.balance.parse().expect("a base-10 balance"))
}

fn fee(transfer: &Transfer) -> u128 {
    transfer.fee.as_deref().expect("a fee").parse().expect("a base-10 fee")
}

#[tokio::test]
async fn delegated_wallets_move_native_and_erc20_funds_to_the_last_unit() {
    let emulator = TestEmulator::start().await;
    let mut ada = EndUser::register(&emulator, "ada@example.com").await;
    let bob = EndUser::register(&emulator, "bob@example.com").await;
    let eth = provision(&emulator, &ada, "EthereumSepolia").await;
    let btc = provision(&emulator, &ada, "BitcoinTestnet4").await;
    let sol = provision(&emulator, &ada, "SolanaDevnet").await;
    let bob_eth = provision(&emulator, &bob, "EthereumSepolia").await;

    // Keys and addresses as each network has them.
    assert_eq!(eth.signing_key.delegated_to.as_deref(), Some(ada.id.as_str()));
    assert!(!eth.custodial);
    assert_eq!(
        (eth.signing_key.scheme.as_str(), eth.signing_key.curve.as_str()),
        ("ECDSA", "secp256k1")
    );
    let eth_address = eth.address.clone().expect("an address");
    assert!(
        eth_address.starts_with("0x")
            && eth_address.len() == 42
            && eth_address != eth_address.to_lowercase()
    );
    assert!(btc.address.as_deref().is_some_and(|a| a.starts_with("tb1q")));
    assert_eq!(
        (sol.signing_key.scheme.as_str(), sol.signing_key.curve.as_str()),
        ("EdDSA", "ed25519")
    );
    assert_eq!(
        bs58::decode(sol.address.as_deref().expect("address")).into_vec().map(|k| k.len()),
        Ok(32)
    );
    // Provisioning again with the same externalId gives back the same wallet.
    assert_eq!(provision(&emulator, &ada, "EthereumSepolia").await.id, eth.id);
    let mine: Vec<Wallet> = ada.client.wallets(None).try_collect().await.expect("wallets");
    assert_eq!(mine.len(), 3, "bob's wallet is not ada's");

    faucet(
        &emulator,
        json!({"network": "EthereumSepolia", "address": eth_address, "amount": ETH.to_string()}),
    )
    .await;
    faucet(
        &emulator,
        json!({"network": "EthereumSepolia", "address": eth_address, "amount": "250000000", "kind": "Erc20", "contract": USDC_SEPOLIA}),
    )
    .await;
    assert_eq!(balance(&ada.client, &eth, "ETH").await, ETH);
    assert_eq!(balance(&ada.client, &eth, USDC_SEPOLIA).await, 250_000_000);

    // A native transfer, followed step by step on the emulator's clock.
    let bob_address = bob_eth.address.clone().expect("an address");
    let sent =
        ada.send(&eth, native(&bob_address.to_lowercase(), ETH / 4)).await.expect("accepted");
    assert_eq!(sent.status, RequestStatus::Pending);
    assert_eq!(sent.tx_hash, None);
    assert_eq!(sent.metadata.asset.symbol.as_deref(), Some("ETH"));
    assert_eq!(sent.metadata.asset.decimals, Some(18));
    let native_fee = fee(&sent);
    assert!(native_fee > 0);
    emulator.advance(CONFIRM_AFTER / 4);
    let executing = ada.client.get_transfer(&eth.id, &sent.id).await.expect("transfer");
    assert_eq!(executing.status, RequestStatus::Executing);
    emulator.advance(CONFIRM_AFTER / 4);
    let broadcast = ada.client.get_transfer(&eth.id, &sent.id).await.expect("transfer");
    assert_eq!(broadcast.status, RequestStatus::Broadcasted);
    assert!(
        broadcast.tx_hash.as_deref().is_some_and(|hash| hash.starts_with("0x") && hash.len() == 66)
    );
    assert_eq!(balance(&bob.client, &bob_eth, "ETH").await, 0, "not credited before confirmation");
    emulator.advance(CONFIRM_AFTER / 2);
    let confirmed = ada.client.get_transfer(&eth.id, &sent.id).await.expect("transfer");
    assert_eq!(confirmed.status, RequestStatus::Confirmed);
    assert!(confirmed.date_confirmed.is_some());

    // An Erc20 transfer, confirmed too.
    let erc20 = TransferRequest::Erc20 {
        contract: USDC_SEPOLIA.to_owned(),
        to: bob_address.clone(),
        amount: "100000001".to_owned(),
        priority: Some("Fast".to_owned()),
        external_id: Some("ada-usdc-1".to_owned()),
    };
    let token_transfer = ada.send(&eth, erc20).await.expect("accepted");
    assert_eq!(token_transfer.metadata.asset.symbol.as_deref(), Some("USDC"));
    let token_fee = fee(&token_transfer);
    emulator.advance(CONFIRM_AFTER);

    // Balances to the last unit, on both sides.
    assert_eq!(balance(&ada.client, &eth, "ETH").await, ETH - ETH / 4 - native_fee - token_fee);
    assert_eq!(balance(&ada.client, &eth, USDC_SEPOLIA).await, 250_000_000 - 100_000_001);
    assert_eq!(balance(&bob.client, &bob_eth, "ETH").await, ETH / 4);
    assert_eq!(balance(&bob.client, &bob_eth, USDC_SEPOLIA).await, 100_000_001);

    // History on both sides: newest first, with the right kinds, values and fees.
    let history =
        ada.client.get_wallet_history(&eth.id, &HistoryQuery::default()).await.expect("history");
    let rows: Vec<_> = history
        .items
        .iter()
        .map(|item| {
            (
                item.kind.as_str(),
                item.direction.as_str(),
                item.value.as_deref(),
                item.fee.as_deref(),
            )
        })
        .collect();
    let (native_fee_text, token_fee_text) = (native_fee.to_string(), token_fee.to_string());
    let quarter = (ETH / 4).to_string();
    assert_eq!(
        rows,
        [
            ("Erc20Transfer", "Out", Some("100000001"), Some(token_fee_text.as_str())),
            ("NativeTransfer", "Out", Some(quarter.as_str()), Some(native_fee_text.as_str())),
            ("Erc20Transfer", "In", Some("250000000"), None),
            ("NativeTransfer", "In", Some(ETH.to_string().as_str()), None),
        ]
    );
    assert_eq!(history.items[1].tx_hash, confirmed.tx_hash.clone().expect("hash"));
    assert_eq!(
        history.items[1].to.as_deref(),
        Some(bob_address.as_str()),
        "addresses are checksummed"
    );
    let incoming = bob
        .client
        .get_wallet_history(&bob_eth.id, &HistoryQuery::default())
        .await
        .expect("history");
    assert_eq!(incoming.items.len(), 2);
    assert!(
        incoming.items.iter().all(
            |item| item.direction == "In" && item.from.as_deref() == Some(eth_address.as_str())
        )
    );
    let only_tokens =
        HistoryQuery { contract: Some(USDC_SEPOLIA.to_owned()), ..Default::default() };
    let tokens = ada.client.get_wallet_history(&eth.id, &only_tokens).await.expect("history");
    assert_eq!(tokens.items.len(), 2);
    let only_out =
        HistoryQuery { direction: Some("Out".to_owned()), limit: Some(1), ..Default::default() };
    let first = ada.client.get_wallet_history(&eth.id, &only_out).await.expect("history");
    assert_eq!(first.items.len(), 1);
    let next = HistoryQuery { pagination_token: first.next_page_token.clone(), ..only_out };
    let second = ada.client.get_wallet_history(&eth.id, &next).await.expect("history");
    assert_eq!((second.items.len(), second.next_page_token.as_deref()), (1, None));
    assert_eq!(second.items[0].kind.as_str(), "NativeTransfer");
    let one_by_one = HistoryQuery { limit: Some(1), ..Default::default() };
    let streamed: Vec<_> =
        ada.client.history(&eth.id, one_by_one).try_collect().await.expect("pages");
    assert_eq!(streamed, history.items, "four pages of one item make the same history");
    let transfers: Vec<Transfer> =
        ada.client.transfers(&eth.id).try_collect().await.expect("pages");
    assert_eq!(
        transfers.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        [token_transfer.id.as_str(), sent.id.as_str()]
    );
}

#[tokio::test]
async fn bitcoin_and_solana_wallets_send_their_native_coins() {
    let emulator = TestEmulator::start().await;
    let mut ada = EndUser::register(&emulator, "ada@example.com").await;
    let btc = provision(&emulator, &ada, "BitcoinTestnet4").await;
    let sol = provision(&emulator, &ada, "SolanaDevnet").await;
    let btc_address = btc.address.clone().expect("address");
    let sol_address = sol.address.clone().expect("address");
    faucet(
        &emulator,
        json!({"network": "BitcoinTestnet4", "address": btc_address, "amount": "100000000"}),
    )
    .await;
    faucet(
        &emulator,
        json!({"network": "SolanaDevnet", "address": sol_address, "amount": "5000000000"}),
    )
    .await;

    let satoshis = ada
        .send(&btc, native("tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", 30_000_000))
        .await
        .expect("bitcoin transfer");
    let lamports = ada
        .send(&sol, native("4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU", 1_000_000_000))
        .await
        .expect("solana transfer");
    emulator.advance(CONFIRM_AFTER);
    assert_eq!(balance(&ada.client, &btc, "BTC").await, 100_000_000 - 30_000_000 - fee(&satoshis));
    assert_eq!(
        balance(&ada.client, &sol, "SOL").await,
        5_000_000_000 - 1_000_000_000 - fee(&lamports)
    );
    let history =
        ada.client.get_wallet_history(&btc.id, &HistoryQuery::default()).await.expect("history");
    assert_eq!(history.items[0].kind.as_str(), "UtxoTransfer");
    assert_eq!(
        history.items[0].tos.as_deref(),
        Some(&["tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx".to_owned()][..])
    );
    let confirmed = ada.client.get_transfer(&sol.id, &lamports.id).await.expect("transfer");
    assert_eq!(confirmed.status, RequestStatus::Confirmed);
    assert!(
        confirmed
            .tx_hash
            .is_some_and(|hash| bs58::decode(hash).into_vec().is_ok_and(|b| b.len() == 64))
    );
}

/// Recovers the signer of `digest` from an EVM signature and compares it with the wallet key.
fn assert_recovers(wallet: &Wallet, digest: &[u8], signature: &dfns_client::models::Signature) {
    let parts = signature.signature.as_ref().expect("signed");
    let r = hex::decode(parts.r.trim_start_matches("0x")).expect("r");
    let s = hex::decode(parts.s.trim_start_matches("0x")).expect("s");
    let ecdsa = EcdsaSignature::from_slice(&[r, s].concat()).expect("r and s");
    let recid = RecoveryId::from_byte(parts.recid.expect("a recovery id")).expect("recid");
    let key = VerifyingKey::recover_from_prehash(digest, &ecdsa, recid).expect("recoverable");
    let compressed = hex::encode(key.to_sec1_point(true).as_bytes());
    assert_eq!(compressed, wallet.signing_key.public_key, "{:?}", signature.request_body);
}

#[tokio::test]
async fn signatures_verify_with_an_independent_implementation() {
    let emulator = TestEmulator::start().await;
    let mut ada = EndUser::register(&emulator, "ada@example.com").await;
    let eth = provision(&emulator, &ada, "EthereumSepolia").await;
    let sol = provision(&emulator, &ada, "SolanaDevnet").await;
    let sign = |payload| SignatureRequest {
        payload,
        blockchain_kind: None,
        network: None,
        external_id: None,
    };

    // A raw hash.
    let hash = keccak256(b"sigil");
    let pending = ada
        .client
        .generate_signature_init(
            &eth.id,
            &sign(SignaturePayload::Hash { hash: format!("0x{}", hex::encode(hash)) }),
        )
        .await
        .expect("init");
    let signature = ada.complete(pending).await.expect("signed");
    assert_eq!(signature.status, RequestStatus::Signed);
    assert_recovers(&eth, hash.as_slice(), &signature);

    // An EIP-191 personal message, digest computed here by hand.
    let message = b"Sign in to Sigil";
    let prefixed =
        [format!("\x19Ethereum Signed Message:\n{}", message.len()).as_bytes(), message].concat();
    let pending = ada
        .client
        .generate_signature_init(
            &eth.id,
            &sign(SignaturePayload::Eip191 { message: format!("0x{}", hex::encode(message)) }),
        )
        .await
        .expect("init");
    assert_recovers(
        &eth,
        keccak256(&prefixed).as_slice(),
        &ada.complete(pending).await.expect("signed"),
    );

    // The EIP-712 specification's own example: its published digest must be what was signed.
    let mail = json!({
        "types": {
            "EIP712Domain": [
                {"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}
            ],
            "Person": [{"name": "name", "type": "string"}, {"name": "wallet", "type": "address"}],
            "Mail": [{"name": "from", "type": "Person"}, {"name": "to", "type": "Person"}, {"name": "contents", "type": "string"}]
        },
        "domain": {"name": "Ether Mail", "version": "1", "chainId": 1, "verifyingContract": "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},
        "message": {
            "from": {"name": "Cow", "wallet": "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},
            "to": {"name": "Bob", "wallet": "0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},
            "contents": "Hello, Bob!"
        }
    });
    let typed = SignaturePayload::Eip712 {
        types: mail["types"].clone(),
        domain: mail["domain"].clone(),
        message: mail["message"].clone(),
    };
    let key_request = SignatureRequest {
        payload: typed,
        blockchain_kind: Some("Evm".to_owned()),
        network: None,
        external_id: Some("ada-mail-1".to_owned()),
    };
    let pending = ada
        .client
        .generate_key_signature_init(&eth.signing_key.id, &key_request)
        .await
        .expect("init");
    let signature = ada.complete(pending).await.expect("signed");
    let digest = hex::decode("be609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2")
        .expect("hex");
    assert_recovers(&eth, &digest, &signature);
    // The same externalId and body give back the same signature.
    let pending = ada
        .client
        .generate_key_signature_init(&eth.signing_key.id, &key_request)
        .await
        .expect("init");
    assert_eq!(ada.complete(pending).await.expect("same").id, signature.id);

    // Solana: ed25519 over the message bytes.
    let pending = ada
        .client
        .generate_signature_init(
            &sol.id,
            &sign(SignaturePayload::Message { message: format!("0x{}", hex::encode(message)) }),
        )
        .await
        .expect("init");
    let signature = ada.complete(pending).await.expect("signed");
    let encoded =
        signature.signature.as_ref().and_then(|parts| parts.encoded.clone()).expect("encoded");
    let bytes: [u8; 64] =
        hex::decode(encoded.trim_start_matches("0x")).expect("hex").try_into().expect("64 bytes");
    let public: [u8; 32] =
        hex::decode(&sol.signing_key.public_key).expect("hex").try_into().expect("32 bytes");
    ed25519_dalek::VerifyingKey::from_bytes(&public)
        .expect("key")
        .verify_strict(message, &ed25519_dalek::Signature::from_bytes(&bytes))
        .expect("the signature verifies");

    let listed = ada.client.list_signatures(&eth.id, None).await.expect("list");
    assert_eq!(listed.items.len(), 3);
}

#[tokio::test]
async fn transfers_that_must_not_happen_are_refused_with_the_contract_errors() {
    let emulator = TestEmulator::start().await;
    let mut ada = EndUser::register(&emulator, "ada@example.com").await;
    let mut eve = EndUser::register(&emulator, "eve@example.com").await;
    let eth = provision(&emulator, &ada, "EthereumSepolia").await;
    let address = eth.address.clone().expect("address");
    faucet(
        &emulator,
        json!({"network": "EthereumSepolia", "address": address, "amount": ETH.to_string()}),
    )
    .await;
    let to = "0x000000000000000000000000000000000000dEaD";

    // Eve cannot see or move Ada's wallet.
    let error = eve.send(&eth, native(to, 1)).await.expect_err("not hers");
    assert_eq!(error.status(), Some(404));
    // The service account cannot move a delegated wallet's funds.
    let error = emulator
        .service_account()
        .signed::<_, Transfer>(
            Method::POST,
            &format!("/wallets/{}/transfers", eth.id),
            &native(to, 1),
        )
        .await
        .expect_err("delegated");
    assert_eq!(error.status(), Some(403));

    // Amounts and addresses.
    for (amount, why) in
        [("1.5", "decimal"), ("-1", "negative"), ("0", "zero"), ("0x10", "hex"), ("", "empty")]
    {
        let request = TransferRequest::Native {
            to: to.to_owned(),
            amount: amount.to_owned(),
            memo: None,
            priority: None,
            external_id: None,
        };
        let error = ada.send(&eth, request).await.expect_err(why);
        assert_eq!(error.status(), Some(400), "{why}");
        assert!(error.to_string().contains("positive base-10 integer"), "{why}: {error}");
    }
    let error = ada.send(&eth, native(to, ETH)).await.expect_err("over the balance with the fee");
    assert_eq!(
        error.api().map(|e| (e.status, e.message.as_str())),
        Some((400, "Insufficient funds"))
    );
    for bad in [
        "0x123",
        "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx",
        "0x000000000000000000000000000000000000DEad",
    ] {
        let error = ada.send(&eth, native(bad, 1)).await.expect_err(bad);
        assert_eq!(error.status(), Some(400), "{bad}");
        assert!(error.to_string().contains("EthereumSepolia"), "{error}");
    }
    let spl = TransferRequest::Spl {
        to: to.to_owned(),
        amount: "1".to_owned(),
        mint: to.to_owned(),
        memo: None,
        create_destination_account: None,
        external_id: None,
    };
    assert_eq!(ada.send(&eth, spl).await.expect_err("not on EVM").status(), Some(400));
    let fast = |amount: u128, external_id: &str| TransferRequest::Native {
        to: to.to_owned(),
        amount: amount.to_string(),
        memo: None,
        priority: Some("Fast".to_owned()),
        external_id: Some(external_id.to_owned()),
    };
    let bad_tier = TransferRequest::Native {
        to: to.to_owned(),
        amount: "1".to_owned(),
        memo: None,
        priority: Some("Urgent".to_owned()),
        external_id: None,
    };
    assert_eq!(ada.send(&eth, bad_tier).await.expect_err("tier").status(), Some(400));

    // externalId: the same body is the same transfer; another body is a 409.
    let first = ada.send(&eth, fast(1000, "pay-1")).await.expect("accepted");
    let again = ada.send(&eth, fast(1000, "pay-1")).await.expect("idempotent");
    assert_eq!(again.id, first.id);
    let error = ada.send(&eth, fast(2000, "pay-1")).await.expect_err("conflict");
    let api = error.api().expect("Dfns error");
    assert_eq!(
        (api.status, api.message.as_str()),
        (409, "Conflicting transfer with same externalId")
    );
    assert_eq!(api.details.as_ref().map(|d| d["duplicate"]["id"].clone()), Some(json!(first.id)));

    // Replaying a completed request's user action moves nothing twice.
    let pending = ada.client.transfer_asset_init(&eth.id, &native(to, 7)).await.expect("init");
    let body = pending.body().to_owned();
    let factor = ada.passkey.assert(pending.challenge()).await;
    let signature = signed(&pending, factor);
    let token = emulator.login_token("ada@example.com").await;
    let action = emulator
        .http()
        .send(
            Method::POST,
            "/auth/action",
            Some(token.expose()),
            None,
            &serde_json::to_string(&signature).expect("json"),
        )
        .await;
    let user_action = action.body["userAction"].as_str().expect("user action").to_owned();
    let path = format!("/wallets/{}/transfers", eth.id);
    let http = emulator.http();
    let send = || http.send(Method::POST, &path, Some(token.expose()), Some(&user_action), &body);
    assert_eq!(send().await.status, 200);
    assert_eq!(send().await.status, 400);
    let transfers = ada.client.list_transfers(&eth.id, None).await.expect("list");
    assert_eq!(transfers.items.iter().filter(|t| t.request_body["amount"] == "7").count(), 1);
    assert_eq!(transfers.items.len(), 2, "pay-1 once, the replayed one once");
}

#[tokio::test]
async fn wallet_creation_is_checked_idempotent_and_paged() {
    let emulator = TestEmulator::start().await;
    let mut ada = EndUser::register(&emulator, "ada@example.com").await;
    let service = emulator.service_account();
    let error = service
        .create_wallet(&CreateWalletRequest {
            network: "Dogechain".to_owned(),
            ..Default::default()
        })
        .await
        .expect_err("unknown network");
    assert_eq!(
        error.api().map(|e| (e.status, e.message.as_str())),
        Some((400, "Network Dogechain is not supported"))
    );
    let request = CreateWalletRequest {
        network: "Base".to_owned(),
        external_id: Some("w-1".to_owned()),
        delegate_to: Some(ada.id.clone()),
        ..Default::default()
    };
    let created = service.create_wallet(&request).await.expect("created");
    let other = CreateWalletRequest { network: "Polygon".to_owned(), ..request.clone() };
    assert_eq!(service.create_wallet(&other).await.expect_err("409").status(), Some(409));
    let error = service
        .create_wallet(&CreateWalletRequest {
            delegate_to: Some("us-nobody".to_owned()),
            ..Default::default()
        })
        .await
        .expect_err("not a user");
    assert_eq!(error.status(), Some(400));

    // The end user creates wallets through Init/Complete; they are theirs.
    for network in ["ArbitrumSepolia", "PolygonAmoy", "BitcoinSignet", "Solana"] {
        let body = CreateWalletRequest { network: network.to_owned(), ..Default::default() };
        let pending = ada.client.create_wallet_init(&body).await.expect("init");
        let wallet = ada.complete(pending).await.expect("created");
        assert_eq!(wallet.signing_key.delegated_to.as_deref(), Some(ada.id.as_str()));
    }
    let first = ada
        .client
        .list_wallets(&ListWalletsQuery { limit: Some(2), ..Default::default() })
        .await
        .expect("page");
    assert_eq!(first.items.len(), 2);
    let all: Vec<Wallet> = ada.client.wallets(None).try_collect().await.expect("all");
    assert_eq!(all.len(), 5);
    assert_eq!(all.last().map(|w| w.id.as_str()), Some(created.id.as_str()), "newest first");
    let by_owner: Vec<Wallet> =
        service.wallets(Some("ada@example.com".to_owned())).try_collect().await.expect("owner");
    assert_eq!(by_owner.len(), 5);
    let bad = ada
        .client
        .list_wallets(&ListWalletsQuery {
            pagination_token: Some("nope".to_owned()),
            ..Default::default()
        })
        .await;
    assert_eq!(bad.expect_err("bad token").status(), Some(400));
    let fees = ada.client.get_fees("Base").await.expect("fees");
    assert_eq!(fees["kind"], "Eip1559");
}

#[tokio::test]
async fn the_faucet_is_off_unless_the_emulator_api_is_on() {
    let emulator = TestEmulator::start_with(|config| config.emulator_api = false).await;
    let body = json!({"network": "EthereumSepolia", "address": "0x000000000000000000000000000000000000dEaD", "amount": "1"});
    let answer = emulator
        .http()
        .send(Method::POST, "/_emulator/faucet", None, None, &body.to_string())
        .await;
    assert_eq!(answer.status, 403, "{answer:?}");
    let on = TestEmulator::start().await;
    for (bad, why) in [
        (json!({"network": "Nope", "address": "x", "amount": "1"}), "network"),
        (json!({"network": "EthereumSepolia", "address": "0x1", "amount": "1"}), "address"),
        (
            json!({"network": "EthereumSepolia", "address": "0x000000000000000000000000000000000000dEaD", "amount": "-5"}),
            "amount",
        ),
        (
            json!({"network": "BitcoinTestnet4", "address": "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx", "amount": "1", "kind": "Erc20", "contract": "0x1"}),
            "kind",
        ),
    ] {
        let answer =
            on.http().send(Method::POST, "/_emulator/faucet", None, None, &bad.to_string()).await;
        assert_eq!(answer.status, 400, "{why}: {answer:?}");
    }
}

#[tokio::test]
async fn eight_racing_requests_with_one_external_id_move_the_funds_once() {
    let emulator = TestEmulator::start().await;
    let mut ada = EndUser::register(&emulator, "ada@example.com").await;
    let eth = provision(&emulator, &ada, "EthereumSepolia").await;
    let address = eth.address.clone().expect("address");
    faucet(
        &emulator,
        json!({"network": "EthereumSepolia", "address": address, "amount": ETH.to_string()}),
    )
    .await;
    let request = TransferRequest::Native {
        to: "0x000000000000000000000000000000000000dEaD".to_owned(),
        amount: "5000".to_owned(),
        memo: None,
        priority: None,
        external_id: Some("race-1".to_owned()),
    };
    // Eight signed user actions for the same request, then eight requests at once.
    let token = emulator.login_token("ada@example.com").await;
    let mut sends = Vec::new();
    for _ in 0..8 {
        let pending = ada.client.transfer_asset_init(&eth.id, &request).await.expect("init");
        let factor = ada.passkey.assert(pending.challenge()).await;
        let body = serde_json::to_string(&signed(&pending, factor)).expect("json");
        let action = emulator
            .http()
            .send(Method::POST, "/auth/action", Some(token.expose()), None, &body)
            .await;
        let user_action = action.body["userAction"].as_str().expect("user action").to_owned();
        sends.push((user_action, pending.body().to_owned()));
    }
    let path = format!("/wallets/{}/transfers", eth.id);
    let answers = futures::future::join_all(sends.iter().map(|(user_action, body)| {
        let http = emulator.http();
        let (path, token) = (path.clone(), token.clone());
        async move {
            http.send(Method::POST, &path, Some(token.expose()), Some(user_action), body).await
        }
    }))
    .await;
    let ids: std::collections::HashSet<_> = answers
        .iter()
        .map(|answer| {
            assert_eq!(answer.status, 200, "{answer:?}");
            answer.body["id"].as_str().expect("an id").to_owned()
        })
        .collect();
    assert_eq!(ids.len(), 1, "every request got the one transfer");
    let transfers = ada.client.list_transfers(&eth.id, None).await.expect("list");
    assert_eq!(transfers.items.len(), 1);
    let fee = fee(&transfers.items[0]);
    assert_eq!(balance(&ada.client, &eth, "ETH").await, ETH - 5000 - fee, "debited once");
}

#[tokio::test]
async fn with_fund_new_wallets_every_new_wallet_starts_with_one_coin() {
    let emulator = TestEmulator::start_with(|config| config.fund_new_wallets = true).await;
    let user = EndUser::register(&emulator, "funded@example.com").await;
    let sepolia = provision(&emulator, &user, "EthereumSepolia").await;
    let bitcoin = provision(&emulator, &user, "BitcoinTestnet4").await;
    for (wallet, one) in [(&sepolia, "1000000000000000000"), (&bitcoin, "100000000")] {
        let assets = user.client.get_wallet_assets(&wallet.id).await.expect("assets");
        let native = assets
            .assets
            .iter()
            .find(|a| a.kind == dfns_client::models::AssetKind::Native)
            .expect("coin");
        assert_eq!(native.balance, one, "{}", wallet.network);
    }
    let history =
        user.client.get_wallet_history(&sepolia.id, &Default::default()).await.expect("history");
    assert_eq!(history.items.len(), 1, "the welcome funds arrive as an incoming transfer");

    let plain = TestEmulator::start().await;
    let other = EndUser::register(&plain, "unfunded@example.com").await;
    let wallet = provision(&plain, &other, "EthereumSepolia").await;
    let assets = other.client.get_wallet_assets(&wallet.id).await.expect("assets");
    assert!(assets.assets.iter().all(|a| a.balance == "0"), "off by default: {assets:?}");
}
