//! The `unmet_searches` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "unmet_searches")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub query: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub municipality: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    pub count: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
