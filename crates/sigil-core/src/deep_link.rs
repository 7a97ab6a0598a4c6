//! The app's deep links, parsed into types before anything else looks at them. Only two exist:
//!
//! * `sigil://auth/callback?code=…&state=…` (or `?error=…&state=…`): the companion's answer to a
//!   login the app started (RFC 8252 §7.1, private-use URI scheme);
//! * `sigil://auth/start`: the website's "Open in Sigil" button, asking the app to start one.
//!
//! Anything else is refused with a [`DeepLinkError`]; nothing is stored or sent for it.

use std::fmt;

use dfns_client::Secret;
use url::Url;

/// The scheme the app registers with the operating system.
pub const SCHEME: &str = "sigil";

/// The longest deep link accepted, in bytes (a callback is about 150).
pub const MAX_LEN: usize = 4096;

/// A deep link the app acts on.
#[derive(Clone, PartialEq, Eq)]
pub enum DeepLink {
    /// Start a login (the website's "Open in Sigil").
    Start,
    /// A login answered with a code.
    Callback {
        /// The one-time code (a secret: redacted in `Debug`).
        code: Secret,
        /// The `state` the app sent, to be checked against the pending login.
        state: String,
    },
    /// A login answered with an error (RFC 6749 §4.1.2.1).
    CallbackError {
        /// The error code, e.g. `access_denied`.
        error: String,
        /// A description for people, if the server sent one.
        description: Option<String>,
        /// The `state` the app sent.
        state: String,
    },
}

impl fmt::Debug for DeepLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Start => f.write_str("Start"),
            Self::Callback { state, .. } => f
                .debug_struct("Callback")
                .field("code", &"<redacted>")
                .field("state", state)
                .finish(),
            Self::CallbackError { error, description, state } => f
                .debug_struct("CallbackError")
                .field("error", error)
                .field("description", description)
                .field("state", state)
                .finish(),
        }
    }
}

/// Why a deep link was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeepLinkError {
    /// Longer than [`MAX_LEN`].
    #[error("the link is too long to be one of Sigil's")]
    TooLong,
    /// Not a URL at all.
    #[error("the link is not a URL")]
    NotAUrl,
    /// Another scheme than `sigil:`.
    #[error("the link is not a Sigil link (scheme {0:?})")]
    WrongScheme(String),
    /// A `sigil:` link Sigil does not know.
    #[error("Sigil does not know the link {0:?}; only sign-in links are accepted")]
    UnknownTarget(String),
    /// A parameter the link needs is missing.
    #[error("the sign-in link has no {0}")]
    MissingParameter(&'static str),
    /// A parameter appears twice.
    #[error("the sign-in link gives {0} twice")]
    RepeatedParameter(&'static str),
    /// A parameter is malformed.
    #[error("the sign-in link's {0} is malformed")]
    InvalidParameter(&'static str),
}

impl DeepLinkError {
    /// A stable code for the UI.
    pub fn code(&self) -> crate::ErrorCode {
        crate::ErrorCode::DeepLinkInvalid
    }
}

impl DeepLink {
    /// Parses a deep link as the operating system delivered it.
    pub fn parse(raw: &str) -> Result<Self, DeepLinkError> {
        if raw.len() > MAX_LEN {
            return Err(DeepLinkError::TooLong);
        }
        let url = Url::parse(raw.trim()).map_err(|_| DeepLinkError::NotAUrl)?;
        if url.scheme() != SCHEME {
            return Err(DeepLinkError::WrongScheme(url.scheme().to_owned()));
        }
        let target = format!("{}{}", url.host_str().unwrap_or_default(), url.path());
        let plain = url.username().is_empty()
            && url.password().is_none()
            && url.port().is_none()
            && url.fragment().is_none();
        match target.as_str() {
            "auth/start" if plain => Ok(Self::Start),
            "auth/callback" if plain => Self::callback(&url),
            _ => Err(DeepLinkError::UnknownTarget(shorten(&target))),
        }
    }

    fn callback(url: &Url) -> Result<Self, DeepLinkError> {
        let (mut code, mut state, mut error, mut description) = (None, None, None, None);
        for (name, value) in url.query_pairs() {
            let (slot, name) = match name.as_ref() {
                "code" => (&mut code, "code"),
                "state" => (&mut state, "state"),
                "error" => (&mut error, "error"),
                "error_description" => (&mut description, "error_description"),
                // RFC 6749 §4.1.2: the client ignores parameters it does not know (`iss`, …).
                _ => continue,
            };
            if slot.replace(value.into_owned()).is_some() {
                return Err(DeepLinkError::RepeatedParameter(name));
            }
        }
        let state = state.ok_or(DeepLinkError::MissingParameter("state"))?;
        // RFC 6749 Appendix A.5: state = 1*VSCHAR.
        if !is_vschar(&state, 1024) {
            return Err(DeepLinkError::InvalidParameter("state"));
        }
        if let Some(error) = error {
            if !is_vschar(&error, 128) {
                return Err(DeepLinkError::InvalidParameter("error"));
            }
            let description = description.filter(|text| is_vschar(text, 1024));
            return Ok(Self::CallbackError { error, description, state });
        }
        let code = code.ok_or(DeepLinkError::MissingParameter("code"))?;
        // A code is opaque; ours are 43 base64url characters, any server's are VSCHAR.
        if !is_vschar(&code, 512) {
            return Err(DeepLinkError::InvalidParameter("code"));
        }
        Ok(Self::Callback { code: Secret::new(code), state })
    }
}

/// 1 to `max` bytes of printable ASCII (`%x20-7E`).
fn is_vschar(text: &str, max: usize) -> bool {
    !text.is_empty() && text.len() <= max && text.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

/// At most 64 characters of `text`, for messages.
fn shorten(text: &str) -> String {
    let short: String = text.chars().take(64).collect();
    if short.len() < text.len() { format!("{short}…") } else { short }
}

#[cfg(test)]
mod tests;
