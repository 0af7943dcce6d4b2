//! `spawn_app()`: the real app on a random port over a fresh, migrated and seeded database,
//! dropped when the test ends. Fresh databases are cloned from a template built once per test
//! binary (a file copy for SQLite, `CREATE DATABASE … TEMPLATE` for PostgreSQL), so every test
//! starts from the same data without paying for seeding.

use std::{
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use secrecy::SecretString;
use socio_api::{Application, Settings};
use socio_client::Client;
use socio_store::{Store, seed};

/// The JWT secret of every test app.
pub const TEST_JWT_SECRET: &str = "test-secret-that-is-long-enough-for-hs256";

/// Which database a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The maintenance connection of the local PostgreSQL (override with `TEST_POSTGRES_URL`).
pub fn postgres_server() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_owned())
}

/// A running app and the database under it.
pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub http: reqwest::Client,
    pub store: Store,

    pub settings: Settings,
    database: TestDatabase,
    /// What the contract proxy saw that the OpenAPI document does not allow.
    violations: crate::contract::Violations,
}

impl TestApp {
    /// GET a path on the app (for header-level checks the typed client hides).
    pub async fn get(&self, path_and_query: &str) -> reqwest::Response {
        self.http.get(format!("{}{path_and_query}", self.address)).send().await.unwrap_or_else(|e| panic!("GET {path_and_query}: {e}"))
    }

    /// GET and decode the JSON body, asserting the status.
    pub async fn get_json(&self, path_and_query: &str, status: u16) -> serde_json::Value {
        let response = self.get(path_and_query).await;
        assert_eq!(response.status().as_u16(), status, "GET {path_and_query}");
        response.json().await.unwrap_or_else(|e| panic!("GET {path_and_query}: body is not JSON: {e}"))
    }

    /// GET expecting a problem+json error with this status; returns the problem.
    pub async fn get_problem(&self, path_and_query: &str, status: u16) -> socio_domain::api::Problem {
        let response = self.get(path_and_query).await;
        assert_eq!(response.status().as_u16(), status, "GET {path_and_query}");
        let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        assert_eq!(content_type, "application/problem+json", "GET {path_and_query}");
        let problem: socio_domain::api::Problem =
            response.json().await.unwrap_or_else(|e| panic!("GET {path_and_query}: not a problem: {e}"));
        assert_eq!(problem.status, status);
        assert!(
            !problem.detail.is_empty() && problem.detail.chars().any(|c| ('а'..='я').contains(&c)),
            "detail must be Russian: {}",
            problem.detail
        );
        problem
    }

    /// A second API replica over the same database, as in production behind a load balancer;
    /// returns a client of it.
    pub async fn spawn_replica(&self) -> Client {
        Client::with_http(self.http.clone(), self.spawn_replica_with(|_| ()).await)
    }

    /// A replica with adjusted settings; returns its address (behind the contract proxy).
    pub async fn spawn_replica_with(&self, adjust: impl FnOnce(&mut Settings)) -> String {
        self.spawn_replica_and_store(adjust).await.0
    }

    /// The same, with the replica's own store (to count the statements it runs).
    pub async fn spawn_replica_and_store(&self, adjust: impl FnOnce(&mut Settings)) -> (String, Store) {
        let mut settings = self.settings.clone();
        adjust(&mut settings);
        let store = Store::connect(&settings.database_url).await.unwrap_or_else(|e| panic!("replica: {e}"));
        let app = Application::with_store(settings, store.clone()).await.unwrap_or_else(|e| panic!("replica: {e}"));
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        (crate::contract::proxy(address, self.violations.clone()), store)
    }

    /// The database's name on the PostgreSQL server, when it is there.
    pub fn postgres_name(&self) -> Option<&str> {
        match &self.database {
            TestDatabase::Postgres(name) => Some(name),
            _ => None,
        }
    }

    /// The raw connection, to look at what the API must not show.
    pub fn db(&self) -> &DatabaseConnection {
        self.store.connection()
    }

    /// Creates an active user with a confirmed address (a moderator, an admin, or a partner of
    /// no organization); returns the id.
    pub async fn create_user(&self, role: socio_domain::vocabulary::UserRole, email: &str) -> i64 {
        let new = socio_store::NewAccount {
            email: socio_domain::account::Email::parse(email).unwrap(),
            password_hash: "!no-password".to_owned(),
            display_name: "Тест".to_owned(),
            role,
            organization_id: None,
            org_admin: false,
            email_confirmed: true,
        };
        self.store.create_account(&new).await.unwrap_or_else(|e| panic!("creating {email}: {e}"))
    }

