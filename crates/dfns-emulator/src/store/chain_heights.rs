//! The block height of each network's simulated chain.

use rusqlite::{Connection, params};

use super::{DbResult, Store, one};

impl Store {
    /// Moves the network's simulated chain one block on and returns the new height.
    pub fn next_block_in(conn: &Connection, network: &str) -> DbResult<i64> {
        conn.prepare_cached(
            "INSERT INTO chain_heights (network, block_number) VALUES (?, 1_000_001) \
             ON CONFLICT(network) DO UPDATE SET block_number = block_number + 1 RETURNING block_number",
        )?
        .query_row(params![network], |row| row.get(0))
    }

    /// The current simulated chain height of a network.
    pub async fn block_number(&self, network: &str) -> DbResult<i64> {
        let height = self.read(|conn| {
            one(
                conn,
                "SELECT block_number FROM chain_heights WHERE network = ?",
                params![network],
                |row| row.get(0),
            )
        })?;
        Ok(height.unwrap_or(1_000_000))
    }
}
