//! Life situations: the list, and a situation's algorithm step by step (all of its steps, since
//! a person's answers stay on their device and the server never knows which ones apply).

use leptos::prelude::*;
use socio_domain::{
    api::{SituationDetail, SituationSummary, TargetGroup},
    situation::{QuestionKind, Source},
    wording,
};

/// The situations as tiles, each a link to its algorithm.
#[component]
pub fn SituationTiles(
    /// The situations.
    situations: Vec<SituationSummary>,
) -> impl IntoView {
    view! {
        <ul class="tiles">
            {situations.into_iter().map(|s| view! {
                <li><a class="tile" href=format!("/situations/{}", s.slug)><strong>{s.title}</strong>{s.summary}</a></li>
            }).collect_view()}
        </ul>
    }
}

/// «Для кого»: the groups of people the situations concern, most situations first, each a link
/// to its situations. Drawn from the situations themselves, so a group no situation concerns is
/// not offered.
#[component]
pub fn SituationThemes(
    /// The situations.
    situations: Vec<SituationSummary>,
) -> impl IntoView {
    let mut groups: Vec<(TargetGroup, usize)> = Vec::new();
    for group in situations.iter().flat_map(|s| &s.target_groups) {
        match groups.iter_mut().find(|(g, _)| g.slug == group.slug) {
            Some((_, count)) => *count += 1,
            None => groups.push((group.clone(), 1)),
        }
    }
    groups.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.name.cmp(&b.0.name)));
    view! {
        <nav class="themes" aria-label="Ситуации по темам">
            <ul>
                {groups.into_iter().map(|(g, count)| view! {
                    <li><a href=format!("/situations?target_group={}", g.slug)>{g.name}<span class="count">{format!(" {count}")}</span></a></li>
                }).collect_view()}
            </ul>
        </nav>
    }
}

/// How many situations the home page shows as tiles; the rest are a tap away, by theme or all.
pub const SITUATIONS_ON_HOME: usize = 12;

/// The home page's situations: the themes, the first of the editors' order as tiles, and the
/// way to all of them.
#[component]
pub fn SituationsOnHome(
    /// Every published situation, in the editors' order.
    situations: Vec<SituationSummary>,
) -> impl IntoView {
    let total = situations.len();
    let first: Vec<SituationSummary> = situations.iter().take(SITUATIONS_ON_HOME).cloned().collect();
    view! {
        <SituationThemes situations />
        <SituationTiles situations=first />
        <p class="more"><a href="/situations">{format!("Все жизненные ситуации: {total}")}</a></p>
    }
}

