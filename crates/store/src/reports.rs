//! Citizens' reports of inaccuracies about public records.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr};
use socio_domain::{
    api::{CabinetReport, ReportProblem, ReportSubject, ValidReport},
    vocabulary::ReportStatus,
};

use crate::{
    PUBLISHED, Store, StoreError,
    audit::{Actor, audit},
    entity::{organization, report, service},
};

/// Status of a report nobody has looked at yet.
pub const REPORT_NEW: &str = "new";

impl Store {
    /// Files a report about a published service or organization; `UnknownValue` on `slug` when
    /// there is no such public record. Returns the report's id.
    pub async fn file_report(&self, report: &ValidReport) -> Result<i64, StoreError> {
        let (entity_type, found) = match report.subject {
            ReportSubject::Service => (
                "service",
                self.published_services()
                    .filter(crate::entity::service::Column::Slug.eq(report.slug.as_str()))
                    .one(&self.db)
                    .await?
                    .map(|s| (s.id, s.organization_id)),
            ),
            ReportSubject::Organization => (
                "organization",
                organization::Entity::find()
                    .filter(organization::Column::Slug.eq(report.slug.as_str()))
                    .filter(organization::Column::Status.eq(PUBLISHED))
                    .one(&self.db)
                    .await?
                    .map(|o| (o.id, o.id)),
            ),
        };
        let (entity_id, organization_id) =
            found.ok_or_else(|| StoreError::UnknownValue { field: "slug", value: report.slug.to_string() })?;
        let saved = report::ActiveModel {
            entity_type: Set(entity_type.to_owned()),
            entity_id: Set(entity_id),
            kind: Set(report.problem.as_str().to_owned()),
            message: Set(report.message.clone()),
            status: Set(REPORT_NEW.to_owned()),
            created_at: Set(Utc::now()),
            resolved_at: Set(None),
            resolved_by: Set(None),
            resolution_comment: Set(None),
            organization_id: Set(Some(organization_id)),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok(saved.id)
    }
}

impl Store {
    /// Reports about the organization's records, unresolved first, newest first.
    pub async fn partner_reports(&self, organization_id: i64) -> Result<Vec<CabinetReport>, StoreError> {
        let rows = report::Entity::find()
            .filter(report::Column::OrganizationId.eq(organization_id))
            .order_by_asc(report::Column::ResolvedAt.is_not_null())
            .order_by_desc(report::Column::Id)
            .limit(200)
            .all(&self.db)
            .await?;
        let service_ids: Vec<i64> = rows.iter().filter(|r| r.entity_type == "service").map(|r| r.entity_id).collect();
        let names: std::collections::HashMap<i64, String> = service::Entity::find()
            .filter(service::Column::Id.is_in(service_ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name))
            .collect();
        let org_name = organization::Entity::find_by_id(organization_id).one(&self.db).await?.map(|o| o.name).unwrap_or_default();
        rows.into_iter()
            .map(|row| {
                let subject = if row.entity_type == "service" { ReportSubject::Service } else { ReportSubject::Organization };
                Ok(CabinetReport {
                    id: row.id,
                    subject,
                    entity_id: row.entity_id,
                    title: if subject == ReportSubject::Service {
                        names.get(&row.entity_id).cloned().unwrap_or_default()
                    } else {
                        org_name.clone()
                    },
                    problem: parse_problem(&row.kind)?,
                    message: row.message,
                    status: if row.resolved_at.is_some() { ReportStatus::Resolved } else { ReportStatus::New },
                    created_at: row.created_at,
                    resolved_at: row.resolved_at,
                    resolution_comment: row.resolution_comment,
                })
            })
            .collect()
    }

    /// Marks a report about the organization's record resolved; `false` when there is no such
    /// unresolved report of this organization.
    pub async fn resolve_report(&self, actor: i64, organization_id: i64, id: i64, comment: &str) -> Result<bool, StoreError> {
        let txn = self.write().await?;
        let resolved = report::Entity::update_many()
            .col_expr(report::Column::Status, Expr::value(ReportStatus::Resolved.as_str()))
            .col_expr(report::Column::ResolvedAt, Expr::value(Some(Utc::now())))
            .col_expr(report::Column::ResolvedBy, Expr::value(Some(actor)))
            .col_expr(report::Column::ResolutionComment, Expr::value(Some(comment.to_owned())))
            .filter(report::Column::Id.eq(id))
            .filter(report::Column::OrganizationId.eq(organization_id))
            .filter(report::Column::ResolvedAt.is_null())
            .exec(&txn)
            .await?;
        if resolved.rows_affected == 1 {
            audit(&txn, Actor::User(actor), "resolve_report", "report", id, serde_json::json!({ "comment": comment })).await?;
        }
        txn.commit().await?;
        Ok(resolved.rows_affected == 1)
    }

    /// Does a report with this id exist for another organization? (Only to tell 404 from 409.)
    pub async fn report_of(&self, organization_id: i64, id: i64) -> Result<Option<bool>, StoreError> {
        Ok(report::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .filter(|r| r.organization_id == Some(organization_id))
            .map(|r| r.resolved_at.is_some()))
    }
}

fn parse_problem(kind: &str) -> Result<ReportProblem, StoreError> {
    ReportProblem::ALL
        .iter()
        .map(|(p, _)| *p)
        .find(|p| p.as_str() == kind)
        .ok_or_else(|| StoreError::corrupt(format!("report kind «{kind}»")))
}
