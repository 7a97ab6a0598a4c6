//! Wire models of the Dfns API (`reference/dfns-api.md`). camelCase on the wire.
//!
//! Request bodies reject unknown fields (the spec declares `additionalProperties: false`), which is
//! what the emulator needs; responses ignore unknown fields and keep unknown enum values, which is
//! what a client needs to survive a newer server.

mod auth;
mod open_enum;
mod page;
mod recovery;
mod wallets;

pub use auth::*;
pub use page::*;
pub use recovery::*;
pub use wallets::*;
