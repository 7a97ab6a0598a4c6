//! The mapping company user → Dfns user (with the user's newest recovery kit), and the delegated
//! registration in progress.

use crate::store::Store;
use crate::store::error::{Result, StoreError, is_unique_violation};
use crate::store::ids::{SessionId, UserId};
use crate::store::secret::DfnsTemporaryToken;

/// A company user registered with Dfns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DfnsUser {
    /// The company user.
    pub user_id: UserId,
    /// Their Dfns user id (`us-…`).
    pub dfns_user_id: String,
    /// The username ("email") the companion registered them with at Dfns.
    pub dfns_username: String,
    /// When registration completed, Unix ms.
    pub registered_at: i64,
    /// The `credId` of the user's newest recovery kit, if one is recorded.
    pub recovery_credential_id: Option<String>,
}

/// What Dfns answered when a delegated registration was started.
#[derive(Debug, Clone)]
pub struct StartedRegistration {
    /// The Dfns user being registered (`us-…`).
    pub dfns_user_id: String,
    /// The username sent to Dfns.
    pub dfns_username: String,
    /// The Dfns temporary token needed to complete (redacted in `Debug`).
    pub temporary_token: DfnsTemporaryToken,
    /// When the temporary token stops working, Unix ms.
    pub expires_at: i64,
}

/// A delegated registration that was started and not completed yet.
#[derive(Debug, Clone)]
pub struct PendingRegistration {
    /// The company user.
    pub user_id: UserId,
    /// The session that started it; only that session may complete it.
    pub session_id: SessionId,
    /// The Dfns user being registered (unknown for rows written before it was recorded).
    pub dfns_user_id: Option<String>,
    /// The username sent to Dfns.
    pub dfns_username: String,
    /// The Dfns temporary token needed to complete (redacted in `Debug`).
    pub temporary_token: DfnsTemporaryToken,
    /// When it was started, Unix ms.
    pub created_at: i64,
    /// When the temporary token stops working, Unix ms.
    pub expires_at: i64,
}

type DfnsUserRow = (String, String, String, i64, Option<String>);

/// The columns of a [`DfnsUserRow`], in order.
macro_rules! dfns_user_columns {
    () => {
        "user_id, dfns_user_id, dfns_username, registered_at, recovery_credential_id"
    };
}

type PendingRow = (String, String, Option<String>, String, String, i64, i64);

/// The columns of a [`PendingRow`], in order.
macro_rules! pending_columns {
    () => {
        "user_id, session_id, dfns_user_id, dfns_username, temporary_token, created_at, \
         expires_at"
    };
}

fn pending_from_row(
    (user_id, session_id, dfns_user_id, dfns_username, token, created_at, expires_at): PendingRow,
) -> PendingRegistration {
    PendingRegistration {
        user_id: UserId::from_db(user_id),
        session_id: SessionId::from_db(session_id),
        dfns_user_id,
        dfns_username,
        temporary_token: DfnsTemporaryToken::new(token),
        created_at,
        expires_at,
    }
}

fn dfns_user_from_row(
    (user_id, dfns_user_id, dfns_username, registered_at, recovery_credential_id): DfnsUserRow,
) -> DfnsUser {
    DfnsUser {
        user_id: UserId::from_db(user_id),
        dfns_user_id,
        dfns_username,
        registered_at,
        recovery_credential_id,
    }
}

impl Store {
    /// The Dfns user of a company user, if registration completed.
    pub async fn dfns_user(&self, user_id: &UserId) -> Result<Option<DfnsUser>> {
        let row = sqlx::query_as::<_, DfnsUserRow>(concat!(
            "SELECT ",
            dfns_user_columns!(),
            " FROM dfns_users WHERE user_id = $1"
        ))
        .bind(user_id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(dfns_user_from_row))
    }

