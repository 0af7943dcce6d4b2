//! A situation and each of its steps carry their sources (the law, the resolution, the official
//! page: «Основание: …»), and a situation the day an editor last checked it («Проверено: …»):
//! rules and amounts change every year, and a citizen should see where a step comes from.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Situations {
    Table,
    Sources,
    CheckedOn,
}

#[derive(DeriveIden, Clone, Copy)]
enum SituationSteps {
    Table,
    Sources,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one change at a time.
        manager.alter_table(Table::alter().table(Situations::Table).add_column(json_null(Situations::Sources)).take()).await?;
        manager.alter_table(Table::alter().table(Situations::Table).add_column(date_null(Situations::CheckedOn)).take()).await?;
        manager.alter_table(Table::alter().table(SituationSteps::Table).add_column(json_null(SituationSteps::Sources)).take()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(SituationSteps::Table).drop_column(SituationSteps::Sources).take()).await?;
        manager.alter_table(Table::alter().table(Situations::Table).drop_column(Situations::CheckedOn).take()).await?;
        manager.alter_table(Table::alter().table(Situations::Table).drop_column(Situations::Sources).take()).await
    }
}
