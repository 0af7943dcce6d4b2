//! Versions of life situations: an editor's drafts, the version citizens see now and the ones
//! they saw before. The published version is also written out to the situation tables that the
//! catalogue and the router read, so publishing is the only moment citizens' answers change.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    columns::{created, id, reference_null, set_null},
    m20261125_000005_accounts::Users,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum SituationVersions {
    Table,
    Id,
    Slug,
    Number,
    Status,
    Definition,
    EditVersion,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
    PublishedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SituationVersions::Table)
                    .col(id(SituationVersions::Id))
                    .col(string_len(SituationVersions::Slug, 120))
                    .col(integer(SituationVersions::Number))
                    .col(string_len(SituationVersions::Status, 16))
                    .col(json(SituationVersions::Definition))
                    .col(integer(SituationVersions::EditVersion).default(1))
                    .col(reference_null(SituationVersions::CreatedBy))
                    .col(created(SituationVersions::CreatedAt))
                    .col(timestamp_with_time_zone(SituationVersions::UpdatedAt))
                    .col(timestamp_with_time_zone_null(SituationVersions::PublishedAt))
                    .foreign_key(&mut set_null(SituationVersions::Table, SituationVersions::CreatedBy, Users::Table, Users::Id))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_situation_versions_number")
                    .table(SituationVersions::Table)
                    .col(SituationVersions::Slug)
                    .col(SituationVersions::Number)
                    .unique()
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(SituationVersions::Table).take()).await
    }
}
