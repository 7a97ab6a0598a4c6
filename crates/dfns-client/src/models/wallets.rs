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

/// `POST /wallets` body (§4.1).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateWalletRequest {
    /// Network name.
    pub network: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Idempotency id: the same id and body give back the same wallet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Free tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Service account only: the end user the wallet is delegated to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegate_to: Option<String>,
}

/// `GET /wallets` query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListWalletsQuery {
    /// Items per page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// From the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination_token: Option<String>,
    /// Only wallets delegated to this user id or username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

open_enum!(
    /// The kind of an asset or of a transfer request.
    AssetKind { Native => "Native", Erc20 => "Erc20", Spl => "Spl", Spl2022 => "Spl2022" }
);

/// Quotes in fiat currencies, e.g. `{"USD": 3020.8}`.
pub type Quotes = std::collections::BTreeMap<String, f64>;

/// One asset of a wallet (§4.2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Asset {
    /// Native, Erc20, Spl…
    pub kind: AssetKind,
    /// Erc20: the token contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<String>,
    /// Spl: the token mint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mint: Option<String>,
    /// Ticker, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// Decimals of the smallest unit.
    pub decimals: u8,
    /// Whether Dfns vouches for the token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// Balance in the smallest unit, base 10.
    pub balance: String,
    /// Fiat value of one whole unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quotes: Option<Quotes>,
}

/// `GET /wallets/{id}/assets` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WalletAssets {
    /// The wallet.
    pub wallet_id: String,
    /// Its network.
    pub network: String,
    /// Every asset with a balance.
    pub assets: Vec<Asset>,
    /// Total fiat value, with `netWorth=true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_worth: Option<Quotes>,
}

/// `POST /wallets/{id}/transfers` body, by kind (§4.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", deny_unknown_fields)]
pub enum TransferRequest {
    /// The network's own coin.
    #[serde(rename_all = "camelCase")]
    Native {
        /// Destination address.
        to: String,
        /// Amount in the smallest unit, base 10.
        amount: String,
        /// Memo, where the network has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        memo: Option<String>,
        /// Fee tier: Slow, Standard or Fast.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<String>,
        /// Idempotency id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        external_id: Option<String>,
    },
    /// An ERC-20 token (EVM).
    #[serde(rename_all = "camelCase")]
    Erc20 {
        /// Token contract.
        contract: String,
        /// Destination address.
        to: String,
        /// Amount in the token's smallest unit.
        amount: String,
        /// Fee tier.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        priority: Option<String>,
        /// Idempotency id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        external_id: Option<String>,
    },
    /// An SPL token (Solana).
    #[serde(rename_all = "camelCase")]
    Spl {
        /// Destination address.
        to: String,
        /// Amount in the token's smallest unit.
        amount: String,
        /// Token mint.
        mint: String,
        /// Memo.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        memo: Option<String>,
        /// Create the recipient's token account if needed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        create_destination_account: Option<bool>,
        /// Idempotency id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        external_id: Option<String>,
    },
}

open_enum!(
    /// Where a transfer or signature stands.
    RequestStatus {
        Pending => "Pending",
        Executing => "Executing",
        Broadcasted => "Broadcasted",
        Signed => "Signed",
        Confirmed => "Confirmed",
        Failed => "Failed",
        Rejected => "Rejected",
    }
);

/// Who asked for a transfer or signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Requester {
    /// `us-…`
    pub user_id: String,
    /// `to-…`, the token used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_id: Option<String>,
}

/// Symbol and decimals of the asset a transfer or history item moves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssetMetadata {
    /// Ticker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// Decimals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
    /// Whether Dfns vouches for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// Fiat quotes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quotes: Option<Quotes>,
}

/// `{asset}` metadata of transfers and history items.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransferMetadata {
    /// The asset moved.
    #[serde(default)]
    pub asset: AssetMetadata,
}

/// A transfer (§4.3). `requestBody` is kept as sent, so kinds this version does not know survive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transfer {
    /// `xfr-…`
    pub id: String,
    /// Source wallet.
    pub wallet_id: String,
    /// Network.
    pub network: String,
    /// Who asked.
    pub requester: Requester,
    /// The request, echoed.
    pub request_body: serde_json::Value,
    /// Asset metadata.
    #[serde(default)]
    pub metadata: TransferMetadata,
    /// Status.
    pub status: RequestStatus,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Set from Broadcasted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_hash: Option<String>,
    /// Fee paid, in the native smallest unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<String>,
    /// ISO 8601.
    pub date_requested: String,
    /// ISO 8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_broadcasted: Option<String>,
    /// ISO 8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_confirmed: Option<String>,
    /// Idempotency id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// `GET /wallets/{id}/transfers` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferList {
    /// The wallet.
    pub wallet_id: String,
    /// This page.
    pub items: Vec<Transfer>,
    /// The next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

