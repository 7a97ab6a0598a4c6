//! The website: sign up, sign in, sign out, the authorize page of the app's deep-link login
//! (RFC 8252 with PKCE): `GET /login?state&code_challenge&code_challenge_method=S256&redirect_uri`,
//! the recovery check with the same parameters at `/recover` ([`recover`]), and the development
//! outbox ([`outbox`]).
//!
//! Forms are protected by a double-submit CSRF token (a cookie and a hidden field that must
//! match, plus an `Origin` check), so no instance keeps CSRF state. The website session is a
//! `HttpOnly` cookie holding a session token stored hashed like the app's.

mod authorize;
mod cookies;
mod outbox;
mod pages;
mod recover;

use axum::extract::{FromRequest, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use self::authorize::{AuthorizeRequest, LOGIN_PATH, RECOVER_PATH};
use self::cookies::Cookies;
use self::pages::CredentialsForm;
use super::error::ApiError;
use super::state::AppState;
use crate::config::MailSettings;
use crate::identity::IdentityError;
use crate::identity::hashing::BUSY_RETRY_AFTER_SECS;
use crate::limits::ClientAddress;
use crate::store::StoreError;
use crate::store::sessions::{Session, SessionKind, SessionPolicy, SessionPurpose};
use crate::store::users::User;

/// The website's routes; the outbox's only when `state` runs with it.
pub fn routes(state: &AppState) -> Router<AppState> {
    let site = Router::new()
        .route("/", get(home))
        .route("/signup", get(sign_up_page).post(sign_up))
        .route("/signin", get(sign_in_page).post(sign_in))
        .route("/signout", post(sign_out))
        .route(LOGIN_PATH, get(authorize).post(authorize_confirmed))
        .route(RECOVER_PATH, get(recover::page).post(recover::submitted))
        .route("/recover/code", post(recover::code_submitted))
        .route("/static/site.css", get(stylesheet));
    match state.config().mail {
        MailSettings::Outbox => site.merge(outbox::routes()),
        MailSettings::Off | MailSettings::Smtp(_) => site,
    }
}

/// An error page: status, stable code, message.
#[derive(Debug)]
pub struct PageError {
    status: StatusCode,
    code: &'static str,
    message: String,
    app_name: String,
}

impl PageError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), app_name: "Sigil".into() }
    }

    fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    fn in_app(mut self, state: &AppState) -> Self {
        self.app_name.clone_from(&state.config().app_name);
        self
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let title =
            if self.status.is_server_error() { "Something went wrong" } else { "Cannot continue" };
        pages::page(
            self.status,
            title,
            &self.app_name,
            &maud::html! {
                (pages::alert(self.code, &self.message))
                p { a href="/" { "Back to the start page" } }
            },
        )
    }
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> Self {
        Self::new(status_of(&error), error.code.as_str(), error.message)
    }
}

/// The HTTP status of an API error's code.
fn status_of(error: &ApiError) -> StatusCode {
    StatusCode::from_u16(error.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl From<StoreError> for PageError {
    fn from(error: StoreError) -> Self {
        ApiError::from(error).into()
    }
}

type PageResult = Result<Response, PageError>;

/// A form body; a body that is not a form is an error page, not a bare rejection.
struct PageForm<T>(T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for PageForm<T> {
    type Rejection = PageError;

    async fn from_request(request: Request, state: &S) -> Result<Self, PageError> {
        Form::<T>::from_request(request, state).await.map(|Form(value)| Self(value)).map_err(
            |rejection| {
                PageError::bad_request(
                    "FORM_INVALID",
                    format!("the form could not be read: {}", rejection.body_text()),
                )
            },
        )
    }
}

/// Fields of the sign-in and sign-up forms (all optional: a missing one is a form error).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CredentialsFields {
    email: String,
    password: String,
    csrf: Option<String>,
    next: Option<String>,
}

/// Fields of the sign-out form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SignOutFields {
    csrf: Option<String>,
    next: Option<String>,
}

/// `?next=` of the sign-in and sign-up pages.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NextParam {
    next: Option<String>,
}

