//! The `revisions` table: proposed changes and claims, with the moderator's decision.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "revisions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub entity_type: String,
    pub entity_id: Option<i64>,
    pub organization_id: Option<i64>,
    pub author_id: Option<i64>,
    pub base_version: Option<i32>,
    pub payload: Json,
    pub status: String,
    pub reviewer_id: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub review_comment: Option<String>,
    pub created_at: DateTimeUtc,
    pub decided_at: Option<DateTimeUtc>,
    pub edited_by_moderator: bool,
    /// Bumped whenever the proposal is rewritten: the `If-Match` of a decision.
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