open_enum!(
    /// The kind of a history item.
    HistoryKind {
        NativeTransfer => "NativeTransfer",
        Erc20Transfer => "Erc20Transfer",
        SplTransfer => "SplTransfer",
        UtxoTransfer => "UtxoTransfer",
    }
);

/// A confirmed on-chain movement (§4.2). Fields of kinds this version does not know are kept in
/// `extra`, so nothing is dropped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryItem {
    /// The kind.
    pub kind: HistoryKind,
    /// The wallet.
    pub wallet_id: String,
    /// `In` or `Out`.
    pub direction: String,
    /// Network.
    pub network: String,
    /// Block.
    pub block_number: u64,
    /// Transaction hash.
    pub tx_hash: String,
    /// ISO 8601.
    pub timestamp: String,
    /// Sender (account networks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Recipient (account networks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Senders (UTXO networks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub froms: Option<Vec<String>>,
    /// Recipients (UTXO networks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tos: Option<Vec<String>>,
    /// Amount in the smallest unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Erc20 contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<String>,
    /// Spl mint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mint: Option<String>,
    /// Fee paid by the sender, native smallest unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<String>,
    /// Asset metadata.
    #[serde(default)]
    pub metadata: TransferMetadata,
    /// Fields not modelled above.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `GET /wallets/{id}/history` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WalletHistory {
    /// The wallet.
    pub wallet_id: String,
    /// Network.
    pub network: String,
    /// This page, newest first.
    pub items: Vec<HistoryItem>,
    /// The next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// `GET /wallets/{id}/history` query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HistoryQuery {
    /// Items per page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// From the previous page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination_token: Option<String>,
    /// `In` or `Out`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// A history kind, e.g. `Erc20Transfer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// An Erc20 contract.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<String>,
}

/// A signature's parts (§4.4): `r`, `s` as 0x-hex, `recid` for secp256k1, `encoded`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatureParts {
    /// r, 0x-hex.
    pub r: String,
    /// s, 0x-hex.
    pub s: String,
    /// Recovery id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recid: Option<u8>,
    /// The encoded signature, 0x-hex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoded: Option<String>,
}

/// A signature request and its result (§4.4). `requestBody` is kept as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Signature {
    /// `sig-…`
    pub id: String,
    /// The key that signed.
    pub key_id: String,
    /// The wallet, when asked through one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wallet_id: Option<String>,
    /// Network, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// Who asked.
    pub requester: Requester,
    /// The request, echoed.
    pub request_body: serde_json::Value,
    /// Status.
    pub status: RequestStatus,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureParts>,
    /// ISO 8601.
    pub date_requested: String,
    /// ISO 8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_signed: Option<String>,
    /// Idempotency id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// `GET …/signatures` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatureList {
    /// The key whose signatures these are.
    pub key_id: String,
    /// This page.
    pub items: Vec<Signature>,
    /// The next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// What to sign, by kind (§4.4). Hex strings are 0x-prefixed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind")]
pub enum SignaturePayload {
    /// A 32-byte hash, signed as is.
    Hash {
        /// 0x-hex, 32 bytes.
        hash: String,
    },
    /// Bytes: EIP-191 personal message on EVM, raw bytes on Solana.
    Message {
        /// 0x-hex.
        message: String,
    },
    /// An EIP-191 personal message.
    Eip191 {
        /// 0x-hex.
        message: String,
    },
    /// EIP-712 typed data.
    Eip712 {
        /// The type definitions.
        types: serde_json::Value,
        /// The domain.
        domain: serde_json::Value,
        /// The message.
        message: serde_json::Value,
    },
    /// An unsigned EVM transaction, 0x-hex.
    Transaction {
        /// 0x-hex serialized unsigned transaction.
        transaction: String,
    },
}

/// `POST /wallets/{id}/signatures` or `/keys/{id}/signatures` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignatureRequest {
    /// What to sign.
    #[serde(flatten)]
    pub payload: SignaturePayload,
    /// Keys endpoint: how to read the payload (`Evm`, `Bitcoin`, `Solana`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blockchain_kind: Option<String>,
    /// Network, when the key serves several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// Idempotency id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}
