use serde::{Deserialize, Serialize};

use super::open_enum::open_enum;
use super::wallets::{Wallet, WalletSpec};
use crate::Secret;

open_enum!(
    /// The kind of a credential (§2.1).
    CredentialKind {
        /// A WebAuthn passkey.
        Fido2 => "Fido2",
        /// A raw key pair held by the caller.
        Key => "Key",
        /// A key pair whose private key the server keeps encrypted.
        PasswordProtectedKey => "PasswordProtectedKey",
        /// A key used only for account recovery.
        RecoveryKey => "RecoveryKey",
        /// Deprecated by Dfns.
        Password => "Password",
        /// Deprecated by Dfns.
        Totp => "Totp",
    }
);

open_enum!(
    /// WebAuthn user verification requirement.
    UserVerification { Required => "required", Preferred => "preferred", Discouraged => "discouraged" }
);

open_enum!(
    /// The kind of user a delegated registration creates.
    UserKind { EndUser => "EndUser", CustomerEmployee => "CustomerEmployee" }
);

/// `POST /auth/action/init` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UserActionInitRequest {
    /// The exact body string of the request to be signed (`""` or `"{}"` when it has none).
    pub user_action_payload: String,
    /// `POST`, `PUT`, `DELETE` or `GET`.
    pub user_action_http_method: String,
    /// The path of the request, without the query.
    pub user_action_http_path: String,
    /// Always `Api` for API calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_action_server_kind: Option<String>,
}

/// A credential the server allows for a challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllowCredential {
    /// Always `public-key`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The credential id (base64url for Fido2).
    pub id: String,
    /// For PasswordProtectedKey: the private key, encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_private_key: Option<String>,
}

impl AllowCredential {
    /// A `public-key` descriptor for `id`.
    pub fn public_key(id: impl Into<String>) -> Self {
        Self { kind: "public-key".to_owned(), id: id.into(), encrypted_private_key: None }
    }
}

/// The credentials that may answer a user-action challenge, by family.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllowCredentials {
    /// Key credentials.
    #[serde(default)]
    pub key: Vec<AllowCredential>,
    /// WebAuthn credentials.
    #[serde(default)]
    pub webauthn: Vec<AllowCredential>,
    /// Password-protected keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_protected_key: Option<Vec<AllowCredential>>,
}

/// One credential kind accepted for a factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupportedCredentialKind {
    /// The kind.
    pub kind: CredentialKind,
    /// `first`, `second` or `either`.
    pub factor: String,
    /// Whether a second factor must follow.
    pub requires_second_factor: bool,
}

/// A relying party `{id, name}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelyingParty {
    /// The rp id (a bare domain).
    pub id: String,
    /// Display name.
    pub name: String,
}

/// `POST /auth/action/init` response (§2.1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserActionChallenge {
    /// The string to sign; opaque text.
    pub challenge: String,
    /// Identifies this signing session; sent back with the assertion.
    pub challenge_identifier: String,
    /// The kinds that may sign.
    #[serde(default)]
    pub supported_credential_kinds: Vec<SupportedCredentialKind>,
    /// WebAuthn user verification.
    pub user_verification: UserVerification,
    /// WebAuthn attestation preference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<String>,
    /// Which credentials may answer.
    pub allow_credentials: AllowCredentials,
    /// Cross-device signing URL; empty when unused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_authentication_url: Option<String>,
    /// Deprecated: the client supplies its rp id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rp: Option<RelyingParty>,
}

/// A WebAuthn assertion, every field base64url without padding (§2.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Fido2Assertion {
    /// The credential id.
    pub cred_id: String,
    /// clientDataJSON bytes.
    pub client_data: String,
    /// Authenticator data bytes.
    pub authenticator_data: String,
    /// DER (ES256) or raw (EdDSA) signature.
    pub signature: String,
    /// The user handle (the Dfns user id as UTF-8).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_handle: Option<String>,
}

/// A Key-credential assertion: a signature over the exact clientData bytes (§2.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeyAssertion {
    /// The credential id.
    pub cred_id: String,
    /// base64url of the signed clientData bytes.
    pub client_data: String,
    /// base64url of the signature.
    pub signature: String,
    /// `RSA-SHA256`, `SHA256` or `SHA512`, when the signer says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
}

