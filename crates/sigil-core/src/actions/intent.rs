//! What a signed action does, in words a person checks before their passkey signs it. An intent
//! is decoded from the exact body bytes that will be signed and sent, never from the form that
//! produced them: what the user confirms is what Dfns receives.

use dfns_client::models::{Asset, AssetKind, TransferRequest, Wallet};
use serde::{Deserialize, Serialize};

use super::amount::BaseUnits;

/// A transfer as the confirmation screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Intent {
    /// What happens: `Send`.
    pub action: String,
    /// The Dfns network.
    pub network: String,
    /// The wallet it leaves from.
    pub wallet_id: String,
    /// The wallet's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The recipient.
    pub to: String,
    /// The amount, in whole units ("1.5").
    pub amount: String,
    /// The asset's symbol ("ETH", "USDC").
    pub symbol: String,
    /// `Native`, or the token's contract or mint.
    pub asset: String,
    /// The fee tier: `Slow`, `Standard` (Dfns's default) or `Fast`.
    pub fee_tier: String,
    /// The idempotency id that ties the action to its journal entry.
    pub external_id: String,
}

impl Intent {
    /// One line for people: "Send 1.5 ETH to 0x… on EthereumSepolia (Standard fee)".
    pub fn summary(&self) -> String {
        format!(
            "{} {} {} to {} on {} ({} fee)",
            self.action, self.amount, self.symbol, self.to, self.network, self.fee_tier
        )
    }
}

/// Why a body could not be decoded into an intent (a bug if Sigil built the body).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the request cannot be shown for confirmation: {0}")]
pub struct IntentError(pub String);

/// Decodes a transfer body for `wallet`, whose asset is `asset` (for decimals and symbol).
pub fn transfer_intent(body: &str, wallet: &Wallet, asset: &Asset) -> Result<Intent, IntentError> {
    let request: TransferRequest =
        serde_json::from_str(body).map_err(|error| IntentError(error.to_string()))?;
    let (to, amount, priority, external_id, token) = match &request {
        TransferRequest::Native { to, amount, priority, external_id, .. } => {
            (to, amount, priority, external_id, None)
        }
        TransferRequest::Erc20 { contract, to, amount, priority, external_id } => {
            (to, amount, priority, external_id, Some(("Erc20", contract)))
        }
        TransferRequest::Spl { to, amount, mint, external_id, .. } => {
            (to, amount, &None, external_id, Some(("Spl", mint)))
        }
    };
    let matches_asset = match token {
        None => asset.kind == AssetKind::Native,
        Some(("Erc20", contract)) => {
            asset.kind == AssetKind::Erc20
                && asset.contract.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(contract))
        }
        Some((_, mint)) => asset.mint.as_deref() == Some(mint.as_str()),
    };
    if !matches_asset {
        return Err(IntentError("the body names another asset than the one chosen".into()));
    }
    let amount = BaseUnits::parse_base(amount)
        .ok_or_else(|| IntentError(format!("amount {amount:?} is not base units")))?;
    let external_id =
        external_id.clone().ok_or_else(|| IntentError("the body has no externalId".into()))?;
    Ok(Intent {
        action: "Send".to_owned(),
        network: wallet.network.clone(),
        wallet_id: wallet.id.clone(),
        from: wallet.address.clone(),
        to: to.clone(),
        amount: amount.to_decimal_string(asset.decimals),
        symbol: asset.symbol.clone().unwrap_or_else(|| "units".to_owned()),
        asset: token.map_or_else(|| "Native".to_owned(), |(_, id)| id.clone()),
        fee_tier: priority.clone().unwrap_or_else(|| "Standard".to_owned()),
        external_id,
    })
}
