//! The development outbox (`--mail-outbox`): what the companion "sent", newest first, as a page
//! (`GET /dev/outbox`) and as JSON (`GET /dev/outbox.json`, `[{to, subject, body, sentAt}]`) for
//! tests. The routes exist only when the outbox is on; otherwise these paths are 404.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse as _, Response};
use axum::routing::get;
use axum::{Json, Router};

use super::{PageResult, pages};
use crate::mail::OutboxMail;
use crate::onboarding::datetime;
use crate::server::state::AppState;

/// The outbox's routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/dev/outbox", get(page)).route("/dev/outbox.json", get(json))
}

/// `GET /dev/outbox`.
async fn page(State(state): State<AppState>) -> PageResult {
    let mails = state.store().outbox().await?;
    let sent_at = |ms: i64| {
        datetime(ms)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_else(|_| ms.to_string())
    };
    let body = pages::outbox(&mails, sent_at);
    Ok(pages::page(StatusCode::OK, "Outbox", &state.config().app_name, &body))
}

/// `GET /dev/outbox.json`.
async fn json(State(state): State<AppState>) -> PageResult {
    let mails = state.store().outbox().await?;
    let mails: Vec<OutboxMail> = mails
        .into_iter()
        .map(|mail| OutboxMail {
            to: mail.to,
            subject: mail.subject,
            body: mail.body,
            sent_at: datetime(mail.sent_at),
        })
        .collect();
    Ok::<Response, _>(Json(mails).into_response())
}
