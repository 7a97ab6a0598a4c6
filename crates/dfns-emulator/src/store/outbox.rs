//! What the emulator "emails" (recovery codes), for tests and demos to read.

use rusqlite::params;

use super::{DbResult, Store, all, run};

/// One message sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxRow {
    pub id: String,
    pub recipient: String,
    pub kind: String,
    pub subject: String,
    pub text: String,
    pub code: Option<String>,
    pub date_sent: String,
}

/// The most messages one read returns.
const OUTBOX_PAGE: i64 = 100;

impl Store {
    pub async fn send_message(&self, message: &OutboxRow) -> DbResult<()> {
        self.write(|conn| {
            run(
                conn,
                "INSERT INTO outbox (id, recipient, kind, subject, text, code, date_sent) \
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
                params![
                    message.id,
                    message.recipient,
                    message.kind,
                    message.subject,
                    message.text,
                    message.code,
                    message.date_sent
                ],
            )
        })
        .await?;
        Ok(())
    }

    /// The newest messages, to `recipient` only when given, newest first.
    pub async fn outbox(&self, recipient: Option<&str>) -> DbResult<Vec<OutboxRow>> {
        self.read(|conn| {
            all(
                conn,
                "SELECT id, recipient, kind, subject, text, code, date_sent FROM outbox \
                 WHERE (?1 IS NULL OR recipient = ?1) ORDER BY seq DESC LIMIT ?2",
                params![recipient, OUTBOX_PAGE],
                |row| {
                    Ok(OutboxRow {
                        id: row.get(0)?,
                        recipient: row.get(1)?,
                        kind: row.get(2)?,
                        subject: row.get(3)?,
                        text: row.get(4)?,
                        code: row.get(5)?,
                        date_sent: row.get(6)?,
                    })
                },
            )
        })
    }
}
