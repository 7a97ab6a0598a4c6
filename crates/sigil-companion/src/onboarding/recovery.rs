//! Delegated recovery (Dfns §3.6): after the website checked the person again (password and an
//! emailed code), the session made from that check opens one recovery with the service account
//! and keeps its temporary token; the app signs with the recovery kit and makes a new passkey,
//! and the companion completes the recovery with the token. And the record of each user's newest
//! recovery kit, which a recovery needs.

use dfns_client::DelegatedClient;
use dfns_client::models::{
    CredentialKind, DelegatedRecoveryRequest, NewCredential, RecoverRequest, RegistrationRequest,
};
use sigil_api::{
    RECOVERY_WINDOW_SECS, Recovered, RecoveryChallenge, RecoveryCompleteRequest, RecoveryOptions,
    SessionPurpose,
};

use super::{
    ASSUMED_TOKEN_LIFETIME_MS, Onboarding, OnboardingError, datetime, is_deactivated, is_refusal,
    jwt_expiry_ms,
};
use crate::store::DfnsTemporaryToken;
use crate::store::recoveries::StartedRecovery;
use crate::store::sessions::Session;
use crate::store::users::User;

/// Dfns's phrase for a credential that cannot open a recovery (dfns-api.md §6).
const NOT_A_RECOVERY_FACTOR: &str = "recovery factor";

/// The recovery kit a session may open a recovery with: checked, not yet used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryKit {
    dfns_username: String,
    credential_id: String,
}

/// The `credId` of a recovery kit offered along a registration or recovery, if it is one.
pub(super) fn kit_of(credential: Option<&NewCredential>) -> Option<String> {
    credential
        .filter(|credential| credential.credential_kind == CredentialKind::RecoveryKey)
        .map(|credential| credential.credential_info.cred_id.clone())
}

impl Onboarding {
    /// Whether `session` may open a recovery now, and with which kit: it was made from the
    /// website's recovery check less than [`RECOVERY_WINDOW_SECS`] ago and opened none yet, and
    /// the user has a recorded kit. Asks nothing of Dfns.
    pub async fn recovery_kit(
        &self,
        user: &User,
        session: &Session,
        now_ms: i64,
    ) -> Result<RecoveryKit, OnboardingError> {
        if session.purpose != SessionPurpose::Recovery {
            return Err(OnboardingError::RecoveryNotAllowed(
                "it came from a sign-in, not from the website's recovery check",
            ));
        }
        if now_ms >= session.created_at.saturating_add(RECOVERY_WINDOW_SECS * 1000) {
            return Err(OnboardingError::RecoveryNotAllowed(
                "the ten minutes after the website's recovery check are over",
            ));
        }
        if self.store.dfns_recovery(&user.id, &session.id).await?.is_some() {
            return Err(OnboardingError::RecoveryNotAllowed("it started its recovery already"));
        }
        let mapping =
            self.store.dfns_user(&user.id).await?.ok_or(OnboardingError::NotRegistered)?;
        let credential_id =
            mapping.recovery_credential_id.ok_or(OnboardingError::NoRecoveryKit(""))?;
        Ok(RecoveryKit { dfns_username: mapping.dfns_username, credential_id })
    }

    /// Opens the delegated recovery with `kit`, keeps the temporary token bound to `session`
    /// (its one recovery), and returns the challenge without it.
    pub async fn start_recovery(
        &self,
        user: &User,
        session: &Session,
        kit: RecoveryKit,
        now_ms: i64,
    ) -> Result<RecoveryChallenge, OnboardingError> {
        let request = DelegatedRecoveryRequest {
            username: kit.dfns_username.clone(),
            credential_id: kit.credential_id.clone(),
        };
        let challenge = match self.client.create_delegated_recovery_challenge(&request).await {
            Ok(challenge) => challenge,
            Err(error) if is_deactivated(&error) => return Err(OnboardingError::UserInactive),
            Err(error)
                if is_refusal(&error)
                    && error
                        .api()
                        .is_some_and(|api| api.message.contains(NOT_A_RECOVERY_FACTOR)) =>
            {
                tracing::warn!(user_id = %user.id, %error, "Dfns refused the recorded recovery kit");
                return Err(OnboardingError::NoRecoveryKit(" that Dfns still accepts"));
            }
            Err(error) => return Err(error.into()),
        };
        let token = challenge.temporary_authentication_token;
        let expires_at = jwt_expiry_ms(token.expose())
            .unwrap_or_else(|| now_ms.saturating_add(ASSUMED_TOKEN_LIFETIME_MS));
        let started = StartedRecovery {
            dfns_username: kit.dfns_username,
            credential_id: kit.credential_id,
            temporary_token: DfnsTemporaryToken::new(token.expose()),
            expires_at,
        };
        if !self.store.start_dfns_recovery(&user.id, &session.id, &started, now_ms).await? {
            // Another request of this session got there first; its challenge is the one.
            return Err(OnboardingError::RecoveryNotAllowed("it started its recovery already"));
        }
        Ok(RecoveryChallenge {
            challenge: RecoveryOptions {
                allowed_recovery_credentials: challenge.allowed_recovery_credentials,
                options: challenge.options,
            },
            expires_at: datetime(expires_at),
        })
    }

