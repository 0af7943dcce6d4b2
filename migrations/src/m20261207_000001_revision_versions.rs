//! A revision gets a version of its own, bumped whenever the partner rewrites the proposal: a
//! moderator approves or rejects the version they read (`If-Match`), never text written after.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Revisions {
    Table,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Revisions::Table).add_column(integer(Revisions::Version).default(1)).take()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Revisions::Table).drop_column(Revisions::Version).take()).await
    }
}
