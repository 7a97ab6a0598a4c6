//! What the UI receives and sends: plain JSON shapes made from sigil-core's types, declared to
//! the UI from here (the `typescript` feature). No token or secret is ever part of one.

use dfns_client::models::{
    Asset, Credential, CredentialKind, HistoryItem, Quotes, Transfer, Wallet, WalletAssets,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sigil_api::User;

pub use crate::actions::SignKind;
use crate::actions::{
    AssetRef, FeeTier, Guardrails, Intent, Outcome, Prepared, SendRequest, Warning,
};
use crate::error::{Error, ErrorCode};

/// The one error shape the UI sees: `{code, message}`. It branches on `code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[error("{message} ({code})")]
pub struct ErrorView {
    /// Stable, for the UI to branch on.
    pub code: ErrorCode,
    /// For people.
    pub message: String,
}

impl From<Error> for ErrorView {
    fn from(error: Error) -> Self {
        Self { code: error.code(), message: error.to_string() }
    }
}

/// Where a new passkey is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum AuthenticatorChoice {
    /// This computer's security chip (TPM 2.0, Linux), the PIN checked by the chip.
    PlatformTpm,
    /// The software passkey kept in the OS keyring, sealed by the person's PIN.
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
            Self::PlatformTpm => sigil_authn::Choice::PlatformTpm,
            Self::Device => sigil_authn::Choice::DevicePasskey,
            Self::SecurityKey => sigil_authn::Choice::SecurityKey,
            Self::WindowsHello => sigil_authn::Choice::WindowsHello,
        }
    }

    /// The choice that makes passkeys of `kind` (the development build's software security key
    /// stands for a security key).
    pub fn of(kind: sigil_authn::AuthenticatorKind) -> Self {
        use sigil_authn::AuthenticatorKind as Kind;
        match kind {
            Kind::PlatformTpm => Self::PlatformTpm,
            Kind::DevicePasskey => Self::Device,
            Kind::WindowsHello => Self::WindowsHello,
            Kind::SecurityKey | Kind::TestToken => Self::SecurityKey,
        }
    }

    /// Those this machine offers, the strongest of this computer first, and the state of its
    /// TPM.
    pub async fn available() -> (Vec<Self>, TpmState) {
        let mut available = Vec::new();
        #[cfg(windows)]
        if sigil_authn::WindowsHello::available() {
            available.push(Self::WindowsHello);
        }
        let tpm = TpmState::detect().await;
        if tpm == TpmState::Usable {
            available.push(Self::PlatformTpm);
        }
        available.extend([Self::Device, Self::SecurityKey]);
        (available, tpm)
    }
}

/// Whether this computer's security chip (TPM 2.0) can hold passkeys for this user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum TpmState {
    /// It answers: it holds this computer's passkeys.
    Usable,
    /// There is one, but this user may not open it (on Linux: not in the `tss` group).
    NoAccess,
    /// None answers (or this system does not use it directly).
    Absent,
}

impl TpmState {
    #[cfg(target_os = "linux")]
    async fn detect() -> Self {
        match sigil_authn::TpmPresence::detect().await {
            sigil_authn::TpmPresence::Usable { .. } => Self::Usable,
            sigil_authn::TpmPresence::NoAccess { .. } => Self::NoAccess,
            sigil_authn::TpmPresence::Absent => Self::Absent,
        }
    }

    #[cfg(not(target_os = "linux"))]
    async fn detect() -> Self {
        Self::Absent
    }
}

/// `app_state`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
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
    /// Its host (and port), as the person confirms it.
    pub company_host: String,
    /// Whether the person (or the installer) confirmed the company: no sign-in before.
    pub company_confirmed: bool,
    /// Where new passkeys are made: the person's choice, else the strongest this computer
    /// offers.
    pub authenticator: AuthenticatorChoice,
    /// Those this machine offers.
    pub available_authenticators: Vec<AuthenticatorChoice>,
    /// Whether this computer's security chip can hold passkeys for this user.
    pub tpm: TpmState,
    /// Whether the "security key" is the development build's software one.
    pub dev_security_key: bool,
    /// Whether desktop notifications are on.
    pub notifications: bool,
    /// Whether the last network call failed for want of a network.
    pub offline: bool,
    /// The networks the company offers (empty until the company server answered).
    pub networks: Vec<String>,
}

/// One asset of a wallet and its balance.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct AssetView {
    /// `Native`, `Erc20`, `Spl`, …
    pub kind: String,
    /// Erc20: the token contract.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contract: Option<String>,
    /// Spl: the token mint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mint: Option<String>,
    /// Ticker, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub symbol: Option<String>,
    /// Decimals of the smallest unit.
    pub decimals: u8,
    /// Whether Dfns vouches for the token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// In the smallest unit, base 10.
    pub balance: String,
    /// Fiat value of one whole unit, e.g. `{"USD": 3020.8}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quotes: Option<Quotes>,
}

