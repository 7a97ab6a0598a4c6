//! The website's HTML: server-rendered, escaped by `maud`, no scripts. Every form has labels,
//! autocomplete hints and a CSRF field; errors are announced (`role="alert"`) and carry their
//! stable code in `data-code`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};

/// The policy of every page: no scripts at all, styles from this site, forms post here only.
const PAGE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
                        form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The stylesheet at `/static/site.css`.
pub const STYLESHEET: &str = r#"
:root { color-scheme: light dark; --accent: #4b3fd6; --error: #b3261e; }
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; }
header { padding: 1rem 1.5rem; border-bottom: 1px solid #8884; }
.brand { font-weight: 700; margin: 0; }
main { max-width: 28rem; margin: 2rem auto; padding: 0 1.5rem; }
label { display: block; margin-top: 1rem; font-weight: 600; }
input[type=email], input[type=password], input[inputmode=numeric] { width: 100%; box-sizing: border-box; padding: .6rem;
  font: inherit; border: 1px solid #888; border-radius: .4rem; }
button, .button { display: inline-block; margin-top: 1.25rem; padding: .6rem 1.2rem; font: inherit;
  border: 0; border-radius: .4rem; background: var(--accent); color: #fff; text-decoration: none;
  cursor: pointer; }
button.secondary { background: transparent; color: inherit; border: 1px solid #888; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.error { color: var(--error); font-weight: 600; }
.hint { color: #666; font-size: .9rem; }
pre { white-space: pre-wrap; }
@media (prefers-color-scheme: dark) { .hint { color: #aaa; } .error { color: #ff8a80; } }
"#;

/// A whole page.
pub fn page(status: StatusCode, title: &str, app_name: &str, body: &Markup) -> Response {
    page_with_head(status, title, app_name, &html! {}, body)
}

/// A whole page with more in its `head`.
pub fn page_with_head(
    status: StatusCode,
    title: &str,
    app_name: &str,
    head: &Markup,
    body: &Markup,
) -> Response {
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (app_name) }
                link rel="stylesheet" href="/static/site.css";
                (head)
            }
            body {
                header { p.brand { (app_name) } }
                main id="main" {
                    h1 { (title) }
                    (body)
                }
            }
        }
    };
    let mut response = (status, markup).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(PAGE_CSP));
    response
}

/// An error shown in a form or alone: the message, with its code for programs.
pub fn alert(code: &str, message: &str) -> Markup {
    html! { p.error id="error" role="alert" data-code=(code) { (message) } }
}

/// A hidden field.
fn hidden(name: &str, value: &str) -> Markup {
    html! { input type="hidden" name=(name) value=(value); }
}

/// What the sign-in and sign-up forms show.
#[derive(Debug, Default)]
pub struct CredentialsForm<'a> {
    /// The email typed before (kept after an error); the password never is.
    pub email: &'a str,
    /// The CSRF token.
    pub csrf: &'a str,
    /// Where to continue after (a `/login?…` authorize request), if anywhere.
    pub next: Option<&'a str>,
    /// A note above the form (e.g. "to continue to Sigil").
    pub notice: Option<&'a str>,
    /// The error of the last attempt: (code, message).
    pub error: Option<(&'a str, &'a str)>,
}

/// The sign-in form.
pub fn sign_in(form: &CredentialsForm<'_>) -> Markup {
    credentials(
        form,
        "/signin",
        "current-password",
        "Sign in",
        &html! {
            p { "No account yet? " a href=(with_next("/signup", form.next)) { "Create one" } }
        },
    )
}

/// The sign-up form.
pub fn sign_up(form: &CredentialsForm<'_>) -> Markup {
    credentials(
        form,
        "/signup",
        "new-password",
        "Create account",
        &html! {
            p.hint id="password-hint" {
                "At least " (crate::identity::PASSWORD_LENGTH.start()) " characters."
            }
            p { "Have an account? " a href=(with_next("/signin", form.next)) { "Sign in" } }
        },
    )
}

fn credentials(
    form: &CredentialsForm<'_>,
    action: &str,
    password_autocomplete: &str,
    submit: &str,
    footer: &Markup,
) -> Markup {
    html! {
        @if let Some(notice) = form.notice { p { (notice) } }
        @if let Some((code, message)) = form.error { (alert(code, message)) }
        form method="post" action=(action) {
            (hidden("csrf", form.csrf))
            @if let Some(next) = form.next { (hidden("next", next)) }
            label for="email" { "Email address" }
            input id="email" name="email" type="email" required autocomplete="email"
                value=(form.email) aria-describedby=[form.error.map(|_| "error")];
            label for="password" { "Password" }
            input id="password" name="password" type="password" required
                autocomplete=(password_autocomplete)
                aria-describedby=[(password_autocomplete == "new-password").then_some("password-hint")];
            button type="submit" { (submit) }
        }
        (footer)
    }
}

