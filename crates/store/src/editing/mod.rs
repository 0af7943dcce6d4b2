//! The write path of the cabinet: drafts, revisions of published records, withdrawal,
//! freshness, and the moderator's decision. One flow for every kind of record.
//!
//! A record that was never published is a draft the partner edits in place. A published record
//! is never edited in place by a partner: a save stores a pending revision holding the proposed
//! record and the version it was based on, and the public version stays as it is until a
//! moderator approves. Every save checks and bumps the record's `edit_version` in the same
//! transaction (`If-Match`), so of two saves from the same version exactly one wins. Every
//! change of what the public sees writes the audit log and the change log before commit.

pub(crate) mod import;
pub(crate) mod locations;
pub(crate) mod organizations;
pub(crate) mod revisions;
pub(crate) mod services;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
    sea_query::{Expr, ExprTrait, Query},
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use socio_domain::{
    api::{CabinetListItem, Editable, FieldError, RevisionSummary, is_stale},
    revision::{Fields, diff},
    vocabulary::{ModerationStatus, RevisionStatus, RevisionSubject},
};

use crate::{
    Store, StoreError,
    audit::{Actor, audit},
    change_log::{Changed, log_changes},
    entity::revision,
    error::parse_stored,
};

/// The kinds of records a partner edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Organization,
    Location,
    Service,
}

impl Kind {
    fn table(self) -> &'static str {
        match self {
            Kind::Organization => "organizations",
            Kind::Location => "locations",
            Kind::Service => "services",
        }
    }

    fn owner_column(self) -> &'static str {
        match self {
            Kind::Organization => "id",
            Kind::Location | Kind::Service => "organization_id",
        }
    }

    pub(crate) fn subject(self) -> RevisionSubject {
        match self {
            Kind::Organization => RevisionSubject::Organization,
            Kind::Location => RevisionSubject::Location,
            Kind::Service => RevisionSubject::Service,
        }
    }

    fn changed(self) -> Changed {
        match self {
            Kind::Organization => Changed::Organization,
            Kind::Location => Changed::Location,
            Kind::Service => Changed::Service,
        }
    }

    fn has_freshness(self) -> bool {
        !matches!(self, Kind::Location)
    }

    /// «Услуга», «Адрес», «Организация»: for messages.
    fn label(self) -> &'static str {
        self.subject().label()
    }
}

/// A record of one kind as its form holds it, and how it is stored.
pub trait Record: Sized + Clone + Serialize + DeserializeOwned + Fields {
    const KIND: Kind;
    /// The checked form.
    type Valid;
    fn validate(&self) -> Result<Self::Valid, Vec<FieldError>>;
    /// The record as stored now, in form shape.
    fn load(db: &DatabaseTransaction, id: i64) -> impl Future<Output = Result<Self, StoreError>>;
    /// Checks what the form refers to (categories, cities, the organization's addresses).
    fn check(db: &DatabaseTransaction, organization: i64, valid: &Self::Valid) -> impl Future<Output = Result<(), StoreError>>;
    /// Writes the form's fields and links over the stored record.
    fn write(db: &DatabaseTransaction, id: i64, organization: i64, valid: &Self::Valid) -> impl Future<Output = Result<(), StoreError>>;
    /// Inserts a new draft; returns its id.
    fn insert(db: &DatabaseTransaction, organization: i64, valid: &Self::Valid) -> impl Future<Output = Result<i64, StoreError>>;
}

/// The moderation-relevant columns of a record.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    pub id: i64,
    pub organization_id: i64,
    pub slug: String,
    pub name: String,
    pub status: ModerationStatus,
    pub version: i32,
    pub edit_version: i32,
    pub last_verified: Option<NaiveDate>,
}

/// What a revision row holds: the record it was based on (none for a first publication) and
/// the proposed one.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Proposal<R> {
    pub before: Option<R>,
    pub after: R,
}

