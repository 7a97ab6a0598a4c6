//! Sessions: random bearer tokens stored as their SHA-256, sliding expiry bounded by an absolute
//! lifetime, revocable one by one or all at once.

use sqlx::AnyConnection;

use crate::store::Store;
use crate::store::error::{Result, StoreError, is_unique_violation};
use crate::store::ids::{SessionId, UserId};
use crate::store::secret::{SessionToken, random_token, secret_hash};

pub use sigil_api::SessionPurpose;

/// Who holds a session. A token of one kind is never accepted as the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionKind {
    /// The desktop app (made by redeeming a deep-link login code; a bearer token).
    App,
    /// The company website (the sign-in cookie of the companion's pages).
    Web,
}

impl SessionKind {
    /// The value stored in the `kind` column.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::App => "app",
            Self::Web => "web",
        }
    }

    fn from_db(raw: &str) -> Result<Self> {
        match raw {
            "app" => Ok(Self::App),
            "web" => Ok(Self::Web),
            other => Err(StoreError::Corrupt { what: format!("session kind {other:?}") }),
        }
    }
}

/// The value stored in the `purpose` columns of sessions and login codes.
pub(crate) fn purpose_to_db(purpose: SessionPurpose) -> &'static str {
    match purpose {
        SessionPurpose::SignIn => "sign_in",
        SessionPurpose::Recovery => "recovery",
    }
}

pub(crate) fn purpose_from_db(raw: &str) -> Result<SessionPurpose> {
    match raw {
        "sign_in" => Ok(SessionPurpose::SignIn),
        "recovery" => Ok(SessionPurpose::Recovery),
        other => Err(StoreError::Corrupt { what: format!("purpose {other:?}") }),
    }
}

/// How long a session lives: it expires `idle_timeout_ms` after its last use, and never later
/// than `max_lifetime_ms` after it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Idle time after which the session expires, ms.
    pub idle_timeout_ms: i64,
    /// Absolute lifetime, ms.
    pub max_lifetime_ms: i64,
}

impl SessionPolicy {
    /// The desktop app: 30 days idle, 90 days at most.
    pub const APP: Self =
        Self { idle_timeout_ms: 30 * 24 * 3_600_000, max_lifetime_ms: 90 * 24 * 3_600_000 };
    /// The website: 12 hours idle, 7 days at most.
    pub const WEB: Self =
        Self { idle_timeout_ms: 12 * 3_600_000, max_lifetime_ms: 7 * 24 * 3_600_000 };
}

/// A session as stored (without its token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The session's identifier (not a secret).
    pub id: SessionId,
    /// Whose session it is.
    pub user_id: UserId,
    /// App or website.
    pub kind: SessionKind,
    /// What the website checked before issuing the code this session was made from.
    pub purpose: SessionPurpose,
    /// When it was made, Unix ms.
    pub created_at: i64,
    /// When it was last used, Unix ms.
    pub last_seen_at: i64,
    /// When it expires unless used again, Unix ms.
    pub expires_at: i64,
    /// When it expires whatever happens, Unix ms.
    pub absolute_expires_at: i64,
    /// When it was revoked, Unix ms.
    pub revoked_at: Option<i64>,
}

impl Session {
    /// Whether the session's token is accepted at `now_ms`.
    pub fn is_live(&self, now_ms: i64) -> bool {
        self.revoked_at.is_none() && self.expires_at > now_ms
    }
}

/// A session just made, with its token: the only time the token is known to the companion.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The token to give to the session's holder (redacted in `Debug`).
    pub token: SessionToken,
    /// The stored session.
    pub session: Session,
}

/// The longest a session's use goes unrecorded (see [`Store::session_by_token`]).
const SLIDE_AT_MOST_EVERY_MS: i64 = 60_000;

type SessionRow = (String, String, String, String, i64, i64, i64, i64, Option<i64>);

/// The columns of a [`SessionRow`], in order.
macro_rules! session_columns {
    () => {
        "id, user_id, kind, purpose, created_at, last_seen_at, expires_at, absolute_expires_at, \
         revoked_at"
    };
}

fn session_from_row(
    (id, user_id, kind, purpose, created, seen, expires, absolute, revoked_at): SessionRow,
) -> Result<Session> {
    Ok(Session {
        id: SessionId::from_db(id),
        user_id: UserId::from_db(user_id),
        kind: SessionKind::from_db(&kind)?,
        purpose: purpose_from_db(&purpose)?,
        created_at: created,
        last_seen_at: seen,
        expires_at: expires,
        absolute_expires_at: absolute,
        revoked_at,
    })
}

impl Store {
    /// Makes a session for `user_id` and returns its token (once). Its purpose is a sign-in:
    /// only a redeemed recovery code makes a recovery session.
    pub async fn create_session(
        &self,
        user_id: &UserId,
        kind: SessionKind,
        policy: &SessionPolicy,
        now_ms: i64,
    ) -> Result<NewSession> {
        let mut conn = self.pool.acquire().await?;
        let purpose = SessionPurpose::SignIn;
        let new = self.insert_session(&mut conn, user_id, kind, purpose, policy, now_ms).await?;
        tracing::info!(user_id = %user_id, session_id = %new.session.id, kind = kind.as_str(), "session created");
        Ok(new)
    }

