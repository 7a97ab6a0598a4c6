//! The contract between the Sigil app and the companion backend: JSON under [`PREFIX`], typed
//! once here and used by both sides (DESIGN.md §4).
//!
//! Field names are camelCase. Requests refuse unknown fields (a typo is an error, not a silent
//! default); responses accept them, so an older app keeps working with a newer companion.
//! Every error is [`ErrorBody`]: `{"error":{"code","message"}}`, where `code` is an
//! [`ErrorCode`] and stable, and `message` is for people.

pub mod clock;
mod error;
pub mod pkce;

use dfns_client::Secret;
use dfns_client::models::{
    AllowedRecoveryCredential, NewCredential, RecoveryAssertion, RegisteredCredential,
    RegistrationOptions, Wallet,
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use error::{ErrorBody, ErrorCode, ErrorDetail};

/// Where the API lives on the companion.
pub const PREFIX: &str = "/api/v1";

/// The deep link the app registers for login callbacks (RFC 8252 private-use scheme).
pub const DEFAULT_REDIRECT_URI: &str = "sigil://auth/callback";

/// The deep link of the website's "Open in Sigil" button: the app starts a login of its own.
pub const START_LOGIN_URI: &str = "sigil://auth/start";

/// `GET /api/v1/config` (public): what the app needs to talk to Dfns for this company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Config {
    /// The Dfns API the app calls directly (the real one, or an emulator).
    pub dfns_api_url: String,
    /// The WebAuthn relying party id passkeys are made for.
    pub rp_id: String,
    /// The origin written into WebAuthn client data.
    pub origin: String,
    /// The name authenticators show for the relying party.
    pub app_name: String,
    /// The networks the company offers; the first ones are provisioned at registration.
    pub networks: Vec<String>,
    /// The networks provisioned at registration.
    pub default_networks: Vec<String>,
    /// The company's default guardrails, until a person sets their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardrails: Option<CompanyGuardrails>,
    /// Block explorers the company prefers, per network, over the app's own.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub explorers: std::collections::BTreeMap<String, ExplorerLinks>,
}

/// A block explorer as URL templates: `{hash}` or `{address}` stands for the value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExplorerLinks {
    /// A transaction's page, e.g. `https://sepolia.etherscan.io/tx/{hash}`.
    pub transaction: String,
    /// An address's page, e.g. `https://sepolia.etherscan.io/address/{address}`.
    pub address: String,
}

impl ExplorerLinks {
    /// Why these templates cannot be used, if they cannot: each must be an `https://` URL with a
    /// host, its placeholder once, and no spaces.
    pub fn problem(&self) -> Option<String> {
        [(&self.transaction, "{hash}"), (&self.address, "{address}")].into_iter().find_map(
            |(template, placeholder)| {
                let host = template.strip_prefix("https://").map(|rest| {
                    rest.split(['/', '?', '#']).next().unwrap_or_default().to_owned()
                });
                let fine = host.is_some_and(|host| !host.is_empty() && !host.contains('{'))
                    && template.matches(placeholder).count() == 1
                    && !template.chars().any(|c| c.is_whitespace() || c.is_control());
                (!fine).then(|| {
                    format!(
                        "{template:?} is not an https:// URL with {placeholder} once (e.g. https://sepolia.etherscan.io/tx/{{hash}})"
                    )
                })
            },
        )
    }

    /// The page of transaction `hash` (its shape checked by the caller).
    pub fn transaction_url(&self, hash: &str) -> String {
        self.transaction.replace("{hash}", hash)
    }

    /// The page of `address` (checked by the caller).
    pub fn address_url(&self, address: &str) -> String {
        self.address.replace("{address}", address)
    }
}

/// The guardrails a company suggests for its users' wallets (Dfns policies do not apply to
/// delegated wallets); each person may change their own in the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CompanyGuardrails {
    /// Per network, then per asset (`Native`, or a token's contract or mint): the most that may
    /// leave one wallet in 24 hours, in whole units ("0.5").
    #[serde(default)]
    pub daily_limits:
        std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
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

/// `POST /api/v1/session`: redeems a deep-link login code (RFC 7636 §4.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionRequest {
    /// The `code` of `sigil://auth/callback?code=…&state=…`.
    pub code: Secret,
    /// The PKCE verifier whose S256 challenge the login started with.
    pub code_verifier: Secret,
    /// The redirect URI the login started with, exactly.
    pub redirect_uri: String,
}

/// A company user as the app sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The company's id of the user (`cu-…`).
    pub id: String,
    /// Their email address.
    pub email: String,
}

/// What the website checked before it handed out the code a session was made from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum SessionPurpose {
    /// A sign-in (`/login`): the person's password, or the browser's website session.
    #[default]
    SignIn,
    /// A recovery of access (`/recover`): a fresh password check and a code emailed to the
    /// account. Such a session may start one recovery ([`RecoveryChallenge`]) within
    /// [`RECOVERY_WINDOW_SECS`] of its making.
    Recovery,
}

/// How long after its code was redeemed a recovery session may start its one recovery, seconds.
pub const RECOVERY_WINDOW_SECS: i64 = 600;

