use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use socio_domain::wording;
use socio_domain::{
    api::{OrganizationFilter, OrganizationQuery, ReportSubject},
    vocabulary::{OrganizationKind, Sector},
};

use socio_views::{OrganizationDetails, OrganizationItem};

use super::{href_with, query_from_url, services::ReportForm};
use crate::{
    api::{Failure, client, embedded},
    components::{FilterSelect, Pager, Title, loaded},
    state::use_state,
};

/// The directory of organizations, filtered by city, kind and sector.
#[component]
pub fn OrganizationsPage() -> impl IntoView {
    let state = use_state();
    let navigate = use_navigate();
    let query = query_from_url::<OrganizationQuery>();
    let organizations = LocalResource::new(move || {
        let raw = query();
        async move {
            let filter: OrganizationFilter = super::parse_filter(&raw)?;
            client().organizations(&filter).await.map_err(Failure::from)
        }
    });
    let navigate = StoredValue::new_local(navigate);
    let set = move |apply: fn(&mut OrganizationQuery, Option<String>)| {
        Callback::new(move |value: Option<String>| {
            let mut next = query();
            apply(&mut next, value);
            next.page = None;
            navigate.with_value(|n| n(&href_with("/organizations", &next), Default::default()));
        })
    };
    let cities = Signal::derive(move || {
        state.municipalities.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|m| (m.slug, m.name)).collect()
    });
    let kinds: Vec<(String, String)> = OrganizationKind::ALL.iter().map(|k| (k.as_str().to_owned(), k.label().to_owned())).collect();
    let sectors: Vec<(String, String)> = Sector::ALL.iter().map(|k| (k.as_str().to_owned(), k.label().to_owned())).collect();
    view! {
        <Title text="Организации".to_string() />
        <form class="filters" aria-label="Фильтры" on:submit=|ev| ev.prevent_default()>
            <FilterSelect id="o-municipality" label="Город" any="Все города" options=cities
                selected=Signal::derive(move || query().municipality) on_change=set(|q, v| q.municipality = v) />
            <FilterSelect id="o-kind" label="Вид организации" any="Любой" options=Signal::derive(move || kinds.clone())
                selected=Signal::derive(move || query().kind) on_change=set(|q, v| q.kind = v) />
            <FilterSelect id="o-sector" label="Сфера" any="Любая" options=Signal::derive(move || sectors.clone())
                selected=Signal::derive(move || query().sector) on_change=set(|q, v| q.sector = v) />
        </form>
        {loaded(organizations, move |page| {
            let raw = query();
            let href = Callback::new(move |n: u32| href_with("/organizations", &OrganizationQuery { page: Some(n.to_string()), ..raw.clone() }));
            view! {
                <p id="result-count" class="count" role="status" aria-live="polite">
                    {format!("Найдено: {}", wording::plural(page.total, "организация", "организации", "организаций"))}
                </p>
                {page.items.is_empty().then(|| view! {
                    <p class="panel">"Ничего не нашлось. Выберите «Все города» или другой вид организации."</p>
                })}
                <ul class="results">
                    {page.items.into_iter().map(|o| view! { <OrganizationItem organization=o /> }).collect_view()}
                </ul>
                <Pager page=page.page pages=page.pages href />
            }
        })}
    }
}

/// One organization: what it does, contacts, addresses, services.
#[component]
pub fn OrganizationPage() -> impl IntoView {
    let params = use_params_map();
    let organization = LocalResource::new(move || {
        let slug = params.with(|p| p.get("slug").unwrap_or_default());
        async move {
            match embedded() {
                Some(organization) => Ok(organization),
                None => client().organization(&slug).await.map_err(Failure::from),
            }
        }
    });
    let title = Signal::derive(move || {
        organization.get().and_then(Result::ok).map_or_else(|| "Организация".to_owned(), |o| o.short_name.unwrap_or(o.name))
    });
    view! {
        <Title text=title />
        {loaded(organization, |o| {
            let slug = o.slug.clone();
            view! { <OrganizationDetails organization=o /> <ReportForm subject=ReportSubject::Organization slug /> }
        })}
    }
}
