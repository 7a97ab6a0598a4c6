//! Signed actions (DESIGN.md §3): send, sign (message, EIP-712, hash), create a wallet, add a
//! passkey, deactivate a passkey. Each is checked, its body built once, its [`Intent`] decoded
//! from those bytes, and the whole journaled **before** anything is sent (`prepare_*`).
//! [`Actions::confirm`] then runs Init → passkey → Complete with exactly the journaled method,
//! path and bytes. An outcome that is not known (crash, timeout, lost answer) is looked up at
//! Dfns (by `externalId`, or by the credential for passkey changes) before anything is signed
//! again: nothing is ever sent twice.
//!
//! One action at a time: a second request while one runs gets `BUSY`.

pub mod amount;
mod guardrails;
pub mod intent;

use std::future::Future;
use std::sync::Arc;

use dfns_client::models::{
    Asset, AssetKind, CreateCredentialRequest, CreateWalletRequest, Credential, CredentialKind,
    CredentialUuidRequest, ListWalletsQuery, Signature, SignaturePayload, SignatureRequest,
    SignedChallenge, Transfer, TransferRequest, Wallet,
};
use dfns_client::{DelegatedClient, Method};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sigil_authn::{CancellationToken, Passkeys, Prompter};
use sigil_store::{Journal, NewOperation, Operation, OperationState};
use tokio::sync::Mutex;

pub use self::amount::{AmountError, BaseUnits};
pub use self::guardrails::{Guardrails, Warning};
pub use self::intent::Intent;
use crate::clock::Clock;
use crate::dfns_session::DfnsSession;
use crate::error::{Error, Result};
use crate::reads::Reads;

/// The kinds of signed action, as journaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// `POST /wallets/{id}/transfers`.
    Transfer,
    /// `POST /wallets/{id}/signatures`.
    Signature,
    /// `POST /wallets`.
    CreateWallet,
    /// `POST /auth/credentials`.
    AddPasskey,
    /// `PUT /auth/credentials/deactivate`.
    DeactivatePasskey,
}

impl ActionKind {
    /// The journal's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Transfer => "transfer",
            Self::Signature => "signature",
            Self::CreateWallet => "create-wallet",
            Self::AddPasskey => "add-passkey",
            Self::DeactivatePasskey => "deactivate-passkey",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        [
            Self::Transfer,
            Self::Signature,
            Self::CreateWallet,
            Self::AddPasskey,
            Self::DeactivatePasskey,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }
}

/// Which asset of a wallet to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(tag = "kind")]
pub enum AssetRef {
    /// The network's coin.
    Native,
    /// An ERC-20 token.
    Erc20 {
        /// Its contract.
        contract: String,
    },
    /// An SPL token.
    Spl {
        /// Its mint.
        mint: String,
    },
}

/// A fee tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub enum FeeTier {
    /// Cheaper, slower.
    Slow,
    /// Dfns's default.
    Standard,
    /// Dearer, faster.
    Fast,
}

impl FeeTier {
    fn as_str(self) -> &'static str {
        match self {
            Self::Slow => "Slow",
            Self::Standard => "Standard",
            Self::Fast => "Fast",
        }
    }
}

/// What the send form gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendRequest {
    /// The wallet to send from.
    pub wallet_id: String,
    /// The asset.
    pub asset: AssetRef,
    /// The recipient, as typed.
    pub to: String,
    /// The amount in whole units, as typed ("1.5").
    pub amount: String,
    /// The fee tier (Dfns's default when `None`).
    pub fee_tier: Option<FeeTier>,
}

/// What to sign.
#[derive(Debug, Clone, PartialEq)]
pub enum SignWhat {
    /// A text message (EIP-191 personal message on EVM, the bytes on Solana).
    Message(String),
    /// EIP-712 typed data: `{types, domain, message}` (a `primaryType` is accepted and not sent).
    TypedData(Value),
    /// A 32-byte hash, 0x-hex.
    Hash(String),
}

/// A journaled action waiting for the user's confirmation.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    /// The journal entry.
    pub operation_id: String,
    /// What to show.
    pub intent: Intent,
    /// Warnings to show before signing.
    pub warnings: Vec<Warning>,
}

/// What a confirmed action produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The transfer, as Dfns accepted it.
    Transfer(Transfer),
    /// The signature.
    Signature(Signature),
    /// The new wallet.
    Wallet(Wallet),
    /// The new passkey.
    PasskeyAdded(Credential),
    /// The passkey is deactivated.
    PasskeyDeactivated {
        /// Its uuid.
        credential_uuid: String,
    },
}