/// The signed-in person of this browser, if any.
async fn web_user(state: &AppState, jar: &CookieJar) -> Result<Option<(Session, User)>, PageError> {
    let Some(token) = Cookies::of(state).session(jar) else { return Ok(None) };
    let store = state.store();
    let Some(session) = store.session_by_token(SessionKind::Web, &token, state.now_ms()).await?
    else {
        return Ok(None);
    };
    Ok(store.user_by_id(&session.user_id).await?.map(|user| (session, user)))
}

/// `GET /`.
async fn home(State(state): State<AppState>, jar: CookieJar) -> PageResult {
    let app_name = &state.config().app_name;
    let cookies = Cookies::of(&state);
    let (jar, csrf) = cookies.csrf_token(jar)?;
    let body = match web_user(&state, &jar).await? {
        Some((_, user)) => pages::home_signed_in(user.email.as_str(), app_name, &csrf),
        None => pages::home_signed_out(app_name),
    };
    Ok((jar, pages::page(StatusCode::OK, app_name, app_name, &body)).into_response())
}

/// `GET /signin`.
async fn sign_in_page(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(params): Query<NextParam>,
) -> PageResult {
    let next = Page::SignIn.next(params.next.as_deref());
    credentials_page(&state, jar, Page::SignIn, StatusCode::OK, "", next.as_deref(), None)
}

/// `GET /signup`.
async fn sign_up_page(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(params): Query<NextParam>,
) -> PageResult {
    let next = Page::SignUp.next(params.next.as_deref());
    credentials_page(&state, jar, Page::SignUp, StatusCode::OK, "", next.as_deref(), None)
}

/// The forms that take an email address and a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Page {
    SignIn,
    SignUp,
    /// The recovery check's first step: always a fresh sign-in, for an authorize request.
    Recover,
}

impl Page {
    /// The authorize page a form of this kind may continue to.
    fn authorize_path(self) -> &'static str {
        match self {
            Self::SignIn | Self::SignUp => LOGIN_PATH,
            Self::Recover => RECOVER_PATH,
        }
    }

    /// `next` if it is that authorize page.
    fn next(self, next: Option<&str>) -> Option<String> {
        next.and_then(|next| authorize::continuation(next, self.authorize_path()))
    }
}

fn credentials_page(
    state: &AppState,
    jar: CookieJar,
    which: Page,
    status: StatusCode,
    email: &str,
    next: Option<&str>,
    error: Option<(&str, &str)>,
) -> PageResult {
    let app_name = &state.config().app_name;
    let (jar, csrf) = Cookies::of(state).csrf_token(jar)?;
    let notice = match which {
        Page::SignIn | Page::SignUp => next.map(|_| format!("Sign in to continue to {app_name}.")),
        Page::Recover => Some(format!(
            "To recover access to your {app_name} wallet, sign in again (even if you are signed \
             in here). We then email you a code."
        )),
    };
    let form = CredentialsForm { email, csrf: &csrf, next, notice: notice.as_deref(), error };
    let (title, body) = match which {
        Page::SignIn => ("Sign in", pages::sign_in(&form)),
        Page::SignUp => ("Create account", pages::sign_up(&form)),
        Page::Recover => ("Recover access to your wallet", pages::recover(&form)),
    };
    Ok((jar, pages::page(status, title, app_name, &body)).into_response())
}

/// `POST /signup`.
async fn sign_up(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    client: ClientAddress,
    PageForm(fields): PageForm<CredentialsFields>,
) -> PageResult {
    credentials_submitted(&state, jar, &headers, &client, fields, Page::SignUp).await
}

/// `POST /signin`.
async fn sign_in(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    client: ClientAddress,
    PageForm(fields): PageForm<CredentialsFields>,
) -> PageResult {
    credentials_submitted(&state, jar, &headers, &client, fields, Page::SignIn).await
}

