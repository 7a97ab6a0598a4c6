//! The history items of each wallet, as served.

use sqlx::SqliteConnection;

use super::Store;

/// A history item to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHistory {
    pub wallet_id: String,
    pub direction: String,
    pub kind: String,
    pub contract: Option<String>,
    pub item: String,
}

impl Store {
    pub async fn insert_history_in(
        conn: &mut SqliteConnection,
        item: &NewHistory,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO history (wallet_id, direction, kind, contract, item) VALUES (?, ?, ?, ?, ?)")
            .bind(&item.wallet_id)
            .bind(&item.direction)
            .bind(&item.kind)
            .bind(&item.contract)
            .bind(&item.item)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// One page of a wallet's history, newest first, filtered.
    pub async fn history_page(
        &self,
        wallet_id: &str,
        filter: &HistoryFilter,
        before_seq: i64,
        limit: i64,
    ) -> Result<Vec<(i64, String)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT seq, item FROM history WHERE wallet_id = ? AND seq < ? \
             AND (?3 IS NULL OR direction = ?3) AND (?4 IS NULL OR kind = ?4) AND (?5 IS NULL OR contract = ?5) \
             ORDER BY seq DESC LIMIT ?6",
        )
        .bind(wallet_id)
        .bind(before_seq)
        .bind(&filter.direction)
        .bind(&filter.kind)
        .bind(&filter.contract)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }
}

/// The filters of `GET /wallets/{id}/history`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    pub direction: Option<String>,
    pub kind: Option<String>,
    pub contract: Option<String>,
}
