//! How often each guarded step may run, how failed sign-ins are slowed down, and who a
//! per-address or per-account limit counts.

use std::fmt;
use std::net::{IpAddr, Ipv6Addr};

use sha2::{Digest as _, Sha256};

use crate::store::backoff::Backoff;
use crate::store::rate_limit::RateLimit;

const MINUTE: i64 = 60_000;

/// Rate limits and backoffs per client address and per account, counted in the database so every
/// instance shares them (a refused attempt gets HTTP 429 with `Retry-After`), and the password
/// hashes one process runs at once (HTTP 503).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Sign-in attempts from one address.
    pub sign_in_per_ip: RateLimit,
    /// Waits after failed sign-ins for one email address from one address, whether or not an
    /// account has it. There is no limit per account from all addresses together: failures
    /// anywhere would then keep the owner out.
    pub sign_in_failures: Backoff,
    /// New accounts from one address.
    pub sign_up_per_ip: RateLimit,
    /// Login-code redemptions from one address.
    pub redeem_per_ip: RateLimit,
    /// Registration steps (init and complete) from one address.
    pub registration_per_ip: RateLimit,
    /// Registration steps of one account.
    pub registration_per_account: RateLimit,
    /// Extra wallets (`POST /api/v1/wallets`) asked from one address.
    pub wallets_per_ip: RateLimit,
    /// Extra wallets asked by one account (each is a key at Dfns).
    pub wallets_per_account: RateLimit,
    /// Dfns tokens (`POST /api/v1/dfns-token`) asked from one address.
    pub dfns_token_per_ip: RateLimit,
    /// Dfns tokens asked by one account (each is a delegated login the service account signs).
    pub dfns_token_per_account: RateLimit,
    /// Codes the website's recovery check emails to one account (after its password).
    pub recovery_emails_per_account: RateLimit,
    /// Delegated recoveries one account opens (`POST /api/v1/recovery/init`).
    pub recoveries_per_account: RateLimit,
    /// Password hashes and verifications (argon2id, 19 MiB each) running at once in this
    /// process; more are refused with HTTP 503. Per process, not shared through the database.
    pub concurrent_password_hashes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            sign_in_per_ip: RateLimit { limit: 30, window_ms: MINUTE },
            sign_up_per_ip: RateLimit { limit: 10, window_ms: 10 * MINUTE },
            redeem_per_ip: RateLimit { limit: 30, window_ms: MINUTE },
            registration_per_ip: RateLimit { limit: 30, window_ms: MINUTE },
            registration_per_account: RateLimit { limit: 10, window_ms: MINUTE },
            wallets_per_ip: RateLimit { limit: 30, window_ms: 10 * MINUTE },
            wallets_per_account: RateLimit { limit: 10, window_ms: 60 * MINUTE },
            dfns_token_per_ip: RateLimit { limit: 60, window_ms: MINUTE },
            // The app keeps a token until shortly before it expires.
            dfns_token_per_account: RateLimit { limit: 20, window_ms: 10 * MINUTE },
            // A person who mistyped or lost a mail asks again; more is someone else's doing.
            recovery_emails_per_account: RateLimit { limit: 3, window_ms: 60 * MINUTE },
            recoveries_per_account: RateLimit { limit: 3, window_ms: 24 * 60 * MINUTE },
            // Five free, then 30 s, 1 min, 2 min, … up to 30 min; forgotten a day after a wait.
            sign_in_failures: Backoff {
                free_failures: 5,
                first_delay_ms: MINUTE / 2,
                max_delay_ms: 30 * MINUTE,
                forget_after_ms: 24 * 60 * MINUTE,
            },
            concurrent_password_hashes: 8,
        }
    }
}

impl Limits {
    /// Every rate limit multiplied by `factor` (a load test from one address); the sign-in
    /// backoff and the password hashes at once stay as they are.
    pub fn scaled(self, factor: u32) -> Self {
        let scale = |limit: RateLimit| RateLimit {
            limit: limit.limit.saturating_mul(factor.max(1)),
            ..limit
        };
        Self {
            sign_in_per_ip: scale(self.sign_in_per_ip),
            sign_up_per_ip: scale(self.sign_up_per_ip),
            redeem_per_ip: scale(self.redeem_per_ip),
            registration_per_ip: scale(self.registration_per_ip),
            registration_per_account: scale(self.registration_per_account),
            wallets_per_ip: scale(self.wallets_per_ip),
            wallets_per_account: scale(self.wallets_per_account),
            dfns_token_per_ip: scale(self.dfns_token_per_ip),
            dfns_token_per_account: scale(self.dfns_token_per_account),
            recovery_emails_per_account: scale(self.recovery_emails_per_account),
            recoveries_per_account: scale(self.recoveries_per_account),
            sign_in_failures: self.sign_in_failures,
            concurrent_password_hashes: self.concurrent_password_hashes,
        }
    }
}

/// The key an email address is counted under by the sign-in limits: the SHA-256 of it as
/// accounts are keyed (trimmed, lower-cased), whether or not an account has it. So the limits
/// treat made-up addresses as real ones, and the database keeps no address a stranger typed.
pub fn sign_in_account_key(email: &str) -> String {
    hex::encode(Sha256::digest(email.trim().to_lowercase().as_bytes()))
}

/// Who a per-address limit counts: an IPv4 address, or the /64 network of an IPv6 address. An
/// IPv6 subscriber is usually given a whole /64 (or more), so counting single IPv6 addresses
/// would hand each client 2^64 fresh counters. An IPv4 address written as IPv6
/// (`::ffff:192.0.2.1`) is that IPv4 address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientAddress(String);

impl ClientAddress {
    /// The address (or network) `ip` is counted as.
    pub fn of(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V4(v4) => Self(v4.to_string()),
            IpAddr::V6(v6) => {
                let [a, b, c, d, ..] = v6.segments();
                Self(format!("{}/64", Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0)))
            }
        }
    }

    /// A client whose address the server was not told (no connection info): all such share
    /// one count.
    pub fn unknown() -> Self {
        Self("unknown".to_owned())
    }

    /// As it appears in rate-limit buckets.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests;
