//! Schema migrations, one file per step, written with sea-query so each runs on SQLite (the
//! embedded default) and PostgreSQL alike. Migrations never import the live entities: they
//! describe the schema as it was at their date.

pub use sea_orm_migration::prelude::*;

mod columns;
mod m20261125_000001_reference;
mod m20261125_000002_organizations;
mod m20261125_000003_services;
mod m20261125_000004_situations;
mod m20261125_000005_accounts;
mod m20261125_000006_moderation;
mod m20261125_000007_unmet_searches;
mod m20261201_000001_cabinet;
mod m20261202_000001_audit_append_only;
mod m20261202_000002_situation_versions;
mod m20261202_000003_reviews_and_usage;
mod m20261204_000001_hsds_ids;
mod m20261207_000001_revision_versions;
mod m20261207_000002_accounts_that_hold;
mod m20261207_000003_situation_sources;

/// All migrations in order.
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_reference::Migration),
            Box::new(m20261125_000002_organizations::Migration),
            Box::new(m20261125_000003_services::Migration),
            Box::new(m20261125_000004_situations::Migration),
            Box::new(m20261125_000005_accounts::Migration),
            Box::new(m20261125_000006_moderation::Migration),
            Box::new(m20261125_000007_unmet_searches::Migration),
            Box::new(m20261201_000001_cabinet::Migration),
            Box::new(m20261202_000001_audit_append_only::Migration),
            Box::new(m20261202_000002_situation_versions::Migration),
            Box::new(m20261202_000003_reviews_and_usage::Migration),
            Box::new(m20261204_000001_hsds_ids::Migration),
            Box::new(m20261207_000001_revision_versions::Migration),
            Box::new(m20261207_000002_accounts_that_hold::Migration),
            Box::new(m20261207_000003_situation_sources::Migration),
        ]
    }
}
