//! Key-value settings kept across restarts (org id, token-signing seed, service account).

use rusqlite::params;

use super::{DbResult, Store, one, run};

impl Store {
    pub async fn setting(&self, key: &str) -> DbResult<Option<String>> {
        self.read(|conn| {
            one(conn, "SELECT value FROM settings WHERE key = ?", params![key], |row| row.get(0))
        })
    }

    pub async fn put_setting(&self, key: &str, value: &str) -> DbResult<()> {
        self.write(|conn| {
            run(
                conn,
                "INSERT INTO settings (key, value) VALUES (?, ?) \
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )
        })
        .await?;
        Ok(())
    }
}
