use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use socio_migrations::{Migrator, MigratorTrait};

use crate::helpers::{drop_postgres, empty_postgres, empty_sqlite, postgres_available};

async fn tables(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        _ => "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    };
    db.query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql.to_owned()))
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .filter(|t| t != "seaql_migrations")
        .collect()
}

async fn up_down_up(url: &str) {
    let db = Database::connect(url).await.unwrap();
    Migrator::up(&db, None).await.unwrap();
    let created = tables(&db).await;
    for table in [
        "municipalities",
        "organizations",
        "locations",
        "services",
        "situations",
        "situation_steps",
        "users",
        "refresh_tokens",
        "revisions",
        "audit_log",
        "reports",
    ] {
        assert!(created.iter().any(|t| t == table), "{table} missing from {created:?}");
    }
    for _ in Migrator::migrations() {
        Migrator::down(&db, Some(1)).await.unwrap();
    }
    assert_eq!(tables(&db).await, Vec::<String>::new(), "down removes everything");
    Migrator::up(&db, None).await.unwrap();
    assert_eq!(tables(&db).await, created, "up again recreates the same schema");
    socio_store::seed::seed_demo(&socio_store::Store::from_connection(db.clone())).await.unwrap();
    db.close().await.unwrap();
}

#[tokio::test]
async fn migrations_run_up_down_and_up_on_sqlite() {
    let (url, path) = empty_sqlite();
    up_down_up(&url).await;
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn migrations_run_up_down_and_up_on_postgres() {
    if !postgres_available().await {
        return;
    }
    let (url, name) = empty_postgres().await;
    up_down_up(&url).await;
    drop_postgres(&name).await;
}