/// The user's signed actions.
#[derive(Debug)]
pub struct Actions {
    dfns: Arc<DfnsSession>,
    reads: Reads,
    journal: Journal,
    guardrails: Guardrails,
    clock: Arc<dyn Clock>,
    running: Mutex<()>,
}

/// A body ready to journal.
struct Draft<'a> {
    kind: ActionKind,
    method: &'a str,
    path: String,
    body: String,
    intent: Intent,
    warnings: Vec<Warning>,
}

impl Actions {
    /// Actions through `dfns`, checked against what `reads` has cached, journaled in `journal`.
    pub fn new(
        dfns: Arc<DfnsSession>,
        reads: Reads,
        journal: Journal,
        guardrails: Guardrails,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { dfns, reads, journal, guardrails, clock, running: Mutex::new(()) }
    }

    /// The journal.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }

    /// Checks a transfer (address for the network, amount against decimals and balance,
    /// guardrails), builds its body and journals it.
    pub async fn prepare_send(&self, owner: &str, request: &SendRequest) -> Result<Prepared> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        let (wallet, asset) = self.wallet_and_asset(&request.wallet_id, &request.asset).await?;
        let network = dfns_networks::network(&wallet.network)
            .ok_or_else(|| Error::NetworkUnsupported(wallet.network.clone()))?;
        let to = dfns_networks::address::validate_address(network, request.to.trim())
            .map_err(|error| Error::AddressInvalid(error.0))?;
        let symbol = asset.symbol.clone().unwrap_or_else(|| "the asset".to_owned());
        let amount = BaseUnits::parse_decimal(&request.amount, asset.decimals, &symbol)?;
        let balance =
            BaseUnits::parse_base(&asset.balance).unwrap_or(BaseUnits(Default::default()));
        if amount > balance {
            return Err(Error::InsufficientFunds {
                balance: balance.to_decimal_string(asset.decimals),
                symbol,
            });
        }
        let history = self.reads.cached_history(&wallet.id, 200).await?;
        let recent = self.journal.recent(owner, 200).await?;
        let warnings = self.guardrails.check(
            &wallet,
            &asset,
            &to,
            amount,
            &history,
            &recent,
            self.clock.now_ms(),
        )?;
        let external_id = Some(external_id()?);
        let priority = request.fee_tier.map(|tier| tier.as_str().to_owned());
        let amount = amount.to_base_string();
        let body = match &request.asset {
            AssetRef::Native => {
                TransferRequest::Native { to, amount, memo: None, priority, external_id }
            }
            AssetRef::Erc20 { contract } => TransferRequest::Erc20 {
                contract: contract.clone(),
                to,
                amount,
                priority,
                external_id,
            },
            AssetRef::Spl { mint } => TransferRequest::Spl {
                to,
                amount,
                mint: mint.clone(),
                memo: None,
                create_destination_account: Some(true),
                external_id,
            },
        };
        let body = json(&body)?;
        let intent = intent::transfer_intent(&body, &wallet, &asset).map_err(internal)?;
        let path = format!("/wallets/{}/transfers", wallet.id);
        let kind = ActionKind::Transfer;
        self.journal_draft(owner, Draft { kind, method: "POST", path, body, intent, warnings })
            .await
    }

    /// Checks a signature request against the wallet's network and journals it.
    pub async fn prepare_signature(
        &self,
        owner: &str,
        wallet_id: &str,
        what: &SignWhat,
    ) -> Result<Prepared> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        let wallet = self.wallet(wallet_id).await?;
        let network = dfns_networks::network(&wallet.network)
            .ok_or_else(|| Error::NetworkUnsupported(wallet.network.clone()))?;
        let evm = network.family == dfns_networks::Family::Evm;
        let payload = match what {
            SignWhat::Message(text) if text.is_empty() => {
                return Err(Error::SignatureInvalid("the message is empty".into()));
            }
            SignWhat::Message(text) => {
                SignaturePayload::Message { message: format!("0x{}", hex::encode(text.as_bytes())) }
            }
            SignWhat::TypedData(_) if !evm => {
                return Err(Error::SignatureInvalid(format!(
                    "typed data (EIP-712) is for EVM networks, not {}",
                    wallet.network
                )));
            }
            SignWhat::TypedData(data) => {
                let part = |name: &str| {
                    data.get(name).filter(|v| v.is_object()).cloned().ok_or_else(|| {
                        Error::SignatureInvalid(format!("typed data needs an object {name:?}"))
                    })
                };
                SignaturePayload::Eip712 {
                    types: part("types")?,
                    domain: part("domain")?,
                    message: part("message")?,
                }
            }
            SignWhat::Hash(hash) => {
                let digits = hash.strip_prefix("0x").unwrap_or(hash);
                if digits.len() != 64 || hex::decode(digits).is_err() {
                    return Err(Error::SignatureInvalid(
                        "a hash is 32 bytes: 0x and 64 hex digits".into(),
                    ));
                }
                SignaturePayload::Hash { hash: format!("0x{}", digits.to_ascii_lowercase()) }
            }
        };
        let body = json(&SignatureRequest {
            payload,
            blockchain_kind: None,
            network: None,
            external_id: Some(external_id()?),
        })?;
        let intent = intent::signature_intent(&body, &wallet).map_err(internal)?;
        let path = format!("/wallets/{}/signatures", wallet.id);
        let kind = ActionKind::Signature;
        let draft = Draft { kind, method: "POST", path, body, intent, warnings: Vec::new() };
        self.journal_draft(owner, draft).await
    }

    /// Journals the creation of one more wallet, on one of `offered` networks.
    pub async fn prepare_create_wallet(
        &self,
        owner: &str,
        network: &str,
        name: Option<String>,
        offered: &[String],
    ) -> Result<Prepared> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        if !offered.iter().any(|n| n == network) || dfns_networks::network(network).is_none() {
            return Err(Error::NetworkUnsupported(network.to_owned()));
        }
        let body = json(&CreateWalletRequest {
            network: network.to_owned(),
            name,
            external_id: Some(external_id()?),
            tags: None,
            delegate_to: None,
        })?;
        let intent = intent::create_wallet_intent(&body).map_err(internal)?;
        let kind = ActionKind::CreateWallet;
        let path = "/wallets".to_owned();
        let draft = Draft { kind, method: "POST", path, body, intent, warnings: Vec::new() };
        self.journal_draft(owner, draft).await
    }

    /// Makes a new passkey with `new_passkeys` (e.g. a security key as a backup) for a Dfns
    /// challenge, and journals adding it; confirming signs with a passkey the account has.
    pub async fn prepare_add_passkey(
        &self,
        owner: &str,
        new_passkeys: &Passkeys,
        name: &str,
        prompter: &dyn Prompter,
        cancel: &CancellationToken,
    ) -> Result<Prepared> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 64 {
            return Err(Error::PasskeyNameInvalid);
        }
        let challenge = self
            .dfns
            .call(
                |dfns| async move { dfns.create_credential_challenge(CredentialKind::Fido2).await },
            )
            .await?;
        let credential =
            new_passkeys.add(&challenge, Some(name.to_owned()), prompter, cancel).await?;
        let body = json(&CreateCredentialRequest {
            credential_kind: credential.credential_kind,
            credential_info: credential.credential_info,
            credential_name: name.to_owned(),
            challenge_identifier: challenge.challenge_identifier,
            encrypted_private_key: None,
        })?;
        let intent = intent::add_passkey_intent(&body).map_err(internal)?;
        let kind = ActionKind::AddPasskey;
        let path = "/auth/credentials".to_owned();
        let draft = Draft { kind, method: "POST", path, body, intent, warnings: Vec::new() };
        self.journal_draft(owner, draft).await
    }

    /// Journals deactivating a passkey; warns when it is the last active one.
    pub async fn prepare_deactivate_passkey(
        &self,
        owner: &str,
        credential_uuid: &str,
    ) -> Result<Prepared> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        let credentials = self.credentials().await?;
        let target = credentials
            .iter()
            .find(|c| c.credential_uuid == credential_uuid)
            .ok_or_else(|| Error::PasskeyUnknown(credential_uuid.to_owned()))?;
        if !target.is_active {
            return Err(Error::PasskeyUnknown(credential_uuid.to_owned()));
        }
        let others =
            credentials.iter().filter(|c| c.is_active && c.credential_uuid != credential_uuid);
        let warnings =
            if others.count() == 0 { vec![Warning::LastActivePasskey] } else { Vec::new() };
        let body = json(&CredentialUuidRequest { credential_uuid: credential_uuid.to_owned() })?;
        let intent = intent::deactivate_passkey_intent(&body).map_err(internal)?;
        let kind = ActionKind::DeactivatePasskey;
        let path = "/auth/credentials/deactivate".to_owned();
        self.journal_draft(owner, Draft { kind, method: "PUT", path, body, intent, warnings }).await
    }

    async fn journal_draft(&self, owner: &str, draft: Draft<'_>) -> Result<Prepared> {
        let intent_json = json(&draft.intent)?;
        let operation = self
            .journal
            .record(
                &NewOperation {
                    kind: draft.kind.as_str(),
                    owner,
                    external_id: draft.intent.external_id(),
                    method: draft.method,
                    path: &draft.path,
                    body: &draft.body,
                    intent: &intent_json,
                },
                self.clock.now_ms(),
            )
            .await?;
        tracing::info!(operation = %operation.id, kind = draft.kind.as_str(), "action prepared");
        Ok(Prepared { operation_id: operation.id, intent: draft.intent, warnings: draft.warnings })
    }

    /// Signs and sends a prepared action with the user's passkey, exactly as journaled. An
    /// operation whose earlier attempt has an unknown outcome is first looked up at Dfns; it is
    /// signed again only if Dfns never received it.
    pub async fn confirm(
        &self,
        owner: &str,
        operation_id: &str,
        passkeys: &Passkeys,
        prompter: &dyn Prompter,
        cancel: &CancellationToken,
    ) -> Result<Outcome> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        let operation = self.operation(owner, operation_id).await?;
        if operation.state.is_final() {
            return Err(Error::OperationFinished(operation.state.to_string()));
        }
        let kind = kind_of(&operation)?;
        if operation.state == OperationState::Sent
            && let Some(outcome) = self.look_up(kind, &operation).await?
        {
            return self.finish(&operation, outcome).await;
        }
        let method = Method::from_bytes(operation.method.as_bytes())
            .map_err(|_| internal(format!("a journaled method {:?}", operation.method)))?;
        let (path, body) = (operation.path.clone(), operation.body.clone());
        let init = |dfns: DelegatedClient| {
            let (method, path, body) = (method.clone(), path.clone(), body.clone());
            async move { dfns.action_init_text::<Value>(method, &path, body).await.map(|p| (dfns, p)) }
        };
        let (dfns, pending) = self.dfns.call(init).await?;
        self.advance(&operation, OperationState::Initiated, None).await?;
        let assertion = passkeys.sign(pending.challenge(), prompter, cancel).await?;
        let signed = SignedChallenge {
            challenge_identifier: pending.challenge().challenge_identifier.clone(),
            first_factor: assertion,
            second_factor: None,
        };
        self.advance(&operation, OperationState::Sent, None).await?;
        match dfns.complete(pending, &signed).await {
            Ok(answer) => {
                let outcome = outcome_of(kind, &operation, answer)?;
                self.finish(&operation, outcome).await
            }
            Err(error) if error.status() == Some(401) => {
                // The token ended between Init and Complete: nothing happened; looked up and
                // signed again on the next confirm.
                self.dfns.forget().await;
                Err(Error::SessionEndedDuringAction)
            }
            Err(error) if error.status().is_some_and(|s| (400..500).contains(&s) && s != 429) => {
                let result =
                    serde_json::json!({ "status": error.status(), "message": error.to_string() });
                self.journal
                    .advance(
                        &operation.id,
                        OperationState::Failed,
                        Some(&result.to_string()),
                        self.clock.now_ms(),
                    )
                    .await?;
                Err(error.into())
            }
            // No answer, or a 5xx: the outcome is unknown; the operation stays `Sent`.
            Err(error) => Err(Error::OutcomeUnknown(error.to_string())),
        }
    }

    /// Settles every operation of `owner` whose outcome is unknown (`Sent`) by looking it up at
    /// Dfns: found means done. Operations that never reached Dfns stay, to be confirmed again.
    /// Returns how many were settled.
    pub async fn reconcile(&self, owner: &str) -> Result<usize> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        let mut settled = 0;
        for operation in self.journal.unfinished(owner).await? {
            if operation.state != OperationState::Sent {
                continue;
            }
            let Ok(kind) = kind_of(&operation) else { continue };
            if let Some(outcome) = self.look_up(kind, &operation).await? {
                self.finish(&operation, outcome).await?;
                settled += 1;
            }
        }
        Ok(settled)
    }

    /// Gives up a prepared action the user did not confirm.
    pub async fn cancel(&self, owner: &str, operation_id: &str) -> Result<()> {
        let operation = self.operation(owner, operation_id).await?;
        if operation.state == OperationState::Sent {
            // It may have happened: only reconciliation may close it.
            return Err(Error::OutcomeUnknown("the request may have been sent".into()));
        }
        self.advance(&operation, OperationState::Abandoned, None).await
    }

    async fn operation(&self, owner: &str, operation_id: &str) -> Result<Operation> {
        self.journal
            .get(operation_id)
            .await?
            .filter(|operation| operation.owner == owner)
            .ok_or_else(|| Error::OperationUnknown(operation_id.to_owned()))
    }

    async fn advance(
        &self,
        operation: &Operation,
        to: OperationState,
        result: Option<&str>,
    ) -> Result<()> {
        // A retry of an operation already further along (e.g. `Sent`, never received) keeps
        // its state: the journal only moves forward.
        if operation.state.can_advance_to(to) {
            self.journal.advance(&operation.id, to, result, self.clock.now_ms()).await?;
        }
        Ok(())
    }

    async fn finish(&self, operation: &Operation, outcome: Outcome) -> Result<Outcome> {
        let result = match &outcome {
            Outcome::Transfer(transfer) => json(transfer)?,
            Outcome::Signature(signature) => json(signature)?,
            Outcome::Wallet(wallet) => json(wallet)?,
            Outcome::PasskeyAdded(credential) => json(credential)?,
            Outcome::PasskeyDeactivated { credential_uuid } => {
                json(&serde_json::json!({ "credentialUuid": credential_uuid }))?
            }
        };
        self.journal
            .advance(&operation.id, OperationState::Done, Some(&result), self.clock.now_ms())
            .await?;
        tracing::info!(operation = %operation.id, kind = operation.kind, "action done");
        Ok(outcome)
    }

    /// What Dfns has for an operation whose request may have been received.
    async fn look_up(&self, kind: ActionKind, operation: &Operation) -> Result<Option<Outcome>> {
        let external_id = operation.external_id.clone();
        let keyed =
            matches!(kind, ActionKind::Transfer | ActionKind::Signature | ActionKind::CreateWallet);
        if keyed && external_id.is_none() {
            // Nothing to look it up by (never written by Sigil); treat as not received.
            return Ok(None);
        }
        let body: Value = serde_json::from_str(&operation.body).map_err(internal)?;
        Ok(match kind {
            ActionKind::Transfer => {
                let wallet_id = path_id(operation, "/transfers")?;
                let fetch = |dfns: DelegatedClient, token: Option<String>| {
                    let wallet_id = wallet_id.clone();
                    async move {
                        let page = dfns.list_transfers(&wallet_id, token.as_deref()).await?;
                        Ok((page.items, page.next_page_token))
                    }
                };
                let found = self.find_in_pages(fetch, |t: &Transfer| t.external_id == external_id);
                found.await?.map(Outcome::Transfer)
            }
            ActionKind::Signature => {
                let wallet_id = path_id(operation, "/signatures")?;
                let fetch = |dfns: DelegatedClient, token: Option<String>| {
                    let wallet_id = wallet_id.clone();
                    async move {
                        let page = dfns.list_signatures(&wallet_id, token.as_deref()).await?;
                        Ok((page.items, page.next_page_token))
                    }
                };
                let found = self.find_in_pages(fetch, |s: &Signature| s.external_id == external_id);
                found.await?.map(Outcome::Signature)
            }
            ActionKind::CreateWallet => {
                let fetch = |dfns: DelegatedClient, token: Option<String>| async move {
                    let query =
                        ListWalletsQuery { limit: Some(100), pagination_token: token, owner: None };
                    let page = dfns.list_wallets(&query).await?;
                    Ok((page.items, page.next_page_token))
                };
                let found = self.find_in_pages(fetch, |w: &Wallet| w.external_id == external_id);
                found.await?.map(Outcome::Wallet)
            }
            ActionKind::AddPasskey => {
                let credential_id = body["credentialInfo"]["credId"].as_str().unwrap_or_default();
                self.credentials()
                    .await?
                    .into_iter()
                    .find(|c| c.credential_id == credential_id)
                    .map(Outcome::PasskeyAdded)
            }
            ActionKind::DeactivatePasskey => {
                let uuid = body["credentialUuid"].as_str().unwrap_or_default().to_owned();
                let credentials = self.credentials().await?;
                credentials
                    .iter()
                    .any(|c| c.credential_uuid == uuid && !c.is_active)
                    .then_some(Outcome::PasskeyDeactivated { credential_uuid: uuid })
            }
        })
    }

    /// The first item `wanted` picks, following the pages `fetch` returns.
    async fn find_in_pages<T, F, Fut>(
        &self,
        fetch: F,
        wanted: impl Fn(&T) -> bool,
    ) -> Result<Option<T>>
    where
        F: Fn(DelegatedClient, Option<String>) -> Fut,
        Fut: Future<Output = Result<(Vec<T>, Option<String>), dfns_client::Error>>,
    {
        let mut token: Option<String> = None;
        loop {
            let (items, next) = self.dfns.call(|dfns| fetch(dfns, token.clone())).await?;
            if let Some(found) = items.into_iter().find(|item| wanted(item)) {
                return Ok(Some(found));
            }
            token = next;
            if token.is_none() {
                return Ok(None);
            }
        }
    }

    async fn credentials(&self) -> Result<Vec<Credential>> {
        let list = self.dfns.call(|dfns| async move { dfns.list_credentials().await }).await?;
        Ok(list.items)
    }

    async fn wallet(&self, wallet_id: &str) -> Result<Wallet> {
        self.reads
            .cached_wallets()
            .await?
            .into_iter()
            .map(|view| view.wallet)
            .find(|wallet| wallet.id == wallet_id)
            .ok_or_else(|| Error::WalletUnknown(wallet_id.to_owned()))
    }

    async fn wallet_and_asset(&self, wallet_id: &str, asset: &AssetRef) -> Result<(Wallet, Asset)> {
        let view = self
            .reads
            .cached_wallets()
            .await?
            .into_iter()
            .find(|view| view.wallet.id == wallet_id)
            .ok_or_else(|| Error::WalletUnknown(wallet_id.to_owned()))?;
        let assets = view.assets.map(|assets| assets.assets).unwrap_or_default();
        let found = assets.into_iter().find(|candidate| match asset {
            AssetRef::Native => candidate.kind == AssetKind::Native,
            AssetRef::Erc20 { contract } => {
                candidate.kind == AssetKind::Erc20
                    && candidate
                        .contract
                        .as_deref()
                        .is_some_and(|c| c.eq_ignore_ascii_case(contract))
            }
            AssetRef::Spl { mint } => candidate.mint.as_deref() == Some(mint.as_str()),
        });
        let asset = found.ok_or(Error::AssetUnknown)?;
        Ok((view.wallet, asset))
    }
}

