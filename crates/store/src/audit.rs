//! The audit log: who did what to which record, with the values before and after. Written in
//! the same transaction as the change it describes.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait};

use crate::{StoreError, entity::audit_log};

/// Who acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in user (partner, moderator, admin).
    User(i64),
    /// The platform itself (a scheduled command).
    System,
}

impl Actor {
    fn id(self) -> Option<i64> {
        match self {
            Actor::User(id) => Some(id),
            Actor::System => None,
        }
    }
}

/// Appends one audit row.
pub(crate) async fn audit(
    db: &impl ConnectionTrait,
    actor: Actor,
    action: &str,
    entity_type: &str,
    entity_id: i64,
    details: serde_json::Value,
) -> Result<(), StoreError> {
    audit_log::ActiveModel {
        actor_id: Set(actor.id()),
        action: Set(action.to_owned()),
        entity_type: Set(entity_type.to_owned()),
        entity_id: Set(entity_id),
        details: Set(details),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
