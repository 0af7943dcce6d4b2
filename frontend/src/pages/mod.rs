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
use serde::de::DeserializeOwned;

/// The current URL's query, decoded into a raw query struct (see [`socio_views::query_from_pairs`]).
pub(crate) fn query_from_url<Q: DeserializeOwned + Default>() -> impl Fn() -> Q + Copy {
    let map = use_query_map();
    move || socio_views::query_from_pairs(map.with(|m| m.into_iter().map(|(k, v)| (k.to_string(), v.to_owned())).collect()))
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

pub(crate) use socio_views::href_with;
