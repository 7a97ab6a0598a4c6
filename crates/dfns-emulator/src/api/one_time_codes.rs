//! One-time codes: the recovery verification code the emulator "emails" (§3.6) and the credential
//! code a user makes for a new device (§5). Nine characters of an alphabet without look-alikes;
//! only a hash is stored; a code is good once, until it expires, and wrong guesses burn it.

use sha2::{Digest as _, Sha256};

use crate::error::ApiError;
use crate::ids::{new_id, random_bytes};
use crate::state::AppState;
use crate::store::OneTimeCodeRow;

/// Letters and digits without I, O, 0 and 1, which read like one another.
const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// Dfns's credential codes are nine characters (§5).
const CODE_LENGTH: usize = 9;
/// A credential code comes without a username: its first characters find it, so wrong guesses
/// can be counted against it. The other five (25 bits) are the secret.
const LOCATOR_LENGTH: usize = 4;
/// The wrong guesses that burn a code.
pub const MAX_FAILED_ATTEMPTS: i64 = 5;

/// The answer to a wrong, expired, spent or burned code: the same for all, so a guess learns
/// nothing about which codes exist.
pub const CODE_INVALID: &str = "Invalid or expired code.";

/// What a code is for, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Verifies a user who recovers without the service account.
    Recovery,
    /// Lets a new device add a credential.
    Credential,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recovery => "Recovery",
            Self::Credential => "Credential",
        }
    }
}

pub fn code_invalid() -> ApiError {
    ApiError::bad_request(CODE_INVALID)
}

/// A new code of `purpose` for `user_id`, good until `expires_at`. A recovery code replaces the
/// user's earlier one; credential codes may coexist, each with its own locator.
pub async fn issue(
    state: &AppState,
    purpose: Purpose,
    user_id: &str,
    expires_at: i64,
) -> Result<String, ApiError> {
    let now = state.now_ms();
    let code = loop {
        let code: String = random_bytes::<CODE_LENGTH>()
            .iter()
            // 256 is a multiple of 32: every character is equally likely.
            .map(|byte| char::from(ALPHABET[usize::from(byte % 32)]))
            .collect();
        // Open codes must not share a locator, or one could not be found.
        if state.store.open_code_by_locator(purpose.as_str(), locator(&code), now).await?.is_none()
        {
            break code;
        }
    };
    let row = OneTimeCodeRow {
        id: new_id("otc"),
        purpose: purpose.as_str().to_owned(),
        user_id: user_id.to_owned(),
        locator: locator(&code).to_owned(),
        code_hash: hash(&code),
        expires_at,
        failed_attempts: 0,
        used_at: None,
    };
    state.store.insert_one_time_code(&row, purpose == Purpose::Recovery, now).await?;
    Ok(code)
}

/// The code as a person may type it: any case, spaces and dashes ignored.
pub fn normalize(presented: &str) -> String {
    presented
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The first characters of a normalised code (all of it when shorter).
pub fn locator(code: &str) -> &str {
    code.get(..LOCATOR_LENGTH).unwrap_or(code)
}

/// `open` if `presented` (normalised) is its code. A wrong guess at an open code counts
/// against it, and the last one allowed burns it. Nothing is spent here.
pub async fn check(
    state: &AppState,
    open: Option<OneTimeCodeRow>,
    presented: &str,
) -> Result<OneTimeCodeRow, ApiError> {
    let row = open.ok_or_else(code_invalid)?;
    if row.code_hash != hash(presented) {
        state.store.count_failed_attempt(&row.id, MAX_FAILED_ATTEMPTS, state.now_ms()).await?;
        tracing::debug!(code = %row.id, "a wrong one-time code was presented");
        return Err(code_invalid());
    }
    Ok(row)
}

/// Spends `row`; the loser of a race gets the same answer as a wrong code.
pub async fn spend(state: &AppState, row: &OneTimeCodeRow) -> Result<(), ApiError> {
    if state.store.spend_one_time_code(&row.id, state.now_ms()).await? {
        Ok(())
    } else {
        Err(code_invalid())
    }
}

fn hash(code: &str) -> String {
    hex::encode(Sha256::digest(code.as_bytes()))
}
