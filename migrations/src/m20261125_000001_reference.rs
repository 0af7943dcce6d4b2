//! Reference data: municipalities, their СОЦИО centres, the two-level service taxonomy, target
//! groups, and a key-value table for facts about the dataset (e.g. that it is a demo).

use sea_orm_migration::{prelude::*, schema::*};

use crate::columns::{cascade, id, reference, reference_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Municipalities {
    Table,
    Id,
    Slug,
    Name,
    Lat,
    Lon,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum SocioCentres {
    Table,
    Id,
    MunicipalityId,
    Name,
    Status,
    Address,
    Lat,
    Lon,
    Phone,
    OpeningHours,
    Description,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Categories {
    Table,
    Id,
    Slug,
    Name,
    ParentId,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum TargetGroups {
    Table,
    Id,
    Slug,
    Name,
    Position,
}

#[derive(DeriveIden, Clone, Copy)]
enum DatasetMeta {
    Table,
    Key,
    Value,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Municipalities::Table)
                    .col(id(Municipalities::Id))
                    .col(string_uniq(Municipalities::Slug))
                    .col(string(Municipalities::Name))
                    .col(double(Municipalities::Lat))
                    .col(double(Municipalities::Lon))
                    .col(integer(Municipalities::Position))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SocioCentres::Table)
                    .col(id(SocioCentres::Id))
                    .col(reference(SocioCentres::MunicipalityId).unique_key())
                    .col(string(SocioCentres::Name))
                    .col(string(SocioCentres::Status))
                    .col(string_null(SocioCentres::Address))
                    .col(double_null(SocioCentres::Lat))
                    .col(double_null(SocioCentres::Lon))
                    .col(string_null(SocioCentres::Phone))
                    .col(json(SocioCentres::OpeningHours))
                    .col(text(SocioCentres::Description))
                    .foreign_key(&mut cascade(SocioCentres::Table, SocioCentres::MunicipalityId, Municipalities::Table, Municipalities::Id))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Categories::Table)
                    .col(id(Categories::Id))
                    .col(string_uniq(Categories::Slug))
                    .col(string(Categories::Name))
                    .col(reference_null(Categories::ParentId))
                    .col(integer(Categories::Position))
                    .foreign_key(&mut cascade(Categories::Table, Categories::ParentId, Categories::Table, Categories::Id))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TargetGroups::Table)
                    .col(id(TargetGroups::Id))
                    .col(string_uniq(TargetGroups::Slug))
                    .col(string(TargetGroups::Name))
                    .col(integer(TargetGroups::Position))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create().table(DatasetMeta::Table).col(string(DatasetMeta::Key).primary_key()).col(text(DatasetMeta::Value)).take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(DatasetMeta::Table).take()).await?;
        manager.drop_table(Table::drop().table(TargetGroups::Table).take()).await?;
        manager.drop_table(Table::drop().table(Categories::Table).take()).await?;
        manager.drop_table(Table::drop().table(SocioCentres::Table).take()).await?;
        manager.drop_table(Table::drop().table(Municipalities::Table).take()).await
    }
}
