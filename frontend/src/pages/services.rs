use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use socio_domain::wording;
use socio_domain::{
    api::{NewReport, ReportProblem, ReportSubject, ServiceDetail, ServiceFilter, ServiceQuery},
    vocabulary::{Cost, ServiceFormat},
};

use super::{href_with, query_from_url};
use crate::{
    api::{Failure, client},
    components::{FilterSelect, LocationBlock, Pager, PhoneLink, ServiceCard, Title, loaded},
    state::use_state,
};

/// The catalogue: filters in the URL, a count, results, paging, advice when nothing matches.
#[component]
pub fn ServicesPage() -> impl IntoView {
    let state = use_state();
    let navigate = use_navigate();
    let query = query_from_url::<ServiceQuery>();
    let services = LocalResource::new(move || {
        let raw = query();
        async move {
            let filter: ServiceFilter = super::parse_filter(&raw)?;
            client().services(&filter).await.map_err(Failure::from)
        }
    });
    // A city chosen in the catalogue is remembered like one chosen in the header.
    Effect::new(move |_| {
        if let Some(city) = query().municipality {
            state.city.set(Some(city));
        }
    });
    let set = move |apply: &dyn Fn(&mut ServiceQuery)| {
        let mut next = query();
        apply(&mut next);
        next.page = None;
        navigate(&href_with("/services", &next), Default::default());
    };
    let set = StoredValue::new_local(set);
    let on_select = move |field: &'static str| {
        move |ev: leptos::ev::Event| {
            let value = Some(event_target_value(&ev)).filter(|v| !v.is_empty());
            set.with_value(|set| {
                set(&|q: &mut ServiceQuery| match field {
                    "category" => q.category = value.clone(),
                    "age" => q.age = value.clone(),
                    _ => q.q = value.clone(),
                })
            });
        }
    };
    let (text, set_text) = signal(query().q.unwrap_or_default());
    let submit_text = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = Some(text.get_untracked()).filter(|v| !v.trim().is_empty());
        set.with_value(|set| set(&|q: &mut ServiceQuery| q.q = value.clone()));
    };
    let selected = move |current: Option<String>, value: &str| current.as_deref() == Some(value);
    let pick = move |apply: fn(&mut ServiceQuery, Option<String>)| {
        Callback::new(move |value: Option<String>| set.with_value(|set| set(&|q: &mut ServiceQuery| apply(q, value.clone()))))
    };
    let cities = Signal::derive(move || {
        state.municipalities.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|m| (m.slug, m.name)).collect()
    });
    let groups = Signal::derive(move || {
        state.target_groups.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|t| (t.slug, t.name)).collect()
    });
    let formats: Vec<(String, String)> = ServiceFormat::ALL.iter().map(|f| (f.as_str().to_owned(), f.label().to_owned())).collect();
    let costs: Vec<(String, String)> = Cost::ALL.iter().map(|c| (c.as_str().to_owned(), c.label().to_owned())).collect();

    view! {
        <Title text="Услуги".to_string() />
        <form class="search-box" role="search" on:submit=submit_text>
            <label for="services-q" class="visually-hidden">"Поиск по словам"</label>
            <input id="services-q" type="search" placeholder="Слова из названия услуги" prop:value=text on:input=move |ev| set_text.set(event_target_value(&ev)) />
            <button type="submit">"Найти"</button>
        </form>
        <form class="filters" aria-label="Фильтры" on:submit=|ev| ev.prevent_default()>
            <FilterSelect id="f-municipality" label="Город" any="Все города" options=cities
                selected=Signal::derive(move || query().municipality) on_change=pick(|q, v| q.municipality = v) />
            <div>
                <label for="f-category">"Тема"</label>
                <select id="f-category" on:change=on_select("category")>
                    <option value="">"Все темы"</option>
                    {move || state.categories.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|g| {
                        let group_selected = selected(query().category, &g.slug);
                        view! {
                            <optgroup label=g.name.clone()>
                                <option value=g.slug.clone() selected=group_selected>{format!("{} — все", g.name)}</option>
                                {g.children.into_iter().map(|c| {
                                    let is = selected(query().category, &c.slug);
                                    view! { <option value=c.slug selected=is>{c.name}</option> }
                                }).collect_view()}
                            </optgroup>
                        }
                    }).collect_view()}
                </select>
            </div>
            <FilterSelect id="f-target-group" label="Кому" any="Всем" options=groups
                selected=Signal::derive(move || query().target_group) on_change=pick(|q, v| q.target_group = v) />
            <FilterSelect id="f-format" label="Как получить" any="Любым способом" options=Signal::derive(move || formats.clone())
                selected=Signal::derive(move || query().format) on_change=pick(|q, v| q.format = v) />
            <FilterSelect id="f-cost" label="Стоимость" any="Любая" options=Signal::derive(move || costs.clone())
                selected=Signal::derive(move || query().cost) on_change=pick(|q, v| q.cost = v) />
            <div>
                <label for="f-age">"Возраст получателя, лет"</label>
                <input id="f-age" type="number" min="0" max="120" inputmode="numeric" prop:value=move || query().age.unwrap_or_default() on:change=on_select("age") />
            </div>
        </form>
        <p><a href="/services">"Сбросить все фильтры"</a></p>
        {loaded(services, move |page| {
            let total = page.total;
            let raw = query();
            let href = Callback::new(move |n: u32| href_with("/services", &ServiceQuery { page: Some(n.to_string()), ..raw.clone() }));
            view! {
                <p id="result-count" class="count" role="status" aria-live="polite">
                    {format!("Найдено: {}", wording::plural(total, "услуга", "услуги", "услуг"))}
                </p>
                {if page.items.is_empty() {
                    view! {
                        <div class="panel">
                            <h2>"Ничего не нашлось"</h2>
                            <ul>
                                <li>"Уберите один из фильтров — например, возраст или стоимость."</li>
                                <li>"Выберите «Все города»: некоторые услуги оказывают онлайн или по телефону для всей области."</li>
                                <li>"Напишите запрос другими словами или посмотрите " <a href="/situations">"жизненные ситуации"</a> "."</li>
                                <li>"Позвоните или приходите в " <a href="/centres">"центр СОЦИО"</a> " — там помогут найти помощь."</li>
                            </ul>
                        </div>
                    }.into_any()
                } else {
                    view! {
                        <ul class="results">
                            {page.items.into_iter().map(|s| view! { <ServiceCard service=s /> }).collect_view()}
                        </ul>
                        <Pager page=page.page pages=page.pages href />
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
        async move { client().service(&slug).await.map_err(Failure::from) }
    });
    let title = Signal::derive(move || service.get().and_then(Result::ok).map_or_else(|| "Услуга".to_owned(), |s| s.name));
    view! {
        <Title text=title />
        {loaded(service, |s| view! { <ServiceDetails service=s /> })}
    }
}

#[component]
fn ServiceDetails(service: ServiceDetail) -> impl IntoView {
    let org_name = service.organization.short_name.clone().unwrap_or_else(|| service.organization.name.clone());
    let formats: Vec<&str> = service.formats.iter().map(|f| f.label()).collect();
    let cost = match &service.cost_note {
        Some(note) => format!("{}. {note}", service.cost.label()),
        None => service.cost.label().to_owned(),
    };
    let cities: Vec<String> = service.municipalities.iter().map(|m| m.name.clone()).collect();
    let slug = service.slug.clone();
    view! {
        <p class="lead">{service.summary.clone()}</p>
        <p>{service.description.clone()}</p>
        <dl class="facts">
            <dt>"Кто может получить"</dt><dd>{service.eligibility.clone()}</dd>
            <dt>"Стоимость"</dt><dd>{cost}</dd>
            <dt>"Как получить"</dt><dd>{formats.join(", ")}</dd>
            {wording::age_range(service.age_min, service.age_max).map(|a| view! { <dt>"Возраст"</dt><dd>{a}</dd> })}
            {service.form_442.map(|f| view! { <dt>"Форма обслуживания"</dt><dd>{f.label()}</dd> })}
            <dt>"Где доступна"</dt><dd>{cities.join(", ")}</dd>
            <dt>"Кто оказывает"</dt>
            <dd><a href=format!("/organizations/{}", service.organization.slug)>{org_name}</a></dd>
        </dl>

        <h2>"Какие документы нужны"</h2>
        <ul class="docs">{service.documents.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ul>

        <h2>"Как обратиться"</h2>
        <p>{service.how_to_apply.clone()}</p>

        <h2>"Контакты"</h2>
        <ul>
            {service.contacts.phone.clone().map(|p| view! { <li>"Позвонить: " <PhoneLink number=p /></li> })}
            {service.contacts.email.clone().map(|e| view! { <li>"Написать: " <a href=format!("mailto:{e}")>{e.clone()}</a></li> })}
            {service.contacts.website.clone().map(|w| view! { <li>"Сайт: " <a href=w.clone() rel="noopener">{w.clone()}</a></li> })}
        </ul>

        {(!service.locations.is_empty()).then(|| view! {
            <h2>"Адреса"</h2>
            {service.locations.iter().cloned().map(|l| view! { <LocationBlock location=l /> }).collect_view()}
        })}

        {service.last_verified.map(|d| view! { <p class="meta-line">{format!("Сведения проверены {}", wording::date(&d))}</p> })}

        <ReportForm subject=ReportSubject::Service slug />
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
                                        <div>
                                            <input type="radio" name="problem" id=id.clone() prop:checked=move || problem.get() == value on:change=move |_| set_problem.set(value) />
                                            <label for=id style="display:inline">{*label}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <label for="report-message">"Подробности"</label>
                            <p class="hint" id="report-hint">"Например, новый адрес или телефон. Не пишите имя, телефон и другие личные данные."</p>
                            <textarea id="report-message" aria-describedby="report-hint" maxlength="2000" prop:value=message on:input=move |ev| set_message.set(event_target_value(&ev))></textarea>
                            <p><button type="submit" disabled=move || sending.get()>{move || if sending.get() { "Отправляем…" } else { "Отправить сообщение" }}</button></p>
                        </form>
                    }.into_any(),
                }}
            </Show>
        </section>
    }
}
