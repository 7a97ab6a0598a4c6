//! Mail the companion sends: the one-time code of the website's recovery check, and the notice
//! that access to a wallet was recovered. Behind [`Mailer`]: [`SmtpMailer`] (lettre, TLS by
//! rustls) in production, [`Outbox`] in development and tests, where mails land in the database
//! and show at `/dev/outbox`.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};

use crate::store::outbox::StoredMail;
use crate::store::{Store, StoreError};

/// How long one SMTP delivery may take: a person is waiting for the page.
const SMTP_TIMEOUT: Duration = Duration::from_secs(10);

/// A plain-text mail to one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    /// The recipient's address.
    pub to: String,
    /// The subject.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
}

/// A mail in the development outbox, as `GET /dev/outbox.json` lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxMail {
    /// The recipient's address.
    pub to: String,
    /// The subject.
    pub subject: String,
    /// The plain-text body.
    pub body: String,
    /// When it was "sent".
    #[serde(with = "time::serde::rfc3339")]
    pub sent_at: time::OffsetDateTime,
}

/// Why a mail was not sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The recipient's address is not one mail can go to.
    #[error("{0:?} is not an address mail can be sent to")]
    Address(String),
    /// The mail could not be built.
    #[error("the mail could not be built: {0}")]
    Build(String),
    /// The mail server refused the mail or could not be reached.
    #[error("the mail server: {0}")]
    Smtp(String),
    /// The outbox could not be written.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Sends mails.
#[async_trait]
pub trait Mailer: Send + Sync + fmt::Debug {
    /// Sends `mail` (at `now_ms`, which the outbox records).
    async fn send(&self, mail: &Mail, now_ms: i64) -> Result<(), MailError>;
}

/// Mail through an SMTP server (`--smtp-url`, `--mail-from`).
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    server: String,
}

impl fmt::Debug for SmtpMailer {
    // The transport holds the server's credentials: show only where mail goes and from whom.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("server", &self.server)
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// A mailer for the server at `url` (`smtps://USER:PASSWORD@HOST[:PORT]`, or
    /// `smtp://HOST[:PORT]?tls=required`; lettre's URL forms), sending as `from`. Connects
    /// only when a mail is sent.
    pub fn new(url: &url::Url, from: Mailbox) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())
            .map_err(|error| MailError::Smtp(error.to_string()))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let server = format!(
            "{}://{}:{}",
            url.scheme(),
            url.host_str().unwrap_or_default(),
            url.port().map_or_else(|| "default".to_owned(), |port| port.to_string())
        );
        Ok(Self { transport, from, server })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: &Mail, _now_ms: i64) -> Result<(), MailError> {
        let to: Mailbox = mail.to.parse().map_err(|_| MailError::Address(mail.to.clone()))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.as_str())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())
            .map_err(|error| MailError::Build(error.to_string()))?;
        self.transport.send(message).await.map_err(|error| MailError::Smtp(error.to_string()))?;
        tracing::info!(server = %self.server, subject = %mail.subject, "mail sent");
        Ok(())
    }
}

/// The development outbox (`--mail-outbox`): mails are kept in the database, for
/// `/dev/outbox`, and never leave the machine.
#[derive(Debug, Clone)]
pub struct Outbox {
    store: Store,
}

impl Outbox {
    /// An outbox in `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

#[async_trait]
impl Mailer for Outbox {
    async fn send(&self, mail: &Mail, now_ms: i64) -> Result<(), MailError> {
        let stored = StoredMail {
            to: mail.to.clone(),
            subject: mail.subject.clone(),
            body: mail.body.clone(),
            sent_at: now_ms,
        };
        self.store.put_in_outbox(&stored).await?;
        tracing::info!(subject = %mail.subject, "mail put in the development outbox");
        Ok(())
    }
}

#[cfg(test)]
mod tests;
