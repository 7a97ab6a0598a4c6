//! Guardrails for delegated wallets, checked before anything is signed (Dfns policies do not
//! apply to delegated wallets, so these are the person's own): an optional daily limit per wallet
//! and asset (a refusal), a warning on the first send to an address, and a warning when the
//! recipient looks like an address sent to before but is not it (address poisoning).
//!
//! Only addresses this person sent to, or saved in their address book, count as known. An
//! incoming transfer proves nothing: the poisoner's dust arrives from the look-alike precisely so
//! that it looks familiar.

use std::collections::{BTreeMap, BTreeSet};

use dfns_client::models::{Asset, Wallet};
use serde::{Deserialize, Serialize};
use sigil_api::CompanyGuardrails;
use sigil_store::{Operation, OperationState};

use super::amount::BaseUnits;
use super::intent::{Intent, TransferIntent};
use crate::error::{Error, Result};

/// A day, for the daily limit.
pub(crate) const DAY_MS: i64 = 24 * 3_600_000;

/// How many characters at each end an address-poisoning look-alike shares with the real one.
const LOOKALIKE_HEAD: usize = 6;
const LOOKALIKE_TAIL: usize = 4;

/// Something to show before signing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(tag = "code", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Warning {
    /// Sigil never sent to this address.
    FirstSendToAddress,
    /// The recipient starts and ends like an address sent to before, but is another one: the
    /// pattern of address-poisoning scams.
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

/// The person's guardrails; until they set their own, the company's defaults for their wallets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct Guardrails {
    /// Per wallet id, then per asset (`Native`, or a token's contract or mint): the most that
    /// may leave in 24 hours, in whole units as typed ("0.5").
    #[serde(default)]
    pub daily_limits: BTreeMap<String, BTreeMap<String, String>>,
    /// Warn before the first send to an address.
    #[serde(default = "on")]
    pub first_send_warning: bool,
    /// Warn when a recipient looks like an address sent to before but is another one.
    #[serde(default = "on")]
    pub lookalike_check: bool,
}

fn on() -> bool {
    true
}

impl Default for Guardrails {
    fn default() -> Self {
        Self { daily_limits: BTreeMap::new(), first_send_warning: true, lookalike_check: true }
    }
}

impl Guardrails {
    /// The company's defaults, applied to each of `wallets` by its network.
    pub fn from_company(company: &CompanyGuardrails, wallets: &[Wallet]) -> Self {
        let daily_limits = wallets
            .iter()
            .filter_map(|wallet| {
                let limits = company.daily_limits.get(&wallet.network)?;
                Some((wallet.id.clone(), limits.clone()))
            })
            .collect();
        Self {
            daily_limits,
            first_send_warning: company.first_send_warning,
            lookalike_check: company.lookalike_check,
        }
    }

    /// Refuses limits that are not positive amounts of an asset of one of `wallets` (each
    /// with its assets); an empty limit means none and is dropped.
    pub fn checked(mut self, wallets: &[(Wallet, Vec<Asset>)]) -> Result<Self> {
        for (wallet_id, limits) in &mut self.daily_limits {
            let (wallet, assets) =
                wallets.iter().find(|(wallet, _)| &wallet.id == wallet_id).ok_or_else(|| {
                    Error::GuardrailInvalid(format!("no wallet {wallet_id} to limit"))
                })?;
            limits.retain(|_, limit| !limit.trim().is_empty());
            for (key, limit) in limits.iter_mut() {
                let asset =
                    assets.iter().find(|asset| &asset_key(asset) == key).ok_or_else(|| {
                        Error::GuardrailInvalid(format!(
                            "the {} wallet holds no asset {key} to limit",
                            wallet.network
                        ))
                    })?;
                let symbol = asset.symbol.clone().unwrap_or_else(|| key.clone());
                let amount =
                    BaseUnits::parse_decimal(limit, asset.decimals, &symbol).map_err(|error| {
                        Error::GuardrailInvalid(format!("daily limit of {symbol}: {error}"))
                    })?;
                *limit = amount.to_decimal_string(asset.decimals);
            }
        }
        self.daily_limits.retain(|_, limits| !limits.is_empty());
        Ok(self)
    }

    /// Refuses a transfer over the daily limit; returns the warnings for the others. `sends`
    /// are the person's journaled transfers, any wallet, any state; `saved` the addresses of
    /// the wallet's network in their address book.
    #[allow(clippy::too_many_arguments)] // each is a separate fact the check weighs
    pub(crate) fn check(
        &self,
        wallet: &Wallet,
        asset: &Asset,
        to: &str,
        amount: BaseUnits,
        sends: &[Operation],
        saved: &[&str],
        now_ms: i64,
    ) -> Result<Vec<Warning>> {
        let key = asset_key(asset);
        let symbol = asset.symbol.clone().unwrap_or_else(|| "units".to_owned());
        let sends: Vec<(&Operation, TransferIntent)> = sends
            .iter()
            .filter(|op| op.kind == "transfer")
            .filter_map(|op| match serde_json::from_str::<Intent>(&op.intent).ok()? {
                Intent::Send(intent) => Some((op, intent)),
                _ => None,
            })
            .collect();
        if let Some(limit) = self.daily_limits.get(&wallet.id).and_then(|limits| limits.get(&key)) {
            let limit = BaseUnits::parse_decimal(limit, asset.decimals, &symbol)?;
            // What left in the last 24 hours: signed at least. A transfer prepared and never
            // signed, or refused for certain, spent nothing.
            let spent = sends
                .iter()
                .filter(|(_, intent)| intent.wallet_id == wallet.id && intent.asset == key)
                .filter(|(op, _)| now_ms - op.created_at_ms < DAY_MS)
                .filter(|(op, _)| {
                    matches!(
                        op.state,
                        OperationState::Signed | OperationState::Sent | OperationState::Done
                    )
                })
                .filter_map(|(_, intent)| {
                    BaseUnits::parse_decimal(&intent.amount, asset.decimals, &symbol).ok()
                });
            let total = spent.fold(amount.0, |total, earlier| total.saturating_add(earlier.0));
            if total > limit.0 {
                return Err(Error::DailyLimitExceeded {
                    limit: limit.to_decimal_string(asset.decimals),
                    symbol,
                });
            }
        }
        let mut known: BTreeSet<&str> = sends
            .iter()
            .filter(|(op, _)| matches!(op.state, OperationState::Sent | OperationState::Done))
            .map(|(_, intent)| intent.to.as_str())
            .chain(saved.iter().copied())
            .collect();
        if let Some(own) = &wallet.address {
            known.remove(own.as_str());
        }
        if known.iter().any(|address| address.eq_ignore_ascii_case(to)) {
            return Ok(Vec::new());
        }
        let mut warnings = Vec::new();
        if self.first_send_warning {
            warnings.push(Warning::FirstSendToAddress);
        }
        if self.lookalike_check
            && let Some(imitated) = known.iter().find(|address| looks_alike(address, to))
        {
            warnings.push(Warning::LooksLikeKnownAddress { known: (*imitated).to_owned() });
        }
        Ok(warnings)
    }
}

/// The asset's key in the daily limits.
pub(crate) fn asset_key(asset: &Asset) -> String {
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
