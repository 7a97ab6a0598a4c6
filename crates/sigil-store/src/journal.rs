//! The operation journal: every signed action of the user is recorded here *before* anything is
//! sent to Dfns, so an operation whose outcome is unknown (a crash, a timeout) can be reconciled by
//! its external id and nothing is ever sent twice.
//!
//! It is its own SQLite file, apart from the cache (rebuilding the cache never touches it), and it
//! is never rebuilt silently: a damaged file, one written by a newer Sigil or one that cannot be
//! written is an error the user sees. Operations are never deleted. The person's address book
//! lives in the same file ([`crate::AddressBook`]). Times are given by the caller; the journal
//! never reads the clock.

use std::path::Path;
use std::sync::Arc;

use sqlx::migrate::Migrator;
use sqlx::sqlite::SqlitePool;

use crate::JournalError;
use crate::sqlite::{self, Durability, Failure};

/// The journal schema, `migrations/journal`, embedded in the binary.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations/journal");

/// Where an operation stands. It only moves forward:
/// `Prepared → Initiated → Signed → Sent → Done | Failed`, steps may be skipped, and any
/// unfinished operation may end as `Failed` or `Abandoned`. `Done`, `Failed` and `Abandoned` are
/// final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperationState {
    /// Recorded; nothing sent yet.
    Prepared,
    /// The user-action challenge was asked for (`*_init`).
    Initiated,
    /// The user signed the challenge with their passkey.
    Signed,
    /// The request went out; its outcome is unknown until confirmed.
    Sent,
    /// Dfns accepted it; `result` holds the answer.
    Done,
    /// It failed for certain; `result` holds the error.
    Failed,
    /// Given up before it was sent (or after reconciling showed it never arrived).
    Abandoned,
}

impl OperationState {
    /// Every state, in order.
    pub const ALL: [Self; 7] = [
        Self::Prepared,
        Self::Initiated,
        Self::Signed,
        Self::Sent,
        Self::Done,
        Self::Failed,
        Self::Abandoned,
    ];

    /// The state as stored (lower case, e.g. `"sent"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Prepared => "prepared",
            Self::Initiated => "initiated",
            Self::Signed => "signed",
            Self::Sent => "sent",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::Abandoned => "abandoned",
        }
    }

    /// The state named `value` (as [`OperationState::as_str`] writes it).
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == value)
    }

    /// Whether the operation is over (`Done`, `Failed` or `Abandoned`).
    pub fn is_final(self) -> bool {
        matches!(self, Self::Done | Self::Failed | Self::Abandoned)
    }

    /// Whether an operation in this state may move to `to`.
    pub fn can_advance_to(self, to: Self) -> bool {
        !self.is_final() && to.rank() > self.rank()
    }

    /// How far along the state is; every final state is as far as it goes.
    fn rank(self) -> u8 {
        match self {
            Self::Prepared => 0,
            Self::Initiated => 1,
            Self::Signed => 2,
            Self::Sent => 3,
            Self::Done | Self::Failed | Self::Abandoned => 4,
        }
    }
}

impl std::fmt::Display for OperationState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An operation to record, before anything of it is sent.
#[derive(Debug, Clone, Copy)]
pub struct NewOperation<'a> {
    /// What it is: `"transfer"`, `"signature"`, `"create-wallet"`, `"add-passkey"`,
    /// `"deactivate-passkey"`, `"registration"`…
    pub kind: &'a str,
    /// The Dfns user id (or the company's user id before registration).
    pub owner: &'a str,
    /// The idempotency id sent to Dfns, unique per owner.
    pub external_id: Option<&'a str>,
    /// The HTTP method, e.g. `"POST"`.
    pub method: &'a str,
    /// The request path, e.g. `"/wallets/wa-1/transfers"`.
    pub path: &'a str,
    /// The exact body that is signed and sent.
    pub body: &'a str,
    /// JSON text of the human-readable intent.
    pub intent: &'a str,
    /// JSON array of the warnings shown with it.
    pub warnings: &'a str,
}

