//! What the UI receives: plain JSON shapes made from sigil-core's types. No token or secret is
//! ever part of one.

use dfns_client::models::{Credential, HistoryItem, Transfer, Wallet, WalletAssets};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sigil_api::User;
use sigil_core::actions::{Outcome, Prepared, Warning};

/// The authenticator the user prefers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum AuthenticatorChoice {
    /// The software passkey kept in the OS keyring.
    #[default]
    Device,
    /// A USB or NFC security key.
    SecurityKey,
    /// Windows Hello.
    WindowsHello,
}

impl AuthenticatorChoice {
    /// The sigil-authn choice.
    pub fn to_authn(self) -> sigil_authn::Choice {
        match self {
            Self::Device => sigil_authn::Choice::DevicePasskey,
            Self::SecurityKey => sigil_authn::Choice::SecurityKey,
            Self::WindowsHello => sigil_authn::Choice::WindowsHello,
        }
    }

    /// Those this machine offers.
    pub fn available() -> Vec<Self> {
        #[allow(unused_mut)] // Windows adds one
        let mut available = vec![Self::Device, Self::SecurityKey];
        #[cfg(windows)]
        if sigil_authn::WindowsHello::available() {
            available.push(Self::WindowsHello);
        }
        available
    }
}

/// `app_state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppState {
    /// Whether a companion session is stored.
    pub signed_in: bool,
    /// Who is signed in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<User>,
    /// Whether the user is registered with Dfns (unknown while offline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registered: Option<bool>,
    /// The company server.
    pub companion_url: String,
    /// The preferred authenticator.
    pub authenticator: AuthenticatorChoice,
    /// Those this machine offers.
    pub available_authenticators: Vec<AuthenticatorChoice>,
    /// Whether this is a development build, whose default is the software device passkey (the
    /// UI labels it as a development authenticator).
    pub dev_authenticator: bool,
    /// Whether the "security key" is the development build's software one.
    pub dev_security_key: bool,
    /// Whether the last network call failed for want of a network.
    pub offline: bool,
    /// The networks the company offers (empty until the company server answered).
    pub networks: Vec<String>,
}

/// One wallet with its assets.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WalletView {
    /// `wa-…`
    pub id: String,
    /// The network.
    pub network: String,
    /// Its address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Its name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its assets (empty until synced).
    pub assets: Vec<Value>,
    /// Total in USD, when Dfns knows the prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub net_worth_usd: Option<f64>,
}

impl WalletView {
    /// A wallet and what the cache knows of its assets.
    pub fn new(wallet: Wallet, assets: Option<WalletAssets>) -> Self {
        let net_worth_usd =
            assets.as_ref().and_then(|a| a.net_worth.as_ref()).and_then(|q| q.get("USD").copied());
        let assets = assets
            .map(|a| a.assets.iter().filter_map(|asset| serde_json::to_value(asset).ok()).collect())
            .unwrap_or_default();
        Self {
            id: wallet.id,
            network: wallet.network,
            address: wallet.address,
            name: wallet.name,
            assets,
            net_worth_usd,
        }
    }
}

/// One history item, with the asset's symbol and decimals.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryView {
    /// `NativeTransfer`, `Erc20Transfer`, …
    pub kind: String,
    /// `In` or `Out`.
    pub direction: String,
    /// The transaction.
    pub tx_hash: String,
    /// ISO 8601.
    pub timestamp: String,
    /// Sender.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Recipient.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// Amount in base units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Fee in base units of the native asset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee: Option<String>,
    /// The asset's symbol.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// The asset's decimals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
}

impl From<HistoryItem> for HistoryView {
    fn from(item: HistoryItem) -> Self {
        let asset = item.metadata.asset;
        Self {
            kind: item.kind.to_string(),
            direction: item.direction,
            tx_hash: item.tx_hash,
            timestamp: item.timestamp,
            from: item.from.or_else(|| item.froms.and_then(|all| all.into_iter().next())),
            to: item.to.or_else(|| item.tos.and_then(|all| all.into_iter().next())),
            value: item.value,
            fee: item.fee,
            symbol: asset.symbol,
            decimals: asset.decimals,
        }
    }
}

/// A transfer's state.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferView {
    /// `xfr-…`
    pub id: String,
    /// Pending, Executing, Broadcasted, Confirmed, Failed, Rejected.
    pub status: String,
    /// Once broadcast.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tx_hash: Option<String>,
    /// ISO 8601.
    pub date_requested: String,
    /// The request as sent.
    pub request_body: Value,
    /// Its idempotency id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

impl From<Transfer> for TransferView {
    fn from(transfer: Transfer) -> Self {
        Self {
            id: transfer.id,
            status: transfer.status.to_string(),
            tx_hash: transfer.tx_hash,
            date_requested: transfer.date_requested,
            request_body: transfer.request_body,
            external_id: transfer.external_id,
        }
    }
}

/// A passkey of the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyView {
    /// `cr-…`
    pub credential_uuid: String,
    /// The credential id.
    pub credential_id: String,
    /// `Fido2`, `Key`, …
    pub kind: String,
    /// Its name.
    pub name: String,
    /// ISO 8601.
    pub date_created: String,
    /// Whether it can sign.
    pub is_active: bool,
}

impl From<Credential> for PasskeyView {
    fn from(credential: Credential) -> Self {
        Self {
            credential_uuid: credential.credential_uuid,
            credential_id: credential.credential_id,
            kind: credential.kind.to_string(),
            name: credential.name,
            date_created: credential.date_created,
            is_active: credential.is_active,
        }
    }
}

/// A prepared action for the confirmation screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreparedView {
    /// The journal entry to confirm or cancel.
    pub operation_id: String,
    /// What it does, decoded from the exact body.
    pub intent: Value,
    /// One line of it.
    pub summary: String,
    /// Warnings to show before signing.
    pub warnings: Vec<Warning>,
}

impl From<Prepared> for PreparedView {
    fn from(prepared: Prepared) -> Self {
        Self {
            operation_id: prepared.operation_id,
            summary: prepared.intent.summary(),
            intent: serde_json::to_value(&prepared.intent).unwrap_or(Value::Null),
            warnings: prepared.warnings,
        }
    }
}

/// What a confirmed action produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum OutcomeView {
    /// A transfer.
    Transfer {
        /// It.
        transfer: TransferView,
    },
    /// A signature.
    Signature {
        /// It, as Dfns returned it.
        signature: Value,
    },
    /// A wallet.
    Wallet {
        /// It.
        wallet: WalletView,
    },
    /// A passkey added.
    #[serde(rename_all = "camelCase")]
    PasskeyAdded {
        /// It.
        credential: PasskeyView,
    },
    /// A passkey deactivated.
    #[serde(rename_all = "camelCase")]
    PasskeyDeactivated {
        /// Its uuid.
        credential_uuid: String,
    },
}

impl From<Outcome> for OutcomeView {
    fn from(outcome: Outcome) -> Self {
        match outcome {
            Outcome::Transfer(transfer) => Self::Transfer { transfer: transfer.into() },
            Outcome::Signature(signature) => Self::Signature {
                signature: serde_json::to_value(signature).unwrap_or(Value::Null),
            },
            Outcome::Wallet(wallet) => Self::Wallet { wallet: WalletView::new(wallet, None) },
            Outcome::PasskeyAdded(credential) => {
                Self::PasskeyAdded { credential: credential.into() }
            }
            Outcome::PasskeyDeactivated { credential_uuid } => {
                Self::PasskeyDeactivated { credential_uuid }
            }
        }
    }
}
