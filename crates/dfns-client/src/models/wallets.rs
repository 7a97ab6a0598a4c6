use serde::{Deserialize, Serialize};

use super::open_enum::open_enum;

open_enum!(
    /// Status of a wallet.
    WalletStatus { Active => "Active", Inactive => "Inactive", Archived => "Archived" }
);

/// A wallet as Dfns returns it (§4.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Wallet {
    /// `wa-…`
    pub id: String,
    /// Network name, e.g. `EthereumSepolia`.
    pub network: String,
    /// On-chain address, when the network has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The key behind the wallet.
    pub signing_key: SigningKey,
    /// Active, Inactive or Archived.
    pub status: WalletStatus,
    /// ISO 8601 creation time.
    pub date_created: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Always false for wallets delegated to an end user.
    pub custodial: bool,
    /// The caller's idempotency id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Free tags.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// The signing key of a wallet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SigningKey {
    /// `key-…`
    pub id: String,
    /// `ECDSA`, `EdDSA` or `Schnorr`.
    pub scheme: String,
    /// `secp256k1`, `ed25519` or `stark`.
    pub curve: String,
    /// Hex public key.
    pub public_key: String,
    /// The end user the key is delegated to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegated_to: Option<String>,
}

/// One wallet to create with `POST /auth/registration/enduser`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WalletSpec {
    /// Network name.
    pub network: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}
