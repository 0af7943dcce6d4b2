//! Upserting the demo dataset.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, QueryFilter,
};
use serde_json::json;
use socio_domain::{
    text::fold,
    vocabulary::{ModerationStatus, VersionStatus},
};

use super::files::DemoData;
use crate::{
    Store, StoreError,
    change_log::{Changed, log_changes},
    entity::{
        category, dataset_meta, location, municipality, organization, service, service_category, service_format, service_location,
        service_municipality, service_target_group, situation, situation_related, situation_version, socio_centre, target_group,
    },
    reference::{META_DATASET, META_DEMO},
};

fn position(index: usize) -> i32 {
    i32::try_from(index).unwrap_or(i32::MAX)
}

/// Loads the demo dataset into the database (idempotent), in one transaction.
pub async fn seed_demo(store: &Store) -> Result<(), StoreError> {
    let data = DemoData::load()?;
    let txn = store.bulk_write().await?;
    let cities = seed_reference(&txn, &data).await?;
    let (orgs, locations) = seed_organizations(&txn, &data, &cities).await?;
    seed_services(&txn, &data, &cities, &orgs, &locations).await?;
    seed_situations(&txn, &data).await?;
    for (key, value) in [
        (META_DEMO, "true"),
        (META_DATASET, "Демонстрационный набор: организации и услуги 14 городов Свердловской области; контакты вымышлены"),
    ] {
        dataset_meta::Entity::delete_many().filter(dataset_meta::Column::Key.eq(key)).exec(&txn).await?;
        dataset_meta::ActiveModel { key: Set(key.to_owned()), value: Set(value.to_owned()) }.insert(&txn).await?;
    }
    // A re-seed of a running installation reaches every replica's index.
    let mut changes: Vec<(Changed, i64)> = orgs.values().map(|id| (Changed::Organization, *id)).collect();
    changes.extend(ids_by_slug::<service::Entity>(&txn).await?.values().map(|id| (Changed::Service, *id)));
    changes.extend(ids_by_slug::<situation::Entity>(&txn).await?.values().map(|id| (Changed::Situation, *id)));
    log_changes(&txn, &changes).await?;
    txn.commit().await?;
    store.analyze().await
}

/// Loads only the reference data (cities, categories, target groups, centres): an installation
/// whose directory comes from an import.
pub async fn seed_reference_data(store: &Store) -> Result<(), StoreError> {
    let data = DemoData::load()?;
    let txn = store.write().await?;
    seed_reference(&txn, &data).await?;
    txn.commit().await?;
    Ok(())
}

async fn ids_by_slug<E>(txn: &DatabaseTransaction) -> Result<HashMap<String, i64>, StoreError>
where
    E: EntityTrait,
    E::Model: SlugAndId,
{
    Ok(E::find().all(txn).await?.into_iter().map(|m| (m.slug().to_owned(), m.id())).collect())
}

trait SlugAndId {
    fn slug(&self) -> &str;
    fn id(&self) -> i64;
}

macro_rules! slug_and_id {
    ($($m:ty),*) => {$(
        impl SlugAndId for $m {
            fn slug(&self) -> &str { &self.slug }
            fn id(&self) -> i64 { self.id }
        }
    )*};
}
slug_and_id!(municipality::Model, category::Model, target_group::Model, organization::Model, service::Model, situation::Model);

