//! The change log: every write of a public record adds a row in the same transaction, and each
//! replica's search index reads the rows after the last sequence it applied.
//!
//! A sequence is only a safe cursor if rows become visible in sequence order. PostgreSQL hands
//! out sequence values at insert time, so a transaction holding value 10 may commit after one
//! holding 11, and a reader that already saw 11 would skip 10 for ever. Writers therefore take
//! a transaction-scoped advisory lock just before logging and hold it to commit: values are then
//! assigned in commit order. SQLite has one writer at a time and needs nothing.

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::{Store, StoreError, entity::change_log};

/// The advisory lock key that orders change-log writers on PostgreSQL.
const CHANGE_LOG_LOCK: i64 = 7_262_026_001;
/// The PostgreSQL channel told of every logged change (at commit), so replicas catch up at once
/// rather than at their next poll.
pub const CHANGES_CHANNEL: &str = "socio_changes";
/// Rows read per catch-up at most; the next round reads on.
const READ_LIMIT: u64 = 10_000;

/// What kind of record changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    Organization,
    Location,
    Service,
    Situation,
}

impl Changed {
    fn as_str(self) -> &'static str {
        match self {
            Changed::Organization => "organization",
            Changed::Location => "location",
            Changed::Service => "service",
            Changed::Situation => "situation",
        }
    }
}

/// Ids of the records that changed, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    pub organizations: BTreeSet<i64>,
    pub locations: BTreeSet<i64>,
    pub services: BTreeSet<i64>,
    pub situations: BTreeSet<i64>,
}

impl ChangeSet {
    pub fn is_empty(&self) -> bool {
        self.organizations.is_empty() && self.locations.is_empty() && self.services.is_empty() && self.situations.is_empty()
    }
}

/// Notices of logged changes on PostgreSQL, on a connection of its own.
pub struct ChangeListener(sea_orm::sqlx::postgres::PgListener);

impl ChangeListener {
    /// Listens on [`CHANGES_CHANNEL`] of the database at `url`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let runtime = |e: sea_orm::sqlx::Error| StoreError::Database(sea_orm::DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())));
        let mut listener = sea_orm::sqlx::postgres::PgListener::connect(url).await.map_err(runtime)?;
        listener.listen(CHANGES_CHANNEL).await.map_err(runtime)?;
        Ok(Self(listener))
    }

    /// Waits for the next notice; the ones already waiting count as the same one.
    pub async fn next(&mut self) -> Result<(), StoreError> {
        let runtime = |e: sea_orm::sqlx::Error| StoreError::Database(sea_orm::DbErr::Conn(sea_orm::RuntimeErr::SqlxError(e.into())));
        self.0.recv().await.map_err(runtime)?;
        while self.0.next_buffered().is_some() {}
        Ok(())
    }
}

/// Logs `changes` inside the caller's transaction; call it last, right before commit.
pub(crate) async fn log_changes(db: &impl ConnectionTrait, changes: &[(Changed, i64)]) -> Result<(), StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    if db.get_database_backend() == DbBackend::Postgres {
        // The notice is delivered when (and only if) the transaction commits.
        db.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({CHANGE_LOG_LOCK}); NOTIFY {CHANGES_CHANNEL}")).await?;
    }
    let now = Utc::now();
    let mut seen = BTreeSet::new();
    let rows: Vec<change_log::ActiveModel> = changes
        .iter()
        .filter(|(kind, id)| seen.insert((kind.as_str(), *id)))
        .map(|(kind, id)| change_log::ActiveModel {
            entity: Set(kind.as_str().to_owned()),
            entity_id: Set(*id),
            created_at: Set(now),
            ..Default::default()
        })
        .collect();
    for chunk in rows.chunks(1000) {
        change_log::Entity::insert_many(chunk.to_vec()).exec_without_returning(db).await?;
    }
    Ok(())
}

impl Store {
    /// The last sequence written (0 when the log is empty).
    pub async fn last_change(&self) -> Result<i64, StoreError> {
        let last: Option<i64> = change_log::Entity::find()
            .select_only()
            .column(change_log::Column::Seq)
            .order_by_desc(change_log::Column::Seq)
            .limit(1)
            .into_tuple()
            .one(&self.db)
            .await?;
        Ok(last.unwrap_or(0))
    }

    /// When the first change after `seq` was written, if there is one.
    pub async fn first_change_after(&self, seq: i64) -> Result<Option<chrono::DateTime<Utc>>, StoreError> {
        Ok(change_log::Entity::find()
            .select_only()
            .column(change_log::Column::CreatedAt)
            .filter(change_log::Column::Seq.gt(seq))
            .order_by_asc(change_log::Column::Seq)
            .limit(1)
            .into_tuple()
            .one(&self.db)
            .await?)
    }

    /// What changed after `seq`, and the last sequence read.
    pub async fn changes_after(&self, seq: i64) -> Result<(ChangeSet, i64), StoreError> {
        let rows: Vec<(i64, String, i64)> = change_log::Entity::find()
            .select_only()
            .column(change_log::Column::Seq)
            .column(change_log::Column::Entity)
            .column(change_log::Column::EntityId)
            .filter(change_log::Column::Seq.gt(seq))
            .order_by_asc(change_log::Column::Seq)
            .limit(READ_LIMIT)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut set = ChangeSet::default();
        let mut last = seq;
        for (seq, entity, id) in rows {
            last = seq;
            match entity.as_str() {
                "organization" => set.organizations.insert(id),
                "location" => set.locations.insert(id),
                "service" => set.services.insert(id),
                "situation" => set.situations.insert(id),
                other => return Err(StoreError::corrupt(format!("change log names an unknown kind «{other}»"))),
            };
        }
        Ok((set, last))
    }

    /// Logs changes made outside the store's write path (seeding, maintenance scripts), so
    /// every replica's index picks them up.
    pub async fn log_changes(&self, changes: &[(Changed, i64)]) -> Result<(), StoreError> {
        let txn = self.write().await?;
        log_changes(&txn, changes).await?;
        txn.commit().await?;
        Ok(())
    }
}
