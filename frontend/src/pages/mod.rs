//! One module per page; each page owns its requests and URL parameters.

mod centres;
mod home;
mod not_found;
mod organizations;
mod services;
mod situations;

pub use centres::CentresPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use organizations::{OrganizationPage, OrganizationsPage};
pub use services::{ServicePage, ServicesPage};
pub use situations::{SituationPage, SituationsPage};

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Serialize, de::DeserializeOwned};

/// The current URL's query, decoded into a raw query struct (unknown keys are dropped).
pub(crate) fn query_from_url<Q: DeserializeOwned + Default>() -> impl Fn() -> Q + Copy {
    let map = use_query_map();
    move || {
        let pairs: Vec<(String, String)> = map.with(|m| m.into_iter().map(|(k, v)| (k.to_string(), v.to_owned())).collect());
        let known: serde_json::Map<String, serde_json::Value> =
            pairs.into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (k, serde_json::Value::String(v))).collect();
        let mut value = serde_json::Value::Object(known);
        // Drop keys the page does not know, one at a time, so a stray parameter never blanks the page.
        loop {
            match serde_json::from_value::<Q>(value.clone()) {
                Ok(query) => return query,
                Err(e) => {
                    let message = e.to_string();
                    let unknown = message.split('`').nth(1).map(str::to_owned);
                    let removed = match (unknown, value.as_object_mut()) {
                        (Some(key), Some(object)) => object.remove(&key).is_some(),
                        _ => false,
                    };
                    if !removed {
                        return Q::default();
                    }
                }
            }
        }
    }
}

/// `path?query` from a raw query struct (empty values left out).
pub(crate) fn href_with<Q: Serialize>(path: &str, query: &Q) -> String {
    match serde_urlencoded::to_string(query) {
        Ok(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    }
}
