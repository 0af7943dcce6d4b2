//! The directory as Open Referral HSDS 3.0 describes one, so that other directories, 211-style
//! referral systems and researchers read it with no integration of their own.
//!
//! Pure: the API hands in what the store read and serves what comes out. The shapes follow the
//! schemas in `schema/` (checked by the API's tests); where the specification is ambiguous, the
//! choice made is written next to the code and in `docs/design/hsds-plan.md`.

pub mod ids;
pub mod import;
pub mod mapping;
pub mod model;
pub mod page;
pub mod query;
pub mod records;
pub mod tabular;
pub mod taxonomy;
pub mod template;
pub mod uri;

/// The HSDS version these shapes follow.
pub const VERSION: &str = "3.0";
