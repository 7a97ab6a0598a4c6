//! The block height of each network's simulated chain.

use sqlx::SqliteConnection;

use super::Store;

impl Store {
    /// Moves the network's simulated chain one block on and returns the new height.
    pub async fn next_block_in(
        conn: &mut SqliteConnection,
        network: &str,
    ) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "INSERT INTO chain_heights (network, block_number) VALUES (?, 1_000_001) \
             ON CONFLICT(network) DO UPDATE SET block_number = block_number + 1 RETURNING block_number",
        )
        .bind(network)
        .fetch_one(conn)
        .await
    }

    /// The current simulated chain height of a network.
    pub async fn block_number(&self, network: &str) -> Result<i64, sqlx::Error> {
        let height: Option<i64> =
            sqlx::query_scalar("SELECT block_number FROM chain_heights WHERE network = ?")
                .bind(network)
                .fetch_optional(&self.pool)
                .await?;
        Ok(height.unwrap_or(1_000_000))
    }
}
