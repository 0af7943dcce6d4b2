//! The `services` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "services")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub slug: String,
    pub organization_id: i64,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub form_442: Option<String>,
    pub cost: String,
    #[sea_orm(column_type = "Text")]
    pub cost_note: Option<String>,
    pub age_min: Option<i16>,
    pub age_max: Option<i16>,
    #[sea_orm(column_type = "Text")]
    pub eligibility: String,
    pub documents: Json,
    #[sea_orm(column_type = "Text")]
    pub how_to_apply: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub status: String,
    pub last_verified: Option<Date>,
    pub version: i32,
    /// Bumped by every cabinet save: the `If-Match` version.
    pub edit_version: i32,
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The UUID the record is published under in HSDS: given once, never changed.
    pub hsds_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
