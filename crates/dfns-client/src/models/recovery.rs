//! Account recovery (§3.6) and one-time credential codes for a new device (§5). Shapes from the
//! official TS SDK 0.8.21 types (`CreateDelegatedRecoveryChallenge*`, `CreateRecoveryChallenge*`,
//! `Recover*`, `SendRecoveryCode*`, `CreateCredentialCode*`, `CreateCredentialChallengeWithCode*`).

use serde::{Deserialize, Serialize};

use super::auth::{CredentialKind, KeyAssertion, RegistrationOptions, RegistrationRequest};
use crate::Secret;

/// `POST /auth/recover/user/delegated` body (service account, user action).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DelegatedRecoveryRequest {
    /// The end user, as given at registration.
    pub username: String,
    /// The `credId` of the user's RecoveryKey credential.
    pub credential_id: String,
}

/// `POST /auth/recover/user/code` body (no token): "email" the user a verification code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendRecoveryCodeRequest {
    /// The user.
    pub username: String,
    /// `or-…`
    pub org_id: String,
}

/// `POST /auth/recover/user/init` body (no token): the emailed code opens a recovery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecoveryChallengeRequest {
    /// The user.
    pub username: String,
    /// The code from the email.
    pub verification_code: Secret,
    /// `or-…`
    pub org_id: String,
    /// The `credId` of the user's RecoveryKey credential.
    pub credential_id: String,
}

/// A recovery credential that may sign the recovery, with its wrapped private key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllowedRecoveryCredential {
    /// The credential's `credId`.
    pub id: String,
    /// The `encryptedPrivateKey` given when the recovery key was registered (empty if none was).
    pub encrypted_recovery_key: String,
}

/// Answer of both recovery inits: a registration challenge for the new credentials, the
/// temporary token that completes the recovery, and the recovery keys that may sign it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecoveryChallenge {
    /// Bearer token for `POST /auth/recover/user`.
    pub temporary_authentication_token: Secret,
    /// The recovery keys that may sign.
    pub allowed_recovery_credentials: Vec<AllowedRecoveryCredential>,
    /// What the new credentials are made for (the same shape as a registration challenge).
    #[serde(flatten)]
    pub options: RegistrationOptions,
}

/// The recovery key's signature, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", deny_unknown_fields)]
pub enum RecoveryAssertion {
    /// The only kind that may recover.
    RecoveryKey {
        /// A Key assertion (`key.get` client data).
        #[serde(rename = "credentialAssertion")]
        credential_assertion: KeyAssertion,
    },
}

/// `POST /auth/recover/user` body (Bearer: the recovery's temporary token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RecoverRequest {
    /// The recovery key's signature over the recovery challenge (or, in the older form, over
    /// base64url of the JSON of `newCredentials`).
    pub recovery: RecoveryAssertion,
    /// The credentials that replace every earlier one; each signs the recovery challenge.
    pub new_credentials: RegistrationRequest,
}

/// When a credential code expires: an ISO 8601 time, or a Unix timestamp.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CodeExpiration {
    /// `2026-11-26T10:00:00.000Z`
    Iso(String),
    /// Unix seconds (values of 10^11 and more are read as milliseconds).
    Unix(i64),
}

/// `POST /auth/credentials/code` body (end user, user action).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateCredentialCodeRequest {
    /// When the code stops working.
    pub expiration: CodeExpiration,
}

/// `POST /auth/credentials/code` response: a one-time code for adding a credential elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialCode {
    /// Nine characters, good once.
    pub code: Secret,
    /// ISO 8601.
    pub expiration: String,
}

/// `POST /auth/credentials/code/init` body (no token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CredentialChallengeWithCodeRequest {
    /// The kind of credential to create.
    pub credential_kind: CredentialKind,
    /// The code made on a device that holds a credential.
    pub code: Secret,
}
