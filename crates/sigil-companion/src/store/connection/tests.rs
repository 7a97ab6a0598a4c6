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
async fn a_sqlite_file_in_a_missing_folder_is_reported_with_a_hint() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/missing/companion.db?mode=rwc", dir.path().display());
    let error = Store::connect(&url).await.expect_err("missing folder");
    assert_eq!(error.code(), "STORE_UNAVAILABLE");
    let message = error.to_string();
    assert!(
        message.contains("SQLite database at") && message.contains("does the folder exist"),
        "{message}"
    );
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
