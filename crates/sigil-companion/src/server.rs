//! The HTTP server: the website (sign up, sign in, the authorize page of the deep-link login),
//! the app's JSON API under `/api/v1` and the app's signed updates under `/updates`. [`router`]
//! builds it without a socket, for tests; [`serve`] runs it.

mod api;
mod error;
mod extract;
mod state;
mod updates;
mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use tokio::net::TcpListener;

pub use error::ApiError;
pub use state::{AppState, Parts};

/// The largest request body accepted (a registration with two credentials is a few KiB).
const BODY_LIMIT: usize = 64 * 1024;

/// How often expired codes, sessions and counters are purged.
const PURGE_EVERY: Duration = Duration::from_secs(300);

/// The whole server.
pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .route("/config", get(api::config))
        .route("/session", post(api::create_session))
        .route("/logout", post(api::logout))
        .route("/me", get(api::me))
        .route("/registration/init", post(api::registration_init))
        .route("/registration/complete", post(api::registration_complete))
        .route("/dfns-token", post(api::dfns_token))
        .route("/wallets", post(api::create_wallet))
        .route("/recovery/init", post(api::recovery_init))
        .route("/recovery/complete", post(api::recovery_complete))
        .route("/recovery-credential", put(api::record_recovery_credential))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed);
    let updates = Router::new()
        .route("/files/{version}/{file}", get(updates::file))
        .route("/{target}/{arch}/{current_version}", get(updates::check))
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed);
    Router::new()
        .nest(sigil_api::PREFIX, api)
        .nest("/updates", updates)
        .merge(web::routes(&state))
        .route("/healthz", get(health))
        .fallback(web::not_found)
        .method_not_allowed_fallback(web::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// Serves on `listener` until `shutdown` resolves, purging expired rows in the background.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let purger = tokio::spawn(purge_forever(state.clone()));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    let served = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    purger.abort();
    served
}

async fn purge_forever(state: AppState) {
    let mut every = tokio::time::interval(PURGE_EVERY);
    loop {
        every.tick().await;
        if let Err(error) = state.store().purge_expired(state.now_ms()).await {
            tracing::warn!(%error, "purging expired rows failed; will try again");
        }
    }
}

/// `GET /healthz`: 200 when the database answers.
async fn health(State(state): State<AppState>) -> Response {
    match state.store().ping().await {
        Ok(()) => "ok\n".into_response(),
        Err(error) => {
            tracing::warn!(%error, "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "the database does not answer\n").into_response()
        }
    }
}

/// Headers every answer carries: nothing is cached (answers hold codes, tokens and personal
/// data), no other site gets a referrer (the authorize URL holds a `state`), and no page can be
/// framed. `same-origin` rather than `no-referrer`: with the latter Chromium sends `Origin: null`
/// on the site's own forms, which the CSRF check must refuse.
async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    response
}
