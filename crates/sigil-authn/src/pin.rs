//! The PIN of a passkey on this computer, as the person typed it, and the clock that times the
//! waits after wrong ones.

use std::time::SystemTime;

use zeroize::Zeroizing;

use crate::{AuthnError, PinReason, Prompter};

/// A PIN the person typed: wiped from memory when dropped, never shown by `Debug`.
pub(crate) struct Pin(Zeroizing<String>);

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(<redacted>)")
    }
}

impl Pin {
    /// Asks the person for a PIN. Declining ends the ceremony; a PIN shorter than `min_length`
    /// characters is refused before any authenticator sees it, so it never counts as a wrong try.
    pub(crate) fn ask(
        prompter: &dyn Prompter,
        reason: PinReason,
        min_length: usize,
    ) -> Result<Self, AuthnError> {
        let typed = prompter.ask_pin(reason).ok_or(AuthnError::Declined)?;
        Self::new(typed.expose(), min_length)
    }

    /// `typed` as a PIN, if it is long enough.
    pub(crate) fn new(typed: &str, min_length: usize) -> Result<Self, AuthnError> {
        if typed.chars().count() < min_length {
            return Err(AuthnError::PinTooShort { min: min_length });
        }
        Ok(Self(Zeroizing::new(typed.to_owned())))
    }

    /// The PIN's bytes, for the one place that derives a key from it.
    pub(crate) fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// Where the time comes from; tests move it forward instead of waiting.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now.
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}
