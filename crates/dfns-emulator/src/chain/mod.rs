//! The emulated blockchains: the networks the emulator knows, wallet keys (generated here, sealed
//! at rest, never handed out), addresses, fees and signatures. Pure functions and values: the API
//! layer owns HTTP, the database and the ledger.

pub mod fees;
pub mod keys;
pub mod sign;

// One implementation with the app (crate `dfns-networks`), kept at the paths the emulator uses.
pub use dfns_networks::{Curve, Family, Network, network};
pub use dfns_networks::{address, networks};
