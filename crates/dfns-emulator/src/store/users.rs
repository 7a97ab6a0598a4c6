//! The org's users.

use rusqlite::{Row, params};

use super::{DbResult, Store, one, run};

/// A user of the org.
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl UserRow {
    fn from_row(row: &Row<'_>) -> DbResult<Self> {
        Ok(Self {
            id: row.get(0)?,
            org_id: row.get(1)?,
            username: row.get(2)?,
            kind: row.get(3)?,
            external_id: row.get(4)?,
            is_active: row.get(5)?,
            is_registered: row.get(6)?,
            tokens_valid_after: row.get(7)?,
            date_created: row.get(8)?,
        })
    }
}

// Column lists as macros so each query is one literal.
macro_rules! user_columns {
    () => {
        "id, org_id, username, kind, external_id, is_active, is_registered, tokens_valid_after, \
         date_created"
    };
}

impl Store {
    pub async fn insert_user(&self, user: &UserRow) -> DbResult<()> {
        self.write(|conn| {
            run(
                conn,
                concat!(
                    "INSERT INTO users (",
                    user_columns!(),
                    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                ),
                params![
                    user.id,
                    user.org_id,
                    user.username,
                    user.kind,
                    user.external_id,
                    user.is_active,
                    user.is_registered,
                    user.tokens_valid_after,
                    user.date_created
                ],
            )
        })
        .await?;
        Ok(())
    }

    pub(super) fn user_from_database(&self, id: &str) -> DbResult<Option<UserRow>> {
        self.read(|conn| {
            one(
                conn,
                concat!("SELECT ", user_columns!(), " FROM users WHERE id = ?"),
                params![id],
                UserRow::from_row,
            )
        })
    }

    pub async fn user_by_username(&self, username: &str) -> DbResult<Option<UserRow>> {
        self.read(|conn| {
            one(
                conn,
                concat!("SELECT ", user_columns!(), " FROM users WHERE username = ?"),
                params![username],
                UserRow::from_row,
            )
        })
    }

    pub async fn end_sessions(&self, user_id: &str, before_ms: i64) -> DbResult<()> {
        self.write(|conn| {
            run(
                conn,
                "UPDATE users SET tokens_valid_after = ? WHERE id = ?",
                params![before_ms, user_id],
            )
        })
        .await?;
        self.forget_user(user_id);
        Ok(())
    }
}
