//! The recovery check, for the app's "I lost my computer or passkey": `GET /recover?…` takes the
//! same authorize request as `/login` and always asks for the email address and password afresh
//! (a website session is not enough); the right ones get a 6-digit code by email (`POST
//! /recover`, through the sign-in form's handling); the right code hands the app a login code
//! whose purpose is recovery, on the same hand-off page as a sign-in (`POST /recover/code`).

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse as _;
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use super::authorize::{AuthorizeRequest, RECOVER_PATH};
use super::cookies::Cookies;
use super::{
    CredentialsFields, Page, PageError, PageForm, PageResult, Refusal, credentials_page,
    credentials_submitted, form_again, hand_off, pages,
};
use crate::limits::ClientAddress;
use crate::mail::{Mail, Mailer};
use crate::server::state::AppState;
use crate::store::EmailTicket;
use crate::store::email_codes::{EMAIL_CODE_TTL_MS, EmailCodeCheck};
use crate::store::sessions::SessionPurpose;
use crate::store::users::User;

/// `GET /recover?state&code_challenge&code_challenge_method=S256&redirect_uri`.
pub async fn page(
    State(state): State<AppState>,
    jar: CookieJar,
    RawQuery(query): RawQuery,
) -> PageResult {
    let request = AuthorizeRequest::from_query(query.as_deref().unwrap_or(""), state.config())
        .map_err(|error| error.in_app(&state))?;
    mailer(&state)?;
    let here = request.continuation(RECOVER_PATH);
    credentials_page(&state, jar, Page::Recover, StatusCode::OK, "", Some(&here), None)
}

/// `POST /recover`: the password check; then the code goes out.
pub async fn submitted(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    client: ClientAddress,
    PageForm(fields): PageForm<CredentialsFields>,
) -> PageResult {
    credentials_submitted(&state, jar, &headers, &client, fields, Page::Recover).await
}

/// The authorize request a recovery form continues, and the mailer its code will go through.
pub(super) fn request<'a>(
    state: &'a AppState,
    next: Option<&str>,
) -> Result<(AuthorizeRequest, &'a dyn Mailer), PageError> {
    let request =
        AuthorizeRequest::from_continuation(next.unwrap_or(""), RECOVER_PATH, state.config())
            .map_err(|error| error.in_app(state))?;
    Ok((request, mailer(state)?))
}

/// The mailer, or the page saying recovery is off here.
fn mailer(state: &AppState) -> Result<&dyn Mailer, PageError> {
    state.mailer().ok_or_else(|| {
        PageError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "RECOVERY_UNAVAILABLE",
            "This site cannot send email, so it cannot recover access to a wallet. Contact \
             support.",
        )
        .in_app(state)
    })
}

/// After the password: a code to `user`'s address (a few an hour at most), and the page that
/// asks for it.
pub(super) async fn send_code(
    state: &AppState,
    jar: CookieJar,
    user: &User,
    request: &AuthorizeRequest,
    mailer: &dyn Mailer,
    next: Option<&str>,
) -> PageResult {
    let limit = state.config().limits.recovery_emails_per_account;
    let bucket = format!("user:{}:recovery-email", user.id);
    if let Err(limited) = state.rate_limit(&[(bucket, limit)]).await {
        let message = format!(
            "We have emailed this account {} codes lately, the most we send in {} minutes: {}",
            limit.limit,
            limit.window_ms / 60_000,
            limited.message
        );
        let refusal = Refusal { message, ..Refusal::from(limited) };
        return form_again(state, jar, Page::Recover, user.email.as_str(), next, &refusal);
    }
    let now = state.now_ms();
    let issued = state.store().issue_email_code(&user.id, &request.params(), now).await?;
    let app_name = &state.config().app_name;
    let mail = Mail {
        to: user.email.to_string(),
        subject: format!("Your {app_name} recovery code"),
        body: format!(
            "Your code to recover access to your {app_name} wallet:\n\n    {code}\n\nIt works \
             once, for {minutes} minutes, on the page that asked for it.\n\nIf you did not ask \
             for it, someone knows your password: change it now.",
            code = issued.code.expose(),
            minutes = EMAIL_CODE_TTL_MS / 60_000,
        ),
    };
    if let Err(error) = mailer.send(&mail, now).await {
        tracing::warn!(user_id = %user.id, %error, "the recovery code was not sent");
        return Err(PageError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "MAIL_UNAVAILABLE",
            "The email with your code could not be sent. Try again in a few minutes.",
        )
        .in_app(state));
    }
    code_page(state, jar, &issued.ticket, StatusCode::OK, None)
}

