//! Typed async client for the Dfns API (`reference/dfns-api.md`).
//!
//! * [`ServiceAccountClient`]: a bearer token and a [`CredentialSigner`]; user actions are signed
//!   automatically.
//! * [`DelegatedClient`]: an end user's token and no signer; each write is split into an `*_init`
//!   that returns the challenge and a `complete` that sends the same bytes with the signature.

mod delegated;
mod error;
pub mod keys;
pub mod models;
mod reads;
mod secret;
mod service_account;
mod signer;
mod transport;

pub use delegated::DelegatedClient;
pub use error::{DfnsError, Error};
pub use reads::{Reads, paginate};
pub use reqwest::Method;
pub use secret::Secret;
pub use service_account::ServiceAccountClient;
pub use signer::{CredentialSigner, KeySigner, SignerError};
pub use transport::{ClientConfig, PendingAction};
