//! Services and their many-to-many links: categories, target groups, formats, municipalities
//! covered, and the locations where they are delivered in person.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    columns::{cascade, created, id, reference},
    m20261125_000001_reference::{Categories, Municipalities, TargetGroups},
    m20261125_000002_organizations::{Locations, Organizations},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Services {
    Table,
    Id,
    Slug,
    OrganizationId,
    Name,
    Summary,
    Description,
    #[sea_orm(iden = "form_442")]
    Form442,
    Cost,
    CostNote,
    AgeMin,
    AgeMax,
    Eligibility,
    Documents,
    HowToApply,
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
enum ServiceCategories {
    Table,
    ServiceId,
    CategoryId,
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceTargetGroups {
    Table,
    ServiceId,
    TargetGroupId,
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceFormats {
    Table,
    ServiceId,
    Format,
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceMunicipalities {
    Table,
    ServiceId,
    MunicipalityId,
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceLocations {
    Table,
    ServiceId,
    LocationId,
}

/// A link table `(service_id, other)` with a reverse index for filtering by `other`.
async fn link_table<T, C, O>(
    manager: &SchemaManager<'_>,
    table: T,
    service: C,
    other: O,
    other_def: ColumnDef,
    fk: Option<(DynIden, DynIden)>,
) -> Result<(), DbErr>
where
    T: IntoIden + Copy + 'static,
    C: IntoIden + Copy + 'static,
    O: IntoIden + Copy + 'static,
{
    let mut create = Table::create()
        .table(table)
        .col(reference(service))
        .col(other_def)
        .primary_key(Index::create().col(service).col(other))
        .foreign_key(&mut cascade(table, service, Services::Table, Services::Id))
        .take();
    if let Some((to_table, to_col)) = fk {
        create.foreign_key(&mut cascade(table, other, to_table, to_col));
    }
    manager.create_table(create).await?;
    let name = format!("idx_{}_reverse", table.into_iden());
    manager.create_index(Index::create().name(name).table(table).col(other).col(service).take()).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Services::Table)
                    .col(id(Services::Id))
                    .col(string_uniq(Services::Slug))
                    .col(reference(Services::OrganizationId))
                    .col(text(Services::Name))
                    .col(text(Services::Summary))
                    .col(text(Services::Description))
                    .col(string_null(Services::Form442))
                    .col(string(Services::Cost))
                    .col(text_null(Services::CostNote))
                    .col(small_integer_null(Services::AgeMin))
                    .col(small_integer_null(Services::AgeMax))
                    .col(text(Services::Eligibility))
                    .col(json(Services::Documents))
                    .col(text(Services::HowToApply))
                    .col(string_null(Services::Phone))
                    .col(string_null(Services::Email))
                    .col(string_null(Services::Website))
                    .col(string(Services::Status))
                    .col(date_null(Services::LastVerified))
                    .col(integer(Services::Version).default(1))
                    .col(text(Services::SearchText))
                    .col(created(Services::CreatedAt))
                    .col(created(Services::UpdatedAt))
                    .foreign_key(&mut cascade(Services::Table, Services::OrganizationId, Organizations::Table, Organizations::Id))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_services_status_name").table(Services::Table).col(Services::Status).col(Services::Name).take(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_services_organization").table(Services::Table).col(Services::OrganizationId).take())
            .await?;
        link_table(
            manager,
            ServiceCategories::Table,
            ServiceCategories::ServiceId,
            ServiceCategories::CategoryId,
            reference(ServiceCategories::CategoryId),
            Some((Categories::Table.into_iden(), Categories::Id.into_iden())),
        )
        .await?;
        link_table(
            manager,
            ServiceTargetGroups::Table,
            ServiceTargetGroups::ServiceId,
            ServiceTargetGroups::TargetGroupId,
            reference(ServiceTargetGroups::TargetGroupId),
            Some((TargetGroups::Table.into_iden(), TargetGroups::Id.into_iden())),
        )
        .await?;
        link_table(manager, ServiceFormats::Table, ServiceFormats::ServiceId, ServiceFormats::Format, string(ServiceFormats::Format), None)
            .await?;
        link_table(
            manager,
            ServiceMunicipalities::Table,
            ServiceMunicipalities::ServiceId,
            ServiceMunicipalities::MunicipalityId,
            reference(ServiceMunicipalities::MunicipalityId),
            Some((Municipalities::Table.into_iden(), Municipalities::Id.into_iden())),
        )
        .await?;
        link_table(
            manager,
            ServiceLocations::Table,
            ServiceLocations::ServiceId,
            ServiceLocations::LocationId,
            reference(ServiceLocations::LocationId),
            Some((Locations::Table.into_iden(), Locations::Id.into_iden())),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ServiceLocations::Table.into_iden(),
            ServiceMunicipalities::Table.into_iden(),
            ServiceFormats::Table.into_iden(),
            ServiceTargetGroups::Table.into_iden(),
            ServiceCategories::Table.into_iden(),
            Services::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
