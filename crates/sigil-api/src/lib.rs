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
use dfns_client::models::{NewCredential, RegistrationOptions, Wallet};
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

#[cfg(test)]
mod tests;
