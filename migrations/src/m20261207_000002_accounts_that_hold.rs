//! Accounts that hold. A colleague's invitation is a row of its own, and becomes an account only
//! when accepted (an address invited by someone else is not taken). A one-time password printed
//! by `socio user add` must be changed before anything else. A session (refresh family) keeps
//! the moment it began, for its absolute lifetime. A user keeps when they joined their
//! organization, so one who came by a claim cannot remove an admin who was there first.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    columns::{cascade, created, id, reference, reference_null, set_null},
    m20261125_000002_organizations::Organizations,
    m20261125_000005_accounts::Users,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Invitations {
    Table,
    Id,
    OrganizationId,
    Email,
    DisplayName,
    TokenHash,
    InvitedBy,
    CreatedAt,
    ExpiresAt,
    AcceptedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum UsersAdded {
    #[sea_orm(iden = "users")]
    Table,
    MustChangePassword,
    JoinedOrganizationAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum RefreshTokens {
    Table,
    FamilyStartedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Invitations::Table)
                    .col(id(Invitations::Id))
                    .col(reference(Invitations::OrganizationId))
                    .col(string_len(Invitations::Email, 254))
                    .col(string(Invitations::DisplayName))
                    .col(string_uniq(Invitations::TokenHash))
                    .col(reference_null(Invitations::InvitedBy))
                    .col(created(Invitations::CreatedAt))
                    .col(timestamp_with_time_zone(Invitations::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Invitations::AcceptedAt))
                    .foreign_key(&mut cascade(Invitations::Table, Invitations::OrganizationId, Organizations::Table, Organizations::Id))
                    .foreign_key(&mut set_null(Invitations::Table, Invitations::InvitedBy, Users::Table, Users::Id))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_invitations_organization_created")
                    .table(Invitations::Table)
                    .col(Invitations::OrganizationId)
                    .col(Invitations::CreatedAt)
                    .take(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table(UsersAdded::Table).add_column(boolean(UsersAdded::MustChangePassword).default(false)).take())
            .await?;
        manager
            .alter_table(
                Table::alter().table(UsersAdded::Table).add_column(timestamp_with_time_zone_null(UsersAdded::JoinedOrganizationAt)).take(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter().table(RefreshTokens::Table).add_column(timestamp_with_time_zone_null(RefreshTokens::FamilyStartedAt)).take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(RefreshTokens::Table).drop_column(RefreshTokens::FamilyStartedAt).take()).await?;
        manager.alter_table(Table::alter().table(UsersAdded::Table).drop_column(UsersAdded::JoinedOrganizationAt).take()).await?;
        manager.alter_table(Table::alter().table(UsersAdded::Table).drop_column(UsersAdded::MustChangePassword).take()).await?;
        manager.drop_table(Table::drop().table(Invitations::Table).take()).await
    }
}
