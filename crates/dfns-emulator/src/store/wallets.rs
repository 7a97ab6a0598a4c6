//! Wallets, the simulated ledger, transfers, history and signatures. Lists page newest first
//! by `seq` through an index, so a page costs the same whatever the total. Writes that move
//! money run in `BEGIN IMMEDIATE` transactions: one writer at a time, no lost update.

use sqlx::{FromRow, Sqlite, SqliteConnection, Transaction};

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

/// A transfer as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
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

/// A signature as stored: the served JSON.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct SignatureRow {
    pub seq: i64,
    pub id: String,
    pub key_id: String,
    pub wallet_id: Option<String>,
    pub external_id: Option<String>,
    pub request_path: String,
    pub body: String,
}

/// A history item to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHistory {
    pub wallet_id: String,
    pub direction: String,
    pub kind: String,
    pub contract: Option<String>,
    pub item: String,
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

macro_rules! transfer_columns {
    () => {
        "seq, id, wallet_id, network, requester_id, token_id, request_body, asset, asset_kind, \
         from_address, to_address, amount, fee, status, reason, tx_hash, external_id, date_requested, \
         executing_at, broadcast_at, confirm_at, settled"
    };
}

/// The transaction type of ledger writes.
pub type Tx = Transaction<'static, Sqlite>;

impl Store {
    /// A write transaction that holds the database's write lock from its first statement.
    pub async fn begin_write(&self) -> Result<Tx, sqlx::Error> {
        self.pool.begin_with("BEGIN IMMEDIATE").await
    }

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
        .execute(&self.pool)
        .await?;
        Ok(())
    }

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

    pub async fn insert_transfer_in(
        conn: &mut SqliteConnection,
        row: &TransferRow,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(concat!(
            "INSERT INTO transfers (",
            transfer_columns!(),
            ") VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(&row.id)
        .bind(&row.wallet_id)
        .bind(&row.network)
        .bind(&row.requester_id)
        .bind(&row.token_id)
        .bind(&row.request_body)
        .bind(&row.asset)
        .bind(&row.asset_kind)
        .bind(&row.from_address)
        .bind(&row.to_address)
        .bind(&row.amount)
        .bind(&row.fee)
        .bind(&row.status)
        .bind(&row.reason)
        .bind(&row.tx_hash)
        .bind(&row.external_id)
        .bind(&row.date_requested)
        .bind(row.executing_at)
        .bind(row.broadcast_at)
        .bind(row.confirm_at)
        .bind(row.settled)
        .execute(conn)
        .await?;
        Ok(())
    }

    pub async fn transfer(&self, id: &str) -> Result<Option<TransferRow>, sqlx::Error> {
        sqlx::query_as(concat!("SELECT ", transfer_columns!(), " FROM transfers WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn transfer_by_external_id(
        &self,
        external_id: &str,
    ) -> Result<Option<TransferRow>, sqlx::Error> {
        sqlx::query_as(concat!(
            "SELECT ",
            transfer_columns!(),
            " FROM transfers WHERE external_id = ?"
        ))
        .bind(external_id)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn transfers_page(
        &self,
        wallet_id: &str,
        before_seq: i64,
        limit: i64,
    ) -> Result<Vec<TransferRow>, sqlx::Error> {
        sqlx::query_as(concat!(
            "SELECT ",
            transfer_columns!(),
            " FROM transfers WHERE wallet_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?"
        ))
        .bind(wallet_id)
        .bind(before_seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    /// Transfers not yet final whose next step is due at `now_ms`.
    pub async fn open_transfers(&self, now_ms: i64) -> Result<Vec<TransferRow>, sqlx::Error> {
        sqlx::query_as(concat!(
            "SELECT ",
            transfer_columns!(),
            " FROM transfers WHERE settled = 0 AND executing_at <= ? ORDER BY seq"
        ))
        .bind(now_ms)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn set_transfer_status(&self, id: &str, status: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE transfers SET status = ? WHERE id = ? AND settled = 0")
            .bind(status)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Marks a transfer final; false if another settle got there first.
    pub async fn finish_transfer_in(
        conn: &mut SqliteConnection,
        id: &str,
        status: &str,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE transfers SET status = ?, settled = 1 WHERE id = ? AND settled = 0",
        )
        .bind(status)
        .bind(id)
        .execute(conn)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn insert_history_in(
        conn: &mut SqliteConnection,
        item: &NewHistory,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO history (wallet_id, direction, kind, contract, item) VALUES (?, ?, ?, ?, ?)")
            .bind(&item.wallet_id)
            .bind(&item.direction)
            .bind(&item.kind)
            .bind(&item.contract)
            .bind(&item.item)
            .execute(conn)
            .await?;
        Ok(())
    }

    /// One page of a wallet's history, newest first, filtered.
    pub async fn history_page(
        &self,
        wallet_id: &str,
        filter: &HistoryFilter,
        before_seq: i64,
        limit: i64,
    ) -> Result<Vec<(i64, String)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT seq, item FROM history WHERE wallet_id = ? AND seq < ? \
             AND (?3 IS NULL OR direction = ?3) AND (?4 IS NULL OR kind = ?4) AND (?5 IS NULL OR contract = ?5) \
             ORDER BY seq DESC LIMIT ?6",
        )
        .bind(wallet_id)
        .bind(before_seq)
        .bind(&filter.direction)
        .bind(&filter.kind)
        .bind(&filter.contract)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn insert_signature(&self, row: &SignatureRow) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO signatures (id, key_id, wallet_id, external_id, request_path, body) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&row.id)
        .bind(&row.key_id)
        .bind(&row.wallet_id)
        .bind(&row.external_id)
        .bind(&row.request_path)
        .bind(&row.body)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn signature(&self, id: &str) -> Result<Option<SignatureRow>, sqlx::Error> {
        sqlx::query_as("SELECT seq, id, key_id, wallet_id, external_id, request_path, body FROM signatures WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn signature_by_external_id(
        &self,
        external_id: &str,
    ) -> Result<Option<SignatureRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT seq, id, key_id, wallet_id, external_id, request_path, body FROM signatures WHERE external_id = ?",
        )
        .bind(external_id)
        .fetch_optional(&self.pool)
        .await
    }

    /// One page of a key's signatures, newest first.
    pub async fn signatures_page(
        &self,
        key_id: &str,
        before_seq: i64,
        limit: i64,
    ) -> Result<Vec<SignatureRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT seq, id, key_id, wallet_id, external_id, request_path, body FROM signatures \
             WHERE key_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
        )
        .bind(key_id)
        .bind(before_seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }
}

/// The filters of `GET /wallets/{id}/history`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HistoryFilter {
    pub direction: Option<String>,
    pub kind: Option<String>,
    pub contract: Option<String>,
}