pub(crate) async fn head(db: &impl ConnectionTrait, kind: Kind, id: i64) -> Result<Option<Head>, StoreError> {
    let table = kind.table();
    let slug = if kind == Kind::Location { "key" } else { "slug" };
    let mut query = Query::select();
    query
        .expr(Expr::col((table, "id")))
        .expr(Expr::col((table, kind.owner_column())))
        .expr(Expr::col((table, slug)))
        .expr(Expr::col((table, "name")))
        .expr(Expr::col((table, "status")))
        .expr(Expr::col((table, "version")))
        .expr(Expr::col((table, "edit_version")))
        .from(table)
        .and_where(Expr::col((table, "id")).eq(id));
    if kind.has_freshness() {
        query.expr(Expr::col((table, "last_verified")));
    }
    let Some(row) = db.query_one(&query).await? else { return Ok(None) };
    let status: String = row.try_get_by_index(4)?;
    Ok(Some(Head {
        id: row.try_get_by_index(0)?,
        organization_id: row.try_get_by_index(1)?,
        slug: if kind == Kind::Location { String::new() } else { row.try_get_by_index(2)? },
        name: row.try_get_by_index(3)?,
        status: parse_stored(&status)?,
        version: row.try_get_by_index(5)?,
        edit_version: row.try_get_by_index(6)?,
        last_verified: if kind.has_freshness() { row.try_get_by_index(7)? } else { None },
    }))
}

/// The record, if it belongs to `organization`; another organization's record is not found.
async fn own_head(db: &impl ConnectionTrait, kind: Kind, organization: i64, id: i64) -> Result<Head, StoreError> {
    head(db, kind, id).await?.filter(|h| h.organization_id == organization).ok_or(StoreError::NotFound(kind.label()))
}

/// Checks `expected` against the stored edit version and bumps it; the conditional update is
/// what makes two concurrent saves from the same version end with exactly one winner.
async fn bump_edit(db: &impl ConnectionTrait, kind: Kind, head: &Head, expected: i32) -> Result<i32, StoreError> {
    let table = kind.table();
    let update = Query::update()
        .table(table)
        .value("edit_version", Expr::col("edit_version").add(1))
        .and_where(Expr::col("id").eq(head.id))
        .and_where(Expr::col("edit_version").eq(expected))
        .take();
    let result = db.execute(&update).await?;
    if result.rows_affected() == 1 { Ok(expected + 1) } else { Err(StoreError::StaleVersion { expected, current: head.edit_version }) }
}

/// Sets status (and optionally bumps the public version), touching `updated_at`.
async fn set_status(db: &impl ConnectionTrait, kind: Kind, id: i64, status: ModerationStatus, bump: bool) -> Result<(), StoreError> {
    let mut update = Query::update();
    update.table(kind.table()).value("status", status.as_str()).value("updated_at", Utc::now()).and_where(Expr::col("id").eq(id));
    if bump {
        update.value("version", Expr::col("version").add(1));
    }
    db.execute(&update).await?;
    Ok(())
}

/// The open (pending) revision of a record.
async fn open_revision(db: &impl ConnectionTrait, kind: Kind, id: i64) -> Result<Option<revision::Model>, StoreError> {
    Ok(revision::Entity::find()
        .filter(revision::Column::EntityType.eq(kind.subject().as_str()))
        .filter(revision::Column::EntityId.eq(id))
        .filter(revision::Column::Status.eq(RevisionStatus::Pending.as_str()))
        .one(db)
        .await?)
}

/// The latest revision of a record, whatever its state.
async fn latest_revision(db: &impl ConnectionTrait, kind: Kind, id: i64) -> Result<Option<revision::Model>, StoreError> {
    Ok(revision::Entity::find()
        .filter(revision::Column::EntityType.eq(kind.subject().as_str()))
        .filter(revision::Column::EntityId.eq(id))
        .order_by_desc(revision::Column::Id)
        .one(db)
        .await?)
}

fn summary(row: &revision::Model) -> Result<RevisionSummary, StoreError> {
    Ok(RevisionSummary {
        id: row.id,
        status: parse_stored(&row.status)?,
        created_at: row.created_at,
        decided_at: row.decided_at,
        review_comment: row.review_comment.clone(),
        version: row.version,
    })
}

pub(crate) fn proposal<R: DeserializeOwned>(row: &revision::Model) -> Result<Proposal<R>, StoreError> {
    serde_json::from_value(row.payload.clone()).map_err(|e| StoreError::corrupt(format!("revision {}: {e}", row.id)))
}

fn json<T: Serialize>(value: &T) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(value).map_err(|e| StoreError::corrupt(format!("cannot encode a record: {e}")))
}

