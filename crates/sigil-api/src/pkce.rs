//! PKCE (RFC 7636) with the S256 method only: the app keeps a verifier, the authorize page gets
//! `BASE64URL(SHA256(verifier))`, the redemption proves possession of the verifier. Shared by the
//! app, which makes the pair, and the companion, which checks it.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

/// Why a PKCE value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PkceError {
    /// A method other than S256 (or none, whose default is `plain`).
    #[error("unsupported PKCE code_challenge_method: only S256 is accepted")]
    UnsupportedMethod,
    /// The challenge is not 43 base64url characters.
    #[error("invalid code_challenge: {}", Self::CHALLENGE_RULE)]
    InvalidChallenge,
    /// The verifier breaks RFC 7636 §4.1.
    #[error("invalid code_verifier: {}", Self::VERIFIER_RULE)]
    InvalidVerifier,
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator failed: {0}")]
    Randomness(String),
}

impl PkceError {
    /// What a challenge must look like.
    pub const CHALLENGE_RULE: &'static str = "an S256 challenge is 43 base64url characters";
    /// What a verifier must look like.
    pub const VERIFIER_RULE: &'static str =
        "a verifier is 43 to 128 characters of A-Z a-z 0-9 - . _ ~";

    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnsupportedMethod => "PKCE_METHOD_UNSUPPORTED",
            Self::InvalidChallenge => "PKCE_CHALLENGE_INVALID",
            Self::InvalidVerifier => "PKCE_VERIFIER_INVALID",
            Self::Randomness(_) => "RANDOMNESS_UNAVAILABLE",
        }
    }
}

/// A PKCE `code_challenge` made with method S256: 43 base64url characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeChallenge(String);

impl CodeChallenge {
    /// Parses `code_challenge` and `code_challenge_method` from the authorize request. Only
    /// `S256` is accepted (RFC 7636 §4.2: `plain` is for clients that cannot do SHA-256; Sigil
    /// can, so `plain` is refused, and so is a missing method, whose default is `plain`).
    pub fn parse(challenge: &str, method: Option<&str>) -> Result<Self, PkceError> {
        if method != Some("S256") {
            return Err(PkceError::UnsupportedMethod);
        }
        // RFC 7636 §4.2: S256 challenge = BASE64URL-ENCODE(SHA256(ASCII(code_verifier))), which
        // is 43 characters without padding.
        let decoded = URL_SAFE_NO_PAD.decode(challenge).ok();
        if challenge.len() != 43 || decoded.is_none_or(|bytes| bytes.len() != 32) {
            return Err(PkceError::InvalidChallenge);
        }
        Ok(Self(challenge.to_owned()))
    }

    /// The challenge as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A PKCE `code_verifier`: 43 to 128 characters of `[A-Za-z0-9-._~]` (RFC 7636 §4.1).
/// `Debug` does not show it.
#[derive(Clone)]
pub struct CodeVerifier(Zeroizing<String>);

impl CodeVerifier {
    /// Parses a verifier (received at redemption, or read back by the app).
    pub fn parse(raw: &str) -> Result<Self, PkceError> {
        // RFC 7636 §4.1: code-verifier = 43*128unreserved, unreserved = ALPHA / DIGIT / "-" /
        // "." / "_" / "~".
        let unreserved = raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
        if !(43..=128).contains(&raw.len()) || !unreserved {
            return Err(PkceError::InvalidVerifier);
        }
        Ok(Self(Zeroizing::new(raw.to_owned())))
    }

    /// A new random verifier: 32 bytes from the operating system, base64url (43 characters).
    pub fn generate() -> Result<Self, PkceError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(bytes.as_mut())
            .map_err(|error| PkceError::Randomness(error.to_string()))?;
        Ok(Self::from_bytes(&bytes))
    }

    /// The verifier of 32 given random bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self(Zeroizing::new(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// The verifier itself, to send it to the companion.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The S256 challenge of this verifier.
    pub fn challenge(&self) -> CodeChallenge {
        CodeChallenge(URL_SAFE_NO_PAD.encode(Sha256::digest(self.0.as_bytes())))
    }

    /// Whether this verifier answers `challenge`.
    pub fn matches(&self, challenge: &CodeChallenge) -> bool {
        let mine = self.challenge();
        // Not secret (the challenge travelled in a URL), but compare without early exit anyway.
        mine.0.len() == challenge.0.len()
            && mine.0.bytes().zip(challenge.0.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    }
}

impl fmt::Debug for CodeVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CodeVerifier(<redacted>)")
    }
}

#[cfg(test)]
mod tests;
