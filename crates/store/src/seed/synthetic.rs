//! A large generated dataset for benchmarks: `socio seed --synthetic N`.
//!
//! Deterministic (fixed RNG seed), plausible Russian text so text filters have something to
//! match, and bulk-inserted with explicit ids so 100 000 services load in seconds. Synthetic
//! records are recognisable by their `synthetic-` slugs and are replaced on every run.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde_json::json;
use socio_domain::{
    text::fold,
    vocabulary::{Cost, ServiceFormat},
};

use super::demo::insert_links;
use crate::{
    PUBLISHED, Store, StoreError,
    change_log::{Changed, log_changes},
    entity::{
        category, location, municipality, organization, service, service_category, service_format, service_location, service_municipality,
        service_target_group, target_group,
    },
};

const CHUNK: usize = 500;
const SERVICES_PER_ORGANIZATION: usize = 20;

const ADJECTIVES: &[&str] = &[
    "Бесплатная",
    "Срочная",
    "Социальная",
    "Консультационная",
    "Выездная",
    "Комплексная",
    "Дневная",
    "Домашняя",
    "Семейная",
    "Индивидуальная",
];
const NOUNS: &[&str] =
    &["помощь", "поддержка", "консультация", "реабилитация", "выплата", "программа", "служба", "мастерская", "школа", "группа"];
const TOPICS: &[&str] = &[
    "для пенсионеров",
    "для многодетных семей",
    "детям с ОВЗ",
    "людям с инвалидностью",
    "для ухаживающих родственников",
    "выпускникам детских домов",
    "для молодых семей",
    "ищущим работу",
    "при трудной жизненной ситуации",
    "для приёмных семей",
];

async fn next_id<E: EntityTrait>(db: &impl ConnectionTrait, id: E::Column) -> Result<i64, StoreError>
where
    E::Model: IdOf,
{
    Ok(E::find().order_by_desc(id).one(db).await?.map_or(0, |m| m.id_of()) + 1)
}

trait IdOf {
    fn id_of(&self) -> i64;
}
impl IdOf for organization::Model {
    fn id_of(&self) -> i64 {
        self.id
    }
}
impl IdOf for location::Model {
    fn id_of(&self) -> i64 {
        self.id
    }
}
impl IdOf for service::Model {
    fn id_of(&self) -> i64 {
        self.id
    }
}

fn pick<'a, T>(rng: &mut fastrand::Rng, items: &'a [T]) -> &'a T {
    &items[rng.usize(..items.len())]
}

