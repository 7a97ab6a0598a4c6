//! `/api/v1`: what the desktop app calls (types in `sigil-api`).

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use sigil_api::{
    Config, CreateWalletRequest, DfnsToken, DfnsTokenRequest, ErrorCode, Me, Recovered,
    RecoveryChallenge, RecoveryCompleteRequest, RecoveryCredentialRequest, Registered,
    RegistrationChallenge, RegistrationCompleteRequest, SessionRequest, SessionResponse,
};

use super::error::ApiError;
use super::extract::{ApiJson, AppSession};
use super::state::AppState;
use crate::limits::{ClientAddress, Limits};
use crate::mail::Mail;
use crate::onboarding::datetime;
use crate::store::LoginCode;
use crate::store::login_codes::Redemption;
use crate::store::pkce::CodeVerifier;
use crate::store::rate_limit::RateLimit;
use crate::store::sessions::SessionPolicy;

type ApiResult<T> = Result<T, ApiError>;

/// `GET /api/v1/config` (public).
pub async fn config(State(state): State<AppState>) -> Json<Config> {
    let config = state.config();
    Json(Config {
        dfns_api_url: config.dfns_api_url.to_string(),
        rp_id: config.rp_id.clone(),
        origin: config.origin.origin().ascii_serialization(),
        app_name: config.app_name.clone(),
        networks: config.networks.clone(),
        default_networks: config.default_networks.clone(),
        guardrails: config.guardrails.clone(),
        explorers: config.explorers.clone(),
    })
}

/// `POST /api/v1/session`: a login code and its PKCE verifier for an app session.
pub async fn create_session(
    State(state): State<AppState>,
    client: ClientAddress,
    ApiJson(body): ApiJson<SessionRequest>,
) -> ApiResult<Json<SessionResponse>> {
    state
        .rate_limit(&[(format!("ip:{client}:redeem"), state.config().limits.redeem_per_ip)])
        .await?;
    let verifier = CodeVerifier::parse(body.code_verifier.expose())?;
    let code = body.code.expose();
    if code.is_empty() || code.len() > 256 {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            "code: expected the code of the deep link",
        ));
    }
    let store = state.store();
    let redemption = store
        .redeem_login_code(
            &LoginCode::new(code),
            &verifier,
            &body.redirect_uri,
            &SessionPolicy::APP,
            state.now_ms(),
        )
        .await?;
    let new = match redemption {
        Redemption::Issued(new) => new,
        Redemption::Rejected(rejection) => return Err(rejection.into()),
    };
    let user = store
        .user_by_id(&new.session.user_id)
        .await?
        .ok_or_else(|| ApiError::internal(&"the user of a new session is gone"))?;
    Ok(Json(SessionResponse {
        session_token: dfns_client::Secret::new(new.token.expose()),
        expires_at: datetime(new.session.expires_at),
        user: sigil_api::User { id: user.id.to_string(), email: user.email.to_string() },
        purpose: new.session.purpose,
    }))
}