/// A sign-up, sign-in or recovery form: CSRF, rate limits, the identity provider, then the
/// website session (and the hand-off when the form continues an authorize request), or for a
/// recovery the emailed code; or the form again with why.
async fn credentials_submitted(
    state: &AppState,
    jar: CookieJar,
    headers: &HeaderMap,
    client: &ClientAddress,
    fields: CredentialsFields,
    which: Page,
) -> PageResult {
    Cookies::of(state)
        .check_csrf(&jar, headers, fields.csrf.as_deref())
        .map_err(|e| e.in_app(state))?;
    let next = which.next(fields.next.as_deref());
    let recovery = match which {
        Page::Recover => Some(recover::request(state, next.as_deref())?),
        Page::SignIn | Page::SignUp => None,
    };
    let limits = state.config().limits;
    let bucket = match which {
        Page::SignUp => (format!("ip:{client}:sign-up"), limits.sign_up_per_ip),
        Page::SignIn | Page::Recover => (format!("ip:{client}:sign-in"), limits.sign_in_per_ip),
    };
    if let Err(limited) = state.rate_limit(&[bucket]).await {
        return form_again(state, jar, which, &fields.email, next.as_deref(), &limited.into());
    }
    let identity = state.identity();
    let (email, password, now) = (&fields.email, &fields.password, state.now_ms());
    let outcome = match which {
        Page::SignUp => identity.sign_up(email, password, now).await,
        Page::SignIn | Page::Recover => identity.sign_in(email, password, client, now).await,
    };
    let error = match (outcome, recovery) {
        (Ok(user), Some((request, mailer))) => {
            return recover::send_code(state, jar, &user, &request, mailer, next.as_deref()).await;
        }
        (Ok(user), None) => return signed_in(state, jar, &user, next.as_deref()).await,
        (Err(error), _) => error,
    };
    let code = error.code();
    let refusal =
        |status, message: String| Refusal { status, code, message, retry_after_secs: None };
    let refusal = match &error {
        IdentityError::EmailTaken => refusal(StatusCode::CONFLICT, error.to_string()),
        IdentityError::InvalidEmail(_) | IdentityError::WeakPassword(_) => {
            refusal(StatusCode::BAD_REQUEST, error.to_string())
        }
        IdentityError::InvalidCredentials => refusal(StatusCode::UNAUTHORIZED, error.to_string()),
        IdentityError::Busy => Refusal {
            retry_after_secs: Some(BUSY_RETRY_AFTER_SECS),
            ..refusal(StatusCode::SERVICE_UNAVAILABLE, error.to_string())
        },
        IdentityError::Delayed { retry_after_ms } => ApiError::rate_limited(*retry_after_ms).into(),
        IdentityError::Store(_) | IdentityError::Hashing(_) => {
            return Err(identity_failure(error));
        }
    };
    form_again(state, jar, which, email, next.as_deref(), &refusal)
}

/// Why a sign-in or sign-up form was refused.
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// For 429 and 503: seconds until a retry may succeed.
    retry_after_secs: Option<u64>,
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Self {
        Self {
            status: status_of(&error),
            code: error.code.as_str(),
            message: error.message,
            retry_after_secs: error.retry_after_secs,
        }
    }
}

/// The form again with why it was refused, its status and any `Retry-After`.
fn form_again(
    state: &AppState,
    jar: CookieJar,
    which: Page,
    email: &str,
    next: Option<&str>,
    refusal: &Refusal,
) -> PageResult {
    let failed = Some((refusal.code, refusal.message.as_str()));
    let mut response = credentials_page(state, jar, which, refusal.status, email, next, failed)?;
    if let Some(secs) = refusal.retry_after_secs {
        response.headers_mut().insert(header::RETRY_AFTER, secs.into());
    }
    Ok(response)
}

fn identity_failure(error: IdentityError) -> PageError {
    match error {
        IdentityError::Store(error) => error.into(),
        other => ApiError::internal(&other).into(),
    }
}

/// After a successful sign-in or sign-up: the website session, then either the hand-off to the
/// app (when the sign-in was for an authorize request: signing in was the consent) or home.
async fn signed_in(
    state: &AppState,
    jar: CookieJar,
    user: &User,
    next: Option<&str>,
) -> PageResult {
    let new = state
        .store()
        .create_session(&user.id, SessionKind::Web, &SessionPolicy::WEB, state.now_ms())
        .await?;
    let jar = Cookies::of(state).with_session(jar, &new.token);
    let request =
        next.map(|next| AuthorizeRequest::from_continuation(next, LOGIN_PATH, state.config()));
    match request {
        Some(Ok(request)) => {
            let hand_off = hand_off(state, user, &request, SessionPurpose::SignIn).await?;
            Ok((jar, hand_off).into_response())
        }
        _ => Ok((jar, Redirect::to("/")).into_response()),
    }
}

