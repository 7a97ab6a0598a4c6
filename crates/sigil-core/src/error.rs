//! The one error of sigil-core: every case has a stable [`Error::code`] for the UI to branch on,
//! and a message a person can act on.

use serde::{Deserialize, Serialize};
use sigil_api::ErrorCode as ApiCode;

use crate::companion::CompanionError;
use crate::deep_link::DeepLinkError;

/// Everything sigil-core can fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A deep link that is not one of Sigil's; nothing was done with it.
    #[error("{0}")]
    DeepLink(#[from] DeepLinkError),
    /// A sign-in answer arrived, but Sigil did not start a sign-in (or already finished it).
    #[error("Sigil did not ask for this sign-in, so it was ignored: start the sign-in from Sigil")]
    LoginNotPending,
    /// A sign-in answer for another sign-in than the one Sigil started.
    #[error("this sign-in answer does not belong to the sign-in Sigil started: ignored")]
    LoginStateMismatch,
    /// The sign-in was started too long ago.
    #[error("the sign-in took too long: start it again from Sigil")]
    LoginExpired,
    /// The website refused or cancelled the sign-in.
    #[error("the company website did not sign you in ({error}){}: try again", .description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    LoginRefused {
        /// The OAuth error code.
        error: String,
        /// The website's description.
        description: Option<String>,
    },
    /// The sign-in came back for another account than the one signed in; nothing switched.
    #[error(
        "you are signed in as {current}, but the website signed in {other}: Sigil stays with \
         {current}; sign out first to use {other}"
    )]
    AccountMismatch {
        /// Who stays signed in.
        current: String,
        /// Whom the website signed in.
        other: String,
    },
    /// No session, or the companion no longer accepts it.
    #[error("you are signed out: sign in again")]
    SignedOut,
    /// The company server refused or could not be reached.
    #[error(transparent)]
    Companion(#[from] CompanionError),
    /// Another action is running; one at a time.
    #[error("another action is in progress: wait for it to finish")]
    Busy,
    /// The wallet's network is not one Sigil knows.
    #[error("Sigil cannot send on {0}")]
    NetworkUnsupported(String),
    /// The recipient is not an address of the wallet's network.
    #[error("{0}")]
    AddressInvalid(String),
    /// The amount cannot be sent.
    #[error(transparent)]
    Amount(#[from] crate::actions::AmountError),
    /// More than the balance.
    #[error("the balance is {balance} {symbol}: send at most that")]
    InsufficientFunds {
        /// The balance, in whole units.
        balance: String,
        /// The asset.
        symbol: String,
    },
    /// The network fee does not fit in what the wallet holds of the network's coin.
    #[error(
        "the network fee is up to {fee} {symbol} and the wallet holds {available} {symbol} for \
         it: {advice}"
    )]
    InsufficientFundsForFee {
        /// The most the fee may be, in whole units.
        fee: String,
        /// The network's coin.
        symbol: String,
        /// What is left for the fee (the balance, less the amount when sending the coin itself).
        available: String,
        /// What the person can do.
        advice: &'static str,
    },
    /// Dfns gave no fee estimate Sigil can read: nothing is sent without knowing the fee.
    #[error("Sigil could not learn the network fee ({0}), so nothing was sent: try again shortly")]
    FeeUnavailable(String),
    /// A guardrail setting that cannot be used.
    #[error("{0}")]
    GuardrailInvalid(String),
    /// A name for a saved recipient that cannot be used.
    #[error("a recipient's name has 1 to 64 characters and no line breaks: {0}")]
    ContactNameInvalid(String),
    /// Not a recovery code.
    #[error("this is not a recovery code: it starts with D1- and has 32 letters and digits")]
    RecoveryCodeMalformed,
    /// The code does not open the account's recovery kit; nothing was sent.
    #[error(
        "this recovery code does not open your recovery kit; nothing was sent: check it and try again"
    )]
    RecoveryCodeWrong,
    /// The kit at Dfns cannot be opened with any code.
    #[error("your recovery kit cannot be used ({0}): ask the company for help")]
    RecoveryKitUnusable(String),
    /// The code typed back is not the one shown.
    #[error(
        "that is not the recovery code shown: compare it with what you wrote down and type it again"
    )]
    RecoveryCodeMismatch,
    /// No recovery kit waits to be confirmed.
    #[error("there is no new recovery kit to confirm")]
    NoRecoveryKitToConfirm,
    /// A one-time code from another computer that cannot be used.
    #[error("this code from your other computer does not work ({0}): make a new one there")]
    ComputerCodeRefused(String),
    /// The wallet is not (yet) known to this app.
    #[error("wallet {0} is not among your wallets: refresh and try again")]
    WalletUnknown(String),
    /// The wallet holds no such asset.
    #[error("this wallet holds no such asset")]
    AssetUnknown,
    /// The user's own daily limit would be passed.
    #[error("this would pass your daily limit of {limit} {symbol} for this wallet")]
    DailyLimitExceeded {
        /// The limit, in whole units.
        limit: String,
        /// The asset.
        symbol: String,
    },
    /// A signature request Sigil will not build.
    #[error("{0}")]
    SignatureInvalid(String),
    /// A kind of signature the wallet's network does not sign.
    #[error("{kind} signatures cannot be made with a {network} wallet; it signs {supported}")]
    SignatureKindUnsupported {
        /// The Dfns kind asked for.
        kind: &'static str,
        /// The wallet's network.
        network: String,
        /// The kinds that network signs, as a list.
        supported: String,
    },
    /// Typed data for another chain than the wallet's: a signature valid elsewhere.
    #[error(
        "this typed data is for chain {domain}, but the wallet is on {network} (chain \
         {network_chain}); it was not signed"
    )]
    TypedDataWrongChain {
        /// The domain's chainId.
        domain: u64,
        /// The wallet's network.
        network: String,
        /// The network's chain id.
        network_chain: u64,
    },
    /// A passkey name that cannot be used.
    #[error("a passkey name has 1 to 64 characters")]
    PasskeyNameInvalid,
    /// No such active passkey on the account.
    #[error("no active passkey {0} on your account")]
    PasskeyUnknown(String),
    /// The Dfns session ended between the challenge and the signature; nothing happened.
    #[error("your Dfns session ended while signing; nothing was sent: confirm again")]
    SessionEndedDuringAction,
    /// No such operation in the journal (for this user).
    #[error("no such action: {0}")]
    OperationUnknown(String),
    /// The operation finished already.
    #[error("this action is over already ({0})")]
    OperationFinished(String),
    /// Prepared too long ago to be signed: balances, fees and intentions change.
    #[error(
        "this action was prepared more than {minutes} minutes ago and was not signed: start it again"
    )]
    OperationExpired {
        /// How long a prepared action lasts.
        minutes: i64,
    },
    /// The request may or may not have reached Dfns; it is looked up before anything is
    /// signed again.
    #[error(
        "Sigil could not learn whether Dfns received the request ({0}): it will check before signing anything again"
    )]
    OutcomeUnknown(String),
    /// The authenticator failed, was cancelled or timed out.
    #[error(transparent)]
    Authn(#[from] sigil_authn::AuthnError),
    /// Dfns refused, failed or could not be reached.
    #[error("Dfns: {0}")]
    Dfns(#[from] dfns_client::Error),
    /// A setting (a URL from the company's configuration) is unusable.
    #[error("{0}")]
    Config(String),
    /// The local cache failed (it is rebuilt from Dfns; this is rare).
    #[error(transparent)]
    Cache(#[from] sigil_store::CacheError),
    /// The operation journal failed: no signed action runs without it.
    #[error(transparent)]
    Journal(#[from] sigil_store::JournalError),
    /// The OS keyring failed; nothing was written anywhere else instead.
    #[error(transparent)]
    Keyring(#[from] sigil_store::StoreError),
    /// The company names a passkey domain that is not its own.
    #[error(
        "the company server at {host} asks for passkeys of {rp_id:?}, which is not its own domain: \
         Sigil refuses it; contact your company"
    )]
    CompanyRpIdInvalid {
        /// The rp id asked for.
        rp_id: String,
        /// The company's host.
        host: String,
    },
    /// The company's passkey domain, origin or Dfns API differs from what was pinned at
    /// registration; nothing is signed.
    #[error(
        "the company server {company} now answers with other passkey or Dfns settings than when \
         you registered (then {pinned:?}, now {offered:?}): Sigil signs nothing for it; if your \
         company really moved, sign out and confirm the new company"
    )]
    CompanyChanged {
        /// The company.
        company: String,
        /// What was pinned.
        pinned: Box<crate::company::Pin>,
        /// What it answers now.
        offered: Box<crate::company::Pin>,
    },
    /// The person has not confirmed which company this Sigil serves.
    #[error("confirm your company's server first: Sigil signs in nowhere before you have")]
    CompanyUnconfirmed,
    /// The user signed in but has not registered a passkey with Dfns yet.
    #[error("finish registration first")]
    NotRegistered,
    /// An argument the UI sent that cannot be used.
    #[error("{0}")]
    InvalidArgument(String),
    /// An approval answer came, but nothing waits for one (or it was answered already).
    #[error("nothing is waiting for your approval")]
    NoApprovalPending,
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed: {0}")]
    Randomness(String),
    /// The company's update server could not be asked, or answered something unusable.
    #[error("Sigil could not check for updates at your company's server ({0}): try again later")]
    UpdateCheckFailed(String),
    /// The company's server offered this version or an older one.
    #[error(
        "your company's server offered version {offered}, which is not newer than this Sigil \
         ({current}): it was refused"
    )]
    UpdateNotNewer {
        /// The version offered.
        offered: String,
        /// This Sigil's version.
        current: String,
    },
    /// The update's signature does not verify with the key this Sigil was built with.
    #[error(
        "the update's signature is not your company's ({0}), so nothing was installed: tell \
         your company"
    )]
    UpdateSignatureInvalid(String),
    /// The update could not be downloaded or installed.
    #[error("the update could not be installed ({0}); this Sigil is unchanged: try again")]
    UpdateInstallFailed(String),
    /// No update was offered, or another one than the person agreed to.
    #[error("there is no such update to install any more: check for updates again")]
    NoUpdatePending,
    /// This build has no updater (the tests' mock shell).
    #[error("this Sigil cannot update itself: install the new version from your company")]
    UpdatesUnsupported,
    /// A background task of Sigil failed.
    #[error("Sigil failed inside ({0}): retry; if it persists, restart Sigil")]
    Internal(String),
}

