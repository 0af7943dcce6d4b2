//! Services: the filtered catalogue and one service with everything needed to act on it.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Value};
use socio_domain::{
    IdOrSlug,
    api::{Contacts, OrganizationRef, ServiceDetail, ServiceFilter, ServiceSummary},
    text::query_stems,
    vocabulary::ServiceFormat,
};

use crate::{
    PUBLISHED, Store, StoreError,
    entity::{organization, service, service_location},
    error::parse_stored,
    links::{self, category_refs, municipality_refs, owners_linked_to, slugs_through, target_groups, values_of},
};

/// `search_text LIKE '%stem%'` for every word of the query.
pub(crate) fn text_condition(column: impl ColumnTrait, q: &str) -> Condition {
    query_stems(q).into_iter().fold(Condition::all(), |all, stem| all.add(column.like(format!("%{stem}%"))))
}

fn age(value: Option<i16>) -> Option<u8> {
    value.and_then(|v| u8::try_from(v).ok())
}

impl Store {
    /// One page of published services matching the filter, and how many match in total.
    pub async fn list_services(&self, filter: &ServiceFilter) -> Result<(Vec<ServiceSummary>, u64), StoreError> {
        let mut select = self.published_services();
        if let Some(slug) = &filter.municipality {
            let id = self.municipality_id("municipality", slug).await?;
            select = select.filter(service::Column::Id.in_subquery(owners_linked_to(
                "service_municipalities",
                "service_id",
                "municipality_id",
                vec![id.into()],
            )));
        }
        if let Some(slug) = &filter.category {
            let ids = self.category_ids("category", slug).await?;
            select = select.filter(service::Column::Id.in_subquery(owners_linked_to(
                "service_categories",
                "service_id",
                "category_id",
                ids.into_iter().map(Value::from).collect(),
            )));
        }
        if let Some(slug) = &filter.target_group {
            let id = self.target_group_id("target_group", slug).await?;
            select = select.filter(service::Column::Id.in_subquery(owners_linked_to(
                "service_target_groups",
                "service_id",
                "target_group_id",
                vec![id.into()],
            )));
        }
        if let Some(format) = filter.format {
            select = select.filter(service::Column::Id.in_subquery(owners_linked_to(
                "service_formats",
                "service_id",
                "format",
                vec![format.as_str().into()],
            )));
        }
        if let Some(cost) = filter.cost {
            select = select.filter(service::Column::Cost.eq(cost.as_str()));
        }
        if let Some(age) = filter.age {
            let age = i16::from(age);
            select = select
                .filter(Condition::any().add(service::Column::AgeMin.is_null()).add(service::Column::AgeMin.lte(age)))
                .filter(Condition::any().add(service::Column::AgeMax.is_null()).add(service::Column::AgeMax.gte(age)));
        }
        if let Some(slug) = &filter.organization {
            let org = organization::Entity::find()
                .filter(organization::Column::Slug.eq(slug.as_str()))
                .filter(organization::Column::Status.eq(PUBLISHED))
                .one(&self.db)
                .await?
                .ok_or_else(|| StoreError::UnknownValue { field: "organization", value: slug.to_string() })?;
            select = select.filter(service::Column::OrganizationId.eq(org.id));
        }
        if let Some(q) = &filter.q {
            select = select.filter(text_condition(service::Column::SearchText, q));
        }
        let total = select.clone().count(&self.db).await?;
        let rows = select
            .order_by_asc(service::Column::Name)
            .order_by_asc(service::Column::Id)
            .offset(filter.page.offset())
            .limit(u64::from(filter.page.per_page))
            .all(&self.db)
            .await?;
        Ok((service_summaries(&self.db, rows).await?, total))
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
