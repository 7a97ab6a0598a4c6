//! Signed actions (DESIGN.md §3). A transfer is checked (wallet, asset, recipient address for
//! the network, amount against the asset's decimals and balance, guardrails), its body built
//! once, its [`Intent`] decoded from those bytes, and the whole journaled **before** anything is
//! sent. Confirming it runs Init → passkey → Complete with exactly the journaled bytes. An
//! outcome that is not known (crash, timeout, lost answer) is looked up by `externalId` before
//! anything is signed again, with the same `externalId`: nothing is ever sent twice.
//!
//! One action at a time: a second request while one runs gets `BUSY`.

pub mod amount;
mod guardrails;
pub mod intent;

use std::sync::Arc;

use dfns_client::models::{Asset, AssetKind, SignedChallenge, Transfer, TransferRequest, Wallet};
use serde::{Deserialize, Serialize};
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

/// The journal's kind for a transfer.
const TRANSFER: &str = "transfer";

/// Which asset of a wallet to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// A journaled action waiting for the user's confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// The journal entry.
    pub operation_id: String,
    /// What to show.
    pub intent: Intent,
    /// Guardrail warnings to show before signing.
    pub warnings: Vec<Warning>,
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

    /// Checks a transfer, builds its body once, decodes its intent and journals it. Nothing is
    /// sent: [`Actions::confirm`] does that after the user saw the intent.
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
        let now = self.clock.now_ms();
        let history = self.reads.cached_history(&wallet.id, 200).await?;
        let recent = self.journal.recent(owner, 200).await?;
        let warnings =
            self.guardrails.check(&wallet, &asset, &to, amount, &history, &recent, now)?;

        let external_id = format!("sigil-{}", random_hex()?);
        let priority = request.fee_tier.map(|tier| tier.as_str().to_owned());
        let body = match &request.asset {
            AssetRef::Native => TransferRequest::Native {
                to: to.clone(),
                amount: amount.to_base_string(),
                memo: None,
                priority,
                external_id: Some(external_id.clone()),
            },
            AssetRef::Erc20 { contract } => TransferRequest::Erc20 {
                contract: contract.clone(),
                to: to.clone(),
                amount: amount.to_base_string(),
                priority,
                external_id: Some(external_id.clone()),
            },
            AssetRef::Spl { mint } => TransferRequest::Spl {
                to: to.clone(),
                amount: amount.to_base_string(),
                mint: mint.clone(),
                memo: None,
                create_destination_account: Some(true),
                external_id: Some(external_id.clone()),
            },
        };
        let body = serde_json::to_string(&body).map_err(|e| Error::Internal(e.to_string()))?;
        let intent = intent::transfer_intent(&body, &wallet, &asset)
            .map_err(|error| Error::Internal(error.to_string()))?;
        let intent_json =
            serde_json::to_string(&intent).map_err(|e| Error::Internal(e.to_string()))?;
        let path = format!("/wallets/{}/transfers", wallet.id);
        let operation = self
            .journal
            .record(
                &NewOperation {
                    kind: TRANSFER,
                    owner,
                    external_id: Some(&external_id),
                    method: "POST",
                    path: &path,
                    body: &body,
                    intent: &intent_json,
                },
                now,
            )
            .await?;
        tracing::info!(operation = %operation.id, external_id, "transfer prepared");
        Ok(Prepared { operation_id: operation.id, intent, warnings })
    }

    /// Signs and sends a prepared transfer with the user's passkey, exactly as journaled. An
    /// operation whose earlier attempt has an unknown outcome is first looked up at Dfns by its
    /// `externalId`; it is signed again only if Dfns never received it.
    pub async fn confirm(
        &self,
        owner: &str,
        operation_id: &str,
        passkeys: &Passkeys,
        prompter: &dyn Prompter,
        cancel: &CancellationToken,
    ) -> Result<Transfer> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        let operation = self.operation(owner, operation_id).await?;
        if operation.state.is_final() {
            return Err(Error::OperationFinished(operation.state.to_string()));
        }
        if operation.state == OperationState::Sent
            && let Some(transfer) = self.look_up(&operation).await?
        {
            return self.finish(&operation, transfer).await;
        }
        let request: TransferRequest = serde_json::from_str(&operation.body)
            .map_err(|e| Error::Internal(format!("a journaled transfer is unreadable: {e}")))?;
        let wallet_id = wallet_id_of(&operation)?;
        let now = self.clock.now_ms();
        let dfns = self.dfns.client().await?;
        let pending = dfns.transfer_asset_init(&wallet_id, &request).await?;
        if pending.body() != operation.body {
            // Never sign bytes other than the ones the user confirmed.
            return Err(Error::Internal("the body to sign differs from the journaled one".into()));
        }
        self.advance(&operation, OperationState::Initiated, None, now).await?;
        let assertion = passkeys.sign(pending.challenge(), prompter, cancel).await?;
        let signed = SignedChallenge {
            challenge_identifier: pending.challenge().challenge_identifier.clone(),
            first_factor: assertion,
            second_factor: None,
        };
        self.advance(&operation, OperationState::Sent, None, self.clock.now_ms()).await?;
        match dfns.complete(pending, &signed).await {
            Ok(transfer) => self.finish(&operation, transfer).await,
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
    /// Dfns: found means done. Operations that never reached Dfns (`Initiated`, `Signed`: the
    /// request was not sent) stay, to be confirmed again. Returns how many were settled.
    pub async fn reconcile(&self, owner: &str) -> Result<usize> {
        let _one_at_a_time = self.running.try_lock().map_err(|_| Error::Busy)?;
        let mut settled = 0;
        for operation in self.journal.unfinished(owner).await? {
            if operation.kind != TRANSFER || operation.state != OperationState::Sent {
                continue;
            }
            if let Some(transfer) = self.look_up(&operation).await? {
                self.finish(&operation, transfer).await?;
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
            return Err(Error::OutcomeUnknown("the transfer may have been sent".into()));
        }
        self.advance(&operation, OperationState::Abandoned, None, self.clock.now_ms()).await
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
        now_ms: i64,
    ) -> Result<()> {
        // A retry of an operation already further along (e.g. `Sent`, not received) keeps its
        // state: the journal only moves forward.
        if operation.state.can_advance_to(to) {
            self.journal.advance(&operation.id, to, result, now_ms).await?;
        }
        Ok(())
    }

    async fn finish(&self, operation: &Operation, transfer: Transfer) -> Result<Transfer> {
        let result =
            serde_json::to_string(&transfer).map_err(|e| Error::Internal(e.to_string()))?;
        self.journal
            .advance(&operation.id, OperationState::Done, Some(&result), self.clock.now_ms())
            .await?;
        tracing::info!(operation = %operation.id, transfer = %transfer.id, "transfer accepted");
        Ok(transfer)
    }

    /// The transfer Dfns has for the operation's `externalId`, if any.
    async fn look_up(&self, operation: &Operation) -> Result<Option<Transfer>> {
        let Some(external_id) = operation.external_id.clone() else { return Ok(None) };
        let wallet_id = wallet_id_of(operation)?;
        let mut token: Option<String> = None;
        loop {
            let page = self
                .dfns
                .call(|dfns| {
                    let (wallet_id, token) = (wallet_id.clone(), token.clone());
                    async move { dfns.list_transfers(&wallet_id, token.as_deref()).await }
                })
                .await?;
            if let Some(found) =
                page.items.into_iter().find(|t| t.external_id.as_deref() == Some(&external_id))
            {
                return Ok(Some(found));
            }
            token = page.next_page_token;
            if token.is_none() {
                return Ok(None);
            }
        }
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

/// The wallet id in a journaled transfer's path (`/wallets/{id}/transfers`).
fn wallet_id_of(operation: &Operation) -> Result<String> {
    operation
        .path
        .strip_prefix("/wallets/")
        .and_then(|rest| rest.strip_suffix("/transfers"))
        .map(str::to_owned)
        .ok_or_else(|| {
            Error::Internal(format!("a journaled transfer has the path {:?}", operation.path))
        })
}

/// 16 random bytes as hex (an `externalId`).
fn random_hex() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| Error::Randomness(error.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
