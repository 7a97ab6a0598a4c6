//! Where sigil-core reads the time: the system clock, or a test's. The one definition is
//! `sigil_api::clock`, shared with the companion; this path stays for the app's code.

pub use sigil_api::clock::{Clock, SystemClock};
