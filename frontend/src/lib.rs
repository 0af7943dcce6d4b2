//! The citizens' and partners' single-page app (Leptos, client-side rendering, built by trunk).
//!
//! A placeholder until the SPA issue: it already depends only on `domain` (and will on `client`),
//! never on the server crates.
