//! The `locations` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "locations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub organization_id: i64,
    pub municipality_id: i64,
    pub key: String,
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub phone: Option<String>,
    pub opening_hours: Json,
    pub accessibility: Json,
    /// Moderation status: a partner's new address is public once approved.
    pub status: String,
    /// Bumped by every applied (approved) change.
    pub version: i32,
    /// Bumped by every cabinet save: the `If-Match` version.
    pub edit_version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The UUID the record is published under in HSDS: given once, never changed.
    pub hsds_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
