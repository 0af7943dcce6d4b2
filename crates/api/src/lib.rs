//! The «Социальный кластер» HTTP API: actix-web routes under `/api/v1`, problem+json errors,
//! the generated OpenAPI document and its offline Swagger UI.
//!
//! `main.rs` is a thin CLI over this library so integration tests boot the very same app on a
//! random port ([`startup::Application`]).

pub mod assets;
pub mod auth;
pub mod catalogue;
pub mod cli;
pub mod cpu;
pub mod error;
pub mod export;
pub mod http;
pub mod imports;
pub mod indexing;
pub mod mail;
pub mod metrics;
pub mod openapi;
pub mod page_headers;
pub mod pages;
pub mod rate_limit;
pub mod reminders;
pub mod retention;
pub mod routes;
pub mod settings;
pub mod startup;
pub mod telemetry;
pub mod views;

pub use error::ApiError;
pub use settings::Settings;
pub use startup::Application;