    /// Inserts a session on `conn` (a pooled connection or a transaction).
    pub(crate) async fn insert_session(
        &self,
        conn: &mut AnyConnection,
        user_id: &UserId,
        kind: SessionKind,
        purpose: SessionPurpose,
        policy: &SessionPolicy,
        now_ms: i64,
    ) -> Result<NewSession> {
        let id = SessionId::generate(self.random.as_ref())?;
        let token = SessionToken::new(random_token(self.random.as_ref())?.as_str());
        let absolute = now_ms.saturating_add(policy.max_lifetime_ms);
        let expires = now_ms.saturating_add(policy.idle_timeout_ms).min(absolute);
        sqlx::query(
            "INSERT INTO sessions (id, token_hash, user_id, kind, created_at, last_seen_at, \
               expires_at, idle_timeout_ms, absolute_expires_at, purpose) \
             VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $8, $9)",
        )
        .bind(id.as_str())
        .bind(secret_hash(token.expose()))
        .bind(user_id.as_str())
        .bind(kind.as_str())
        .bind(now_ms)
        .bind(expires)
        .bind(policy.idle_timeout_ms)
        .bind(absolute)
        .bind(purpose_to_db(purpose))
        .execute(&mut *conn)
        .await
        .map_err(|error| {
            if is_unique_violation(&error) {
                StoreError::Conflict { what: "session token" }
            } else if matches!(&error, sqlx::Error::Database(db) if db.is_foreign_key_violation()) {
                StoreError::NotFound { what: "user" }
            } else {
                error.into()
            }
        })?;
        let session = Session {
            id,
            user_id: user_id.clone(),
            kind,
            purpose,
            created_at: now_ms,
            last_seen_at: now_ms,
            expires_at: expires,
            absolute_expires_at: absolute,
            revoked_at: None,
        };
        Ok(NewSession { token, session })
    }

    /// The live session of `kind` this token opens, or `None` if the token is unknown, of the
    /// other kind, expired or revoked. Using a session slides its expiry (never past its
    /// absolute end); a session used again soon after (within a tenth of its idle timeout, at
    /// most a minute) is only read, so checking one costs no write: it may expire that much
    /// earlier than an exact slide would say.
    pub async fn session_by_token(
        &self,
        kind: SessionKind,
        token: &SessionToken,
        now_ms: i64,
    ) -> Result<Option<Session>> {
        let hash = secret_hash(token.expose());
        let live = sqlx::query_as::<
            _,
            (String, String, String, String, i64, i64, i64, i64, Option<i64>, i64),
        >(concat!(
            "SELECT ",
            session_columns!(),
            ", idle_timeout_ms FROM sessions \
                 WHERE token_hash = $1 AND kind = $2 AND revoked_at IS NULL AND expires_at > $3"
        ))
        .bind(&hash)
        .bind(kind.as_str())
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        let Some((id, user_id, kind_, purpose, created, seen, expires, absolute, revoked, idle)) =
            live
        else {
            return Ok(None);
        };
        if now_ms - seen < (idle / 10).min(SLIDE_AT_MOST_EVERY_MS) {
            let row = (id, user_id, kind_, purpose, created, seen, expires, absolute, revoked);
            return session_from_row(row).map(Some);
        }
        // Clocks of several instances may differ a little: neither last_seen_at nor expires_at
        // ever moves backwards.
        let row = sqlx::query_as::<_, SessionRow>(concat!(
            "UPDATE sessions SET \
               last_seen_at = CASE WHEN last_seen_at > $3 THEN last_seen_at ELSE $3 END, \
               expires_at = CASE \
                 WHEN $3 + idle_timeout_ms >= absolute_expires_at THEN absolute_expires_at \
                 WHEN $3 + idle_timeout_ms > expires_at THEN $3 + idle_timeout_ms \
                 ELSE expires_at END \
             WHERE token_hash = $1 AND kind = $2 AND revoked_at IS NULL AND expires_at > $3 \
             RETURNING ",
            session_columns!()
        ))
        .bind(&hash)
        .bind(kind.as_str())
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        row.map(session_from_row).transpose()
    }

    /// The session with this id, live or not (`None` if unknown). Does not slide its expiry.
    pub async fn session_by_id(&self, id: &SessionId) -> Result<Option<Session>> {
        let row = sqlx::query_as::<_, SessionRow>(concat!(
            "SELECT ",
            session_columns!(),
            " FROM sessions WHERE id = $1"
        ))
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(session_from_row).transpose()
    }

    /// Revokes one session (sign-out). Returns whether it was live until now.
    pub async fn revoke_session(&self, id: &SessionId, now_ms: i64) -> Result<bool> {
        let done =
            sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL")
                .bind(id.as_str())
                .bind(now_ms)
                .execute(&self.pool)
                .await?;
        let revoked = done.rows_affected() == 1;
        if revoked {
            tracing::info!(session_id = %id, "session revoked");
        }
        Ok(revoked)
    }

    /// Revokes every session of a user (app and website). Returns how many were not revoked yet.
    pub async fn revoke_all_sessions(&self, user_id: &UserId, now_ms: i64) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
        )
        .bind(user_id.as_str())
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        tracing::info!(user_id = %user_id, count = done.rows_affected(), "all sessions revoked");
        Ok(done.rows_affected())
    }
}