fn kind_of(operation: &Operation) -> Result<ActionKind> {
    ActionKind::parse(&operation.kind)
        .ok_or_else(|| internal(format!("a journaled action of kind {:?}", operation.kind)))
}

/// The typed outcome of Dfns's answer.
fn outcome_of(kind: ActionKind, operation: &Operation, answer: Value) -> Result<Outcome> {
    Ok(match kind {
        ActionKind::Transfer => {
            Outcome::Transfer(serde_json::from_value(answer).map_err(internal)?)
        }
        ActionKind::Signature => {
            Outcome::Signature(serde_json::from_value(answer).map_err(internal)?)
        }
        ActionKind::CreateWallet => {
            Outcome::Wallet(serde_json::from_value(answer).map_err(internal)?)
        }
        ActionKind::AddPasskey => {
            Outcome::PasskeyAdded(serde_json::from_value(answer).map_err(internal)?)
        }
        ActionKind::DeactivatePasskey => {
            let body: CredentialUuidRequest =
                serde_json::from_str(&operation.body).map_err(internal)?;
            Outcome::PasskeyDeactivated { credential_uuid: body.credential_uuid }
        }
    })
}

/// The wallet id in a journaled path `/wallets/{id}{suffix}`.
fn path_id(operation: &Operation, suffix: &str) -> Result<String> {
    operation
        .path
        .strip_prefix("/wallets/")
        .and_then(|rest| rest.strip_suffix(suffix))
        .map(str::to_owned)
        .ok_or_else(|| internal(format!("a journaled path {:?}", operation.path)))
}

fn json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(internal)
}

fn internal(error: impl std::fmt::Display) -> Error {
    Error::Internal(error.to_string())
}

/// A new `externalId`: `sigil-` and 16 random bytes in hex.
fn external_id() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| Error::Randomness(error.to_string()))?;
    Ok(format!("sigil-{}", hex::encode(bytes)))
}
