//! Challenges handed out, each answered at most once.

use rusqlite::{Connection, Row, params};

use super::{DbResult, Store, one, run};

/// A challenge handed out.
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl ChallengeRow {
    fn from_row(row: &Row<'_>) -> DbResult<Self> {
        Ok(Self {
            id: row.get(0)?,
            kind: row.get(1)?,
            user_id: row.get(2)?,
            challenge: row.get(3)?,
            http_method: row.get(4)?,
            http_path: row.get(5)?,
            payload: row.get(6)?,
            credential_kind: row.get(7)?,
            recovery_credential_id: row.get(8)?,
            expires_at: row.get(9)?,
            used_at: row.get(10)?,
        })
    }
}

impl Store {
    pub async fn insert_challenge(&self, challenge: &ChallengeRow) -> DbResult<()> {
        self.write(|conn| {
            run(
                conn,
                "INSERT INTO challenges (id, kind, user_id, challenge, http_method, http_path, \
                 payload, credential_kind, recovery_credential_id, expires_at, used_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                params![
                    challenge.id,
                    challenge.kind,
                    challenge.user_id,
                    challenge.challenge,
                    challenge.http_method,
                    challenge.http_path,
                    challenge.payload,
                    challenge.credential_kind,
                    challenge.recovery_credential_id,
                    challenge.expires_at,
                    challenge.used_at
                ],
            )
        })
        .await?;
        Ok(())
    }

    pub async fn challenge(&self, id: &str) -> DbResult<Option<ChallengeRow>> {
        self.read(|conn| {
            one(
                conn,
                "SELECT id, kind, user_id, challenge, http_method, http_path, payload, \
                 credential_kind, recovery_credential_id, expires_at, used_at \
                 FROM challenges WHERE id = ?",
                params![id],
                ChallengeRow::from_row,
            )
        })
    }
}

/// Marks a challenge answered; false if it already was (a replay or a race lost).
pub(super) fn spend_challenge(conn: &Connection, id: &str, now_ms: i64) -> DbResult<bool> {
    let done = run(
        conn,
        "UPDATE challenges SET used_at = ? WHERE id = ? AND used_at IS NULL",
        params![now_ms, id],
    )?;
    Ok(done == 1)
}
