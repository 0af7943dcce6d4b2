//! The `situation_uses` table: how often a life situation was opened and a route built for it,
//! per city and day. Counters only.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "situation_uses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub situation: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub municipality: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    pub count: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
