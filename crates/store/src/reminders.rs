//! Stale records: published organizations and services nobody confirmed for 180 days, grouped
//! per organization for a reminder letter, and the record of which reminders went out (one per
//! record and month, so the command can run daily).

use std::collections::BTreeMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, sea_query::OnConflict};
use socio_domain::api::STALE_AFTER_DAYS;

use crate::{
    PUBLISHED, Store, StoreError,
    entity::{organization, service, stale_reminder, user},
};

/// One organization's stale records and who to tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleDigest {
    pub organization_id: i64,
    pub organization_name: String,
    /// Active partners of the organization with a confirmed address.
    pub recipients: Vec<String>,
    /// `(kind, id, name)` of each stale record not yet reminded of this month.
    pub records: Vec<(&'static str, i64, String)>,
}

fn month(day: NaiveDate) -> String {
    day.format("%Y-%m").to_string()
}

impl Store {
    /// Stale published records not yet reminded of in `today`'s month, per organization.
    pub async fn stale_digests(&self, today: NaiveDate) -> Result<Vec<StaleDigest>, StoreError> {
        let cutoff = today - chrono::Duration::days(STALE_AFTER_DAYS);
        let stale = || Condition::any();
        let orgs = organization::Entity::find()
            .filter(organization::Column::Status.eq(PUBLISHED))
            .order_by_asc(organization::Column::Id)
            .all(&self.db)
            .await?;
        let services = service::Entity::find()
            .filter(service::Column::Status.eq(PUBLISHED))
            .filter(stale().add(service::Column::LastVerified.is_null()).add(service::Column::LastVerified.lte(cutoff)))
            .order_by_asc(service::Column::Name)
            .all(&self.db)
            .await?;
        let reminded: Vec<(String, i64)> = stale_reminder::Entity::find()
            .filter(stale_reminder::Column::Month.eq(month(today)))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| (r.entity_type, r.entity_id))
            .collect();
        let fresh = |kind: &str, id: i64| !reminded.iter().any(|(k, i)| k == kind && *i == id);
        let mut digests: BTreeMap<i64, StaleDigest> = BTreeMap::new();
        for org in &orgs {
            let mut records = Vec::new();
            if org.last_verified.is_none_or(|d| d <= cutoff) && fresh("organization", org.id) {
                records.push(("organization", org.id, org.name.clone()));
            }
            digests.insert(
                org.id,
                StaleDigest { organization_id: org.id, organization_name: org.name.clone(), recipients: Vec::new(), records },
            );
        }
        for s in services {
            if let Some(digest) = digests.get_mut(&s.organization_id)
                && fresh("service", s.id)
            {
                digest.records.push(("service", s.id, s.name));
            }
        }
        digests.retain(|_, d| !d.records.is_empty());
        let members = user::Entity::find()
            .filter(user::Column::OrganizationId.is_in(digests.keys().copied()))
            .filter(user::Column::IsActive.eq(true))
            .filter(user::Column::EmailConfirmedAt.is_not_null())
            .order_by_asc(user::Column::Id)
            .all(&self.db)
            .await?;
        for member in members {
            if let Some(digest) = member.organization_id.and_then(|id| digests.get_mut(&id)) {
                digest.recipients.push(member.email);
            }
        }
        Ok(digests.into_values().collect())
    }

    /// Notes that these records were reminded of in `today`'s month.
    pub async fn mark_reminded(&self, records: &[(&'static str, i64)], today: NaiveDate) -> Result<(), StoreError> {
        if records.is_empty() {
            return Ok(());
        }
        let rows = records.iter().map(|(kind, id)| stale_reminder::ActiveModel {
            entity_type: Set((*kind).to_owned()),
            entity_id: Set(*id),
            month: Set(month(today)),
            sent_at: Set(Utc::now()),
        });
        stale_reminder::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([stale_reminder::Column::EntityType, stale_reminder::Column::EntityId, stale_reminder::Column::Month])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }
}
