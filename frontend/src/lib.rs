//! The citizens' single-page app of «Социальный кластер» (Leptos, client-side rendering).
//!
//! Talks to the server only through `socio-client` and the `socio-domain` DTOs, so the browser
//! and the API share one contract. Everything a person reads is Russian; everything is usable
//! with a keyboard and a screen reader, and the low-vision mode is one switch away.

mod api;
mod app;
mod cabinet;
mod components;
mod pages;
mod state;

pub use app::{App, RouteApp};
pub use cabinet::{BackofficeApp, CabinetApp};
