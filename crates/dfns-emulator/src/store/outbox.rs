//! What the emulator "emails" (recovery codes), for tests and demos to read.

use sqlx::FromRow;

use super::Store;

/// One message sent.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
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
    pub async fn send_message(&self, message: &OutboxRow) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO outbox (id, recipient, kind, subject, text, code, date_sent) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&message.id)
        .bind(&message.recipient)
        .bind(&message.kind)
        .bind(&message.subject)
        .bind(&message.text)
        .bind(&message.code)
        .bind(&message.date_sent)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// The newest messages, to `recipient` only when given, newest first.
    pub async fn outbox(&self, recipient: Option<&str>) -> Result<Vec<OutboxRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, recipient, kind, subject, text, code, date_sent FROM outbox \
             WHERE (? IS NULL OR recipient = ?) ORDER BY seq DESC LIMIT ?",
        )
        .bind(recipient)
        .bind(recipient)
        .bind(OUTBOX_PAGE)
        .fetch_all(&self.pool)
        .await
    }
}
