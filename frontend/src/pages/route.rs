//! The wizard: one question at a time, answers kept in the URL (so a route can be shared and
//! reopened), and the personal route computed on this device with the same engine as the server.
//! The answers never leave the browser: only the situation and the city are requested.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use socio_domain::{
    api::{MunicipalityRef, RouteResponse, ServiceCandidate, SituationDetail},
    router::{self, Answer, Answers, RouteContext},
    situation::{Question, QuestionKind},
};

use crate::{
    api::{Failure, Fetched, client, embedded},
    components::{PhoneLink, Title, loaded},
    state::use_state,
};

const CITY: &str = "municipality";

/// Answers come from URL parameters: `yes`/`no`, digits, an option's value, or values joined by
/// commas.
fn decode(question: &Question, raw: &str) -> Answer {
    match question.kind {
        QuestionKind::YesNo => Answer::Bool(raw == "yes"),
        QuestionKind::Number => raw.parse().map(Answer::Number).unwrap_or_else(|_| Answer::Choice(raw.to_owned())),
        QuestionKind::Single => Answer::Choice(raw.to_owned()),
        QuestionKind::Multiple => Answer::Choices(raw.split(',').filter(|v| !v.is_empty()).map(str::to_owned).collect()),
    }
}

/// The route page's URL for these answers.
fn href(slug: &str, city: Option<&str>, answers: &[(String, String)]) -> String {
    let mut pairs: Vec<(&str, &str)> = city.map(|c| (CITY, c)).into_iter().collect();
    pairs.extend(answers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    if query.is_empty() { format!("/situations/{slug}/route") } else { format!("/situations/{slug}/route?{query}") }
}

/// The wizard and the route.
#[component]
pub fn RoutePage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let situation = LocalResource::new(move || {
        let slug = slug();
        async move {
            match embedded() {
                Some(situation) => Ok(situation),
                None => client().situation(&slug).await.map_err(Failure::from),
            }
        }
    });
    let title = Signal::derive(move || situation.get().and_then(Result::ok).map_or_else(|| "Маршрут".to_owned(), |s| s.title));
    view! {
        <Title text=title />
        {loaded(situation, |s| view! { <Wizard situation=s /> })}
    }
}

#[component]
fn Wizard(situation: SituationDetail) -> impl IntoView {
    let query = use_query_map();
    let situation = StoredValue::new(situation);
    // The answers in URL order, keeping only keys of this questionnaire.
    let raw_answers = move || -> Vec<(String, String)> {
        query.with(|q| {
            situation
                .with_value(|s| s.questions.iter().filter_map(|question| q.get(&question.key).map(|v| (question.key.clone(), v))).collect())
        })
    };
    let city = move || query.with(|q| q.get(CITY)).filter(|c| !c.is_empty());
    view! {
        {move || match city() {
            None => view! { <CityStep slug=situation.with_value(|s| s.slug.clone()) /> }.into_any(),
            Some(city) => {
                let raw = raw_answers();
                let answers: Answers = situation.with_value(|s| {
                    raw.iter()
                        .filter_map(|(k, v)| s.questions.iter().find(|q| &q.key == k).map(|q| (k.clone(), decode(q, v))))
                        .collect()
                });
                let next = situation.with_value(|s| router::asked(&s.questions, &answers).into_iter().find(|q| !answers.contains_key(&q.key)).cloned());
                match next {
                    Some(question) => {
                        let asked = situation.with_value(|s| router::asked(&s.questions, &answers).len());
                        let number = answers.len() + 1;
                        let slug = situation.with_value(|s| s.slug.clone());
                        // Keyed by question, so every question gets fresh inputs rather than the
                        // previous question's (with their checked state) rewritten in place.
                        let step = (question.key.clone(), question, raw, city);
                        view! {
                            <For each=move || [step.clone()] key=|(key, ..)| key.clone() let:((_, question, raw, city))>
                                <QuestionStep slug=slug.clone() city raw question number total=asked.max(number) />
                            </For>
                        }.into_any()
                    }
                    None => view! { <RouteView situation=situation.get_value() city raw answers /> }.into_any(),
                }
            }
        }}
        <p class="no-print"><a href="/help">"Это не моя ситуация"</a></p>
    }
}

