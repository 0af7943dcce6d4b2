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
    /// The caller may not do this yet or at all (an unapproved organization's invitations);
    /// `code` is stable, `detail` Russian.
    #[error("refused: {code}")]
    Refused { code: &'static str, detail: String },
    /// A limit of this kind of action is used up for now; try again in `retry_after` seconds.
    #[error("limit reached: {code}")]
    Limited { code: &'static str, detail: String, retry_after: u64 },
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

    /// Is the database out of reach or overloaded (down, restarting, refusing connections, the
    /// pool exhausted, a statement cut off by the timeout, SQLite busy) rather than the
    /// request or the code at fault? Such failures pass: the API answers 503 and a retry later.
    pub fn is_unavailable(&self) -> bool {
        use sea_orm::{RuntimeErr, sqlx::Error};
        let StoreError::Database(error) = self else { return false };
        let runtime = match error {
            DbErr::ConnectionAcquire(_) => return true,
            DbErr::Conn(runtime) | DbErr::Exec(runtime) | DbErr::Query(runtime) => runtime,
            _ => return false,
        };
        let RuntimeErr::SqlxError(error) = runtime else { return false };
        match error.as_ref() {
            Error::Io(_) | Error::Tls(_) | Error::Protocol(_) | Error::PoolTimedOut | Error::PoolClosed | Error::WorkerCrashed => true,
            Error::Database(error) => error.code().is_some_and(|code| {
                // PostgreSQL: 08 connection exceptions, 53 insufficient resources, 57 operator
                // intervention (57014: the statement timeout; 57P01: the server shutting down).
                // SQLite: 5 busy, 6 locked and their extended codes.
                ["08", "53", "57"].iter().any(|class| code.starts_with(class))
                    || code.parse::<i32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6))
            }),
            _ => false,
        }
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