    /// Records a started delegated registration (after Dfns returned the challenge), bound to
    /// `session_id`. A registration the user abandoned is replaced: they can start again.
    /// Fails with `ALREADY_REGISTERED` if the user completed registration (one statement).
    pub async fn start_dfns_registration(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
        started: &StartedRegistration,
        now_ms: i64,
    ) -> Result<()> {
        let done = sqlx::query(
            "INSERT INTO dfns_pending_registrations (user_id, session_id, dfns_username, \
               temporary_token, created_at, expires_at, dfns_user_id) \
             SELECT $1, $2, $3, $4, $5, $6, $7 \
             WHERE NOT EXISTS (SELECT 1 FROM dfns_users WHERE user_id = $1) \
             ON CONFLICT (user_id) DO UPDATE SET session_id = excluded.session_id, \
               dfns_username = excluded.dfns_username, \
               temporary_token = excluded.temporary_token, \
               created_at = excluded.created_at, expires_at = excluded.expires_at, \
               dfns_user_id = excluded.dfns_user_id",
        )
        .bind(user_id.as_str())
        .bind(session_id.as_str())
        .bind(started.dfns_username.as_str())
        .bind(started.temporary_token.expose())
        .bind(now_ms)
        .bind(started.expires_at)
        .bind(started.dfns_user_id.as_str())
        .execute(&self.pool)
        .await
        .map_err(|error| match &error {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::NotFound { what: "user or session" }
            }
            _ => error.into(),
        })?;
        if done.rows_affected() == 0 {
            return Err(StoreError::AlreadyRegistered);
        }
        tracing::info!(user_id = %user_id, session_id = %session_id, "Dfns registration started");
        Ok(())
    }

    /// The registration this session started, if it has not expired at `now_ms` (`None`
    /// otherwise: the caller answers "start registration first").
    pub async fn pending_dfns_registration(
        &self,
        user_id: &UserId,
        session_id: &SessionId,
        now_ms: i64,
    ) -> Result<Option<PendingRegistration>> {
        let row = sqlx::query_as::<_, PendingRow>(concat!(
            "SELECT ",
            pending_columns!(),
            " FROM dfns_pending_registrations \
             WHERE user_id = $1 AND session_id = $2 AND expires_at > $3"
        ))
        .bind(user_id.as_str())
        .bind(session_id.as_str())
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(pending_from_row))
    }

    /// The registration the user started last, from any session, expired or not: what the
    /// companion knows of a registration that may have completed at Dfns unrecorded.
    pub async fn last_dfns_registration(
        &self,
        user_id: &UserId,
    ) -> Result<Option<PendingRegistration>> {
        let row = sqlx::query_as::<_, PendingRow>(concat!(
            "SELECT ",
            pending_columns!(),
            " FROM dfns_pending_registrations WHERE user_id = $1"
        ))
        .bind(user_id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(pending_from_row))
    }

    /// Stores the mapping once Dfns completed the registration, with the recovery kit registered
    /// along (its `credId`), and forgets the pending one (one transaction). Recording the same
    /// Dfns user again returns the stored mapping (a retry); another Dfns user for this company
    /// user, or this Dfns user for another company user, fails with `ALREADY_REGISTERED` /
    /// `CONFLICT`.
    pub async fn complete_dfns_registration(
        &self,
        user_id: &UserId,
        dfns_user_id: &str,
        dfns_username: &str,
        recovery_credential_id: Option<&str>,
        now_ms: i64,
    ) -> Result<DfnsUser> {
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query_as::<_, DfnsUserRow>(concat!(
            "INSERT INTO dfns_users (user_id, dfns_user_id, dfns_username, registered_at, \
               recovery_credential_id) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO NOTHING RETURNING ",
            dfns_user_columns!()
        ))
        .bind(user_id.as_str())
        .bind(dfns_user_id)
        .bind(dfns_username)
        .bind(now_ms)
        .bind(recovery_credential_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(|error| {
            if is_unique_violation(&error) {
                StoreError::Conflict { what: "Dfns user" }
            } else if matches!(&error, sqlx::Error::Database(db) if db.is_foreign_key_violation()) {
                StoreError::NotFound { what: "user" }
            } else {
                error.into()
            }
        })?;
        let mapping = match inserted {
            Some(row) => dfns_user_from_row(row),
            None => {
                let existing = sqlx::query_as::<_, DfnsUserRow>(concat!(
                    "SELECT ",
                    dfns_user_columns!(),
                    " FROM dfns_users WHERE user_id = $1"
                ))
                .bind(user_id.as_str())
                .fetch_one(&mut *tx)
                .await?;
                let existing = dfns_user_from_row(existing);
                if existing.dfns_user_id != dfns_user_id {
                    return Err(StoreError::AlreadyRegistered);
                }
                existing
            }
        };
        sqlx::query("DELETE FROM dfns_pending_registrations WHERE user_id = $1")
            .bind(user_id.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(user_id = %user_id, dfns_user_id, "Dfns registration stored");
        Ok(mapping)
    }

    /// Records `credential_id` as the user's recovery kit, replacing any earlier one (only the
    /// newest is kept). Fails with `NOT_FOUND` for a user not registered with Dfns.
    pub async fn set_recovery_credential(
        &self,
        user_id: &UserId,
        credential_id: &str,
    ) -> Result<()> {
        let done =
            sqlx::query("UPDATE dfns_users SET recovery_credential_id = $2 WHERE user_id = $1")
                .bind(user_id.as_str())
                .bind(credential_id)
                .execute(&self.pool)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound { what: "Dfns user" });
        }
        tracing::info!(user_id = %user_id, "recovery kit recorded");
        Ok(())
    }
}
