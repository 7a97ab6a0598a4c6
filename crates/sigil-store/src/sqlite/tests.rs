use sqlx::ConnectOptions as _;
use sqlx::Connection as _;

use super::*;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/journal");

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary folder")
}

/// Runs `statements` on the file at `path` through a plain connection (no checks, no migrations).
async fn raw(path: &Path, statements: &[&'static str]) {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .connect()
        .await
        .expect("a plain connection");
    for statement in statements {
        sqlx::query(*statement).execute(&mut conn).await.expect(statement);
    }
    conn.close().await.expect("close");
}

/// A real database whose first table's pages are overwritten: page 1 (the schema) is intact, so
/// SQLite opens it, but the integrity check fails.
async fn damaged_database(path: &Path) {
    raw(
        path,
        &[
            "CREATE TABLE filler (n INTEGER PRIMARY KEY, text TEXT NOT NULL)",
            "WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 300) \
             INSERT INTO filler SELECT n, printf('%.200c', 'x') FROM k",
        ],
    )
    .await;
    let mut bytes = std::fs::read(path).expect("read the database");
    let page_size = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    assert!(bytes.len() > 4 * page_size, "the table spans several pages");
    bytes[page_size..].fill(0xa5);
    std::fs::write(path, bytes).expect("write the damage");
}

#[tokio::test]
async fn a_missing_folder_is_created_with_the_file() {
    let dir = dir();
    let path = dir.path().join("a/b/journal.sqlite3");
    let pool = open_file(&path, &MIGRATOR, Durability::Full).await.expect("open");
    assert!(path.is_file());
    pool.close().await;
}

#[tokio::test]
async fn an_opened_file_is_in_wal_mode_and_carries_the_schema_version() {
    let dir = dir();
    let path = dir.path().join("journal.sqlite3");
    let pool = open_file(&path, &MIGRATOR, Durability::Full).await.expect("open");
    let mode: String =
        sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&pool).await.expect("journal_mode");
    assert_eq!(mode, "wal");
    assert_eq!(user_version(&pool).await, Ok(schema_version(&MIGRATOR)));
    assert_eq!(schema_version(&MIGRATOR), 3, "three migrations so far");
    pool.close().await;
}

#[tokio::test]
async fn a_file_that_is_not_sqlite_is_corrupt_and_left_as_it_was() {
    let dir = dir();
    let path = dir.path().join("journal.sqlite3");
    let garbage = b"this is not a database, just some bytes \x00\x01\x02".repeat(200);
    std::fs::write(&path, &garbage).expect("write garbage");

    let failure = open_file(&path, &MIGRATOR, Durability::Full).await.expect_err("garbage");
    assert!(matches!(failure, Failure::Corrupt(_)), "{failure:?}");
    assert_eq!(std::fs::read(&path).expect("read"), garbage);
}

#[tokio::test]
async fn a_file_that_fails_the_integrity_check_is_corrupt() {
    let dir = dir();
    let path = dir.path().join("journal.sqlite3");
    damaged_database(&path).await;
    let before = std::fs::read(&path).expect("read");

    let failure = open_file(&path, &MIGRATOR, Durability::Full).await.expect_err("damaged");
    assert!(matches!(failure, Failure::Corrupt(_)), "{failure:?}");
    assert_eq!(std::fs::read(&path).expect("read"), before, "not even the journal mode changed");
}

#[tokio::test]
async fn a_file_with_a_higher_user_version_is_too_new_and_left_as_it_was() {
    let dir = dir();
    let path = dir.path().join("journal.sqlite3");
    raw(&path, &["CREATE TABLE from_the_future (x)", "PRAGMA user_version = 7"]).await;
    let before = std::fs::read(&path).expect("read");

    let failure = open_file(&path, &MIGRATOR, Durability::Full).await.expect_err("newer");
    assert_eq!(failure, Failure::TooNew { found: 7, known: 3 });
    assert_eq!(std::fs::read(&path).expect("read"), before);
}

#[tokio::test]
async fn a_file_recording_a_migration_this_build_lacks_is_too_new() {
    let dir = dir();
    let path = dir.path().join("journal.sqlite3");
    open_file(&path, &MIGRATOR, Durability::Full).await.expect("first open").close().await;
    // A newer build that forgot to raise user_version: the migrations table still tells.
    raw(
        &path,
        &["INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
           VALUES (42, 'from the future', TRUE, X'00', 0)"],
    )
    .await;

    let failure = open_file(&path, &MIGRATOR, Durability::Full).await.expect_err("newer");
    assert_eq!(failure, Failure::TooNew { found: 42, known: 3 });
}

#[tokio::test]
async fn a_parent_path_that_is_a_file_is_unavailable() {
    let dir = dir();
    std::fs::write(dir.path().join("blocker"), b"a file, not a folder").expect("write");
    let path = dir.path().join("blocker/journal.sqlite3");

    let failure = open_file(&path, &MIGRATOR, Durability::Full).await.expect_err("no folder");
    assert!(
        matches!(&failure, Failure::Unavailable(detail) if detail.contains("blocker")),
        "{failure:?}"
    );
}

#[tokio::test]
async fn a_database_in_memory_keeps_its_data_between_calls() {
    let pool = open_memory(&MIGRATOR).await.expect("in memory");
    sqlx::query(
        "INSERT INTO operations (id, kind, owner, method, path, body, intent, state, \
         created_at_ms, updated_at_ms) VALUES ('op-1', 'k', 'o', 'POST', '/', '', '{}', \
         'prepared', 0, 0)",
    )
    .execute(&pool)
    .await
    .expect("insert");
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM operations")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(count, 1);
    assert_eq!(user_version(&pool).await, Ok(3));
}

#[tokio::test]
async fn an_unusable_memory_database_fails_each_call_instead_of_panicking() {
    let pool = unusable_memory();
    let err = sqlx::query("SELECT count(*) FROM operations")
        .fetch_one(&pool)
        .await
        .expect_err("no tables");
    assert!(matches!(Failure::of(&err), Failure::Other(_)), "{err}");
}

#[tokio::test]
async fn failures_are_sorted_by_what_a_caller_can_do() {
    let pool = open_memory(&MIGRATOR).await.expect("in memory");
    let insert = "INSERT INTO operations (id, kind, owner, method, path, body, intent, state, \
                  created_at_ms, updated_at_ms) VALUES ('op-1', 'k', 'o', 'POST', '/', '', '{}', \
                  'prepared', 0, 0)";
    sqlx::query(insert).execute(&pool).await.expect("first insert");
    let duplicate = sqlx::query(insert).execute(&pool).await.expect_err("same id");
    assert!(is_unique_violation(&duplicate));
    assert!(matches!(Failure::of(&duplicate), Failure::Other(_)));

    pool.close().await;
    let closed = sqlx::query("SELECT 1").execute(&pool).await.expect_err("closed");
    assert!(!is_unique_violation(&closed));
    assert!(matches!(Failure::of(&closed), Failure::Unavailable(_)));
}