/// An operation as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// `op-` and 32 hex digits.
    pub id: String,
    /// What it is (see [`NewOperation::kind`]).
    pub kind: String,
    /// The Dfns user id (or the company's user id before registration).
    pub owner: String,
    /// The idempotency id sent to Dfns.
    pub external_id: Option<String>,
    /// The HTTP method.
    pub method: String,
    /// The request path.
    pub path: String,
    /// The exact body that is signed and sent.
    pub body: String,
    /// JSON text of the human-readable intent.
    pub intent: String,
    /// JSON array of the warnings shown with it.
    pub warnings: String,
    /// Where it stands.
    pub state: OperationState,
    /// JSON of the final answer or error, once known.
    pub result: Option<String>,
    /// When it was recorded, Unix milliseconds.
    pub created_at_ms: i64,
    /// When it last moved, Unix milliseconds.
    pub updated_at_ms: i64,
}

/// The operation journal. Cheap to clone (one shared pool).
#[derive(Clone)]
pub struct Journal {
    pool: SqlitePool,
    /// The file, for messages (`:memory:` in memory).
    path: Arc<str>,
}

impl std::fmt::Debug for Journal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Journal").field("path", &self.path).finish_non_exhaustive()
    }
}

// The columns of `Operation`, in its field order; a macro so queries stay `&'static str`.
macro_rules! columns {
    () => {
        "id, kind, owner, external_id, method, path, body, intent, warnings, state, result, \
         created_at_ms, updated_at_ms"
    };
}

/// One row of `operations`, before its state is parsed.
#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    kind: String,
    owner: String,
    external_id: Option<String>,
    method: String,
    path: String,
    body: String,
    intent: String,
    warnings: String,
    state: String,
    result: Option<String>,
    created_at_ms: i64,
    updated_at_ms: i64,
}

impl Journal {
    /// Opens the journal file at `path` (creating its folder and the file if need be).
    ///
    /// Fails with `JOURNAL_CORRUPT`, `JOURNAL_TOO_NEW` or `JOURNAL_UNAVAILABLE` and leaves the file
    /// as it found it: the journal may hold the only record of an operation under way.
    pub async fn open(path: &Path) -> Result<Self, JournalError> {
        let shown: Arc<str> = path.display().to_string().into();
        match sqlite::open_file(path, &MIGRATOR, Durability::Full).await {
            Ok(pool) => {
                tracing::info!(path = %shown, "operation journal ready");
                Ok(Self { pool, path: shown })
            }
            Err(failure) => {
                let err = journal_error(&shown, failure);
                tracing::error!(
                    path = %shown, code = %err.code(), error = %err,
                    "the operation journal cannot be opened"
                );
                Err(err)
            }
        }
    }

    /// An empty journal in memory (tests, and sessions that must leave nothing behind).
    pub async fn in_memory() -> Result<Self, JournalError> {
        let path: Arc<str> = ":memory:".into();
        match sqlite::open_memory(&MIGRATOR).await {
            Ok(pool) => Ok(Self { pool, path }),
            Err(failure) => Err(journal_error(&path, failure)),
        }
    }

    /// The person's address book, kept in the journal's file.
    pub fn address_book(&self) -> crate::AddressBook {
        crate::AddressBook { pool: self.pool.clone(), path: self.path.clone() }
    }

