//! Services: one service with everything needed to act on it (the catalogue is the index's).

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use socio_domain::{
    IdOrSlug,
    api::{Contacts, MAX_PER_PAGE, OrganizationRef, ServiceDetail, ServiceSummary},
    text::fold,
    vocabulary::ServiceFormat,
};

use crate::{
    Store, StoreError,
    entity::{organization, service, service_location},
    error::parse_stored,
    links::{self, category_refs, municipality_refs, slugs_through, target_groups, values_of},
};

fn age(value: Option<i16>) -> Option<u8> {
    value.and_then(|v| u8::try_from(v).ok())
}

impl Store {
    /// The published services of one organization (its page lists them), by folded name as the
    /// catalogue orders them; at most [`MAX_PER_PAGE`].
    pub(crate) async fn services_of(&self, organization_id: i64) -> Result<Vec<ServiceSummary>, StoreError> {
        let rows = self
            .published_services()
            .filter(service::Column::OrganizationId.eq(organization_id))
            .order_by_asc(service::Column::Name)
            .order_by_asc(service::Column::Id)
            .limit(u64::from(MAX_PER_PAGE))
            .all(&self.db)
            .await?;
        let mut services = service_summaries(&self.db, rows).await?;
        services.sort_by_cached_key(|s| (fold(&s.name), s.id));
        Ok(services)
    }

    /// A published service by id or slug, with its organization and locations.
    pub async fn service(&self, key: &IdOrSlug) -> Result<Option<ServiceDetail>, StoreError> {
        let select = match key {
            IdOrSlug::Id(id) => self.published_services().filter(service::Column::Id.eq(*id)),
            IdOrSlug::Slug(slug) => self.published_services().filter(service::Column::Slug.eq(slug.as_str())),
        };
        let Some(row) = select.one(&self.db).await? else { return Ok(None) };
        let Some(org) = organization::Entity::find_by_id(row.organization_id).one(&self.db).await? else {
            return Ok(None);
        };
        let mut summary =
            service_summaries(&self.db, vec![row.clone()]).await?.pop().ok_or_else(|| StoreError::corrupt("service vanished"))?;
        let location_ids: Vec<i64> = service_location::Entity::find()
            .filter(service_location::Column::ServiceId.eq(row.id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|l| l.location_id)
            .collect();
        let locations = links::locations_by_ids(&self.db, location_ids).await?;
        let contacts = Contacts { phone: row.phone.or(org.phone), email: row.email.or(org.email), website: row.website.or(org.website) };
        Ok(Some(ServiceDetail {
            id: row.id,
            slug: row.slug,
            name: row.name,
            summary: row.summary,
            description: row.description,
            organization: summary.organization,
            categories: std::mem::take(&mut summary.categories),
            target_groups: std::mem::take(&mut summary.target_groups),
            formats: std::mem::take(&mut summary.formats),
            form_442: row.form_442.as_deref().map(parse_stored).transpose()?,
            cost: summary.cost,
            cost_note: row.cost_note,
            age_min: age(row.age_min),
            age_max: age(row.age_max),
            eligibility: row.eligibility,
            documents: links::string_list(&row.documents, "documents")?,
            how_to_apply: row.how_to_apply,
            contacts,
            locations,
            municipalities: summary.municipalities,
            last_verified: row.last_verified,
        }))
    }
}

/// Builds list DTOs for a page of service rows, loading their links in batches.
pub(crate) async fn service_summaries(db: &impl ConnectionTrait, rows: Vec<service::Model>) -> Result<Vec<ServiceSummary>, StoreError> {
    let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
    let org_ids: Vec<i64> = rows.iter().map(|s| s.organization_id).collect();
    let orgs: HashMap<i64, OrganizationRef> = organization::Entity::find()
        .filter(organization::Column::Id.is_in(org_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, OrganizationRef { id: o.id, slug: o.slug, name: o.name, short_name: o.short_name }))
        .collect();
    let mut categories = slugs_through(db, "service_categories", "service_id", "category_id", "categories", &ids).await?;
    let mut groups = slugs_through(db, "service_target_groups", "service_id", "target_group_id", "target_groups", &ids).await?;
    let mut municipalities = slugs_through(db, "service_municipalities", "service_id", "municipality_id", "municipalities", &ids).await?;
    let mut formats = values_of(db, "service_formats", "service_id", "format", &ids).await?;
    rows.into_iter()
        .map(|row| {
            let mut service_formats = formats
                .remove(&row.id)
                .unwrap_or_default()
                .iter()
                .map(|f| parse_stored::<ServiceFormat>(f))
                .collect::<Result<Vec<_>, _>>()?;
            service_formats.sort();
            Ok(ServiceSummary {
                organization: orgs
                    .get(&row.organization_id)
                    .cloned()
                    .ok_or_else(|| StoreError::corrupt(format!("service {} has no organization", row.id)))?,
                categories: category_refs(categories.remove(&row.id)),
                target_groups: target_groups(groups.remove(&row.id)),
                municipalities: municipality_refs(municipalities.remove(&row.id)),
                formats: service_formats,
                cost: parse_stored(&row.cost)?,
                age_min: age(row.age_min),
                age_max: age(row.age_max),
                id: row.id,
                slug: row.slug,
                name: row.name,
                summary: row.summary,
                last_verified: row.last_verified,
            })
        })
        .collect()
}
