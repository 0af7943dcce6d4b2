//! Moderation: partners' proposed revisions, the audit log of applied changes, and citizens'
//! reports of inaccuracies.

use sea_orm_migration::{prelude::*, schema::*};

use crate::{
    columns::{created, id, reference, reference_null, set_null},
    m20261125_000002_organizations::Organizations,
    m20261125_000005_accounts::Users,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Revisions {
    Table,
    Id,
    EntityType,
    EntityId,
    OrganizationId,
    AuthorId,
    BaseVersion,
    Payload,
    Status,
    ReviewerId,
    ReviewComment,
    CreatedAt,
    DecidedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditLog {
    Table,
    Id,
    ActorId,
    Action,
    EntityType,
    EntityId,
    Details,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Reports {
    Table,
    Id,
    EntityType,
    EntityId,
    Kind,
    Message,
    Status,
    CreatedAt,
    ResolvedAt,
    ResolvedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Revisions::Table)
                    .col(id(Revisions::Id))
                    .col(string(Revisions::EntityType))
                    .col(reference_null(Revisions::EntityId))
                    .col(reference_null(Revisions::OrganizationId))
                    .col(reference_null(Revisions::AuthorId))
                    .col(integer_null(Revisions::BaseVersion))
                    .col(json(Revisions::Payload))
                    .col(string(Revisions::Status))
                    .col(reference_null(Revisions::ReviewerId))
                    .col(text_null(Revisions::ReviewComment))
                    .col(created(Revisions::CreatedAt))
                    .col(timestamp_with_time_zone_null(Revisions::DecidedAt))
                    .foreign_key(&mut set_null(Revisions::Table, Revisions::OrganizationId, Organizations::Table, Organizations::Id))
                    .foreign_key(&mut set_null(Revisions::Table, Revisions::AuthorId, Users::Table, Users::Id))
                    .foreign_key(&mut set_null(Revisions::Table, Revisions::ReviewerId, Users::Table, Users::Id))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_revisions_status")
                    .table(Revisions::Table)
                    .col(Revisions::Status)
                    .col(Revisions::CreatedAt)
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(id(AuditLog::Id))
                    .col(reference_null(AuditLog::ActorId))
                    .col(string(AuditLog::Action))
                    .col(string(AuditLog::EntityType))
                    .col(reference(AuditLog::EntityId))
                    .col(json(AuditLog::Details))
                    .col(created(AuditLog::CreatedAt))
                    .foreign_key(&mut set_null(AuditLog::Table, AuditLog::ActorId, Users::Table, Users::Id))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_entity")
                    .table(AuditLog::Table)
                    .col(AuditLog::EntityType)
                    .col(AuditLog::EntityId)
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Reports::Table)
                    .col(id(Reports::Id))
                    .col(string(Reports::EntityType))
                    .col(reference(Reports::EntityId))
                    .col(string(Reports::Kind))
                    .col(text(Reports::Message))
                    .col(string(Reports::Status))
                    .col(created(Reports::CreatedAt))
                    .col(timestamp_with_time_zone_null(Reports::ResolvedAt))
                    .col(reference_null(Reports::ResolvedBy))
                    .foreign_key(&mut set_null(Reports::Table, Reports::ResolvedBy, Users::Table, Users::Id))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create().name("idx_reports_status").table(Reports::Table).col(Reports::Status).col(Reports::CreatedAt).take(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Reports::Table).take()).await?;
        manager.drop_table(Table::drop().table(AuditLog::Table).take()).await?;
        manager.drop_table(Table::drop().table(Revisions::Table).take()).await
    }
}
