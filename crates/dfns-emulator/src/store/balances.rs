//! What each address holds, per asset, as base-10 integers of the smallest unit.

use rusqlite::types::Type;
use rusqlite::{Connection, params};

use super::{DbError, DbResult, Store, all, one, run};

impl Store {
    /// Every (asset, amount) held at an address, native first.
    pub async fn balances(&self, network: &str, address: &str) -> DbResult<Vec<(String, String)>> {
        self.read(|conn| {
            all(
                conn,
                "SELECT asset, amount FROM balances WHERE network = ? AND address = ? ORDER BY asset",
                params![network, address],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
        })
    }

    /// A balance inside a write transaction; zero when none was ever written.
    pub fn balance_in(
        conn: &Connection,
        network: &str,
        address: &str,
        asset: &str,
    ) -> DbResult<u128> {
        let amount: Option<String> = one(
            conn,
            "SELECT amount FROM balances WHERE network = ? AND address = ? AND asset = ?",
            params![network, address, asset],
            |row| row.get(0),
        )?;
        amount
            .map(|amount| amount.parse::<u128>())
            .transpose()
            .map(Option::unwrap_or_default)
            .map_err(|error| DbError::FromSqlConversionFailure(0, Type::Text, Box::new(error)))
    }

    pub fn set_balance_in(
        conn: &Connection,
        network: &str,
        address: &str,
        asset: &str,
        amount: u128,
    ) -> DbResult<()> {
        run(
            conn,
            "INSERT INTO balances (network, address, asset, amount) VALUES (?, ?, ?, ?) \
             ON CONFLICT(network, address, asset) DO UPDATE SET amount = excluded.amount",
            params![network, address, asset, amount.to_string()],
        )?;
        Ok(())
    }
}
