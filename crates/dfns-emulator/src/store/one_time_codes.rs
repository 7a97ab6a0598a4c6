//! One-time codes (recovery verification codes, new-device credential codes), kept hashed.

use sqlx::FromRow;

use super::Store;

/// A one-time code handed out.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct OneTimeCodeRow {
    pub id: String,
    pub purpose: String,
    pub user_id: String,
    pub locator: String,
    pub code_hash: String,
    pub expires_at: i64,
    pub failed_attempts: i64,
    pub used_at: Option<i64>,
}

// Column lists as macros so queries stay `&'static str` (sqlx only takes literal SQL).
macro_rules! code_columns {
    () => {
        "id, purpose, user_id, locator, code_hash, expires_at, failed_attempts, used_at"
    };
}

impl Store {
    /// Stores `code`; with `replace`, the user's other open codes of its purpose end first.
    pub async fn insert_one_time_code(
        &self,
        code: &OneTimeCodeRow,
        replace: bool,
        now_ms: i64,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        if replace {
            sqlx::query(
                "UPDATE one_time_codes SET used_at = ? \
                 WHERE purpose = ? AND user_id = ? AND used_at IS NULL",
            )
            .bind(now_ms)
            .bind(&code.purpose)
            .bind(&code.user_id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(concat!(
            "INSERT INTO one_time_codes (",
            code_columns!(),
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(&code.id)
        .bind(&code.purpose)
        .bind(&code.user_id)
        .bind(&code.locator)
        .bind(&code.code_hash)
        .bind(code.expires_at)
        .bind(code.failed_attempts)
        .bind(code.used_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// The open (unspent, unexpired) code of `purpose` whose locator is `locator`.
    pub async fn open_code_by_locator(
        &self,
        purpose: &str,
        locator: &str,
        now_ms: i64,
    ) -> Result<Option<OneTimeCodeRow>, sqlx::Error> {
        sqlx::query_as(concat!(
            "SELECT ",
            code_columns!(),
            " FROM one_time_codes WHERE purpose = ? AND locator = ? AND used_at IS NULL \
             AND expires_at > ?"
        ))
        .bind(purpose)
        .bind(locator)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await
    }

    /// The user's open code of `purpose` (recovery keeps one at a time).
    pub async fn open_code_of_user(
        &self,
        purpose: &str,
        user_id: &str,
        now_ms: i64,
    ) -> Result<Option<OneTimeCodeRow>, sqlx::Error> {
        sqlx::query_as(concat!(
            "SELECT ",
            code_columns!(),
            " FROM one_time_codes WHERE purpose = ? AND user_id = ? AND used_at IS NULL \
             AND expires_at > ?"
        ))
        .bind(purpose)
        .bind(user_id)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await
    }

    /// Counts a wrong guess at code `id`; the `max_failures`-th one burns it.
    pub async fn count_failed_attempt(
        &self,
        id: &str,
        max_failures: i64,
        now_ms: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE one_time_codes SET failed_attempts = failed_attempts + 1, \
             used_at = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE used_at END \
             WHERE id = ? AND used_at IS NULL",
        )
        .bind(max_failures)
        .bind(now_ms)
        .bind(id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Spends code `id`; false if it was spent (or burned) already.
    pub async fn spend_one_time_code(&self, id: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
        let done =
            sqlx::query("UPDATE one_time_codes SET used_at = ? WHERE id = ? AND used_at IS NULL")
                .bind(now_ms)
                .bind(id)
                .execute(&self.writer)
                .await?;
        Ok(done.rows_affected() == 1)
    }
}
