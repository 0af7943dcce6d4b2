//! Persistence of «Социальный кластер»: the database connection, the queries the API needs, and
//! the demo and synthetic datasets.
//!
//! Handlers never see sea-orm: every query here returns the domain's DTOs, so the contract stays
//! independent of the schema. Both backends (SQLite, PostgreSQL) go through the same code.

mod accounts;
mod audit;
mod authoring;
mod backoffice;
mod bench;
mod change_log;
mod connection;
mod editing;
pub mod entity;
mod error;
mod feed;
mod hsds;
mod links;
mod organizations;
mod quality;
mod reference;
mod reminders;
mod reports;
mod retention;
mod router;
pub mod seed;
mod services;
mod situations;
mod statistics;
mod unmet_searches;
mod usage;

pub use accounts::{Account, NewAccount, Refresh, RegistrationRequest, SessionLifetimes, TokenPurpose};
pub use audit::Actor;
pub use bench::FULLTEXT;
pub use change_log::{CHANGES_CHANNEL, ChangeListener, ChangeSet, Changed};
pub use connection::{PoolUsage, Store};
pub use editing::{Kind, Record, Saved, import::ImportReport, revisions::RevisionScope};
pub use error::StoreError;
pub use reference::PublicAddresses;
pub use reminders::StaleDigest;
pub use retention::Purged;
pub use sea_orm::DbBackend;
pub use usage::{SituationUse, SituationUses};

/// The moderation status under which records are public.
pub(crate) const PUBLISHED: &str = "published";
