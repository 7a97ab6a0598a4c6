//! The emulator's state in one SQLite file. Every write that must happen once (a challenge
//! answered, a user action spent) is a conditional UPDATE, so two racing requests cannot both win.

use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{FromRow, SqlitePool};

mod wallets;
pub use wallets::*;

/// Handle to the database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: SqlitePool,
}

/// A user of the org.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct UserRow {
    pub id: String,
    pub org_id: String,
    pub username: String,
    pub kind: String,
    pub external_id: Option<String>,
    pub is_active: bool,
    pub is_registered: bool,
    pub tokens_valid_after: i64,
    pub date_created: String,
}

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
}

/// A challenge handed out.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ChallengeRow {
    pub id: String,
    pub kind: String,
    pub user_id: String,
    pub challenge: String,
    pub http_method: Option<String>,
    pub http_path: Option<String>,
    pub payload: Option<String>,
    pub credential_kind: Option<String>,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

/// A signed user action.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct UserActionRow {
    pub id: String,
    pub user_id: String,
    pub http_method: String,
    pub http_path: String,
    pub payload: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
}

// Column lists as macros so queries stay `&'static str` (sqlx only takes literal SQL).
macro_rules! user_columns {
    () => {
        "id, org_id, username, kind, external_id, is_active, is_registered, tokens_valid_after, \
         date_created"
    };
}
macro_rules! credential_columns {
    () => {
        "uuid, user_id, kind, credential_id, public_key_pem, sign_count, name, is_active, \
         relying_party_id, origin, encrypted_private_key, date_created"
    };
}

impl Store {
    /// Opens (creating if needed) `dfns-emulator.sqlite3` in `data_dir` and migrates it.
    pub async fn open(data_dir: &Path) -> Result<Self, sqlx::Error> {
        let path = data_dir.join("dfns-emulator.sqlite3");
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(std::time::Duration::from_secs(10));
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    /// Closes the pool, flushing the WAL.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub async fn setting(&self, key: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn put_setting(&self, key: &str, value: &str) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn insert_user(&self, user: &UserRow) -> Result<(), sqlx::Error> {
        sqlx::query(concat!(
            "INSERT INTO users (",
            user_columns!(),
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(&user.id)
        .bind(&user.org_id)
        .bind(&user.username)
        .bind(&user.kind)
        .bind(&user.external_id)
        .bind(user.is_active)
        .bind(user.is_registered)
        .bind(user.tokens_valid_after)
        .bind(&user.date_created)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn user(&self, id: &str) -> Result<Option<UserRow>, sqlx::Error> {
        sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserRow>, sqlx::Error> {
        sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE username = ?"))
            .bind(username)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn end_sessions(&self, user_id: &str, before_ms: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE users SET tokens_valid_after = ? WHERE id = ?")
            .bind(before_ms)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn insert_credential(&self, credential: &CredentialRow) -> Result<(), sqlx::Error> {
        insert_credential(&self.pool, credential).await
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

    /// Sets `is_active` of the user's credential `uuid`; false when the user has no such credential.
    pub async fn set_credential_active(
        &self,
        user_id: &str,
        uuid: &str,
        active: bool,
    ) -> Result<bool, sqlx::Error> {
        let done =
            sqlx::query("UPDATE credentials SET is_active = ? WHERE uuid = ? AND user_id = ?")
                .bind(active)
                .bind(uuid)
                .bind(user_id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn set_sign_count(&self, uuid: &str, sign_count: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE credentials SET sign_count = ? WHERE uuid = ?")
            .bind(sign_count)
            .bind(uuid)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn insert_challenge(&self, challenge: &ChallengeRow) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO challenges (id, kind, user_id, challenge, http_method, http_path, payload, \
             credential_kind, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&challenge.id)
        .bind(&challenge.kind)
        .bind(&challenge.user_id)
        .bind(&challenge.challenge)
        .bind(&challenge.http_method)
        .bind(&challenge.http_path)
        .bind(&challenge.payload)
        .bind(&challenge.credential_kind)
        .bind(challenge.expires_at)
        .bind(challenge.used_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn challenge(&self, id: &str) -> Result<Option<ChallengeRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, kind, user_id, challenge, http_method, http_path, payload, credential_kind, \
             expires_at, used_at FROM challenges WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Marks a challenge answered; false if it already was (a replay or a race lost).
    pub async fn spend_challenge(&self, id: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
        spend_challenge(&self.pool, id, now_ms).await
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

    pub async fn insert_user_action(&self, action: &UserActionRow) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO user_actions (id, user_id, http_method, http_path, payload, expires_at, used_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&action.id)
        .bind(&action.user_id)
        .bind(&action.http_method)
        .bind(&action.http_path)
        .bind(&action.payload)
        .bind(action.expires_at)
        .bind(action.used_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn user_action(&self, id: &str) -> Result<Option<UserActionRow>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, user_id, http_method, http_path, payload, expires_at, used_at \
             FROM user_actions WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    /// Spends a user action; false if it was already used.
    pub async fn spend_user_action(&self, id: &str, now_ms: i64) -> Result<bool, sqlx::Error> {
        let done =
            sqlx::query("UPDATE user_actions SET used_at = ? WHERE id = ? AND used_at IS NULL")
                .bind(now_ms)
                .bind(id)
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn revoke_token(&self, jti: &str, expires_at: i64) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT OR IGNORE INTO revoked_tokens (jti, expires_at) VALUES (?, ?)")
            .bind(jti)
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn is_revoked(&self, jti: &str) -> Result<bool, sqlx::Error> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM revoked_tokens WHERE jti = ?")
            .bind(jti)
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }
}

async fn spend_challenge<'e, E>(executor: E, id: &str, now_ms: i64) -> Result<bool, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Sqlite>,
{
    let done = sqlx::query("UPDATE challenges SET used_at = ? WHERE id = ? AND used_at IS NULL")
        .bind(now_ms)
        .bind(id)
        .execute(executor)
        .await?;
    Ok(done.rows_affected() == 1)
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
        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
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
    .execute(executor)
    .await?;
    Ok(())
}
