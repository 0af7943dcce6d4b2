//! Services in the cabinet: the form read from a row and its links, written back, checked
//! against the taxonomy, the cities and the organization's own addresses.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde_json::json;
use socio_domain::{
    Slug,
    api::{ContactsInput, ServiceInput, ValidService},
    vocabulary::{ModerationStatus, ServiceFormat},
};

use super::{Kind, Record, free_slug, search_text, unknown};
use crate::{
    StoreError,
    entity::{
        category, location, municipality, service, service_category, service_format, service_location, service_municipality,
        service_target_group, target_group,
    },
    error::parse_stored,
    links::string_list,
    seed::insert_links,
};

/// Ids of the service's references, resolved from the form's codes.
struct References {
    categories: Vec<i64>,
    target_groups: Vec<i64>,
    municipalities: Vec<i64>,
}

async fn ids_by_slug<E, C>(
    db: &DatabaseTransaction,
    slug_column: C,
    slugs: &[Slug],
    id_of: impl Fn(&E::Model) -> (String, i64),
) -> Result<HashMap<String, i64>, StoreError>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    Ok(E::find().filter(slug_column.is_in(slugs.iter().map(|s| s.as_str().to_owned()))).all(db).await?.iter().map(id_of).collect())
}

async fn references(db: &DatabaseTransaction, organization: i64, valid: &ValidService) -> Result<References, StoreError> {
    // Only categories proper, not the groups that hold them.
    let categories: HashMap<String, i64> = category::Entity::find()
        .filter(category::Column::Slug.is_in(valid.categories.iter().map(|s| s.as_str().to_owned())))
        .filter(category::Column::ParentId.is_not_null())
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.slug, c.id))
        .collect();
    let groups =
        ids_by_slug::<target_group::Entity, _>(db, target_group::Column::Slug, &valid.target_groups, |g| (g.slug.clone(), g.id)).await?;
    let cities =
        ids_by_slug::<municipality::Entity, _>(db, municipality::Column::Slug, &valid.municipalities, |m| (m.slug.clone(), m.id)).await?;
    let own_locations: Vec<i64> = location::Entity::find()
        .filter(location::Column::OrganizationId.eq(organization))
        .filter(location::Column::Status.ne(ModerationStatus::Archived.as_str()))
        .filter(location::Column::Id.is_in(valid.locations.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.id)
        .collect();
    let names = |slugs: &[Slug]| slugs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let known = |map: &HashMap<String, i64>| map.keys().cloned().collect::<Vec<_>>();
    let mut errors = unknown("categories", "Категории", &names(&valid.categories), &known(&categories));
    errors.extend(unknown("target_groups", "Кому", &names(&valid.target_groups), &known(&groups)));
    errors.extend(unknown("municipalities", "Города", &names(&valid.municipalities), &known(&cities)));
    for (i, id) in valid.locations.iter().enumerate() {
        if !own_locations.contains(id) {
            errors.push(socio_domain::api::FieldError::new(
                format!("locations[{i}]"),
                "unknown_value",
                format!("Адреса {id} нет среди адресов вашей организации."),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let pick = |map: &HashMap<String, i64>, slugs: &[Slug]| slugs.iter().filter_map(|s| map.get(s.as_str()).copied()).collect();
    Ok(References {
        categories: pick(&categories, &valid.categories),
        target_groups: pick(&groups, &valid.target_groups),
        municipalities: pick(&cities, &valid.municipalities),
    })
}

fn columns(model: &mut service::ActiveModel, valid: &ValidService) {
    model.name = Set(valid.name.clone());
    model.summary = Set(valid.summary.clone());
    model.description = Set(valid.description.clone());
    model.form_442 = Set(valid.form_442.map(|f| f.as_str().to_owned()));
    model.cost = Set(valid.cost.as_str().to_owned());
    model.cost_note = Set(valid.cost_note.clone());
    model.age_min = Set(valid.age_min.map(i16::from));
    model.age_max = Set(valid.age_max.map(i16::from));
    model.eligibility = Set(valid.eligibility.clone());
    model.documents = Set(json!(valid.documents));
    model.how_to_apply = Set(valid.how_to_apply.clone());
    model.phone = Set(valid.contacts.phone.as_ref().map(ToString::to_string));
    model.email = Set(valid.contacts.email.as_ref().map(ToString::to_string));
    model.website = Set(valid.contacts.website.as_ref().map(ToString::to_string));
    model.search_text = Set(search_text(&[&valid.name, &valid.summary, &valid.description, &valid.eligibility]));
    model.updated_at = Set(Utc::now());
}

async fn write_links(db: &DatabaseTransaction, id: i64, valid: &ValidService, refs: References) -> Result<(), StoreError> {
    service_category::Entity::delete_many().filter(service_category::Column::ServiceId.eq(id)).exec(db).await?;
    service_target_group::Entity::delete_many().filter(service_target_group::Column::ServiceId.eq(id)).exec(db).await?;
    service_format::Entity::delete_many().filter(service_format::Column::ServiceId.eq(id)).exec(db).await?;
    service_municipality::Entity::delete_many().filter(service_municipality::Column::ServiceId.eq(id)).exec(db).await?;
    service_location::Entity::delete_many().filter(service_location::Column::ServiceId.eq(id)).exec(db).await?;
    insert_links(db, refs.categories.into_iter().map(|c| service_category::ActiveModel { service_id: Set(id), category_id: Set(c) }))
        .await?;
    insert_links(
        db,
        refs.target_groups.into_iter().map(|g| service_target_group::ActiveModel { service_id: Set(id), target_group_id: Set(g) }),
    )
    .await?;
    insert_links(db, valid.formats.iter().map(|f| service_format::ActiveModel { service_id: Set(id), format: Set(f.as_str().to_owned()) }))
        .await?;
    insert_links(
        db,
        refs.municipalities.into_iter().map(|m| service_municipality::ActiveModel { service_id: Set(id), municipality_id: Set(m) }),
    )
    .await?;
    insert_links(db, valid.locations.iter().map(|l| service_location::ActiveModel { service_id: Set(id), location_id: Set(*l) })).await
}

/// Slugs linked to one service through `link`, in the link table's order of the target.
async fn linked_slugs(
    db: &DatabaseTransaction,
    link: &'static str,
    target_col: &'static str,
    target: &'static str,
    id: i64,
) -> Result<Vec<String>, StoreError> {
    let mut found = crate::links::slugs_through(db, link, "service_id", target_col, target, &[id]).await?;
    Ok(found.remove(&id).unwrap_or_default().into_iter().map(|(slug, _)| slug).collect())
}

impl Record for ServiceInput {
    const KIND: Kind = Kind::Service;
    type Valid = ValidService;

    fn validate(&self) -> Result<ValidService, Vec<socio_domain::api::FieldError>> {
        ValidService::try_from(self)
    }

    async fn load(db: &DatabaseTransaction, id: i64) -> Result<Self, StoreError> {
        let row = service::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound("Услуга"))?;
        let mut formats: Vec<ServiceFormat> = service_format::Entity::find()
            .filter(service_format::Column::ServiceId.eq(id))
            .all(db)
            .await?
            .iter()
            .map(|f| parse_stored(&f.format))
            .collect::<Result<_, _>>()?;
        formats.sort();
        let mut locations: Vec<i64> = service_location::Entity::find()
            .filter(service_location::Column::ServiceId.eq(id))
            .all(db)
            .await?
            .into_iter()
            .map(|l| l.location_id)
            .collect();
        locations.sort_unstable();
        Ok(ServiceInput {
            categories: linked_slugs(db, "service_categories", "category_id", "categories", id).await?,
            target_groups: linked_slugs(db, "service_target_groups", "target_group_id", "target_groups", id).await?,
            municipalities: linked_slugs(db, "service_municipalities", "municipality_id", "municipalities", id).await?,
            formats,
            locations,
            form_442: row.form_442.as_deref().map(parse_stored).transpose()?,
            cost: parse_stored(&row.cost)?,
            age_min: row.age_min.and_then(|a| u8::try_from(a).ok()),
            age_max: row.age_max.and_then(|a| u8::try_from(a).ok()),
            documents: string_list(&row.documents, "documents")?,
            contacts: ContactsInput { phone: row.phone, email: row.email, website: row.website },
            name: row.name,
            summary: row.summary,
            description: row.description,
            cost_note: row.cost_note,
            eligibility: row.eligibility,
            how_to_apply: row.how_to_apply,
        })
    }

    async fn check(db: &DatabaseTransaction, organization: i64, valid: &ValidService) -> Result<(), StoreError> {
        references(db, organization, valid).await.map(|_| ())
    }

    async fn write(db: &DatabaseTransaction, id: i64, organization: i64, valid: &ValidService) -> Result<(), StoreError> {
        let refs = references(db, organization, valid).await?;
        let row = service::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound("Услуга"))?;
        let mut model: service::ActiveModel = row.into();
        columns(&mut model, valid);
        model.update(db).await?;
        write_links(db, id, valid, refs).await
    }

    async fn insert(db: &DatabaseTransaction, organization: i64, valid: &ValidService) -> Result<i64, StoreError> {
        let refs = references(db, organization, valid).await?;
        let now = Utc::now();
        let slug = free_slug(db, "services", &valid.name, "service").await?;
        let mut model = service::ActiveModel {
            hsds_id: Set(Some(socio_hsds::ids::service(&slug).to_string())),
            slug: Set(slug),
            organization_id: Set(organization),
            status: Set(ModerationStatus::Draft.as_str().to_owned()),
            last_verified: Set(None),
            version: Set(1),
            edit_version: Set(1),
            created_at: Set(now),
            ..Default::default()
        };
        columns(&mut model, valid);
        let id = model.insert(db).await?.id;
        write_links(db, id, valid, refs).await?;
        Ok(id)
    }
}
