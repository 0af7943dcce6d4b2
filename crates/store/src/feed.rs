//! The search index's feed: every published record at start, then what changed since a
//! previous catch-up, so each API replica keeps its in-memory index fresh from the shared database.
//!
//! A change is any row whose `updated_at` moved: a service, or its organization (the name is
//! embedded in the service). Withdrawn records are rows that changed and are no longer public.
//! Each catch-up reads rows changed since the previous one started, minus an overlap: a
//! transaction that started earlier may commit later with an older timestamp, and replicas'
//! clocks differ a little. Rows the index already has at that `updated_at` are skipped before
//! their links are loaded, so re-reading the overlap costs one narrow query.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Query};
use socio_domain::{
    Coordinates,
    feed::{Catalogue, Feed, OrganizationDocument, Record, ServiceDocument, SituationDocument},
};

use crate::{
    PUBLISHED, Store, StoreError,
    entity::{location, organization, service, service_location, situation},
    organizations::organization_summaries,
    services::service_summaries,
    situations::situation_summaries,
};

/// How far back each catch-up re-reads, to cover transactions that committed late.
const OVERLAP: Duration = Duration::seconds(30);
/// Rows per batch when loading summaries.
const BATCH: usize = 1000;

impl Store {
    /// The reference data the index needs.
    pub async fn catalogue(&self) -> Result<Catalogue, StoreError> {
        Ok(Catalogue {
            municipalities: self.municipalities().await?,
            categories: self.categories().await?,
            target_groups: self.target_groups().await?,
        })
    }

