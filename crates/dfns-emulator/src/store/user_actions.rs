//! Signed user actions, each spent at most once.

use rusqlite::params;

use super::challenges::spend_challenge;
use super::{DbResult, Store, one, run};

#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// Spends the user-action challenge `challenge_id` and stores the action it signed, in one
    /// transaction; false (nothing stored) if the challenge was answered already.
    pub async fn answer_user_action(
        &self,
        challenge_id: &str,
        action: &UserActionRow,
        now_ms: i64,
    ) -> DbResult<bool> {
        let tx = self.begin_write().await?;
        if !spend_challenge(&tx, challenge_id, now_ms)? {
            return Ok(false);
        }
        run(
            &tx,
            "INSERT INTO user_actions (id, user_id, http_method, http_path, payload, \
             expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            params![
                action.id,
                action.user_id,
                action.http_method,
                action.http_path,
                action.payload,
                action.expires_at,
                action.used_at
            ],
        )?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn user_action(&self, id: &str) -> DbResult<Option<UserActionRow>> {
        self.read(|conn| {
            one(
                conn,
                "SELECT id, user_id, http_method, http_path, payload, expires_at, used_at \
                 FROM user_actions WHERE id = ?",
                params![id],
                |row| {
                    Ok(UserActionRow {
                        id: row.get(0)?,
                        user_id: row.get(1)?,
                        http_method: row.get(2)?,
                        http_path: row.get(3)?,
                        payload: row.get(4)?,
                        expires_at: row.get(5)?,
                        used_at: row.get(6)?,
                    })
                },
            )
        })
    }

    pub async fn spend_user_action(&self, id: &str, now_ms: i64) -> DbResult<bool> {
        let done = self
            .write(|conn| {
                run(
                    conn,
                    "UPDATE user_actions SET used_at = ? WHERE id = ? AND used_at IS NULL",
                    params![now_ms, id],
                )
            })
            .await?;
        Ok(done == 1)
    }
}