/// One factor of a signed challenge, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", deny_unknown_fields)]
pub enum FactorAssertion {
    /// A passkey assertion.
    Fido2 {
        /// The assertion.
        #[serde(rename = "credentialAssertion")]
        credential_assertion: Fido2Assertion,
    },
    /// A key assertion.
    Key {
        /// The assertion.
        #[serde(rename = "credentialAssertion")]
        credential_assertion: KeyAssertion,
    },
    /// A password-protected key assertion (same shape as Key).
    PasswordProtectedKey {
        /// The assertion.
        #[serde(rename = "credentialAssertion")]
        credential_assertion: KeyAssertion,
    },
}

/// `POST /auth/action` body: a challenge and the factors that signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignedChallenge {
    /// From the challenge.
    pub challenge_identifier: String,
    /// The first factor.
    pub first_factor: FactorAssertion,
    /// An optional second factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_factor: Option<FactorAssertion>,
}

/// `POST /auth/action` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserActionToken {
    /// Single-use token for `X-DFNS-USERACTION`.
    pub user_action: Secret,
}

/// `POST /auth/registration/delegated` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DelegatedRegistrationRequest {
    /// Any unique string identifying the user in the company's system.
    pub email: String,
    /// Always `EndUser`.
    pub kind: UserKind,
    /// The company's own id for the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
}

/// The user a registration challenge is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChallengeUser {
    /// `us-…`; its UTF-8 bytes are the WebAuthn user id.
    pub id: String,
    /// The username.
    pub name: String,
    /// Display name.
    pub display_name: String,
}

/// Kinds accepted for each factor at registration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SupportedFactorKinds {
    /// First factor kinds.
    #[serde(default)]
    pub first_factor: Vec<CredentialKind>,
    /// Second factor kinds.
    #[serde(default)]
    pub second_factor: Vec<CredentialKind>,
}

/// WebAuthn authenticator selection criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticatorSelection {
    /// `platform` or `cross-platform`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticator_attachment: Option<String>,
    /// `required`, `preferred` or `discouraged`.
    pub resident_key: String,
    /// Legacy form of `residentKey: required`.
    pub require_resident_key: bool,
    /// User verification.
    pub user_verification: UserVerification,
}

/// A COSE algorithm the server accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PubKeyCredParam {
    /// Always `public-key`.
    #[serde(rename = "type")]
    pub kind: String,
    /// COSE algorithm number (-7 ES256, -8 EdDSA, -257 RS256).
    pub alg: i64,
}

/// `POST /auth/registration/delegated` response (§3.1): the temporary token, and the options a
/// client turns into a WebAuthn creation call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationChallenge {
    /// Bearer token for completing the registration. It stays with whoever holds the service
    /// account; the client that makes the credential only needs [`Self::options`].
    pub temporary_authentication_token: Secret,
    /// Everything else in the answer.
    #[serde(flatten)]
    pub options: RegistrationOptions,
}

/// The part of a registration challenge that a client needs to make a credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationOptions {
    /// The user being registered.
    pub user: ChallengeUser,
    /// The string every new credential signs.
    pub challenge: String,
    /// Deprecated: the client supplies its rp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rp: Option<RelyingParty>,
    /// Kinds accepted for each factor.
    #[serde(default)]
    pub supported_credential_kinds: SupportedFactorKinds,
    /// WebAuthn authenticator selection.
    pub authenticator_selection: AuthenticatorSelection,
    /// WebAuthn attestation preference.
    pub attestation: String,
    /// Accepted algorithms.
    pub pub_key_cred_params: Vec<PubKeyCredParam>,
    /// Credentials the authenticator must not already hold.
    #[serde(default)]
    pub exclude_credentials: Vec<AllowCredential>,
    /// TOTP enrolment URL; empty when unused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp_url: Option<String>,
}

/// What a new credential proves: `{credId, clientData, attestationData}`, base64url.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CredentialInfo {
    /// The credential id.
    pub cred_id: String,
    /// clientData bytes.
    pub client_data: String,
    /// Fido2: the CBOR attestation object; Key: JSON `{publicKey, signature, algorithm?}`.
    pub attestation_data: String,
}

/// A credential offered at registration or added later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewCredential {
    /// The kind.
    pub credential_kind: CredentialKind,
    /// The proof.
    pub credential_info: CredentialInfo,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential_name: Option<String>,
    /// PasswordProtectedKey and RecoveryKey: the wrapped private key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_private_key: Option<String>,
}

/// `POST /auth/registration` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegistrationRequest {
    /// The first factor.
    pub first_factor_credential: NewCredential,
    /// An optional second factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_factor_credential: Option<NewCredential>,
    /// An optional recovery key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_credential: Option<NewCredential>,
}