    /// Everything public (`since = None`), or what changed since the previous catch-up started;
    /// `current(record, id, updated_at)` tells which rows the index already holds as they are.
    pub async fn search_feed(
        &self,
        since: Option<DateTime<Utc>>,
        current: impl Fn(Record, i64, DateTime<Utc>) -> bool,
    ) -> Result<Feed, StoreError> {
        let from = since.map(|t| t - OVERLAP);
        let mut feed = Feed::default();

        // Organizations first: a changed organization re-feeds all its services.
        let orgs = match from {
            Some(from) => organization::Entity::find().filter(organization::Column::UpdatedAt.gte(from)).all(&self.db).await?,
            None => organization::Entity::find().filter(organization::Column::Status.eq(PUBLISHED)).all(&self.db).await?,
        };
        let orgs: Vec<_> =
            orgs.into_iter().filter(|o| !(o.status == PUBLISHED && current(Record::Organization, o.id, o.updated_at))).collect();
        let changed_orgs: Vec<i64> = orgs.iter().map(|o| o.id).collect();
        let (public_orgs, hidden_orgs): (Vec<_>, Vec<_>) = orgs.into_iter().partition(|o| o.status == PUBLISHED);
        feed.removed_organizations = hidden_orgs.iter().map(|o| o.id).collect();
        for chunk in public_orgs.chunks(BATCH) {
            let updated: HashMap<i64, DateTime<Utc>> = chunk.iter().map(|o| (o.id, o.updated_at)).collect();
            let descriptions: HashMap<i64, String> = chunk.iter().map(|o| (o.id, o.description.clone())).collect();
            for summary in organization_summaries(&self.db, chunk.to_vec()).await? {
                feed.organizations.push(OrganizationDocument {
                    description: descriptions.get(&summary.id).cloned().unwrap_or_default(),
                    updated_at: updated.get(&summary.id).copied().unwrap_or_default(),
                    summary,
                });
            }
        }

        let mut hidden_org_ids: HashSet<i64> = feed.removed_organizations.iter().copied().collect();
        let changed_org_ids: HashSet<i64> = changed_orgs.iter().copied().collect();
        let services = match from {
            Some(from) => {
                // A narrow read first: only rows that are new, changed, withdrawn or belong to a
                // changed organization are loaded whole.
                let heads: Vec<(i64, i64, String, DateTime<Utc>)> = service::Entity::find()
                    .select_only()
                    .column(service::Column::Id)
                    .column(service::Column::OrganizationId)
                    .column(service::Column::Status)
                    .column(service::Column::UpdatedAt)
                    .filter(
                        // A subquery rather than a list of ids: a bulk import may change more
                        // organizations than a statement can bind.
                        Condition::any().add(service::Column::UpdatedAt.gte(from)).add(
                            service::Column::OrganizationId.in_subquery(
                                Query::select()
                                    .column(organization::Column::Id)
                                    .from(organization::Entity)
                                    .and_where(organization::Column::UpdatedAt.gte(from))
                                    .to_owned(),
                            ),
                        ),
                    )
                    .into_tuple()
                    .all(&self.db)
                    .await?;
                let wanted: Vec<i64> = heads
                    .into_iter()
                    .filter(|(id, org, status, updated)| {
                        status != PUBLISHED
                            || hidden_org_ids.contains(org)
                            || changed_org_ids.contains(org)
                            || !current(Record::Service, *id, *updated)
                    })
                    .map(|(id, ..)| id)
                    .collect();
                let mut rows = Vec::with_capacity(wanted.len());
                for chunk in wanted.chunks(BATCH) {
                    rows.extend(service::Entity::find().filter(service::Column::Id.is_in(chunk.iter().copied())).all(&self.db).await?);
                }
                // A service edited while its organization is unpublished stays out of the index,
                // however long ago the organization was withdrawn.
                let owners: Vec<i64> = rows
                    .iter()
                    .map(|s: &service::Model| s.organization_id)
                    .filter(|o| !changed_org_ids.contains(o))
                    .collect::<HashSet<_>>()
                    .into_iter()
                    .collect();
                for chunk in owners.chunks(BATCH) {
                    let unpublished: Vec<i64> = organization::Entity::find()
                        .select_only()
                        .column(organization::Column::Id)
                        .filter(organization::Column::Id.is_in(chunk.iter().copied()))
                        .filter(organization::Column::Status.ne(PUBLISHED))
                        .into_tuple()
                        .all(&self.db)
                        .await?;
                    hidden_org_ids.extend(unpublished);
                }
                rows
            }
            None => self.published_services().order_by_asc(service::Column::Id).all(&self.db).await?,
        };
        let (public, hidden): (Vec<_>, Vec<_>) =
            services.into_iter().partition(|s| s.status == PUBLISHED && !hidden_org_ids.contains(&s.organization_id));
        feed.removed_services = hidden.iter().map(|s| s.id).collect();
        // A service is re-read when it changed or its organization did.
        let public: Vec<_> = public
            .into_iter()
            .filter(|s| changed_org_ids.contains(&s.organization_id) || !current(Record::Service, s.id, s.updated_at))
            .collect();
        for chunk in public.chunks(BATCH) {
            let ids: Vec<i64> = chunk.iter().map(|s| s.id).collect();
            let mut points = service_points(&self.db, &ids).await?;
            let extra: HashMap<i64, (String, DateTime<Utc>)> =
                chunk.iter().map(|s| (s.id, (format!("{} {} {}", s.description, s.eligibility, s.how_to_apply), s.updated_at))).collect();
            for summary in service_summaries(&self.db, chunk.to_vec()).await? {
                let (body, updated_at) = extra.get(&summary.id).cloned().unwrap_or_default();
                feed.services.push(ServiceDocument { points: points.remove(&summary.id).unwrap_or_default(), body, updated_at, summary });
            }
        }

        let situations = match from {
            Some(from) => situation::Entity::find().filter(situation::Column::UpdatedAt.gte(from)).all(&self.db).await?,
            None => situation::Entity::find().filter(situation::Column::Status.eq(PUBLISHED)).all(&self.db).await?,
        };
        let (public, hidden): (Vec<_>, Vec<_>) = situations.into_iter().partition(|s| s.status == PUBLISHED);
        feed.removed_situations = hidden.iter().map(|s| s.id).collect();
        let public: Vec<_> = public.into_iter().filter(|s| !current(Record::Situation, s.id, s.updated_at)).collect();
        let rows: Vec<(i64, i32, String, DateTime<Utc>)> =
            public.iter().map(|s| (s.id, s.position, s.description.clone(), s.updated_at)).collect();
        for ((id, position, body, updated_at), summary) in rows.into_iter().zip(situation_summaries(&self.db, public).await?) {
            feed.situations.push(SituationDocument { id, position, summary, body, updated_at });
        }
        Ok(feed)
    }
}

/// Coordinates of the addresses each service is delivered at.
async fn service_points(db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, Vec<Coordinates>>, StoreError> {
    let links = service_location::Entity::find().filter(service_location::Column::ServiceId.is_in(ids.iter().copied())).all(db).await?;
    let location_ids: Vec<i64> = links.iter().map(|l| l.location_id).collect();
    let coordinates: HashMap<i64, Coordinates> = location::Entity::find()
        .select_only()
        .column(location::Column::Id)
        .column(location::Column::Lat)
        .column(location::Column::Lon)
        .filter(location::Column::Id.is_in(location_ids))
        .into_tuple::<(i64, Option<f64>, Option<f64>)>()
        .all(db)
        .await?
        .into_iter()
        .filter_map(|(id, lat, lon)| Some((id, Coordinates::parse(lat?, lon?).ok()?)))
        .collect();
    let mut points: HashMap<i64, Vec<Coordinates>> = HashMap::new();
    for link in links {
        if let Some(c) = coordinates.get(&link.location_id) {
            points.entry(link.service_id).or_default().push(*c);
        }
    }
    Ok(points)
}
