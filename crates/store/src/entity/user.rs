//! The `users` table: partners, moderators and admins.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub email: String,
    #[sea_orm(column_type = "Text")]
    pub password_hash: String,
    pub display_name: String,
    pub role: String,
    pub organization_id: Option<i64>,
    pub is_active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub last_login_at: Option<DateTimeUtc>,
    pub email_confirmed_at: Option<DateTimeUtc>,
    pub password_changed_at: Option<DateTimeUtc>,
    pub org_admin: bool,
    /// Signed in with a one-time password (`socio user add`): nothing but changing it.
    pub must_change_password: bool,
    /// When the user joined `organization_id` (none: before this was kept, so "first").
    pub joined_organization_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