async fn seed_reference(txn: &DatabaseTransaction, data: &DemoData) -> Result<HashMap<String, i64>, StoreError> {
    for (index, city) in data.municipalities.iter().enumerate() {
        let existing = municipality::Entity::find().filter(municipality::Column::Slug.eq(city.slug.as_str())).one(txn).await?;
        let mut model = existing.map(IntoActiveModel::into_active_model).unwrap_or_default();
        model.slug = Set(city.slug.to_string());
        model.name = Set(city.name.clone());
        model.lat = Set(city.lat);
        model.lon = Set(city.lon);
        model.position = Set(position(index));
        model.save(txn).await?;
    }
    let cities = ids_by_slug::<municipality::Entity>(txn).await?;

    for (index, (parent, cat)) in data.flat_categories().into_iter().enumerate() {
        let parents = ids_by_slug::<category::Entity>(txn).await?;
        let existing = category::Entity::find().filter(category::Column::Slug.eq(cat.slug.as_str())).one(txn).await?;
        let mut model = existing.map(IntoActiveModel::into_active_model).unwrap_or_default();
        model.slug = Set(cat.slug.to_string());
        model.name = Set(cat.name.clone());
        model.parent_id = Set(parent.and_then(|p| parents.get(p.as_str()).copied()));
        model.position = Set(position(index));
        model.save(txn).await?;
    }

    for (index, group) in data.target_groups.iter().enumerate() {
        let existing = target_group::Entity::find().filter(target_group::Column::Slug.eq(group.slug.as_str())).one(txn).await?;
        let mut model = existing.map(IntoActiveModel::into_active_model).unwrap_or_default();
        model.slug = Set(group.slug.to_string());
        model.name = Set(group.name.clone());
        model.position = Set(position(index));
        model.save(txn).await?;
    }

    for centre in &data.socio_centres {
        let city = cities[centre.municipality.as_str()];
        let existing = socio_centre::Entity::find().filter(socio_centre::Column::MunicipalityId.eq(city)).one(txn).await?;
        let mut model = existing.map(IntoActiveModel::into_active_model).unwrap_or_default();
        model.municipality_id = Set(city);
        model.name = Set(centre.name.clone());
        model.status = Set(centre.status.as_str().to_owned());
        model.address = Set(centre.address.clone());
        model.lat = Set(centre.lat);
        model.lon = Set(centre.lon);
        model.phone = Set(centre.phone.as_ref().map(ToString::to_string));
        model.opening_hours = Set(json!(centre.opening_hours));
        model.description = Set(centre.description.clone());
        model.save(txn).await?;
    }
    Ok(cities)
}

type LocationIds = HashMap<(String, String), i64>;

async fn seed_organizations(
    txn: &DatabaseTransaction,
    data: &DemoData,
    cities: &HashMap<String, i64>,
) -> Result<(HashMap<String, i64>, LocationIds), StoreError> {
    let now = Utc::now();
    let mut location_ids = LocationIds::new();
    for org in &data.organizations {
        let existing = organization::Entity::find().filter(organization::Column::Slug.eq(org.slug.as_str())).one(txn).await?;
        let is_new = existing.is_none();
        let mut model = existing.map(IntoActiveModel::into_active_model).unwrap_or_default();
        model.slug = Set(org.slug.to_string());
        model.name = Set(org.name.clone());
        model.short_name = Set(org.short_name.clone());
        model.kind = Set(org.kind.as_str().to_owned());
        model.sector = Set(org.sector.as_str().to_owned());
        model.inn = Set(org.inn.as_ref().map(ToString::to_string));
        model.ogrn = Set(org.ogrn.as_ref().map(ToString::to_string));
        model.description = Set(org.description.clone());
        model.phone = Set(org.phone.as_ref().map(ToString::to_string));
        model.email = Set(org.email.clone());
        model.website = Set(org.website.clone());
        model.status = Set(org.status.as_str().to_owned());
        model.last_verified = Set(org.last_verified);
        model.search_text = Set(fold(&format!("{} {} {}", org.name, org.short_name.as_deref().unwrap_or_default(), org.description)));
        model.updated_at = Set(now);
        if is_new {
            model.version = Set(1);
            model.created_at = Set(now);
            model.hsds_id = Set(Some(socio_hsds::ids::organization(org.slug.as_str()).to_string()));
        }
        let saved = model.save(txn).await?;
        let org_id = *saved.id.as_ref();

        let keys: Vec<&str> = org.locations.iter().map(|l| l.key.as_str()).collect();
        location::Entity::delete_many()
            .filter(location::Column::OrganizationId.eq(org_id))
            .filter(location::Column::Key.is_not_in(keys))
            .exec(txn)
            .await?;
        for loc in &org.locations {
            let existing = location::Entity::find()
                .filter(location::Column::OrganizationId.eq(org_id))
                .filter(location::Column::Key.eq(loc.key.as_str()))
                .one(txn)
                .await?;
            let is_new = existing.is_none();
            let mut model = existing.map(IntoActiveModel::into_active_model).unwrap_or_default();
            model.organization_id = Set(org_id);
            model.municipality_id = Set(cities[loc.municipality.as_str()]);
            model.key = Set(loc.key.clone());
            model.name = Set(loc.name.clone());
            model.address = Set(loc.address.clone());
            model.lat = Set(loc.lat);
            model.lon = Set(loc.lon);
            model.phone = Set(loc.phone.as_ref().map(ToString::to_string));
            model.opening_hours = Set(json!(loc.opening_hours));
            model.accessibility = Set(json!(loc.accessibility));
            model.updated_at = Set(now);
            if is_new {
                model.created_at = Set(now);
                model.hsds_id = Set(Some(socio_hsds::ids::location(org.slug.as_str(), &loc.key).to_string()));
            }
            let saved = model.save(txn).await?;
            location_ids.insert((org.slug.to_string(), loc.key.clone()), *saved.id.as_ref());
        }
    }
    Ok((ids_by_slug::<organization::Entity>(txn).await?, location_ids))
}

