//! The HTTP API: Dfns's routes and the emulator's own under `/_emulator/`.

mod actions;
mod challenges;
mod credential_codes;
mod credentials;
mod extract;
mod factors;
mod networks;
mod one_time_codes;
mod outbox;
mod paging;
mod recovery;
mod registration;
mod sessions;
mod signatures;
mod transfers;
mod wallets;

use axum::Router;
use axum::routing::{get, post, put};

use crate::error::ApiError;
use crate::state::AppState;

/// Every route of the emulator.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/auth/action/init", post(actions::init))
        .route("/auth/action", post(actions::sign))
        .route("/auth/registration/delegated", post(registration::delegated))
        .route("/auth/registration", post(registration::complete))
        .route("/auth/registration/enduser", post(registration::end_user))
        .route("/auth/login/delegated", post(sessions::delegated_login))
        .route("/auth/logout", put(sessions::logout))
        .route("/auth/credentials", get(credentials::list).post(credentials::create))
        .route("/auth/credentials/init", post(credentials::init))
        .route("/auth/credentials/activate", put(credentials::activate))
        .route("/auth/credentials/deactivate", put(credentials::deactivate))
        .route("/auth/credentials/code", post(credential_codes::create))
        .route("/auth/credentials/code/init", post(credential_codes::init))
        .route("/auth/credentials/code/verify", post(credential_codes::verify))
        .route("/auth/recover/user/delegated", post(recovery::delegated))
        .route("/auth/recover/user/code", post(recovery::send_code))
        .route("/auth/recover/user/init", post(recovery::init))
        .route("/auth/recover/user", post(recovery::recover))
        .route("/wallets", get(wallets::list).post(wallets::create))
        .route("/wallets/{wallet_id}", get(wallets::get))
        .route("/wallets/{wallet_id}/assets", get(wallets::assets))
        .route("/wallets/{wallet_id}/history", get(wallets::history))
        .route("/wallets/{wallet_id}/transfers", get(transfers::list).post(transfers::create))
        .route("/wallets/{wallet_id}/transfers/{transfer_id}", get(transfers::get))
        .route(
            "/wallets/{wallet_id}/signatures",
            get(signatures::list_for_wallet).post(signatures::create_for_wallet),
        )
        .route("/wallets/{wallet_id}/signatures/{signature_id}", get(signatures::get_for_wallet))
        .route(
            "/keys/{key_id}/signatures",
            get(signatures::list_for_key).post(signatures::create_for_key),
        )
        .route("/keys/{key_id}/signatures/{signature_id}", get(signatures::get_for_key))
        .route("/networks/fees", get(networks::fees))
        .route("/_emulator/health", get(health))
        .route("/_emulator/faucet", post(networks::faucet))
        .route("/_emulator/outbox", get(outbox::list))
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
    ApiError::new(axum::http::StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
}
