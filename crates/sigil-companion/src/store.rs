//! What the companion stores, on SQLite (a file, the default) or PostgreSQL (production):
//!
//! * [`users`]: accounts of the demo identity provider (normalised email, argon2id hash from
//!   [`passwords`]);
//! * [`login_codes`]: one-time deep-link codes, hashed, 60 s, PKCE S256 ([`pkce`]), single use,
//!   redeemed for a session in one transaction; a replay revokes that session;
//! * [`sessions`]: app and website sessions, hashed tokens, sliding expiry, revocation;
//! * [`dfns`]: company user → Dfns user (and their newest recovery kit), and the registration in
//!   progress (Dfns temporary token);
//! * [`recoveries`]: the delegated recovery a recovery session started (one per session);
//! * [`email_codes`]: the 6-digit codes the website's recovery check emails, hashed, 10 minutes,
//!   five attempts;
//! * [`outbox`]: the mails of a companion running with the development outbox;
//! * [`provisioning`]: wallets provisioned with an idempotent `externalId`;
//! * [`rate_limit`]: sliding-window counters per key;
//! * [`backoff`]: growing waits after failed attempts, per key;
//! * [`maintenance`]: purging what expired.
//!
//! One [`Store`] runs both databases from the same code and the same embedded migrations,
//! through sqlx's `Any` driver. It keeps nothing in memory that another instance would need:
//! every check-and-set is a single conditional statement (or one transaction), so any number of
//! companions on one PostgreSQL behave as one.
//!
//! Times are Unix milliseconds passed in by the caller (`now_ms`), so tests control the clock;
//! randomness comes from the operating system unless a test injects a [`RandomSource`].
//! Secrets ([`LoginCode`], [`SessionToken`], [`DfnsTemporaryToken`], [`EmailTicket`],
//! [`EmailCode`], [`pkce::CodeVerifier`], [`passwords::PasswordHash`]) never show in `Debug`
//! output or logs.

pub mod backoff;
mod connection;
pub mod dfns;
pub mod email_codes;
mod error;
mod ids;
pub mod login_codes;
pub mod maintenance;
pub mod passwords;
pub use sigil_api::pkce;
pub mod outbox;
pub mod provisioning;
pub mod rate_limit;
pub mod recoveries;
mod secret;
pub mod sessions;
pub mod users;

pub use connection::{Backend, Store, StoreOptions, redact_url};
pub use error::{Result, StoreError};
pub use ids::{SessionId, UserId};
pub(crate) use secret::same_secret;
pub use secret::{
    DfnsTemporaryToken, EmailCode, EmailTicket, LoginCode, OsRandom, RandomSource, SessionToken,
};
