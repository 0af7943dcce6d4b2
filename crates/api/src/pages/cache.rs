//! Rendered pages by address, valid for one state of the data: the change log's last position.
//! Reference data that is not in the change log (cities, centres) is re-read after a minute.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use actix_web::{http::StatusCode, web::Bytes};

/// How many pages are kept; past that the oldest state is dropped whole.
const CAPACITY: usize = 4096;
/// How long a page may be served without looking at the reference data again.
const FRESH_FOR: Duration = Duration::from_secs(60);

/// A rendered page: status, body, ETag, and the service whose view it counts (if any).
pub type Rendered = (StatusCode, Bytes, String, Option<i64>);

/// Pages of the current state of the data.
#[derive(Default)]
pub struct PageCache {
    /// Off for benchmarks of the rendering.
    disabled: bool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    version: i64,
    pages: HashMap<String, (Instant, Rendered)>,
}

impl PageCache {
    /// A cache, or with `enabled` false one that keeps nothing.
    pub fn new(enabled: bool) -> Self {
        Self { disabled: !enabled, state: Mutex::default() }
    }

    /// The page at `key` drawn at `version`, if still fresh.
    pub fn get(&self, key: &str, version: i64) -> Option<Rendered> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if self.disabled || state.version != version {
            return None;
        }
        state.pages.get(key).filter(|(at, _)| at.elapsed() < FRESH_FOR).map(|(_, page)| page.clone())
    }

    /// Forgets every page (they were drawn into a build's document that has changed).
    pub fn clear(&self) {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).pages.clear();
    }

    /// Keeps `page` for `key` at `version`; a newer version drops every older page.
    pub fn put(&self, key: String, version: i64, page: Rendered) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if self.disabled || version < state.version {
            return;
        }
        if version > state.version || state.pages.len() >= CAPACITY {
            state.pages.clear();
            state.version = version;
        }
        state.pages.insert(key, (Instant::now(), page));
    }
}
