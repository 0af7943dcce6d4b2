//! The `situation_questions` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "situation_questions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub situation_id: i64,
    pub position: i32,
    pub key: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    #[sea_orm(column_type = "Text")]
    pub help: Option<String>,
    pub kind: String,
    pub options: Json,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub ask_if: Option<Json>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
