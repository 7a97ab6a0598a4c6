//! Users' credentials, and the transactions that store them for a spent challenge.

use sqlx::FromRow;

use super::Store;
use super::challenges::spend_challenge;

/// A credential of a user.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
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

// Column lists as macros so queries stay `&'static str` (sqlx only takes literal SQL).
macro_rules! credential_columns {
    () => {
        "uuid, user_id, kind, credential_id, public_key_pem, sign_count, name, is_active, \
         relying_party_id, origin, encrypted_private_key, date_created, retired_at"
    };
}

impl Store {
    pub async fn insert_credential(&self, credential: &CredentialRow) -> Result<(), sqlx::Error> {
        insert_credential(&self.writer, credential).await
    }

    pub async fn credential_by_credential_id(
        &self,
        credential_id: &str,
    ) -> Result<Option<CredentialRow>, sqlx::Error> {
        sqlx::query_as(concat!(
            "SELECT ",
            credential_columns!(),
            " FROM credentials WHERE credential_id = ?"
        ))
        .bind(credential_id)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn credentials_of(&self, user_id: &str) -> Result<Vec<CredentialRow>, sqlx::Error> {
        sqlx::query_as(concat!(
            "SELECT ",
            credential_columns!(),
            " FROM credentials WHERE user_id = ? ORDER BY date_created, uuid"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
    }

    /// The user's credential `uuid`.
    pub async fn credential_of(
        &self,
        user_id: &str,
        uuid: &str,
    ) -> Result<Option<CredentialRow>, sqlx::Error> {
        sqlx::query_as(concat!(
            "SELECT ",
            credential_columns!(),
            " FROM credentials WHERE uuid = ? AND user_id = ?"
        ))
        .bind(uuid)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Sets `is_active` of the user's credential `uuid`; false when the user has no such
    /// credential, or when it would switch on a credential a recovery retired.
    pub async fn set_credential_active(
        &self,
        user_id: &str,
        uuid: &str,
        active: bool,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE credentials SET is_active = ? WHERE uuid = ? AND user_id = ? \
             AND (retired_at IS NULL OR ? = 0)",
        )
        .bind(active)
        .bind(uuid)
        .bind(user_id)
        .bind(active)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn set_sign_count(&self, uuid: &str, sign_count: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE credentials SET sign_count = ? WHERE uuid = ?")
            .bind(sign_count)
            .bind(uuid)
            .execute(&self.writer)
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
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        if !spend_challenge(&mut *tx, challenge_id, now_ms).await? {
            return Ok(false);
        }
        for credential in credentials {
            insert_credential(&mut *tx, credential).await?;
        }
        // Only a user not yet registered: a leftover temporary token must not add credentials.
        let done =
            sqlx::query("UPDATE users SET is_registered = 1 WHERE id = ? AND is_registered = 0")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() != 1 {
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
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        if !spend_challenge(&mut *tx, challenge_id, now_ms).await? {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE credentials SET is_active = 0, retired_at = ? \
             WHERE user_id = ? AND retired_at IS NULL",
        )
        .bind(now_ms)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        for credential in credentials {
            insert_credential(&mut *tx, credential).await?;
        }
        sqlx::query(
            "UPDATE users SET tokens_valid_after = MAX(tokens_valid_after, ?) WHERE id = ?",
        )
        .bind(now_ms)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
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
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        if !spend_challenge(&mut *tx, challenge_id, now_ms).await? {
            return Ok(false);
        }
        insert_credential(&mut *tx, credential).await?;
        tx.commit().await?;
        Ok(true)
    }
}

async fn insert_credential<'e, E>(
    executor: E,
    credential: &CredentialRow,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    sqlx::query(concat!(
        "INSERT INTO credentials (",
        credential_columns!(),
        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    ))
    .bind(&credential.uuid)
    .bind(&credential.user_id)
    .bind(&credential.kind)
    .bind(&credential.credential_id)
    .bind(&credential.public_key_pem)
    .bind(credential.sign_count)
    .bind(&credential.name)
    .bind(credential.is_active)
    .bind(&credential.relying_party_id)
    .bind(&credential.origin)
    .bind(&credential.encrypted_private_key)
    .bind(&credential.date_created)
    .bind(credential.retired_at)
    .execute(executor)
    .await?;
    Ok(())
}
