use std::path::Path;

use super::*;

#[test]
fn passwords_in_database_urls_are_redacted() {
    assert_eq!(
        redact_url("postgres://sigil:hunter2@db.internal:5432/sigil"),
        "postgres://sigil:***@db.internal:5432/sigil"
    );
    let query =
        redact_url("postgres://db.internal/sigil?user=sigil&password=hunter2&sslmode=require");
    assert!(!query.contains("hunter2"), "{query}");
    assert!(query.contains("sslmode=require"), "{query}");
    assert_eq!(
        redact_url("sqlite://data/companion.db?mode=rwc"),
        "sqlite://data/companion.db?mode=rwc"
    );
    assert_eq!(redact_url("mysql:hunter2@@@ not a url"), "mysql:…");
    assert_eq!(redact_url("postgres:sigil:hunter2@db/sigil"), "postgres:…");
    assert_eq!(redact_url("hunter2"), "(not a URL)");
    assert_eq!(redact_url("sqlite::memory:"), "sqlite::memory:");
}

#[test]
fn the_backend_follows_the_url_scheme() {
    assert_eq!(Backend::of_url("sqlite::memory:").expect("sqlite"), Backend::Sqlite);
    assert_eq!(Backend::of_url("sqlite://x.db?mode=rwc").expect("sqlite"), Backend::Sqlite);
    assert_eq!(Backend::of_url("postgres://h/db").expect("postgres"), Backend::Postgres);
    assert_eq!(Backend::of_url("postgresql://h/db").expect("postgres"), Backend::Postgres);
    assert_eq!(Backend::of_url("PostgreSQL://h/db").expect("postgres"), Backend::Postgres);
}

#[tokio::test]
async fn an_unsupported_scheme_is_named_without_the_password() {
    let error =
        Store::connect("mysql://root:hunter2@localhost/sigil").await.expect_err("unsupported");
    assert_eq!(error.code(), "STORE_URL_UNSUPPORTED");
    let message = error.to_string();
    assert!(message.contains("mysql://root:***@localhost/sigil"), "{message}");
    assert!(message.contains("sqlite://") && message.contains("postgres://"), "{message}");
    assert!(!message.contains("hunter2") && !format!("{error:?}").contains("hunter2"), "{message}");
}

#[tokio::test]
async fn an_unreachable_postgres_is_reported_with_its_redacted_url() {
    let options =
        StoreOptions { acquire_timeout: Duration::from_millis(500), ..StoreOptions::default() };
    // Port 1 on loopback: nothing listens there, the connection is refused at once.
    let url = "postgres://sigil:hunter2@127.0.0.1:1/sigil";
    let error = Store::connect_with(url, &options).await.expect_err("unreachable");
    assert_eq!(error.code(), "STORE_UNAVAILABLE");
    assert!(error.is_transient());
    let message = error.to_string();
    assert!(
        message.contains("PostgreSQL database at `postgres://sigil:***@127.0.0.1:1/sigil`"),
        "{message}"
    );
    assert!(message.to_lowercase().contains("refused"), "the cause is named: {message}");
    assert!(!message.contains("hunter2") && !format!("{error:?}").contains("hunter2"), "{message}");
}

#[tokio::test]
async fn a_sqlite_file_under_something_that_is_not_a_folder_is_reported_with_a_hint() {
    let dir = tempfile::tempdir().expect("temp dir");
    let not_a_folder = dir.path().join("a-file");
    std::fs::write(&not_a_folder, b"").expect("file");
    let url = format!("sqlite://{}/companion.db?mode=rwc", not_a_folder.display());
    let error = Store::connect(&url).await.expect_err("not a folder");
    assert_eq!(error.code(), "STORE_UNAVAILABLE");
    let message = error.to_string();
    assert!(
        message.contains("SQLite database at") && message.contains("can the companion create"),
        "{message}"
    );
}

/// The permission bits of `path`.
#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[cfg(unix)]
#[tokio::test]
async fn a_new_sqlite_database_and_its_folders_are_closed_to_other_accounts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (data, folder) = (dir.path().join("data"), dir.path().join("data").join("companion"));
    let file = folder.join("companion.db");
    let store = Store::connect(&format!("sqlite://{}?mode=rwc", file.display()))
        .await
        .expect("the folders and the file are made");
    // The migrations wrote through the WAL: SQLite made its -wal and -shm files beside the file.
    store.ping().await.expect("ping");
    assert_eq!((mode(&data), mode(&folder)), (0o700, 0o700), "new folders");
    for name in ["companion.db", "companion.db-wal", "companion.db-shm"] {
        assert_eq!(mode(&folder.join(name)), 0o600, "{name}");
    }
}

#[cfg(unix)]
#[tokio::test]
async fn an_existing_sqlite_database_that_others_could_read_is_closed_to_them() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("companion.db");
    Store::connect(&format!("sqlite://{}?mode=rwc", file.display()))
        .await
        .expect("store")
        .close()
        .await;
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    Store::connect(&format!("sqlite://{}?mode=rwc", file.display())).await.expect("store");
    assert_eq!(mode(&file), 0o600);
}

#[tokio::test]
async fn an_in_memory_sqlite_store_keeps_its_tables_across_queries() {
    let store = Store::connect("sqlite::memory:").await.expect("in-memory store");
    for _ in 0..3 {
        store.ping().await.expect("ping");
        sqlx::query("SELECT COUNT(*) FROM users").execute(&store.pool).await.expect("users table");
    }
    assert_eq!(store.backend(), Backend::Sqlite);
}
