//! Metadata of the tokens wallets hold (Erc20 contracts, Spl mints).

use sqlx::FromRow;

use super::Store;

/// Metadata of an Erc20 contract or Spl mint.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct TokenRow {
    pub network: String,
    pub address: String,
    pub kind: String,
    pub symbol: Option<String>,
    pub decimals: i64,
    pub verified: bool,
}

impl Store {
    pub async fn token(
        &self,
        network: &str,
        address: &str,
    ) -> Result<Option<TokenRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT network, address, kind, symbol, decimals, verified FROM tokens WHERE network = ? AND address = ?",
        )
        .bind(network)
        .bind(address)
        .fetch_optional(&self.pool)
        .await
    }

    /// Records token metadata; what is already known is kept.
    pub async fn put_token(&self, token: &TokenRow) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT OR IGNORE INTO tokens (network, address, kind, symbol, decimals, verified) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&token.network)
        .bind(&token.address)
        .bind(&token.kind)
        .bind(&token.symbol)
        .bind(token.decimals)
        .bind(token.verified)
        .execute(&self.writer)
        .await?;
        Ok(())
    }
}
