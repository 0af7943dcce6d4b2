//! The `situation_related` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "situation_related")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub situation_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub related_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
