//! What can go wrong in the store, in terms the API can map to responses.

use sea_orm::DbErr;
use socio_domain::api::FieldError;

/// A store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed or is unreachable.
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    /// A filter names a record that does not exist (or is not public).
    #[error("unknown {field}: {value}")]
    UnknownValue { field: &'static str, value: String },
    /// A stored value does not parse into the domain (a bug or a manual edit).
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// The seed dataset is invalid.
    #[error("seed data is invalid: {0}")]
    Seed(String),
    /// No such record in the caller's reach (another organization's records are "not found").
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The record changed since the caller read it (`If-Match` names an older version).
    #[error("version {expected} is stale; the record is at {current}")]
    StaleVersion { expected: i32, current: i32 },
    /// The action does not fit the record's state (approving a decided revision, editing a
    /// withdrawn record); `code` is stable, `detail` Russian.
    #[error("conflict: {code}")]
    Conflict { code: &'static str, detail: String },
    /// Values that parse but do not fit the data (an unknown category, another organization's
    /// address, an e-mail already registered).
    #[error("invalid values")]
    Invalid(Vec<FieldError>),
}

impl StoreError {
    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        Self::Corrupt(what.to_string())
    }

    pub(crate) fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict { code, detail: detail.into() }
    }

    pub(crate) fn invalid(field: impl Into<String>, code: &str, detail: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError::new(field, code, detail)])
    }

    /// Is this a unique-key violation (a concurrent insert of the same key)?
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Database(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))))
    }
}

/// Parses a stored vocabulary value, reporting corruption instead of panicking.
pub(crate) fn parse_stored<T: std::str::FromStr>(value: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|e: T::Err| StoreError::corrupt(e))
}
