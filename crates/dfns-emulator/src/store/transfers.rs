//! Transfers, from their request until they settle.

use sqlx::{FromRow, SqliteConnection};

use super::Store;

/// A transfer as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct TransferRow {
    pub seq: i64,
    pub id: String,
    pub wallet_id: String,
    pub network: String,
    pub requester_id: String,
    pub token_id: Option<String>,
    pub request_body: String,
    pub asset: String,
    pub asset_kind: String,
    pub from_address: String,
    pub to_address: String,
    pub amount: String,
    pub fee: String,
    pub status: String,
    pub reason: Option<String>,
    pub tx_hash: String,
    pub external_id: Option<String>,
    pub date_requested: String,
    pub executing_at: i64,
    pub broadcast_at: i64,
    pub confirm_at: i64,
    pub settled: bool,
}

macro_rules! transfer_columns {
    () => {
        "seq, id, wallet_id, network, requester_id, token_id, request_body, asset, asset_kind, \
         from_address, to_address, amount, fee, status, reason, tx_hash, external_id, date_requested, \
         executing_at, broadcast_at, confirm_at, settled"
    };
}

impl Store {
    pub async fn insert_transfer_in(
        conn: &mut SqliteConnection,
        row: &TransferRow,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(concat!(
            "INSERT INTO transfers (",
            transfer_columns!(),
            ") VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(&row.id)
        .bind(&row.wallet_id)
        .bind(&row.network)
        .bind(&row.requester_id)
        .bind(&row.token_id)
        .bind(&row.request_body)
        .bind(&row.asset)
        .bind(&row.asset_kind)
        .bind(&row.from_address)
        .bind(&row.to_address)
        .bind(&row.amount)
        .bind(&row.fee)
        .bind(&row.status)
        .bind(&row.reason)
        .bind(&row.tx_hash)
        .bind(&row.external_id)
        .bind(&row.date_requested)
        .bind(row.executing_at)
        .bind(row.broadcast_at)
        .bind(row.confirm_at)
        .bind(row.settled)
        .execute(conn)
        .await?;
        Ok(())
    }

    pub async fn transfer(&self, id: &str) -> Result<Option<TransferRow>, sqlx::Error> {
        sqlx::query_as(concat!("SELECT ", transfer_columns!(), " FROM transfers WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn transfer_by_external_id(
        &self,
        external_id: &str,
    ) -> Result<Option<TransferRow>, sqlx::Error> {
        sqlx::query_as(concat!(
            "SELECT ",
            transfer_columns!(),
            " FROM transfers WHERE external_id = ?"
        ))
        .bind(external_id)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn transfers_page(
        &self,
        wallet_id: &str,
        before_seq: i64,
        limit: i64,
    ) -> Result<Vec<TransferRow>, sqlx::Error> {
        sqlx::query_as(concat!(
            "SELECT ",
            transfer_columns!(),
            " FROM transfers WHERE wallet_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?"
        ))
        .bind(wallet_id)
        .bind(before_seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    /// Transfers not yet final whose next step is due at `now_ms`.
    pub async fn open_transfers(&self, now_ms: i64) -> Result<Vec<TransferRow>, sqlx::Error> {
        sqlx::query_as(concat!(
            "SELECT ",
            transfer_columns!(),
            " FROM transfers WHERE settled = 0 AND executing_at <= ? ORDER BY seq"
        ))
        .bind(now_ms)
        .fetch_all(&self.pool)
        .await
    }

    /// When the first open transfer takes its next step after `now_ms`; `None` if none is open.
    pub async fn next_transfer_step(&self, now_ms: i64) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT MIN(CASE WHEN executing_at > ?1 THEN executing_at \
             WHEN broadcast_at > ?1 THEN broadcast_at ELSE confirm_at END) \
             FROM transfers WHERE settled = 0",
        )
        .bind(now_ms)
        .fetch_one(&self.pool)
        .await
    }

    pub async fn set_transfer_status(&self, id: &str, status: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE transfers SET status = ? WHERE id = ? AND settled = 0")
            .bind(status)
            .bind(id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Marks a transfer final; false if another settle got there first.
    pub async fn finish_transfer_in(
        conn: &mut SqliteConnection,
        id: &str,
        status: &str,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE transfers SET status = ?, settled = 1 WHERE id = ? AND settled = 0",
        )
        .bind(status)
        .bind(id)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