fn with_next(path: &str, next: Option<&str>) -> String {
    match next {
        Some(next) => format!(
            "{path}?{}",
            url::form_urlencoded::Serializer::new(String::new()).append_pair("next", next).finish()
        ),
        None => path.to_owned(),
    }
}

/// The recovery check's first step: a fresh sign-in for the authorize request in `form.next`.
pub fn recover(form: &CredentialsForm<'_>) -> Markup {
    credentials(
        form,
        "/recover",
        "current-password",
        "Continue",
        &html! {
            p.hint { "If you did not just choose \u{201c}I lost my computer or passkey\u{201d} in the app, close this page." }
        },
    )
}

/// The recovery check's second step: the code from the email.
pub fn email_code(csrf: &str, ticket: &str, minutes: i64, error: Option<(&str, &str)>) -> Markup {
    html! {
        p { "We emailed a 6-digit code to the address of your account. It works for " (minutes) " minutes." }
        @if let Some((code, message)) = error { (alert(code, message)) }
        form method="post" action="/recover/code" {
            (hidden("csrf", csrf))
            (hidden("ticket", ticket))
            label for="code" { "Code" }
            input id="code" name="code" type="text" inputmode="numeric" required
                autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7"
                aria-describedby=[error.map(|_| "error")];
            button type="submit" { "Continue" }
        }
        p.hint { "No email? Look in your spam folder, or start again from the app for a new code." }
    }
}

/// The development outbox: every mail, newest first.
pub fn outbox(
    mails: &[crate::store::outbox::StoredMail],
    sent_at: impl Fn(i64) -> String,
) -> Markup {
    html! {
        p.hint { "Development only: these mails were not sent anywhere." }
        @if mails.is_empty() { p { "No mail yet." } }
        @for mail in mails {
            article.mail {
                h2 { (mail.subject) }
                p.hint { "To " (mail.to) " · " (sent_at(mail.sent_at)) }
                pre { (mail.body) }
            }
        }
    }
}

/// The home page of a signed-in person: open the app, or sign out.
pub fn home_signed_in(email: &str, app_name: &str, csrf: &str) -> Markup {
    html! {
        p { "Signed in as " strong { (email) } "." }
        p { a.button id="open-in-app" href=(sigil_api::START_LOGIN_URI) { "Open in " (app_name) } }
        p.hint { "Opens the " (app_name) " app on this computer, which then signs you in." }
        (sign_out_form(csrf, None, "Sign out"))
    }
}

/// The home page of a visitor.
pub fn home_signed_out(app_name: &str) -> Markup {
    html! {
        p { "Your " (app_name) " wallet: your keys stay on your own device." }
        p {
            a.button href="/signin" { "Sign in" } " "
            a href="/signup" { "Create account" }
        }
    }
}

/// The sign-out button (continuing to `next` afterwards, if given).
pub fn sign_out_form(csrf: &str, next: Option<&str>, label: &str) -> Markup {
    html! {
        form method="post" action="/signout" {
            (hidden("csrf", csrf))
            @if let Some(next) = next { (hidden("next", next)) }
            button.secondary type="submit" { (label) }
        }
    }
}

/// The authorize page for a signed-in person: continue to the app as this account, or switch.
pub fn consent(
    email: &str,
    app_name: &str,
    csrf: &str,
    fields: &[(&str, &str)],
    here: &str,
) -> Markup {
    html! {
        p { (app_name) " on this computer asks to sign you in as " strong { (email) } "." }
        form method="post" action="/login" {
            (hidden("csrf", csrf))
            @for (name, value) in fields { (hidden(name, value)) }
            button id="continue" type="submit" { "Continue to " (app_name) }
        }
        (sign_out_form(csrf, Some(here), "Use another account"))
        p.hint { "If you did not just click \u{201c}Sign in\u{201d} in " (app_name) ", close this page." }
    }
}

/// The hand-off to the app: the redirect to the deep link (for the page's `head`; browsers
/// ask before opening another application) ...
pub fn hand_off_redirect(target: &str) -> Markup {
    html! { meta http-equiv="refresh" content=(format!("0;url={target}")); }
}

/// ... and the same link to click, should the redirect not happen.
pub fn hand_off(target: &str, app_name: &str) -> Markup {
    html! {
        p { "You are signed in. Your browser should now open " (app_name) "." }
        p { a.button id="open-app" href=(target) { "Open " (app_name) } }
        p.hint { "The link works once, for one minute. You can close this page afterwards." }
    }
}
