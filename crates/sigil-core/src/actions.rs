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
mod computer_code;
mod confirm;
mod guardrails;
pub mod intent;
mod prepare;
mod reconcile;
mod request;

use std::collections::HashMap;
use std::sync::Arc;

use dfns_client::models::Credential;
use dfns_networks::fees::FeeEstimate;
use serde::Serialize;
use sigil_store::{Journal, Operation, OperationState};
use tokio::sync::Mutex;

pub use self::amount::{AmountError, BaseUnits};
pub use self::computer_code::COMPUTER_CODE_LIFETIME_MS;
pub use self::confirm::Outcome;
pub use self::guardrails::{Guardrails, Warning};
pub use self::intent::{Intent, TransferFee};
pub use self::prepare::Prepared;
pub use self::request::{AssetRef, FeeTier, SendRequest, SignKind, SignWhat};
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

/// How long a fee estimate is used before Dfns is asked again: the send form checks on every
/// pause in typing, and fees do not move that fast.
const FEE_ESTIMATE_KEPT_MS: i64 = 30_000;

/// How long a prepared action may wait for its confirmation: balances, fees and the person's
/// intention change, and an old screen left open must not sign.
pub const PREPARED_LIFETIME_MS: i64 = 10 * 60_000;

/// The user's signed actions.
#[derive(Debug)]
pub struct Actions {
    dfns: Arc<DfnsSession>,
    reads: Reads,
    journal: Journal,
    clock: Arc<dyn Clock>,
    running: Mutex<()>,
    /// Fee estimates per network, with when they were fetched.
    fees: Mutex<HashMap<String, (i64, FeeEstimate)>>,
}

impl Actions {
    /// Actions through `dfns`, checked against what `reads` has cached, journaled in `journal`.
    pub fn new(
        dfns: Arc<DfnsSession>,
        reads: Reads,
        journal: Journal,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self { dfns, reads, journal, clock, running: Mutex::new(()), fees: Mutex::default() }
    }

    /// The journal.
    pub fn journal(&self) -> &Journal {
        &self.journal
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

    async fn credentials(&self) -> Result<Vec<Credential>> {
        let list = self.dfns.call(|dfns| async move { dfns.list_credentials().await }).await?;
        Ok(list.items)
    }
}

fn kind_of(operation: &Operation) -> Result<ActionKind> {
    ActionKind::parse(&operation.kind)
        .ok_or_else(|| internal(format!("a journaled action of kind {:?}", operation.kind)))
}

fn json<T: Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(internal)
}

fn internal(error: impl std::fmt::Display) -> Error {
    Error::Internal(error.to_string())
}
