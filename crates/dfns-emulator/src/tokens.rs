//! The JWTs the emulator hands out (auth tokens, temporary tokens, challenge identifiers, user
//! actions), signed with the org's Ed25519 key. Their single-use and revocation state lives in
//! the store; the JWT only proves who issued it and until when it is good.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use ed25519_dalek::{Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};

/// What a token stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenKind {
    /// A service account's long-lived token.
    Service,
    /// An end user's login token (from delegated login or end-user registration).
    Login,
    /// A registration's temporary token.
    Temp,
    /// A challenge identifier.
    Challenge,
    /// A signed user action.
    UserAction,
}

/// Dfns's namespaced claim with the caller's ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppMetadata {
    /// `us-…`
    pub user_id: String,
    /// `or-…`
    pub org_id: String,
    /// What the token is.
    pub token_kind: TokenKind,
}

/// The claims of every emulator token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer.
    pub iss: String,
    /// Audience.
    pub aud: String,
    /// The user id.
    pub sub: String,
    /// Unique id; keys single-use and revocation state.
    pub jti: String,
    /// Issued at, Unix seconds.
    pub iat: i64,
    /// Expiry, Unix seconds.
    pub exp: i64,
    /// Issued at, Unix milliseconds (for "every session before now" checks).
    #[serde(rename = "https://custom/iat_ms")]
    pub iat_ms: i64,
    /// Expiry, Unix milliseconds.
    #[serde(rename = "https://custom/exp_ms")]
    pub exp_ms: i64,
    /// The caller's ids.
    #[serde(rename = "https://custom/app_metadata")]
    pub app_metadata: AppMetadata,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Not a JWT of ours.
    #[error("the token is malformed or was not issued by this server")]
    Invalid,
    /// Past its expiry.
    #[error("the token has expired")]
    Expired,
}

/// Issues and checks tokens.
#[derive(Clone)]
pub struct TokenIssuer {
    key: SigningKey,
    verifying_key: VerifyingKey,
    issuer: String,
    /// Claims of tokens whose signature already verified, by the exact token text: a caller
    /// presents the same token on every request, and an Ed25519 verification costs more than the
    /// rest of a request's checks. Kind and expiry are still checked on every use.
    verified: Arc<Mutex<HashMap<Box<str>, Claims>>>,
}

/// Tokens remembered as verified before the memory is cleared and starts over.
const VERIFIED_TOKENS_KEPT: usize = 4096;

impl std::fmt::Debug for TokenIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenIssuer").field("issuer", &self.issuer).finish_non_exhaustive()
    }
}

const HEADER: &str = r#"{"alg":"EdDSA","typ":"JWT"}"#;

impl TokenIssuer {
    /// An issuer signing with the Ed25519 key whose seed is `seed`.
    pub fn new(seed: &[u8; 32], issuer: impl Into<String>) -> Self {
        let key = SigningKey::from_bytes(seed);
        Self {
            verifying_key: key.verifying_key(),
            key,
            issuer: issuer.into(),
            verified: Arc::default(),
        }
    }

    /// A token for `user_id` of `kind`, good from `now_ms` for `ttl_ms`. Returns it and its jti.
    pub fn issue(
        &self,
        kind: TokenKind,
        user_id: &str,
        org_id: &str,
        jti: String,
        now_ms: i64,
        ttl_ms: i64,
    ) -> String {
        let exp_ms = now_ms.saturating_add(ttl_ms);
        let claims = Claims {
            iss: self.issuer.clone(),
            aud: "dfns:auth:user".to_owned(),
            sub: user_id.to_owned(),
            jti,
            iat: now_ms / 1000,
            exp: exp_ms / 1000,
            iat_ms: now_ms,
            exp_ms,
            app_metadata: AppMetadata {
                user_id: user_id.to_owned(),
                org_id: org_id.to_owned(),
                token_kind: kind,
            },
        };
        // Plain strings and numbers always serialise.
        let payload = serde_json::to_vec(&claims).expect("claims serialise");
        let signing_input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(HEADER), URL_SAFE_NO_PAD.encode(payload));
        let signature = self.key.sign(signing_input.as_bytes());
        let token = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()));
        // Our own signature over these claims: nothing to verify when it comes back.
        self.remember(&token, claims);
        token
    }

    /// The claims of `token` if we issued it, it is one of `kinds` and it has not expired at
    /// `now_ms`.
    pub fn verify(
        &self,
        token: &str,
        kinds: &[TokenKind],
        now_ms: i64,
    ) -> Result<Claims, TokenError> {
        let claims = self.verified_claims(token)?;
        if claims.iss != self.issuer || !kinds.contains(&claims.app_metadata.token_kind) {
            return Err(TokenError::Invalid);
        }
        if now_ms >= claims.exp_ms {
            return Err(TokenError::Expired);
        }
        Ok(claims)
    }

    /// The claims of `token` if its signature is ours, from memory when it was seen before.
    fn verified_claims(&self, token: &str) -> Result<Claims, TokenError> {
        if let Some(claims) =
            self.verified.lock().unwrap_or_else(PoisonError::into_inner).get(token)
        {
            return Ok(claims.clone());
        }
        let (signing_input, signature) = token.rsplit_once('.').ok_or(TokenError::Invalid)?;
        let (header, payload) = signing_input.split_once('.').ok_or(TokenError::Invalid)?;
        let signature = URL_SAFE_NO_PAD.decode(signature).map_err(|_| TokenError::Invalid)?;
        let signature =
            ed25519_dalek::Signature::from_slice(&signature).map_err(|_| TokenError::Invalid)?;
        self.verifying_key
            .verify(signing_input.as_bytes(), &signature)
            .map_err(|_| TokenError::Invalid)?;
        if URL_SAFE_NO_PAD.decode(header).ok().as_deref() != Some(HEADER.as_bytes()) {
            return Err(TokenError::Invalid);
        }
        let payload = URL_SAFE_NO_PAD.decode(payload).map_err(|_| TokenError::Invalid)?;
        let claims: Claims = serde_json::from_slice(&payload).map_err(|_| TokenError::Invalid)?;
        self.remember(token, claims.clone());
        Ok(claims)
    }

    fn remember(&self, token: &str, claims: Claims) {
        let mut verified = self.verified.lock().unwrap_or_else(PoisonError::into_inner);
        if verified.len() >= VERIFIED_TOKENS_KEPT {
            verified.clear();
        }
        verified.insert(token.into(), claims);
    }
}

#[cfg(test)]
mod tests;
