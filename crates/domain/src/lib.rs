//! The pure domain of «Социальный кластер».
//!
//! Everything here is plain data and rules: no IO, no database, no HTTP. The same crate builds
//! for the server and for wasm32, so the SPA, the typed client and the API share one contract
//! (the DTOs in [`api`]) and one set of parsers (the newtypes below). OpenAPI schema derives sit
//! behind the `openapi` feature, which only the server enables.

pub mod account;
pub mod api;
pub mod feed;
pub mod form;
pub mod geo;
pub mod hours;
pub mod identifiers;
pub mod phone;
pub mod revision;
pub mod router;
#[cfg(feature = "openapi")]
pub mod schema;
pub mod situation;
pub mod slug;
pub mod text;
pub mod vocabulary;
pub mod web;
pub mod wording;

pub use geo::Coordinates;
pub use hours::{OpeningHours, OpeningInterval};
pub use identifiers::{Inn, Ogrn};
pub use phone::Phone;
pub use slug::IdOrSlug;
pub use slug::Slug;
