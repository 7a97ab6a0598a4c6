//! What every handler shares: the store, the token issuer, the clock and the org's settings.

use std::sync::Arc;

use crate::chain::keys::Vault;
use crate::clock::Clock;
use crate::store::Store;
use crate::tokens::TokenIssuer;
use crate::verify::RelyingParty;

/// How long each kind of token or challenge stays good, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    /// Service-account tokens: long-lived.
    pub service_token_ms: i64,
    /// End-user login tokens: short-lived.
    pub login_token_ms: i64,
    /// Registration temporary tokens and their challenges.
    pub temporary_token_ms: i64,
    /// User-action and new-credential challenges.
    pub challenge_ms: i64,
    /// Signed user actions, between `/auth/action` and the request.
    pub user_action_ms: i64,
}

impl Default for Lifetimes {
    fn default() -> Self {
        const MINUTE: i64 = 60_000;
        Self {
            service_token_ms: 10 * 365 * 24 * 60 * MINUTE,
            login_token_ms: 15 * MINUTE,
            temporary_token_ms: 10 * MINUTE,
            challenge_ms: 5 * MINUTE,
            user_action_ms: 5 * MINUTE,
        }
    }
}

/// Shared handler state; cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState(Arc<Shared>);

/// The parts of [`AppState`].
#[derive(Debug)]
pub struct Shared {
    /// The database.
    pub store: Store,
    /// Issues and checks tokens.
    pub tokens: TokenIssuer,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// `or-…`
    pub org_id: String,
    /// Passkey settings: rp id and allowed origins.
    pub rp: RelyingParty,
    /// Token and challenge lifetimes.
    pub lifetimes: Lifetimes,
    /// Seals wallet keys at rest.
    pub vault: Vault,
    /// Time from a transfer's request to its confirmation.
    pub confirm_after_ms: i64,
    /// Whether the `/_emulator/` writes (the faucet) are on.
    pub emulator_api: bool,
    /// Whether every new wallet gets one whole unit of its coin.
    pub fund_new_wallets: bool,
}

impl AppState {
    /// Wraps the shared parts.
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }

    /// Now, in Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.0.clock.now_ms()
    }
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
