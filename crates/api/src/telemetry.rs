//! Structured logging with `tracing`.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Installs the global subscriber (once; later calls are ignored, which suits tests).
pub fn init(filter: &str, json: bool) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new(crate::settings::DEFAULT_LOG));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = if json { registry.with(fmt::layer().json()).try_init() } else { registry.with(fmt::layer().with_target(false)).try_init() };
}