impl From<Asset> for AssetView {
    fn from(asset: Asset) -> Self {
        Self {
            kind: asset.kind.to_string(),
            contract: asset.contract,
            mint: asset.mint,
            symbol: asset.symbol,
            decimals: asset.decimals,
            verified: asset.verified,
            balance: asset.balance,
            quotes: asset.quotes,
        }
    }
}

/// One wallet with its assets.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
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
    pub assets: Vec<AssetView>,
    /// Total in USD, when Dfns knows the prices.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub net_worth_usd: Option<f64>,
    /// What its network signs (empty for a network Sigil does not know).
    pub signature_kinds: Vec<SignKind>,
}

impl WalletView {
    /// A wallet and what the cache knows of its assets.
    pub fn new(wallet: Wallet, assets: Option<WalletAssets>) -> Self {
        let net_worth_usd =
            assets.as_ref().and_then(|a| a.net_worth.as_ref()).and_then(|q| q.get("USD").copied());
        let assets =
            assets.map(|a| a.assets.into_iter().map(AssetView::from).collect()).unwrap_or_default();
        let signature_kinds = dfns_networks::network(&wallet.network)
            .map(|network| SignKind::supported_by(network.family))
            .unwrap_or_default();
        Self {
            signature_kinds,
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
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
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
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
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
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
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
    /// Where it lives, as far as this computer can tell.
    pub location: PasskeyLocation,
}

/// Where a credential lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum PasskeyLocation {
    /// On this computer (its security chip, or sealed by a PIN in its keyring).
    ThisComputer,
    /// A security key, another computer, or a phone: this computer cannot tell which.
    Elsewhere,
    /// The recovery kit: it signs nothing but a recovery.
    RecoveryKit,
}

impl PasskeyView {
    /// `credential`, found on this computer or not.
    pub fn new(credential: Credential, here: bool) -> Self {
        let location = match credential.kind {
            CredentialKind::RecoveryKey => PasskeyLocation::RecoveryKit,
            _ if here => PasskeyLocation::ThisComputer,
            _ => PasskeyLocation::Elsewhere,
        };
        Self {
            credential_uuid: credential.credential_uuid,
            credential_id: credential.credential_id,
            kind: credential.kind.to_string(),
            name: credential.name,
            date_created: credential.date_created,
            is_active: credential.is_active,
            location,
        }
    }
}

/// A network as people read it: every network Sigil knows, for the UI's labels (the generated
/// contract carries the table, so both windows have it without asking).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct NetworkView {
    /// Dfns's id, e.g. `EthereumSepolia`.
    pub id: String,
    /// The name people read, e.g. `Ethereum Sepolia`.
    pub name: String,
    /// `evm`, `bitcoin` or `solana`.
    pub family: String,
    /// A test network: its coins have no value.
    pub testnet: bool,
    /// The native asset's symbol.
    pub native_symbol: String,
    /// The native asset's decimals.
    pub native_decimals: u8,
}

impl NetworkView {
    /// Every network Sigil knows.
    pub fn all() -> Vec<Self> {
        dfns_networks::networks()
            .iter()
            .map(|network| Self {
                id: network.name.to_owned(),
                name: network.display_name.to_owned(),
                family: network.family_name().to_ascii_lowercase(),
                testnet: network.testnet,
                native_symbol: network.native_symbol.to_owned(),
                native_decimals: network.native_decimals,
            })
            .collect()
    }
}

/// What to show on a block explorer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "camelCase", deny_unknown_fields)]
pub enum ExplorerTarget {
    /// A transaction, by its hash.
    Transaction {
        /// As the network writes it.
        hash: String,
    },
    /// An address.
    Address {
        /// As the network writes it.
        address: String,
    },
}

/// A company page a sign-in or a recovery continues on, and whether the system browser opened
/// it. When none could be opened, the UI shows the address to copy into a browser, as
/// command-line tools do; the deep link back is accepted either way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct BrowserPage {
    /// The page's address.
    pub url: String,
    /// Whether the system browser was asked to open it without an error.
    pub opened: bool,
}

/// What this computer can do for the signed-in person, and what is missing: Home offers the
/// way forward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct AccessView {
    /// A passkey of the account lives on this computer (else: a code from another computer,
    /// a security key, or the recovery kit).
    pub passkey_here: bool,
    /// The account has a recovery kit.
    pub has_recovery_kit: bool,
    /// The code of a new kit, shown until the person types it back.
    pub kit_to_confirm: Option<String>,
    /// The session came from the website's recovery check: access can be recovered now.
    pub recovering: bool,
}

/// A one-time code for another computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ComputerCodeView {
    /// The code, to type on the other computer.
    pub code: String,
    /// When it stops working, Unix milliseconds.
    pub expires_at_ms: i64,
}

