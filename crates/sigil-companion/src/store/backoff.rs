//! Growing waits after failed attempts, counted in the database so every instance sees them.
//!
//! An attempt is counted before it is checked (and forgotten with [`Store::clear_backoff`] when
//! it succeeds), so attempts sent in parallel cannot get past the free ones before the first
//! failure is written. After `free_failures` counted attempts each next one waits, twice as long
//! after each, up to `max_delay_ms`; an attempt during a wait is refused and not counted. One
//! upsert decides and counts, so instances never disagree.

use std::sync::LazyLock;

use crate::store::Store;
use crate::store::error::{Result, StoreError};

/// When attempts on one bucket must wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Counted attempts allowed without a wait.
    pub free_failures: u32,
    /// The wait after the last free attempt, ms (at least 1).
    pub first_delay_ms: i64,
    /// The longest wait, ms (at least `first_delay_ms`).
    pub max_delay_ms: i64,
    /// How long after a wait ends (or after a free attempt) the failures are forgotten, ms (at
    /// least 1).
    pub forget_after_ms: i64,
}

/// Whether an attempt may be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attempt {
    /// Check it; it counts as a failure until cleared.
    Allowed {
        /// Attempts counted in this streak, this one included.
        failures: u32,
    },
    /// Refuse it (HTTP 429); it was not counted.
    Delayed {
        /// How long until an attempt is checked, ms (for `Retry-After`).
        retry_after_ms: i64,
    },
}

/// The upsert. `$1` bucket, `$2` now, `$3` free failures, `$4` first delay, `$5` longest delay,
/// `$6` forget after, `$7` the delay after a first attempt. Every SET expression sees the row as
/// it was: a row whose streak is over ("stale") starts again at 1; during a wait nothing changes
/// but `refused`.
static TRY_ATTEMPT: LazyLock<String> = LazyLock::new(|| {
    let stale = "backoffs.forget_at <= $2";
    let waiting = "backoffs.blocked_until > $2";
    let failures = format!("(CASE WHEN {stale} THEN 1 ELSE backoffs.failures + 1 END)");
    let previous = format!("(CASE WHEN {stale} THEN 0 ELSE backoffs.delay_ms END)");
    let delay = format!(
        "(CASE WHEN {failures} < $3 THEN 0 WHEN {previous} = 0 THEN $4 \
         WHEN {previous} * 2 > $5 THEN $5 ELSE {previous} * 2 END)"
    );
    format!(
        "INSERT INTO backoffs (bucket, failures, delay_ms, blocked_until, forget_at, refused) \
         VALUES ($1, 1, $7, $2 + $7, $2 + $7 + $6, 0) \
         ON CONFLICT (bucket) DO UPDATE SET \
           failures = CASE WHEN {waiting} THEN backoffs.failures ELSE {failures} END, \
           delay_ms = CASE WHEN {waiting} THEN backoffs.delay_ms ELSE {delay} END, \
           blocked_until = CASE WHEN {waiting} THEN backoffs.blocked_until ELSE $2 + {delay} END, \
           forget_at = CASE WHEN {waiting} THEN backoffs.forget_at ELSE $2 + {delay} + $6 END, \
           refused = CASE WHEN {waiting} THEN 1 ELSE 0 END \
         RETURNING failures, blocked_until, refused"
    )
});

impl Store {
    /// Counts an attempt on `bucket` (e.g. `sign-in:{account}:{address}`) unless it must wait.
    pub async fn try_attempt(
        &self,
        bucket: &str,
        policy: &Backoff,
        now_ms: i64,
    ) -> Result<Attempt> {
        if bucket.is_empty() || bucket.len() > 512 {
            return Err(StoreError::InvalidInput {
                field: "backoff bucket",
                reason: "a bucket key has 1 to 512 bytes",
            });
        }
        if policy.first_delay_ms <= 0
            || policy.max_delay_ms < policy.first_delay_ms
            || policy.forget_after_ms < 1
        {
            return Err(StoreError::InvalidInput {
                field: "backoff",
                reason: "waits start at 1 ms or more, grow to no less, and are forgotten after \
                         1 ms or more",
            });
        }
        let first_wait = if policy.free_failures > 1 { 0 } else { policy.first_delay_ms };
        let (failures, blocked_until, refused) =
            sqlx::query_as::<_, (i64, i64, i64)>(TRY_ATTEMPT.as_str())
                .bind(bucket)
                .bind(now_ms)
                .bind(i64::from(policy.free_failures))
                .bind(policy.first_delay_ms)
                .bind(policy.max_delay_ms)
                .bind(policy.forget_after_ms)
                .bind(first_wait)
                .fetch_one(&self.pool)
                .await?;
        if refused != 0 {
            tracing::info!(bucket, failures, "attempt refused: waiting after failures");
            return Ok(Attempt::Delayed { retry_after_ms: (blocked_until - now_ms).max(1) });
        }
        Ok(Attempt::Allowed { failures: u32::try_from(failures).unwrap_or(u32::MAX) })
    }

    /// Forgets the failures of `bucket` (the attempt succeeded).
    pub async fn clear_backoff(&self, bucket: &str) -> Result<()> {
        sqlx::query("DELETE FROM backoffs WHERE bucket = $1")
            .bind(bucket)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
