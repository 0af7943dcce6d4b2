use leptos::leptos_dom::helpers::TimeoutHandle;
use leptos::prelude::*;
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_params_map},
};
use socio_domain::wording;
use socio_domain::{
    api::{FacetValue, Facets, MAX_QUERY_WORDS, NewReport, ReportProblem, ReportSubject, SearchQuery},
    vocabulary::{Cost, ServiceFormat},
};

use socio_views::ServiceDetails;

use super::{href_with, query_from_url};
use crate::{
    api::{Failure, client, embedded},
    components::{Completions, FilterSelect, Pager, ServiceCard, Title, loaded},
    state::use_state,
};

/// Labels a facet value with its count: «Первоуральск — 12».
fn counted(values: &[FacetValue]) -> Vec<(String, String)> {
    values.iter().map(|v| (v.value.clone(), format!("{} — {}", v.name, v.count))).collect()
}

/// The catalogue and search: words and filters in the URL, results as you type, facet counts
/// in every filter, advice when nothing matches.
#[component]
pub fn ServicesPage() -> impl IntoView {
    let state = use_state();
    let navigate = use_navigate();
    let query = query_from_url::<SearchQuery>();
    let results = LocalResource::new(move || {
        let raw = query();
        async move { client().search_query(&raw).await.map_err(Failure::from) }
    });
    // The last answer's facets and count stay on screen while the next one loads. The count is
    // one live region that lives as long as the page, so screen readers announce each new total.
    let facets = RwSignal::new(None::<Facets>);
    Effect::new(move |_| {
        if let Some(Ok(found)) = results.get() {
            facets.set(Some(found.facets));
        }
    });
    let go = move |next: &SearchQuery, replace: bool| {
        navigate(&href_with("/services", next), NavigateOptions { replace, scroll: !replace, ..Default::default() });
    };
    let go = StoredValue::new_local(go);
    let set = move |apply: &dyn Fn(&mut SearchQuery)| {
        let mut next = query();
        apply(&mut next);
        next.page = None;
        go.with_value(|go| go(&next, false));
    };
    let set = StoredValue::new_local(set);
    let pick = move |apply: fn(&mut SearchQuery, Option<String>)| {
        Callback::new(move |value: Option<String>| set.with_value(|set| set(&|q: &mut SearchQuery| apply(q, value.clone()))))
    };

    // Results as you type: the words go to the URL 400 ms after the last key press. The box
    // follows the URL too (a spelling suggestion, «Сбросить», the Back button), and a city
    // chosen in the catalogue is remembered like one chosen in the header.
    let (text, set_text) = signal(query().q.unwrap_or_default());
    Effect::new(move |_| {
        let SearchQuery { q, municipality, .. } = query();
        let words = q.unwrap_or_default();
        if words.trim() != text.get_untracked().trim() {
            set_text.set(words);
        }
        if let Some(city) = municipality {
            state.city.set(Some(city));
        }
    });
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    let typed = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        set_text.set(value.clone());
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
        let handle = set_timeout_with_handle(
            move || {
                // A link followed while typing has disposed of the page: then nothing happens.
                go.try_with_value(|go| {
                    let words = Some(value.trim().to_owned()).filter(|v| !v.is_empty());
                    if words != query().q {
                        let mut next = query();
                        next.q = words;
                        next.page = None;
                        go(&next, true);
                    }
                });
            },
            std::time::Duration::from_millis(400),
        )
        .ok();
        pending.set_value(handle);
    };
    let submit_text = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = Some(text.get_untracked()).filter(|v| !v.trim().is_empty());
        set.with_value(|set| set(&|q: &mut SearchQuery| q.q = value.clone()));
    };

    let reference = move |facet: fn(&Facets) -> &Vec<FacetValue>, fallback: Vec<(String, String)>| {
        facets.with(|f| f.as_ref().map(|f| counted(facet(f)))).unwrap_or(fallback)
    };
    let cities = Signal::derive(move || {
        let fallback = state.municipalities.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|m| (m.slug, m.name)).collect();
        reference(|f| &f.municipality, fallback)
    });
    let groups = Signal::derive(move || {
        let fallback = state.target_groups.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|t| (t.slug, t.name)).collect();
        reference(|f| &f.target_group, fallback)
    });
    let formats = Signal::derive(move || {
        reference(|f| &f.format, ServiceFormat::ALL.iter().map(|f| (f.as_str().to_owned(), f.label().to_owned())).collect())
    });
    let costs =
        Signal::derive(move || reference(|f| &f.cost, Cost::ALL.iter().map(|c| (c.as_str().to_owned(), c.label().to_owned())).collect()));
    let ages = Signal::derive(move || reference(|f| &f.age, Vec::new()));
    let orders = Signal::derive(move || {
        let mut orders = vec![("fresh".to_owned(), "Недавно проверенные".to_owned())];
        if query().municipality.is_some() {
            orders.insert(0, ("distance".to_owned(), "Ближе к центру города".to_owned()));
        }
        orders
    });

    // On a phone the filters fold behind «Фильтры (2)», so that the count and the results come
    // first; on a wide screen the button is not shown and the filters always are.
    let filters_open = RwSignal::new(false);
    let chosen = move || {
        let q = query();
        [q.municipality.is_some(), q.category.is_some(), q.target_group.is_some(), q.format.is_some(), q.cost.is_some(), q.age.is_some()]
            .into_iter()
            .filter(|on| *on)
            .count()
    };
    // «Сбросить» keeps the words: it takes the filters away, not the search.
    let reset = move || href_with("/services", &SearchQuery { q: query().q, ..SearchQuery::default() });

    view! {
        <Title text="Услуги".to_string() />
        <form class="search-box" role="search" on:submit=submit_text>
            <label for="services-q" class="visually-hidden">"Поиск услуг"</label>
            <input id="services-q" type="search" list="search-completions" autocomplete="off"
                placeholder="Например: пособие многодетным, ТСР, логопед"
                prop:value=text on:input=typed />
            <Completions id="search-completions" typed=text />
            <button type="submit">"Найти"</button>
        </form>
        <p class="hint">"Результаты обновляются по мере ввода. Понимаем окончания, опечатки и сокращения (ОВЗ, ТСР, МСЭ)."</p>
        <button type="button" class="secondary filters-toggle" aria-controls="filters" aria-expanded=move || filters_open.get().to_string()
            on:click=move |_| filters_open.update(|o| *o = !*o)>
            {move || match chosen() { 0 => "Фильтры".to_owned(), n => format!("Фильтры ({n})") }}
        </button>
        <form id="filters" class="filters" class:open=filters_open aria-label="Фильтры" on:submit=|ev| ev.prevent_default()>
            <FilterSelect id="f-municipality" label="Город" any="Все города" options=cities
                selected=Signal::derive(move || query().municipality) on_change=pick(|q, v| { q.municipality = v; if q.municipality.is_none() && q.sort.as_deref() == Some("distance") { q.sort = None; } }) />
            <div>
                <label for="f-category">"Тема"</label>
                <select id="f-category" on:change=move |ev| {
                    let value = Some(event_target_value(&ev)).filter(|v| !v.is_empty());
                    set.with_value(|set| set(&|q: &mut SearchQuery| q.category = value.clone()));
                }>
                    <option value="">"Все темы"</option>
                    {move || {
                        let current = query().category;
                        let values = facets.with(|f| f.as_ref().map(|f| f.category.clone())).unwrap_or_default();
                        values.iter().filter(|g| g.parent.is_none()).map(|g| {
                            let children: Vec<FacetValue> = values.iter().filter(|c| c.parent.as_deref() == Some(g.value.as_str())).cloned().collect();
                            let group_selected = current.as_deref() == Some(g.value.as_str());
                            view! {
                                <optgroup label=g.name.clone()>
                                    <option value=g.value.clone() selected=group_selected>{format!("{} — все — {}", g.name, g.count)}</option>
                                    {children.into_iter().map(|c| {
                                        let is = current.as_deref() == Some(c.value.as_str());
                                        view! { <option value=c.value selected=is>{format!("{} — {}", c.name, c.count)}</option> }
                                    }).collect_view()}
                                </optgroup>
                            }
                        }).collect_view()
                    }}
                </select>
            </div>
            <FilterSelect id="f-target-group" label="Кому" any="Всем" options=groups
                selected=Signal::derive(move || query().target_group) on_change=pick(|q, v| q.target_group = v) />
            <FilterSelect id="f-format" label="Как получить" any="Любым способом" options=formats
                selected=Signal::derive(move || query().format) on_change=pick(|q, v| q.format = v) />
            <FilterSelect id="f-cost" label="Стоимость" any="Любая" options=costs
                selected=Signal::derive(move || query().cost) on_change=pick(|q, v| q.cost = v) />
            <FilterSelect id="f-age" label="Возраст получателя" any="Любой" options=ages
                selected=Signal::derive(move || query().age) on_change=pick(|q, v| q.age = v) />
            <FilterSelect id="f-sort" label="Порядок" any="Сначала самые подходящие" options=orders
                selected=Signal::derive(move || query().sort) on_change=pick(|q, v| q.sort = v) />
            <div class="filter-actions">
                <button type="button" class="show-results" on:click=move |_| {
                    filters_open.set(false);
                    if let Some(count) = document().get_element_by_id("result-count") {
                        count.scroll_into_view();
                    }
                }>
                    {move || results.get().and_then(Result::ok).map_or_else(|| "Показать услуги".to_owned(), |f| format!("Показать {}", wording::plural(f.total, "услугу", "услуги", "услуг")))}
                </button>
                <a href=reset>"Сбросить все фильтры"</a>
            </div>
        </form>
        <p id="result-count" class="count" role="status" aria-live="polite">
            {move || results.get().and_then(Result::ok).map(|f| format!("Найдено: {}", wording::plural(f.total, "услуга", "услуги", "услуг"))).unwrap_or_default()}
        </p>
        {loaded(results, move |found| {
            let raw = query();
            let href = {
                let raw = raw.clone();
                Callback::new(move |n: u32| href_with("/services", &SearchQuery { page: Some(n.to_string()), ..raw.clone() }))
            };
            let spelling = found.advice.spelling.clone().map(|better| {
                let link = href_with("/services", &SearchQuery { q: Some(better.clone()), page: None, ..raw.clone() });
                view! { <p class="panel">"Возможно, вы имели в виду: " <a id="spelling" href=link>{better}</a></p> }
            });
            let ignored = (!found.advice.ignored_words.is_empty()).then(|| {
                let words = found.advice.ignored_words.join(", ");
                view! { <p class="hint" id="ignored-words">{format!("Учтены первые {MAX_QUERY_WORDS} разных слов запроса; не учтены: {words}.")}</p> }
            });
            let nearby: Vec<_> = found.advice.nearby.iter().map(|c| {
                let link = href_with("/services", &SearchQuery { municipality: Some(c.municipality.slug.clone()), page: None, sort: None, ..raw.clone() });
                let text = format!("{} — {} ({})", c.municipality.name, wording::plural(c.count, "услуга", "услуги", "услуг"), wording::distance(c.distance_km));
                view! { <li><a href=link>{text}</a></li> }
            }).collect();
            let situations: Vec<_> = found.situations.iter().map(|s| s.situation.clone()).collect();
            view! {
                {(!found.all_words).then(|| view! { <p class="hint">"Услуг со всеми словами запроса нет — показаны те, где есть часть слов."</p> })}
                {spelling}
                {ignored}
                <socio_views::SituationsAbove situations browsing=raw.q.as_deref().is_none_or(|q| q.trim().is_empty()) />
                {if found.items.is_empty() {
                    view! {
                        <div class="panel" id="nothing-found">
                            <h2>"Ничего не нашлось"</h2>
                            {(!nearby.is_empty()).then(|| view! { <p>"Есть в ближайших городах:"</p><ul id="nearby">{nearby}</ul> })}
                            <ul>
                                <li>"Уберите один из фильтров — например, возраст или стоимость."</li>
                                <li>"Напишите запрос другими словами или посмотрите " <a href="/situations">"жизненные ситуации"</a> "."</li>
                                <li>"Позвоните или приходите в " <a href="/centres">"центр СОЦИО"</a> " — там помогут найти помощь."</li>
                            </ul>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <ul class="results">
                            {found.items.into_iter().map(|hit| view! { <ServiceCard service=hit.service snippet=hit.snippet distance=hit.distance_km copies=hit.copies copies_total=hit.copies_total /> }).collect_view()}
                        </ul>
                        <Pager page=found.page pages=found.pages href />
                    }.into_any()
                }}
            }
        })}
    }
}

