//! Searches that found nothing, counted per day: the operator's view of unmet demand. Only the
//! normalised query text, the city and the day are kept, nothing about the person.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum UnmetSearches {
    Table,
    Query,
    Municipality,
    Day,
    Count,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(UnmetSearches::Table)
                    .col(string_len(UnmetSearches::Query, 200))
                    // The city's slug, or '' when no city was chosen (a key column cannot be NULL).
                    .col(string_len(UnmetSearches::Municipality, 64).default(""))
                    .col(date(UnmetSearches::Day))
                    .col(big_integer(UnmetSearches::Count).default(1))
                    .primary_key(Index::create().col(UnmetSearches::Query).col(UnmetSearches::Municipality).col(UnmetSearches::Day))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_unmet_searches_day").table(UnmetSearches::Table).col(UnmetSearches::Day).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(UnmetSearches::Table).to_owned()).await
    }
}