#[component]
fn CityStep(slug: String) -> impl IntoView {
    let state = use_state();
    let navigate = use_navigate();
    let (city, set_city) = signal(state.city.get_untracked().unwrap_or_default());
    let back = format!("/situations/{slug}");
    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = city.get_untracked();
        if !chosen.is_empty() {
            state.city.set(Some(chosen.clone()));
            navigate(&href(&slug, Some(&chosen), &[]), Default::default());
        }
    };
    view! {
        <form class="wizard" on:submit=next>
            <p class="progress">"Сначала — ваш город"</p>
            <label for="route-city">"В каком городе вы живёте?"</label>
            <p class="hint">"Покажем организации, которые помогут рядом с вами."</p>
            <select id="route-city" required on:change=move |ev| set_city.set(event_target_value(&ev))>
                <option value="">"Выберите город"</option>
                {move || state.municipalities.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|m| {
                    let selected = city.get() == m.slug;
                    view! { <option value=m.slug selected=selected>{m.name}</option> }
                }).collect_view()}
            </select>
            <p class="actions">
                <a class="button secondary" href=back>"Назад"</a>
                " "
                <button type="submit">"Далее"</button>
            </p>
        </form>
    }
}

#[component]
fn QuestionStep(slug: String, city: String, raw: Vec<(String, String)>, question: Question, number: usize, total: usize) -> impl IntoView {
    let navigate = use_navigate();
    let (value, set_value) = signal(String::new());
    let (chosen, set_chosen) = signal(Vec::<String>::new());
    let (error, set_error) = signal::<Option<String>>(None);
    let back = if raw.is_empty() { format!("/situations/{slug}") } else { href(&slug, Some(&city), &raw[..raw.len() - 1]) };
    let key = question.key.clone();
    let kind = question.kind;
    let (min, max) = (question.min.unwrap_or(0.0), question.max.unwrap_or(120.0));
    let next = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let answer = match kind {
            QuestionKind::Multiple => Some(chosen.get_untracked().join(",")),
            QuestionKind::Number => value
                .get_untracked()
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| *n >= min && *n <= max && n.fract() == 0.0)
                .map(|n| format!("{n}")),
            _ => Some(value.get_untracked()).filter(|v| !v.is_empty()),
        };
        match answer {
            None => set_error.set(Some(match kind {
                QuestionKind::Number => format!("Введите целое число от {min} до {max}."),
                _ => "Выберите ответ.".to_owned(),
            })),
            Some(answer) => {
                let mut answers = raw.clone();
                answers.push((key.clone(), answer));
                navigate(&href(&slug, Some(&city), &answers), Default::default());
            }
        }
    };
    let first_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = first_input.get() {
            let _ = input.focus();
        }
    });
    let name = question.key.clone();
    let options: Vec<(String, String)> = match question.kind {
        QuestionKind::YesNo => vec![("yes".into(), "Да".into()), ("no".into(), "Нет".into())],
        _ => question.options.iter().map(|o| (o.value.clone(), o.label.clone())).collect(),
    };
    let inputs = match question.kind {
        QuestionKind::Number => view! {
            <input id=format!("q-{name}") type="number" inputmode="numeric" min=min max=max node_ref=first_input
                aria-describedby="question-error"
                on:input=move |ev| set_value.set(event_target_value(&ev)) />
        }.into_any(),
        QuestionKind::Multiple => options.into_iter().map(|(v, label)| {
            let id = format!("q-{name}-{v}");
            let toggle = v.clone();
            let input = view! {
                <input type="checkbox" id=id.clone() name=name.clone() value=v.clone()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        set_chosen.update(|c| { c.retain(|x| x != &toggle); if on { c.push(toggle.clone()); } });
                    } />
            };
            view! { <div class="choice">{input}<label for=id>{label}</label></div> }
        }).collect_view().into_any(),
        _ => options.into_iter().enumerate().map(|(index, (v, label))| {
            let id = format!("q-{name}-{v}");
            let pick = v.clone();
            let node = if index == 0 { first_input } else { NodeRef::new() };
            view! {
                <div class="choice">
                    <input type="radio" id=id.clone() name=name.clone() value=v.clone() node_ref=node on:change=move |_| set_value.set(pick.clone()) />
                    <label for=id>{label}</label>
                </div>
            }
        }).collect_view().into_any(),
    };
    let is_number = question.kind == QuestionKind::Number;
    view! {
        <form class="wizard" on:submit=next novalidate>
            <p class="progress">{format!("Вопрос {number} из {total}")}</p>
            <fieldset>
                <legend>{question.text.clone()}</legend>
                {question.help.clone().map(|h| view! { <p class="hint">{h}</p> })}
                {is_number.then(|| view! { <label for=format!("q-{}", question.key) class="visually-hidden">{question.text.clone()}</label> })}
                {inputs}
            </fieldset>
            <p id="question-error" class="field-error" role="alert">{move || error.get()}</p>
            <p class="actions">
                <a class="button secondary" href=back>"Назад"</a>
                " "
                <button type="submit">"Далее"</button>
            </p>
        </form>
    }
}

