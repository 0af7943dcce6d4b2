//! The published directory as the HSDS mapping reads it: every published organization, its
//! published locations and services with all their links, and the audit entries that made
//! changes public. A few whole-table reads and chunked link reads, never one query per record.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use socio_domain::{
    OpeningInterval,
    api::{LocationInput, OrganizationInput, ServiceInput},
    revision::{Fields, diff},
    text::fold,
    vocabulary::AccessibilityFeature,
};
use socio_hsds::records::{ChangeRecord, Directory, LocationRecord, OrganizationRecord, RecordKind, ServiceRecord};
use uuid::Uuid;

use crate::{
    PUBLISHED, Store, StoreError,
    entity::{audit_log, location, municipality, organization, service, service_location},
    links::{slugs_through, values_of},
};

/// Owners per `IN (…)` list.
const CHUNK: usize = 1_000;

fn stored_id(raw: Option<&str>, what: &str, id: i64) -> Option<Uuid> {
    let parsed = raw.and_then(|r| Uuid::try_parse(r).ok());
    if parsed.is_none() {
        tracing::warn!(what, id, "record without a valid hsds_id left out of HSDS");
    }
    parsed
}

fn parsed<T: std::str::FromStr>(raw: &str, what: &str, id: i64) -> Option<T> {
    let value = raw.parse().ok();
    if value.is_none() {
        tracing::warn!(what, id, raw, "record with an unknown value left out of HSDS");
    }
    value
}

impl Store {
    /// Everything `/api/hsds/` and the export publish.
    pub async fn hsds_directory(&self) -> Result<Directory, StoreError> {
        self.hsds_directory_of(None).await
    }

    /// The published organizations as row ids, in the order HSDS lists them (by name): what
    /// a streamed export reads in chunks with [`Store::hsds_directory_of`].
    pub async fn hsds_organization_order(&self) -> Result<Vec<i64>, StoreError> {
        let rows = organization::Entity::find().filter(organization::Column::Status.eq(PUBLISHED)).all(&self.db).await?;
        let mut keyed: Vec<((String, Uuid), i64)> = rows
            .into_iter()
            .filter_map(|o| Some(((fold(&o.name), stored_id(o.hsds_id.as_deref(), "organization", o.id)?), o.id)))
            .collect();
        keyed.sort_unstable();
        Ok(keyed.into_iter().map(|(_, id)| id).collect())
    }

