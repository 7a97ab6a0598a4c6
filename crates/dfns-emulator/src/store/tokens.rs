//! Metadata of the tokens wallets hold (Erc20 contracts, Spl mints).

use rusqlite::{Row, params};

use super::{DbResult, Store, one, run};

/// Metadata of an Erc20 contract or Spl mint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub network: String,
    pub address: String,
    pub kind: String,
    pub symbol: Option<String>,
    pub decimals: i64,
    pub verified: bool,
}

impl TokenRow {
    fn from_row(row: &Row<'_>) -> DbResult<Self> {
        Ok(Self {
            network: row.get(0)?,
            address: row.get(1)?,
            kind: row.get(2)?,
            symbol: row.get(3)?,
            decimals: row.get(4)?,
            verified: row.get(5)?,
        })
    }
}

impl Store {
    pub async fn token(&self, network: &str, address: &str) -> DbResult<Option<TokenRow>> {
        self.read(|conn| {
            one(
                conn,
                "SELECT network, address, kind, symbol, decimals, verified FROM tokens \
                 WHERE network = ? AND address = ?",
                params![network, address],
                TokenRow::from_row,
            )
        })
    }

    /// Records token metadata; what is already known is kept.
    pub async fn put_token(&self, token: &TokenRow) -> DbResult<()> {
        self.write(|conn| {
            run(
                conn,
                "INSERT OR IGNORE INTO tokens (network, address, kind, symbol, decimals, verified) \
                 VALUES (?, ?, ?, ?, ?, ?)",
                params![
                    token.network,
                    token.address,
                    token.kind,
                    token.symbol,
                    token.decimals,
                    token.verified
                ],
            )
        })
        .await?;
        Ok(())
    }
}
