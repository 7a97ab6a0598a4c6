//! What a signed action does, in words a person checks before their passkey signs it. An intent
//! is decoded from the exact body bytes that will be signed and sent, never from the form that
//! produced them: what the user confirms is what Dfns receives.

use dfns_client::models::{
    Asset, AssetKind, CreateCredentialRequest, CreateWalletRequest, CredentialUuidRequest, Quotes,
    SignaturePayload, SignatureRequest, TransferRequest, Wallet,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::amount::BaseUnits;

/// A transfer as the confirmation screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct TransferIntent {
    /// The Dfns network.
    pub network: String,
    /// The wallet it leaves from.
    pub wallet_id: String,
    /// The wallet's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The recipient.
    pub to: String,
    /// The name the person saved the recipient under, when they did (shown beside it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_name: Option<String>,
    /// The amount, in whole units ("1.5").
    pub amount: String,
    /// The asset's symbol ("ETH", "USDC").
    pub symbol: String,
    /// `Native`, or the token's contract or mint.
    pub asset: String,
    /// The fee tier: `Slow`, `Standard` (Dfns's default) or `Fast`.
    pub fee_tier: String,
    /// The most the network fee may be, at Dfns's estimate when it was prepared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<TransferFee>,
    /// The idempotency id that ties the action to its journal entry.
    pub external_id: String,
}

/// A network fee, in the network's coin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct TransferFee {
    /// In whole units ("0.000063").
    pub amount: String,
    /// The network's coin ("ETH").
    pub symbol: String,
    /// Fiat value of one whole coin, when Dfns gave one, e.g. `{"USD": 3020.8}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quotes: Option<Quotes>,
}

/// A signature as the confirmation screen shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct SignatureIntent {
    /// The Dfns network of the wallet.
    pub network: String,
    /// The wallet whose key signs.
    pub wallet_id: String,
    /// The wallet's address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// What is signed: `Message`, `Typed data (EIP-712)` or `Hash`.
    pub what: String,
    /// A message as text when it is UTF-8, else its hex; the hash for a hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// EIP-712: the domain (name, version, chainId, verifyingContract).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<Value>,
    /// EIP-712: the message's fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Value>,
    /// EIP-712: the struct signed (e.g. `Permit`): what the message is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_type: Option<String>,
    /// EIP-712: every type of the structure, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub types: Option<Value>,
    /// The idempotency id.
    pub external_id: String,
}

/// Any signed action, decoded for confirmation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(tag = "action")]
pub enum Intent {
    /// Send an asset.
    Send(TransferIntent),
    /// Sign a message, typed data or a hash.
    Sign(SignatureIntent),
    /// Create one more wallet.
    #[serde(rename_all = "camelCase")]
    CreateWallet {
        /// The network.
        network: String,
        /// Its display name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "typescript", ts(optional))]
        name: Option<String>,
        /// The idempotency id.
        external_id: String,
    },
    /// Add a passkey to the account.
    #[serde(rename_all = "camelCase")]
    AddPasskey {
        /// Its name.
        name: String,
        /// Its credential id (base64url).
        credential_id: String,
    },
    /// Deactivate a passkey.
    #[serde(rename_all = "camelCase")]
    DeactivatePasskey {
        /// Its uuid (`cr-…`).
        credential_uuid: String,
    },
    /// Make a one-time code with which another computer adds its own passkey.
    #[serde(rename_all = "camelCase")]
    AddComputer {
        /// How long the code works, in seconds.
        valid_for_seconds: i64,
    },
}

impl Intent {
    /// One line for people, e.g. "Send 1.5 ETH to 0x… on EthereumSepolia (Standard fee)".
    pub fn summary(&self) -> String {
        match self {
            Self::Send(t) => format!(
                "Send {} {} to {} on {} ({} fee)",
                t.amount, t.symbol, t.to, t.network, t.fee_tier
            ),
            Self::Sign(s) => match &s.text {
                Some(text) => format!("Sign {} with your {} wallet: {text}", s.what, s.network),
                None => format!("Sign {} with your {} wallet", s.what, s.network),
            },
            Self::CreateWallet { network, .. } => format!("Create a wallet on {network}"),
            Self::AddPasskey { name, .. } => format!("Add the passkey \u{201c}{name}\u{201d}"),
            Self::DeactivatePasskey { credential_uuid } => {
                format!("Deactivate the passkey {credential_uuid}")
            }
            Self::AddComputer { valid_for_seconds } => format!(
                "Let another computer add its own passkey to your account with a code good for \
                 {valid_for_seconds} seconds"
            ),
        }
    }

    /// The idempotency id, for the actions that have one.
    pub fn external_id(&self) -> Option<&str> {
        match self {
            Self::Send(t) => Some(&t.external_id),
            Self::Sign(s) => Some(&s.external_id),
            Self::CreateWallet { external_id, .. } => Some(external_id),
            Self::AddPasskey { .. } | Self::DeactivatePasskey { .. } | Self::AddComputer { .. } => {
                None
            }
        }
    }
}

/// Why a body could not be decoded into an intent (a bug if Sigil built the body).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the request cannot be shown for confirmation: {0}")]
pub struct IntentError(pub String);

