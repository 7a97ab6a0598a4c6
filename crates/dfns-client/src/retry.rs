//! Waiting before a request goes again: the `Retry-After` a busy server asks for (RFC 9110
//! §10.2.3), bounded, and the [`Wait`] seam every retry sleeps through. Shared by this client and
//! the app's client of the company server.

use std::fmt::Debug;
use std::time::{Duration, SystemTime};

use futures::future::BoxFuture;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The longest `Retry-After` honoured: a server asking for more gets its error passed on at once
/// rather than a person waiting on a frozen screen.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);

/// How a client waits before it tries again.
pub trait Wait: Debug + Send + Sync {
    /// Resolves after `duration`.
    fn wait(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// The real wait: the tokio timer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sleep;

impl Wait for Sleep {
    fn wait(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// What a refused answer asks of the caller: nothing (no `Retry-After`, or a status where it is
/// not a promise that the request was left alone), to come back after a wait within
/// [`MAX_RETRY_AFTER`], or after a longer one than is honoured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// No usable `Retry-After` on a 429 or 503.
    NotAsked,
    /// Try again after this long.
    Within(Duration),
    /// The server asked for longer than [`MAX_RETRY_AFTER`]: give up now.
    TooLong(Duration),
}

impl RetryAfter {
    /// Reads the answer's `Retry-After`, as seconds or as an HTTP date (compared with `now`).
    /// Only 429 and 503 count: both say the server did not act on the request (RFC 6585 §4,
    /// RFC 9110 §15.6.4), so even a request that must never be sent twice may go again.
    pub fn of(status: StatusCode, headers: &HeaderMap, now: SystemTime) -> Self {
        if !matches!(status, StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE) {
            return Self::NotAsked;
        }
        let Some(value) = headers.get(RETRY_AFTER).and_then(|value| value.to_str().ok()) else {
            return Self::NotAsked;
        };
        let Some(asked) = parse(value.trim(), now) else { return Self::NotAsked };
        if asked > MAX_RETRY_AFTER { Self::TooLong(asked) } else { Self::Within(asked) }
    }
}

/// `delay-seconds` (digits only) or an `HTTP-date`; a date in the past is no wait at all.
fn parse(value: &str, now: SystemTime) -> Option<Duration> {
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        // More digits than a u64 holds is still "longer than we wait".
        return Some(value.parse().map_or(Duration::MAX, Duration::from_secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests;
