//! The emulated blockchains: the networks the emulator knows, wallet keys (generated here, sealed
//! at rest, never handed out), addresses, fees and signatures. Pure functions and values: the API
//! layer owns HTTP, the database and the ledger.

pub mod address;
pub mod fees;
pub mod keys;
pub mod networks;
pub mod sign;

pub use networks::{Curve, Family, Network, network};