/// Replaces the synthetic dataset with `count` published services (reference data must exist:
/// the demo seed is run first when the database is empty).
pub async fn seed_synthetic(store: &Store, count: usize) -> Result<(), StoreError> {
    if municipality::Entity::find().count(&store.db).await? == 0 {
        super::seed_demo(store).await?;
    }
    let txn = store.bulk_write().await?;
    // What is replaced leaves the search index of every running replica: the change log names it.
    let old_orgs: Vec<i64> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .filter(organization::Column::Slug.starts_with("synthetic-"))
        .into_tuple()
        .all(&txn)
        .await?;
    let mut old_services: Vec<i64> = Vec::new();
    for chunk in old_orgs.chunks(CHUNK) {
        let ids: Vec<i64> = service::Entity::find()
            .select_only()
            .column(service::Column::Id)
            .filter(service::Column::OrganizationId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(&txn)
            .await?;
        old_services.extend(ids);
    }
    organization::Entity::delete_many().filter(organization::Column::Slug.starts_with("synthetic-")).exec(&txn).await?;
    let cities = municipality::Entity::find().order_by_asc(municipality::Column::Position).all(&txn).await?;
    let leaves: Vec<i64> =
        category::Entity::find().filter(category::Column::ParentId.is_not_null()).all(&txn).await?.into_iter().map(|c| c.id).collect();
    let groups: Vec<i64> = target_group::Entity::find().all(&txn).await?.into_iter().map(|g| g.id).collect();
    if cities.is_empty() || leaves.is_empty() || groups.is_empty() {
        return Err(StoreError::Seed("reference data is missing".into()));
    }
    let mut rng = fastrand::Rng::with_seed(2026);
    let now = Utc::now();
    let verified = NaiveDate::from_ymd_opt(2026, 10, 1);
    let org_count = count.div_ceil(SERVICES_PER_ORGANIZATION).max(1);
    let first_org = next_id::<organization::Entity>(&txn, organization::Column::Id).await?;
    let first_location = next_id::<location::Entity>(&txn, location::Column::Id).await?;
    let first_service = next_id::<service::Entity>(&txn, service::Column::Id).await?;

    let org_ids: Vec<i64> = (0..org_count).map(|i| first_org + i as i64).collect();
    for chunk in org_ids.chunks(CHUNK) {
        let orgs = chunk.iter().map(|&id| {
            let n = id - first_org + 1;
            let name = format!("Синтетический центр помощи №{n}");
            organization::ActiveModel {
                id: Set(id),
                slug: Set(format!("synthetic-org-{n}")),
                hsds_id: Set(Some(socio_hsds::ids::organization(&format!("synthetic-org-{n}")).to_string())),
                search_text: Set(fold(&name)),
                name: Set(name),
                short_name: Set(None),
                kind: Set("ngo".into()),
                sector: Set("social-policy".into()),
                inn: Set(None),
                ogrn: Set(None),
                description: Set("Организация синтетического набора данных для нагрузочных тестов.".into()),
                phone: Set(None),
                email: Set(None),
                website: Set(None),
                status: Set(PUBLISHED.into()),
                last_verified: Set(verified),
                version: Set(1),
                edit_version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            }
        });
        organization::Entity::insert_many(orgs).exec_without_returning(&txn).await?;
        let locations = chunk.iter().map(|&id| {
            let city = &cities[(id - first_org) as usize % cities.len()];
            location::ActiveModel {
                id: Set(first_location + (id - first_org)),
                organization_id: Set(id),
                municipality_id: Set(city.id),
                key: Set("main".into()),
                hsds_id: Set(Some(socio_hsds::ids::location(&format!("synthetic-org-{}", id - first_org + 1), "main").to_string())),
                name: Set("Главный офис".into()),
                address: Set(format!("ул. Синтетическая, {}", id - first_org + 1)),
                lat: Set(Some(city.lat)),
                lon: Set(Some(city.lon)),
                phone: Set(None),
                opening_hours: Set(json!([{"days": [1, 2, 3, 4, 5], "opens": "09:00", "closes": "18:00"}])),
                accessibility: Set(json!(["ramp"])),
                created_at: Set(now),
                status: Set("published".to_owned()),
                version: Set(1),
                edit_version: Set(1),
                updated_at: Set(now),
            }
        });
        location::Entity::insert_many(locations).exec_without_returning(&txn).await?;
    }

    let service_ids: Vec<i64> = (0..count).map(|i| first_service + i as i64).collect();
    for chunk in service_ids.chunks(CHUNK) {
        let mut services = Vec::with_capacity(chunk.len());
        let mut categories = Vec::new();
        let mut target_groups = Vec::new();
        let mut formats = Vec::new();
        let mut municipalities = Vec::new();
        let mut locations = Vec::new();
        for &id in chunk {
            let n = (id - first_service) as usize;
            let org_offset = (n % org_count) as i64;
            let city = &cities[org_offset as usize % cities.len()];
            let name = format!("{} {} {}", pick(&mut rng, ADJECTIVES), pick(&mut rng, NOUNS), pick(&mut rng, TOPICS));
            let summary = format!("{name}: синтетическая услуга №{} для проверки скорости каталога.", n + 1);
            let (age_min, age_max) = match rng.u8(..4) {
                0 => (Some(0i16), Some(17i16)),
                1 => (Some(18), None),
                2 => (Some(60), None),
                _ => (None, None),
            };
            let cost = *pick(&mut rng, Cost::ALL);
            services.push(service::ActiveModel {
                id: Set(id),
                slug: Set(format!("synthetic-service-{}", n + 1)),
                hsds_id: Set(Some(socio_hsds::ids::service(&format!("synthetic-service-{}", n + 1)).to_string())),
                organization_id: Set(first_org + org_offset),
                search_text: Set(fold(&summary)),
                name: Set(name),
                summary: Set(summary),
                description: Set("Описание синтетической услуги.".into()),
                form_442: Set(None),
                cost: Set(cost.as_str().into()),
                cost_note: Set(None),
                age_min: Set(age_min),
                age_max: Set(age_max),
                eligibility: Set("Жители города.".into()),
                documents: Set(json!(["Паспорт"])),
                how_to_apply: Set("Позвоните или приходите.".into()),
                phone: Set(None),
                email: Set(None),
                website: Set(None),
                status: Set(PUBLISHED.into()),
                last_verified: Set(verified),
                version: Set(1),
                edit_version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            categories.push(service_category::ActiveModel { service_id: Set(id), category_id: Set(*pick(&mut rng, &leaves)) });
            let first_group = rng.usize(..groups.len());
            for offset in 0..=rng.usize(..2) {
                target_groups.push(service_target_group::ActiveModel {
                    service_id: Set(id),
                    target_group_id: Set(groups[(first_group + offset) % groups.len()]),
                });
            }
            let format = *pick(&mut rng, ServiceFormat::ALL);
            formats.push(service_format::ActiveModel { service_id: Set(id), format: Set(format.as_str().into()) });
            if format != ServiceFormat::InPerson {
                formats.push(service_format::ActiveModel { service_id: Set(id), format: Set(ServiceFormat::InPerson.as_str().into()) });
            }
            municipalities.push(service_municipality::ActiveModel { service_id: Set(id), municipality_id: Set(city.id) });
            locations.push(service_location::ActiveModel { service_id: Set(id), location_id: Set(first_location + org_offset) });
        }
        insert_links(&txn, services).await?;
        insert_links(&txn, categories).await?;
        insert_links(&txn, target_groups).await?;
        insert_links(&txn, formats).await?;
        insert_links(&txn, municipalities).await?;
        insert_links(&txn, locations).await?;
    }
    if txn.get_database_backend() == DbBackend::Postgres {
        for table in ["organizations", "locations", "services"] {
            txn.execute_unprepared(&format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"))
                .await?;
        }
    }
    let mut changes: Vec<(Changed, i64)> = old_orgs.iter().chain(&org_ids).map(|id| (Changed::Organization, *id)).collect();
    changes.extend(old_services.iter().map(|id| (Changed::Service, *id)));
    changes.extend((0..count as i64).map(|i| (Changed::Service, first_service + i)));
    log_changes(&txn, &changes).await?;
    txn.commit().await?;
    store.analyze().await
}