/// One service: everything a person needs to act, and «Сообщить о неточности».
#[component]
pub fn ServicePage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let service = LocalResource::new(move || {
        let slug = slug();
        async move {
            match embedded() {
                Some(service) => Ok(service),
                None => client().service(&slug).await.map_err(Failure::from),
            }
        }
    });
    let title = Signal::derive(move || service.get().and_then(Result::ok).map_or_else(|| "Услуга".to_owned(), |s| s.name));
    view! {
        <Title text=title />
        {loaded(service, |s| {
            let slug = s.slug.clone();
            view! { <ServiceDetails service=s /> <ReportForm subject=ReportSubject::Service slug /> }
        })}
    }
}

/// «Сообщить о неточности»: anonymous, no personal data.
#[component]
pub fn ReportForm(
    /// Service or organization.
    subject: ReportSubject,
    /// Its slug.
    slug: String,
) -> impl IntoView {
    let (open, set_open) = signal(false);
    let (problem, set_problem) = signal(ReportProblem::WrongPhone);
    let (message, set_message) = signal(String::new());
    let (outcome, set_outcome) = signal::<Option<Result<String, String>>>(None);
    let (sending, set_sending) = signal(false);
    let send = Callback::new(move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let report = NewReport { subject, slug: slug.clone(), problem: problem.get_untracked(), message: message.get_untracked() };
        set_sending.set(true);
        leptos::task::spawn_local(async move {
            let result = client().file_report(&report).await.map(|r| r.message).map_err(|e| Failure::from(e).message);
            set_outcome.set(Some(result));
            set_sending.set(false);
        });
    });
    view! {
        <section class="no-print" aria-labelledby="report-title">
            <h2 id="report-title">"Нашли ошибку?"</h2>
            <Show
                when=move || open.get()
                fallback=move || view! {
                    <button type="button" class="secondary" on:click=move |_| set_open.set(true)>"Сообщить о неточности"</button>
                }
            >
                {move || match outcome.get() {
                    Some(Ok(thanks)) => view! { <p class="success" role="status">{thanks}</p> }.into_any(),
                    other => view! {
                        {other.and_then(Result::err).map(|e| view! { <div class="error" role="alert"><p>{e}</p></div> })}
                        <form on:submit=move |ev| send.run(ev)>
                            <fieldset>
                                <legend>"Что не так?"</legend>
                                {ReportProblem::ALL.iter().map(|(value, label)| {
                                    let id = format!("problem-{}", value.as_str());
                                    let value = *value;
                                    view! {
                                        <div class="choice">
                                            <input type="radio" name="problem" id=id.clone() prop:checked=move || problem.get() == value on:change=move |_| set_problem.set(value) />
                                            <label for=id>{*label}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <label for="report-message">"Подробности"</label>
                            <p class="hint" id="report-hint">"Например, новый адрес или часы работы. Не пишите своё имя и другие личные данные: номера телефонов и адреса почты мы скрываем."</p>
                            <textarea id="report-message" aria-describedby="report-hint" maxlength="2000" prop:value=message on:input=move |ev| set_message.set(event_target_value(&ev))></textarea>
                            <p><button type="submit" disabled=move || sending.get()>{move || if sending.get() { "Отправляем…" } else { "Отправить сообщение" }}</button></p>
                        </form>
                    }.into_any(),
                }}
            </Show>
        </section>
    }
}
