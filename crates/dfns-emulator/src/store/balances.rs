//! What each address holds, per asset, as base-10 integers of the smallest unit.

use sqlx::SqliteConnection;

use super::Store;

impl Store {
    /// Every (asset, amount) held at an address, native first.
    pub async fn balances(
        &self,
        network: &str,
        address: &str,
    ) -> Result<Vec<(String, String)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT asset, amount FROM balances WHERE network = ? AND address = ? ORDER BY asset",
        )
        .bind(network)
        .bind(address)
        .fetch_all(&self.pool)
        .await
    }

    /// A balance inside a write transaction; zero when none was ever written.
    pub async fn balance_in(
        conn: &mut SqliteConnection,
        network: &str,
        address: &str,
        asset: &str,
    ) -> Result<u128, sqlx::Error> {
        let amount: Option<String> = sqlx::query_scalar(
            "SELECT amount FROM balances WHERE network = ? AND address = ? AND asset = ?",
        )
        .bind(network)
        .bind(address)
        .bind(asset)
        .fetch_optional(conn)
        .await?;
        amount
            .map(|amount| amount.parse::<u128>())
            .transpose()
            .map(Option::unwrap_or_default)
            .map_err(|error| sqlx::Error::Decode(Box::new(error)))
    }

    pub async fn set_balance_in(
        conn: &mut SqliteConnection,
        network: &str,
        address: &str,
        asset: &str,
        amount: u128,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO balances (network, address, asset, amount) VALUES (?, ?, ?, ?) \
             ON CONFLICT(network, address, asset) DO UPDATE SET amount = excluded.amount",
        )
        .bind(network)
        .bind(address)
        .bind(asset)
        .bind(amount.to_string())
        .execute(conn)
        .await?;
        Ok(())
    }
}