async fn seed_services(
    txn: &DatabaseTransaction,
    data: &DemoData,
    cities: &HashMap<String, i64>,
    orgs: &HashMap<String, i64>,
    locations: &LocationIds,
) -> Result<(), StoreError> {
    let now = Utc::now();
    let categories = ids_by_slug::<category::Entity>(txn).await?;
    let groups = ids_by_slug::<target_group::Entity>(txn).await?;
    for svc in &data.services {
        let existing = service::Entity::find().filter(service::Column::Slug.eq(svc.slug.as_str())).one(txn).await?;
        let is_new = existing.is_none();
        let mut model = existing.map(IntoActiveModel::into_active_model).unwrap_or_default();
        model.slug = Set(svc.slug.to_string());
        model.organization_id = Set(orgs[svc.organization.as_str()]);
        model.name = Set(svc.name.clone());
        model.summary = Set(svc.summary.clone());
        model.description = Set(svc.description.clone());
        model.form_442 = Set(svc.form_442.map(|f| f.as_str().to_owned()));
        model.cost = Set(svc.cost.as_str().to_owned());
        model.cost_note = Set(svc.cost_note.clone());
        model.age_min = Set(svc.age_min.map(i16::from));
        model.age_max = Set(svc.age_max.map(i16::from));
        model.eligibility = Set(svc.eligibility.clone());
        model.documents = Set(json!(svc.documents));
        model.how_to_apply = Set(svc.how_to_apply.clone());
        model.phone = Set(svc.phone.as_ref().map(ToString::to_string));
        model.email = Set(svc.email.clone());
        model.website = Set(svc.website.clone());
        model.status = Set(svc.status.as_str().to_owned());
        model.last_verified = Set(svc.last_verified);
        model.search_text = Set(fold(&format!("{} {} {} {}", svc.name, svc.summary, svc.description, svc.eligibility)));
        model.updated_at = Set(now);
        if is_new {
            model.version = Set(1);
            model.created_at = Set(now);
            model.hsds_id = Set(Some(socio_hsds::ids::service(svc.slug.as_str()).to_string()));
        }
        let id = *model.save(txn).await?.id.as_ref();

        service_category::Entity::delete_many().filter(service_category::Column::ServiceId.eq(id)).exec(txn).await?;
        service_target_group::Entity::delete_many().filter(service_target_group::Column::ServiceId.eq(id)).exec(txn).await?;
        service_format::Entity::delete_many().filter(service_format::Column::ServiceId.eq(id)).exec(txn).await?;
        service_municipality::Entity::delete_many().filter(service_municipality::Column::ServiceId.eq(id)).exec(txn).await?;
        service_location::Entity::delete_many().filter(service_location::Column::ServiceId.eq(id)).exec(txn).await?;
        insert_links(
            txn,
            svc.categories.iter().map(|c| service_category::ActiveModel { service_id: Set(id), category_id: Set(categories[c.as_str()]) }),
        )
        .await?;
        insert_links(
            txn,
            svc.target_groups
                .iter()
                .map(|g| service_target_group::ActiveModel { service_id: Set(id), target_group_id: Set(groups[g.as_str()]) }),
        )
        .await?;
        insert_links(
            txn,
            svc.formats.iter().map(|f| service_format::ActiveModel { service_id: Set(id), format: Set(f.as_str().to_owned()) }),
        )
        .await?;
        insert_links(
            txn,
            svc.municipalities
                .iter()
                .map(|m| service_municipality::ActiveModel { service_id: Set(id), municipality_id: Set(cities[m.as_str()]) }),
        )
        .await?;
        insert_links(
            txn,
            svc.locations.iter().map(|key| service_location::ActiveModel {
                service_id: Set(id),
                location_id: Set(locations[&(svc.organization.to_string(), key.clone())]),
            }),
        )
        .await?;
    }
    Ok(())
}

