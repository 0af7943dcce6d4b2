//! Every organization, service and location gets the UUID it is published under in HSDS:
//! stored, so it never changes once given (integer ids differ between installations, and an
//! imported record keeps the id its source gave it). Existing rows get the id derived from
//! their natural key, the same one new rows get when they are created.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Organizations {
    Table,
    Id,
    Slug,
    HsdsId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Services {
    Table,
    Id,
    Slug,
    HsdsId,
}

#[derive(DeriveIden, Clone, Copy)]
enum Locations {
    Table,
    Id,
    OrganizationId,
    Key,
    HsdsId,
}

/// Sets `hsds_id` of each `(id, uuid)` row of `table`.
async fn backfill<T: Iden + Copy + 'static>(
    manager: &SchemaManager<'_>,
    table: T,
    id: T,
    column: T,
    rows: Vec<(i64, String)>,
) -> Result<(), DbErr> {
    for (row, uuid) in rows {
        manager.exec_stmt(Query::update().table(table).value(column, uuid).and_where(Expr::col(id).eq(row)).take()).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Organizations::Table).add_column(string_len_null(Organizations::HsdsId, 36)).take())
            .await?;
        manager.alter_table(Table::alter().table(Services::Table).add_column(string_len_null(Services::HsdsId, 36)).take()).await?;
        manager.alter_table(Table::alter().table(Locations::Table).add_column(string_len_null(Locations::HsdsId, 36)).take()).await?;

        let db = manager.get_connection();
        let mut slugs = std::collections::HashMap::new();
        let mut rows = Vec::new();
        for row in
            db.query_all(&Query::select().columns([Organizations::Id, Organizations::Slug]).from(Organizations::Table).take()).await?
        {
            let (id, slug): (i64, String) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
            rows.push((id, socio_hsds::ids::organization(&slug).to_string()));
            slugs.insert(id, slug);
        }
        backfill(manager, Organizations::Table, Organizations::Id, Organizations::HsdsId, rows).await?;

        let mut rows = Vec::new();
        for row in db.query_all(&Query::select().columns([Services::Id, Services::Slug]).from(Services::Table).take()).await? {
            let (id, slug): (i64, String) = (row.try_get_by_index(0)?, row.try_get_by_index(1)?);
            rows.push((id, socio_hsds::ids::service(&slug).to_string()));
        }
        backfill(manager, Services::Table, Services::Id, Services::HsdsId, rows).await?;

        let mut rows = Vec::new();
        let query = Query::select().columns([Locations::Id, Locations::OrganizationId, Locations::Key]).from(Locations::Table).take();
        for row in db.query_all(&query).await? {
            let (id, organization, key): (i64, i64, String) =
                (row.try_get_by_index(0)?, row.try_get_by_index(1)?, row.try_get_by_index(2)?);
            let slug = slugs.get(&organization).map(String::as_str).unwrap_or_default();
            rows.push((id, socio_hsds::ids::location(slug, &key).to_string()));
        }
        backfill(manager, Locations::Table, Locations::Id, Locations::HsdsId, rows).await?;

        for (name, table, column) in [
            ("idx_organizations_hsds_id", Organizations::Table.into_iden(), Organizations::HsdsId.into_iden()),
            ("idx_services_hsds_id", Services::Table.into_iden(), Services::HsdsId.into_iden()),
            ("idx_locations_hsds_id", Locations::Table.into_iden(), Locations::HsdsId.into_iden()),
        ] {
            manager.create_index(Index::create().name(name).table(table).col(column).unique().to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("idx_organizations_hsds_id", Organizations::Table.into_iden()),
            ("idx_services_hsds_id", Services::Table.into_iden()),
            ("idx_locations_hsds_id", Locations::Table.into_iden()),
        ] {
            manager.drop_index(Index::drop().name(name).table(table).to_owned()).await?;
        }
        manager.alter_table(Table::alter().table(Organizations::Table).drop_column(Organizations::HsdsId).take()).await?;
        manager.alter_table(Table::alter().table(Services::Table).drop_column(Services::HsdsId).take()).await?;
        manager.alter_table(Table::alter().table(Locations::Table).drop_column(Locations::HsdsId).take()).await?;
        Ok(())
    }
}
