//! Challenges handed out, each answered at most once.

use sqlx::FromRow;

use super::Store;

/// A challenge handed out.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ChallengeRow {
    pub id: String,
    pub kind: String,
    pub user_id: String,
    pub challenge: String,
    pub http_method: Option<String>,
    pub http_path: Option<String>,
    pub payload: Option<String>,
    pub credential_kind: Option<String>,
    /// Recovery challenges: the credId of the recovery key that may sign.
    pub recovery_credential_id: Option<String>,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

impl Store {
    pub async fn insert_challenge(&self, challenge: &ChallengeRow) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO challenges (id, kind, user_id, challenge, http_method, http_path, payload, \
             credential_kind, recovery_credential_id, expires_at, used_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&challenge.id)
        .bind(&challenge.kind)
        .bind(&challenge.user_id)
        .bind(&challenge.challenge)
        .bind(&challenge.http_method)
        .bind(&challenge.http_path)
        .bind(&challenge.payload)
        .bind(&challenge.credential_kind)
        .bind(&challenge.recovery_credential_id)
        .bind(challenge.expires_at)
        .bind(challenge.used_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub async fn challenge(&self, id: &str) -> Result<Option<ChallengeRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, kind, user_id, challenge, http_method, http_path, payload, credential_kind, \
             recovery_credential_id, expires_at, used_at FROM challenges WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Marks a challenge answered; false if it already was (a replay or a race lost).
    pub async fn spend_challenge(&self, id: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
        spend_challenge(&self.writer, id, now_ms).await
    }
}

pub(super) async fn spend_challenge<'e, E>(
    executor: E,
    id: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    let done = sqlx::query("UPDATE challenges SET used_at = ? WHERE id = ? AND used_at IS NULL")
        .bind(now_ms)
        .bind(id)
        .execute(executor)
        .await?;
    Ok(done.rows_affected() == 1)
}
