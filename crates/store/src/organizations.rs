//! Organizations: one organization's profile, and the summaries the search feed carries (the
//! directory is the index's).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use socio_domain::{
    IdOrSlug,
    api::{Contacts, OrganizationDetail, OrganizationSummary},
};

use crate::{
    PUBLISHED, Store, StoreError,
    entity::{location, organization},
    error::parse_stored,
    links::{self, municipality_refs, slugs_through},
};

impl Store {
    /// A published organization by id or slug, with its locations and (up to 100) services.
    pub async fn organization(&self, key: &IdOrSlug) -> Result<Option<OrganizationDetail>, StoreError> {
        let select = organization::Entity::find().filter(organization::Column::Status.eq(PUBLISHED));
        let select = match key {
            IdOrSlug::Id(id) => select.filter(organization::Column::Id.eq(*id)),
            IdOrSlug::Slug(slug) => select.filter(organization::Column::Slug.eq(slug.as_str())),
        };
        let Some(row) = select.one(&self.db).await? else { return Ok(None) };
        let location_rows = location::Entity::find()
            .filter(location::Column::OrganizationId.eq(row.id))
            .filter(location::Column::Status.eq(PUBLISHED))
            .order_by_asc(location::Column::MunicipalityId)
            .order_by_asc(location::Column::Name)
            .all(&self.db)
            .await?;
        let locations = links::locations(&self.db, location_rows).await?;
        let services = self.services_of(row.id).await?;
        Ok(Some(OrganizationDetail {
            id: row.id,
            slug: row.slug,
            name: row.name,
            short_name: row.short_name,
            kind: parse_stored(&row.kind)?,
            sector: parse_stored(&row.sector)?,
            inn: row.inn,
            ogrn: row.ogrn,
            description: row.description,
            contacts: Contacts { phone: row.phone, email: row.email, website: row.website },
            locations,
            services,
            last_verified: row.last_verified,
        }))
    }
}

/// Builds list DTOs for organization rows, loading their cities in one query.
pub(crate) async fn organization_summaries(
    db: &impl ConnectionTrait,
    rows: Vec<organization::Model>,
) -> Result<Vec<OrganizationSummary>, StoreError> {
    let ids: Vec<i64> = rows.iter().map(|o| o.id).collect();
    let mut municipalities = slugs_through(db, "locations", "organization_id", "municipality_id", "municipalities", &ids).await?;
    rows.into_iter()
        .map(|row| {
            let mut cities = municipality_refs(municipalities.remove(&row.id));
            cities.dedup();
            Ok(OrganizationSummary {
                id: row.id,
                slug: row.slug,
                name: row.name,
                short_name: row.short_name,
                kind: parse_stored(&row.kind)?,
                sector: parse_stored(&row.sector)?,
                municipalities: cities,
                last_verified: row.last_verified,
            })
        })
        .collect()
}
