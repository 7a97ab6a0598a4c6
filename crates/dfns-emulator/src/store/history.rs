//! The history items of each wallet, as served.

use rusqlite::{Connection, params};

use super::{DbResult, Store, all, run};

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
    pub fn insert_history_in(conn: &Connection, item: &NewHistory) -> DbResult<()> {
        run(
            conn,
            "INSERT INTO history (wallet_id, direction, kind, contract, item) VALUES (?, ?, ?, ?, ?)",
            params![item.wallet_id, item.direction, item.kind, item.contract, item.item],
        )?;
        Ok(())
    }

    /// One page of a wallet's history, newest first, filtered.
    pub async fn history_page(
        &self,
        wallet_id: &str,
        filter: &HistoryFilter,
        before_seq: i64,
        limit: i64,
    ) -> DbResult<Vec<(i64, String)>> {
        self.read(|conn| {
            all(
                conn,
                "SELECT seq, item FROM history WHERE wallet_id = ?1 AND seq < ?2 \
                 AND (?3 IS NULL OR direction = ?3) AND (?4 IS NULL OR kind = ?4) \
                 AND (?5 IS NULL OR contract = ?5) ORDER BY seq DESC LIMIT ?6",
                params![
                    wallet_id,
                    before_seq,
                    filter.direction,
                    filter.kind,
                    filter.contract,
                    limit
                ],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
        })
    }
}

/// The filters of `GET /wallets/{id}/history`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    pub direction: Option<String>,
    pub kind: Option<String>,
    pub contract: Option<String>,
}
