//! Wallets the companion provisions for a user, keyed by the idempotent `externalId` it sends
//! to Dfns: a retry after a crash finds the record and creates nothing twice.
//!
//! The protocol: [`Store::begin_provisioning`] (insert-if-absent) → if the record has no wallet
//! yet, create the wallet at Dfns with that `externalId` (Dfns answers with the existing wallet
//! for a known `externalId`) → [`Store::finish_provisioning`] with the wallet id.

use crate::store::Store;
use crate::store::error::{Result, StoreError, is_unique_violation};
use crate::store::ids::UserId;

/// One wallet provisioned (or being provisioned) for a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provisioning {
    /// The `externalId` sent to Dfns; unique.
    pub external_id: String,
    /// Whose wallet it is.
    pub user_id: UserId,
    /// The Dfns network (e.g. `EthereumSepolia`).
    pub network: String,
    /// The Dfns wallet id once Dfns created it.
    pub wallet_id: Option<String>,
    /// When provisioning started, Unix ms.
    pub created_at: i64,
    /// When the wallet id was recorded, Unix ms.
    pub completed_at: Option<i64>,
}

type ProvisioningRow = (String, String, String, Option<String>, i64, Option<i64>);

/// The columns of a [`ProvisioningRow`], in order.
macro_rules! provisioning_columns {
    () => {
        "external_id, user_id, network, wallet_id, created_at, completed_at"
    };
}

fn provisioning_from_row(
    (external_id, user_id, network, wallet_id, created_at, completed_at): ProvisioningRow,
) -> Provisioning {
    Provisioning {
        external_id,
        user_id: UserId::from_db(user_id),
        network,
        wallet_id,
        created_at,
        completed_at,
    }
}

impl Store {
    /// Records that a wallet on `network` is being provisioned for `user_id` under
    /// `external_id`, unless that record exists: returns the record either way (check
    /// `wallet_id`). `CONFLICT` if the `external_id` is taken by another user or network.
    pub async fn begin_provisioning(
        &self,
        user_id: &UserId,
        network: &str,
        external_id: &str,
        now_ms: i64,
    ) -> Result<Provisioning> {
        sqlx::query(
            "INSERT INTO wallet_provisioning (external_id, user_id, network, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (external_id) DO NOTHING",
        )
        .bind(external_id)
        .bind(user_id.as_str())
        .bind(network)
        .bind(now_ms)
        .execute(&self.pool)
        .await
        .map_err(|error| match &error {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::NotFound { what: "user" }
            }
            _ => error.into(),
        })?;
        let record = self
            .provisioning(external_id)
            .await?
            .ok_or(StoreError::Corrupt { what: format!("provisioning {external_id} vanished") })?;
        if record.user_id != *user_id || record.network != network {
            return Err(StoreError::Conflict { what: "wallet provisioning externalId" });
        }
        Ok(record)
    }

    /// Records the Dfns wallet made for `external_id`. Recording the same wallet again is a
    /// no-op; another wallet for the record fails with `CONFLICT`; an unknown record with
    /// `NOT_FOUND`.
    pub async fn finish_provisioning(
        &self,
        external_id: &str,
        wallet_id: &str,
        now_ms: i64,
    ) -> Result<Provisioning> {
        let updated = sqlx::query_as::<_, ProvisioningRow>(concat!(
            "UPDATE wallet_provisioning SET wallet_id = $2, completed_at = $3 \
             WHERE external_id = $1 AND wallet_id IS NULL RETURNING ",
            provisioning_columns!()
        ))
        .bind(external_id)
        .bind(wallet_id)
        .bind(now_ms)
        .fetch_optional(&self.pool)
        .await
        .map_err(|error| {
            if is_unique_violation(&error) {
                StoreError::Conflict { what: "wallet id" }
            } else {
                error.into()
            }
        })?;
        if let Some(row) = updated {
            let record = provisioning_from_row(row);
            tracing::info!(user_id = %record.user_id, external_id, wallet_id, "wallet provisioned");
            return Ok(record);
        }
        match self.provisioning(external_id).await? {
            None => Err(StoreError::NotFound { what: "wallet provisioning" }),
            Some(record) if record.wallet_id.as_deref() == Some(wallet_id) => Ok(record),
            Some(_) => Err(StoreError::Conflict { what: "wallet provisioning wallet id" }),
        }
    }

    /// The provisioning record of an `externalId`.
    pub async fn provisioning(&self, external_id: &str) -> Result<Option<Provisioning>> {
        let row = sqlx::query_as::<_, ProvisioningRow>(concat!(
            "SELECT ",
            provisioning_columns!(),
            " FROM wallet_provisioning WHERE external_id = $1"
        ))
        .bind(external_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(provisioning_from_row))
    }

    /// Every provisioning record of a user, oldest first.
    pub async fn provisioning_for_user(&self, user_id: &UserId) -> Result<Vec<Provisioning>> {
        let rows = sqlx::query_as::<_, ProvisioningRow>(concat!(
            "SELECT ",
            provisioning_columns!(),
            " FROM wallet_provisioning WHERE user_id = $1 ORDER BY created_at, external_id"
        ))
        .bind(user_id.as_str())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(provisioning_from_row).collect())
    }
}