    /// An access token of user `id` signed like the app's own (as `socio token` prints).
    pub fn token_of(&self, id: i64) -> String {
        socio_api::auth::JwtKeys::new(&self.settings.jwt_secret).issue(id, 3600, None).unwrap()
    }

    /// The folder of the app's file outbox.
    pub fn outbox(&self) -> PathBuf {
        self.settings.mail.outbox_dir.clone()
    }

    /// The letters in the outbox so far, oldest first.
    pub fn letters(&self) -> Vec<Letter> {
        Letter::read_all(&self.settings.mail.outbox_dir)
    }
}

/// A letter from the file outbox.
pub use socio_api::mail::OutboxLetter as Letter;

enum TestDatabase {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let violations = std::mem::take(&mut *self.violations.lock().unwrap_or_else(|e| e.into_inner()));
        if !violations.is_empty() && !std::thread::panicking() {
            panic!("answers that break the OpenAPI document:\n{}", violations.join("\n"));
        }
        match &self.database {
            TestDatabase::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            TestDatabase::Postgres(name) => {
                let name = name.clone();
                let _ = std::thread::spawn(move || {
                    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() else { return };
                    runtime.block_on(async {
                        if let Ok(admin) = Database::connect(format!("{}/postgres", postgres_server())).await {
                            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
                            let _ = admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// Identifies this build of the test binary, so templates are rebuilt after every change.
fn build_fingerprint() -> String {
    let exe = std::env::current_exe().unwrap_or_default();
    let modified = std::fs::metadata(&exe)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        .unwrap_or_default();
    format!("{:x}", modified.as_millis())
}

fn unique_suffix() -> String {
    format!("{}_{:x}", std::process::id(), fastrand_u64())
}

fn fastrand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_nanos());
    hasher.finish()
}

fn test_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("socio-test-dbs");
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
    dir
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

/// Migrates and seeds the demo data into `url`.
async fn prepare(url: &str) -> Store {
    let store = Store::connect(url).await.unwrap_or_else(|e| panic!("connecting to {url}: {e}"));
    store.migrate().await.unwrap_or_else(|e| panic!("migrating: {e}"));
    seed::seed_demo(&store).await.unwrap_or_else(|e| panic!("seeding: {e}"));
    store
}

async fn sqlite_template() -> PathBuf {
    let template = test_dir().join(format!("template-{}.sqlite", build_fingerprint()));
    if !template.exists() {
        let building = test_dir().join(format!("template-building-{}.sqlite", unique_suffix()));
        let store = prepare(&sqlite_url(&building)).await;
        store.connection().execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)").await.unwrap_or_else(|e| panic!("checkpoint: {e}"));
        store.close().await.unwrap_or_else(|e| panic!("closing: {e}"));
        std::fs::rename(&building, &template).unwrap_or_else(|e| panic!("publishing the template: {e}"));
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", building.display()));
        }
    }
    template
}

/// A fresh, empty SQLite database (no migrations): for migration tests.
pub fn empty_sqlite() -> (String, PathBuf) {
    let path = test_dir().join(format!("empty-{}.sqlite", unique_suffix()));
    (sqlite_url(&path), path)
}

/// Is PostgreSQL reachable? Under `CI=true` it must be: a missing server fails the test.
pub async fn postgres_available() -> bool {
    match Database::connect(format!("{}/postgres", postgres_server())).await {
        Ok(db) => {
            let _ = db.close().await;
            true
        }
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("PostgreSQL is required under CI=true but is not reachable at {}: {e}", postgres_server());
            }
            eprintln!("\n!!! SKIPPED: PostgreSQL is not reachable at {} ({e}); PostgreSQL tests did not run !!!\n", postgres_server());
            false
        }
    }
}

async fn admin() -> DatabaseConnection {
    Database::connect(format!("{}/postgres", postgres_server())).await.unwrap_or_else(|e| panic!("PostgreSQL: {e}"))
}

/// A fresh, empty PostgreSQL database; returns its URL and name.
pub async fn empty_postgres() -> (String, String) {
    let name = format!("socio_test_{}", unique_suffix());
    admin().await.execute_unprepared(&format!("CREATE DATABASE \"{name}\"")).await.unwrap_or_else(|e| panic!("CREATE DATABASE: {e}"));
    (format!("{}/{name}", postgres_server()), name)
}

/// Drops a PostgreSQL database created by [`empty_postgres`].
pub async fn drop_postgres(name: &str) {
    let _ = admin().await.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
}

async fn postgres_template() -> String {
    let name = format!("socio_tpl_{}", build_fingerprint());
    let admin = admin().await;
    admin.execute_unprepared("SELECT pg_advisory_lock(7262026)").await.unwrap_or_else(|e| panic!("lock: {e}"));
    let exists = admin
        .query_one_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT 1 FROM pg_database WHERE datname = '{name}'"),
        ))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .is_some();
    if !exists {
        let stale = admin
            .query_all_raw(sea_orm::Statement::from_string(
                admin.get_database_backend(),
                "SELECT datname FROM pg_database WHERE datname LIKE 'socio_tpl_%'".to_owned(),
            ))
            .await
            .unwrap_or_default();
        for row in stale {
            if let Ok(old) = row.try_get_by_index::<String>(0) {
                let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{old}\" WITH (FORCE)")).await;
            }
        }
        let building = format!("{name}_building");
        let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)")).await;
        admin.execute_unprepared(&format!("CREATE DATABASE \"{building}\"")).await.unwrap_or_else(|e| panic!("{e}"));
        prepare(&format!("{}/{building}", postgres_server())).await.close().await.unwrap_or_else(|e| panic!("{e}"));
        admin.execute_unprepared(&format!("ALTER DATABASE \"{building}\" RENAME TO \"{name}\"")).await.unwrap_or_else(|e| panic!("{e}"));
    }
    admin.execute_unprepared("SELECT pg_advisory_unlock(7262026)").await.unwrap_or_else(|e| panic!("unlock: {e}"));
    let _ = admin.close().await;
    name
}

