//! What the user asks for: the send form (asset, fee tier) and what to sign.

use dfns_networks::fees::Priority;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Self::Slow => "Slow",
            Self::Standard => "Standard",
            Self::Fast => "Fast",
        }
    }

    pub(super) fn priority(self) -> Priority {
        match self {
            Self::Slow => Priority::Slow,
            Self::Standard => Priority::Standard,
            Self::Fast => Priority::Fast,
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

impl SignWhat {
    /// What kind of request this is.
    pub fn kind(&self) -> SignKind {
        match self {
            Self::Message(_) => SignKind::Message,
            Self::TypedData(_) => SignKind::TypedData,
            Self::Hash(_) => SignKind::Hash,
        }
    }
}

/// What a signature request signs, as the Sign screen names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum SignKind {
    /// A text message (EIP-191 style).
    Message,
    /// EIP-712 typed data, as JSON.
    TypedData,
    /// A raw hash.
    Hash,
}

impl SignKind {
    const ALL: [Self; 3] = [Self::Message, Self::TypedData, Self::Hash];

    /// The Dfns signature `kind` it is sent as.
    pub fn dfns_kind(self) -> &'static str {
        match self {
            Self::Message => "Message",
            Self::TypedData => "Eip712",
            Self::Hash => "Hash",
        }
    }

    /// The kinds wallets of `family` sign.
    pub fn supported_by(family: dfns_networks::Family) -> Vec<Self> {
        Self::ALL
            .into_iter()
            .filter(|kind| family.signature_kinds().contains(&kind.dfns_kind()))
            .collect()
    }
}
