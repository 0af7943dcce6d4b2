//! The `situation_steps` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "situation_steps")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub situation_id: i64,
    pub position: i32,
    #[sea_orm(column_type = "Text")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub documents: Json,
    pub categories: Json,
    #[sea_orm(column_type = "Text")]
    pub deadline: Option<String>,
    pub condition: Option<Json>,
    pub sources: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
