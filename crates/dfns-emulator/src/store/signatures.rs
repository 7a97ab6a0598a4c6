//! Signatures, as served.

use rusqlite::{Row, params};

use super::{DbResult, Store, all, one, run};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureRow {
    pub seq: i64,
    pub id: String,
    pub key_id: String,
    pub wallet_id: Option<String>,
    pub external_id: Option<String>,
    pub request_path: String,
    pub body: String,
}

impl SignatureRow {
    fn from_row(row: &Row<'_>) -> DbResult<Self> {
        Ok(Self {
            seq: row.get(0)?,
            id: row.get(1)?,
            key_id: row.get(2)?,
            wallet_id: row.get(3)?,
            external_id: row.get(4)?,
            request_path: row.get(5)?,
            body: row.get(6)?,
        })
    }
}

macro_rules! signature_select {
    ($rest:literal) => {
        concat!(
            "SELECT seq, id, key_id, wallet_id, external_id, request_path, body FROM signatures ",
            $rest
        )
    };
}

impl Store {
    pub async fn insert_signature(&self, row: &SignatureRow) -> DbResult<()> {
        self.write(|conn| {
            run(
                conn,
                "INSERT INTO signatures (id, key_id, wallet_id, external_id, request_path, body) \
                 VALUES (?, ?, ?, ?, ?, ?)",
                params![
                    row.id,
                    row.key_id,
                    row.wallet_id,
                    row.external_id,
                    row.request_path,
                    row.body
                ],
            )
        })
        .await?;
        Ok(())
    }

    pub async fn signature(&self, id: &str) -> DbResult<Option<SignatureRow>> {
        self.read(|conn| {
            one(conn, signature_select!("WHERE id = ?"), params![id], SignatureRow::from_row)
        })
    }

    pub async fn signature_by_external_id(
        &self,
        external_id: &str,
    ) -> DbResult<Option<SignatureRow>> {
        self.read(|conn| {
            one(
                conn,
                signature_select!("WHERE external_id = ?"),
                params![external_id],
                SignatureRow::from_row,
            )
        })
    }

    pub async fn signatures_page(
        &self,
        key_id: &str,
        before_seq: i64,
        limit: i64,
    ) -> DbResult<Vec<SignatureRow>> {
        self.read(|conn| {
            all(
                conn,
                signature_select!("WHERE key_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?"),
                params![key_id, before_seq, limit],
                SignatureRow::from_row,
            )
        })
    }
}
