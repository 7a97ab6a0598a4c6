//! Guardrails for delegated wallets, checked before anything is signed (Dfns policies do not
//! apply to delegated wallets, so these are the user's own): an optional daily limit per wallet
//! and asset (a refusal), a warning on the first send to an address, and a warning when the
//! recipient looks like a recent address but is not it (address poisoning).

use std::collections::{BTreeSet, HashMap};

use dfns_client::models::{Asset, HistoryItem, Wallet};
use serde::{Deserialize, Serialize};
use sigil_store::{Operation, OperationState};

use super::amount::BaseUnits;
use super::intent::{Intent, TransferIntent};
use crate::error::{Error, Result};

/// A day, for the daily limit.
const DAY_MS: i64 = 24 * 3_600_000;

/// How many characters at each end an address-poisoning look-alike shares with the real one.
const LOOKALIKE_HEAD: usize = 6;
const LOOKALIKE_TAIL: usize = 4;

/// Something to show before signing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(tag = "code", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Warning {
    /// This wallet never sent to, or received from, this address.
    FirstSendToAddress,
    /// The recipient starts and ends like an address this wallet used, but is another one:
    /// the pattern of address-poisoning scams.
    LooksLikeKnownAddress {
        /// The address it imitates.
        known: String,
    },
    /// Deactivating this passkey leaves the account without an active one: nothing could be
    /// signed any more.
    LastActivePasskey,
    /// A raw hash: Sigil cannot show what it stands for (a transaction, a permit, anything).
    RawHash,
}

/// The user's guardrail settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Guardrails {
    /// Per wallet id, then per asset (`Native`, or a contract or mint): the most that may leave
    /// in 24 hours, in whole units as typed ("0.5").
    pub daily_limits: HashMap<String, HashMap<String, String>>,
}

impl Guardrails {
    /// Refuses a transfer over the daily limit; returns the warnings for the others.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn check(
        &self,
        wallet: &Wallet,
        asset: &Asset,
        to: &str,
        amount: BaseUnits,
        history: &[HistoryItem],
        journal: &[Operation],
        now_ms: i64,
    ) -> Result<Vec<Warning>> {
        let key = asset_key(asset);
        let symbol = asset.symbol.clone().unwrap_or_else(|| "units".to_owned());
        // What may have left the wallet: signed at least (a prepared transfer the user never
        // confirmed spends nothing and vouches for no address).
        let signed: Vec<(i64, OperationState, TransferIntent)> = journal
            .iter()
            .filter(|op| op.kind == "transfer")
            .filter(|op| {
                matches!(
                    op.state,
                    OperationState::Initiated
                        | OperationState::Signed
                        | OperationState::Sent
                        | OperationState::Done
                )
            })
            .filter_map(|op| match serde_json::from_str::<Intent>(&op.intent).ok()? {
                Intent::Send(intent) if intent.wallet_id == wallet.id => {
                    Some((op.created_at_ms, op.state, intent))
                }
                _ => None,
            })
            .collect();
        let today: Vec<&TransferIntent> = signed
            .iter()
            .filter(|(created, _, _)| now_ms - created < DAY_MS)
            .map(|(_, _, intent)| intent)
            .collect();
        if let Some(limit) = self.daily_limits.get(&wallet.id).and_then(|limits| limits.get(&key)) {
            let limit = BaseUnits::parse_decimal(limit, asset.decimals, &symbol)?;
            let mut total = amount.0;
            for intent in today.iter().filter(|intent| intent.asset == key) {
                if let Ok(earlier) =
                    BaseUnits::parse_decimal(&intent.amount, asset.decimals, &symbol)
                {
                    total = total.saturating_add(earlier.0);
                }
            }
            if total > limit.0 {
                return Err(Error::DailyLimitExceeded {
                    limit: limit.to_decimal_string(asset.decimals),
                    symbol,
                });
            }
        }
        let mut known: BTreeSet<String> = BTreeSet::new();
        for item in history {
            for address in [&item.from, &item.to].into_iter().flatten() {
                known.insert(address.clone());
            }
            for addresses in [&item.froms, &item.tos].into_iter().flatten() {
                known.extend(addresses.iter().cloned());
            }
        }
        known.extend(
            signed
                .iter()
                .filter(|(_, state, _)| {
                    matches!(state, OperationState::Sent | OperationState::Done)
                })
                .map(|(_, _, intent)| intent.to.clone()),
        );
        if let Some(own) = &wallet.address {
            known.remove(own);
        }
        if known.iter().any(|address| address.eq_ignore_ascii_case(to)) {
            return Ok(Vec::new());
        }
        let mut warnings = vec![Warning::FirstSendToAddress];
        if let Some(imitated) = known.iter().find(|address| looks_alike(address, to)) {
            warnings.push(Warning::LooksLikeKnownAddress { known: imitated.clone() });
        }
        Ok(warnings)
    }
}

/// The asset's key in the daily limits.
fn asset_key(asset: &Asset) -> String {
    asset.contract.clone().or_else(|| asset.mint.clone()).unwrap_or_else(|| "Native".to_owned())
}

/// Same first and last characters (ignoring case and `0x`), yet another address.
fn looks_alike(known: &str, candidate: &str) -> bool {
    let strip = |address: &str| address.trim_start_matches("0x").to_ascii_lowercase();
    let (known, candidate) = (strip(known), strip(candidate));
    if known == candidate || known.len() < LOOKALIKE_HEAD + LOOKALIKE_TAIL {
        return false;
    }
    let (known, candidate) = (known.as_bytes(), candidate.as_bytes());
    known.len() == candidate.len()
        && known[..LOOKALIKE_HEAD] == candidate[..LOOKALIKE_HEAD]
        && known[known.len() - LOOKALIKE_TAIL..] == candidate[candidate.len() - LOOKALIKE_TAIL..]
}

#[cfg(test)]
mod tests;
