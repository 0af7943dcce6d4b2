//! Views of services: daily counters only (no IP, no user agent, nothing personal), added in
//! batches by the API, read by the partner's statistics page.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use socio_domain::api::{DailyViews, ServiceStatistics};

use crate::{
    Store, StoreError,
    entity::{service, service_view},
};

impl Store {
    /// Adds `count` views of each service on `day`.
    pub async fn add_views(&self, day: NaiveDate, views: &[(i64, u64)]) -> Result<(), StoreError> {
        for chunk in views.chunks(500) {
            let rows = chunk.iter().map(|(service_id, count)| service_view::ActiveModel {
                service_id: Set(*service_id),
                day: Set(day),
                count: Set(i64::try_from(*count).unwrap_or(i64::MAX)),
            });
            service_view::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::columns([service_view::Column::ServiceId, service_view::Column::Day])
                        .value(
                            service_view::Column::Count,
                            Expr::col((service_view::Entity, service_view::Column::Count)).add(Expr::cust("excluded.count")),
                        )
                        .to_owned(),
                )
                .exec_without_returning(&self.db)
                .await?;
        }
        Ok(())
    }

    /// Views of each of the organization's services since `since`, busiest first.
    pub async fn service_statistics(&self, organization_id: i64, since: NaiveDate) -> Result<Vec<ServiceStatistics>, StoreError> {
        let services = service::Entity::find()
            .filter(service::Column::OrganizationId.eq(organization_id))
            .filter(service::Column::Status.ne("archived"))
            .order_by_asc(service::Column::Name)
            .all(&self.db)
            .await?;
        let rows = service_view::Entity::find()
            .filter(service_view::Column::ServiceId.is_in(services.iter().map(|s| s.id)))
            .filter(service_view::Column::Day.gte(since))
            .order_by_asc(service_view::Column::Day)
            .all(&self.db)
            .await?;
        let mut by_service: BTreeMap<i64, Vec<DailyViews>> = BTreeMap::new();
        for row in rows {
            by_service.entry(row.service_id).or_default().push(DailyViews { day: row.day, views: u64::try_from(row.count).unwrap_or(0) });
        }
        let mut stats: Vec<ServiceStatistics> = services
            .into_iter()
            .map(|s| {
                let days = by_service.remove(&s.id).unwrap_or_default();
                ServiceStatistics { service_id: s.id, name: s.name, total: days.iter().map(|d| d.views).sum(), days }
            })
            .collect();
        stats.sort_by_key(|s| std::cmp::Reverse(s.total));
        Ok(stats)
    }
}
