//! The steps that need the Dfns service account: delegated registration, wallet provisioning
//! with `delegateTo`, delegated login, and delegated recovery ([`recovery`]). Nothing here can
//! move a user's funds: every write to a delegated wallet needs the user's own passkey.

mod recovery;
mod tokens;

pub use recovery::RecoveryKit;
pub use tokens::{DfnsTokens, REUSE_MARGIN_MS};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use dfns_client::models::{
    CreateWalletRequest, DelegatedLoginRequest, DelegatedRegistrationRequest, RegistrationRequest,
    UserKind, Wallet,
};
use dfns_client::{
    ClientConfig, Error as DfnsClientError, PublicClient, Secret, ServiceAccountClient,
};
use sigil_api::{DfnsToken, Me, Registered, RegistrationChallenge, RegistrationCompleteRequest};
use time::OffsetDateTime;

use crate::store::dfns::{DfnsUser, StartedRegistration};
use crate::store::sessions::Session;
use crate::store::users::User;
use crate::store::{DfnsTemporaryToken, Store, StoreError};

/// How long a Dfns token is assumed to live when it does not say (it always does in practice).
const ASSUMED_TOKEN_LIFETIME_MS: i64 = 5 * 60_000;

/// Why a step failed.
#[derive(Debug, thiserror::Error)]
pub enum OnboardingError {
    /// The user completed registration already.
    #[error("you are registered with Dfns already")]
    AlreadyRegistered,
    /// The user has not completed registration.
    #[error("finish registration first: POST /api/v1/registration/init, then /complete")]
    NotRegistered,
    /// No live registration was started by this session.
    #[error(
        "no registration in progress for this session (never started, or its challenge \
         expired): start again with POST /api/v1/registration/init"
    )]
    NotStarted,
    /// Dfns refused the credential.
    #[error("Dfns refused the credential: {0}. Make a new passkey for a new challenge")]
    CredentialRejected(String),
    /// The network is not offered.
    #[error("{network} is not offered here; choose one of: {offered}")]
    NetworkNotOffered {
        /// The network asked for.
        network: String,
        /// The networks offered, comma-separated.
        offered: String,
    },
    /// The user's Dfns account is deactivated.
    #[error("your Dfns account is deactivated: contact support")]
    UserInactive,
    /// The request's own fields are malformed.
    #[error("{0}")]
    InvalidRequest(String),
    /// This session may not start a recovery (the reason says why).
    #[error("this session cannot start a recovery: {0}. Recover again from the website")]
    RecoveryNotAllowed(&'static str),
    /// No recovery kit is recorded for the user, or Dfns does not accept the recorded one.
    #[error("no recovery kit is recorded for you{0}: recovery needs one")]
    NoRecoveryKit(&'static str),
    /// This session started no recovery.
    #[error("no recovery in progress for this session: start it with POST /api/v1/recovery/init")]
    RecoveryNotStarted,
    /// This session's recovery challenge expired.
    #[error("this recovery expired before it was completed: recover again from the website")]
    RecoveryExpired,
    /// This session's recovery is done.
    #[error("this recovery was completed already")]
    RecoveryAlreadyCompleted,
    /// Dfns refused the recovery.
    #[error("Dfns refused the recovery: {0}. Nothing changed")]
    RecoveryRefused(String),
    /// Dfns knows no active recovery kit of the user with this id.
    #[error("Dfns knows no active recovery kit of yours with this credentialId")]
    RecoveryKitUnknown,
    /// Dfns failed or could not be reached.
    #[error(transparent)]
    Dfns(#[from] DfnsClientError),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The service-account steps, over the companion's store.
#[derive(Debug, Clone)]
pub struct Onboarding {
    client: ServiceAccountClient,
    /// The calls made with a recovery's temporary token.
    public: PublicClient,
    /// Where the end users' clients (with a delegated login token) go.
    dfns: ClientConfig,
    store: Store,
    networks: Vec<String>,
    default_networks: Vec<String>,
    /// The end users' Dfns tokens, by app session.
    tokens: DfnsTokens,
}

impl Onboarding {
    /// Steps run as `client` against the Dfns API of `dfns`, recorded in `store`; `networks`
    /// are offered and `default_networks` provisioned at registration.
    pub fn new(
        dfns: ClientConfig,
        client: ServiceAccountClient,
        store: Store,
        networks: Vec<String>,
        default_networks: Vec<String>,
    ) -> Result<Self, DfnsClientError> {
        let public = PublicClient::new(dfns.clone())?;
        Ok(Self {
            client,
            public,
            dfns,
            store,
            networks,
            default_networks,
            tokens: DfnsTokens::default(),
        })
    }

    /// Where the user stands with Dfns.
    pub async fn me(&self, user: &User) -> Result<Me, OnboardingError> {
        let mapping = self.store.dfns_user(&user.id).await?;
        Ok(me(user, mapping.as_ref()))
    }

    /// Starts (or starts again) a delegated registration: asks Dfns for the challenge, keeps the
    /// temporary token bound to `session`, and returns the challenge without it.
    pub async fn start_registration(
        &self,
        user: &User,
        session: &Session,
        now_ms: i64,
    ) -> Result<RegistrationChallenge, OnboardingError> {
        if self.store.dfns_user(&user.id).await?.is_some() {
            return Err(OnboardingError::AlreadyRegistered);
        }
        let request = DelegatedRegistrationRequest {
            email: user.email.as_str().to_owned(),
            kind: UserKind::EndUser,
            external_id: Some(user.id.as_str().to_owned()),
        };
        let challenge = match self.client.create_delegated_registration_challenge(&request).await {
            Ok(challenge) => challenge,
            Err(error) if is_refusal(&error) => {
                // Dfns may know the user as registered while the mapping was never stored.
                if self.adopt_unrecorded_registration(user, None, now_ms).await?.is_some() {
                    return Err(OnboardingError::AlreadyRegistered);
                }
                return Err(error.into());
            }
            Err(error) => return Err(error.into()),
        };
        let token = challenge.temporary_authentication_token;
        let expires_at = jwt_expiry_ms(token.expose())
            .unwrap_or_else(|| now_ms.saturating_add(ASSUMED_TOKEN_LIFETIME_MS));
        let started = StartedRegistration {
            dfns_user_id: challenge.options.user.id.clone(),
            dfns_username: request.email,
            temporary_token: DfnsTemporaryToken::new(token.expose()),
            expires_at,
        };
        match self.store.start_dfns_registration(&user.id, &session.id, &started, now_ms).await {
            Err(StoreError::AlreadyRegistered) => return Err(OnboardingError::AlreadyRegistered),
            other => other?,
        }
        Ok(RegistrationChallenge { options: challenge.options, expires_at: datetime(expires_at) })
    }

    /// Completes the registration this session started, records the mapping, and provisions
    /// the default wallets. Safe to call again after any failure: a registered user gets the
    /// remaining wallets provisioned and nothing twice.
    pub async fn complete_registration(
        &self,
        user: &User,
        session: &Session,
        body: RegistrationCompleteRequest,
        now_ms: i64,
    ) -> Result<Registered, OnboardingError> {
        let mapping = match self.store.dfns_user(&user.id).await? {
            Some(mapping) => mapping,
            None => self.register(user, session, body, now_ms).await?,
        };
        let mut wallets = Vec::with_capacity(self.default_networks.len());
        for network in &self.default_networks {
            let external_id = format!("sigil-{}-{network}", user.id);
            wallets.push(self.provision(&mapping, network, None, &external_id, now_ms).await?);
        }
        Ok(Registered { me: me(user, Some(&mapping)), wallets })
    }

    /// One more wallet on `network`, delegated to the user. The same `request_id` gives the
    /// same wallet.
    pub async fn create_wallet(
        &self,
        user: &User,
        network: &str,
        name: Option<String>,
        request_id: Option<&str>,
        now_ms: i64,
    ) -> Result<Wallet, OnboardingError> {
        if !self.networks.iter().any(|offered| offered == network) {
            return Err(OnboardingError::NetworkNotOffered {
                network: network.to_owned(),
                offered: self.networks.join(", "),
            });
        }
        if let Some(name) = &name
            && (name.trim().is_empty() || name.chars().count() > 100)
        {
            return Err(OnboardingError::InvalidRequest("name: use 1 to 100 characters".into()));
        }
        let request_id = match request_id {
            Some(id) => {
                let valid = (1..=64).contains(&id.len())
                    && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
                if !valid {
                    return Err(OnboardingError::InvalidRequest(
                        "requestId: use 1 to 64 of A-Z a-z 0-9 - _".into(),
                    ));
                }
                id.to_owned()
            }
            None => random_request_id()?,
        };
        let mapping =
            self.store.dfns_user(&user.id).await?.ok_or(OnboardingError::NotRegistered)?;
        let external_id = format!("sigil-{}-request-{request_id}", user.id);
        self.provision(&mapping, network, name, &external_id, now_ms).await
    }

    /// The end-user token this app session already has, while it stays good for a while and
    /// unless it is the one the app says Dfns refused (`refused`: its digest).
    pub fn kept_dfns_token(
        &self,
        session: &Session,
        refused: Option<&str>,
        now_ms: i64,
    ) -> Option<DfnsToken> {
        self.tokens.get(&session.id, &session.user_id, refused, now_ms)
    }

    /// A new end-user token through delegated login, kept for this app session.
    pub async fn dfns_token(
        &self,
        user: &User,
        session: &Session,
        now_ms: i64,
    ) -> Result<DfnsToken, OnboardingError> {
        let mapping =
            self.store.dfns_user(&user.id).await?.ok_or(OnboardingError::NotRegistered)?;
        let token = self.delegated_login(&mapping.dfns_username).await?;
        let expires_at_ms = jwt_expiry_ms(token.expose())
            .unwrap_or_else(|| now_ms.saturating_add(ASSUMED_TOKEN_LIFETIME_MS));
        let token = DfnsToken { token, expires_at: datetime(expires_at_ms) };
        self.tokens.keep(&session.id, &user.id, &token, expires_at_ms, now_ms);
        Ok(token)
    }

    /// Forgets the token kept for `session` (it signed out).
    pub fn forget_dfns_token(&self, session: &Session) {
        self.tokens.forget_session(&session.id);
    }

    /// Completes the registration at Dfns with the temporary token and records the mapping.
    async fn register(
        &self,
        user: &User,
        session: &Session,
        body: RegistrationCompleteRequest,
        now_ms: i64,
    ) -> Result<DfnsUser, OnboardingError> {
        let pending = self
            .store
            .pending_dfns_registration(&user.id, &session.id, now_ms)
            .await?
            .ok_or(OnboardingError::NotStarted)?;
        let kit = recovery::kit_of(body.recovery_credential.as_ref());
        let request = RegistrationRequest {
            first_factor_credential: body.first_factor_credential,
            second_factor_credential: None,
            recovery_credential: body.recovery_credential,
        };
        let temporary = Secret::new(pending.temporary_token.expose());
        match self.client.register(&temporary, &request).await {
            Ok(registered) => Ok(self
                .store
                .complete_dfns_registration(
                    &user.id,
                    &registered.user.id,
                    &pending.dfns_username,
                    kit.as_deref(),
                    now_ms,
                )
                .await?),
            Err(error) if is_refusal(&error) => {
                // A retry after the companion stopped between Dfns's answer and the mapping:
                // Dfns no longer accepts the token because the registration went through, with
                // the kit of this same request.
                if let Some(mapping) =
                    self.adopt_unrecorded_registration(user, kit.as_deref(), now_ms).await?
                {
                    return Ok(mapping);
                }
                let reason = error.api().map(|api| api.message.clone()).unwrap_or_default();
                Err(OnboardingError::CredentialRejected(reason))
            }
            Err(error) => Err(error.into()),
        }
    }

    /// If Dfns completed the last registration the user started but the mapping was never
    /// stored, stores it now, with the recovery kit `kit` registered along. A delegated login
    /// succeeds only for a registered user, so it is the proof.
    async fn adopt_unrecorded_registration(
        &self,
        user: &User,
        kit: Option<&str>,
        now_ms: i64,
    ) -> Result<Option<DfnsUser>, OnboardingError> {
        let Some(last) = self.store.last_dfns_registration(&user.id).await? else {
            return Ok(None);
        };
        let Some(dfns_user_id) = last.dfns_user_id else { return Ok(None) };
        match self.delegated_login(&last.dfns_username).await {
            Ok(_) => {}
            Err(OnboardingError::Dfns(error)) if is_refusal(&error) => return Ok(None),
            Err(error) => return Err(error),
        }
        tracing::warn!(user_id = %user.id, dfns_user_id, "adopting a registration Dfns completed");
        let mapping = self
            .store
            .complete_dfns_registration(&user.id, &dfns_user_id, &last.dfns_username, kit, now_ms)
            .await?;
        Ok(Some(mapping))
    }

    async fn delegated_login(&self, username: &str) -> Result<Secret, OnboardingError> {
        let request = DelegatedLoginRequest { username: username.to_owned() };
        match self.client.delegated_login(&request).await {
            Ok(authentication) => Ok(authentication.token),
            Err(error) if is_deactivated(&error) => Err(OnboardingError::UserInactive),
            Err(error) => Err(error.into()),
        }
    }

    /// Makes (or finds) the wallet recorded under `external_id`: the record is written before
    /// Dfns is asked, and Dfns answers a known `externalId` with the wallet it made.
    async fn provision(
        &self,
        mapping: &DfnsUser,
        network: &str,
        name: Option<String>,
        external_id: &str,
        now_ms: i64,
    ) -> Result<Wallet, OnboardingError> {
        let record = match self
            .store
            .begin_provisioning(&mapping.user_id, network, external_id, now_ms)
            .await
        {
            Err(StoreError::Conflict { .. }) => {
                return Err(OnboardingError::InvalidRequest(
                    "requestId was used for a wallet on another network".into(),
                ));
            }
            other => other?,
        };
        if let Some(wallet_id) = &record.wallet_id {
            return Ok(self.client.get_wallet(wallet_id).await?);
        }
        let wallet = self
            .client
            .create_wallet(&CreateWalletRequest {
                network: network.to_owned(),
                name,
                external_id: Some(external_id.to_owned()),
                tags: None,
                delegate_to: Some(mapping.dfns_user_id.clone()),
            })
            .await?;
        self.store.finish_provisioning(external_id, &wallet.id, now_ms).await?;
        Ok(wallet)
    }
}

fn me(user: &User, mapping: Option<&DfnsUser>) -> Me {
    Me {
        user: sigil_api::User { id: user.id.to_string(), email: user.email.to_string() },
        registered: mapping.is_some(),
        dfns_user_id: mapping.map(|mapping| mapping.dfns_user_id.clone()),
        recovery_credential_id: mapping.and_then(|mapping| mapping.recovery_credential_id.clone()),
    }
}

/// Whether Dfns said no to the request itself (4xx other than 429), as opposed to failing.
fn is_refusal(error: &DfnsClientError) -> bool {
    error.status().is_some_and(|status| (400..500).contains(&status) && status != 429)
}

/// Dfns's answer for a deactivated user ("User account has been deactivated.").
fn is_deactivated(error: &DfnsClientError) -> bool {
    error.api().is_some_and(|api| api.status == 400 && api.message.contains("deactivated"))
}

/// The `exp` claim of a JWT, in Unix ms, read without verifying (only to know when to refresh).
pub fn jwt_expiry_ms(token: &str) -> Option<i64> {
    let payload = token.split('.').nth(1)?;
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    claims.get("exp")?.as_i64()?.checked_mul(1000)
}

/// Unix ms as a date-time (clamped to what `time` can show).
pub fn datetime(unix_ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(unix_ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

fn random_request_id() -> Result<String, OnboardingError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|error| StoreError::Randomness(error.to_string()))?;
    Ok(hex::encode(bytes))
}
