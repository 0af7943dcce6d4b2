//! Organizations: the directory and one organization's profile.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use socio_domain::{
    IdOrSlug,
    api::{Contacts, MAX_PER_PAGE, OrganizationDetail, OrganizationFilter, OrganizationSummary, PageRequest, ServiceFilter},
};

use crate::{
    PUBLISHED, Store, StoreError,
    entity::{location, organization},
    error::parse_stored,
    links::{self, municipality_refs, owners_linked_to, slugs_through},
    services::text_condition,
};

impl Store {
    /// One page of published organizations matching the filter, and the total.
    pub async fn list_organizations(&self, filter: &OrganizationFilter) -> Result<(Vec<OrganizationSummary>, u64), StoreError> {
        let mut select = organization::Entity::find().filter(organization::Column::Status.eq(PUBLISHED));
        if let Some(slug) = &filter.municipality {
            let id = self.municipality_id("municipality", slug).await?;
            select = select.filter(organization::Column::Id.in_subquery(owners_linked_to(
                "locations",
                "organization_id",
                "municipality_id",
                vec![id.into()],
            )));
        }
        if let Some(kind) = filter.kind {
            select = select.filter(organization::Column::Kind.eq(kind.as_str()));
        }
        if let Some(sector) = filter.sector {
            select = select.filter(organization::Column::Sector.eq(sector.as_str()));
        }
        if let Some(q) = &filter.q {
            select = select.filter(text_condition(organization::Column::SearchText, q));
        }
        let total = select.clone().count(&self.db).await?;
        let rows = select
            .order_by_asc(organization::Column::Name)
            .order_by_asc(organization::Column::Id)
            .offset(filter.page.offset())
            .limit(u64::from(filter.page.per_page))
            .all(&self.db)
            .await?;
        let items = organization_summaries(&self.db, rows).await?;
        Ok((items, total))
    }

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
        let slug = socio_domain::Slug::parse(&row.slug).map_err(StoreError::corrupt)?;
        let (services, _) = self
            .list_services(&ServiceFilter {
                organization: Some(slug),
                page: PageRequest { page: 1, per_page: MAX_PER_PAGE },
                ..Default::default()
            })
            .await?;
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