    /// Closes every connection (the file is then complete on disk); later calls fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    fn error(&self, err: &sqlx::Error) -> JournalError {
        journal_error(&self.path, Failure::of(err))
    }

    /// Records `new` as `Prepared` at `now_ms` and returns it with its new id.
    ///
    /// A second operation with the same owner and external id is refused with
    /// `JOURNAL_DUPLICATE`, naming the one already recorded. Fields that cannot be right (an
    /// empty kind, owner, method or path, an empty external id, an intent that is not JSON) are
    /// refused with `JOURNAL_INVALID_OPERATION`.
    pub async fn record(
        &self,
        new: &NewOperation<'_>,
        now_ms: i64,
    ) -> Result<Operation, JournalError> {
        check_new(new)?;
        let operation = Operation {
            id: new_id()?,
            kind: new.kind.to_owned(),
            owner: new.owner.to_owned(),
            external_id: new.external_id.map(str::to_owned),
            method: new.method.to_owned(),
            path: new.path.to_owned(),
            body: new.body.to_owned(),
            intent: new.intent.to_owned(),
            warnings: new.warnings.to_owned(),
            state: OperationState::Prepared,
            result: None,
            created_at_ms: now_ms,
            updated_at_ms: now_ms,
        };
        let inserted = sqlx::query(concat!(
            "INSERT INTO operations (",
            columns!(),
            ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        ))
        .bind(&operation.id)
        .bind(&operation.kind)
        .bind(&operation.owner)
        .bind(&operation.external_id)
        .bind(&operation.method)
        .bind(&operation.path)
        .bind(&operation.body)
        .bind(&operation.intent)
        .bind(&operation.warnings)
        .bind(operation.state.as_str())
        .bind(&operation.result)
        .bind(operation.created_at_ms)
        .bind(operation.updated_at_ms)
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => {
                tracing::info!(id = %operation.id, kind = %operation.kind, "operation recorded");
                Ok(operation)
            }
            Err(err) if sqlite::is_unique_violation(&err) => {
                let existing = match new.external_id {
                    Some(external_id) => self.by_external_id(new.owner, external_id).await?,
                    None => None,
                };
                match (existing, new.external_id) {
                    (Some(existing), Some(external_id)) => Err(JournalError::Duplicate {
                        external_id: external_id.to_owned(),
                        existing: existing.id,
                    }),
                    // Only a clash of random ids could get here.
                    _ => Err(self.error(&err)),
                }
            }
            Err(err) => Err(self.error(&err)),
        }
    }

    /// Moves operation `id` to `to` at `now_ms` and returns it as it now stands. `result` (JSON of
    /// the answer or error) replaces the stored one when given; `None` keeps what is there.
    ///
    /// Only forward moves are allowed (see [`OperationState`]); anything else is
    /// `JOURNAL_INVALID_TRANSITION`, and an unknown id is `JOURNAL_NOT_FOUND`. Two callers moving
    /// one operation at once cannot both win from the same state: the move is a conditional
    /// update, and the loser is judged again against the state the winner left.
    pub async fn advance(
        &self,
        id: &str,
        to: OperationState,
        result: Option<&str>,
        now_ms: i64,
    ) -> Result<Operation, JournalError> {
        if let Some(result) = result {
            check_json("result", result)?;
        }
        // Each lost race means the state moved forward, so this ends within a few rounds.
        loop {
            let mut current =
                self.get(id).await?.ok_or_else(|| JournalError::NotFound(id.to_owned()))?;
            if !current.state.can_advance_to(to) {
                return Err(JournalError::InvalidTransition {
                    id: id.to_owned(),
                    from: current.state,
                    to,
                });
            }
            if self.update_if(id, current.state, to, result, now_ms).await? {
                tracing::info!(id, from = %current.state, %to, "operation advanced");
                current.state = to;
                if let Some(result) = result {
                    current.result = Some(result.to_owned());
                }
                current.updated_at_ms = now_ms;
                return Ok(current);
            }
            tracing::debug!(id, %to, "operation moved meanwhile: checking again");
        }
    }

    /// Moves operation `id` to `to` only if it is still in state `from`; `false` when it was not.
    async fn update_if(
        &self,
        id: &str,
        from: OperationState,
        to: OperationState,
        result: Option<&str>,
        now_ms: i64,
    ) -> Result<bool, JournalError> {
        let updated = sqlx::query(
            "UPDATE operations SET state = ?, result = COALESCE(?, result), updated_at_ms = ? \
             WHERE id = ? AND state = ?",
        )
        .bind(to.as_str())
        .bind(result)
        .bind(now_ms)
        .bind(id)
        .bind(from.as_str())
        .execute(&self.pool)
        .await
        .map_err(|err| self.error(&err))?;
        Ok(updated.rows_affected() == 1)
    }

    /// The operation `id`, if recorded.
    pub async fn get(&self, id: &str) -> Result<Option<Operation>, JournalError> {
        let row: Option<Row> =
            sqlx::query_as(concat!("SELECT ", columns!(), " FROM operations WHERE id = ?"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(|err| self.error(&err))?;
        row.map(|row| self.operation(row)).transpose()
    }

    /// The operation of `owner` recorded with `external_id`, if any.
    pub async fn by_external_id(
        &self,
        owner: &str,
        external_id: &str,
    ) -> Result<Option<Operation>, JournalError> {
        let row: Option<Row> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM operations WHERE owner = ? AND external_id = ?"
        ))
        .bind(owner)
        .bind(external_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|err| self.error(&err))?;
        row.map(|row| self.operation(row)).transpose()
    }

    /// The operations of `owner` that are not over (not `Done`, `Failed` or `Abandoned`), oldest
    /// first: what must be reconciled before anything new is sent.
    pub async fn unfinished(&self, owner: &str) -> Result<Vec<Operation>, JournalError> {
        let rows: Vec<Row> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM operations WHERE owner = ? AND state NOT IN ('done', 'failed', 'abandoned') \
             ORDER BY created_at_ms, seq"
        ))
        .bind(owner)
        .fetch_all(&self.pool)
        .await
        .map_err(|err| self.error(&err))?;
        rows.into_iter().map(|row| self.operation(row)).collect()
    }

    /// Every operation of `owner` of `kind` recorded at or after `since_ms`, oldest first: what the
    /// guardrails count (sends of the last day, addresses ever sent to).
    pub async fn of_kind_since(
        &self,
        owner: &str,
        kind: &str,
        since_ms: i64,
    ) -> Result<Vec<Operation>, JournalError> {
        let rows: Vec<Row> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM operations WHERE owner = ? AND kind = ? AND created_at_ms >= ? \
             ORDER BY created_at_ms, seq"
        ))
        .bind(owner)
        .bind(kind)
        .bind(since_ms)
        .fetch_all(&self.pool)
        .await
        .map_err(|err| self.error(&err))?;
        rows.into_iter().map(|row| self.operation(row)).collect()
    }

    /// At most `limit` operations of `owner`, newest first.
    pub async fn recent(&self, owner: &str, limit: u32) -> Result<Vec<Operation>, JournalError> {
        let rows: Vec<Row> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM operations WHERE owner = ? ORDER BY created_at_ms DESC, seq DESC LIMIT ?"
        ))
        .bind(owner)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(|err| self.error(&err))?;
        rows.into_iter().map(|row| self.operation(row)).collect()
    }

    fn operation(&self, row: Row) -> Result<Operation, JournalError> {
        // The schema's CHECK allows only known states; anything else is damage.
        let state = OperationState::parse(&row.state).ok_or_else(|| JournalError::Corrupt {
            path: self.path.to_string(),
            detail: format!("operation {} has the unknown state {:?}", row.id, row.state),
        })?;
        Ok(Operation {
            id: row.id,
            kind: row.kind,
            owner: row.owner,
            external_id: row.external_id,
            method: row.method,
            path: row.path,
            body: row.body,
            intent: row.intent,
            warnings: row.warnings,
            state,
            result: row.result,
            created_at_ms: row.created_at_ms,
            updated_at_ms: row.updated_at_ms,
        })
    }
}

