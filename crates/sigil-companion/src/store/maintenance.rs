//! Housekeeping: deleting rows nobody can use any more.

use crate::store::Store;
use crate::store::error::Result;

/// How long used or expired login codes, emailed codes and dead sessions are kept after they stop
/// working, and outbox mails after they were sent, ms: a code replayed within this time still
/// revokes the session it made.
pub const RETENTION_MS: i64 = 24 * 3_600_000;

/// How many rows [`Store::purge_expired`] deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgeReport {
    /// Login codes expired more than [`RETENTION_MS`] ago.
    pub login_codes: u64,
    /// Sessions expired or revoked more than [`RETENTION_MS`] ago.
    pub sessions: u64,
    /// Pending Dfns registrations whose temporary token expired.
    pub pending_registrations: u64,
    /// Temporary tokens of recoveries that expired uncompleted, forgotten (the row stays: it
    /// is what says its session started its one recovery).
    pub recovery_tokens: u64,
    /// Rate-limit counters whose windows are over.
    pub rate_limits: u64,
    /// Backoffs whose streak is over.
    pub backoffs: u64,
    /// Emailed codes expired more than [`RETENTION_MS`] ago.
    pub email_codes: u64,
    /// Outbox mails sent more than [`RETENTION_MS`] ago.
    pub outbox: u64,
}

impl Store {
    /// Deletes what cannot be used any more. Safe to run from every instance at any time (e.g.
    /// every few minutes): each statement deletes only rows that no operation would accept.
    pub async fn purge_expired(&self, now_ms: i64) -> Result<PurgeReport> {
        let horizon = now_ms.saturating_sub(RETENTION_MS);
        let login_codes = sqlx::query("DELETE FROM login_codes WHERE expires_at < $1")
            .bind(horizon)
            .execute(&self.pool)
            .await?
            .rows_affected();
        let pending_registrations =
            sqlx::query("DELETE FROM dfns_pending_registrations WHERE expires_at <= $1")
                .bind(now_ms)
                .execute(&self.pool)
                .await?
                .rows_affected();
        let recovery_tokens = sqlx::query(
            "UPDATE dfns_recoveries SET temporary_token = NULL \
             WHERE expires_at <= $1 AND temporary_token IS NOT NULL",
        )
        .bind(now_ms)
        .execute(&self.pool)
        .await?
        .rows_affected();
        let sessions = sqlx::query(
            "DELETE FROM sessions WHERE expires_at < $1 OR (revoked_at IS NOT NULL AND revoked_at < $1)",
        )
        .bind(horizon)
        .execute(&self.pool)
        .await?
        .rows_affected();
        // A counter whose current window ended a whole window ago weighs nothing any more.
        let rate_limits =
            sqlx::query("DELETE FROM rate_limits WHERE window_start + 2 * window_ms <= $1")
                .bind(now_ms)
                .execute(&self.pool)
                .await?
                .rows_affected();
        let backoffs = sqlx::query("DELETE FROM backoffs WHERE forget_at <= $1")
            .bind(now_ms)
            .execute(&self.pool)
            .await?
            .rows_affected();
        let email_codes = sqlx::query("DELETE FROM email_codes WHERE expires_at < $1")
            .bind(horizon)
            .execute(&self.pool)
            .await?
            .rows_affected();
        let outbox = sqlx::query("DELETE FROM mail_outbox WHERE sent_at < $1")
            .bind(horizon)
            .execute(&self.pool)
            .await?
            .rows_affected();
        let report = PurgeReport {
            login_codes,
            sessions,
            pending_registrations,
            recovery_tokens,
            rate_limits,
            backoffs,
            email_codes,
            outbox,
        };
        tracing::debug!(?report, "expired rows purged");
        Ok(report)
    }
}
