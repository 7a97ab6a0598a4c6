//! The Dfns networks Sigil supports (family, chain id, native asset) and their addresses: derived
//! from a public key, and validated with their checksums.
//!
//! One implementation for the emulator, which derives its wallets' addresses, and the app, which
//! checks the destinations a person types.

pub mod address;
pub mod eip712;
pub mod fees;
pub mod networks;

pub use networks::{Curve, Explorer, Family, Network, network, networks};
