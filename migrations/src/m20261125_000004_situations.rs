//! Life situations: their questionnaires, ordered steps, and links to target groups, categories
//! and related situations.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    columns::{cascade, created, id, reference},
    m20261125_000001_reference::{Categories, TargetGroups},
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Situations {
    Table,
    Id,
    Slug,
    Title,
    Summary,
    Description,
    Status,
    Position,
    Version,
    SearchText,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SituationTargetGroups {
    Table,
    SituationId,
    TargetGroupId,
}

#[derive(DeriveIden, Clone, Copy)]
enum SituationCategories {
    Table,
    SituationId,
    CategoryId,
}

#[derive(DeriveIden, Clone, Copy)]
enum SituationRelated {
    Table,
    SituationId,
    RelatedId,
}

#[derive(DeriveIden, Clone, Copy)]
enum SituationQuestions {
    Table,
    Id,
    SituationId,
    Position,
    Key,
    Text,
    Help,
    Kind,
    Options,
    Min,
    Max,
    AskIf,
}

#[derive(DeriveIden, Clone, Copy)]
enum SituationSteps {
    Table,
    Id,
    SituationId,
    Position,
    Title,
    Body,
    Documents,
    Categories,
    Deadline,
    Condition,
}

fn pair(
    table: impl IntoIden + Copy + 'static,
    left: impl IntoIden + Copy + 'static,
    right: impl IntoIden + Copy + 'static,
    right_table: impl IntoIden + 'static,
    right_id: impl IntoIden + 'static,
) -> TableCreateStatement {
    Table::create()
        .table(table)
        .col(reference(left))
        .col(reference(right))
        .primary_key(Index::create().col(left).col(right))
        .foreign_key(&mut cascade(table, left, Situations::Table, Situations::Id))
        .foreign_key(&mut cascade(table, right, right_table, right_id))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Situations::Table)
                    .col(id(Situations::Id))
                    .col(string_uniq(Situations::Slug))
                    .col(text(Situations::Title))
                    .col(text(Situations::Summary))
                    .col(text(Situations::Description))
                    .col(string(Situations::Status))
                    .col(integer(Situations::Position))
                    .col(integer(Situations::Version).default(1))
                    .col(text(Situations::SearchText))
                    .col(created(Situations::CreatedAt))
                    .col(created(Situations::UpdatedAt))
                    .take(),
            )
            .await?;
        manager
            .create_table(pair(
                SituationTargetGroups::Table,
                SituationTargetGroups::SituationId,
                SituationTargetGroups::TargetGroupId,
                TargetGroups::Table,
                TargetGroups::Id,
            ))
            .await?;
        manager
            .create_table(pair(
                SituationCategories::Table,
                SituationCategories::SituationId,
                SituationCategories::CategoryId,
                Categories::Table,
                Categories::Id,
            ))
            .await?;
        manager
            .create_table(pair(
                SituationRelated::Table,
                SituationRelated::SituationId,
                SituationRelated::RelatedId,
                Situations::Table,
                Situations::Id,
            ))
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SituationQuestions::Table)
                    .col(id(SituationQuestions::Id))
                    .col(reference(SituationQuestions::SituationId))
                    .col(integer(SituationQuestions::Position))
                    .col(string(SituationQuestions::Key))
                    .col(text(SituationQuestions::Text))
                    .col(text_null(SituationQuestions::Help))
                    .col(string(SituationQuestions::Kind))
                    .col(json(SituationQuestions::Options))
                    .col(double_null(SituationQuestions::Min))
                    .col(double_null(SituationQuestions::Max))
                    .col(json_null(SituationQuestions::AskIf))
                    .foreign_key(&mut cascade(
                        SituationQuestions::Table,
                        SituationQuestions::SituationId,
                        Situations::Table,
                        Situations::Id,
                    ))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_situation_questions_key")
                    .table(SituationQuestions::Table)
                    .col(SituationQuestions::SituationId)
                    .col(SituationQuestions::Key)
                    .unique()
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SituationSteps::Table)
                    .col(id(SituationSteps::Id))
                    .col(reference(SituationSteps::SituationId))
                    .col(integer(SituationSteps::Position))
                    .col(text(SituationSteps::Title))
                    .col(text(SituationSteps::Body))
                    .col(json(SituationSteps::Documents))
                    .col(json(SituationSteps::Categories))
                    .col(text_null(SituationSteps::Deadline))
                    .col(json_null(SituationSteps::Condition))
                    .foreign_key(&mut cascade(SituationSteps::Table, SituationSteps::SituationId, Situations::Table, Situations::Id))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_situation_steps_position")
                    .table(SituationSteps::Table)
                    .col(SituationSteps::SituationId)
                    .col(SituationSteps::Position)
                    .unique()
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SituationSteps::Table.into_iden(),
            SituationQuestions::Table.into_iden(),
            SituationRelated::Table.into_iden(),
            SituationCategories::Table.into_iden(),
            SituationTargetGroups::Table.into_iden(),
            Situations::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
