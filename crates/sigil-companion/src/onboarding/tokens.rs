//! The end users' Dfns tokens, kept in memory per app session until shortly before they expire:
//! an app that asks again (each start, each refresh) gets the token it had, without a delegated
//! login at Dfns. Never stored; forgotten when the session signs out, and for every session of a
//! user who recovers (Dfns ends that user's tokens then).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use sigil_api::{DfnsToken, token_digest};

use crate::store::{SessionId, UserId};

/// A token is handed out again only while it stays good at least this long, so the app can use
/// it for a while before asking again.
pub const REUSE_MARGIN_MS: i64 = 5 * 60_000;

/// Sessions whose token is remembered before expired ones are dropped.
const SESSIONS_KEPT: usize = 10_000;

#[derive(Debug, Clone, Default)]
pub struct DfnsTokens(Arc<Mutex<HashMap<SessionId, Kept>>>);

#[derive(Debug, Clone)]
struct Kept {
    user_id: UserId,
    token: DfnsToken,
    expires_at_ms: i64,
}

impl DfnsTokens {
    fn lock(&self) -> MutexGuard<'_, HashMap<SessionId, Kept>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The token kept for `session` of `user`, if it stays good for [`REUSE_MARGIN_MS`] and is
    /// not the one whose digest is `refused` (Dfns refused it: it is dropped).
    pub fn get(
        &self,
        session: &SessionId,
        user: &UserId,
        refused: Option<&str>,
        now_ms: i64,
    ) -> Option<DfnsToken> {
        let mut kept = self.lock();
        let token = kept.get(session)?;
        if refused.is_some_and(|digest| token_digest(token.token.token.expose()) == digest) {
            kept.remove(session);
            return None;
        }
        let fresh = token.user_id == *user && token.expires_at_ms - now_ms >= REUSE_MARGIN_MS;
        fresh.then(|| token.token.clone())
    }

    /// Keeps `token` for `session`, unless it would not be handed out again anyway.
    pub fn keep(
        &self,
        session: &SessionId,
        user: &UserId,
        token: &DfnsToken,
        expires_at_ms: i64,
        now_ms: i64,
    ) {
        if expires_at_ms - now_ms < REUSE_MARGIN_MS {
            return;
        }
        let mut kept = self.lock();
        if kept.len() >= SESSIONS_KEPT {
            kept.retain(|_, token| token.expires_at_ms - now_ms >= REUSE_MARGIN_MS);
            if kept.len() >= SESSIONS_KEPT {
                kept.clear();
            }
        }
        kept.insert(
            session.clone(),
            Kept { user_id: user.clone(), token: token.clone(), expires_at_ms },
        );
    }

    /// Forgets the token of `session` (sign-out).
    pub fn forget_session(&self, session: &SessionId) {
        self.lock().remove(session);
    }

    /// Forgets the tokens of every session of `user` (recovery).
    pub fn forget_user(&self, user: &UserId) {
        self.lock().retain(|_, kept| kept.user_id != *user);
    }
}
