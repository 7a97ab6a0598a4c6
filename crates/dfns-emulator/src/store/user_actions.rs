//! Signed user actions, each spent at most once.

use sqlx::FromRow;

use super::Store;

/// A signed user action.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct UserActionRow {
    pub id: String,
    pub user_id: String,
    pub http_method: String,
    pub http_path: String,
    pub payload: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

impl Store {
    pub async fn insert_user_action(&self, action: &UserActionRow) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO user_actions (id, user_id, http_method, http_path, payload, expires_at, used_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&action.id)
        .bind(&action.user_id)
        .bind(&action.http_method)
        .bind(&action.http_path)
        .bind(&action.payload)
        .bind(action.expires_at)
        .bind(action.used_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub async fn user_action(&self, id: &str) -> Result<Option<UserActionRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, user_id, http_method, http_path, payload, expires_at, used_at \
             FROM user_actions WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Spends a user action; false if it was already used.
    pub async fn spend_user_action(&self, id: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
        let done =
            sqlx::query("UPDATE user_actions SET used_at = ? WHERE id = ? AND used_at IS NULL")
                .bind(now_ms)
                .bind(id)
                .execute(&self.writer)
                .await?;
        Ok(done.rows_affected() == 1)
    }
}
