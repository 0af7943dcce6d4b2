//! Addresses in the cabinet: the form read from a row and written back.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde_json::json;
use socio_domain::{
    Coordinates,
    api::{FieldError, LocationInput, ValidLocation},
    vocabulary::ModerationStatus,
};

use super::{Kind, Record};
use crate::{
    StoreError,
    entity::{location, municipality},
};

async fn municipality_id(db: &DatabaseTransaction, valid: &ValidLocation) -> Result<i64, StoreError> {
    municipality::Entity::find().filter(municipality::Column::Slug.eq(valid.municipality.as_str())).one(db).await?.map(|m| m.id).ok_or_else(
        || {
            StoreError::Invalid(vec![FieldError::new(
                "municipality",
                "unknown_value",
                "Такого города нет в списке: выберите город из списка.",
            )])
        },
    )
}

fn columns(model: &mut location::ActiveModel, valid: &ValidLocation, city: i64) {
    model.municipality_id = Set(city);
    model.name = Set(valid.name.clone());
    model.address = Set(valid.address.clone());
    model.lat = Set(valid.coordinates.map(|c| c.lat));
    model.lon = Set(valid.coordinates.map(|c| c.lon));
    model.phone = Set(valid.phone.as_ref().map(ToString::to_string));
    model.opening_hours = Set(json!(valid.opening_hours.0));
    model.accessibility = Set(json!(valid.accessibility));
    model.updated_at = Set(Utc::now());
}

impl Record for LocationInput {
    const KIND: Kind = Kind::Location;
    type Valid = ValidLocation;

    fn validate(&self) -> Result<ValidLocation, Vec<FieldError>> {
        ValidLocation::try_from(self)
    }

    async fn load(db: &DatabaseTransaction, id: i64) -> Result<Self, StoreError> {
        let row = location::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound("Адрес"))?;
        let city = municipality::Entity::find_by_id(row.municipality_id).one(db).await?.map(|m| m.slug).unwrap_or_default();
        Ok(LocationInput {
            name: row.name,
            municipality: city,
            address: row.address,
            coordinates: row.lat.zip(row.lon).map(|(lat, lon)| Coordinates { lat, lon }),
            phone: row.phone,
            opening_hours: serde_json::from_value(row.opening_hours)
                .map_err(|e| StoreError::corrupt(format!("hours of location {id}: {e}")))?,
            accessibility: serde_json::from_value(row.accessibility)
                .map_err(|e| StoreError::corrupt(format!("accessibility of location {id}: {e}")))?,
        })
    }

    async fn check(db: &DatabaseTransaction, _organization: i64, valid: &ValidLocation) -> Result<(), StoreError> {
        municipality_id(db, valid).await.map(|_| ())
    }

    async fn write(db: &DatabaseTransaction, id: i64, _organization: i64, valid: &ValidLocation) -> Result<(), StoreError> {
        let city = municipality_id(db, valid).await?;
        let row = location::Entity::find_by_id(id).one(db).await?.ok_or(StoreError::NotFound("Адрес"))?;
        let mut model: location::ActiveModel = row.into();
        columns(&mut model, valid, city);
        model.update(db).await?;
        Ok(())
    }

    async fn insert(db: &DatabaseTransaction, organization: i64, valid: &ValidLocation) -> Result<i64, StoreError> {
        let city = municipality_id(db, valid).await?;
        let now = Utc::now();
        let mut model = location::ActiveModel {
            organization_id: Set(organization),
            // Unique per organization; the seed's keys are words, the cabinet's carry a random tail.
            key: Set(format!("cabinet-{:016x}", fastrand::u64(..))),
            // The key is random already, so is the id.
            hsds_id: Set(Some(socio_hsds::ids::random(fastrand::u128(..).to_le_bytes()).to_string())),
            status: Set(ModerationStatus::Draft.as_str().to_owned()),
            version: Set(1),
            edit_version: Set(1),
            created_at: Set(now),
            ..Default::default()
        };
        columns(&mut model, valid, city);
        Ok(model.insert(db).await?.id)
    }
}
