//! Signatures, as served.

use sqlx::FromRow;

use super::Store;

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

impl Store {
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
        .execute(&self.writer)
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