/// Inserts link rows, doing nothing for an empty list.
pub(crate) async fn insert_links<A, I>(db: &impl ConnectionTrait, rows: I) -> Result<(), StoreError>
where
    A: ActiveModelTrait,
    I: IntoIterator<Item = A>,
{
    let rows: Vec<A> = rows.into_iter().collect();
    if !rows.is_empty() {
        <A::Entity as EntityTrait>::insert_many(rows).exec_without_returning(db).await?;
    }
    Ok(())
}

async fn seed_situations(txn: &DatabaseTransaction, data: &DemoData) -> Result<(), StoreError> {
    let categories = ids_by_slug::<category::Entity>(txn).await?;
    let groups = ids_by_slug::<target_group::Entity>(txn).await?;
    for (index, sit) in data.situations.iter().enumerate() {
        // Once editors have versions of a situation it is theirs: the demo data no longer
        // overwrites it. Otherwise the demo definition is also its first version, so an editor
        // starts from what citizens see.
        let versioned = situation_version::Entity::find().filter(situation_version::Column::Slug.eq(sit.slug.as_str())).one(txn).await?;
        if versioned.is_some() {
            continue;
        }
        let definition = sit.definition();
        let checked_on = sit.checked_on.unwrap_or_else(|| chrono::Utc::now().date_naive());
        crate::authoring::write_situation(txn, &definition, checked_on, Some(position(index)), sit.status.as_str(), &categories, &groups)
            .await?;
        let published = sit.status == ModerationStatus::Published;
        let now = Utc::now();
        situation_version::ActiveModel {
            slug: Set(definition.slug.clone()),
            number: Set(1),
            status: Set(if published { VersionStatus::Published } else { VersionStatus::Draft }.as_str().to_owned()),
            definition: Set(json!(definition)),
            edit_version: Set(1),
            created_by: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            published_at: Set(published.then_some(now)),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    let situations = ids_by_slug::<situation::Entity>(txn).await?;
    for sit in &data.situations {
        let id = situations[sit.slug.as_str()];
        situation_related::Entity::delete_many().filter(situation_related::Column::SituationId.eq(id)).exec(txn).await?;
        insert_links(
            txn,
            sit.related.iter().map(|r| situation_related::ActiveModel { situation_id: Set(id), related_id: Set(situations[r.as_str()]) }),
        )
        .await?;
    }
    Ok(())
}
