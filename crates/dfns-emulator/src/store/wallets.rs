//! Wallets and their keys, stored together.

use sqlx::{FromRow, SqliteConnection};

use super::Store;

/// A wallet joined with its key.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct WalletRow {
    pub seq: i64,
    pub id: String,
    pub network: String,
    pub address: String,
    pub key_id: String,
    pub status: String,
    pub name: Option<String>,
    pub tags: String,
    pub owner_id: Option<String>,
    pub created_by: String,
    pub external_id: Option<String>,
    pub request_body: String,
    pub date_created: String,
    pub curve: String,
    pub public_key: String,
}

/// A wallet key as stored: sealed by the vault.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct KeyRow {
    pub id: String,
    pub curve: String,
    pub public_key: String,
    pub sealed: Vec<u8>,
    pub delegated_to: Option<String>,
    pub date_created: String,
}

macro_rules! wallet_select {
    ($rest:literal) => {
        concat!(
            "SELECT w.seq, w.id, w.network, w.address, w.key_id, w.status, w.name, w.tags, w.owner_id, \
             w.created_by, w.external_id, w.request_body, w.date_created, k.curve, k.public_key \
             FROM wallets w JOIN wallet_keys k ON k.id = w.key_id ",
            $rest
        )
    };
}

impl Store {
    /// Stores a new key and its wallet.
    pub async fn insert_wallet(&self, key: &KeyRow, wallet: &WalletRow) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO wallet_keys (id, curve, public_key, sealed, delegated_to, date_created) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&key.id)
        .bind(&key.curve)
        .bind(&key.public_key)
        .bind(&key.sealed)
        .bind(&key.delegated_to)
        .bind(&key.date_created)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO wallets (id, network, address, key_id, status, name, tags, owner_id, \
             created_by, external_id, request_body, date_created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&wallet.id)
        .bind(&wallet.network)
        .bind(&wallet.address)
        .bind(&wallet.key_id)
        .bind(&wallet.status)
        .bind(&wallet.name)
        .bind(&wallet.tags)
        .bind(&wallet.owner_id)
        .bind(&wallet.created_by)
        .bind(&wallet.external_id)
        .bind(&wallet.request_body)
        .bind(&wallet.date_created)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    pub async fn wallet(&self, id: &str) -> Result<Option<WalletRow>, sqlx::Error> {
        sqlx::query_as(wallet_select!("WHERE w.id = ?")).bind(id).fetch_optional(&self.pool).await
    }

    pub async fn wallet_by_external_id(
        &self,
        external_id: &str,
    ) -> Result<Option<WalletRow>, sqlx::Error> {
        sqlx::query_as(wallet_select!("WHERE w.external_id = ?"))
            .bind(external_id)
            .fetch_optional(&self.pool)
            .await
    }

    /// One page of wallets, newest first, after `before_seq`; of one owner, or of everyone.
    pub async fn wallets_page(
        &self,
        owner_id: Option<&str>,
        before_seq: i64,
        limit: i64,
    ) -> Result<Vec<WalletRow>, sqlx::Error> {
        match owner_id {
            Some(owner) => {
                sqlx::query_as(wallet_select!(
                    "WHERE w.owner_id = ? AND w.seq < ? ORDER BY w.seq DESC LIMIT ?"
                ))
                .bind(owner)
                .bind(before_seq)
                .bind(limit)
                .fetch_all(&self.pool)
                .await
            }
            None => {
                sqlx::query_as(wallet_select!("WHERE w.seq < ? ORDER BY w.seq DESC LIMIT ?"))
                    .bind(before_seq)
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await
            }
        }
    }

    /// The wallets at an address, to credit incoming transfers in their history.
    pub async fn wallets_at(
        conn: &mut SqliteConnection,
        network: &str,
        address: &str,
    ) -> Result<Vec<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT id FROM wallets WHERE network = ? AND address = ?")
            .bind(network)
            .bind(address)
            .fetch_all(conn)
            .await
    }

    pub async fn key(&self, id: &str) -> Result<Option<KeyRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, curve, public_key, sealed, delegated_to, date_created FROM wallet_keys WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }
}
