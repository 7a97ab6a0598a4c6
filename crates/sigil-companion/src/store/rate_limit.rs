//! Rate limits counted in the database, so every instance sees the same counts.
//!
//! A sliding-window counter: hits are counted in fixed windows aligned to multiples of the
//! window length, and a hit is judged against `previous × (time left of the previous window
//! that still overlaps the last window length) + current`. That smooths the burst a plain fixed
//! window allows at its edge, with two integers per key. Refused hits count too, so a client
//! that keeps hammering stays limited.

use crate::store::Store;
use crate::store::error::{Result, StoreError};

/// A limit: at most `limit` hits per `window_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Hits allowed per window (at least 1).
    pub limit: u32,
    /// The window length, ms (at least 1).
    pub window_ms: i64,
}

/// Whether a hit may proceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    /// Go ahead.
    Allowed {
        /// Further hits allowed right now.
        remaining: u32,
    },
    /// Refuse (HTTP 429).
    Limited {
        /// How long until a hit would be allowed if none came in between, ms (for
        /// `Retry-After`, rounded up to seconds there).
        retry_after_ms: i64,
    },
}

impl RateDecision {
    /// Whether the hit may proceed.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::Allowed { .. })
    }
}

impl Store {
    /// Counts one hit on `bucket` (e.g. `ip:192.0.2.1:sign-in`, `acct:ann@example.org:sign-in`)
    /// and says whether it is within `limit`. One upsert: hits from every instance count.
    pub async fn hit_rate_limit(
        &self,
        bucket: &str,
        limit: &RateLimit,
        now_ms: i64,
    ) -> Result<RateDecision> {
        if bucket.is_empty() || bucket.len() > 512 {
            return Err(StoreError::InvalidInput {
                field: "rate limit bucket",
                reason: "a bucket key has 1 to 512 bytes",
            });
        }
        if limit.limit == 0 || limit.window_ms <= 0 {
            return Err(StoreError::InvalidInput {
                field: "rate limit",
                reason: "a limit allows at least 1 hit per window of at least 1 ms",
            });
        }
        let window_start = now_ms - now_ms.rem_euclid(limit.window_ms);
        // A row whose window is this one (or later, from an instance whose clock runs ahead)
        // counts the hit; a row of the window just before becomes the previous window; an
        // older row starts over.
        let (stored_start, current, previous) = sqlx::query_as::<_, (i64, i64, i64)>(
            "INSERT INTO rate_limits (bucket, window_ms, window_start, current_hits, \
               previous_hits) VALUES ($1, $3, $2, 1, 0) \
             ON CONFLICT (bucket) DO UPDATE SET \
               previous_hits = CASE \
                 WHEN rate_limits.window_ms <> $3 THEN 0 \
                 WHEN rate_limits.window_start >= $2 THEN rate_limits.previous_hits \
                 WHEN rate_limits.window_start = $2 - $3 THEN rate_limits.current_hits \
                 ELSE 0 END, \
               current_hits = CASE \
                 WHEN rate_limits.window_ms = $3 AND rate_limits.window_start >= $2 \
                   THEN rate_limits.current_hits + 1 \
                 ELSE 1 END, \
               window_start = CASE \
                 WHEN rate_limits.window_ms = $3 AND rate_limits.window_start >= $2 \
                   THEN rate_limits.window_start \
                 ELSE $2 END, \
               window_ms = $3 \
             RETURNING window_start, current_hits, previous_hits",
        )
        .bind(bucket)
        .bind(window_start)
        .bind(limit.window_ms)
        .fetch_one(&self.pool)
        .await?;
        let decision = decide(limit, stored_start, current, previous, now_ms);
        if !decision.is_allowed() {
            tracing::info!(bucket, current, previous, "rate limited");
        }
        Ok(decision)
    }

    /// Forgets the counts of `bucket` (e.g. an account's failed sign-ins after a success).
    pub async fn reset_rate_limit(&self, bucket: &str) -> Result<()> {
        sqlx::query("DELETE FROM rate_limits WHERE bucket = $1")
            .bind(bucket)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// Judges a hit already counted in `current` (window starting at `window_start`), with
/// `previous` hits in the window before.
pub(crate) fn decide(
    limit: &RateLimit,
    window_start: i64,
    current: i64,
    previous: i64,
    now_ms: i64,
) -> RateDecision {
    let w = i128::from(limit.window_ms.max(1));
    let cap = i128::from(limit.limit) * w;
    let (current, previous) = (i128::from(current.max(0)), i128::from(previous.max(0)));
    let elapsed = i128::from(now_ms.saturating_sub(window_start)).clamp(0, w);
    // Everything in hits × ms: weight of the previous window is (w - elapsed) / w.
    let weighted = previous * (w - elapsed) + current * w;
    if weighted <= cap {
        let remaining = (cap - weighted) / w;
        return RateDecision::Allowed { remaining: u32::try_from(remaining).unwrap_or(u32::MAX) };
    }
    // When would one more hit fit, if nothing else came? Later in this window, once the
    // previous window weighs little enough ...
    let room = cap - (current + 1) * w;
    let wait = if room >= 0 && previous > 0 && room / previous > 0 {
        (w - room / previous - elapsed).max(1)
    } else {
        // ... or in the next window, where this window's hits become the previous ones.
        let fits = (i128::from(limit.limit) - 1) * w / current.max(1);
        (w - elapsed) + (w - fits).max(0)
    };
    RateDecision::Limited { retry_after_ms: i64::try_from(wait.max(1)).unwrap_or(i64::MAX) }
}

#[cfg(test)]
mod tests;
