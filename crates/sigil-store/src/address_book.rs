//! The person's address book: a name for each recipient they saved, per network, in the journal's
//! file (see `migrations/journal/0003_address_book.sql`). Addresses are stored as given: the
//! caller checks and canonicalises them first, so one address has one row.

use std::sync::Arc;

use sqlx::sqlite::SqlitePool;

use crate::JournalError;
use crate::sqlite::Failure;

/// A saved recipient.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Contact {
    /// The Dfns network.
    pub network: String,
    /// The address, canonical for its network.
    pub address: String,
    /// The name the person gave it.
    pub name: String,
    /// When it was first saved.
    pub created_at_ms: i64,
    /// When it was last named.
    pub updated_at_ms: i64,
}

/// The address book of every person who signed in on this computer, each apart by owner.
#[derive(Debug, Clone)]
pub struct AddressBook {
    pub(crate) pool: SqlitePool,
    pub(crate) path: Arc<str>,
}

impl AddressBook {
    fn error(&self, err: &sqlx::Error) -> JournalError {
        crate::journal::journal_error(&self.path, Failure::of(err))
    }

    /// `owner`'s contacts, by name (then network and address).
    pub async fn list(&self, owner: &str) -> Result<Vec<Contact>, JournalError> {
        sqlx::query_as(
            "SELECT network, address, name, created_at_ms, updated_at_ms FROM address_book \
             WHERE owner = ? ORDER BY name COLLATE NOCASE, network, address",
        )
        .bind(owner)
        .fetch_all(&self.pool)
        .await
        .map_err(|err| self.error(&err))
    }

    /// Saves `address` on `network` as `name` for `owner`: a new contact, or a new name for one
    /// already saved. Returns it as stored.
    pub async fn save(
        &self,
        owner: &str,
        network: &str,
        address: &str,
        name: &str,
        now_ms: i64,
    ) -> Result<Contact, JournalError> {
        for (field, value) in
            [("owner", owner), ("network", network), ("address", address), ("name", name)]
        {
            if value.is_empty() {
                return Err(JournalError::InvalidOperation { field, reason: "is empty".into() });
            }
        }
        sqlx::query_as(
            "INSERT INTO address_book (owner, network, address, name, created_at_ms, updated_at_ms) \
             VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (owner, network, address) \
             DO UPDATE SET name = excluded.name, updated_at_ms = excluded.updated_at_ms \
             RETURNING network, address, name, created_at_ms, updated_at_ms",
        )
        .bind(owner)
        .bind(network)
        .bind(address)
        .bind(name)
        .bind(now_ms)
        .bind(now_ms)
        .fetch_one(&self.pool)
        .await
        .map_err(|err| self.error(&err))
    }

    /// Forgets `address` on `network` for `owner`; says whether it was saved.
    pub async fn delete(
        &self,
        owner: &str,
        network: &str,
        address: &str,
    ) -> Result<bool, JournalError> {
        let done =
            sqlx::query("DELETE FROM address_book WHERE owner = ? AND network = ? AND address = ?")
                .bind(owner)
                .bind(network)
                .bind(address)
                .execute(&self.pool)
                .await
                .map_err(|err| self.error(&err))?;
        Ok(done.rows_affected() > 0)
    }
}