/// Situations above a list of services: those the words name («Похоже на жизненную ситуацию»),
/// or, when a person browses a theme without words, the algorithms of that theme.
#[component]
pub fn SituationsAbove(
    /// The situations to offer.
    situations: Vec<SituationSummary>,
    /// Whether the list is a theme browsed, not words searched.
    browsing: bool,
) -> impl IntoView {
    (!situations.is_empty()).then(|| {
        view! {
            <section class="panel" aria-labelledby="found-situations">
                <h2 id="found-situations">{if browsing { "Пошаговые алгоритмы по этой теме" } else { "Похоже на жизненную ситуацию" }}</h2>
                <ul>
                    {situations.into_iter().map(|s| view! {
                        <li><a href=format!("/situations/{}", s.slug)>{s.title}</a>" — "{s.summary}</li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}

/// Where the services of a step's category are listed, in the person's city when one is chosen.
pub fn step_services_href(category: &str, city: Option<&str>) -> String {
    match city {
        Some(city) => format!("/services?category={category}&municipality={city}"),
        None => format!("/services?category={category}"),
    }
}

/// A situation below its heading: what it is about, the way to a personal route, every step
/// with its documents and deadline, and the related situations.
#[component]
pub fn SituationSteps(
    /// The situation.
    situation: SituationDetail,
    /// The person's city, for the links to the services of a step.
    #[prop(default = None)]
    city: Option<String>,
) -> impl IntoView {
    let s = situation;
    let questions = wording::plural(s.questions.len() as u64, "вопрос", "вопроса", "вопросов");
    view! {
        <p class="lead">{s.summary.clone()}</p>
        <p>{s.description.clone()}</p>
        <div class="panel no-print">
            <p>{format!("Ответьте на {questions} — и получите свой маршрут: только нужные вам шаги и организации вашего города.")}</p>
            // rel=external: the wizard is a page of its own, loaded from the server.
            <p><a class="button" id="start-route" rel="external" href=format!("/situations/{}/route", s.slug)>"Построить маршрут"</a></p>
        </div>
        <h2>"Что делать по шагам"</h2>
        <ol class="steps">
            {s.steps.iter().map(|step| {
                let where_to_go = step.categories.first().map(|c| step_services_href(c, city.as_deref()));
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
                        <Sources sources=step.sources.clone() />
                        {where_to_go.map(|href| view! { <p><a href=href>"Где помогут с этим шагом"</a></p> })}
                    </li>
                }
            }).collect_view()}
        </ol>
        <CheckedOn situation=s.clone() />
        {(!s.related.is_empty()).then(|| view! {
            <h2>"Связанные ситуации"</h2>
            <ul>{s.related.iter().map(|r| view! { <li><a href=format!("/situations/{}", r.slug)>{r.title.clone()}</a></li> }).collect_view()}</ul>
        })}
    }
}

/// «Основание: …» under a step: where the rule comes from, with a link when there is one.
#[component]
pub fn Sources(
    /// The step's (or the situation's) sources.
    sources: Vec<Source>,
) -> impl IntoView {
    (!sources.is_empty()).then(|| {
        let count = sources.len();
        view! {
            <p class="sources">
                <strong>"Основание: "</strong>
                {sources.into_iter().enumerate().map(|(i, source)| {
                    let separator = (i + 1 < count).then_some("; ");
                    let link = source.url.filter(|u| u.starts_with("https://") || u.starts_with("http://"));
                    view! {
                        {match link {
                            Some(href) => view! { <a href=href rel="noopener noreferrer">{source.title}</a> }.into_any(),
                            None => view! { <span>{source.title}</span> }.into_any(),
                        }}
                        {separator}
                    }
                }).collect_view()}
            </p>
        }
    })
}

/// «Проверено: 12 ноября 2026» and the situation's main sources: when a person may still trust it.
#[component]
pub fn CheckedOn(
    /// The situation.
    situation: SituationDetail,
) -> impl IntoView {
    view! {
        <div class="checked">
            {situation.checked_on.map(|day| view! {
                <p id="checked-on"><strong>"Проверено: "</strong>{wording::long_date(&day)}
                    ". Правила и суммы меняются: если что-то не так, спросите в центре СОЦИО."</p>
            })}
            <Sources sources=situation.sources />
        </div>
    }
}

/// The questions of a situation's route as a list to read (the wizard asks them one at a time
/// once the app has started).
#[component]
pub fn SituationQuestions(
    /// The situation.
    situation: SituationDetail,
) -> impl IntoView {
    view! {
        <h2>"Вопросы, которые уточнят маршрут"</h2>
        <ol class="questions">
            {situation.questions.into_iter().map(|q| {
                let answers = match q.kind {
                    QuestionKind::YesNo => "Да или нет".to_owned(),
                    QuestionKind::Number => "Число".to_owned(),
                    QuestionKind::Single | QuestionKind::Multiple => {
                        q.options.iter().map(|o| o.label.clone()).collect::<Vec<_>>().join("; ")
                    }
                };
                view! {
                    <li>
                        <p><strong>{q.text}</strong></p>
                        {q.help.map(|h| view! { <p class="hint">{h}</p> })}
                        <p class="meta-line">{answers}</p>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
