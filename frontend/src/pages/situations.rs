use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use socio_domain::api::{PageRequest, ServiceQuery, SituationFilter, SituationQuery};

use super::{href_with, query_from_url};
use crate::{
    api::{Failure, client},
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
            <ul class="tiles">
                {page.items.into_iter().map(|s| view! {
                    <li><a class="tile" href=format!("/situations/{}", s.slug)><strong>{s.title}</strong>{s.summary}</a></li>
                }).collect_view()}
            </ul>
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
        async move { client().situation(&slug).await.map_err(Failure::from) }
    });
    let title = Signal::derive(move || situation.get().and_then(Result::ok).map_or_else(|| "Жизненная ситуация".to_owned(), |s| s.title));
    view! {
        <Title text=title />
        {loaded(situation, move |s| {
            let city = state.city.get_untracked();
            view! {
                <p class="lead">{s.summary.clone()}</p>
                <p>{s.description.clone()}</p>
                <div class="panel no-print">
                    <p>{format!("Ответьте на {} — и получите свой маршрут: только нужные вам шаги и организации вашего города.", socio_domain::wording::plural(s.questions.len() as u64, "вопрос", "вопроса", "вопросов"))}</p>
                    // rel=external: the wizard is a page of its own, loaded from the server.
                    <p><a class="button" id="start-route" rel="external" href=format!("/situations/{}/route", s.slug)>"Построить маршрут"</a></p>
                </div>
                <h2>"Что делать по шагам"</h2>
                <ol class="steps">
                    {s.steps.iter().map(|step| {
                        let where_to_go = step.categories.first().map(|c| href_with("/services", &ServiceQuery { category: Some(c.clone()), municipality: city.clone(), ..Default::default() }));
                        view! {
                            <li>
                                <h3>{step.title.clone()}</h3>
                                {step.condition.is_some().then(|| view! { <p class="hint">"Этот шаг нужен не всем: зависит от ваших обстоятельств."</p> })}
                                <p>{step.body.clone()}</p>
                                {(!step.documents.is_empty()).then(|| view! {
                                    <p><strong>"Документы:"</strong></p>
                                    <ul class="docs">{step.documents.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ul>
                                })}
                                {step.deadline.clone().map(|d| view! { <p><strong>"Срок: "</strong>{d}</p> })}
                                {where_to_go.map(|href| view! { <p><a href=href>"Где помогут с этим шагом"</a></p> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
                {(!s.related.is_empty()).then(|| view! {
                    <h2>"Связанные ситуации"</h2>
                    <ul>{s.related.iter().map(|r| view! { <li><a href=format!("/situations/{}", r.slug)>{r.title.clone()}</a></li> }).collect_view()}</ul>
                })}
                <p class="no-print"><button type="button" class="secondary" on:click=|_| { let _ = window().print(); }>"Распечатать"</button></p>
            }
        })}
    }
}
