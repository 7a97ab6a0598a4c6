//! What the Sigil desktop app does for its user, without Tauri (DESIGN.md §1): the shell only
//! adapts this crate to IPC.
//!
//! * [`deep_link`]: the app's `sigil://` links, parsed into types before anything acts on them;
//! * [`login`]: sign-in through the company website (RFC 8252 + PKCE), the companion session in
//!   the OS keyring, sign-out;
//! * [`companion`]: the company backend's `/api/v1`;
//! * [`onboarding`]: registration with the chosen authenticator and the default wallets, as one
//!   resumable step;
//! * [`dfns_session`]: the end-user token for Dfns, in memory, refreshed before it expires;
//! * [`reads`]: wallets, assets, history and transfers from the local cache, synced from Dfns;
//! * [`actions`]: signed actions with an intent decoded from the exact body, journaled before
//!   they are sent, reconciled by `externalId` after an unknown outcome, guardrails first;
//! * [`recovery`]: the recovery kit, recovering access with it, and adding this computer with a
//!   code from another one;
//! * [`updates`]: signed updates from the confirmed company, offered only when newer.
//!
//! [`app::Core`] holds them all on one data folder; [`service::AppService`] is the app's use
//! cases over it, one method per user action, which the desktop shell adapts to IPC.
//!
//! Every edge is a seam: the companion and Dfns are base URLs, secrets go through
//! `sigil_store::SecretStore`, time through [`clock::Clock`].

pub mod actions;
pub mod app;
pub mod clock;
pub mod companion;
pub mod company;
pub mod deep_link;
pub mod dfns_session;
mod error;
pub mod login;
pub mod onboarding;
pub mod reads;
pub mod recovery;
pub mod service;
pub mod updates;

pub use error::{Error, ErrorCode, Result};
