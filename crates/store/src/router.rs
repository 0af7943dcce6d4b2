//! What the router needs from the database: candidate services of a city, and situations in the
//! short form the suggestion scorer reads.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Value};
use socio_domain::{
    Coordinates, Slug,
    api::{CandidateLocation, ServiceCandidate, TargetGroup},
    router::SituationDigest,
    vocabulary::ServiceFormat,
};

use crate::{
    PUBLISHED, Store, StoreError,
    entity::{location, municipality, organization, service, service_location, situation},
    error::parse_stored,
    links::{owners_linked_to, slugs_through, values_of},
};

/// Candidates of one route at most: a route's steps show a few services each, and a big city's
/// catalogue must not turn one route into thousands of rows (and `IN` lists past the databases'
/// parameter limits). The most recently verified are kept.
pub const MAX_ROUTE_CANDIDATES: u64 = 500;

impl Store {
    /// Published services available in the municipality that belong to any of the categories
    /// (second-level slugs), with what eligibility and distance need; at most
    /// [`MAX_ROUTE_CANDIDATES`], the most recently verified, in id order.
    pub async fn route_candidates(&self, municipality: &Slug, categories: &[String]) -> Result<Vec<ServiceCandidate>, StoreError> {
        let city = self.municipality_id("municipality", municipality).await?;
        let category_ids: Vec<Value> = crate::entity::category::Entity::find()
            .filter(crate::entity::category::Column::Slug.is_in(categories.iter().cloned()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|c| c.id.into())
            .collect();
        if category_ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self
            .published_services()
            .filter(service::Column::Id.in_subquery(owners_linked_to(
                "service_municipalities",
                "service_id",
                "municipality_id",
                vec![city.into()],
            )))
            .filter(service::Column::Id.in_subquery(owners_linked_to("service_categories", "service_id", "category_id", category_ids)))
            .order_by_with_nulls(service::Column::LastVerified, sea_orm::Order::Desc, sea_orm::sea_query::NullOrdering::Last)
            .order_by_asc(service::Column::Id)
            .limit(MAX_ROUTE_CANDIDATES)
            .all(&self.db)
            .await?;
        let mut rows = rows;
        rows.sort_by_key(|s| s.id);
        let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
        let orgs: HashMap<i64, organization::Model> = organization::Entity::find()
            .filter(organization::Column::Id.is_in(rows.iter().map(|s| s.organization_id)))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let mut categories = slugs_through(&self.db, "service_categories", "service_id", "category_id", "categories", &ids).await?;
        let mut groups = slugs_through(&self.db, "service_target_groups", "service_id", "target_group_id", "target_groups", &ids).await?;
        let mut cities = slugs_through(&self.db, "service_municipalities", "service_id", "municipality_id", "municipalities", &ids).await?;
        let mut formats = values_of(&self.db, "service_formats", "service_id", "format", &ids).await?;
        let links = service_location::Entity::find().filter(service_location::Column::ServiceId.is_in(ids.clone())).all(&self.db).await?;
        let locations: HashMap<i64, location::Model> = location::Entity::find()
            .filter(location::Column::Id.is_in(links.iter().map(|l| l.location_id)))
            .filter(location::Column::Status.eq(crate::PUBLISHED))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|l| (l.id, l))
            .collect();
        let city_names: HashMap<i64, (String, String)> =
            municipality::Entity::find().all(&self.db).await?.into_iter().map(|m| (m.id, (m.slug, m.name))).collect();
        let mut service_locations: HashMap<i64, Vec<CandidateLocation>> = HashMap::new();
        for link in links {
            if let Some(l) = locations.get(&link.location_id)
                && let Some((slug, name)) = city_names.get(&l.municipality_id)
            {
                service_locations.entry(link.service_id).or_default().push(CandidateLocation {
                    municipality: slug.clone(),
                    address: format!("{name}, {}", l.address),
                    coordinates: l.lat.zip(l.lon).map(|(lat, lon)| Coordinates { lat, lon }),
                });
            }
        }
        rows.into_iter()
            .map(|row| {
                let org =
                    orgs.get(&row.organization_id).ok_or_else(|| StoreError::corrupt(format!("service {} has no organization", row.id)))?;
                Ok(ServiceCandidate {
                    id: row.id,
                    organization: org.short_name.clone().unwrap_or_else(|| org.name.clone()),
                    categories: categories.remove(&row.id).unwrap_or_default().into_iter().map(|(slug, _)| slug).collect(),
                    target_groups: groups
                        .remove(&row.id)
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(slug, name)| TargetGroup { slug, name })
                        .collect(),
                    municipalities: cities.remove(&row.id).unwrap_or_default().into_iter().map(|(slug, _)| slug).collect(),
                    formats: formats
                        .remove(&row.id)
                        .unwrap_or_default()
                        .iter()
                        .map(|f| parse_stored::<ServiceFormat>(f))
                        .collect::<Result<_, _>>()?,
                    cost: parse_stored(&row.cost)?,
                    age_min: row.age_min.and_then(|a| u8::try_from(a).ok()),
                    age_max: row.age_max.and_then(|a| u8::try_from(a).ok()),
                    phone: row.phone.clone().or_else(|| org.phone.clone()),
                    locations: service_locations.remove(&row.id).unwrap_or_default(),
                    slug: row.slug,
                    name: row.name,
                })
            })
            .collect()
    }

    /// Every published situation, in the short form the suggestion scorer reads.
    pub async fn situation_digests(&self) -> Result<Vec<SituationDigest>, StoreError> {
        let rows = situation::Entity::find()
            .filter(situation::Column::Status.eq(PUBLISHED))
            .order_by_asc(situation::Column::Position)
            .all(&self.db)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
        let mut groups =
            slugs_through(&self.db, "situation_target_groups", "situation_id", "target_group_id", "target_groups", &ids).await?;
        let mut categories = slugs_through(&self.db, "situation_categories", "situation_id", "category_id", "categories", &ids).await?;
        Ok(rows
            .into_iter()
            .map(|row| SituationDigest {
                target_groups: groups.remove(&row.id).unwrap_or_default().into_iter().map(|(slug, _)| slug).collect(),
                categories: categories.remove(&row.id).unwrap_or_default().into_iter().map(|(slug, _)| slug).collect(),
                slug: row.slug,
                title: row.title,
                summary: row.summary,
            })
            .collect())
    }
}