async fn fresh_database(backend: Backend) -> (String, TestDatabase) {
    match backend {
        Backend::Sqlite => {
            let template = sqlite_template().await;
            let path = test_dir().join(format!("test-{}.sqlite", unique_suffix()));
            std::fs::copy(&template, &path).unwrap_or_else(|e| panic!("copying the template: {e}"));
            (sqlite_url(&path), TestDatabase::Sqlite(path))
        }
        Backend::Postgres => {
            let template = postgres_template().await;
            let name = format!("socio_test_{}", unique_suffix());
            let admin = admin().await;
            let mut attempts = 0;
            loop {
                match admin.execute_unprepared(&format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"")).await {
                    Ok(_) => break,
                    Err(e) if attempts < 20 && e.to_string().contains("being accessed by other users") => {
                        attempts += 1;
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    Err(e) => panic!("cloning the template: {e}"),
                }
            }
            let _ = admin.close().await;
            (format!("{}/{name}", postgres_server()), TestDatabase::Postgres(name))
        }
    }
}

/// Boots the app on a fresh seeded database; `None` when PostgreSQL is wanted but absent
/// (outside CI, where it is reported as skipped).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    if backend == Backend::Postgres && !postgres_available().await {
        return None;
    }
    if std::env::var("TEST_LOG").is_ok() {
        socio_api::telemetry::init("info,sqlx=warn", false);
    }
    let (url, database) = fresh_database(backend).await;
    let store = Store::connect(&url).await.unwrap_or_else(|e| panic!("connecting to {url}: {e}"));
    let outbox = test_dir().join(format!("outbox-{}", unique_suffix()));
    let settings = Settings::embedded(url, SecretString::from(TEST_JWT_SECRET.to_owned()), outbox);
    let app = Application::with_store(settings.clone(), store.clone()).await.unwrap_or_else(|e| panic!("building the app: {e}"));
    let direct = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    // Every answer goes through the contract proxy: typed client and raw HTTP alike.
    let violations = crate::contract::Violations::default();
    let address = crate::contract::proxy(direct, violations.clone());
    let http = reqwest::Client::new();
    Some(TestApp { client: Client::with_http(http.clone(), address.clone()), address, http, store, settings, database, violations })
}

/// Declares each listed `async fn(TestApp)` as two tests, `<name>::sqlite` and `<name>::postgres`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let app = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await.unwrap_or_else(|| panic!("SQLite is always available"));
                super::$name(app).await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(app) = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await {
                    super::$name(app).await;
                }
            }
        }
    )*};
}
