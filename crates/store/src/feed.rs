//! The search index's feed: every published record at start, then the records the change log
//! names, so each API replica keeps its in-memory index fresh from the shared database.
//!
//! A changed organization re-feeds all its services (its name is embedded in them); a changed
//! address re-feeds its organization (its cities) and the services delivered there (their
//! points). Withdrawn records are the named ones that are no longer public; a service whose
//! organization is not published stays out, however long ago the organization was withdrawn.
//!
//! A record whose stored values do not parse (a manual edit, a bug) is logged and left out, as
//! if withdrawn, so it cannot keep every other record out of the index.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use socio_domain::{
    Coordinates,
    feed::{Catalogue, Feed, OrganizationDocument, ServiceDocument, SituationDocument},
};

use crate::{
    PUBLISHED, Store, StoreError,
    change_log::ChangeSet,
    entity::{location, organization, service, service_location, situation, situation_step},
    organizations::organization_summaries,
    services::service_summaries,
    situations::situation_summaries,
};

/// Rows per batch when loading records and their links.
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

    /// Everything public (`changes = None`), or the records a change set names.
    pub async fn search_feed(&self, changes: Option<&ChangeSet>) -> Result<Feed, StoreError> {
        let mut feed = Feed::default();

        let orgs = match changes {
            None => organization::Entity::find().filter(organization::Column::Status.eq(PUBLISHED)).all(&self.db).await?,
            Some(set) => {
                let mut ids = set.organizations.clone();
                for chunk in set.locations.iter().copied().collect::<Vec<_>>().chunks(BATCH) {
                    let owners: Vec<i64> = location::Entity::find()
                        .select_only()
                        .column(location::Column::OrganizationId)
                        .filter(location::Column::Id.is_in(chunk.iter().copied()))
                        .into_tuple()
                        .all(&self.db)
                        .await?;
                    ids.extend(owners);
                }
                let rows = by_ids::<organization::Entity, _>(&self.db, organization::Column::Id, &ids).await?;
                feed.removed_organizations.extend(missing(&ids, rows.iter().map(|o| o.id)));
                rows
            }
        };
        let changed_org_ids: HashSet<i64> = orgs.iter().map(|o| o.id).collect();
        let (public_orgs, hidden_orgs): (Vec<_>, Vec<_>) = orgs.into_iter().partition(|o| o.status == PUBLISHED);
        feed.removed_organizations.extend(hidden_orgs.iter().map(|o| o.id));
        for chunk in public_orgs.chunks(BATCH) {
            let updated: HashMap<i64, DateTime<Utc>> = chunk.iter().map(|o| (o.id, o.updated_at)).collect();
            let descriptions: HashMap<i64, String> = chunk.iter().map(|o| (o.id, o.description.clone())).collect();
            let summaries =
                tolerant("organization", chunk, |o| o.id, |rows| organization_summaries(&self.db, rows), &mut feed.removed_organizations)
                    .await?;
            for (_, summary) in summaries {
                feed.organizations.push(OrganizationDocument {
                    description: descriptions.get(&summary.id).cloned().unwrap_or_default(),
                    updated_at: updated.get(&summary.id).copied().unwrap_or_default(),
                    summary,
                });
            }
        }

        let mut hidden_org_ids: HashSet<i64> = feed.removed_organizations.iter().copied().collect();
        let services = match changes {
            None => self.published_services().order_by_asc(service::Column::Id).all(&self.db).await?,
            Some(set) => {
                let mut ids: BTreeSet<i64> = set.services.clone();
                let changed: Vec<i64> = changed_org_ids.iter().copied().collect();
                for chunk in changed.chunks(BATCH) {
                    let owned: Vec<i64> = service::Entity::find()
                        .select_only()
                        .column(service::Column::Id)
                        .filter(service::Column::OrganizationId.is_in(chunk.iter().copied()))
                        .into_tuple()
                        .all(&self.db)
                        .await?;
                    ids.extend(owned);
                }
                for chunk in set.locations.iter().copied().collect::<Vec<_>>().chunks(BATCH) {
                    let delivered: Vec<i64> = service_location::Entity::find()
                        .select_only()
                        .column(service_location::Column::ServiceId)
                        .filter(service_location::Column::LocationId.is_in(chunk.iter().copied()))
                        .into_tuple()
                        .all(&self.db)
                        .await?;
                    ids.extend(delivered);
                }
                let rows = by_ids::<service::Entity, _>(&self.db, service::Column::Id, &ids).await?;
                feed.removed_services.extend(missing(&ids, rows.iter().map(|s| s.id)));
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
        };
        let (public, hidden): (Vec<_>, Vec<_>) =
            services.into_iter().partition(|s| s.status == PUBLISHED && !hidden_org_ids.contains(&s.organization_id));
        feed.removed_services.extend(hidden.iter().map(|s| s.id));
        for chunk in public.chunks(BATCH) {
            let ids: Vec<i64> = chunk.iter().map(|s| s.id).collect();
            let mut places = service_places(&self.db, &ids).await?;
            let extra: HashMap<i64, (String, DateTime<Utc>)> =
                chunk.iter().map(|s| (s.id, (format!("{} {} {}", s.description, s.eligibility, s.how_to_apply), s.updated_at))).collect();
            let summaries =
                tolerant("service", chunk, |s| s.id, |rows| service_summaries(&self.db, rows), &mut feed.removed_services).await?;
            for (_, summary) in summaries {
                let (mut body, updated_at) = extra.get(&summary.id).cloned().unwrap_or_default();
                let (points, addresses) = places.remove(&summary.id).unwrap_or_default();
                // People search by street too («логопед на Ленина»).
                for address in addresses {
                    body.push(' ');
                    body.push_str(&address);
                }
                feed.services.push(ServiceDocument { points, body, updated_at, summary });
            }
        }

        let situations = match changes {
            None => situation::Entity::find().filter(situation::Column::Status.eq(PUBLISHED)).all(&self.db).await?,
            Some(set) => {
                let rows = by_ids::<situation::Entity, _>(&self.db, situation::Column::Id, &set.situations).await?;
                feed.removed_situations.extend(missing(&set.situations, rows.iter().map(|s| s.id)));
                rows
            }
        };
        let (public, hidden): (Vec<_>, Vec<_>) = situations.into_iter().partition(|s| s.status == PUBLISHED);
        feed.removed_situations.extend(hidden.iter().map(|s| s.id));
        // The words of the steps too: a person describing their trouble uses them («приставы»,
        // «хоспис»), and the description only sums the steps up.
        let mut steps: HashMap<i64, String> = HashMap::new();
        for step in situation_step::Entity::find()
            .filter(situation_step::Column::SituationId.is_in(public.iter().map(|s| s.id)))
            .order_by_asc(situation_step::Column::Position)
            .all(&self.db)
            .await?
        {
            let text = steps.entry(step.situation_id).or_default();
            for part in [&step.title, &step.body] {
                text.push(' ');
                text.push_str(part);
            }
        }
        let rows: HashMap<i64, (i32, String, DateTime<Utc>)> = public
            .iter()
            .map(|s| (s.id, (s.position, format!("{}{}", s.description, steps.remove(&s.id).unwrap_or_default()), s.updated_at)))
            .collect();
        for (id, summary) in
            tolerant("situation", &public, |s| s.id, |rows| situation_summaries(&self.db, rows), &mut feed.removed_situations).await?
        {
            let (position, body, updated_at) = rows.get(&id).cloned().unwrap_or_default();
            feed.situations.push(SituationDocument { id, position, summary, body, updated_at });
        }
        Ok(feed)
    }
}

