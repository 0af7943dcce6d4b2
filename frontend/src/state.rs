//! App-wide state: the chosen city and the low-vision switch (both remembered in this browser
//! only), and the reference data every page needs, fetched once.

use leptos::prelude::*;
use socio_domain::api::{CategoryGroup, Meta, Municipality, TargetGroup};

use crate::api::{Fetched, client};

const CITY_KEY: &str = "socio.city";
const LOW_VISION_KEY: &str = "socio.low_vision";

/// Shared state, provided as context by [`crate::App`].
#[derive(Clone, Copy)]
pub struct AppState {
    /// The person's city (slug), remembered locally.
    pub city: RwSignal<Option<String>>,
    /// «Версия для слабовидящих», remembered locally.
    pub low_vision: RwSignal<bool>,
    pub meta: LocalResource<Fetched<Meta>>,
    pub municipalities: LocalResource<Fetched<Vec<Municipality>>>,
    pub categories: LocalResource<Fetched<Vec<CategoryGroup>>>,
    pub target_groups: LocalResource<Fetched<Vec<TargetGroup>>>,
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn remembered(key: &str) -> Option<String> {
    storage().and_then(|s| s.get_item(key).ok().flatten())
}

fn remember(key: &str, value: Option<&str>) {
    if let Some(storage) = storage() {
        let _ = match value {
            Some(value) => storage.set_item(key, value),
            None => storage.remove_item(key),
        };
    }
}

impl AppState {
    /// Loads what was remembered and starts fetching the reference data.
    pub fn new() -> Self {
        let state = Self {
            city: RwSignal::new(remembered(CITY_KEY).filter(|c| !c.is_empty())),
            low_vision: RwSignal::new(remembered(LOW_VISION_KEY).is_some_and(|v| v == "1")),
            meta: LocalResource::new(|| async { client().meta().await.map_err(Into::into) }),
            municipalities: LocalResource::new(|| async { client().municipalities().await.map_err(Into::into) }),
            categories: LocalResource::new(|| async { client().categories().await.map_err(Into::into) }),
            target_groups: LocalResource::new(|| async { client().target_groups().await.map_err(Into::into) }),
        };
        Effect::new(move |_| remember(CITY_KEY, state.city.get().as_deref()));
        Effect::new(move |_| {
            let on = state.low_vision.get();
            remember(LOW_VISION_KEY, on.then_some("1"));
            if let Some(root) = document().document_element() {
                let _ = if on { root.class_list().add_1("low-vision") } else { root.class_list().remove_1("low-vision") };
            }
        });
        state
    }
}

/// The state provided by the app.
pub fn use_state() -> AppState {
    use_context::<AppState>().unwrap_or_else(AppState::new)
}