    /// What HSDS publishes of some organizations (their row ids, at most a thousand of them),
    /// or of all with `None`: the organizations, their published places (and any other
    /// organization's place their services are given at), their published services and the
    /// changes of all of these. Loading the directory in such parts keeps an export's memory
    /// flat however large the directory is.
    pub async fn hsds_directory_of(&self, scope: Option<&[i64]>) -> Result<Directory, StoreError> {
        let db = &self.db;
        let mut organizations = Vec::new();
        let mut org_ids: HashMap<i64, Uuid> = HashMap::new();
        let mut query = organization::Entity::find().filter(organization::Column::Status.eq(PUBLISHED));
        if let Some(scope) = scope {
            query = query.filter(organization::Column::Id.is_in(scope.iter().copied()));
        }
        for o in query.all(db).await? {
            let (Some(id), Some(kind), Some(sector)) =
                (stored_id(o.hsds_id.as_deref(), "organization", o.id), parsed(&o.kind, "kind", o.id), parsed(&o.sector, "sector", o.id))
            else {
                continue;
            };
            org_ids.insert(o.id, id);
            organizations.push(OrganizationRecord {
                id,
                slug: o.slug,
                name: o.name,
                short_name: o.short_name,
                kind,
                sector,
                inn: o.inn,
                ogrn: o.ogrn,
                description: o.description,
                phone: o.phone,
                email: o.email,
                website: o.website,
                last_verified: o.last_verified,
                updated_at: o.updated_at,
            });
        }
        organizations.sort_by_cached_key(|o| (fold(&o.name), o.id));

        let cities: HashMap<i64, (String, String)> =
            municipality::Entity::find().all(db).await?.into_iter().map(|m| (m.id, (m.slug, m.name))).collect();
        let mut query = location::Entity::find().filter(location::Column::Status.eq(PUBLISHED)).order_by_asc(location::Column::Id);
        if scope.is_some() {
            query = query.filter(location::Column::OrganizationId.is_in(org_ids.keys().copied()));
        }
        let mut places = Places { cities, records: Vec::new(), ids: HashMap::new() };
        places.add(query.all(db).await?, &org_ids);

        let mut query = self.published_services().order_by_asc(service::Column::Id);
        if scope.is_some() {
            query = query.filter(service::Column::OrganizationId.is_in(org_ids.keys().copied()));
        }
        let rows = query.all(db).await?;
        let service_keys: Vec<i64> = rows.iter().map(|s| s.id).collect();
        let mut categories = HashMap::new();
        let mut target_groups = HashMap::new();
        let mut municipalities = HashMap::new();
        let mut formats = HashMap::new();
        let mut links = Vec::new();
        for chunk in service_keys.chunks(CHUNK) {
            categories.extend(slugs_through(db, "service_categories", "service_id", "category_id", "categories", chunk).await?);
            target_groups
                .extend(slugs_through(db, "service_target_groups", "service_id", "target_group_id", "target_groups", chunk).await?);
            municipalities
                .extend(slugs_through(db, "service_municipalities", "service_id", "municipality_id", "municipalities", chunk).await?);
            formats.extend(values_of(db, "service_formats", "service_id", "format", chunk).await?);
            links.extend(
                service_location::Entity::find()
                    .filter(service_location::Column::ServiceId.is_in(chunk.iter().copied()))
                    .order_by_asc(service_location::Column::LocationId)
                    .all(db)
                    .await?,
            );
        }
        if scope.is_some() {
            places.add_foreign(db, &links).await?;
        }
        let mut service_places: HashMap<i64, Vec<Uuid>> = HashMap::new();
        for link in links {
            if let Some(place) = places.ids.get(&link.location_id) {
                service_places.entry(link.service_id).or_default().push(*place);
            }
        }
        let slugs = |linked: Option<Vec<(String, String)>>| linked.unwrap_or_default().into_iter().map(|(slug, _)| slug).collect();
        let mut services = Vec::new();
        let mut service_ids: HashMap<i64, Uuid> = HashMap::new();
        for s in rows {
            let (Some(&organization_id), Some(id), Some(cost)) =
                (org_ids.get(&s.organization_id), stored_id(s.hsds_id.as_deref(), "service", s.id), parsed(&s.cost, "cost", s.id))
            else {
                continue;
            };
            service_ids.insert(s.id, id);
            services.push(ServiceRecord {
                id,
                organization_id,
                categories: slugs(categories.remove(&s.id)),
                target_groups: slugs(target_groups.remove(&s.id)),
                formats: formats.remove(&s.id).unwrap_or_default().iter().filter_map(|f| parsed(f, "format", s.id)).collect(),
                municipalities: municipalities.remove(&s.id).unwrap_or_default(),
                locations: service_places.remove(&s.id).unwrap_or_default(),
                slug: s.slug,
                name: s.name,
                summary: s.summary,
                description: s.description,
                form_442: s.form_442.as_deref().and_then(|f| parsed(f, "form_442", s.id)),
                cost,
                cost_note: s.cost_note,
                age_min: s.age_min,
                age_max: s.age_max,
                eligibility: s.eligibility,
                documents: serde_json::from_value(s.documents).unwrap_or_default(),
                how_to_apply: s.how_to_apply,
                phone: s.phone,
                email: s.email,
                website: s.website,
                last_verified: s.last_verified,
                updated_at: s.updated_at,
            });
        }
        services.sort_by_cached_key(|s| (fold(&s.name), s.id));

        let changes = public_changes(db, scope.is_some(), &org_ids, &service_ids, &places.ids).await?;
        Ok(Directory { organizations, locations: places.records, services, changes })
    }
}

/// The published places read so far, with the cities they name.
struct Places {
    cities: HashMap<i64, (String, String)>,
    records: Vec<LocationRecord>,
    ids: HashMap<i64, Uuid>,
}

impl Places {
    fn add(&mut self, rows: Vec<location::Model>, organizations: &HashMap<i64, Uuid>) {
        for l in rows {
            let (Some(&organization_id), Some(id)) =
                (organizations.get(&l.organization_id), stored_id(l.hsds_id.as_deref(), "location", l.id))
            else {
                continue;
            };
            self.ids.insert(l.id, id);
            self.records.push(LocationRecord {
                id,
                organization_id,
                name: l.name,
                address: l.address,
                city: self.cities.get(&l.municipality_id).map(|c| c.1.clone()).unwrap_or_default(),
                coordinates: l.lat.zip(l.lon),
                phone: l.phone,
                opening_hours: serde_json::from_value::<Vec<OpeningInterval>>(l.opening_hours).unwrap_or_default(),
                accessibility: serde_json::from_value::<Vec<AccessibilityFeature>>(l.accessibility).unwrap_or_default(),
                updated_at: l.updated_at,
            });
        }
    }

