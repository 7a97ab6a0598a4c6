use serde::{Deserialize, Serialize};

/// An error answer from Dfns: `{"error":{"id","status","message","details"}}` (§6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("Dfns answered {status}: {message}")]
pub struct DfnsError {
    /// HTTP status.
    pub status: u16,
    /// Dfns's error id, for support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What went wrong, in Dfns's words.
    pub message: String,
    /// Structured context, e.g. the conflicting entity of a 409.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
}

/// Everything a call can fail with. Dfns's own answers are kept apart from transport and decode
/// failures so callers can tell "Dfns said no" from "we never heard back".
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Dfns answered with an error.
    #[error(transparent)]
    Api(Box<DfnsError>),
    /// The request did not get an answer (connection, TLS, timeout).
    #[error("could not reach Dfns at {url}: {source}")]
    Transport {
        /// The URL called.
        url: String,
        /// The underlying failure.
        #[source]
        source: reqwest::Error,
    },
    /// Dfns answered, but not with what the contract says.
    #[error("Dfns answered {status} with a body that could not be read: {source}")]
    Decode {
        /// HTTP status of the answer.
        status: u16,
        /// The parse failure.
        #[source]
        source: serde_json::Error,
    },
    /// The base URL or a path could not form a URL.
    #[error("invalid Dfns URL: {0}")]
    InvalidUrl(#[from] url::ParseError),
    /// The credential signer refused or failed.
    #[error(transparent)]
    Signer(#[from] crate::SignerError),
}

impl From<DfnsError> for Error {
    fn from(error: DfnsError) -> Self {
        Self::Api(Box::new(error))
    }
}

impl Error {
    /// Dfns's answer, when this is one.
    pub fn api(&self) -> Option<&DfnsError> {
        match self {
            Self::Api(error) => Some(error),
            _ => None,
        }
    }

    /// The HTTP status of Dfns's answer, when this is one.
    pub fn status(&self) -> Option<u16> {
        self.api().map(|error| error.status)
    }
}

/// Reads an error body. Older Dfns answers carry only `{error:{message}}` or `{message}`.
pub(crate) fn decode_error(status: u16, body: &[u8]) -> DfnsError {
    #[derive(Deserialize)]
    struct Envelope {
        error: Option<Inner>,
        message: Option<String>,
    }
    #[derive(Deserialize)]
    struct Inner {
        id: Option<String>,
        message: Option<String>,
        details: Option<serde_json::Value>,
    }
    let fallback = || String::from_utf8_lossy(body).trim().chars().take(500).collect::<String>();
    match serde_json::from_slice::<Envelope>(body) {
        Ok(Envelope { error: Some(inner), .. }) => DfnsError {
            status,
            id: inner.id,
            message: inner.message.unwrap_or_else(fallback),
            details: inner.details,
        },
        Ok(Envelope { message: Some(message), .. }) => {
            DfnsError { status, id: None, message, details: None }
        }
        _ => DfnsError { status, id: None, message: fallback(), details: None },
    }
}
