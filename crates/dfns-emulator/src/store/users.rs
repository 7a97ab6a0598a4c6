//! The org's users.

use sqlx::FromRow;

use super::Store;

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

// Column lists as macros so queries stay `&'static str` (sqlx only takes literal SQL).
macro_rules! user_columns {
    () => {
        "id, org_id, username, kind, external_id, is_active, is_registered, tokens_valid_after, \
         date_created"
    };
}

impl Store {
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
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub(super) async fn user_from_database(
        &self,
        id: &str,
    ) -> Result<Option<UserRow>, sqlx::Error> {
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
            .execute(&self.writer)
            .await?;
        self.forget_user(user_id);
        Ok(())
    }
}