impl Error {
    /// A stable code: the UI branches on this, never on the message.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::DeepLink(error) => error.code(),
            Self::LoginNotPending => ErrorCode::LoginNotPending,
            Self::LoginStateMismatch => ErrorCode::LoginStateMismatch,
            Self::LoginExpired => ErrorCode::LoginExpired,
            Self::LoginRefused { .. } => ErrorCode::LoginRefused,
            Self::AccountMismatch { .. } => ErrorCode::AccountMismatch,
            Self::SignedOut => ErrorCode::SignedOut,
            Self::NotRegistered => ErrorCode::Companion(ApiCode::NotRegistered),
            Self::Companion(CompanionError::Api { code, .. }) => match code {
                ApiCode::Unknown => ErrorCode::CompanionFailed,
                known => ErrorCode::Companion(*known),
            },
            Self::Companion(CompanionError::Unreachable { .. }) => ErrorCode::CompanionUnreachable,
            Self::Companion(CompanionError::Decode { .. }) => ErrorCode::CompanionFailed,
            Self::Companion(CompanionError::InvalidUrl(_)) => ErrorCode::CompanionUrlInvalid,
            Self::Companion(CompanionError::InsecureUrl(_)) => ErrorCode::CompanyUrlInvalid,
            Self::CompanyRpIdInvalid { .. } => ErrorCode::CompanyRpIdInvalid,
            Self::CompanyChanged { .. } => ErrorCode::CompanyChanged,
            Self::CompanyUnconfirmed => ErrorCode::CompanyUnconfirmed,
            Self::Dfns(dfns_client::Error::Transport { .. }) => ErrorCode::DfnsUnreachable,
            Self::Dfns(error) => match error.status() {
                Some(429 | 500..) => ErrorCode::DfnsUnavailable,
                Some(_) => ErrorCode::DfnsRefused,
                None => ErrorCode::DfnsFailed,
            },
            Self::Config(_) => ErrorCode::ConfigInvalid,
            Self::Busy => ErrorCode::Busy,
            Self::NetworkUnsupported(_) => ErrorCode::NetworkUnsupported,
            Self::AddressInvalid(_) => ErrorCode::AddressInvalid,
            Self::Amount(error) => error.code(),
            Self::InsufficientFunds { .. } => ErrorCode::InsufficientFunds,
            Self::InsufficientFundsForFee { .. } => ErrorCode::InsufficientFundsForFee,
            Self::FeeUnavailable(_) => ErrorCode::FeeUnavailable,
            Self::GuardrailInvalid(_) => ErrorCode::GuardrailInvalid,
            Self::ContactNameInvalid(_) => ErrorCode::ContactNameInvalid,
            Self::RecoveryCodeMalformed => ErrorCode::RecoveryCodeMalformed,
            Self::RecoveryCodeWrong => ErrorCode::RecoveryCodeWrong,
            Self::RecoveryKitUnusable(_) => ErrorCode::RecoveryKitUnusable,
            Self::RecoveryCodeMismatch => ErrorCode::RecoveryCodeMismatch,
            Self::NoRecoveryKitToConfirm => ErrorCode::NoRecoveryKitToConfirm,
            Self::ComputerCodeRefused(_) => ErrorCode::ComputerCodeRefused,
            Self::WalletUnknown(_) => ErrorCode::WalletUnknown,
            Self::AssetUnknown => ErrorCode::AssetUnknown,
            Self::DailyLimitExceeded { .. } => ErrorCode::DailyLimitExceeded,
            Self::SignatureInvalid(_) => ErrorCode::SignatureRequestInvalid,
            Self::SignatureKindUnsupported { .. } => ErrorCode::SignatureKindUnsupported,
            Self::TypedDataWrongChain { .. } => ErrorCode::TypedDataWrongChain,
            Self::PasskeyNameInvalid => ErrorCode::PasskeyNameInvalid,
            Self::PasskeyUnknown(_) => ErrorCode::PasskeyUnknown,
            Self::SessionEndedDuringAction => ErrorCode::SessionEndedRetry,
            Self::OperationUnknown(_) => ErrorCode::OperationUnknown,
            Self::OperationFinished(_) => ErrorCode::OperationFinished,
            Self::OperationExpired { .. } => ErrorCode::OperationExpired,
            Self::OutcomeUnknown(_) => ErrorCode::OutcomeUnknown,
            Self::Authn(error) => ErrorCode::Authn(error.code()),
            Self::Cache(error) => ErrorCode::Store(error.code()),
            Self::Journal(error) => ErrorCode::Store(error.code()),
            Self::Keyring(error) => ErrorCode::Store(error.code()),
            Self::InvalidArgument(_) => ErrorCode::InvalidArgument,
            Self::NoApprovalPending => ErrorCode::NoApprovalPending,
            Self::Randomness(_) => ErrorCode::RandomnessUnavailable,
            Self::UpdateCheckFailed(_) => ErrorCode::UpdateCheckFailed,
            Self::UpdateNotNewer { .. } => ErrorCode::UpdateNotNewer,
            Self::UpdateSignatureInvalid(_) => ErrorCode::UpdateSignatureInvalid,
            Self::UpdateInstallFailed(_) => ErrorCode::UpdateInstallFailed,
            Self::NoUpdatePending => ErrorCode::NoUpdatePending,
            Self::UpdatesUnsupported => ErrorCode::UpdatesUnsupported,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// Whether this error means the network is out of reach (the app shows itself offline).
    pub fn is_offline(&self) -> bool {
        matches!(
            self,
            Self::Companion(CompanionError::Unreachable { .. })
                | Self::Dfns(dfns_client::Error::Transport { .. })
        )
    }
}

