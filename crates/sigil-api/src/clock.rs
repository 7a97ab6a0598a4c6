//! Where the app and the companion read the time: the system clock, or a test's. Both sides
//! compare the contract's expiry times with it, so it is defined once, here.

use std::fmt;

/// A source of Unix milliseconds.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time, Unix milliseconds.
    fn now_ms(&self) -> i64;
}

/// The operating system's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let since_epoch =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        i64::try_from(since_epoch.as_millis()).unwrap_or(i64::MAX)
    }
}
