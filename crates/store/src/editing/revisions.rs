//! The moderator's side of the write path: the queue of pending revisions with their diffs, and
//! the decision. Approving applies the proposed record atomically, bumps its version, writes
//! the audit log and the change log; of two moderators deciding the same revision, one wins and
//! the other gets a conflict, and nothing is applied twice.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use serde::de::DeserializeOwned;
use socio_domain::{
    api::{FieldError, LocationInput, OrganizationInput, PageRequest, ProposedRecord, RevisionView, ServiceInput},
    revision::{FieldChange, diff},
    vocabulary::{ModerationStatus, RevisionStatus, RevisionSubject},
};

use super::{Kind, Proposal, Record, head, json, proposal, set_status};
use crate::{
    Store, StoreError,
    audit::{Actor, audit},
    change_log::log_changes,
    entity::{category, location, municipality, organization, revision, target_group, user},
    error::parse_stored,
};

/// Which revisions to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevisionScope {
    /// Pending revisions, oldest first (the moderation queue): of one kind and of organizations
    /// working in one city, when given.
    Pending { subject: Option<RevisionSubject>, city: Option<socio_domain::Slug> },
    /// Every revision of one organization, newest first (the partner's list).
    Organization(i64),
}

fn changes_of<R: Record + DeserializeOwned>(row: &revision::Model) -> Result<Vec<FieldChange>, StoreError> {
    let proposal: Proposal<R> = proposal(row)?;
    Ok(diff(proposal.before.as_ref(), &proposal.after))
}

fn title_of<R: Record + DeserializeOwned>(row: &revision::Model, name: impl Fn(&R) -> String) -> Result<String, StoreError> {
    proposal::<R>(row).map(|p| name(&p.after))
}

async fn view(db: &impl sea_orm::ConnectionTrait, row: revision::Model) -> Result<RevisionView, StoreError> {
    let subject: RevisionSubject = parse_stored(&row.entity_type)?;
    let (title, changes) = match subject {
        RevisionSubject::Service => (title_of::<ServiceInput>(&row, |s| s.name.clone())?, changes_of::<ServiceInput>(&row)?),
        RevisionSubject::Location => {
            (title_of::<LocationInput>(&row, |l| format!("{}, {}", l.name, l.address))?, changes_of::<LocationInput>(&row)?)
        }
        RevisionSubject::Organization => (title_of::<OrganizationInput>(&row, |o| o.name.clone())?, changes_of::<OrganizationInput>(&row)?),
        RevisionSubject::Claim => ("Заявка на управление организацией".to_owned(), Vec::new()),
    };
    let changes = named(db, changes).await?;
    let organization_name = match row.organization_id {
        Some(id) => organization::Entity::find_by_id(id).one(db).await?.map(|o| o.name),
        None => None,
    };
    let author_email = match row.author_id {
        Some(id) => user::Entity::find_by_id(id).one(db).await?.map(|u| u.email),
        None => None,
    };
    Ok(RevisionView {
        id: row.id,
        subject,
        entity_id: row.entity_id,
        title,
        organization_id: row.organization_id,
        organization_name,
        status: parse_stored(&row.status)?,
        base_version: row.base_version,
        author_email,
        created_at: row.created_at,
        decided_at: row.decided_at,
        review_comment: row.review_comment,
        changes,
        edited_by_moderator: row.edited_by_moderator,
        version: row.version,
    })
}