    /// Completes the recovery `session` started, with the temporary token it keeps: Dfns
    /// replaces every earlier credential with the new ones. Then the new kit (or none) is the
    /// user's recorded kit and every other session of the user is signed out.
    pub async fn complete_recovery(
        &self,
        user: &User,
        session: &Session,
        body: RecoveryCompleteRequest,
        now_ms: i64,
    ) -> Result<Recovered, OnboardingError> {
        let recovery = self
            .store
            .dfns_recovery(&user.id, &session.id)
            .await?
            .ok_or(OnboardingError::RecoveryNotStarted)?;
        if recovery.completed_at.is_some() {
            return Err(OnboardingError::RecoveryAlreadyCompleted);
        }
        // The purge forgets the token of an expired recovery.
        let token = recovery
            .temporary_token
            .filter(|_| recovery.expires_at > now_ms)
            .ok_or(OnboardingError::RecoveryExpired)?;
        let new_kit = kit_of(body.new_credentials.recovery_credential.as_ref());
        let request = RecoverRequest {
            recovery: body.recovery,
            new_credentials: RegistrationRequest {
                first_factor_credential: body.new_credentials.first_factor_credential,
                second_factor_credential: None,
                recovery_credential: body.new_credentials.recovery_credential,
            },
        };
        let temporary = dfns_client::Secret::new(token.expose());
        let recovered = match self.public.recover(&temporary, &request).await {
            Ok(recovered) => recovered,
            Err(error) if is_refusal(&error) => {
                let reason = error.api().map(|api| api.message.clone()).unwrap_or_default();
                tracing::info!(user_id = %user.id, reason, "Dfns refused a recovery");
                return Err(OnboardingError::RecoveryRefused(reason));
            }
            Err(error) => return Err(error.into()),
        };
        // Dfns ended every token of the user: none is handed out again.
        self.tokens.forget_user(&user.id);
        let recorded = self
            .store
            .complete_dfns_recovery(&user.id, &session.id, new_kit.as_deref(), now_ms)
            .await?;
        if !recorded {
            // Dfns takes a temporary token once: another request of this session cannot have
            // completed it too. Logged, and the answer is Dfns's.
            tracing::warn!(user_id = %user.id, "a recovery was recorded as completed before");
        }
        Ok(Recovered {
            user: sigil_api::User { id: user.id.to_string(), email: user.email.to_string() },
            credential: recovered.credential,
            recovery_credential_id: new_kit,
        })
    }

    /// Records `credential_id` as the user's recovery kit once Dfns shows it as an active
    /// RecoveryKey credential of theirs (the app registered it with the user's passkey).
    pub async fn record_recovery_kit(
        &self,
        user: &User,
        credential_id: &str,
    ) -> Result<(), OnboardingError> {
        let valid = (1..=512).contains(&credential_id.len())
            && credential_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'='));
        if !valid {
            return Err(OnboardingError::InvalidRequest(
                "credentialId: the kit's credId, base64url".into(),
            ));
        }
        let mapping =
            self.store.dfns_user(&user.id).await?.ok_or(OnboardingError::NotRegistered)?;
        let token = self.delegated_login(&mapping.dfns_username).await?;
        let credentials =
            DelegatedClient::new(self.dfns.clone(), token)?.list_credentials().await?;
        let wanted = credential_id.trim_end_matches('=');
        let known = credentials.items.iter().any(|credential| {
            credential.kind == CredentialKind::RecoveryKey
                && credential.is_active
                && credential.credential_id.trim_end_matches('=') == wanted
        });
        if !known {
            return Err(OnboardingError::RecoveryKitUnknown);
        }
        self.store.set_recovery_credential(&user.id, credential_id).await?;
        Ok(())
    }
}
