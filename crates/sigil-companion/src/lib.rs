//! Sigil's company backend ("companion"), storage layer.
//!
//! The companion signs users in on the company website, hands the desktop app a session through
//! a deep link (RFC 8252 with PKCE), and runs the Dfns service-account steps (DESIGN.md §2–3).
//! This crate is what it stores, for now without the HTTP server:
//!
//! * [`users`]: accounts of the demo identity provider (normalised email, argon2id hash from
//!   [`passwords`], lockout after repeated failed sign-ins);
//! * [`login_codes`]: one-time deep-link codes, hashed, 60 s, PKCE S256 ([`pkce`]), single use,
//!   redeemed for a session in one transaction; a replay revokes that session;
//! * [`sessions`]: app and website sessions, hashed tokens, sliding expiry, revocation;
//! * [`dfns`]: company user → Dfns user, and the registration in progress (Dfns temporary token);
//! * [`provisioning`]: wallets provisioned with an idempotent `externalId`;
//! * [`rate_limit`]: sliding-window counters per key;
//! * [`maintenance`]: purging what expired.
//!
//! One [`Store`] runs on SQLite (a file, the default) or PostgreSQL (production) from the same
//! code and the same embedded migrations, through sqlx's `Any` driver. It keeps nothing in memory
//! that another instance would need: every check-and-set is a single conditional statement (or
//! one transaction), so any number of companions on one PostgreSQL behave as one.
//!
//! Times are Unix milliseconds passed in by the caller (`now_ms`), so tests control the clock;
//! randomness comes from the operating system unless a test injects a [`RandomSource`].
//! Secrets ([`LoginCode`], [`SessionToken`], [`DfnsTemporaryToken`], [`pkce::CodeVerifier`],
//! [`passwords::PasswordHash`]) never show in `Debug` output or logs.

pub mod dfns;
mod error;
mod ids;
pub mod login_codes;
pub mod maintenance;
pub mod passwords;
pub mod pkce;
pub mod provisioning;
pub mod rate_limit;
mod secret;
pub mod sessions;
mod store;
pub mod users;

pub use error::{Result, StoreError};
pub use ids::{SessionId, UserId};
pub use secret::{DfnsTemporaryToken, LoginCode, OsRandom, RandomSource, SessionToken};
pub use store::{Backend, Store, StoreOptions, redact_url};

/// The current time as Unix milliseconds (for callers; operations take `now_ms` as an argument).
pub fn now_ms() -> i64 {
    let since_epoch =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
}