/// The diff says codes (`tsr-rental`, an address id); people read names: the changed
/// categories, target groups, cities and addresses are shown by name.
async fn named(db: &impl sea_orm::ConnectionTrait, mut changes: Vec<FieldChange>) -> Result<Vec<FieldChange>, StoreError> {
    let wanted = |field: &str| changes.iter().any(|c| c.field == field);
    let mut names: HashMap<&'static str, HashMap<String, String>> = HashMap::new();
    if wanted("categories") {
        names.insert("categories", category::Entity::find().all(db).await?.into_iter().map(|c| (c.slug, c.name)).collect());
    }
    if wanted("target_groups") {
        names.insert("target_groups", target_group::Entity::find().all(db).await?.into_iter().map(|t| (t.slug, t.name)).collect());
    }
    if wanted("municipalities") || wanted("municipality") {
        let cities: HashMap<String, String> = municipality::Entity::find().all(db).await?.into_iter().map(|m| (m.slug, m.name)).collect();
        names.insert("municipalities", cities.clone());
        names.insert("municipality", cities);
    }
    if wanted("locations") {
        let ids: Vec<i64> = changes
            .iter()
            .filter(|c| c.field == "locations")
            .flat_map(|c| [c.before.as_str(), c.after.as_str()])
            .flat_map(|v| v.split(", "))
            .filter_map(|id| id.parse().ok())
            .collect();
        let places = location::Entity::find().filter(location::Column::Id.is_in(ids)).all(db).await?;
        names.insert("locations", places.into_iter().map(|l| (l.id.to_string(), format!("{}, {}", l.name, l.address))).collect());
    }
    for change in &mut changes {
        if let Some(map) = names.get(change.field.as_str()) {
            let rename = |value: &str| {
                value
                    .split(", ")
                    .filter(|v| !v.is_empty())
                    .map(|v| map.get(v).cloned().unwrap_or_else(|| v.to_owned()))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            change.before = rename(&change.before);
            change.after = rename(&change.after);
        }
    }
    Ok(changes)
}

/// Marks a pending revision decided, if it is still the version the moderator read: of two
/// moderators one wins (the other gets «already decided»), and a proposal the partner rewrote
/// since it was read is not decided at all (412 with the current version).
async fn decide(
    db: &DatabaseTransaction,
    row: &revision::Model,
    expected: i32,
    status: RevisionStatus,
    reviewer: i64,
    comment: Option<&str>,
) -> Result<(), StoreError> {
    if row.status != RevisionStatus::Pending.as_str() {
        return Err(already_decided());
    }
    if row.version != expected {
        return Err(StoreError::StaleVersion { expected, current: row.version });
    }
    let decided = revision::Entity::update_many()
        .col_expr(revision::Column::Status, Expr::value(status.as_str()))
        .col_expr(revision::Column::ReviewerId, Expr::value(Some(reviewer)))
        .col_expr(revision::Column::ReviewComment, Expr::value(comment.map(str::to_owned)))
        .col_expr(revision::Column::DecidedAt, Expr::value(Some(Utc::now())))
        .filter(revision::Column::Id.eq(row.id))
        .filter(revision::Column::Status.eq(RevisionStatus::Pending.as_str()))
        .filter(revision::Column::Version.eq(expected))
        .exec(db)
        .await?;
    if decided.rows_affected == 1 {
        return Ok(());
    }
    // Lost a race: decided by someone else, or rewritten by the partner, in the meantime.
    match revision::Entity::find_by_id(row.id).one(db).await? {
        Some(now) if now.status == RevisionStatus::Pending.as_str() => Err(StoreError::StaleVersion { expected, current: now.version }),
        _ => Err(already_decided()),
    }
}

fn already_decided() -> StoreError {
    StoreError::conflict("already_decided", "Это изменение уже рассмотрено другим модератором. Обновите очередь.")
}

/// Errors about the corrected record name their field under `edited.<kind>.`, where the
/// moderator's form shows them.
fn within(kind: RevisionSubject, error: StoreError) -> StoreError {
    let prefix = |field: &str| format!("edited.{}.{field}", kind.as_str());
    match error {
        StoreError::Invalid(errors) => {
            StoreError::Invalid(errors.into_iter().map(|e| FieldError { field: prefix(&e.field), ..e }).collect())
        }
        StoreError::UnknownValue { field, value } => {
            StoreError::invalid(prefix(field), "unknown_value", format!("«{value}» нет в справочнике."))
        }
        other => other,
    }
}

fn wrong_subject(subject: RevisionSubject) -> StoreError {
    StoreError::invalid(
        "edited",
        "wrong_subject",
        match subject {
            RevisionSubject::Claim => {
                "Заявку на управление организацией нельзя исправить: её можно только одобрить или отклонить.".to_owned()
            }
            _ => format!("Исправленная запись должна быть одна, в поле «{}» — того же вида, что и изменение.", subject.as_str()),
        },
    )
}

/// The correction's record of the revision's kind; the correction must hold that one only.
fn corrected<R: Clone>(
    subject: RevisionSubject,
    correction: Option<&ProposedRecord>,
    pick: impl FnOnce(&ProposedRecord) -> Option<&R>,
) -> Result<Option<R>, StoreError> {
    let Some(record) = correction else { return Ok(None) };
    let given = [record.service.is_some(), record.location.is_some(), record.organization.is_some()].into_iter().filter(|g| *g).count();
    match pick(record) {
        Some(chosen) if given == 1 => Ok(Some(chosen.clone())),
        _ => Err(wrong_subject(subject)),
    }
}

/// The record kind a revision changes (none for a claim).
fn kind_of(subject: RevisionSubject) -> Option<Kind> {
    match subject {
        RevisionSubject::Service => Some(Kind::Service),
        RevisionSubject::Location => Some(Kind::Location),
        RevisionSubject::Organization => Some(Kind::Organization),
        RevisionSubject::Claim => None,
    }
}

/// Applies a proposed record (or the moderator's correction of it): writes it, publishes it,
/// bumps its version, confirms it today.
async fn apply<R: Record>(db: &DatabaseTransaction, reviewer: i64, row: &revision::Model, correction: Option<R>) -> Result<(), StoreError> {
    let id = row.entity_id.ok_or_else(|| StoreError::corrupt(format!("revision {} names no record", row.id)))?;
    let head = head(db, R::KIND, id).await?.ok_or(StoreError::NotFound(R::KIND.label()))?;
    if head.status == ModerationStatus::Archived {
        return Err(StoreError::conflict("withdrawn", "Запись уже снята с публикации; изменение применить нельзя."));
    }
    if row.base_version.is_some_and(|base| base != head.version) {
        return Err(StoreError::conflict("stale_revision", "Запись изменилась после того, как изменение было предложено."));
    }
    let proposal: Proposal<R> = proposal(row)?;
    let subject = R::KIND.subject();
    let edited = correction.is_some();
    let after = correction.unwrap_or_else(|| proposal.after.clone());
    let valid = after.validate().map_err(|errors| {
        let error = StoreError::Invalid(errors);
        if edited { within(subject, error) } else { error }
    })?;
    if edited {
        R::check(db, head.organization_id, &valid).await.map_err(|e| within(subject, e))?;
        revision::Entity::update_many()
            .col_expr(revision::Column::Payload, Expr::value(json(&Proposal { before: proposal.before.clone(), after: after.clone() })?))
            .col_expr(revision::Column::EditedByModerator, Expr::value(true))
            .filter(revision::Column::Id.eq(row.id))
            .exec(db)
            .await?;
    }
    let before = if head.status == ModerationStatus::Published { Some(R::load(db, id).await?) } else { None };
    R::write(db, id, head.organization_id, &valid).await?;
    set_status(db, R::KIND, id, ModerationStatus::Published, true).await?;
    if R::KIND.has_freshness() {
        let update = sea_orm::sea_query::Query::update()
            .table(R::KIND.table())
            .value("last_verified", Utc::now().date_naive())
            .and_where(Expr::col("id").eq(id))
            .take();
        sea_orm::ConnectionTrait::execute(db, &update).await?;
    }
    audit(
        db,
        Actor::User(reviewer),
        "approve",
        R::KIND.subject().as_str(),
        id,
        if edited {
            serde_json::json!({ "revision": row.id, "before": before, "after": after, "edited_by_moderator": true, "proposed": proposal.after })
        } else {
            serde_json::json!({ "revision": row.id, "before": before, "after": after })
        },
    )
    .await?;
    log_changes(db, &[(R::KIND.changed(), id)]).await
}

impl Store {
    /// One page of revisions and the total.
    pub async fn revisions(&self, scope: RevisionScope, page: PageRequest) -> Result<(Vec<RevisionView>, u64), StoreError> {
        let select = match scope {
            RevisionScope::Pending { subject, city } => {
                let mut select = revision::Entity::find().filter(revision::Column::Status.eq(RevisionStatus::Pending.as_str()));
                if let Some(subject) = subject {
                    select = select.filter(revision::Column::EntityType.eq(subject.as_str()));
                }
                if let Some(city) = city {
                    // An organization works in a city where it has an address or serves.
                    let id = self.municipality_id("municipality", &city).await?;
                    let in_city = sea_orm::sea_query::Expr::cust(format!(
                        "(organization_id IN (SELECT organization_id FROM locations WHERE municipality_id = {id}) \
                         OR organization_id IN (SELECT s.organization_id FROM services s JOIN service_municipalities m ON m.service_id = s.id WHERE m.municipality_id = {id}))"
                    ));
                    select = select.filter(in_city);
                }
                select.order_by_asc(revision::Column::CreatedAt).order_by_asc(revision::Column::Id)
            }
            RevisionScope::Organization(org) => revision::Entity::find()
                .filter(revision::Column::OrganizationId.eq(org))
                .filter(revision::Column::EntityType.ne(RevisionSubject::Claim.as_str()))
                .order_by_desc(revision::Column::Id),
        };
        let total = select.clone().count(&self.db).await?;
        let rows = select.offset(page.offset()).limit(u64::from(page.per_page)).all(&self.db).await?;
        let mut views = Vec::with_capacity(rows.len());
        for row in rows {
            views.push(view(&self.db, row).await?);
        }
        Ok((views, total))
    }

    /// One revision, in the caller's reach (`organization`: a partner's own only).
    pub async fn revision(&self, id: i64, organization: Option<i64>) -> Result<RevisionView, StoreError> {
        let row = revision::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .filter(|r| organization.is_none() || (r.organization_id == organization && r.entity_type != RevisionSubject::Claim.as_str()))
            .ok_or(StoreError::NotFound("Изменение"))?;
        view(&self.db, row).await
    }

    /// The record a pending or decided revision proposes (as applied, when a moderator
    /// corrected it), and the revision's version for the `If-Match` of the decision.
    pub async fn proposal(&self, id: i64) -> Result<(ProposedRecord, i32), StoreError> {
        let row = revision::Entity::find_by_id(id).one(&self.db).await?.ok_or(StoreError::NotFound("Изменение"))?;
        let subject: RevisionSubject = parse_stored(&row.entity_type)?;
        let version = row.version;
        let record = match subject {
            RevisionSubject::Service => ProposedRecord { service: Some(proposal(&row)?.after), ..Default::default() },
            RevisionSubject::Location => ProposedRecord { location: Some(proposal(&row)?.after), ..Default::default() },
            RevisionSubject::Organization => ProposedRecord { organization: Some(proposal(&row)?.after), ..Default::default() },
            RevisionSubject::Claim => ProposedRecord::default(),
        };
        Ok((record, version))
    }

    /// Approves a pending revision (or claim) at the version the moderator read (`expected`) and
    /// applies it, in one transaction; with a correction, the moderator's version of the record
    /// is what is published, and the revision and the audit log say so.
    pub async fn approve_revision(
        &self,
        reviewer: i64,
        id: i64,
        expected: i32,
        comment: Option<&str>,
        correction: Option<&ProposedRecord>,
    ) -> Result<RevisionView, StoreError> {
        let txn = self.write().await?;
        let row = revision::Entity::find_by_id(id).one(&txn).await?.ok_or(StoreError::NotFound("Изменение"))?;
        decide(&txn, &row, expected, RevisionStatus::Approved, reviewer, comment).await?;
        let subject = parse_stored::<RevisionSubject>(&row.entity_type)?;
        match subject {
            RevisionSubject::Service => {
                apply::<ServiceInput>(&txn, reviewer, &row, corrected(subject, correction, |r| r.service.as_ref())?).await?
            }
            RevisionSubject::Location => {
                apply::<LocationInput>(&txn, reviewer, &row, corrected(subject, correction, |r| r.location.as_ref())?).await?
            }
            RevisionSubject::Organization => {
                apply::<OrganizationInput>(&txn, reviewer, &row, corrected(subject, correction, |r| r.organization.as_ref())?).await?
            }
            RevisionSubject::Claim if correction.is_some() => return Err(wrong_subject(subject)),
            RevisionSubject::Claim => {
                let (Some(author), Some(org)) = (row.author_id, row.entity_id) else {
                    return Err(StoreError::conflict("claim_incomplete", "У заявки нет автора или организации."));
                };
                let granted = user::Entity::update_many()
                    .col_expr(user::Column::OrganizationId, Expr::value(Some(org)))
                    .col_expr(user::Column::OrgAdmin, Expr::value(true))
                    .col_expr(user::Column::JoinedOrganizationAt, Expr::value(Some(Utc::now())))
                    .filter(user::Column::Id.eq(author))
                    .filter(user::Column::OrganizationId.is_null())
                    .exec(&txn)
                    .await?;
                if granted.rows_affected != 1 {
                    return Err(StoreError::conflict("claim_stale", "Автор заявки уже состоит в другой организации или удалён."));
                }
                audit(
                    &txn,
                    Actor::User(reviewer),
                    "approve_claim",
                    "organization",
                    org,
                    serde_json::json!({ "revision": id, "user": author }),
                )
                .await?;
            }
        }
        txn.commit().await?;
        self.revision(id, None).await
    }

    /// Rejects a pending revision at the version the moderator read, with a comment the partner
    /// sees; a first publication goes back to draft.
    pub async fn reject_revision(&self, reviewer: i64, id: i64, expected: i32, comment: &str) -> Result<RevisionView, StoreError> {
        let txn = self.write().await?;
        let row = revision::Entity::find_by_id(id).one(&txn).await?.ok_or(StoreError::NotFound("Изменение"))?;
        decide(&txn, &row, expected, RevisionStatus::Rejected, reviewer, Some(comment)).await?;
        let kind = kind_of(parse_stored(&row.entity_type)?);
        if let (Some(kind), Some(entity)) = (kind, row.entity_id)
            && let Some(head) = head(&txn, kind, entity).await?
            && head.status == ModerationStatus::Pending
        {
            set_status(&txn, kind, entity, ModerationStatus::Draft, false).await?;
        }
        audit(
            &txn,
            Actor::User(reviewer),
            "reject",
            &row.entity_type,
            row.entity_id.unwrap_or_default(),
            serde_json::json!({ "revision": id, "comment": comment }),
        )
        .await?;
        txn.commit().await?;
        self.revision(id, None).await
    }

    /// Ids of pending revisions (tests and tools).
    pub async fn pending_revision_ids(&self) -> Result<Vec<i64>, StoreError> {
        Ok(revision::Entity::find()
            .select_only()
            .column(revision::Column::Id)
            .filter(revision::Column::Status.eq(RevisionStatus::Pending.as_str()))
            .order_by_asc(revision::Column::Id)
            .into_tuple()
            .all(&self.db)
            .await?)
    }
}
