//! Citizens' reports of inaccuracies about public records.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use socio_domain::api::{ReportSubject, ValidReport};

use crate::{
    PUBLISHED, Store, StoreError,
    entity::{organization, report},
};

/// Status of a report nobody has looked at yet.
pub const REPORT_NEW: &str = "new";

impl Store {
    /// Files a report about a published service or organization; `UnknownValue` on `slug` when
    /// there is no such public record. Returns the report's id.
    pub async fn file_report(&self, report: &ValidReport) -> Result<i64, StoreError> {
        let (entity_type, entity_id) = match report.subject {
            ReportSubject::Service => (
                "service",
                self.published_services()
                    .filter(crate::entity::service::Column::Slug.eq(report.slug.as_str()))
                    .one(&self.db)
                    .await?
                    .map(|s| s.id),
            ),
            ReportSubject::Organization => (
                "organization",
                organization::Entity::find()
                    .filter(organization::Column::Slug.eq(report.slug.as_str()))
                    .filter(organization::Column::Status.eq(PUBLISHED))
                    .one(&self.db)
                    .await?
                    .map(|o| o.id),
            ),
        };
        let entity_id = entity_id.ok_or_else(|| StoreError::UnknownValue { field: "slug", value: report.slug.to_string() })?;
        let saved = report::ActiveModel {
            entity_type: Set(entity_type.to_owned()),
            entity_id: Set(entity_id),
            kind: Set(report.problem.as_str().to_owned()),
            message: Set(report.message.clone()),
            status: Set(REPORT_NEW.to_owned()),
            created_at: Set(Utc::now()),
            resolved_at: Set(None),
            resolved_by: Set(None),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok(saved.id)
    }
}
