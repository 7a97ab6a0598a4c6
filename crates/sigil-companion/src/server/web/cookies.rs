//! The website's two cookies: the session (a session token, stored hashed) and the CSRF token
//! of the double-submit check. `HttpOnly`, `SameSite=Lax`, `Path=/`; on HTTPS they are `Secure`
//! and carry the `__Host-` prefix, so no other site or subdomain can set them.

use axum::http::{HeaderMap, StatusCode, header};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::PageError;
use crate::server::state::AppState;
use crate::store::sessions::SessionPolicy;
use crate::store::{SessionToken, same_secret};

/// The cookie names and flags for this companion's public URL.
#[derive(Debug, Clone)]
pub struct Cookies {
    session: &'static str,
    csrf: &'static str,
    secure: bool,
    origin: String,
}

impl Cookies {
    /// The cookies of `state`'s public URL.
    pub fn of(state: &AppState) -> Self {
        let config = state.config();
        let secure = config.secure_cookies();
        let (session, csrf) = if secure {
            ("__Host-sigil_session", "__Host-sigil_csrf")
        } else {
            ("sigil_session", "sigil_csrf")
        };
        Self { session, csrf, secure, origin: config.public_origin() }
    }

    fn build(&self, name: &'static str, value: String) -> Cookie<'static> {
        Cookie::build((name, value))
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .build()
    }

    /// The website session token of this browser.
    pub fn session(&self, jar: &CookieJar) -> Option<SessionToken> {
        jar.get(self.session)
            .map(Cookie::value)
            .filter(|value| !value.is_empty() && value.len() <= 256)
            .map(SessionToken::new)
    }

    /// Sets the session cookie (for the website session's whole lifetime).
    pub fn with_session(&self, jar: CookieJar, token: &SessionToken) -> CookieJar {
        let mut cookie = self.build(self.session, token.expose().to_owned());
        cookie.set_max_age(time::Duration::milliseconds(SessionPolicy::WEB.max_lifetime_ms));
        jar.add(cookie)
    }

    /// Removes the session cookie.
    pub fn without_session(&self, jar: CookieJar) -> CookieJar {
        jar.remove(self.build(self.session, String::new()))
    }

    /// The CSRF token for a form: the browser's, or a new one set as a cookie.
    pub fn csrf_token(&self, jar: CookieJar) -> Result<(CookieJar, String), PageError> {
        if let Some(token) = jar.get(self.csrf).map(Cookie::value).filter(|t| t.len() == 43) {
            let token = token.to_owned();
            return Ok((jar, token));
        }
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|error| {
            PageError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "RANDOMNESS_UNAVAILABLE",
                error.to_string(),
            )
        })?;
        let token = URL_SAFE_NO_PAD.encode(bytes);
        Ok((jar.add(self.build(self.csrf, token.clone())), token))
    }

    /// Checks a form post: the `Origin` (when the browser sends one) is this site, and the form's
    /// CSRF field equals the CSRF cookie.
    pub fn check_csrf(
        &self,
        jar: &CookieJar,
        headers: &HeaderMap,
        field: Option<&str>,
    ) -> Result<(), PageError> {
        let forbidden = |code, message: &str| {
            Err(PageError::new(
                StatusCode::FORBIDDEN,
                code,
                format!("{message} Go back, reload the page and send the form again."),
            ))
        };
        if let Some(origin) = headers.get(header::ORIGIN)
            && origin.as_bytes() != self.origin.as_bytes()
        {
            return forbidden("CSRF_ORIGIN_MISMATCH", "This form was sent from another site.");
        }
        let Some(field) = field.filter(|field| !field.is_empty()) else {
            return forbidden(
                "CSRF_TOKEN_MISSING",
                "This form arrived without its security token.",
            );
        };
        let Some(cookie) = jar.get(self.csrf).map(Cookie::value) else {
            return forbidden(
                "CSRF_TOKEN_MISSING",
                "This browser sent no security cookie with the form.",
            );
        };
        if !same_secret(cookie, field) {
            return forbidden("CSRF_TOKEN_INVALID", "This form's security token does not match.");
        }
        Ok(())
    }
}
