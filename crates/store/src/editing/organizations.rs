//! The organization's profile in the cabinet. Organizations are created by a registration, as
//! drafts, and are never deleted from the cabinet.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseTransaction, EntityTrait};
use socio_domain::{
    api::{ContactsInput, FieldError, OrganizationInput, ValidOrganization},
    vocabulary::ModerationStatus,
};

use super::{Kind, Record, free_slug, search_text};
use crate::{StoreError, entity::organization, error::parse_stored};

fn columns(model: &mut organization::ActiveModel, valid: &ValidOrganization) {
    model.name = Set(valid.name.clone());
    model.short_name = Set(valid.short_name.clone());
    model.kind = Set(valid.kind.as_str().to_owned());
    model.sector = Set(valid.sector.as_str().to_owned());
    model.inn = Set(valid.inn.as_ref().map(ToString::to_string));
    model.ogrn = Set(valid.ogrn.as_ref().map(ToString::to_string));
    model.description = Set(valid.description.clone());
    model.phone = Set(valid.contacts.phone.as_ref().map(ToString::to_string));
    model.email = Set(valid.contacts.email.as_ref().map(ToString::to_string));
    model.website = Set(valid.contacts.website.as_ref().map(ToString::to_string));
    model.search_text = Set(search_text(&[&valid.name, valid.short_name.as_deref().unwrap_or_default(), &valid.description]));
    model.updated_at = Set(Utc::now());
}

/// Inserts a registering partner's organization as a draft.
pub(crate) async fn insert_organization(db: &impl ConnectionTrait, valid: &ValidOrganization) -> Result<i64, StoreError> {
    let now = Utc::now();
    let slug = free_slug(db, "organizations", valid.short_name.as_deref().unwrap_or(&valid.name), "organization").await?;
    let mut model = organization::ActiveModel {
        hsds_id: Set(Some(socio_hsds::ids::organization(&slug).to_string())),
        slug: Set(slug),
        status: Set(ModerationStatus::Draft.as_str().to_owned()),
        last_verified: Set(None),
        version: Set(1),
        edit_version: Set(1),
        created_at: Set(now),
        ..Default::default()
    };
    columns(&mut model, valid);
    Ok(model.insert(db).await?.id)
}

impl Record for OrganizationInput {
    const KIND: Kind = Kind::Organization;
    type Valid = ValidOrganization;

    fn validate(&self) -> Result<ValidOrganization, Vec<FieldError>> {
        ValidOrganization::try_from(self)
    }

    async fn load(db: &DatabaseTransaction, id: i64) -> Result<Self, StoreError> {
        let row = organization::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound("Организация"))?;
        Ok(OrganizationInput {
            kind: parse_stored(&row.kind)?,
            sector: parse_stored(&row.sector)?,
            name: row.name,
            short_name: row.short_name,
            inn: row.inn,
            ogrn: row.ogrn,
            description: row.description,
            contacts: ContactsInput { phone: row.phone, email: row.email, website: row.website },
        })
    }

    async fn check(_db: &DatabaseTransaction, _organization: i64, _valid: &ValidOrganization) -> Result<(), StoreError> {
        Ok(())
    }

    async fn write(db: &DatabaseTransaction, id: i64, _organization: i64, valid: &ValidOrganization) -> Result<(), StoreError> {
        let row = organization::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound("Организация"))?;
        let mut model: organization::ActiveModel = row.into();
        columns(&mut model, valid);
        model.update(db).await?;
        Ok(())
    }

    async fn insert(db: &DatabaseTransaction, _organization: i64, valid: &ValidOrganization) -> Result<i64, StoreError> {
        let _ = (db, valid);
        Err(StoreError::conflict("not_allowed", "Новая организация появляется только при регистрации партнёра."))
    }
}
