//! The one error of sigil-core: every case has a stable [`Error::code`] for the UI to branch on,
//! and a message a person can act on.

use sigil_api::ErrorCode;

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
    #[error("the balance is {balance} {symbol}: send at most that (the fee may need some too)")]
    InsufficientFunds {
        /// The balance, in whole units.
        balance: String,
        /// The asset.
        symbol: String,
    },
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
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed: {0}")]
    Randomness(String),
    /// A background task of Sigil failed.
    #[error("Sigil failed inside ({0}): retry; if it persists, restart Sigil")]
    Internal(String),
}

impl Error {
    /// A stable code: the UI branches on this, never on the message.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DeepLink(error) => error.code(),
            Self::LoginNotPending => "LOGIN_NOT_PENDING",
            Self::LoginStateMismatch => "LOGIN_STATE_MISMATCH",
            Self::LoginExpired => "LOGIN_EXPIRED",
            Self::LoginRefused { .. } => "LOGIN_REFUSED",
            Self::AccountMismatch { .. } => "ACCOUNT_MISMATCH",
            Self::SignedOut => "SIGNED_OUT",
            Self::Companion(CompanionError::Api { code, .. }) => match code {
                ErrorCode::Unknown => "COMPANION_FAILED",
                known => known.as_str(),
            },
            Self::Companion(CompanionError::Unreachable { .. }) => "COMPANION_UNREACHABLE",
            Self::Companion(CompanionError::Decode { .. }) => "COMPANION_FAILED",
            Self::Companion(CompanionError::InvalidUrl(_)) => "COMPANION_URL_INVALID",
            Self::Dfns(dfns_client::Error::Transport { .. }) => "DFNS_UNREACHABLE",
            Self::Dfns(error) => match error.status() {
                Some(429 | 500..) => "DFNS_UNAVAILABLE",
                Some(_) => "DFNS_REFUSED",
                None => "DFNS_FAILED",
            },
            Self::Config(_) => "CONFIG_INVALID",
            Self::Busy => "BUSY",
            Self::NetworkUnsupported(_) => "NETWORK_UNSUPPORTED",
            Self::AddressInvalid(_) => "ADDRESS_INVALID",
            Self::Amount(error) => error.code(),
            Self::InsufficientFunds { .. } => "INSUFFICIENT_FUNDS",
            Self::WalletUnknown(_) => "WALLET_UNKNOWN",
            Self::AssetUnknown => "ASSET_UNKNOWN",
            Self::DailyLimitExceeded { .. } => "DAILY_LIMIT_EXCEEDED",
            Self::SignatureInvalid(_) => "SIGNATURE_REQUEST_INVALID",
            Self::PasskeyNameInvalid => "PASSKEY_NAME_INVALID",
            Self::PasskeyUnknown(_) => "PASSKEY_UNKNOWN",
            Self::SessionEndedDuringAction => "SESSION_ENDED_RETRY",
            Self::OperationUnknown(_) => "OPERATION_UNKNOWN",
            Self::OperationFinished(_) => "OPERATION_FINISHED",
            Self::OutcomeUnknown(_) => "OUTCOME_UNKNOWN",
            Self::Authn(error) => error.code(),
            Self::Cache(error) => error.code(),
            Self::Journal(error) => error.code(),
            Self::Keyring(error) => error.code(),
            Self::Randomness(_) => "RANDOMNESS_UNAVAILABLE",
            Self::Internal(_) => "INTERNAL",
        }
    }
}

/// The result type of sigil-core.
pub type Result<T, E = Error> = std::result::Result<T, E>;
