//! One-time deep-link login codes (RFC 8252 with PKCE, RFC 7636): random, stored as their
//! SHA-256, 60 seconds, bound to a PKCE S256 challenge and a redirect URI, single use. Redeeming
//! a code makes the app session in the same transaction, with the code's purpose (a sign-in or
//! a recovery); a code redeemed twice revokes the session it made.

use crate::store::Store;
use crate::store::error::{Result, StoreError, is_unique_violation};
use crate::store::ids::{SessionId, UserId};
use crate::store::pkce::{CodeChallenge, CodeVerifier};
use crate::store::secret::{LoginCode, random_token, secret_hash};
use crate::store::sessions::{
    NewSession, SessionKind, SessionPolicy, SessionPurpose, purpose_from_db, purpose_to_db,
};

/// How long a login code can be redeemed, ms.
pub const LOGIN_CODE_TTL_MS: i64 = 60_000;

/// A login code just issued: the only time the code is known to the companion.
#[derive(Debug, Clone)]
pub struct IssuedCode {
    /// The code for the redirect `redirect_uri?code=…&state=…` (redacted in `Debug`).
    pub code: LoginCode,
    /// Until when it can be redeemed, Unix ms.
    pub expires_at: i64,
}

/// What redeeming a code gave.
#[derive(Debug)]
pub enum Redemption {
    /// The code was good: here is the new app session (and its token, once).
    Issued(NewSession),
    /// The code was refused; nothing was issued.
    Rejected(CodeRejection),
}

/// Why a code was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeRejection {
    /// No such code was ever issued (or it was purged).
    Unknown,
    /// The code's 60 seconds are over.
    Expired,
    /// The code was redeemed before. The session that redemption made (if it made one) has
    /// now been revoked: whoever holds a copy of the code is not the app that asked for it.
    Replayed {
        /// The session revoked because of the replay (`None` if the first redemption failed).
        revoked_session: Option<SessionId>,
    },
    /// The PKCE verifier does not answer the code's challenge. The code is used up.
    VerifierMismatch,
    /// The redirect URI differs from the one the code was issued for. The code is used up.
    RedirectUriMismatch,
}

impl CodeRejection {
    /// A stable, machine-readable code for this refusal.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unknown => "CODE_UNKNOWN",
            Self::Expired => "CODE_EXPIRED",
            Self::Replayed { .. } => "CODE_REPLAYED",
            Self::VerifierMismatch => "PKCE_VERIFIER_MISMATCH",
            Self::RedirectUriMismatch => "REDIRECT_URI_MISMATCH",
        }
    }
}