fn checklist_key(slug: &str) -> String {
    format!("socio.checklist.{slug}")
}

fn ticked(slug: &str) -> Vec<String> {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(&checklist_key(slug)).ok().flatten())
        .map(|v| v.split('\n').filter(|d| !d.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}

fn save_ticked(slug: &str, documents: &[String]) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(&checklist_key(slug), &documents.join("\n"));
    }
}

fn speak(text: &str) {
    if let (Ok(synth), Ok(utterance)) = (window().speech_synthesis(), web_sys::SpeechSynthesisUtterance::new_with_text(text)) {
        utterance.set_lang("ru-RU");
        synth.cancel();
        synth.speak(&utterance);
    }
}

/// A QR code of `text` as an SVG path (one square per dark module).
fn qr_svg(text: &str) -> Option<(i32, String)> {
    let code = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium).ok()?;
    let size = code.size();
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if code.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + 2, y + 2));
            }
        }
    }
    Some((size + 4, path))
}

#[component]
fn RouteView(situation: SituationDetail, city: String, raw: Vec<(String, String)>, answers: Answers) -> impl IntoView {
    let state = use_state();
    let slug = situation.slug.clone();
    if let Err(errors) = router::validate_answers(&situation.questions, &answers) {
        let restart = format!("/situations/{slug}/route");
        return view! {
            <div class="error" role="alert">
                <h2>"В ссылке неверные ответы"</h2>
                <ul>{errors.into_iter().map(|e| view! { <li>{e.detail}</li> }).collect_view()}</ul>
                <p><a href=restart>"Ответить на вопросы заново"</a></p>
            </div>
        }
        .into_any();
    }
    let candidates: LocalResource<Fetched<Vec<ServiceCandidate>>> = {
        let (slug, city) = (slug.clone(), city.clone());
        LocalResource::new(move || {
            let (slug, city) = (slug.clone(), city.clone());
            async move { client().route_candidates(&slug, &city).await.map_err(Failure::from) }
        })
    };
    let situation = StoredValue::new(situation);
    let answers = StoredValue::new(answers);
    let city_slug = city.clone();
    let change = href(&slug, Some(&city), &raw[..raw.len().saturating_sub(1)]);
    view! {
        {loaded(candidates, move |candidates| {
            let name = state.municipalities.get_untracked().and_then(Result::ok).unwrap_or_default().into_iter()
                .find(|m| m.slug == city_slug).map_or_else(|| city_slug.clone(), |m| m.name);
            let context = RouteContext { municipality: MunicipalityRef { slug: city_slug.clone(), name }, coordinates: None, target_groups: vec![], formats: vec![] };
            let plan = situation.with_value(|s| answers.with_value(|a| router::route(s, a, &context, &candidates)));
            let checked = situation.get_value();
            view! { <RoutePlan plan /> <socio_views::CheckedOn situation=checked /> }
        })}
        <p class="no-print">
            <a href=change>"← Изменить последний ответ"</a>
        </p>
    }
    .into_any()
}

