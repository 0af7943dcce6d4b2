//! Reference data: municipalities, СОЦИО centres, taxonomy, target groups, dataset facts.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use socio_domain::{
    Coordinates, Slug,
    api::{CategoryGroup, CategoryRef, Counts, Meta, Municipality, MunicipalityRef, SocioCentre, TargetGroup},
};

use crate::{
    PUBLISHED, Store, StoreError,
    entity::{category, dataset_meta, municipality, organization, service, situation, socio_centre, target_group},
    error::parse_stored,
};

/// Keys of `dataset_meta`.
pub(crate) const META_DEMO: &str = "demo";
pub(crate) const META_DATASET: &str = "dataset";

impl Store {
    /// The municipalities in display order, each with its СОЦИО centre.
    pub async fn municipalities(&self) -> Result<Vec<Municipality>, StoreError> {
        let rows = municipality::Entity::find().order_by_asc(municipality::Column::Position).all(&self.db).await?;
        let mut centres = self.socio_centres_by_municipality(&rows).await?;
        Ok(rows
            .into_iter()
            .map(|m| Municipality {
                socio_centre: centres.remove(&m.id),
                slug: m.slug,
                name: m.name,
                coordinates: Coordinates { lat: m.lat, lon: m.lon },
            })
            .collect())
    }

    /// The СОЦИО centres, open ones first, then by municipality order.
    pub async fn socio_centres(&self) -> Result<Vec<SocioCentre>, StoreError> {
        let rows = municipality::Entity::find().order_by_asc(municipality::Column::Position).all(&self.db).await?;
        let mut by_municipality = self.socio_centres_by_municipality(&rows).await?;
        let mut centres: Vec<SocioCentre> = rows.iter().filter_map(|m| by_municipality.remove(&m.id)).collect();
        centres.sort_by_key(|c| c.status);
        Ok(centres)
    }

    async fn socio_centres_by_municipality(&self, municipalities: &[municipality::Model]) -> Result<HashMap<i64, SocioCentre>, StoreError> {
        let refs: HashMap<i64, MunicipalityRef> =
            municipalities.iter().map(|m| (m.id, MunicipalityRef { slug: m.slug.clone(), name: m.name.clone() })).collect();
        let mut centres = HashMap::new();
        for row in socio_centre::Entity::find().all(&self.db).await? {
            let Some(municipality) = refs.get(&row.municipality_id).cloned() else { continue };
            centres.insert(
                row.municipality_id,
                SocioCentre {
                    municipality,
                    name: row.name,
                    status: parse_stored(&row.status)?,
                    address: row.address,
                    coordinates: row.lat.zip(row.lon).map(|(lat, lon)| Coordinates { lat, lon }),
                    phone: row.phone,
                    opening_hours: serde_json::from_value(row.opening_hours).map_err(StoreError::corrupt)?,
                    description: row.description,
                },
            );
        }
        Ok(centres)
    }

    /// The two-level taxonomy.
    pub async fn categories(&self) -> Result<Vec<CategoryGroup>, StoreError> {
        let rows = category::Entity::find().order_by_asc(category::Column::Position).all(&self.db).await?;
        let mut groups: Vec<(i64, CategoryGroup)> = rows
            .iter()
            .filter(|c| c.parent_id.is_none())
            .map(|c| (c.id, CategoryGroup { slug: c.slug.clone(), name: c.name.clone(), children: Vec::new() }))
            .collect();
        for child in rows.iter().filter(|c| c.parent_id.is_some()) {
            if let Some((_, group)) = groups.iter_mut().find(|(id, _)| Some(*id) == child.parent_id) {
                group.children.push(CategoryRef { slug: child.slug.clone(), name: child.name.clone() });
            }
        }
        Ok(groups.into_iter().map(|(_, g)| g).collect())
    }

    /// The target groups in display order.
    pub async fn target_groups(&self) -> Result<Vec<TargetGroup>, StoreError> {
        Ok(target_group::Entity::find()
            .order_by_asc(target_group::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|t| TargetGroup { slug: t.slug, name: t.name })
            .collect())
    }

    /// What the installation holds, and whether it is the demo dataset.
    pub async fn meta(&self) -> Result<Meta, StoreError> {
        let facts: HashMap<String, String> =
            dataset_meta::Entity::find().all(&self.db).await?.into_iter().map(|m| (m.key, m.value)).collect();
        let counts = Counts {
            municipalities: municipality::Entity::find().count(&self.db).await?,
            organizations: organization::Entity::find().filter(organization::Column::Status.eq(PUBLISHED)).count(&self.db).await?,
            services: self.published_services().count(&self.db).await?,
            situations: situation::Entity::find().filter(situation::Column::Status.eq(PUBLISHED)).count(&self.db).await?,
        };
        Ok(Meta {
            name: "Социальный кластер".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            demo: facts.get(META_DEMO).is_some_and(|v| v == "true"),
            dataset: facts.get(META_DATASET).cloned(),
            counts,
        })
    }

    /// The id of a municipality, or `UnknownValue` naming `field`.
    pub(crate) async fn municipality_id(&self, field: &'static str, slug: &Slug) -> Result<i64, StoreError> {
        municipality::Entity::find()
            .filter(municipality::Column::Slug.eq(slug.as_str()))
            .one(&self.db)
            .await?
            .map(|m| m.id)
            .ok_or_else(|| StoreError::UnknownValue { field, value: slug.to_string() })
    }

    /// Published services of published organizations.
    pub(crate) fn published_services(&self) -> sea_orm::Select<service::Entity> {
        use sea_orm::sea_query::Query;
        service::Entity::find().filter(service::Column::Status.eq(PUBLISHED)).filter(
            service::Column::OrganizationId.in_subquery(
                Query::select()
                    .column(organization::Column::Id)
                    .from(organization::Entity)
                    .and_where(organization::Column::Status.eq(PUBLISHED))
                    .take(),
            ),
        )
    }
}

/// Every published record's address part and the day its data was last checked: what the
/// sitemap lists.
#[derive(Debug, Default)]
pub struct PublicAddresses {
    /// Services: slug, last verified.
    pub services: Vec<(String, Option<chrono::NaiveDate>)>,
    /// Organizations: slug, last verified.
    pub organizations: Vec<(String, Option<chrono::NaiveDate>)>,
    /// Situations: slug, last checked by an editor.
    pub situations: Vec<(String, Option<chrono::NaiveDate>)>,
}

impl Store {
    /// The published services (of published organizations), organizations and situations, each
    /// by slug in slug order.
    pub async fn public_addresses(&self) -> Result<PublicAddresses, StoreError> {
        use sea_orm::QuerySelect;
        let services = self
            .published_services()
            .select_only()
            .column(service::Column::Slug)
            .column(service::Column::LastVerified)
            .order_by_asc(service::Column::Slug)
            .into_tuple()
            .all(&self.db)
            .await?;
        let organizations = organization::Entity::find()
            .filter(organization::Column::Status.eq(PUBLISHED))
            .select_only()
            .column(organization::Column::Slug)
            .column(organization::Column::LastVerified)
            .order_by_asc(organization::Column::Slug)
            .into_tuple()
            .all(&self.db)
            .await?;
        let situations = situation::Entity::find()
            .filter(situation::Column::Status.eq(PUBLISHED))
            .select_only()
            .column(situation::Column::Slug)
            .column(situation::Column::CheckedOn)
            .order_by_asc(situation::Column::Slug)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(PublicAddresses { services, organizations, situations })
    }
}