    /// Another organization's published places that `links` point at (an imported service
    /// may be given at a partner's address), so that a part of the directory shows them too.
    async fn add_foreign(&mut self, db: &impl ConnectionTrait, links: &[service_location::Model]) -> Result<(), StoreError> {
        let mut missing: Vec<i64> = links.iter().map(|l| l.location_id).filter(|id| !self.ids.contains_key(id)).collect();
        missing.sort_unstable();
        missing.dedup();
        for chunk in missing.chunks(CHUNK) {
            let rows = location::Entity::find()
                .filter(location::Column::Status.eq(PUBLISHED))
                .filter(location::Column::Id.is_in(chunk.iter().copied()))
                .order_by_asc(location::Column::Id)
                .all(db)
                .await?;
            let owners: HashMap<i64, Uuid> = organization::Entity::find()
                .filter(organization::Column::Status.eq(PUBLISHED))
                .filter(organization::Column::Id.is_in(rows.iter().map(|l| l.organization_id)))
                .all(db)
                .await?
                .into_iter()
                .filter_map(|o| Some((o.id, stored_id(o.hsds_id.as_deref(), "organization", o.id)?)))
                .collect();
            self.add(rows, &owners);
        }
        Ok(())
    }
}

/// The audit entries that changed what the public sees (approved revisions, confirmations),
/// field by field, for the records still published.
/// With `scoped`, only the entries of the records given; otherwise of every published one.
async fn public_changes(
    db: &impl ConnectionTrait,
    scoped: bool,
    organizations: &HashMap<i64, Uuid>,
    services: &HashMap<i64, Uuid>,
    locations: &HashMap<i64, Uuid>,
) -> Result<Vec<ChangeRecord>, StoreError> {
    let public = audit_log::Entity::find().filter(audit_log::Column::Action.is_in(["approve", "confirm"]));
    let mut entries = Vec::new();
    if scoped {
        for (kind, records) in [("organization", organizations), ("service", services), ("location", locations)] {
            let ids: Vec<i64> = records.keys().copied().collect();
            for chunk in ids.chunks(CHUNK) {
                let query = public.clone().filter(audit_log::Column::EntityType.eq(kind));
                entries.extend(query.filter(audit_log::Column::EntityId.is_in(chunk.iter().copied())).all(db).await?);
            }
        }
        entries.sort_unstable_by_key(|e| e.id);
    } else {
        entries = public
            .filter(audit_log::Column::EntityType.is_in(["organization", "service", "location"]))
            .order_by_asc(audit_log::Column::Id)
            .all(db)
            .await?;
    }
    let mut changes = Vec::new();
    for entry in entries {
        let (kind, record) = match entry.entity_type.as_str() {
            "organization" => (RecordKind::Organization, organizations.get(&entry.entity_id)),
            "service" => (RecordKind::Service, services.get(&entry.entity_id)),
            _ => (RecordKind::Location, locations.get(&entry.entity_id)),
        };
        let Some(&record) = record else { continue };
        let details = &entry.details;
        let fields = if entry.action == "confirm" {
            let shown = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
            vec![("last_verified".to_owned(), shown(&details["before"]), shown(&details["after"]))]
        } else {
            match kind {
                RecordKind::Organization => changed::<OrganizationInput>(details),
                RecordKind::Service => changed::<ServiceInput>(details),
                RecordKind::Location => changed::<LocationInput>(details),
            }
        };
        let action = match entry.action.as_str() {
            "confirm" => "verify",
            _ if details["before"].is_null() => "create",
            _ => "update",
        };
        let by = match (entry.actor_id, entry.action.as_str()) {
            (None, _) => "Система",
            (Some(_), "approve") => "Модератор «Социального кластера»",
            (Some(_), _) => "Кабинет организации",
        };
        for (field, before, after) in fields {
            changes.push(ChangeRecord {
                audit_id: entry.id,
                kind,
                record,
                date: entry.created_at.date_naive(),
                action,
                field,
                before,
                after,
                by,
            });
        }
    }
    Ok(changes)
}

/// The fields an approval changed, from the inputs it recorded before and after.
fn changed<T: Fields + serde::de::DeserializeOwned>(details: &serde_json::Value) -> Vec<(String, String, String)> {
    let read = |v: &serde_json::Value| serde_json::from_value::<T>(v.clone()).ok();
    let Some(after) = read(&details["after"]) else { return Vec::new() };
    diff(read(&details["before"]).as_ref(), &after).into_iter().map(|c| (c.field, c.before, c.after)).collect()
}