fn parse<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, IntentError> {
    serde_json::from_str(body).map_err(|error| IntentError(error.to_string()))
}

/// Decodes a transfer body for `wallet`, whose asset is `asset` (for decimals and symbol); `fee`
/// is the estimate checked with it.
pub fn transfer_intent(
    body: &str,
    wallet: &Wallet,
    asset: &Asset,
    fee: Option<TransferFee>,
    to_name: Option<String>,
) -> Result<Intent, IntentError> {
    let (to, amount, priority, external_id, token) = match parse(body)? {
        TransferRequest::Native { to, amount, priority, external_id, .. } => {
            (to, amount, priority, external_id, None)
        }
        TransferRequest::Erc20 { contract, to, amount, priority, external_id } => {
            (to, amount, priority, external_id, Some((AssetKind::Erc20, contract)))
        }
        TransferRequest::Spl { to, amount, mint, external_id, .. } => {
            (to, amount, None, external_id, Some((AssetKind::Spl, mint)))
        }
    };
    let matches_asset = match &token {
        None => asset.kind == AssetKind::Native,
        Some((AssetKind::Erc20, contract)) => {
            asset.kind == AssetKind::Erc20
                && asset.contract.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(contract))
        }
        Some((_, mint)) => asset.mint.as_deref() == Some(mint.as_str()),
    };
    if !matches_asset {
        return Err(IntentError("the body names another asset than the one chosen".into()));
    }
    let amount = BaseUnits::parse_base(&amount)
        .ok_or_else(|| IntentError(format!("amount {amount:?} is not base units")))?;
    let external_id =
        external_id.ok_or_else(|| IntentError("the body has no externalId".into()))?;
    Ok(Intent::Send(TransferIntent {
        network: wallet.network.clone(),
        wallet_id: wallet.id.clone(),
        from: wallet.address.clone(),
        to,
        to_name,
        amount: amount.to_decimal_string(asset.decimals),
        symbol: asset.symbol.clone().unwrap_or_else(|| "units".to_owned()),
        asset: token.map_or_else(|| "Native".to_owned(), |(_, id)| id),
        fee_tier: priority.unwrap_or_else(|| "Standard".to_owned()),
        fee,
        external_id,
    }))
}

/// Decodes a signature body for `wallet`.
pub fn signature_intent(body: &str, wallet: &Wallet) -> Result<Intent, IntentError> {
    let request: SignatureRequest = parse(body)?;
    let external_id =
        request.external_id.ok_or_else(|| IntentError("the body has no externalId".into()))?;
    let mut typed = None;
    let (what, text) = match request.payload {
        SignaturePayload::Message { message } | SignaturePayload::Eip191 { message } => {
            ("Message", Some(readable(&message)))
        }
        SignaturePayload::Eip712 { types, domain, message } => {
            typed = Some((types, domain, message));
            ("Typed data (EIP-712)", None)
        }
        SignaturePayload::Hash { hash } => ("Hash", Some(hash)),
        SignaturePayload::Transaction { transaction } => ("Transaction", Some(transaction)),
    };
    let (domain, fields, primary_type, types) = match typed {
        Some((types, domain, message)) => {
            let mut parts = serde_json::Map::new();
            parts.insert("types".into(), types.clone());
            parts.insert("domain".into(), domain.clone());
            parts.insert("message".into(), message.clone());
            let checked = dfns_networks::eip712::check(&parts)
                .map_err(|reason| IntentError(format!("the typed data: {reason}")))?;
            (Some(domain), Some(message), Some(checked.primary_type), Some(types))
        }
        None => (None, None, None, None),
    };
    Ok(Intent::Sign(SignatureIntent {
        network: wallet.network.clone(),
        wallet_id: wallet.id.clone(),
        from: wallet.address.clone(),
        what: what.to_owned(),
        text,
        domain,
        fields,
        primary_type,
        types,
        external_id,
    }))
}

/// Decodes a wallet-creation body.
pub fn create_wallet_intent(body: &str) -> Result<Intent, IntentError> {
    let request: CreateWalletRequest = parse(body)?;
    let external_id =
        request.external_id.ok_or_else(|| IntentError("the body has no externalId".into()))?;
    Ok(Intent::CreateWallet { network: request.network, name: request.name, external_id })
}

/// Decodes a new-passkey body.
pub fn add_passkey_intent(body: &str) -> Result<Intent, IntentError> {
    let request: CreateCredentialRequest = parse(body)?;
    Ok(Intent::AddPasskey {
        name: request.credential_name,
        credential_id: request.credential_info.cred_id,
    })
}

/// Decodes a deactivation body.
pub fn deactivate_passkey_intent(body: &str) -> Result<Intent, IntentError> {
    let request: CredentialUuidRequest = parse(body)?;
    Ok(Intent::DeactivatePasskey { credential_uuid: request.credential_uuid })
}

/// A 0x-hex message as text when it is printable UTF-8, else as the hex.
fn readable(hex_message: &str) -> String {
    let bytes = hex_message.strip_prefix("0x").and_then(|digits| hex::decode(digits).ok());
    match bytes.and_then(|bytes| String::from_utf8(bytes).ok()) {
        Some(text) if !text.chars().any(|c| c.is_control() && c != '\n') => text,
        _ => hex_message.to_owned(),
    }
}
