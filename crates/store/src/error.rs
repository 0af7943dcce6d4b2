//! What can go wrong in the store, in terms the API can map to responses.

use sea_orm::DbErr;

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
}

impl StoreError {
    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        Self::Corrupt(what.to_string())
    }
}

/// Parses a stored vocabulary value, reporting corruption instead of panicking.
pub(crate) fn parse_stored<T: std::str::FromStr>(value: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|e: T::Err| StoreError::corrupt(e))
}