/// The page that asks for the emailed code.
fn code_page(
    state: &AppState,
    jar: CookieJar,
    ticket: &EmailTicket,
    status: StatusCode,
    error: Option<(&str, &str)>,
) -> PageResult {
    let app_name = &state.config().app_name;
    let (jar, csrf) = Cookies::of(state).csrf_token(jar)?;
    let body = pages::email_code(&csrf, ticket.expose(), EMAIL_CODE_TTL_MS / 60_000, error);
    let title = "Enter the code we emailed you";
    Ok((jar, pages::page(status, title, app_name, &body)).into_response())
}

/// Fields of the code form (all optional: a missing one is a form error).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeFields {
    csrf: Option<String>,
    ticket: String,
    code: String,
}

/// `POST /recover/code`: the emailed code; the right one hands off to the app.
pub async fn code_submitted(
    State(state): State<AppState>,
    jar: CookieJar,
    headers: HeaderMap,
    client: ClientAddress,
    PageForm(fields): PageForm<CodeFields>,
) -> PageResult {
    Cookies::of(&state)
        .check_csrf(&jar, &headers, fields.csrf.as_deref())
        .map_err(|e| e.in_app(&state))?;
    let gone = |code: &'static str, message: &str| {
        Err(PageError::bad_request(
            code,
            format!("{message} Start the recovery again from the app."),
        )
        .in_app(&state))
    };
    if fields.ticket.is_empty() || fields.ticket.len() > 64 {
        return gone("EMAIL_CODE_UNKNOWN", "This page is not one this site made.");
    }
    let ticket = EmailTicket::new(fields.ticket);
    let limit = state.config().limits.sign_in_per_ip;
    if let Err(limited) = state.rate_limit(&[(format!("ip:{client}:email-code"), limit)]).await {
        let refusal = Refusal::from(limited);
        let error = Some((refusal.code, refusal.message.as_str()));
        let mut page = code_page(&state, jar, &ticket, refusal.status, error)?;
        if let Some(secs) = refusal.retry_after_secs {
            page.headers_mut().insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        return Ok(page);
    }
    let code: String = fields.code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        // Not a try: nothing was compared.
        let error = Some(("EMAIL_CODE_MALFORMED", "Type the 6 digits of the code we emailed."));
        return code_page(&state, jar, &ticket, StatusCode::BAD_REQUEST, error);
    }
    match state.store().check_email_code(&ticket, &code, state.now_ms()).await? {
        EmailCodeCheck::Accepted { user_id, params } => {
            let request = AuthorizeRequest::from_params(&params, state.config())
                .map_err(|error| error.in_app(&state))?;
            let Some(user) = state.store().user_by_id(&user_id).await? else {
                return gone("EMAIL_CODE_UNKNOWN", "This account no longer exists.");
            };
            hand_off(&state, &user, &request, SessionPurpose::Recovery).await
        }
        EmailCodeCheck::Wrong { attempts_left: 0 } => gone(
            "EMAIL_CODE_VOID",
            "That is not the code we sent, and it was the last try: this code no longer works.",
        ),
        EmailCodeCheck::Wrong { attempts_left } => {
            let message = format!(
                "That is not the code we sent. {attempts_left} {} left.",
                if attempts_left == 1 { "try" } else { "tries" }
            );
            let error = Some(("EMAIL_CODE_INVALID", message.as_str()));
            code_page(&state, jar, &ticket, StatusCode::UNAUTHORIZED, error)
        }
        EmailCodeCheck::Void => {
            gone("EMAIL_CODE_VOID", "This code no longer works: it was used, or tried too often.")
        }
        EmailCodeCheck::Expired => gone(
            "EMAIL_CODE_EXPIRED",
            &format!("This code expired: codes work for {} minutes.", EMAIL_CODE_TTL_MS / 60_000),
        ),
        EmailCodeCheck::Unknown => gone("EMAIL_CODE_UNKNOWN", "This code is not one we sent."),
    }
}
