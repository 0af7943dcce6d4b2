//! The operator's side of accounts and the audit log: people of the operator and their roles,
//! role changes (audited), and reading the log by record, actor and period.

use std::collections::HashMap;

use chrono::{NaiveTime, Utc};
use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr};
use socio_domain::{
    account::Email,
    api::{AuditEntry, AuditFilter, Operator, PageRequest},
    vocabulary::UserRole,
};

use crate::{
    NewAccount, Store, StoreError,
    audit::{Actor, audit},
    entity::{audit_log, user},
};

fn condition(filter: &AuditFilter) -> Condition {
    let mut condition = Condition::all();
    if let Some(kind) = &filter.entity_type {
        condition = condition.add(audit_log::Column::EntityType.eq(kind.as_str()));
    }
    if let Some(id) = filter.entity_id {
        condition = condition.add(audit_log::Column::EntityId.eq(id));
    }
    if let Some(actor) = filter.actor {
        condition = condition.add(audit_log::Column::ActorId.eq(actor));
    }
    if let Some(from) = filter.from {
        condition = condition.add(audit_log::Column::CreatedAt.gte(from.and_time(NaiveTime::MIN).and_utc()));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        condition = condition.add(audit_log::Column::CreatedAt.lt(to.and_time(NaiveTime::MIN).and_utc()));
    }
    condition
}

impl Store {
    async fn with_actors(&self, rows: Vec<audit_log::Model>) -> Result<Vec<AuditEntry>, StoreError> {
        let mut ids: Vec<i64> = rows.iter().filter_map(|r| r.actor_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let emails: HashMap<i64, String> = if ids.is_empty() {
            HashMap::new()
        } else {
            user::Entity::find().filter(user::Column::Id.is_in(ids)).all(&self.db).await?.into_iter().map(|u| (u.id, u.email)).collect()
        };
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: r.created_at,
                actor_email: r.actor_id.and_then(|id| emails.get(&id).cloned()),
                actor_id: r.actor_id,
                action: r.action,
                entity_type: r.entity_type,
                entity_id: r.entity_id,
                details: r.details,
            })
            .collect())
    }

    /// A page of the audit log, newest first, and how many entries match.
    pub async fn audit_entries(&self, filter: &AuditFilter, page: PageRequest) -> Result<(Vec<AuditEntry>, u64), StoreError> {
        let select = audit_log::Entity::find().filter(condition(filter));
        let total = select.clone().count(&self.db).await?;
        let rows = select.order_by_desc(audit_log::Column::Id).offset(page.offset()).limit(u64::from(page.per_page)).all(&self.db).await?;
        Ok((self.with_actors(rows).await?, total))
    }

    /// Up to `limit` matching entries after entry `after`, oldest first: the export reads the
    /// log in such batches, so its memory does not grow with the log.
    pub async fn audit_batch(&self, filter: &AuditFilter, after: i64, limit: u64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = audit_log::Entity::find()
            .filter(condition(filter))
            .filter(audit_log::Column::Id.gt(after))
            .order_by_asc(audit_log::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        self.with_actors(rows).await
    }

    /// The people of the operator (every role but partner), by id.
    pub async fn operators(&self) -> Result<Vec<Operator>, StoreError> {
        Ok(user::Entity::find()
            .filter(user::Column::Role.ne(UserRole::Partner.as_str()))
            .order_by_asc(user::Column::Id)
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(|u| {
                Some(Operator {
                    role: u.role.parse().ok()?,
                    active: u.is_active && u.password_changed_at.is_some(),
                    invitation_pending: u.password_changed_at.is_none(),
                    id: u.id,
                    email: u.email,
                    display_name: u.display_name,
                    last_login_at: u.last_login_at,
                })
            })
            .collect())
    }

    /// Invites a person of the operator with `role`; returns the new user's id.
    pub async fn invite_operator(
        &self,
        actor: i64,
        email: &Email,
        display_name: &str,
        role: UserRole,
        unusable_hash: &str,
        token_hash: &str,
    ) -> Result<i64, StoreError> {
        let new = NewAccount {
            email: email.clone(),
            password_hash: unusable_hash.to_owned(),
            display_name: display_name.to_owned(),
            role,
            organization_id: None,
            org_admin: false,
            email_confirmed: false,
        };
        self.invite(actor, &new, token_hash, serde_json::json!({ "email": email.as_str(), "role": role.as_str() })).await
    }

    /// Closes (or opens again) a person of the operator's access: when closed, every session ends
    /// and the next request is 401. Audited. `None` when there is no such person; a conflict for
    /// a partner or for oneself.
    pub async fn set_operator_active(&self, actor: i64, user_id: i64, active: bool) -> Result<Option<Operator>, StoreError> {
        if actor == user_id {
            return Err(StoreError::conflict("own_access", "Свой доступ закрыть нельзя: попросите другого администратора."));
        }
        let now = Utc::now();
        let txn = self.write().await?;
        let Some(before) = user::Entity::find_by_id(user_id).one(&txn).await? else { return Ok(None) };
        if before.role == UserRole::Partner.as_str() {
            return Err(StoreError::conflict(
                "partner",
                "Это партнёр, а не сотрудник оператора: его доступ закрывает администратор кабинета организации.",
            ));
        }
        user::Entity::update_many()
            .col_expr(user::Column::IsActive, Expr::value(active))
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .filter(user::Column::Id.eq(user_id))
            .exec(&txn)
            .await?;
        if !active {
            crate::accounts::revoke_sessions(&txn, user_id, None).await?;
        }
        let details = serde_json::json!({ "before": { "active": before.is_active }, "after": { "active": active } });
        audit(&txn, Actor::User(actor), if active { "reactivate" } else { "deactivate" }, "user", user_id, details).await?;
        txn.commit().await?;
        Ok(self.operators().await?.into_iter().find(|o| o.id == user_id))
    }

    /// Gives a person of the operator another role, audited with before and after. `None` when
    /// there is no such person; a conflict for a partner or for one's own role.
    pub async fn change_role(&self, actor: i64, user_id: i64, role: UserRole) -> Result<Option<Operator>, StoreError> {
        if role == UserRole::Partner {
            return Err(StoreError::invalid("role", "not_operator", "Роль партнёра не назначается: партнёры регистрируются сами."));
        }
        if actor == user_id {
            return Err(StoreError::conflict("own_role", "Свою роль поменять нельзя: попросите другого администратора."));
        }
        let txn = self.write().await?;
        let Some(before) = user::Entity::find_by_id(user_id).one(&txn).await? else { return Ok(None) };
        if before.role == UserRole::Partner.as_str() {
            return Err(StoreError::conflict("partner", "Это партнёр, а не сотрудник оператора: его роль не меняется."));
        }
        user::Entity::update_many()
            .col_expr(user::Column::Role, Expr::value(role.as_str()))
            .col_expr(user::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(user::Column::Id.eq(user_id))
            .exec(&txn)
            .await?;
        let details = serde_json::json!({ "before": { "role": before.role }, "after": { "role": role.as_str() } });
        audit(&txn, Actor::User(actor), "role_change", "user", user_id, details).await?;
        txn.commit().await?;
        Ok(self.operators().await?.into_iter().find(|o| o.id == user_id))
    }
}
