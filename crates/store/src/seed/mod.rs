//! The demo dataset (`socio seed`) and the synthetic one for benchmarks (`--synthetic N`).
//!
//! The demo files are compiled in (`crates/store/seed/*.json`), parsed through the domain's
//! newtypes so a bad ИНН or phone fails the seed rather than reaching a citizen, and upserted by
//! slug in one transaction: running the seed twice leaves the same data.

mod demo;
mod files;
mod synthetic;

pub(crate) use demo::insert_links;
pub use demo::{seed_demo, seed_reference_data};
pub use files::DemoData;
pub use synthetic::seed_synthetic;