/// `POST /auth/registration/enduser` body: a registration plus wallets to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndUserRegistrationRequest {
    /// The first factor.
    pub first_factor_credential: NewCredential,
    /// An optional second factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_factor_credential: Option<NewCredential>,
    /// An optional recovery key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_credential: Option<NewCredential>,
    /// Wallets to create, delegated to the new user.
    pub wallets: Vec<WalletSpec>,
}

impl EndUserRegistrationRequest {
    /// The registration part of this request.
    pub fn registration(&self) -> RegistrationRequest {
        RegistrationRequest {
            first_factor_credential: self.first_factor_credential.clone(),
            second_factor_credential: self.second_factor_credential.clone(),
            recovery_credential: self.recovery_credential.clone(),
        }
    }
}

/// The credential a registration created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisteredCredential {
    /// `cr-…`
    pub uuid: String,
    /// The kind.
    pub kind: CredentialKind,
    /// Display name.
    pub name: String,
}

/// The user a registration created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegisteredUser {
    /// `us-…`
    pub id: String,
    /// The username given at registration.
    pub username: String,
    /// `or-…`
    pub org_id: String,
}

/// `POST /auth/registration` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationResponse {
    /// The first-factor credential.
    pub credential: RegisteredCredential,
    /// The user.
    pub user: RegisteredUser,
}

/// A login token: `{token}`, the answer of `POST /auth/login/delegated` too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authentication {
    /// The end user's token.
    pub token: Secret,
}

/// `POST /auth/registration/enduser` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EndUserRegistrationResponse {
    /// The first-factor credential.
    pub credential: RegisteredCredential,
    /// The user.
    pub user: RegisteredUser,
    /// A login token for the new user.
    pub authentication: Authentication,
    /// The wallets created.
    pub wallets: Vec<Wallet>,
}

/// `POST /auth/login/delegated` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DelegatedLoginRequest {
    /// The string given as `email` at registration.
    pub username: String,
}

/// `PUT /auth/logout` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogoutRequest {
    /// End every session of the user, not just this token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_sessions: Option<bool>,
}

/// `{message}` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageResponse {
    /// What happened.
    pub message: String,
}

/// A credential of the caller (`GET /auth/credentials` item, §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Credential {
    /// The kind.
    pub kind: CredentialKind,
    /// The credential id.
    pub credential_id: String,
    /// `cr-…`
    pub credential_uuid: String,
    /// ISO 8601.
    pub date_created: String,
    /// Whether it can sign.
    pub is_active: bool,
    /// Display name.
    pub name: String,
    /// PEM public key.
    pub public_key: String,
    /// The rp id it was created under.
    pub relying_party_id: String,
    /// The origin it was created at.
    pub origin: String,
}

/// `GET /auth/credentials` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialList {
    /// Every credential of the caller.
    pub items: Vec<Credential>,
}

/// `POST /auth/credentials/init` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialChallengeRequest {
    /// The kind of credential to create.
    pub kind: CredentialKind,
}

/// `POST /auth/credentials/init` response: a challenge for one new credential.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialChallenge {
    /// The kind asked for.
    pub kind: CredentialKind,
    /// The user the credential is for.
    pub user: ChallengeUser,
    /// Sent back with the new credential.
    pub challenge_identifier: String,
    /// Deprecated alias of `challengeIdentifier`, still required by the SDK types.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporary_authentication_token: Option<String>,
    /// The string the new credential signs.
    pub challenge: String,
    /// Deprecated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rp: Option<RelyingParty>,
    /// Fido2 only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authenticator_selection: Option<AuthenticatorSelection>,
    /// WebAuthn attestation preference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attestation: Option<String>,
    /// Accepted algorithms.
    #[serde(default)]
    pub pub_key_cred_params: Vec<PubKeyCredParam>,
    /// Fido2 only: credentials the user already has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude_credentials: Option<Vec<AllowCredential>>,
}

/// `POST /auth/credentials` body (needs a user action).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateCredentialRequest {
    /// The kind.
    pub credential_kind: CredentialKind,
    /// The proof.
    pub credential_info: CredentialInfo,
    /// Display name.
    pub credential_name: String,
    /// From `POST /auth/credentials/init`.
    pub challenge_identifier: String,
    /// PasswordProtectedKey and RecoveryKey: the wrapped private key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_private_key: Option<String>,
}

/// `PUT /auth/credentials/activate|deactivate` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CredentialUuidRequest {
    /// `cr-…`
    pub credential_uuid: String,
}
