//! Sigil's company backend ("companion").
//!
//! The companion runs next to the company website and holds the company's Dfns service account
//! (DESIGN.md §2–3). It does only what needs that account:
//!
//! * the website: sign up and sign in ([`identity`], the demo provider behind a trait), and the
//!   authorize page of the app's deep-link login (RFC 8252 with PKCE S256), which hands the app
//!   a one-time code;
//! * `/api/v1` for the app (types in `sigil-api`): the code redeemed for a session, then
//!   delegated registration, wallet provisioning with `delegateTo`, delegated login, and
//!   delegated recovery after the website checked the person again with a password and an
//!   emailed code ([`onboarding`], [`mail`]).
//!
//! It never sees a passkey and cannot move funds. State lives in the [`store`] (SQLite or
//! PostgreSQL), never in memory, so any number of instances on one PostgreSQL behave as one.
//! It may also serve the app's signed updates from a folder the company fills ([`updates`]).
//! [`server::router`] is the whole HTTP surface; [`config::Settings`] its command line.

pub mod config;
pub mod identity;
pub mod limits;
pub mod mail;
pub mod onboarding;
pub mod server;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;
pub mod updates;
