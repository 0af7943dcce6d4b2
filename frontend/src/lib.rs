//! The citizens' single-page app of «Социальный кластер» (Leptos, client-side rendering).
//!
//! Talks to the server only through `socio-client` and the `socio-domain` DTOs, so the browser
//! and the API share one contract. Everything a person reads is Russian; everything is usable
//! with a keyboard and a screen reader, and the low-vision mode is one switch away.

mod api;
mod app;
mod cabinet;
mod components;
mod offline;
mod pages;
mod state;

pub use app::{App, RouteApp};
pub use cabinet::{BackofficeApp, CabinetApp};

/// Mounts `app` in place of the page the server drew (`#ssr`): the person reads that page while
/// the wasm loads, and the app, starting from the same record, draws the same first screen.
pub fn mount<F, N>(app: F)
where
    F: FnOnce() -> N + 'static,
    N: leptos::prelude::IntoView,
{
    if let Some(drawn) = leptos::prelude::document().get_element_by_id("ssr") {
        drawn.remove();
    }
    offline::register();
    leptos::mount::mount_to_body(app);
}