async fn insert_revision<R: Record>(
    db: &impl ConnectionTrait,
    actor: i64,
    head: &Head,
    before: Option<R>,
    after: &R,
) -> Result<i64, StoreError> {
    let saved = revision::ActiveModel {
        entity_type: Set(R::KIND.subject().as_str().to_owned()),
        entity_id: Set(Some(head.id)),
        organization_id: Set(Some(head.organization_id)),
        author_id: Set(Some(actor)),
        base_version: Set(Some(head.version)),
        payload: Set(json(&Proposal { before, after: after.clone() })?),
        status: Set(RevisionStatus::Pending.as_str().to_owned()),
        reviewer_id: Set(None),
        review_comment: Set(None),
        created_at: Set(Utc::now()),
        decided_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(saved.id)
}

/// Replaces a pending revision's proposal and bumps its version, so a moderator's decision
/// taken on what they read before is refused (412) instead of publishing unread text.
async fn rewrite<R: Serialize>(
    txn: &DatabaseTransaction,
    open: revision::Model,
    actor: i64,
    proposal: &Proposal<R>,
) -> Result<(), StoreError> {
    let version = open.version + 1;
    let mut row: revision::ActiveModel = open.into();
    row.payload = Set(json(proposal)?);
    row.author_id = Set(Some(actor));
    row.version = Set(version);
    row.update(txn).await?;
    Ok(())
}

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Saved {
    /// The new `If-Match` version.
    pub version: i32,
    /// The pending revision holding the change, when the record is published.
    pub revision: Option<i64>,
}

impl Store {
    /// The organization's records of one kind, stale ones first, then by name.
    pub async fn cabinet_records(&self, kind: Kind, organization: i64) -> Result<Vec<CabinetListItem>, StoreError> {
        let table = kind.table();
        let query = Query::select().column("id").from(table).and_where(Expr::col(kind.owner_column()).eq(organization)).take();
        let ids: Vec<i64> = self.db.query_all(&query).await?.iter().map(|r| r.try_get_by_index::<i64>(0)).collect::<Result<_, _>>()?;
        let today = Utc::now().date_naive();
        let mut items = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(head) = head(&self.db, kind, id).await? else { continue };
            if head.status == ModerationStatus::Archived {
                continue;
            }
            let latest = latest_revision(&self.db, kind, id).await?;
            let latest_status = latest.as_ref().map(|r| r.status.as_str());
            items.push(CabinetListItem {
                id,
                slug: head.slug,
                name: head.name,
                status: head.status,
                pending_revision: latest_status == Some(RevisionStatus::Pending.as_str()),
                rejected_revision: latest_status == Some(RevisionStatus::Rejected.as_str()),
                stale: kind.has_freshness() && head.status == ModerationStatus::Published && is_stale(head.last_verified, today),
                last_verified: head.last_verified,
            });
        }
        items.sort_by(|a, b| b.stale.cmp(&a.stale).then_with(|| a.name.cmp(&b.name)).then(a.id.cmp(&b.id)));
        Ok(items)
    }

    /// One record of the organization as its form shows it.
    pub async fn cabinet_record<R: Record>(&self, organization: i64, id: i64) -> Result<Editable<R>, StoreError> {
        let txn = self.db.begin().await?;
        let head = own_head(&txn, R::KIND, organization, id).await?;
        if head.status == ModerationStatus::Archived {
            return Err(StoreError::NotFound(R::KIND.label()));
        }
        let stored = R::load(&txn, id).await?;
        let open = open_revision(&txn, R::KIND, id).await?;
        let record = match &open {
            Some(row) if head.status == ModerationStatus::Published => proposal::<R>(row)?.after,
            _ => stored.clone(),
        };
        let changes = if head.status == ModerationStatus::Published { diff(Some(&stored), &record) } else { Vec::new() };
        let latest = latest_revision(&txn, R::KIND, id).await?;
        txn.commit().await?;
        let today = Utc::now().date_naive();
        Ok(Editable {
            id,
            slug: head.slug,
            status: head.status,
            version: head.edit_version,
            record,
            revision: latest.as_ref().map(summary).transpose()?,
            changes,
            stale: R::KIND.has_freshness() && head.status == ModerationStatus::Published && is_stale(head.last_verified, today),
            last_verified: head.last_verified,
        })
    }

    /// Creates a draft of the organization; returns its id.
    pub async fn create_record<R: Record>(&self, actor: i64, organization: i64, input: &R) -> Result<i64, StoreError> {
        let txn = self.write().await?;
        let id = create_in(&txn, actor, organization, input).await?;
        txn.commit().await?;
        Ok(id)
    }

    /// Saves the form over the record at `expected` version: a draft in place, a published
    /// record as a pending revision.
    pub async fn save_record<R: Record>(
        &self,
        actor: i64,
        organization: i64,
        id: i64,
        expected: i32,
        input: &R,
    ) -> Result<Saved, StoreError> {
        let txn = self.write().await?;
        let saved = save_in(&txn, actor, organization, id, expected, input).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Sends a draft to moderation; returns the revision's id.
    pub async fn submit_record<R: Record>(&self, actor: i64, organization: i64, id: i64) -> Result<i64, StoreError> {
        let txn = self.write().await?;
        let revision = submit_in::<R>(&txn, actor, organization, id).await?;
        txn.commit().await?;
        Ok(revision)
    }

    /// Withdraws a record: a draft is deleted, a published one archived (and leaves search at
    /// once); open revisions are withdrawn with it.
    pub async fn withdraw_record<R: Record>(&self, actor: i64, organization: i64, id: i64, expected: i32) -> Result<(), StoreError> {
        if R::KIND == Kind::Organization {
            return Err(StoreError::conflict("not_allowed", "Организацию снимает с публикации оператор: напишите модератору."));
        }
        let txn = self.write().await?;
        let head = own_head(&txn, R::KIND, organization, id).await?;
        if head.status == ModerationStatus::Archived {
            return Err(StoreError::NotFound(R::KIND.label()));
        }
        bump_edit(&txn, R::KIND, &head, expected).await?;
        let before = R::load(&txn, id).await?;
        revision::Entity::update_many()
            .col_expr(revision::Column::Status, Expr::value(RevisionStatus::Withdrawn.as_str()))
            .col_expr(revision::Column::DecidedAt, Expr::value(Some(Utc::now())))
            .filter(revision::Column::EntityType.eq(R::KIND.subject().as_str()))
            .filter(revision::Column::EntityId.eq(id))
            .filter(revision::Column::Status.eq(RevisionStatus::Pending.as_str()))
            .exec(&txn)
            .await?;
        let was_public = head.status == ModerationStatus::Published;
        if head.status == ModerationStatus::Draft {
            let delete = Query::delete().from_table(R::KIND.table()).and_where(Expr::col("id").eq(id)).take();
            txn.execute(&delete).await?;
        } else {
            set_status(&txn, R::KIND, id, ModerationStatus::Archived, true).await?;
        }
        audit(&txn, Actor::User(actor), "withdraw", R::KIND.subject().as_str(), id, serde_json::json!({ "before": before })).await?;
        if was_public {
            log_changes(&txn, &[(R::KIND.changed(), id)]).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// «Данные актуальны»: the partner confirms a published record is still true today.
    pub async fn confirm_record(&self, actor: i64, kind: Kind, organization: i64, id: i64) -> Result<NaiveDate, StoreError> {
        if !kind.has_freshness() {
            return Err(StoreError::NotFound(kind.label()));
        }
        let txn = self.write().await?;
        let head = own_head(&txn, kind, organization, id).await?;
        if head.status != ModerationStatus::Published {
            return Err(StoreError::conflict("not_published", "Подтвердить можно только опубликованную запись."));
        }
        let today = Utc::now().date_naive();
        let update = Query::update()
            .table(kind.table())
            .value("last_verified", today)
            .value("updated_at", Utc::now())
            .and_where(Expr::col("id").eq(id))
            .take();
        txn.execute(&update).await?;
        audit(
            &txn,
            Actor::User(actor),
            "confirm",
            kind.subject().as_str(),
            id,
            serde_json::json!({ "before": head.last_verified, "after": today }),
        )
        .await?;
        log_changes(&txn, &[(kind.changed(), id)]).await?;
        txn.commit().await?;
        Ok(today)
    }
}

/// The fold of a record's words kept for the catalogue's `q` filter.
pub(crate) fn search_text(parts: &[&str]) -> String {
    socio_domain::text::fold(&parts.join(" "))
}

/// Any of `ids` that is not among `known`, as a field error per position.
pub(crate) fn unknown<T: PartialEq + std::fmt::Display>(field: &str, label: &str, wanted: &[T], known: &[T]) -> Vec<FieldError> {
    wanted
        .iter()
        .enumerate()
        .filter(|(_, w)| !known.contains(w))
        .map(|(i, w)| FieldError::new(format!("{field}[{i}]"), "unknown_value", format!("«{label}»: значения «{w}» нет в справочнике.")))
        .collect()
}

/// A slug for a new record that no row of `table` has yet.
pub(crate) async fn free_slug(db: &impl ConnectionTrait, table: &'static str, title: &str, fallback: &str) -> Result<String, StoreError> {
    let base = socio_domain::Slug::from_title(title, fallback).to_string();
    for attempt in 0..20u32 {
        let candidate = if attempt == 0 { base.clone() } else { format!("{base}-{}", attempt + 1) };
        let query = Query::select().column("id").from(table).and_where(Expr::col("slug").eq(candidate.as_str())).take();
        if db.query_one(&query).await?.is_none() {
            return Ok(candidate);
        }
    }
    Ok(format!("{base}-{:x}", fastrand::u64(..)))
}

/// Creates a draft of the organization inside `txn`; returns its id.
pub(crate) async fn create_in<R: Record>(txn: &DatabaseTransaction, actor: i64, organization: i64, input: &R) -> Result<i64, StoreError> {
    let valid = input.validate().map_err(StoreError::Invalid)?;
    R::check(txn, organization, &valid).await?;
    let id = R::insert(txn, organization, &valid).await?;
    audit(txn, Actor::User(actor), "create_draft", R::KIND.subject().as_str(), id, serde_json::json!({ "after": input })).await?;
    Ok(id)
}

/// Saves the form over the record inside `txn` (see [`Store::save_record`]).
pub(crate) async fn save_in<R: Record>(
    txn: &DatabaseTransaction,
    actor: i64,
    organization: i64,
    id: i64,
    expected: i32,
    input: &R,
) -> Result<Saved, StoreError> {
    let head = own_head(txn, R::KIND, organization, id).await?;
    if head.status == ModerationStatus::Archived {
        return Err(StoreError::conflict("withdrawn", format!("{}: запись снята с публикации, её нельзя изменить.", R::KIND.label())));
    }
    let valid = input.validate().map_err(StoreError::Invalid)?;
    let version = bump_edit(txn, R::KIND, &head, expected).await?;
    R::check(txn, organization, &valid).await?;
    let revision = match head.status {
        ModerationStatus::Draft | ModerationStatus::Pending => {
            let before = R::load(txn, id).await?;
            R::write(txn, id, organization, &valid).await?;
            if let Some(open) = open_revision(txn, R::KIND, id).await? {
                // A first publication under review: the moderator sees the latest form, and a
                // decision taken on the earlier one is refused (the revision's version moves).
                rewrite(txn, open, actor, &Proposal::<R> { before: None, after: input.clone() }).await?;
            }
            audit(
                txn,
                Actor::User(actor),
                "edit_draft",
                R::KIND.subject().as_str(),
                id,
                serde_json::json!({ "before": before, "after": input }),
            )
            .await?;
            None
        }
        ModerationStatus::Published => {
            let stored = R::load(txn, id).await?;
            let revision = match open_revision(txn, R::KIND, id).await? {
                Some(open) => {
                    let revision_id = open.id;
                    rewrite(txn, open, actor, &Proposal { before: Some(stored), after: input.clone() }).await?;
                    revision_id
                }
                None => insert_revision(txn, actor, &head, Some(stored), input).await?,
            };
            Some(revision)
        }
        ModerationStatus::Archived => None,
    };
    Ok(Saved { version, revision })
}

/// Sends a draft to moderation inside `txn`; returns the revision's id.
pub(crate) async fn submit_in<R: Record>(txn: &DatabaseTransaction, actor: i64, organization: i64, id: i64) -> Result<i64, StoreError> {
    let head = own_head(txn, R::KIND, organization, id).await?;
    if head.status != ModerationStatus::Draft {
        let detail = match head.status {
            ModerationStatus::Pending => "Запись уже на модерации.".to_owned(),
            ModerationStatus::Published => "Запись уже опубликована: изменения отправляются на модерацию при сохранении.".to_owned(),
            _ => format!("{} снята с публикации.", R::KIND.label()),
        };
        return Err(StoreError::conflict("not_a_draft", detail));
    }
    let stored = R::load(txn, id).await?;
    let valid = stored.validate().map_err(StoreError::Invalid)?;
    R::check(txn, organization, &valid).await?;
    set_status(txn, R::KIND, id, ModerationStatus::Pending, false).await?;
    let revision = insert_revision::<R>(txn, actor, &head, None, &stored).await?;
    audit(txn, Actor::User(actor), "submit", R::KIND.subject().as_str(), id, serde_json::json!({ "revision": revision })).await?;
    Ok(revision)
}
