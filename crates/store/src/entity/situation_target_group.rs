//! The `situation_target_groups` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "situation_target_groups")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub situation_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub target_group_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
