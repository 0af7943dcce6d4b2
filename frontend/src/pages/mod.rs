//! One module per page; each page owns its requests and URL parameters.

mod centres;
mod help;
mod home;
mod not_found;
mod organizations;
mod route;
mod services;
mod situations;

pub use centres::CentresPage;
pub use help::HelpPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use organizations::{OrganizationPage, OrganizationsPage};
pub use route::RoutePage;
pub use services::{ServicePage, ServicesPage};
pub use situations::{SituationPage, SituationsPage};

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Serialize, de::DeserializeOwned};

/// The current URL's query, decoded into a raw query struct. Unknown keys are dropped one by
/// one, so a stray parameter in a shared link never blanks the page.
pub(crate) fn query_from_url<Q: DeserializeOwned + Default>() -> impl Fn() -> Q + Copy {
    let map = use_query_map();
    move || {
        let mut pairs: Vec<(String, String)> =
            map.with(|m| m.into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (k.to_string(), v.to_owned())).collect());
        loop {
            let encoded = serde_urlencoded::to_string(&pairs).unwrap_or_default();
            match serde_urlencoded::from_str::<Q>(&encoded) {
                Ok(query) => return query,
                Err(e) => {
                    let message = e.to_string();
                    let unknown = message.split('`').nth(1).unwrap_or_default().to_owned();
                    let before = pairs.len();
                    pairs.retain(|(k, _)| *k != unknown);
                    if pairs.len() == before {
                        return Q::default();
                    }
                }
            }
        }
    }
}

/// Parses a page's raw query into its filter, or a failure that names every bad parameter.
pub(crate) fn parse_filter<'a, R, F>(raw: &'a R) -> Result<F, crate::api::Failure>
where
    F: TryFrom<&'a R, Error = Vec<socio_domain::api::FieldError>>,
{
    F::try_from(raw).map_err(|errors| crate::api::Failure {
        status: Some(400),
        message: errors.into_iter().map(|e| e.detail).collect::<Vec<_>>().join(" "),
    })
}

/// `path?query` from a raw query struct (empty values left out).
pub(crate) fn href_with<Q: Serialize>(path: &str, query: &Q) -> String {
    match serde_urlencoded::to_string(query) {
        Ok(q) if !q.is_empty() => format!("{path}?{q}"),
        _ => path.to_owned(),
    }
}