/// `POST /signout`.
async fn sign_out(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    PageForm(fields): PageForm<SignOutFields>,
) -> PageResult {
    let cookies = Cookies::of(&state);
    cookies.check_csrf(&jar, &headers, fields.csrf.as_deref()).map_err(|e| e.in_app(&state))?;
    if let Some((session, _)) = web_user(&state, &jar).await? {
        state.store().revoke_session(&session.id, state.now_ms()).await?;
    }
    let next = Page::SignIn.next(fields.next.as_deref());
    let jar = cookies.without_session(jar);
    Ok((jar, Redirect::to(next.as_deref().unwrap_or("/"))).into_response())
}

/// `GET /login?…`: the authorize page. A visitor signs in first; a signed-in person confirms.
async fn authorize(
    State(state): State<AppState>,
    jar: CookieJar,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> PageResult {
    let request = AuthorizeRequest::from_query(query.as_deref().unwrap_or(""), state.config())
        .map_err(|error| error.in_app(&state))?;
    let here = request.continuation(LOGIN_PATH);
    let Some((_, user)) = web_user(&state, &jar).await? else {
        return credentials_page(&state, jar, Page::SignIn, StatusCode::OK, "", Some(&here), None);
    };
    let app_name = &state.config().app_name;
    let (jar, csrf) = Cookies::of(&state).csrf_token(jar)?;
    let fields = request.fields();
    let body = pages::consent(user.email.as_str(), app_name, &csrf, &fields, &here);
    let title = format!("Continue to {app_name}");
    Ok((jar, pages::page(StatusCode::OK, &title, app_name, &body)).into_response())
}

/// `POST /login`: the signed-in person confirmed; hand the app a code.
async fn authorize_confirmed(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> PageResult {
    let csrf = fields.iter().find(|(name, _)| name == "csrf").map(|(_, value)| value.as_str());
    Cookies::of(&state).check_csrf(&jar, &headers, csrf).map_err(|e| e.in_app(&state))?;
    let pairs = fields.iter().filter(|(name, _)| name != "csrf");
    let request = AuthorizeRequest::from_pairs(pairs, state.config())
        .map_err(|error| error.in_app(&state))?;
    let Some((_, user)) = web_user(&state, &jar).await? else {
        let here = request.continuation(LOGIN_PATH);
        return credentials_page(&state, jar, Page::SignIn, StatusCode::OK, "", Some(&here), None);
    };
    hand_off(&state, &user, &request, SessionPurpose::SignIn).await
}

/// Issues the one-time code for a session of `purpose` and sends the browser to
/// `redirect_uri?code=…&state=…`.
async fn hand_off(
    state: &AppState,
    user: &User,
    request: &AuthorizeRequest,
    purpose: SessionPurpose,
) -> PageResult {
    let issued = state
        .store()
        .issue_login_code(
            &user.id,
            request.challenge(),
            request.redirect_uri(),
            purpose,
            state.now_ms(),
        )
        .await?;
    let target = request.callback(&issued.code);
    let app_name = &state.config().app_name;
    Ok(pages::page_with_head(
        StatusCode::OK,
        &format!("Opening {app_name}"),
        app_name,
        &pages::hand_off_redirect(&target),
        &pages::hand_off(&target, app_name),
    ))
}

/// `GET /static/site.css`.
async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], pages::STYLESHEET).into_response()
}

/// Unknown pages.
pub async fn not_found(State(state): State<AppState>) -> PageError {
    PageError::new(StatusCode::NOT_FOUND, "NOT_FOUND", "There is no such page.").in_app(&state)
}

/// Known pages with another method.
pub async fn method_not_allowed(State(state): State<AppState>) -> PageError {
    PageError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "This page does not take that method.",
    )
    .in_app(&state)
}
