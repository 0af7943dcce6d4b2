//! Connecting to SQLite or PostgreSQL with settings that suit each.

use std::{path::Path, time::Duration};

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend,
    sqlx::{
        postgres::PgConnectOptions,
        sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous},
    },
};
use socio_migrations::{Migrator, MigratorTrait};

use crate::StoreError;

/// The database behind the platform. Cheap to clone (a pool handle).
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) db: DatabaseConnection,
    /// Statements run through this store since it connected: tests bound the database work a
    /// request may cause with it.
    statements: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// A snapshot of the connection pool, for the operator's metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    pub in_use: u32,
    pub idle: u32,
    pub max: u32,
}

/// The longest a statement may run on PostgreSQL (migrations lift it for their own run).
const STATEMENT_TIMEOUT: &str = "30s";

/// The advisory lock key that lets one process at a time migrate a PostgreSQL database.
const MIGRATION_LOCK: i64 = 7_262_026_002;

impl Store {
    /// Connects to `sqlite://path?mode=rwc` or `postgres://…`. For SQLite the file's folder is
    /// created, WAL journaling lets readers run beside a writer, and foreign keys are enforced.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let mut options = ConnectOptions::new(url.to_owned());
        options.sqlx_logging(false).connect_timeout(Duration::from_secs(10)).acquire_timeout(Duration::from_secs(5));
        if url.starts_with("sqlite:") {
            let in_memory = url.contains(":memory:") || url.contains("mode=memory");
            if !in_memory {
                create_parent_dir(url);
            }
            options.max_connections(if in_memory { 1 } else { 8 }).map_sqlx_sqlite_opts(|o: SqliteConnectOptions| {
                o.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
                    .pragma("cache_size", "-16384")
                    .pragma("mmap_size", "268435456")
                    .pragma("temp_store", "memory")
            });
        } else {
            options.max_connections(16);
            // No query may hold a connection longer than this (a URL's own
            // `options=-c statement_timeout=…` wins); one cut off answers 503, not a hung worker.
            if !url.contains("statement_timeout") {
                options.map_sqlx_postgres_opts(|o: PgConnectOptions| o.options([("statement_timeout", STATEMENT_TIMEOUT)]));
            }
        }
        Ok(Self::from_connection(Database::connect(options).await?))
    }

    /// A write transaction. On SQLite it takes the write lock at `BEGIN` (`IMMEDIATE`): a
    /// deferred transaction that reads first and writes later cannot upgrade its lock while
    /// another writer holds it and fails at once with "database is locked", where an immediate
    /// one waits its turn (busy timeout). PostgreSQL ignores the mode.
    pub(crate) async fn write(&self) -> Result<sea_orm::DatabaseTransaction, StoreError> {
        let options =
            sea_orm::TransactionOptions { sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate), ..Default::default() };
        Ok(sea_orm::TransactionTrait::begin_with_options(&self.db, options).await?)
    }

    /// A write transaction for a seed, which replaces whole datasets at once: on PostgreSQL
    /// without the statement timeout that guards requests (a million synthetic rows take longer
    /// to replace than any request may, and the seed would be cut off halfway).
    pub(crate) async fn bulk_write(&self) -> Result<sea_orm::DatabaseTransaction, StoreError> {
        let txn = self.write().await?;
        if self.backend() == DbBackend::Postgres {
            txn.execute_unprepared("SET LOCAL statement_timeout = 0").await?;
        }
        Ok(txn)
    }

    /// Wraps an existing connection (tests, tools).
    pub fn from_connection(mut db: DatabaseConnection) -> Self {
        let statements = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counter = statements.clone();
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
        Self { db, statements }
    }

    /// How many statements this store has run (in transactions too) since it connected.
    pub fn statements(&self) -> u64 {
        self.statements.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The pool's connections now: in use, idle, and the most it opens.
    pub fn pool_usage(&self) -> PoolUsage {
        fn usage<DB: sea_orm::sqlx::Database>(pool: &sea_orm::sqlx::Pool<DB>) -> PoolUsage {
            let (size, idle) = (pool.size(), pool.num_idle() as u32);
            PoolUsage { in_use: size.saturating_sub(idle), idle, max: pool.options().get_max_connections() }
        }
        match self.db.get_database_backend() {
            DbBackend::Postgres => usage(self.db.get_postgres_connection_pool()),
            _ => usage(self.db.get_sqlite_connection_pool()),
        }
    }

    /// The underlying connection, for migrations and tools.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.db
    }

    /// SQLite or PostgreSQL.
    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    /// Applies every pending migration. On PostgreSQL in one transaction that first takes an
    /// advisory lock: replicas that start together migrate one after the other (the later ones
    /// find nothing left to do), a failed run leaves the schema as it was, and the statement
    /// timeout is lifted for the run (an index over a million rows takes a while). SQLite has
    /// one writer at a time.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        if self.backend() != DbBackend::Postgres {
            Migrator::up(&self.db, None).await?;
            return Ok(());
        }
        let txn = sea_orm::TransactionTrait::begin(&self.db).await?;
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK}); SET LOCAL statement_timeout = 0")).await?;
        Migrator::up(&txn, None).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Refreshes the planner's statistics; run after bulk loads so filters use the selective
    /// index (a city, a category) rather than the moderation status every row shares.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        // After a million rows ANALYZE takes longer than the requests' statement timeout.
        let txn = self.bulk_write().await?;
        txn.execute_unprepared("ANALYZE").await?;
        txn.commit().await?;
        Ok(())
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        self.db.ping().await?;
        Ok(())
    }

    /// Closes the pool.
    pub async fn close(self) -> Result<(), StoreError> {
        self.db.close().await?;
        Ok(())
    }
}

fn create_parent_dir(url: &str) {
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or(path);
    if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        // A failure here resurfaces, with a clearer message, when SQLite opens the file.
        let _ = std::fs::create_dir_all(parent);
    }
}
