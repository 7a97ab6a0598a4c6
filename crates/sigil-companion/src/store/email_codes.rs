//! The one-time codes the website's recovery check emails: 6 random digits, 10 minutes, five
//! attempts. The browser holds a random ticket naming the code; the database keeps the ticket's
//! SHA-256 and the SHA-256 of ticket and code, so a copy of it tells neither. The authorize
//! request the check continues (state, PKCE challenge, redirect URI) is kept with the code.

use crate::store::Store;
use crate::store::StoreError;
use crate::store::error::{Result, is_unique_violation};
use crate::store::ids::UserId;
use crate::store::pkce::CodeChallenge;
use crate::store::secret::{
    EmailCode, EmailTicket, RandomSource, random_token, same_secret, secret_hash,
};

/// How long an emailed code works, ms.
pub const EMAIL_CODE_TTL_MS: i64 = 10 * 60_000;

/// Attempts at one code, the right one included: after this many wrong ones it is void.
pub const EMAIL_CODE_ATTEMPTS: u32 = 5;

/// The authorize request a recovery check continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizeParams {
    /// The app's `state`.
    pub state: String,
    /// Its PKCE challenge.
    pub challenge: CodeChallenge,
    /// Its redirect URI.
    pub redirect_uri: String,
}

/// A code just issued: the only time ticket and code are known to the companion.
#[derive(Debug, Clone)]
pub struct IssuedEmailCode {
    /// For the browser's form.
    pub ticket: EmailTicket,
    /// For the email.
    pub code: EmailCode,
    /// Until when it works, Unix ms.
    pub expires_at: i64,
}

/// What checking a code gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailCodeCheck {
    /// The right code: it is used up now.
    Accepted {
        /// Whose code it was.
        user_id: UserId,
        /// The authorize request to hand off to.
        params: AuthorizeParams,
    },
    /// A wrong code.
    Wrong {
        /// Attempts left before the code is void (0: it is void now).
        attempts_left: u32,
    },
    /// The code was used, or tried [`EMAIL_CODE_ATTEMPTS`] times.
    Void,
    /// The code's 10 minutes are over.
    Expired,
    /// No such ticket (never issued, or purged).
    Unknown,
}

impl Store {
    /// A new code for `user_id`, continuing the authorize request `params`.
    pub async fn issue_email_code(
        &self,
        user_id: &UserId,
        params: &AuthorizeParams,
        now_ms: i64,
    ) -> Result<IssuedEmailCode> {
        let ticket = EmailTicket::new(random_token(self.random.as_ref())?.as_str());
        let code = EmailCode::new(six_digits(self.random.as_ref())?);
        let expires_at = now_ms.saturating_add(EMAIL_CODE_TTL_MS);
        sqlx::query(
            "INSERT INTO email_codes (ticket_hash, user_id, code_hash, state, code_challenge, \
               redirect_uri, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(secret_hash(ticket.expose()))
        .bind(user_id.as_str())
        .bind(code_hash(&ticket, code.expose()))
        .bind(params.state.as_str())
        .bind(params.challenge.as_str())
        .bind(params.redirect_uri.as_str())
        .bind(now_ms)
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map_err(|error| {
            if is_unique_violation(&error) {
                StoreError::Conflict { what: "email code ticket" }
            } else if matches!(&error, sqlx::Error::Database(db) if db.is_foreign_key_violation()) {
                StoreError::NotFound { what: "user" }
            } else {
                error.into()
            }
        })?;
        tracing::info!(user_id = %user_id, "email code issued");
        Ok(IssuedEmailCode { ticket, code, expires_at })
    }

    /// Checks `code` against the code `ticket` names. Each attempt is counted before it is
    /// checked (one conditional statement), so attempts sent at once get no more than
    /// [`EMAIL_CODE_ATTEMPTS`] checks between them; the right code is used up.
    pub async fn check_email_code(
        &self,
        ticket: &EmailTicket,
        code: &str,
        now_ms: i64,
    ) -> Result<EmailCodeCheck> {
        let ticket_hash = secret_hash(ticket.expose());
        let counted = sqlx::query_as::<_, (String, String, i64, String, String, String)>(
            "UPDATE email_codes SET attempts = attempts + 1 \
             WHERE ticket_hash = $1 AND used_at IS NULL AND expires_at > $2 AND attempts < $3 \
             RETURNING user_id, code_hash, attempts, state, code_challenge, redirect_uri",
        )
        .bind(ticket_hash.as_str())
        .bind(now_ms)
        .bind(i64::from(EMAIL_CODE_ATTEMPTS))
        .fetch_optional(&self.pool)
        .await?;
        let Some((user_id, stored, attempts, state, challenge, redirect_uri)) = counted else {
            return self.refuse_email_code(&ticket_hash).await;
        };
        let user_id = UserId::from_db(user_id);
        if !same_secret(&stored, &code_hash(ticket, code)) {
            let used = u32::try_from(attempts).unwrap_or(EMAIL_CODE_ATTEMPTS);
            let attempts_left = EMAIL_CODE_ATTEMPTS.saturating_sub(used);
            tracing::info!(user_id = %user_id, attempts_left, "wrong email code");
            return Ok(EmailCodeCheck::Wrong { attempts_left });
        }
        let spent = sqlx::query(
            "UPDATE email_codes SET used_at = $2 WHERE ticket_hash = $1 AND used_at IS NULL",
        )
        .bind(ticket_hash.as_str())
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        if spent.rows_affected() == 0 {
            return Ok(EmailCodeCheck::Void);
        }
        // Stored by this crate from a parsed challenge: one that no longer parses is corrupt.
        let challenge = CodeChallenge::parse(&challenge, Some("S256"))
            .map_err(|_| StoreError::Corrupt { what: "an email code's PKCE challenge".into() })?;
        tracing::info!(user_id = %user_id, "email code accepted");
        Ok(EmailCodeCheck::Accepted {
            user_id,
            params: AuthorizeParams { state, challenge, redirect_uri },
        })
    }

    /// Why a code whose attempt could not be counted is refused.
    async fn refuse_email_code(&self, ticket_hash: &str) -> Result<EmailCodeCheck> {
        let row = sqlx::query_as::<_, (Option<i64>, i64)>(
            "SELECT used_at, attempts FROM email_codes WHERE ticket_hash = $1",
        )
        .bind(ticket_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            None => EmailCodeCheck::Unknown,
            Some((used_at, attempts))
                if used_at.is_some() || attempts >= i64::from(EMAIL_CODE_ATTEMPTS) =>
            {
                EmailCodeCheck::Void
            }
            Some(_) => EmailCodeCheck::Expired,
        })
    }
}

/// The stored form of `code`: salted with the ticket, which the database does not hold.
fn code_hash(ticket: &EmailTicket, code: &str) -> String {
    secret_hash(&format!("{}:{code}", ticket.expose()))
}

/// Six decimal digits, each equally likely.
fn six_digits(random: &dyn RandomSource) -> Result<String> {
    // The largest multiple of 10^6 below 2^32: values at or above it would favour low codes.
    const BOUND: u32 = 4_294_000_000;
    loop {
        let mut bytes = [0u8; 4];
        random.fill(&mut bytes)?;
        let value = u32::from_le_bytes(bytes);
        if value < BOUND {
            return Ok(format!("{:06}", value % 1_000_000));
        }
    }
}
