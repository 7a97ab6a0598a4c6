//! Users' credentials, and the transactions that store them for a spent challenge.

use rusqlite::{Connection, Row, params};

use super::challenges::spend_challenge;
use super::{DbResult, Store, all, one, run};

/// A credential of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialRow {
    pub uuid: String,
    pub user_id: String,
    pub kind: String,
    pub credential_id: String,
    pub public_key_pem: String,
    pub sign_count: i64,
    pub name: String,
    pub is_active: bool,
    pub relying_party_id: String,
    pub origin: String,
    pub encrypted_private_key: Option<String>,
    pub date_created: String,
    /// When a recovery replaced it (unix ms): inactive for good.
    pub retired_at: Option<i64>,
}

impl CredentialRow {
    fn from_row(row: &Row<'_>) -> DbResult<Self> {
        Ok(Self {
            uuid: row.get(0)?,
            user_id: row.get(1)?,
            kind: row.get(2)?,
            credential_id: row.get(3)?,
            public_key_pem: row.get(4)?,
            sign_count: row.get(5)?,
            name: row.get(6)?,
            is_active: row.get(7)?,
            relying_party_id: row.get(8)?,
            origin: row.get(9)?,
            encrypted_private_key: row.get(10)?,
            date_created: row.get(11)?,
            retired_at: row.get(12)?,
        })
    }
}

// Column lists as macros so each query is one literal.
macro_rules! credential_columns {
    () => {
        "uuid, user_id, kind, credential_id, public_key_pem, sign_count, name, is_active, \
         relying_party_id, origin, encrypted_private_key, date_created, retired_at"
    };
}

impl Store {
    pub async fn insert_credential(&self, credential: &CredentialRow) -> DbResult<()> {
        self.write(|conn| insert_credential(conn, credential)).await
    }

    pub async fn credential_by_credential_id(
        &self,
        credential_id: &str,
    ) -> DbResult<Option<CredentialRow>> {
        self.read(|conn| {
            one(
                conn,
                concat!(
                    "SELECT ",
                    credential_columns!(),
                    " FROM credentials WHERE credential_id = ?"
                ),
                params![credential_id],
                CredentialRow::from_row,
            )
        })
    }

    pub async fn credentials_of(&self, user_id: &str) -> DbResult<Vec<CredentialRow>> {
        self.read(|conn| {
            all(
                conn,
                concat!(
                    "SELECT ",
                    credential_columns!(),
                    " FROM credentials WHERE user_id = ? ORDER BY date_created, uuid"
                ),
                params![user_id],
                CredentialRow::from_row,
            )
        })
    }

    /// The user's credential `uuid`.
    pub async fn credential_of(
        &self,
        user_id: &str,
        uuid: &str,
    ) -> DbResult<Option<CredentialRow>> {
        self.read(|conn| {
            one(
                conn,
                concat!(
                    "SELECT ",
                    credential_columns!(),
                    " FROM credentials WHERE uuid = ? AND user_id = ?"
                ),
                params![uuid, user_id],
                CredentialRow::from_row,
            )
        })
    }

    /// Sets `is_active` of the user's credential `uuid`; false when the user has no such
    /// credential, or when it would switch on a credential a recovery retired.
    pub async fn set_credential_active(
        &self,
        user_id: &str,
        uuid: &str,
        active: bool,
    ) -> DbResult<bool> {
        let done = self
            .write(|conn| {
                run(
                    conn,
                    "UPDATE credentials SET is_active = ?1 WHERE uuid = ?2 AND user_id = ?3 \
                     AND (retired_at IS NULL OR ?1 = 0)",
                    params![active, uuid, user_id],
                )
            })
            .await?;
        Ok(done == 1)
    }

    pub async fn set_sign_count(&self, uuid: &str, sign_count: i64) -> DbResult<()> {
        self.write(|conn| {
            run(
                conn,
                "UPDATE credentials SET sign_count = ? WHERE uuid = ?",
                params![sign_count, uuid],
            )
        })
        .await?;
        Ok(())
    }

    /// Completes a registration in one transaction: spends the challenge, stores the
    /// credentials and marks the user registered. False if the challenge was already spent.
    pub async fn complete_registration(
        &self,
        challenge_id: &str,
        user_id: &str,
        credentials: &[CredentialRow],
        now_ms: i64,
    ) -> DbResult<bool> {
        let tx = self.begin_write().await?;
        if !spend_challenge(&tx, challenge_id, now_ms)? {
            return Ok(false);
        }
        for credential in credentials {
            insert_credential(&tx, credential)?;
        }
        // Only a user not yet registered: a leftover temporary token must not add credentials.
        let done = run(
            &tx,
            "UPDATE users SET is_registered = 1 WHERE id = ? AND is_registered = 0",
            params![user_id],
        )?;
        if done != 1 {
            return Ok(false);
        }
        tx.commit().await?;
        self.forget_user(user_id);
        Ok(true)
    }

    /// Completes a recovery in one transaction: spends the challenge, retires every credential
    /// of the user, stores the new ones and ends the sessions issued before `now_ms`. False if
    /// the challenge was already spent.
    pub async fn complete_recovery(
        &self,
        challenge_id: &str,
        user_id: &str,
        credentials: &[CredentialRow],
        now_ms: i64,
    ) -> DbResult<bool> {
        let tx = self.begin_write().await?;
        if !spend_challenge(&tx, challenge_id, now_ms)? {
            return Ok(false);
        }
        run(
            &tx,
            "UPDATE credentials SET is_active = 0, retired_at = ? \
             WHERE user_id = ? AND retired_at IS NULL",
            params![now_ms, user_id],
        )?;
        for credential in credentials {
            insert_credential(&tx, credential)?;
        }
        run(
            &tx,
            "UPDATE users SET tokens_valid_after = MAX(tokens_valid_after, ?) WHERE id = ?",
            params![now_ms, user_id],
        )?;
        tx.commit().await?;
        self.forget_user(user_id);
        Ok(true)
    }

    /// Adds a credential for a spent new-credential challenge, in one transaction.
    pub async fn add_credential(
        &self,
        challenge_id: &str,
        credential: &CredentialRow,
        now_ms: i64,
    ) -> DbResult<bool> {
        let tx = self.begin_write().await?;
        if !spend_challenge(&tx, challenge_id, now_ms)? {
            return Ok(false);
        }
        insert_credential(&tx, credential)?;
        tx.commit().await?;
        Ok(true)
    }
}

fn insert_credential(conn: &Connection, credential: &CredentialRow) -> DbResult<()> {
    run(
        conn,
        concat!(
            "INSERT INTO credentials (",
            credential_columns!(),
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ),
        params![
            credential.uuid,
            credential.user_id,
            credential.kind,
            credential.credential_id,
            credential.public_key_pem,
            credential.sign_count,
            credential.name,
            credential.is_active,
            credential.relying_party_id,
            credential.origin,
            credential.encrypted_private_key,
            credential.date_created,
            credential.retired_at
        ],
    )?;
    Ok(())
}
