//! The partner cabinet's write side: confirmed e-mails and password changes on users, refresh
//! tokens in rotating families, one-time tokens (e-mail confirmation, password reset, invites),
//! an edit counter on every editable record for `If-Match`, the change log the search index
//! follows by sequence, daily view counters and the stale-record reminders already sent.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    columns::{cascade, created, id, reference},
    m20261125_000002_organizations::{Locations, Organizations},
    m20261125_000003_services::Services,
    m20261125_000005_accounts::Users,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum UserColumns {
    EmailConfirmedAt,
    PasswordChangedAt,
    OrgAdmin,
}

#[derive(DeriveIden, Clone, Copy)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    FamilyId,
    TokenHash,
    ExpiresAt,
    RevokedAt,
    RotatedAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum OneTimeTokens {
    Table,
    Id,
    UserId,
    Purpose,
    TokenHash,
    ExpiresAt,
    UsedAt,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ChangeLog {
    Table,
    Seq,
    Entity,
    EntityId,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ServiceViews {
    Table,
    ServiceId,
    Day,
    Count,
}

#[derive(DeriveIden, Clone, Copy)]
enum StaleReminders {
    Table,
    EntityType,
    EntityId,
    Month,
    SentAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Reports {
    Table,
    ResolutionComment,
    OrganizationId,
}

#[derive(DeriveIden, Clone, Copy)]
enum EditVersion {
    EditVersion,
}

/// Locations had no moderation status: every address of a published organization was public.
/// A partner's new address now waits for approval like a new service does.
#[derive(DeriveIden, Clone, Copy)]
enum LocationColumns {
    Status,
    Version,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for column in [
            timestamp_with_time_zone_null(UserColumns::EmailConfirmedAt),
            timestamp_with_time_zone_null(UserColumns::PasswordChangedAt),
            boolean(UserColumns::OrgAdmin).default(false).take(),
        ] {
            manager.alter_table(Table::alter().table(Users::Table).add_column(column).take()).await?;
        }
        for table in [Organizations::Table.into_iden(), Locations::Table.into_iden(), Services::Table.into_iden()] {
            manager.alter_table(Table::alter().table(table).add_column(integer(EditVersion::EditVersion).default(1)).take()).await?;
        }
        manager
            .alter_table(Table::alter().table(Locations::Table).add_column(string(LocationColumns::Status).default("published")).take())
            .await?;
        manager.alter_table(Table::alter().table(Locations::Table).add_column(integer(LocationColumns::Version).default(1)).take()).await?;
        manager.alter_table(Table::alter().table(Reports::Table).add_column(text_null(Reports::ResolutionComment)).take()).await?;
        // The organization a report concerns, so a partner's cabinet lists its own reports.
        manager.alter_table(Table::alter().table(Reports::Table).add_column(big_integer_null(Reports::OrganizationId)).take()).await?;
        manager
            .create_index(Index::create().name("idx_reports_organization").table(Reports::Table).col(Reports::OrganizationId).take())
            .await?;

        // Nothing ever wrote refresh tokens before the cabinet: the table is recreated in its
        // final shape (families for reuse detection, a rotation time) rather than altered.
        manager.drop_table(Table::drop().table(RefreshTokens::Table).take()).await?;
        manager.create_table(refresh_tokens()).await?;
        manager
            .create_index(Index::create().name("idx_refresh_tokens_family").table(RefreshTokens::Table).col(RefreshTokens::FamilyId).take())
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(OneTimeTokens::Table)
                    .col(id(OneTimeTokens::Id))
                    .col(reference(OneTimeTokens::UserId))
                    .col(string_len(OneTimeTokens::Purpose, 32))
                    .col(string_len_uniq(OneTimeTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(OneTimeTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(OneTimeTokens::UsedAt))
                    .col(created(OneTimeTokens::CreatedAt))
                    .foreign_key(&mut cascade(OneTimeTokens::Table, OneTimeTokens::UserId, Users::Table, Users::Id))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ChangeLog::Table)
                    .col(id(ChangeLog::Seq))
                    .col(string_len(ChangeLog::Entity, 32))
                    .col(reference(ChangeLog::EntityId))
                    .col(created(ChangeLog::CreatedAt))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ServiceViews::Table)
                    .col(reference(ServiceViews::ServiceId))
                    .col(date(ServiceViews::Day))
                    .col(big_integer(ServiceViews::Count).default(0))
                    .primary_key(Index::create().col(ServiceViews::ServiceId).col(ServiceViews::Day))
                    .foreign_key(&mut cascade(ServiceViews::Table, ServiceViews::ServiceId, Services::Table, Services::Id))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StaleReminders::Table)
                    .col(string_len(StaleReminders::EntityType, 32))
                    .col(reference(StaleReminders::EntityId))
                    .col(string_len(StaleReminders::Month, 7))
                    .col(created(StaleReminders::SentAt))
                    .primary_key(Index::create().col(StaleReminders::EntityType).col(StaleReminders::EntityId).col(StaleReminders::Month))
                    .take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            StaleReminders::Table.into_iden(),
            ServiceViews::Table.into_iden(),
            ChangeLog::Table.into_iden(),
            OneTimeTokens::Table.into_iden(),
            RefreshTokens::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        // The table as the accounts migration made it.
        manager
            .create_table(
                Table::create()
                    .table(RefreshTokens::Table)
                    .col(id(RefreshTokens::Id))
                    .col(reference(RefreshTokens::UserId))
                    .col(string_uniq(RefreshTokens::TokenHash))
                    .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(RefreshTokens::RevokedAt))
                    .col(created(RefreshTokens::CreatedAt))
                    .foreign_key(&mut cascade(RefreshTokens::Table, RefreshTokens::UserId, Users::Table, Users::Id))
                    .take(),
            )
            .await?;
        manager.drop_index(Index::drop().name("idx_reports_organization").table(Reports::Table).to_owned()).await?;
        manager.alter_table(Table::alter().table(Reports::Table).drop_column(Reports::OrganizationId).take()).await?;
        manager.alter_table(Table::alter().table(Reports::Table).drop_column(Reports::ResolutionComment).take()).await?;
        manager.alter_table(Table::alter().table(Locations::Table).drop_column(LocationColumns::Version).take()).await?;
        manager.alter_table(Table::alter().table(Locations::Table).drop_column(LocationColumns::Status).take()).await?;
        for table in [Services::Table.into_iden(), Locations::Table.into_iden(), Organizations::Table.into_iden()] {
            manager.alter_table(Table::alter().table(table).drop_column(EditVersion::EditVersion).take()).await?;
        }
        for column in [UserColumns::OrgAdmin, UserColumns::PasswordChangedAt, UserColumns::EmailConfirmedAt] {
            manager.alter_table(Table::alter().table(Users::Table).drop_column(column).take()).await?;
        }
        Ok(())
    }
}

fn refresh_tokens() -> TableCreateStatement {
    Table::create()
        .table(RefreshTokens::Table)
        .col(id(RefreshTokens::Id))
        .col(reference(RefreshTokens::UserId))
        .col(string_len(RefreshTokens::FamilyId, 64))
        .col(string_len_uniq(RefreshTokens::TokenHash, 64))
        .col(timestamp_with_time_zone(RefreshTokens::ExpiresAt))
        .col(timestamp_with_time_zone_null(RefreshTokens::RevokedAt))
        .col(timestamp_with_time_zone_null(RefreshTokens::RotatedAt))
        .col(created(RefreshTokens::CreatedAt))
        .foreign_key(&mut cascade(RefreshTokens::Table, RefreshTokens::UserId, Users::Table, Users::Id))
        .take()
}
