//! The operator's second pass over the directory: a moderator's own edits of a proposal
//! (marked on the revision, so the partner sees the record was corrected), reviewer notes
//! internal to the operator, and daily counters of how citizens use the life situations.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    columns::{cascade, created, id, reference},
    m20261125_000005_accounts::Users,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Revisions {
    Table,
    EditedByModerator,
}

#[derive(DeriveIden, Clone, Copy)]
enum ReviewerNotes {
    Table,
    Id,
    EntityType,
    EntityId,
    AuthorId,
    Body,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum SituationUses {
    Table,
    Situation,
    Municipality,
    Kind,
    Day,
    Count,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Revisions::Table).add_column(boolean(Revisions::EditedByModerator).default(false)).take())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ReviewerNotes::Table)
                    .col(id(ReviewerNotes::Id))
                    .col(string_len(ReviewerNotes::EntityType, 16))
                    .col(big_integer(ReviewerNotes::EntityId))
                    .col(reference(ReviewerNotes::AuthorId))
                    .col(text(ReviewerNotes::Body))
                    .col(created(ReviewerNotes::CreatedAt))
                    .foreign_key(&mut cascade(ReviewerNotes::Table, ReviewerNotes::AuthorId, Users::Table, Users::Id))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_reviewer_notes_entity")
                    .table(ReviewerNotes::Table)
                    .col(ReviewerNotes::EntityType)
                    .col(ReviewerNotes::EntityId)
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SituationUses::Table)
                    .col(string_len(SituationUses::Situation, 120))
                    // The city's slug, or '' when none was chosen (a key column cannot be NULL).
                    .col(string_len(SituationUses::Municipality, 64).default(""))
                    .col(string_len(SituationUses::Kind, 16))
                    .col(date(SituationUses::Day))
                    .col(big_integer(SituationUses::Count).default(0))
                    .primary_key(
                        Index::create()
                            .col(SituationUses::Situation)
                            .col(SituationUses::Municipality)
                            .col(SituationUses::Kind)
                            .col(SituationUses::Day),
                    )
                    .take(),
            )
            .await?;
        manager
            .create_index(Index::create().name("idx_situation_uses_day").table(SituationUses::Table).col(SituationUses::Day).take())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(SituationUses::Table).take()).await?;
        manager.drop_table(Table::drop().table(ReviewerNotes::Table).take()).await?;
        manager.alter_table(Table::alter().table(Revisions::Table).drop_column(Revisions::EditedByModerator).take()).await
    }
}