impl Store {
    /// Issues a login code for `user_id`, bound to the PKCE `challenge` and `redirect_uri` (which
    /// the caller has checked against its allow-list), for a session of `purpose`. Valid for
    /// [`LOGIN_CODE_TTL_MS`].
    pub async fn issue_login_code(
        &self,
        user_id: &UserId,
        challenge: &CodeChallenge,
        redirect_uri: &str,
        purpose: SessionPurpose,
        now_ms: i64,
    ) -> Result<IssuedCode> {
        let code = LoginCode::new(random_token(self.random.as_ref())?.as_str());
        let expires_at = now_ms.saturating_add(LOGIN_CODE_TTL_MS);
        sqlx::query(
            "INSERT INTO login_codes (code_hash, user_id, code_challenge, redirect_uri, \
               created_at, expires_at, purpose) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(secret_hash(code.expose()))
        .bind(user_id.as_str())
        .bind(challenge.as_str())
        .bind(redirect_uri)
        .bind(now_ms)
        .bind(expires_at)
        .bind(purpose_to_db(purpose))
        .execute(&self.pool)
        .await
        .map_err(|error| {
            if is_unique_violation(&error) {
                StoreError::Conflict { what: "login code" }
            } else if matches!(&error, sqlx::Error::Database(db) if db.is_foreign_key_violation()) {
                StoreError::NotFound { what: "user" }
            } else {
                error.into()
            }
        })?;
        tracing::debug!(user_id = %user_id, ?purpose, "login code issued");
        Ok(IssuedCode { code, expires_at })
    }

    /// Redeems a login code for an app session.
    ///
    /// In one transaction: the code is marked used if it is unused and unexpired (one
    /// conditional `UPDATE`, so of concurrent redemptions on any number of instances exactly one
    /// wins), the verifier and redirect URI are checked, and the session is made and recorded
    /// on the code. A wrong verifier or redirect URI uses the code up. A code that was used
    /// before gets [`CodeRejection::Replayed`] and the session its first redemption made is
    /// revoked.
    pub async fn redeem_login_code(
        &self,
        code: &LoginCode,
        verifier: &CodeVerifier,
        redirect_uri: &str,
        policy: &SessionPolicy,
        now_ms: i64,
    ) -> Result<Redemption> {
        let code_hash = secret_hash(code.expose());
        let mut tx = self.begin_write().await?;
        let claimed = sqlx::query_as::<_, (String, String, String, String)>(
            "UPDATE login_codes SET used_at = $2 \
             WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 \
             RETURNING user_id, code_challenge, redirect_uri, purpose",
        )
        .bind(code_hash.as_str())
        .bind(now_ms)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((user_id, challenge, bound_redirect_uri, purpose)) = claimed else {
            tx.rollback().await?;
            return Ok(Redemption::Rejected(self.refuse_code(&code_hash, now_ms).await?));
        };
        let user_id = UserId::from_db(user_id);
        // RFC 7636 §4.6: the server verifies the code_verifier against the code_challenge.
        // A stored challenge that no longer parses answers no verifier.
        let answered = CodeChallenge::parse(&challenge, Some("S256"))
            .is_ok_and(|challenge| verifier.matches(&challenge));
        if !answered {
            tx.commit().await?;
            tracing::warn!(user_id = %user_id, "login code redeemed with a wrong PKCE verifier");
            return Ok(Redemption::Rejected(CodeRejection::VerifierMismatch));
        }
        // RFC 6749 §4.1.3: the redirect_uri must be identical to the one of the authorization
        // request.
        if bound_redirect_uri != redirect_uri {
            tx.commit().await?;
            tracing::warn!(user_id = %user_id, "login code redeemed with another redirect URI");
            return Ok(Redemption::Rejected(CodeRejection::RedirectUriMismatch));
        }
        let purpose = purpose_from_db(&purpose)?;
        let new = self
            .insert_session(&mut tx, &user_id, SessionKind::App, purpose, policy, now_ms)
            .await?;
        sqlx::query("UPDATE login_codes SET session_id = $2 WHERE code_hash = $1")
            .bind(code_hash.as_str())
            .bind(new.session.id.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(user_id = %user_id, session_id = %new.session.id, ?purpose, "login code redeemed");
        Ok(Redemption::Issued(new))
    }

    /// Why a code that could not be claimed is refused; revokes the session of a replayed code.
    async fn refuse_code(&self, code_hash: &str, now_ms: i64) -> Result<CodeRejection> {
        // A code that is used stays used, and its session id is written in the transaction that
        // used it: what this reads after the failed claim is final.
        let row = sqlx::query_as::<_, (i64, Option<i64>, Option<String>)>(
            "SELECT expires_at, used_at, session_id FROM login_codes WHERE code_hash = $1",
        )
        .bind(code_hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some((expires_at, used_at, session_id)) = row else {
            return Ok(CodeRejection::Unknown);
        };
        if used_at.is_none() {
            debug_assert!(expires_at <= now_ms);
            return Ok(CodeRejection::Expired);
        }
        let revoked_session = session_id.map(SessionId::from_db);
        if let Some(session_id) = &revoked_session {
            self.revoke_session(session_id, now_ms).await?;
        }
        tracing::warn!(
            session_id = revoked_session.as_ref().map(|id| id.as_str()),
            "login code replayed: the session it made is revoked"
        );
        Ok(CodeRejection::Replayed { revoked_session })
    }
}
