//! One-time codes (recovery verification codes, new-device credential codes), kept hashed.

use rusqlite::{Row, params};

use super::{DbResult, Store, one, run};

/// A one-time code handed out.
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl OneTimeCodeRow {
    fn from_row(row: &Row<'_>) -> DbResult<Self> {
        Ok(Self {
            id: row.get(0)?,
            purpose: row.get(1)?,
            user_id: row.get(2)?,
            locator: row.get(3)?,
            code_hash: row.get(4)?,
            expires_at: row.get(5)?,
            failed_attempts: row.get(6)?,
            used_at: row.get(7)?,
        })
    }
}

// Column lists as macros so each query is one literal.
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
    ) -> DbResult<()> {
        let tx = self.begin_write().await?;
        if replace {
            run(
                &tx,
                "UPDATE one_time_codes SET used_at = ? \
                 WHERE purpose = ? AND user_id = ? AND used_at IS NULL",
                params![now_ms, code.purpose, code.user_id],
            )?;
        }
        run(
            &tx,
            concat!(
                "INSERT INTO one_time_codes (",
                code_columns!(),
                ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            params![
                code.id,
                code.purpose,
                code.user_id,
                code.locator,
                code.code_hash,
                code.expires_at,
                code.failed_attempts,
                code.used_at
            ],
        )?;
        tx.commit().await
    }

    /// The open (unspent, unexpired) code of `purpose` whose locator is `locator`.
    pub async fn open_code_by_locator(
        &self,
        purpose: &str,
        locator: &str,
        now_ms: i64,
    ) -> DbResult<Option<OneTimeCodeRow>> {
        self.read(|conn| {
            one(
                conn,
                concat!(
                    "SELECT ",
                    code_columns!(),
                    " FROM one_time_codes WHERE purpose = ? AND locator = ? AND used_at IS NULL \
                     AND expires_at > ?"
                ),
                params![purpose, locator, now_ms],
                OneTimeCodeRow::from_row,
            )
        })
    }

    /// The user's open code of `purpose` (recovery keeps one at a time).
    pub async fn open_code_of_user(
        &self,
        purpose: &str,
        user_id: &str,
        now_ms: i64,
    ) -> DbResult<Option<OneTimeCodeRow>> {
        self.read(|conn| {
            one(
                conn,
                concat!(
                    "SELECT ",
                    code_columns!(),
                    " FROM one_time_codes WHERE purpose = ? AND user_id = ? AND used_at IS NULL \
                     AND expires_at > ?"
                ),
                params![purpose, user_id, now_ms],
                OneTimeCodeRow::from_row,
            )
        })
    }

    /// Counts a wrong guess at code `id`; the `max_failures`-th one burns it.
    pub async fn count_failed_attempt(
        &self,
        id: &str,
        max_failures: i64,
        now_ms: i64,
    ) -> DbResult<()> {
        self.write(|conn| {
            run(
                conn,
                "UPDATE one_time_codes SET failed_attempts = failed_attempts + 1, \
                 used_at = CASE WHEN failed_attempts + 1 >= ? THEN ? ELSE used_at END \
                 WHERE id = ? AND used_at IS NULL",
                params![max_failures, now_ms, id],
            )
        })
        .await?;
        Ok(())
    }

    /// Spends code `id`; false if it was spent (or burned) already.
    pub async fn spend_one_time_code(&self, id: &str, now_ms: i64) -> DbResult<bool> {
        let done = self
            .write(|conn| {
                run(
                    conn,
                    "UPDATE one_time_codes SET used_at = ? WHERE id = ? AND used_at IS NULL",
                    params![now_ms, id],
                )
            })
            .await?;
        Ok(done == 1)
    }
}
