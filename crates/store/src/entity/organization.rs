//! The `organizations` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "organizations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub slug: String,
    #[sea_orm(column_type = "Text")]
    pub name: String,
    pub short_name: Option<String>,
    pub kind: String,
    pub sector: String,
    pub inn: Option<String>,
    pub ogrn: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub description: String,
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
