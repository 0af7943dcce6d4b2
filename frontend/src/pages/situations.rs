use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use socio_domain::api::{PageRequest, SituationFilter, SituationQuery};
use socio_views::{SituationSteps, SituationTiles};

use super::{href_with, query_from_url};
use crate::{
    api::{Failure, client, embedded},
    components::{Title, loaded},
    state::use_state,
};

/// The life situations, filterable by whom they concern.
#[component]
pub fn SituationsPage() -> impl IntoView {
    let state = use_state();
    let navigate = use_navigate();
    let query = query_from_url::<SituationQuery>();
    let situations = LocalResource::new(move || {
        let raw = query();
        async move {
            let mut filter: SituationFilter = super::parse_filter(&raw)?;
            filter.page = PageRequest { page: 1, per_page: 100 };
            client().situations(&filter).await.map_err(Failure::from)
        }
    });
    let on_group = move |ev: leptos::ev::Event| {
        let value = Some(event_target_value(&ev)).filter(|v| !v.is_empty());
        navigate(&href_with("/situations", &SituationQuery { target_group: value, ..Default::default() }), Default::default());
    };
    view! {
        <Title text="Жизненные ситуации".to_string() />
        <p>"Выберите, что с вами случилось, — и получите пошаговый алгоритм действий."</p>
        <form class="filters" aria-label="Фильтры" on:submit=|ev| ev.prevent_default()>
            <div>
                <label for="s-group">"Кого касается"</label>
                <select id="s-group" on:change=on_group>
                    <option value="">"Всех"</option>
                    {move || state.target_groups.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|t| {
                        let is = query().target_group.as_deref() == Some(t.slug.as_str());
                        view! { <option value=t.slug selected=is>{t.name}</option> }
                    }).collect_view()}
                </select>
            </div>
        </form>
        {loaded(situations, |page| view! {
            <p id="result-count" class="count" role="status" aria-live="polite">{format!("Ситуаций: {}", page.total)}</p>
            <SituationTiles situations=page.items />
        })}
    }
}

/// One situation's algorithm: numbered steps with documents and where to get help.
#[component]
pub fn SituationPage() -> impl IntoView {
    let state = use_state();
    let params = use_params_map();
    let situation = LocalResource::new(move || {
        let slug = params.with(|p| p.get("slug").unwrap_or_default());
        async move {
            match embedded() {
                Some(situation) => Ok(situation),
                None => client().situation(&slug).await.map_err(Failure::from),
            }
        }
    });
    let title = Signal::derive(move || situation.get().and_then(Result::ok).map_or_else(|| "Жизненная ситуация".to_owned(), |s| s.title));
    view! {
        <Title text=title />
        {loaded(situation, move |s| {
            let city = state.city.get_untracked();
            view! {
                <SituationSteps situation=s city />
                <p class="no-print"><button type="button" class="secondary" on:click=|_| { let _ = window().print(); }>"Распечатать"</button></p>
            }
        })}
    }
}
