//! Typed async client for the Dfns API (`reference/dfns-api.md`).
//!
//! * [`ServiceAccountClient`]: a bearer token and a [`CredentialSigner`]; user actions are signed
//!   automatically.
//! * [`DelegatedClient`]: an end user's token and no signer; each write is split into an `*_init`
//!   that returns the challenge and a `complete` that sends the same bytes with the signature.
//! * [`PublicClient`]: no token; a new device's one-time credential code, and account recovery.
//! * [`recovery`]: the Dfns recovery kit (recovery key, `D1-…` code, wrapped private key).
//! * [`retry`]: the bounded `Retry-After` a busy server asks for, and the wait retries go through.

mod delegated;
mod error;
pub mod keys;
pub mod models;
mod public;
mod reads;
pub mod recovery;
pub mod retry;
mod secret;
mod service_account;
mod signer;
mod transport;

pub use delegated::DelegatedClient;
pub use error::{DfnsError, Error};
pub use public::PublicClient;
pub use reads::{Reads, paginate};
pub use reqwest::Method;
pub use secret::Secret;
pub use service_account::ServiceAccountClient;
pub use signer::{CredentialSigner, KeySigner, SignerError};
pub use transport::{ClientConfig, PendingAction, read_answer};
