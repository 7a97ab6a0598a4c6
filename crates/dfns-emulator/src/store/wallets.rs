//! Wallets and their keys, stored together.

use rusqlite::{Connection, Row, params};

use super::{DbResult, Store, all, one, run};

/// A wallet joined with its key.
#[derive(Debug, Clone, PartialEq, Eq)]
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl WalletRow {
    fn from_row(row: &Row<'_>) -> DbResult<Self> {
        Ok(Self {
            seq: row.get(0)?,
            id: row.get(1)?,
            network: row.get(2)?,
            address: row.get(3)?,
            key_id: row.get(4)?,
            status: row.get(5)?,
            name: row.get(6)?,
            tags: row.get(7)?,
            owner_id: row.get(8)?,
            created_by: row.get(9)?,
            external_id: row.get(10)?,
            request_body: row.get(11)?,
            date_created: row.get(12)?,
            curve: row.get(13)?,
            public_key: row.get(14)?,
        })
    }
}

impl KeyRow {
    fn from_row(row: &Row<'_>) -> DbResult<Self> {
        Ok(Self {
            id: row.get(0)?,
            curve: row.get(1)?,
            public_key: row.get(2)?,
            sealed: row.get(3)?,
            delegated_to: row.get(4)?,
            date_created: row.get(5)?,
        })
    }
}

impl Store {
    pub async fn insert_wallet(&self, key: &KeyRow, wallet: &WalletRow) -> DbResult<()> {
        let tx = self.begin_write().await?;
        run(
            &tx,
            "INSERT INTO wallet_keys (id, curve, public_key, sealed, delegated_to, date_created) \
             VALUES (?, ?, ?, ?, ?, ?)",
            params![
                key.id,
                key.curve,
                key.public_key,
                key.sealed,
                key.delegated_to,
                key.date_created
            ],
        )?;
        run(
            &tx,
            "INSERT INTO wallets (id, network, address, key_id, status, name, tags, owner_id, \
             created_by, external_id, request_body, date_created) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            params![
                wallet.id,
                wallet.network,
                wallet.address,
                wallet.key_id,
                wallet.status,
                wallet.name,
                wallet.tags,
                wallet.owner_id,
                wallet.created_by,
                wallet.external_id,
                wallet.request_body,
                wallet.date_created
            ],
        )?;
        tx.commit().await
    }

    pub async fn wallet(&self, id: &str) -> DbResult<Option<WalletRow>> {
        self.read(|conn| {
            one(conn, wallet_select!("WHERE w.id = ?"), params![id], WalletRow::from_row)
        })
    }

    pub async fn wallet_by_external_id(&self, external_id: &str) -> DbResult<Option<WalletRow>> {
        self.read(|conn| {
            one(
                conn,
                wallet_select!("WHERE w.external_id = ?"),
                params![external_id],
                WalletRow::from_row,
            )
        })
    }

    pub async fn wallets_page(
        &self,
        owner_id: Option<&str>,
        before_seq: i64,
        limit: i64,
    ) -> DbResult<Vec<WalletRow>> {
        self.read(|conn| match owner_id {
            Some(owner) => all(
                conn,
                wallet_select!("WHERE w.owner_id = ? AND w.seq < ? ORDER BY w.seq DESC LIMIT ?"),
                params![owner, before_seq, limit],
                WalletRow::from_row,
            ),
            None => all(
                conn,
                wallet_select!("WHERE w.seq < ? ORDER BY w.seq DESC LIMIT ?"),
                params![before_seq, limit],
                WalletRow::from_row,
            ),
        })
    }

    pub fn wallets_at(conn: &Connection, network: &str, address: &str) -> DbResult<Vec<String>> {
        all(
            conn,
            "SELECT id FROM wallets WHERE network = ? AND address = ?",
            params![network, address],
            |row| row.get(0),
        )
    }

    pub async fn key(&self, id: &str) -> DbResult<Option<KeyRow>> {
        self.read(|conn| {
            one(
                conn,
                "SELECT id, curve, public_key, sealed, delegated_to, date_created FROM wallet_keys \
                 WHERE id = ?",
                params![id],
                KeyRow::from_row,
            )
        })
    }
}
