//! How often each guarded step may run, and when failed sign-ins lock an account.

use crate::store::rate_limit::RateLimit;
use crate::store::users::LockoutPolicy;

const MINUTE: i64 = 60_000;

/// Rate limits per client address and per account, counted in the database so every instance
/// shares them. A refused attempt gets HTTP 429 with `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Sign-in attempts from one address.
    pub sign_in_per_ip: RateLimit,
    /// Sign-in attempts for one email address, from anywhere.
    pub sign_in_per_account: RateLimit,
    /// New accounts from one address.
    pub sign_up_per_ip: RateLimit,
    /// Login-code redemptions from one address.
    pub redeem_per_ip: RateLimit,
    /// Registration steps (init and complete) from one address.
    pub registration_per_ip: RateLimit,
    /// Registration steps of one account.
    pub registration_per_account: RateLimit,
    /// Failed sign-ins that lock an account, and for how long.
    pub lockout: LockoutPolicy,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            sign_in_per_ip: RateLimit { limit: 30, window_ms: MINUTE },
            sign_in_per_account: RateLimit { limit: 10, window_ms: MINUTE },
            sign_up_per_ip: RateLimit { limit: 10, window_ms: 10 * MINUTE },
            redeem_per_ip: RateLimit { limit: 30, window_ms: MINUTE },
            registration_per_ip: RateLimit { limit: 30, window_ms: MINUTE },
            registration_per_account: RateLimit { limit: 10, window_ms: MINUTE },
            lockout: LockoutPolicy::default(),
        }
    }
}

impl Limits {
    /// Every rate limit multiplied by `factor` (a load test from one address); the lockout
    /// stays as it is.
    pub fn scaled(self, factor: u32) -> Self {
        let scale = |limit: RateLimit| RateLimit {
            limit: limit.limit.saturating_mul(factor.max(1)),
            ..limit
        };
        Self {
            sign_in_per_ip: scale(self.sign_in_per_ip),
            sign_in_per_account: scale(self.sign_in_per_account),
            sign_up_per_ip: scale(self.sign_up_per_ip),
            redeem_per_ip: scale(self.redeem_per_ip),
            registration_per_ip: scale(self.registration_per_ip),
            registration_per_account: scale(self.registration_per_account),
            lockout: self.lockout,
        }
    }
}
