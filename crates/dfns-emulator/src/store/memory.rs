//! What every request reads, kept in memory beside SQLite, which stays the durable record: the
//! users (each read once, forgotten when a write changes them), the revoked token ids (all of
//! them, loaded at start and added to on logout), and when the next open transfer takes a step
//! (so most requests skip looking for due transfers).

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::Connection;

use super::{DbResult, Store, UserRow, all, run};

/// Users remembered before the memory is cleared and starts over.
const USERS_KEPT: usize = 100_000;

#[derive(Debug)]
pub(super) struct Memory {
    users: Mutex<Users>,
    revoked: Mutex<HashSet<String>>,
    steps: Mutex<Steps>,
    /// One settle at a time: a second one waits and then finds the work done.
    settling: tokio::sync::Mutex<()>,
}

#[derive(Debug, Default)]
struct Users {
    rows: HashMap<String, UserRow>,
    /// Bumped by every forget, so a read that raced a write does not put back the old row.
    generation: u64,
}

#[derive(Debug)]
struct Steps {
    /// Unix ms of the next step of an open transfer; `i64::MAX` when none is open.
    next_ms: i64,
    /// The earliest step noted since the running settle began.
    noted_ms: i64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Memory {
    pub(super) fn load(conn: &Connection) -> DbResult<Self> {
        let revoked: Vec<String> =
            all(conn, "SELECT jti FROM revoked_tokens", [], |row| row.get(0))?;
        Ok(Self {
            users: Mutex::default(),
            revoked: Mutex::new(revoked.into_iter().collect()),
            // Unknown until the first settle looks.
            steps: Mutex::new(Steps { next_ms: i64::MIN, noted_ms: i64::MAX }),
            settling: tokio::sync::Mutex::new(()),
        })
    }
}

/// Held while transfers are settled; see [`Store::settling`].
#[derive(Debug)]
pub struct Settling<'a> {
    store: &'a Store,
    _turn: tokio::sync::MutexGuard<'a, ()>,
}

impl Settling<'_> {
    /// Records when the next open transfer takes a step, as SQLite showed it after this settle
    /// (`None`: none is open), with the steps noted while it ran.
    pub fn finish(self, next_ms: Option<i64>) {
        let mut steps = lock(&self.store.memory().steps);
        steps.next_ms = next_ms.unwrap_or(i64::MAX).min(steps.noted_ms);
    }
}

impl Store {
    /// The user `id`, from memory once read.
    pub async fn user(&self, id: &str) -> DbResult<Option<UserRow>> {
        let generation = {
            let users = lock(&self.memory().users);
            if let Some(user) = users.rows.get(id) {
                return Ok(Some(user.clone()));
            }
            users.generation
        };
        let user = self.user_from_database(id)?;
        if let Some(user) = &user {
            let mut users = lock(&self.memory().users);
            if users.generation == generation {
                if users.rows.len() >= USERS_KEPT {
                    users.rows.clear();
                }
                users.rows.insert(user.id.clone(), user.clone());
            }
        }
        Ok(user)
    }

    /// Called after every committed write to the user `id`.
    pub(super) fn forget_user(&self, id: &str) {
        let mut users = lock(&self.memory().users);
        users.generation += 1;
        users.rows.remove(id);
    }

    pub async fn revoke_token(&self, jti: &str, expires_at: i64) -> DbResult<()> {
        self.write(|conn| {
            run(
                conn,
                "INSERT OR IGNORE INTO revoked_tokens (jti, expires_at) VALUES (?, ?)",
                rusqlite::params![jti, expires_at],
            )
        })
        .await?;
        lock(&self.memory().revoked).insert(jti.to_owned());
        Ok(())
    }

    pub fn is_revoked(&self, jti: &str) -> bool {
        lock(&self.memory().revoked).contains(jti)
    }

    /// Whether an open transfer may have a step due at `now_ms`.
    pub fn transfers_due(&self, now_ms: i64) -> bool {
        lock(&self.memory().steps).next_ms <= now_ms
    }

    /// Called after a transfer whose first step is at `at_ms` was committed.
    pub fn note_transfer_step(&self, at_ms: i64) {
        let mut steps = lock(&self.memory().steps);
        steps.next_ms = steps.next_ms.min(at_ms);
        steps.noted_ms = steps.noted_ms.min(at_ms);
    }

    /// The turn to settle transfers, once the settle before has finished.
    pub async fn settling(&self) -> Settling<'_> {
        let turn = self.memory().settling.lock().await;
        lock(&self.memory().steps).noted_ms = i64::MAX;
        Settling { store: self, _turn: turn }
    }
}
