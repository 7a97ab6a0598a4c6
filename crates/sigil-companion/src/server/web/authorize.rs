//! The authorize request of the deep-link login and of the recovery check, parsed once at the
//! edge (RFC 6749 §4.1.1 with RFC 7636 §4.3). A bad request is shown as an error page and never
//! redirected: a redirect URI that failed the checks must not receive anything (RFC 6749
//! §4.1.2.1).

use url::Url;
use url::form_urlencoded;

use super::PageError;
use crate::config::Config;
use crate::store::LoginCode;
use crate::store::email_codes::AuthorizeParams;
use crate::store::pkce::{CodeChallenge, PkceError};

/// Where the authorize page of a sign-in lives.
pub const LOGIN_PATH: &str = "/login";

/// Where the authorize page of a recovery lives.
pub const RECOVER_PATH: &str = "/recover";

/// A checked authorize request.
#[derive(Debug, Clone)]
pub struct AuthorizeRequest {
    state: String,
    challenge: CodeChallenge,
    redirect_uri: String,
}

impl AuthorizeRequest {
    /// From the query string of `GET /login`.
    pub fn from_query(query: &str, config: &Config) -> Result<Self, PageError> {
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(query.as_bytes()).into_owned().collect();
        Self::from_pairs(pairs.iter(), config)
    }

    /// From a `{path}?…` continuation (the `next` of the sign-in or recovery form).
    pub fn from_continuation(next: &str, path: &str, config: &Config) -> Result<Self, PageError> {
        let query = next.strip_prefix(path).and_then(|rest| rest.strip_prefix('?')).unwrap_or("");
        Self::from_query(query, config)
    }

    /// From a request kept in the store, checked again (the allow-list may have changed).
    pub fn from_params(params: &AuthorizeParams, config: &Config) -> Result<Self, PageError> {
        let pairs = [
            ("state".to_owned(), params.state.clone()),
            ("code_challenge".to_owned(), params.challenge.as_str().to_owned()),
            ("code_challenge_method".to_owned(), "S256".to_owned()),
            ("redirect_uri".to_owned(), params.redirect_uri.clone()),
        ];
        Self::from_pairs(pairs.iter(), config)
    }

    /// From name/value pairs (a query, or the fields of the confirm form). Unknown names are
    /// ignored (RFC 6749 §3.1); a known one given twice is refused.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = &'a (String, String)>,
        config: &Config,
    ) -> Result<Self, PageError> {
        let mut state = None;
        let mut challenge = None;
        let mut method = None;
        let mut redirect_uri = None;
        for (name, value) in pairs {
            let slot = match name.as_str() {
                "state" => &mut state,
                "code_challenge" => &mut challenge,
                "code_challenge_method" => &mut method,
                "redirect_uri" => &mut redirect_uri,
                _ => continue,
            };
            if slot.replace(value.as_str()).is_some() {
                return Err(PageError::bad_request(
                    "AUTHORIZE_PARAMETER_REPEATED",
                    format!("The sign-in link from the app is malformed: {name} is given twice."),
                ));
            }
        }
        let missing = |name: &str| {
            PageError::bad_request(
                "AUTHORIZE_PARAMETER_MISSING",
                format!(
                    "The sign-in link from the app is incomplete ({name} is missing). \
                     Start the sign-in again from the app."
                ),
            )
        };
        // RFC 8252 §8.9 and RFC 6749 §10.12: the app's `state` is what lets it refuse a code it
        // did not ask for, so it is required.
        let state = state.ok_or_else(|| missing("state"))?;
        // RFC 6749 Appendix A.5: state = 1*VSCHAR.
        if state.is_empty()
            || state.len() > 1024
            || !state.bytes().all(|b| (0x20..=0x7e).contains(&b))
        {
            return Err(PageError::bad_request(
                "AUTHORIZE_PARAMETER_INVALID",
                "The sign-in link from the app is malformed (state). Start the sign-in again.",
            ));
        }
        let redirect_uri = redirect_uri.ok_or_else(|| missing("redirect_uri"))?;
        // RFC 8252 §8.4 / RFC 6749 §3.1.2.2: only registered redirect URIs, compared exactly.
        if !config.redirect_uris.iter().any(|allowed| allowed == redirect_uri) {
            return Err(PageError::bad_request(
                "REDIRECT_URI_NOT_ALLOWED",
                format!("{redirect_uri:?} is not an address this site sends sign-ins to."),
            ));
        }
        let challenge = challenge.ok_or_else(|| missing("code_challenge"))?;
        let challenge = CodeChallenge::parse(challenge, method).map_err(|error| match error {
            PkceError::UnsupportedMethod => PageError::bad_request(
                "PKCE_METHOD_UNSUPPORTED",
                "The sign-in link asks for a PKCE method other than S256, which this site refuses.",
            ),
            other => PageError::bad_request(
                "AUTHORIZE_PARAMETER_INVALID",
                format!("The sign-in link from the app is malformed: {other}."),
            ),
        })?;
        Ok(Self { state: state.to_owned(), challenge, redirect_uri: redirect_uri.to_owned() })
    }

    /// The PKCE challenge.
    pub fn challenge(&self) -> &CodeChallenge {
        &self.challenge
    }

    /// The redirect URI (on the allow-list).
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// The request, to keep in the store.
    pub fn params(&self) -> AuthorizeParams {
        AuthorizeParams {
            state: self.state.clone(),
            challenge: self.challenge.clone(),
            redirect_uri: self.redirect_uri.clone(),
        }
    }

    /// The request's fields, for the confirm form.
    pub fn fields(&self) -> [(&'static str, &str); 4] {
        [
            ("state", &self.state),
            ("code_challenge", self.challenge.as_str()),
            ("code_challenge_method", "S256"),
            ("redirect_uri", &self.redirect_uri),
        ]
    }

    /// `{path}?…`: where a sign-in ([`LOGIN_PATH`]) or recovery ([`RECOVER_PATH`]) form
    /// continues to.
    pub fn continuation(&self, path: &str) -> String {
        let query =
            form_urlencoded::Serializer::new(String::new()).extend_pairs(self.fields()).finish();
        format!("{path}?{query}")
    }

    /// `redirect_uri?code=…&state=…` (keeping any query the redirect URI has).
    pub fn callback(&self, code: &LoginCode) -> String {
        match Url::parse(&self.redirect_uri) {
            Ok(mut url) => {
                url.query_pairs_mut()
                    .append_pair("code", code.expose())
                    .append_pair("state", &self.state);
                url.to_string()
            }
            // Checked at start (config) and against the allow-list: unreachable in practice.
            Err(_) => self.redirect_uri.clone(),
        }
    }
}

/// A `next` accepted after a sign-in or recovery form: only this site's authorize page at
/// `path`, so the forms cannot be used to send people elsewhere.
pub fn continuation(next: &str, path: &str) -> Option<String> {
    let is_authorize = next.strip_prefix(path).is_some_and(|rest| rest.starts_with('?'));
    let clean = !next.contains(['\\', '\r', '\n', '#']) && next.len() <= 4096;
    (is_authorize && clean).then(|| next.to_owned())
}
