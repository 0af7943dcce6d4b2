//! Cabinet accounts: users (partner, moderator, admin) with argon2id password hashes, and
//! refresh tokens stored only as hashes.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    columns::{cascade, created, id, reference, reference_null, set_null},
    m20261125_000002_organizations::Organizations,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
pub enum Users {
    Table,
    Id,
    Email,
    PasswordHash,
    DisplayName,
    Role,
    OrganizationId,
    IsActive,
    CreatedAt,
    UpdatedAt,
    LastLoginAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum RefreshTokens {
    Table,
    Id,
    UserId,
    TokenHash,
    ExpiresAt,
    RevokedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(id(Users::Id))
                    .col(string_uniq(Users::Email))
                    .col(text(Users::PasswordHash))
                    .col(string(Users::DisplayName))
                    .col(string(Users::Role))
                    .col(reference_null(Users::OrganizationId))
                    .col(boolean(Users::IsActive).default(true))
                    .col(created(Users::CreatedAt))
                    .col(created(Users::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                    .foreign_key(&mut set_null(Users::Table, Users::OrganizationId, Organizations::Table, Organizations::Id))
                    .take(),
            )
            .await?;
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
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(RefreshTokens::Table).take()).await?;
        manager.drop_table(Table::drop().table(Users::Table).take()).await
    }
}