#[component]
fn RoutePlan(plan: RouteResponse) -> impl IntoView {
    let slug = plan.situation.slug.clone();
    let (done, set_done) = signal(ticked(&slug));
    let link = window().location().href().unwrap_or_default();
    let qr = qr_svg(&link);
    let total = plan.steps.len();
    view! {
        <h2 id="route-title">{format!("Ваш маршрут: {}", socio_domain::wording::plural(total as u64, "шаг", "шага", "шагов"))}</h2>
        <p>{format!("Город: {}. Шаги идут по порядку; у каждого — кто поможет.", plan.municipality.name)}</p>
        <ol class="steps route">
            {plan.steps.into_iter().map(|step| {
                let spoken = format!("Шаг {}. {}. {}", step.number, step.title, step.body);
                view! {
                    <li>
                        <h3>{step.title.clone()}</h3>
                        <p>{step.body.clone()}</p>
                        {(!step.documents.is_empty()).then(|| view! {
                            <p><strong>"Документы: "</strong>{step.documents.join(", ")}</p>
                        })}
                        {step.deadline.clone().map(|d| view! { <p><strong>"Срок: "</strong>{d}</p> })}
                        <socio_views::Sources sources=step.sources.clone() />
                        {(!step.services.is_empty()).then(|| view! {
                            <p><strong>"Кто поможет:"</strong></p>
                            <ul class="helpers">
                                {step.services.into_iter().map(|s| view! {
                                    <li>
                                        <a href=format!("/services/{}", s.slug)>{s.name}</a>
                                        {format!(" — {}", s.organization)}
                                        {s.address.map(|a| view! { <br/>{a} })}
                                        {s.phone.map(|p| view! { <br/>"Телефон: " <PhoneLink number=p /> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        })}
                        <p class="no-print">
                            <button type="button" class="secondary" on:click=move |_| speak(&spoken)>"Прочитать вслух"</button>
                        </p>
                    </li>
                }
            }).collect_view()}
        </ol>
        <h2 id="checklist-title">"Документы: отмечайте, что уже собрали"</h2>
        <p class="hint">"Отметки хранятся только в этом браузере."</p>
        <ul class="checklist" aria-labelledby="checklist-title">
            {plan.documents.into_iter().enumerate().map(|(index, document)| {
                let id = format!("doc-{index}");
                let (doc, key) = (document.clone(), slug.clone());
                let checked = { let d = document.clone(); move || done.get().contains(&d) };
                view! {
                    <li>
                        <input type="checkbox" id=id.clone() prop:checked=checked
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                set_done.update(|list| { list.retain(|d| d != &doc); if on { list.push(doc.clone()); } });
                                save_ticked(&key, &done.get_untracked());
                            } />
                        <label for=id>{document}</label>
                    </li>
                }
            }).collect_view()}
        </ul>
        <h2>"Сохранить маршрут"</h2>
        <div class="share">
            {qr.map(|(size, path)| view! {
                <svg class="qr" viewBox=format!("0 0 {size} {size}") width="160" height="160" role="img" aria-label="QR-код ссылки на этот маршрут">
                    <rect width="100%" height="100%" fill="#fff" />
                    <path d=path fill="#000" />
                </svg>
            })}
            <div>
                <p>"Наведите камеру телефона на QR-код или сохраните ссылку — маршрут откроется с теми же ответами."</p>
                <p class="route-link">{link}</p>
                <p class="no-print"><button type="button" on:click=|_| { let _ = window().print(); }>"Распечатать"</button></p>
            </div>
        </div>
    }
}
