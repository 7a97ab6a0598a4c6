//! The delegated recovery a recovery session started: at most one per session (the table's
//! primary key), bound to it like a pending registration, with the Dfns temporary token that
//! completes it.

use crate::store::Store;
use crate::store::error::{Result, StoreError};
use crate::store::ids::{SessionId, UserId};
use crate::store::secret::DfnsTemporaryToken;

/// What Dfns answered when the delegated recovery was opened.
#[derive(Debug, Clone)]
pub struct StartedRecovery {
    /// The username the companion registered the user with at Dfns.
    pub dfns_username: String,
    /// The recovery kit (`credId`) the recovery was opened for.
    pub credential_id: String,
    /// The temporary token that completes it (redacted in `Debug`).
    pub temporary_token: DfnsTemporaryToken,
    /// When the temporary token stops working, Unix ms.
    pub expires_at: i64,
}

/// A recovery a session started, completed or not.
#[derive(Debug, Clone)]
pub struct Recovery {
    /// The session that started it; only that session may complete it.
    pub session_id: SessionId,
    /// The company user.
    pub user_id: UserId,
    /// When it was started, Unix ms.
    pub created_at: i64,
    /// When its temporary token stops working, Unix ms.
    pub expires_at: i64,
    /// The temporary token; `None` once the recovery completed.
    pub temporary_token: Option<DfnsTemporaryToken>,
    /// When it completed, Unix ms.
    pub completed_at: Option<i64>,
}

impl Store {
    /// Records the recovery `session_id` started. `false` when the session started one before:
    /// a session starts one recovery, however many instances race (one statement).
    pub async fn start_dfns_recovery(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
        started: &StartedRecovery,
        now_ms: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO dfns_recoveries (session_id, user_id, dfns_username, credential_id, \
               temporary_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (session_id) DO NOTHING",
        )
        .bind(session_id.as_str())
        .bind(user_id.as_str())
        .bind(started.dfns_username.as_str())
        .bind(started.credential_id.as_str())
        .bind(started.temporary_token.expose())
        .bind(now_ms)
        .bind(started.expires_at)
        .execute(&self.pool)
        .await
        .map_err(|error| match &error {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::NotFound { what: "user or session" }
            }
            _ => error.into(),
        })?;
        let started_now = done.rows_affected() == 1;
        if started_now {
            tracing::info!(user_id = %user_id, session_id = %session_id, "Dfns recovery started");
        }
        Ok(started_now)
    }

    /// The recovery this session of `user_id` started, in whatever state.
    pub async fn dfns_recovery(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
    ) -> Result<Option<Recovery>> {
        let row = sqlx::query_as::<_, (String, String, i64, i64, Option<String>, Option<i64>)>(
            "SELECT session_id, user_id, created_at, expires_at, temporary_token, completed_at \
             FROM dfns_recoveries WHERE session_id = $1 AND user_id = $2",
        )
        .bind(session_id.as_str())
        .bind(user_id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(session_id, user_id, created_at, expires_at, token, completed_at)| Recovery {
            session_id: SessionId::from_db(session_id),
            user_id: UserId::from_db(user_id),
            created_at,
            expires_at,
            temporary_token: token.map(DfnsTemporaryToken::new),
            completed_at,
        }))
    }

    /// Records what a completed recovery changed, in one transaction: the recovery is done and
    /// its token forgotten; the user's recovery kit is the new one, or none (Dfns retired the
    /// old one); and every other session of the user is signed out, since one may be on the
    /// lost computer. `false` when the recovery was recorded as completed before (nothing
    /// changes then).
    pub async fn complete_dfns_recovery(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
        new_recovery_credential_id: Option<&str>,
        now_ms: i64,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE dfns_recoveries SET completed_at = $3, temporary_token = NULL \
             WHERE session_id = $1 AND user_id = $2 AND completed_at IS NULL",
        )
        .bind(session_id.as_str())
        .bind(user_id.as_str())
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query("UPDATE dfns_users SET recovery_credential_id = $2 WHERE user_id = $1")
            .bind(user_id.as_str())
            .bind(new_recovery_credential_id)
            .execute(&mut *tx)
            .await?;
        let others = sqlx::query(
            "UPDATE sessions SET revoked_at = $3 \
             WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL",
        )
        .bind(user_id.as_str())
        .bind(session_id.as_str())
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(
            user_id = %user_id,
            session_id = %session_id,
            other_sessions_revoked = others.rows_affected(),
            "Dfns recovery completed"
        );
        Ok(true)
    }
}
