//! The databases the suite runs on, and small helpers.

use std::sync::Arc;

use sigil_companion::store::passwords::PasswordHash;
use sigil_companion::store::pkce::CodeVerifier;
use sigil_companion::store::users::{Email, User};
use sigil_companion::store::{Backend, OsRandom, RandomSource, Store, StoreOptions};
use sqlx::migrate::MigrateDatabase as _;

/// A fixed clock reading every test starts from (2025-06-15T17:46:40Z).
pub const T0: i64 = 1_750_009_600_000;

/// The redirect URI of the desktop app.
pub const REDIRECT: &str = "sigil://auth/callback";

/// One empty database of the suite: a SQLite file in a temporary folder, or a fresh database in
/// the PostgreSQL cluster of `scripts/with-postgres.sh`.
pub struct Db {
    url: String,
    _dir: Option<tempfile::TempDir>,
}

impl Db {
    /// A SQLite file in a new temporary folder.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("companion.db").display());
        Self { url, _dir: Some(dir) }
    }

    /// A new database in the PostgreSQL cluster named by `SIGIL_TEST_POSTGRES_URL`.
    pub async fn postgres() -> Self {
        let Ok(admin) = std::env::var("SIGIL_TEST_POSTGRES_URL") else {
            panic!(
                "SIGIL_TEST_POSTGRES_URL is not set: run `make test-postgres` \
                 (scripts/with-postgres.sh starts a throw-away PostgreSQL)"
            );
        };
        let mut url = url::Url::parse(&admin).expect("SIGIL_TEST_POSTGRES_URL is a URL");
        let mut suffix = [0u8; 8];
        OsRandom.fill(&mut suffix).expect("random");
        url.set_path(&format!("/sigil_test_{}", hex(&suffix)));
        let url = url.to_string();
        sqlx::any::install_default_drivers();
        sqlx::Any::create_database(&url).await.expect("create a test database");
        Self { url, _dir: None }
    }

    /// The database URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A new store on this database: a new pool, as another companion instance would have.
    pub async fn store(&self) -> Store {
        Store::connect_with(&self.url, &StoreOptions { max_connections: 5, ..Default::default() })
            .await
            .expect("connect the store")
    }

    /// A plain sqlx pool on the database, to look at what is stored.
    pub async fn raw(&self) -> sqlx::AnyPool {
        sqlx::any::install_default_drivers();
        sqlx::AnyPool::connect(&self.url).await.expect("raw pool")
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Which backend a store is expected to run on.
pub fn backend_of(db: &Db) -> Backend {
    Backend::of_url(db.url()).expect("a supported URL")
}

/// A hash that is not argon2 work: the store only keeps PHC strings.
pub fn cheap_hash() -> PasswordHash {
    PasswordHash::from_phc("$argon2id$v=19$m=8,t=1,p=1$c2lnaWx0ZXN0c2FsdA$3Xk8cUdhWZk0qX5N3x9vfw")
        .expect("PHC string")
}

/// A user with a unique email.
pub async fn user(store: &Store, name: &str) -> User {
    let email = Email::parse(&format!("{name}@example.org")).expect("email");
    store.create_user(&email, &cheap_hash(), T0).await.expect("create user")
}

/// A fresh PKCE verifier.
pub fn verifier() -> CodeVerifier {
    CodeVerifier::generate().expect("verifier")
}

/// Random bytes that are always the same: every identifier and token repeats.
#[derive(Debug)]
pub struct StuckRandom;

impl RandomSource for StuckRandom {
    fn fill(&self, bytes: &mut [u8]) -> sigil_companion::store::Result<()> {
        bytes.fill(7);
        Ok(())
    }
}

/// A store whose randomness always repeats.
pub fn stuck(store: Store) -> Store {
    store.with_random_source(Arc::new(StuckRandom))
}

/// A registration Dfns started for ann@example.org (Dfns user `us-ann`).
pub fn started(
    temporary_token: &sigil_companion::store::DfnsTemporaryToken,
    expires_at: i64,
) -> sigil_companion::store::dfns::StartedRegistration {
    sigil_companion::store::dfns::StartedRegistration {
        dfns_user_id: "us-ann".to_owned(),
        dfns_username: "ann@example.org".to_owned(),
        temporary_token: temporary_token.clone(),
        expires_at,
    }
}
