//! `GET /_emulator/outbox?to=…`: what the emulator "emailed" (recovery codes), newest first.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::DfnsQuery;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    /// Only the messages to this address (a username).
    to: Option<String>,
}

/// The last 100 messages, to `to` when given. 403 unless started with `--emulator-api`: codes
/// must not be readable on an emulator that is not a test or demo one.
pub async fn list(
    State(state): State<AppState>,
    DfnsQuery(query): DfnsQuery<OutboxQuery>,
) -> ApiResult<Json<Value>> {
    if !state.emulator_api {
        return Err(ApiError::forbidden(
            "The outbox is off: start the emulator with --emulator-api",
        ));
    }
    let messages = state.store.outbox(query.to.as_deref().map(str::trim)).await?;
    let items: Vec<Value> = messages
        .into_iter()
        .map(|message| {
            json!({
                "id": message.id,
                "to": message.recipient,
                "kind": message.kind,
                "subject": message.subject,
                "text": message.text,
                "code": message.code,
                "dateSent": message.date_sent,
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}
