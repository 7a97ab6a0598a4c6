//! The development outbox: mails a companion running with `--mail-outbox` "sends", kept in the
//! database so every instance shows the same list.

use crate::store::Store;
use crate::store::error::Result;
use crate::store::secret::random_hex;

/// How many mails the outbox lists, newest first.
pub const OUTBOX_LIST_LIMIT: i64 = 100;

/// A mail in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMail {
    /// The recipient's address.
    pub to: String,
    /// The subject.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// When it was "sent", Unix ms.
    pub sent_at: i64,
}

impl Store {
    /// Puts a mail in the outbox.
    pub async fn put_in_outbox(&self, mail: &StoredMail) -> Result<()> {
        let id = format!("cm-{}", random_hex(self.random.as_ref(), 16)?);
        sqlx::query(
            "INSERT INTO mail_outbox (id, recipient, subject, body, sent_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(mail.to.as_str())
        .bind(mail.subject.as_str())
        .bind(mail.body.as_str())
        .bind(mail.sent_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The newest [`OUTBOX_LIST_LIMIT`] mails, newest first.
    pub async fn outbox(&self) -> Result<Vec<StoredMail>> {
        let rows = sqlx::query_as::<_, (String, String, String, i64)>(
            "SELECT recipient, subject, body, sent_at FROM mail_outbox \
             ORDER BY sent_at DESC, id DESC LIMIT $1",
        )
        .bind(OUTBOX_LIST_LIMIT)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(to, subject, body, sent_at)| StoredMail { to, subject, body, sent_at })
            .collect())
    }
}