/// `POST /api/v1/session` answer: the app's session with the companion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionResponse {
    /// The bearer token for `/api/v1` (`Authorization: Bearer …`); keep it in the OS keyring.
    pub session_token: Secret,
    /// When the session ends unless used again (each use slides it).
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// Whose session it is.
    pub user: User,
    /// Whether the code came from a sign-in or a recovery (absent from older companions: a
    /// sign-in).
    #[serde(default)]
    pub purpose: SessionPurpose,
}

/// `GET /api/v1/me`: the user and where they stand with Dfns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    /// The company user.
    pub user: User,
    /// Whether delegated registration with Dfns completed.
    pub registered: bool,
    /// Their Dfns user id (`us-…`) once registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dfns_user_id: Option<String>,
    /// The `credId` of the recovery kit (RecoveryKey credential) the companion would recover
    /// them with: the newest one recorded at registration, by `PUT /api/v1/recovery-credential`
    /// or by a recovery. Absent when there is none (never made, or spent by a recovery that made
    /// no new one): the app offers to make one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_credential_id: Option<String>,
}

/// `POST /api/v1/registration/init` answer: the Dfns registration challenge without its
/// temporary token (which stays on the companion, bound to this session).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationChallenge {
    /// What the authenticator needs to make the credential.
    #[serde(flatten)]
    pub options: RegistrationOptions,
    /// Until when `registration/complete` can use this challenge.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// `POST /api/v1/registration/complete` body: the credentials made for the challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegistrationCompleteRequest {
    /// The passkey (kind `Fido2`) the user signs with.
    pub first_factor_credential: NewCredential,
    /// An optional recovery key (kind `RecoveryKey`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_credential: Option<NewCredential>,
}

/// `POST /api/v1/registration/complete` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Registered {
    /// The user, now registered.
    pub me: Me,
    /// The wallets provisioned for them (delegated to them), default networks first.
    pub wallets: Vec<Wallet>,
}

/// `POST /api/v1/dfns-token` body (optional: no body, or `{}`, asks for the token the session
/// has). The companion keeps each session's token until shortly before it expires; an app whose
/// token Dfns refused anyway (the user logged out of Dfns elsewhere) names it here, by its
/// SHA-256 in hex, so the companion drops it and logs in again.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DfnsTokenRequest {
    /// Hex SHA-256 of the token Dfns refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

impl DfnsTokenRequest {
    /// The request that names `token` as refused.
    pub fn refusing(token: &str) -> Self {
        Self { refused: Some(token_digest(token)) }
    }
}

/// Hex SHA-256 of a Dfns token, as [`DfnsTokenRequest::refused`] names it.
pub fn token_digest(token: &str) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// `POST /api/v1/dfns-token` answer: an end-user token for the app's direct Dfns calls (reads;
/// every write still needs the user's passkey).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DfnsToken {
    /// The Dfns end-user token; keep it in memory only.
    pub token: Secret,
    /// When Dfns stops accepting it; refresh before.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// `POST /api/v1/wallets` body: one more wallet, delegated to the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateWalletRequest {
    /// One of [`Config::networks`].
    pub network: String,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The app's id for this request (1 to 64 of `A-Z a-z 0-9 - _`): sending it again after an
    /// unknown outcome gives the same wallet instead of a second one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// The Dfns recovery challenge without its temporary token: everything the app needs to open the
/// kit (`allowedRecoveryCredentials`), make the new passkey (the registration options) and sign
/// the recovery (`challenge`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryOptions {
    /// The recovery keys that may sign, each with its wrapped private key.
    pub allowed_recovery_credentials: Vec<AllowedRecoveryCredential>,
    /// The user, the challenge every new credential and the recovery key sign, and the
    /// WebAuthn creation options.
    #[serde(flatten)]
    pub options: RegistrationOptions,
}

/// `POST /api/v1/recovery/init` answer (a session from a recovery code, within
/// [`RECOVERY_WINDOW_SECS`], once): the delegated recovery the companion opened at Dfns. The
/// temporary token stays on the companion, bound to this session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryChallenge {
    /// What the app signs and makes credentials for.
    pub challenge: RecoveryOptions,
    /// Until when `recovery/complete` can use it.
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: OffsetDateTime,
}

/// `POST /api/v1/recovery/complete` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecoveryCompleteRequest {
    /// The credentials that replace every earlier one, made for the recovery challenge: the new
    /// passkey, and a new recovery kit (recorded as the user's kit when given).
    pub new_credentials: RegistrationCompleteRequest,
    /// The old recovery key's signature over the recovery challenge.
    pub recovery: RecoveryAssertion,
}

/// `POST /api/v1/recovery/complete` answer: access is recovered; every earlier credential is
/// retired at Dfns and every other session of the user at the companion is signed out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Recovered {
    /// The user.
    pub user: User,
    /// The new first-factor credential, as Dfns registered it.
    pub credential: RegisteredCredential,
    /// The recovery kit now recorded (the new one given), if any: without one the user has no
    /// kit until the app makes one and records it with `PUT /api/v1/recovery-credential`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_credential_id: Option<String>,
}

/// `PUT /api/v1/recovery-credential` body: the recovery kit the app registered at Dfns with the
/// user's passkey (`POST /auth/credentials`, kind `RecoveryKey`). The companion checks at Dfns
/// that it is an active RecoveryKey of this user, and keeps only the newest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecoveryCredentialRequest {
    /// The kit's `credId`.
    pub credential_id: String,
}

#[cfg(test)]
mod tests;
