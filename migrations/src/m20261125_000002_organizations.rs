//! Organizations and their locations (addresses with opening hours and accessibility).

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    columns::{cascade, created, id, reference, restrict},
    m20261125_000001_reference::Municipalities,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Organizations {
    Table,
    Id,
    Slug,
    Name,
    ShortName,
    Kind,
    Sector,
    Inn,
    Ogrn,
    Description,
    Phone,
    Email,
    Website,
    Status,
    LastVerified,
    Version,
    SearchText,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Locations {
    Table,
    Id,
    OrganizationId,
    MunicipalityId,
    Key,
    Name,
    Address,
    Lat,
    Lon,
    Phone,
    OpeningHours,
    Accessibility,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Organizations::Table)
                    .col(id(Organizations::Id))
                    .col(string_uniq(Organizations::Slug))
                    .col(text(Organizations::Name))
                    .col(string_null(Organizations::ShortName))
                    .col(string(Organizations::Kind))
                    .col(string(Organizations::Sector))
                    .col(string_null(Organizations::Inn))
                    .col(string_null(Organizations::Ogrn))
                    .col(text(Organizations::Description))
                    .col(string_null(Organizations::Phone))
                    .col(string_null(Organizations::Email))
                    .col(string_null(Organizations::Website))
                    .col(string(Organizations::Status))
                    .col(date_null(Organizations::LastVerified))
                    .col(integer(Organizations::Version).default(1))
                    .col(text(Organizations::SearchText))
                    .col(created(Organizations::CreatedAt))
                    .col(created(Organizations::UpdatedAt))
                    .take(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_organizations_status").table(Organizations::Table).col(Organizations::Status).take())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Locations::Table)
                    .col(id(Locations::Id))
                    .col(reference(Locations::OrganizationId))
                    .col(reference(Locations::MunicipalityId))
                    .col(string(Locations::Key))
                    .col(string(Locations::Name))
                    .col(text(Locations::Address))
                    .col(double_null(Locations::Lat))
                    .col(double_null(Locations::Lon))
                    .col(string_null(Locations::Phone))
                    .col(json(Locations::OpeningHours))
                    .col(json(Locations::Accessibility))
                    .col(created(Locations::CreatedAt))
                    .col(created(Locations::UpdatedAt))
                    .foreign_key(&mut cascade(Locations::Table, Locations::OrganizationId, Organizations::Table, Organizations::Id))
                    .foreign_key(&mut restrict(Locations::Table, Locations::MunicipalityId, Municipalities::Table, Municipalities::Id))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_locations_organization_key")
                    .table(Locations::Table)
                    .col(Locations::OrganizationId)
                    .col(Locations::Key)
                    .unique()
                    .take(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_locations_municipality").table(Locations::Table).col(Locations::MunicipalityId).take())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Locations::Table).take()).await?;
        manager.drop_table(Table::drop().table(Organizations::Table).take()).await
    }
}