pub(crate) fn journal_error(path: &str, failure: Failure) -> JournalError {
    let path = path.to_owned();
    match failure {
        Failure::Corrupt(detail) => JournalError::Corrupt { path, detail },
        Failure::TooNew { found, known } => JournalError::TooNew { path, found, known },
        Failure::Unavailable(detail) => JournalError::Unavailable { path, detail },
        Failure::Other(detail) => JournalError::Failed(detail),
    }
}

/// Refuses fields that cannot be right, before anything is written.
fn check_new(new: &NewOperation<'_>) -> Result<(), JournalError> {
    for (field, value) in
        [("kind", new.kind), ("owner", new.owner), ("method", new.method), ("path", new.path)]
    {
        if value.is_empty() {
            return Err(JournalError::InvalidOperation { field, reason: "is empty".to_owned() });
        }
    }
    if new.external_id == Some("") {
        return Err(JournalError::InvalidOperation {
            field: "external id",
            reason: "is empty (give none instead)".to_owned(),
        });
    }
    check_json("intent", new.intent)?;
    check_json("warnings", new.warnings)
}

fn check_json(field: &'static str, text: &str) -> Result<(), JournalError> {
    serde_json::from_str::<serde::de::IgnoredAny>(text).map(drop).map_err(|err| {
        JournalError::InvalidOperation { field, reason: format!("is not JSON ({err})") }
    })
}

/// A new operation id: `op-` and 16 random bytes in hex.
fn new_id() -> Result<String, JournalError> {
    let mut bytes = [0_u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|err| JournalError::Failed(format!("the system's random source failed: {err}")))?;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(format!("op-{hex}"))
}

#[cfg(test)]
mod tests;