/// A prepared action for the confirmation screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct PreparedView {
    /// The journal entry to confirm or cancel.
    pub operation_id: String,
    /// What it does, decoded from the exact body.
    pub intent: Intent,
    /// Warnings to show before signing.
    pub warnings: Vec<Warning>,
}

impl From<Prepared> for PreparedView {
    fn from(prepared: Prepared) -> Self {
        Self {
            operation_id: prepared.operation_id,
            intent: prepared.intent,
            warnings: prepared.warnings,
        }
    }
}

/// What a confirmed action produced.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
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
            // Where it lives shows in the list, which is read again after.
            Outcome::PasskeyAdded(credential) => {
                Self::PasskeyAdded { credential: PasskeyView::new(credential, false) }
            }
            Outcome::PasskeyDeactivated { credential_uuid } => {
                Self::PasskeyDeactivated { credential_uuid }
            }
        }
    }
}

/// A send form as the UI sends it.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendForm {
    /// From which wallet.
    pub wallet_id: String,
    /// Which asset.
    pub asset: AssetRef,
    /// To whom.
    pub to: String,
    /// How much, in whole units.
    pub amount: String,
    /// The fee tier.
    #[serde(default)]
    pub fee_tier: Option<FeeTier>,
}

impl From<SendForm> for SendRequest {
    fn from(form: SendForm) -> Self {
        Self {
            wallet_id: form.wallet_id,
            asset: form.asset,
            to: form.to,
            amount: form.amount,
            fee_tier: form.fee_tier,
        }
    }
}

/// A passkey prompt for the UI (`authn:prompt`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct PromptView {
    /// What to show.
    pub kind: PromptKind,
    /// For `approve`: the passkey domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The kinds of passkey prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum PromptKind {
    /// Plug a security key in.
    InsertKey,
    /// Touch the key to use among several.
    ChooseKey,
    /// Touch the security key.
    TouchKey,
    /// The authenticator is working.
    Processing,
    /// The passkey operation is about to run.
    Approve,
}

/// What the approval window shows: built in Rust (the intent decoded from the journaled body),
/// never from data the main page passed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct ApprovalView {
    /// What the passkey is about to do.
    pub ceremony: CeremonyKind,
    /// For a signed action: what it does, decoded from the exact body that will be signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intent: Option<Intent>,
    /// The passkey domain.
    pub rp_id: String,
    /// The account, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The authenticator that will be used.
    pub authenticator: AuthenticatorChoice,
    /// Set when the authenticator asks for its PIN.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pin: Option<PinRequest>,
    /// For a signed action: the warnings shown when it was prepared.
    pub warnings: Vec<Warning>,
}

/// A recipient the person saved with a name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ContactView {
    /// The Dfns network.
    pub network: String,
    /// The address, as the network writes it canonically.
    pub address: String,
    /// The name they gave it.
    pub name: String,
}

impl From<sigil_store::Contact> for ContactView {
    fn from(contact: sigil_store::Contact) -> Self {
        Self { network: contact.network, address: contact.address, name: contact.name }
    }
}

/// The guardrails in force, for the Settings screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct GuardrailsView {
    /// The daily limits and warnings.
    pub guardrails: Guardrails,
    /// Whether they are the company's defaults (the person has not set their own).
    pub from_company: bool,
}

/// The passkey ceremonies the person approves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum CeremonyKind {
    /// Create the account's first passkey on this computer.
    Register,
    /// Create a new passkey on another authenticator, to add to the account.
    CreatePasskey,
    /// Sign a prepared action.
    Sign,
    /// Recover access: a new passkey on this computer replaces every earlier one.
    Recover,
}

/// Which PIN the approval window asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum PinKind {
    /// The security key's own PIN.
    SecurityKey,
    /// A new PIN for the passkey on this computer (typed twice; it cannot be recovered).
    NewPin,
    /// The PIN of the passkey on this computer.
    Passkey,
}

/// A PIN request in the approval window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS), ts(optional_fields))]
#[serde(rename_all = "camelCase")]
pub struct PinRequest {
    /// Which PIN.
    pub kind: PinKind,
    /// Tries left, when the authenticator says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retries_left: Option<u32>,
    /// For a new PIN: the fewest characters accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
}

impl From<sigil_authn::PinReason> for PinRequest {
    fn from(reason: sigil_authn::PinReason) -> Self {
        use sigil_authn::PinReason;
        let (kind, min_length) = match reason {
            PinReason::SecurityKey { .. } => (PinKind::SecurityKey, None),
            PinReason::NewPin { min_length } => (PinKind::NewPin, Some(min_length)),
            PinReason::Passkey { .. } => (PinKind::Passkey, None),
        };
        Self { kind, retries_left: reason.tries_left(), min_length }
    }
}