/// The summaries of `rows` (in their order, with their ids), made together; when one of them
/// does not parse, one by one, leaving out and logging each that does not (its id goes to
/// `skipped`, so the index drops what it held of it). Database failures still fail the feed.
async fn tolerant<R, S, F, Fut>(
    kind: &str,
    rows: &[R],
    id: impl Fn(&R) -> i64,
    summarise: F,
    skipped: &mut Vec<i64>,
) -> Result<Vec<(i64, S)>, StoreError>
where
    R: Clone,
    F: Fn(Vec<R>) -> Fut,
    Fut: Future<Output = Result<Vec<S>, StoreError>>,
{
    match summarise(rows.to_vec()).await {
        Ok(summaries) if summaries.len() == rows.len() => return Ok(rows.iter().map(&id).zip(summaries).collect()),
        Ok(_) | Err(StoreError::Corrupt(_)) => {}
        Err(other) => return Err(other),
    }
    let mut summaries = Vec::with_capacity(rows.len());
    for row in rows {
        match summarise(vec![row.clone()]).await {
            Ok(mut one) if one.len() == 1 => summaries.extend(one.pop().map(|s| (id(row), s))),
            Ok(_) => skipped.push(id(row)),
            Err(StoreError::Corrupt(reason)) => {
                tracing::error!(kind, id = id(row), %reason, "search index: a record does not parse; it is left out");
                skipped.push(id(row));
            }
            Err(other) => return Err(other),
        }
    }
    Ok(summaries)
}

/// Named ids whose rows are gone (deleted): they leave the index too.
fn missing(named: &BTreeSet<i64>, found: impl Iterator<Item = i64>) -> Vec<i64> {
    let found: HashSet<i64> = found.collect();
    named.iter().filter(|id| !found.contains(id)).copied().collect()
}

/// Rows of `E` whose `column` is one of `ids`, loaded in batches.
async fn by_ids<E, C>(db: &impl ConnectionTrait, column: C, ids: &BTreeSet<i64>) -> Result<Vec<E::Model>, StoreError>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    let ids: Vec<i64> = ids.iter().copied().collect();
    let mut rows = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(BATCH) {
        rows.extend(E::find().filter(column.is_in(chunk.iter().copied())).all(db).await?);
    }
    Ok(rows)
}

/// Coordinates and addresses of the published places each service is delivered at.
async fn service_places(db: &impl ConnectionTrait, ids: &[i64]) -> Result<HashMap<i64, (Vec<Coordinates>, Vec<String>)>, StoreError> {
    let links = service_location::Entity::find().filter(service_location::Column::ServiceId.is_in(ids.iter().copied())).all(db).await?;
    let location_ids: Vec<i64> = links.iter().map(|l| l.location_id).collect();
    let places: HashMap<i64, (Option<Coordinates>, String)> = location::Entity::find()
        .select_only()
        .column(location::Column::Id)
        .column(location::Column::Lat)
        .column(location::Column::Lon)
        .column(location::Column::Address)
        .filter(location::Column::Id.is_in(location_ids))
        .filter(location::Column::Status.eq(PUBLISHED))
        .into_tuple::<(i64, Option<f64>, Option<f64>, String)>()
        .all(db)
        .await?
        .into_iter()
        .map(|(id, lat, lon, address)| (id, (lat.zip(lon).and_then(|(lat, lon)| Coordinates::parse(lat, lon).ok()), address)))
        .collect();
    let mut by_service: HashMap<i64, (Vec<Coordinates>, Vec<String>)> = HashMap::new();
    for link in links {
        if let Some((point, address)) = places.get(&link.location_id) {
            let entry = by_service.entry(link.service_id).or_default();
            entry.0.extend(*point);
            entry.1.push(address.clone());
        }
    }
    Ok(by_service)
}
