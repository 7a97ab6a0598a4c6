//! The HTTP API: Dfns's routes and the emulator's own under `/_emulator/`.

mod actions;
mod challenges;
mod credentials;
mod extract;
mod factors;
mod registration;
mod sessions;

use axum::Router;
use axum::routing::{get, post, put};

use crate::error::ApiError;
use crate::state::AppState;

/// Every route of the emulator.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/auth/action/init", post(actions::init))
        .route("/auth/action", post(actions::sign))
        .route(
            "/auth/registration/delegated",
            post(registration::delegated),
        )
        .route("/auth/registration", post(registration::complete))
        .route("/auth/registration/enduser", post(registration::end_user))
        .route("/auth/login/delegated", post(sessions::delegated_login))
        .route("/auth/logout", put(sessions::logout))
        .route(
            "/auth/credentials",
            get(credentials::list).post(credentials::create),
        )
        .route("/auth/credentials/init", post(credentials::init))
        .route("/auth/credentials/activate", put(credentials::activate))
        .route("/auth/credentials/deactivate", put(credentials::deactivate))
        .route("/_emulator/health", get(health))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state)
}

async fn health() -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "status": "ok" }))
}

async fn not_found() -> ApiError {
    ApiError::not_found("Not Found")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "Method Not Allowed",
    )
}