/// Every code the app's errors carry: the UI branches on these, never on a message. Serialised
/// as the strings the UI has always seen; the codes of the crates below keep their own enums.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// A `sigil://` link that is not one of Sigil's.
    DeepLinkInvalid,
    /// A sign-in answer Sigil did not ask for.
    LoginNotPending,
    /// A sign-in answer for another sign-in.
    LoginStateMismatch,
    /// The sign-in took too long.
    LoginExpired,
    /// The website refused the sign-in.
    LoginRefused,
    /// The website signed in another account.
    AccountMismatch,
    /// No session.
    SignedOut,
    /// The company server failed or answered something unreadable.
    CompanionFailed,
    /// The company server cannot be reached.
    CompanionUnreachable,
    /// The company URL cannot be used.
    CompanionUrlInvalid,
    /// The company URL is plain http to another machine.
    CompanyUrlInvalid,
    /// The company names a passkey domain that is not its own.
    CompanyRpIdInvalid,
    /// The company's settings differ from what was pinned.
    CompanyChanged,
    /// The person has not confirmed the company yet.
    CompanyUnconfirmed,
    /// Dfns cannot be reached.
    DfnsUnreachable,
    /// Dfns is overloaded or failing.
    DfnsUnavailable,
    /// Dfns refused the request.
    DfnsRefused,
    /// Dfns answered something unreadable.
    DfnsFailed,
    /// The company's configuration is unusable.
    ConfigInvalid,
    /// Another action is running.
    Busy,
    /// A network Sigil does not know.
    NetworkUnsupported,
    /// Not an address of the wallet's network.
    AddressInvalid,
    /// Not an amount.
    AmountInvalid,
    /// A negative amount.
    AmountNegative,
    /// A zero amount.
    AmountZero,
    /// More decimals than the asset has.
    AmountTooPrecise,
    /// More than any chain can count.
    AmountTooLarge,
    /// More than the balance.
    InsufficientFunds,
    /// The network fee does not fit in the balance of the network's coin.
    InsufficientFundsForFee,
    /// No readable fee estimate.
    FeeUnavailable,
    /// A guardrail setting that cannot be used.
    GuardrailInvalid,
    /// A saved recipient's name that cannot be used.
    ContactNameInvalid,
    /// Not a recovery code.
    RecoveryCodeMalformed,
    /// The code does not open the recovery kit.
    RecoveryCodeWrong,
    /// The recovery kit cannot be opened.
    RecoveryKitUnusable,
    /// The code typed back differs from the one shown.
    RecoveryCodeMismatch,
    /// No new recovery kit waits to be confirmed.
    NoRecoveryKitToConfirm,
    /// A code from another computer that does not work.
    ComputerCodeRefused,
    /// Not one of the user's wallets.
    WalletUnknown,
    /// The wallet holds no such asset.
    AssetUnknown,
    /// The user's daily limit would be passed.
    DailyLimitExceeded,
    /// A signature request Sigil will not build.
    SignatureRequestInvalid,
    /// A kind of signature the wallet's network does not sign.
    SignatureKindUnsupported,
    /// Typed data whose domain names another chain than the wallet's.
    TypedDataWrongChain,
    /// A passkey name that cannot be used.
    PasskeyNameInvalid,
    /// No such active passkey.
    PasskeyUnknown,
    /// The Dfns session ended while signing.
    SessionEndedRetry,
    /// No such operation.
    OperationUnknown,
    /// The operation is over.
    OperationFinished,
    /// The operation was prepared too long ago.
    OperationExpired,
    /// Whether Dfns received the request is unknown.
    OutcomeUnknown,
    /// An argument from the UI that cannot be used.
    InvalidArgument,
    /// An approval answered when none was open.
    NoApprovalPending,
    /// The random number generator failed.
    RandomnessUnavailable,
    /// The update server could not be asked.
    UpdateCheckFailed,
    /// An update that is not newer than this Sigil.
    UpdateNotNewer,
    /// An update whose signature is not the company's.
    UpdateSignatureInvalid,
    /// The update could not be installed.
    UpdateInstallFailed,
    /// No such update is offered.
    NoUpdatePending,
    /// This build cannot update itself.
    UpdatesUnsupported,
    /// Sigil failed inside.
    Internal,
    /// A code of the company server's API.
    #[serde(untagged)]
    #[strum(disabled)]
    Companion(ApiCode),
    /// A code of the authenticators.
    #[serde(untagged)]
    #[strum(disabled)]
    Authn(sigil_authn::AuthnCode),
    /// A code of the keyring, the cache or the journal.
    #[serde(untagged)]
    #[strum(disabled)]
    Store(sigil_store::StoreCode),
}

impl ErrorCode {
    /// The code as the UI sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Companion(code) => code.as_str(),
            Self::Authn(code) => code.as_str(),
            Self::Store(code) => code.as_str(),
            own => own.into(),
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// The result type of sigil-core.
pub type Result<T, E = Error> = std::result::Result<T, E>;