/// `POST /api/v1/logout`: ends this session.
pub async fn logout(State(state): State<AppState>, session: AppSession) -> ApiResult<StatusCode> {
    state.store().revoke_session(&session.session.id, state.now_ms()).await?;
    state.onboarding().forget_dfns_token(&session.session);
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/v1/me`.
pub async fn me(State(state): State<AppState>, session: AppSession) -> ApiResult<Json<Me>> {
    Ok(Json(state.onboarding().me(&session.user).await?))
}

/// `POST /api/v1/registration/init`.
pub async fn registration_init(
    State(state): State<AppState>,
    client: ClientAddress,
    session: AppSession,
) -> ApiResult<Json<RegistrationChallenge>> {
    limit_step(&state, &client, &session, Step::Registration).await?;
    let challenge = state
        .onboarding()
        .start_registration(&session.user, &session.session, state.now_ms())
        .await?;
    Ok(Json(challenge))
}

/// `POST /api/v1/registration/complete`.
pub async fn registration_complete(
    State(state): State<AppState>,
    client: ClientAddress,
    session: AppSession,
    ApiJson(body): ApiJson<RegistrationCompleteRequest>,
) -> ApiResult<Json<Registered>> {
    limit_step(&state, &client, &session, Step::Registration).await?;
    let registered = state
        .onboarding()
        .complete_registration(&session.user, &session.session, body, state.now_ms())
        .await?;
    Ok(Json(registered))
}

/// `POST /api/v1/recovery/init`: a session from the website's recovery check opens its one
/// recovery, at most [`Limits::recoveries_per_account`] per account.
pub async fn recovery_init(
    State(state): State<AppState>,
    client: ClientAddress,
    session: AppSession,
) -> ApiResult<Json<RecoveryChallenge>> {
    limit_step(&state, &client, &session, Step::Recovery).await?;
    let now = state.now_ms();
    let onboarding = state.onboarding();
    let kit = onboarding.recovery_kit(&session.user, &session.session, now).await?;
    let per_account = state.config().limits.recoveries_per_account;
    let bucket = format!("user:{}:recoveries", session.user.id);
    if let Err(limited) = state.rate_limit(&[(bucket, per_account)]).await {
        return Err(ApiError {
            code: ErrorCode::RecoveryRateLimited,
            message: format!(
                "this account has started as many recoveries as allowed lately: {}",
                limited.message
            ),
            ..limited
        });
    }
    let challenge = onboarding.start_recovery(&session.user, &session.session, kit, now).await?;
    Ok(Json(challenge))
}

/// `POST /api/v1/recovery/complete`: completes this session's recovery and tells the person
/// by email.
pub async fn recovery_complete(
    State(state): State<AppState>,
    client: ClientAddress,
    session: AppSession,
    ApiJson(body): ApiJson<RecoveryCompleteRequest>,
) -> ApiResult<Json<Recovered>> {
    limit_step(&state, &client, &session, Step::Recovery).await?;
    let now = state.now_ms();
    let recovered =
        state.onboarding().complete_recovery(&session.user, &session.session, body, now).await?;
    if let Some(mailer) = state.mailer() {
        let app_name = &state.config().app_name;
        let mail = Mail {
            to: session.user.email.to_string(),
            subject: format!("Your {app_name} wallet access was recovered"),
            body: format!(
                "Access to your {app_name} wallet was recovered just now with your recovery kit, \
                 after a sign-in with your password and a code sent to this address.\n\n\
                 Your earlier passkeys no longer work, and {app_name} was signed out everywhere \
                 else.\n\nIf this was not you, contact support at once."
            ),
        };
        // The recovery is done at Dfns whatever happens to the notice.
        if let Err(error) = mailer.send(&mail, now).await {
            tracing::warn!(user_id = %session.user.id, %error, "the recovery notice was not sent");
        }
    }
    Ok(Json(recovered))
}

/// `PUT /api/v1/recovery-credential`: the recovery kit the app registered at Dfns; answers the
/// user as [`Me`], with it.
pub async fn record_recovery_credential(
    State(state): State<AppState>,
    client: ClientAddress,
    session: AppSession,
    ApiJson(body): ApiJson<RecoveryCredentialRequest>,
) -> ApiResult<Json<Me>> {
    limit_step(&state, &client, &session, Step::Recovery).await?;
    let onboarding = state.onboarding();
    onboarding.record_recovery_kit(&session.user, &body.credential_id).await?;
    Ok(Json(onboarding.me(&session.user).await?))
}

/// A step an app's account takes, limited per address and per account.
#[derive(Debug, Clone, Copy)]
enum Step {
    /// `registration/init` and `registration/complete`.
    Registration,
    /// `recovery/init`, `recovery/complete` and `PUT recovery-credential` (each a Dfns call the
    /// service account or a delegated login makes).
    Recovery,
    /// `POST /wallets`.
    Wallets,
    /// `POST /dfns-token`.
    DfnsToken,
}

impl Step {
    /// Its name in rate-limit buckets, and its limits per address and per account.
    fn limits(self, limits: &Limits) -> (&'static str, RateLimit, RateLimit) {
        match self {
            Self::Registration => {
                ("registration", limits.registration_per_ip, limits.registration_per_account)
            }
            // As often as registration steps: the app takes them once in a while, as those.
            Self::Recovery => {
                ("recovery", limits.registration_per_ip, limits.registration_per_account)
            }
            Self::Wallets => ("wallets", limits.wallets_per_ip, limits.wallets_per_account),
            Self::DfnsToken => {
                ("dfns-token", limits.dfns_token_per_ip, limits.dfns_token_per_account)
            }
        }
    }
}

/// Counts `step` of this account from this address against both of its limits.
async fn limit_step(
    state: &AppState,
    client: &ClientAddress,
    session: &AppSession,
    step: Step,
) -> ApiResult<()> {
    let (name, per_address, per_account) = step.limits(&state.config().limits);
    state
        .rate_limit(&[
            (format!("ip:{client}:{name}"), per_address),
            (format!("user:{}:{name}", session.user.id), per_account),
        ])
        .await
}

/// `POST /api/v1/dfns-token`.
pub async fn dfns_token(
    State(state): State<AppState>,
    client: ClientAddress,
    session: AppSession,
    body: axum::body::Bytes,
) -> ApiResult<Json<DfnsToken>> {
    // No body (or `{}`) asks for the session's token; see `DfnsTokenRequest`.
    let request: DfnsTokenRequest = if body.iter().all(u8::is_ascii_whitespace) {
        DfnsTokenRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|error| {
            ApiError::new(
                ErrorCode::InvalidRequest,
                format!("the JSON body is not what this endpoint takes: {error}"),
            )
        })?
    };
    let now = state.now_ms();
    let refused = request.refused.as_deref();
    // The limits guard Dfns from an app's logins: a kept token costs Dfns nothing.
    if let Some(token) = state.onboarding().kept_dfns_token(&session.session, refused, now) {
        return Ok(Json(token));
    }
    limit_step(&state, &client, &session, Step::DfnsToken).await?;
    Ok(Json(state.onboarding().dfns_token(&session.user, &session.session, now).await?))
}

/// `POST /api/v1/wallets`.
pub async fn create_wallet(
    State(state): State<AppState>,
    client: ClientAddress,
    session: AppSession,
    ApiJson(body): ApiJson<CreateWalletRequest>,
) -> ApiResult<Json<dfns_client::models::Wallet>> {
    limit_step(&state, &client, &session, Step::Wallets).await?;
    let wallet = state
        .onboarding()
        .create_wallet(
            &session.user,
            &body.network,
            body.name,
            body.request_id.as_deref(),
            state.now_ms(),
        )
        .await?;
    Ok(Json(wallet))
}

/// Unknown paths under `/api/v1`.
pub async fn not_found(uri: Uri) -> ApiError {
    ApiError::new(ErrorCode::NotFound, format!("no endpoint {}", uri.path()))
}

/// Known paths with another method.
pub async fn method_not_allowed(uri: Uri) -> ApiError {
    ApiError::new(ErrorCode::MethodNotAllowed, format!("{} does not take this method", uri.path()))
}
