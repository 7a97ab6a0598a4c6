//! Transfers, from their request until they settle.

use rusqlite::{Connection, Row, params};

use super::{DbResult, Store, all, one, run};

/// A transfer as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl TransferRow {
    fn from_row(row: &Row<'_>) -> DbResult<Self> {
        Ok(Self {
            seq: row.get(0)?,
            id: row.get(1)?,
            wallet_id: row.get(2)?,
            network: row.get(3)?,
            requester_id: row.get(4)?,
            token_id: row.get(5)?,
            request_body: row.get(6)?,
            asset: row.get(7)?,
            asset_kind: row.get(8)?,
            from_address: row.get(9)?,
            to_address: row.get(10)?,
            amount: row.get(11)?,
            fee: row.get(12)?,
            status: row.get(13)?,
            reason: row.get(14)?,
            tx_hash: row.get(15)?,
            external_id: row.get(16)?,
            date_requested: row.get(17)?,
            executing_at: row.get(18)?,
            broadcast_at: row.get(19)?,
            confirm_at: row.get(20)?,
            settled: row.get(21)?,
        })
    }
}

impl Store {
    pub fn insert_transfer_in(conn: &Connection, row: &TransferRow) -> DbResult<()> {
        run(
            conn,
            concat!(
                "INSERT INTO transfers (",
                transfer_columns!(),
                ") VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            params![
                row.id,
                row.wallet_id,
                row.network,
                row.requester_id,
                row.token_id,
                row.request_body,
                row.asset,
                row.asset_kind,
                row.from_address,
                row.to_address,
                row.amount,
                row.fee,
                row.status,
                row.reason,
                row.tx_hash,
                row.external_id,
                row.date_requested,
                row.executing_at,
                row.broadcast_at,
                row.confirm_at,
                row.settled
            ],
        )?;
        Ok(())
    }

    pub async fn transfer(&self, id: &str) -> DbResult<Option<TransferRow>> {
        self.read(|conn| {
            one(
                conn,
                concat!("SELECT ", transfer_columns!(), " FROM transfers WHERE id = ?"),
                params![id],
                TransferRow::from_row,
            )
        })
    }

    pub async fn transfer_by_external_id(
        &self,
        external_id: &str,
    ) -> DbResult<Option<TransferRow>> {
        self.read(|conn| {
            one(
                conn,
                concat!("SELECT ", transfer_columns!(), " FROM transfers WHERE external_id = ?"),
                params![external_id],
                TransferRow::from_row,
            )
        })
    }

    /// One page of a wallet's transfers, newest first.
    pub async fn transfers_page(
        &self,
        wallet_id: &str,
        before_seq: i64,
        limit: i64,
    ) -> DbResult<Vec<TransferRow>> {
        self.read(|conn| {
            all(
                conn,
                concat!(
                    "SELECT ",
                    transfer_columns!(),
                    " FROM transfers WHERE wallet_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?"
                ),
                params![wallet_id, before_seq, limit],
                TransferRow::from_row,
            )
        })
    }

    /// Transfers not yet final whose next step is due at `now_ms`.
    pub async fn open_transfers(&self, now_ms: i64) -> DbResult<Vec<TransferRow>> {
        self.read(|conn| {
            all(
                conn,
                concat!(
                    "SELECT ",
                    transfer_columns!(),
                    " FROM transfers WHERE settled = 0 AND executing_at <= ? ORDER BY seq"
                ),
                params![now_ms],
                TransferRow::from_row,
            )
        })
    }

    /// When the first open transfer takes its next step after `now_ms`; `None` if none is open.
    pub async fn next_transfer_step(&self, now_ms: i64) -> DbResult<Option<i64>> {
        self.read(|conn| {
            conn.prepare_cached(
                "SELECT MIN(CASE WHEN executing_at > ?1 THEN executing_at \
                 WHEN broadcast_at > ?1 THEN broadcast_at ELSE confirm_at END) \
                 FROM transfers WHERE settled = 0",
            )?
            .query_row(params![now_ms], |row| row.get(0))
        })
    }

    pub async fn set_transfer_status(&self, id: &str, status: &str) -> DbResult<()> {
        self.write(|conn| {
            run(
                conn,
                "UPDATE transfers SET status = ? WHERE id = ? AND settled = 0",
                params![status, id],
            )
        })
        .await?;
        Ok(())
    }

    /// Marks a transfer final; false if another settle got there first.
    pub fn finish_transfer_in(conn: &Connection, id: &str, status: &str) -> DbResult<bool> {
        let done = run(
            conn,
            "UPDATE transfers SET status = ?, settled = 1 WHERE id = ? AND settled = 0",
            params![status, id],
        )?;
        Ok(done == 1)
    }
}
