//! The operator's screens in the cabinet's page (`/cabinet/backoffice/…`): the moderation queue
//! with each proposal's before and after, the decision and the reviewers' notes; the usage
//! report with its bar chart; data quality with reminders; the audit log with its CSV; and the
//! operator's people. The API checks every role again; these screens only choose what
//! to show.

use leptos::prelude::*;
use socio_domain::{
    api::{NewNote, NewOperator, ProposedRecord, QualityReminder, Rejection, ReviewDecision, RevisionView, UsageReport},
    vocabulary::{NoteSubject, QualityCheck, RevisionSubject, UserRole},
};

use super::{focus_heading, forms::errors_of, save_file, use_session};
use crate::api::Failure;

/// The operator's people: a moderator, an editor or an admin.
pub(crate) fn is_operator(role: UserRole) -> bool {
    matches!(role, UserRole::Moderator | UserRole::Editor | UserRole::Admin)
}

/// The back-office sections a role may open (the API checks the same roles again).
pub(crate) fn sections(role: UserRole) -> Vec<(&'static str, &'static str)> {
    if !is_operator(role) {
        return Vec::new();
    }
    let moderates = matches!(role, UserRole::Moderator | UserRole::Admin);
    let mut sections = Vec::new();
    if moderates {
        sections.extend([
            ("/cabinet/backoffice", "Очередь модерации"),
            ("/cabinet/backoffice/quality", "Качество данных"),
            ("/cabinet/backoffice/usage", "Востребованность"),
            ("/cabinet/backoffice/import", "Загрузка HSDS"),
        ]);
    }
    if matches!(role, UserRole::Editor | UserRole::Admin) {
        sections.push(("/cabinet/backoffice/situations", "Ситуации"));
    }
    sections.push(("/cabinet/backoffice/audit", "Журнал"));
    if role == UserRole::Admin {
        sections.push(("/cabinet/backoffice/people", "Сотрудники"));
    }
    sections
}

/// Shows its children to a signed-in operator; a partner or a visitor is told where to go.
#[component]
pub fn OperatorGuarded(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    move || match session.state.get() {
        None => view! { <p class="status" role="status">"Загрузка…"</p> }.into_any(),
        Some(Some((_, me))) if me.must_change_password => super::must_change_password().into_any(),
        Some(Some((_, me))) if is_operator(me.role) => children().into_any(),
        Some(Some(_)) => view! {
            <h1 tabindex="-1">"Только для сотрудников оператора"</h1>
            <p><a href="/cabinet" rel="external">"В кабинет организации"</a></p>
        }
        .into_any(),
        Some(None) => view! {
            <h1 tabindex="-1">"Служебный раздел"</h1>
            <p><a class="button" href="/cabinet/login" rel="external">"Войти"</a></p>
        }
        .into_any(),
    }
}

/// The record a revision is about, for its notes: a claim's notes are the organization's.
fn note_target(revision: &RevisionView) -> Option<(NoteSubject, i64)> {
    match revision.subject {
        RevisionSubject::Service => revision.entity_id.map(|id| (NoteSubject::Service, id)),
        RevisionSubject::Location => revision.entity_id.map(|id| (NoteSubject::Location, id)),
        RevisionSubject::Organization | RevisionSubject::Claim => revision.organization_id.map(|id| (NoteSubject::Organization, id)),
    }
}

/// «Очередь модерации»: proposals oldest first, each with its diff, the decision and notes.
#[component]
pub fn QueuePage() -> impl IntoView {
    focus_heading();
    let session = use_session();
    let reload = RwSignal::new(0u32);
    // The revision the partner rewrote while it was being read: reloaded, shown with a notice.
    let rewritten = RwSignal::new(None::<i64>);
    let (subject, city, page) = (RwSignal::new(None::<RevisionSubject>), RwSignal::new(String::new()), RwSignal::new(1u32));
    let queue = LocalResource::new(move || {
        reload.get();
        rewritten.get();
        let (subject, city, page) = (subject.get(), city.get(), page.get());
        async move {
            let city = Some(city.as_str()).filter(|c| !c.is_empty());
            session.client().moderation_queue_of(subject, city, page).await.map_err(Failure::from)
        }
    });
    let cities = LocalResource::new(|| async { crate::api::client().municipalities().await.unwrap_or_default() });
    let done = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let decide = move |revision: RevisionView, rejection: Option<String>| {
        leptos::task::spawn_local(async move {
            let client = session.client();
            // The decision is about the version on screen: a proposal rewritten since is refused.
            let result = match &rejection {
                Some(comment) => client.reject_revision(revision.id, revision.version, &Rejection { comment: comment.clone() }).await,
                None => client.approve_revision(revision.id, revision.version, &ReviewDecision::default()).await,
            };
            match result {
                Ok(decided) => {
                    failure.set(None);
                    rewritten.set(None);
                    let verb = if rejection.is_some() { "Отклонено" } else { "Одобрено и опубликовано" };
                    done.set(Some(format!("{verb}: {}", decided.title)));
                    reload.update(|n| *n += 1);
                }
                Err(e) if e.problem().is_some_and(|p| p.status == 412) => {
                    failure.set(None);
                    done.set(None);
                    rewritten.set(Some(revision.id));
                }
                Err(e) => failure.set(Some(errors_of(&e).first().map(|e| e.detail.clone()).unwrap_or_else(|| Failure::from(e).message))),
            }
        });
    };
    let decided = Callback::new(move |title: String| {
        failure.set(None);
        rewritten.set(None);
        done.set(Some(format!("Одобрено с правками модератора: {title}")));
        reload.update(|n| *n += 1);
    });
    view! {
        <h1 tabindex="-1">"Очередь модерации"</h1>
        <div class="field">
            <label for="queue-subject">"Вид"</label>
            <select id="queue-subject" on:change=move |ev| { subject.set(event_target_value(&ev).parse().ok()); page.set(1); }>
                <option value="">"Все"</option>
                {RevisionSubject::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="queue-city">"Город"</label>
            <select id="queue-city" on:change=move |ev| { city.set(event_target_value(&ev)); page.set(1); }>
                <option value="">"Все города"</option>
                {move || cities.get().unwrap_or_default().into_iter().map(|m| view! { <option value=m.slug>{m.name}</option> }).collect_view()}
            </select>
        </div>
        <p class="status" role="status">{move || done.get()}</p>
        {move || failure.get().map(|f| view! { <div class="error" role="alert"><p>{f}</p></div> })}
        {move || match queue.get() {
            None => view! { <p>"Загрузка…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="error" role="alert"><p>{e.message}</p></div> }.into_any(),
            Some(Ok(list)) if list.total == 0 => view! { <p>"Очередь пуста: всё рассмотрено."</p> }.into_any(),
            Some(Ok(list)) => view! {
                <p>{format!("Ждут решения: {}. Сначала самые давние.", list.total)}</p>
                {list.items.into_iter().map(|r| view! { <QueueItem revision=r decide decided rewritten /> }).collect_view()}
                <Pager page current=list.page pages=list.pages />
            }.into_any(),
        }}
    }
}

#[component]
fn QueueItem(
    revision: RevisionView,
    decide: impl Fn(RevisionView, Option<String>) + Copy + Send + Sync + 'static,
    decided: Callback<String>,
    /// The revision refused because the partner rewrote it: its card says so.
    rewritten: RwSignal<Option<i64>>,
) -> impl IntoView {
    let comment = RwSignal::new(String::new());
    let id = revision.id;
    let comment_id = format!("reject-{}", revision.id);
    let heading_id = format!("revision-{}", revision.id);
    let labelled_by = heading_id.clone();
    let target = note_target(&revision);
    let (approve_with, reject_with) = (revision.clone(), revision.clone());
    view! {
        <section class="card" aria-labelledby=labelled_by>
            <h2 id=heading_id>{format!("{}: {}", revision.subject.label(), revision.title)}</h2>
            <p>
                {revision.organization_name.clone().unwrap_or_default()}
                {revision.author_email.clone().map(|a| format!(" · предложил {a}"))}
                " · "{revision.created_at.format("%d.%m.%Y %H:%M").to_string()}
                {(revision.version > 1).then(|| format!(" · изменено партнёром после отправки (версия {})", revision.version))}
            </p>
            {move || (rewritten.get() == Some(id)).then(|| view! {
                <div class="error" role="alert">
                    <p>
                        <strong>"Партнёр изменил предложение, пока вы его читали. "</strong>
                        "Решение не принято. Ниже — новая версия: прочитайте её и решите заново."
                    </p>
                </div>
            })}
            {(!revision.changes.is_empty()).then(|| view! {
                <table>
                    <caption>"Что меняется"</caption>
                    <thead><tr><th scope="col">"Поле"</th><th scope="col">"Было"</th><th scope="col">"Стало"</th></tr></thead>
                    <tbody>
                        {revision.changes.iter().map(|c| view! {
                            <tr><th scope="row">{c.label.clone()}</th><td>{c.before.clone()}</td><td>{c.after.clone()}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <p><button type="button" on:click=move |_| decide(approve_with.clone(), None)>"Одобрить"</button></p>
            <div class="field">
                <label for=comment_id.clone()>"Что исправить (для отклонения)"</label>
                <p class="hint">"Партнёр увидит это в кабинете рядом с записью."</p>
                <textarea id=comment_id prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
            </div>
            <p><button type="button" class="secondary" on:click=move |_| decide(reject_with.clone(), Some(comment.get_untracked()))>"Отклонить"</button></p>
            {(revision.subject != RevisionSubject::Claim).then(|| view! { <Correction id=revision.id subject=revision.subject decided=decided rewritten /> })}
            {target.map(|(subject, id)| view! { <Notes subject id /> })}
        </section>
    }
}

/// A text field of a proposed record the moderator may correct: its API path, its label, and
/// how to read and write it.
struct Editable {
    field: &'static str,
    label: &'static str,
    multiline: bool,
    get: fn(&ProposedRecord) -> Option<String>,
    set: fn(&mut ProposedRecord, String),
}

/// The text fields a moderator corrects most: names, descriptions, the address.
fn correctable(subject: RevisionSubject) -> Vec<Editable> {
    macro_rules! text {
        ($kind:ident, $field:ident, $path:literal, $label:literal, $multiline:literal) => {
            Editable {
                field: $path,
                label: $label,
                multiline: $multiline,
                get: |r| r.$kind.as_ref().map(|x| x.$field.clone()),
                set: |r, v| {
                    if let Some(x) = r.$kind.as_mut() {
                        x.$field = v;
                    }
                },
            }
        };
    }
    match subject {
        RevisionSubject::Service => vec![
            text!(service, name, "edited.service.name", "Название", false),
            text!(service, summary, "edited.service.summary", "Коротко", false),
            text!(service, description, "edited.service.description", "Описание", true),
            text!(service, eligibility, "edited.service.eligibility", "Кому положено", true),
            text!(service, how_to_apply, "edited.service.how_to_apply", "Как получить", true),
        ],
        RevisionSubject::Location => {
            vec![
                text!(location, name, "edited.location.name", "Название", false),
                text!(location, address, "edited.location.address", "Адрес", false),
            ]
        }
        RevisionSubject::Organization => vec![
            text!(organization, name, "edited.organization.name", "Полное название", false),
            text!(organization, description, "edited.organization.description", "Описание", true),
        ],
        RevisionSubject::Claim => Vec::new(),
    }
}

/// «Исправить и одобрить»: the proposed record's text fields, corrected and approved at the
/// version they were read at (the API answers 412 if the partner changed them meanwhile; then
/// the card shows the new proposal and its notice).
#[component]
fn Correction(id: i64, subject: RevisionSubject, decided: Callback<String>, rewritten: RwSignal<Option<i64>>) -> impl IntoView {
    let session = use_session();
    let proposal = RwSignal::new(None::<(i32, ProposedRecord)>);
    let errors = RwSignal::new(Vec::<socio_domain::api::FieldError>::new());
    let comment = RwSignal::new(String::new());
    let open = move |_| {
        if proposal.get_untracked().is_some() {
            return;
        }
        leptos::task::spawn_local(async move {
            match session.client().revision_proposal(id).await {
                Ok(p) => proposal.set(Some((p.version, p.record))),
                Err(e) => errors.set(errors_of(&e)),
            }
        });
    };
    let approve = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some((version, record)) = proposal.get_untracked() else { return };
        let decision = ReviewDecision { comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()), edited: Some(record) };
        leptos::task::spawn_local(async move {
            match session.client().approve_revision(id, version, &decision).await {
                Ok(view) => decided.run(view.title),
                Err(e) if e.problem().is_some_and(|p| p.status == 412) => {
                    // The queue reloads this card with the new proposal; the form reopens from it.
                    proposal.set(None);
                    rewritten.set(Some(id));
                }
                Err(e) => {
                    let mut found = errors_of(&e);
                    if found.is_empty() {
                        found.push(socio_domain::api::FieldError::new("edited", "failed", Failure::from(e).message));
                    }
                    errors.set(found);
                }
            }
        });
    };
    let comment_id = format!("correction-comment-{id}");
    view! {
        <details class="correction" on:toggle=open>
            <summary>"Исправить и одобрить"</summary>
            <super::forms::ErrorSummary errors />
            {move || proposal.get().map(|_| view! {
                <form on:submit=approve novalidate>
                    {correctable(subject).into_iter().map(|part| {
                        let Editable { field, label, multiline, get, set } = part;
                        let value = Signal::derive(move || proposal.with(|p| p.as_ref().and_then(|(_, r)| get(r)).unwrap_or_default()));
                        let on_input = Callback::new(move |v: String| proposal.update(|p| if let Some((_, r)) = p.as_mut() { set(r, v) }));
                        view! { <super::forms::TextField field label value on_input errors multiline /> }
                    }).collect_view()}
                    <div class="field">
                        <label for=comment_id.clone()>"Что исправлено (партнёр увидит)"</label>
                        <textarea id=comment_id.clone() prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                    </div>
                    <p><button type="submit">"Одобрить с правками"</button></p>
                </form>
            })}
        </details>
    }
}

/// The reviewers' notes on one record, and a box to add one.
#[component]
fn Notes(subject: NoteSubject, id: i64) -> impl IntoView {
    let session = use_session();
    let reload = RwSignal::new(0u32);
    // Fetched when the person opens the notes, not once per queue item on every load.
    let opened = RwSignal::new(false);
    let notes = LocalResource::new(move || {
        reload.get();
        let opened = opened.get();
        async move {
            if !opened {
                return Ok(Vec::new());
            }
            session.client().notes(subject, id).await.map_err(Failure::from)
        }
    });
    let text = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<String>);
    let field = format!("note-{}-{id}", subject.as_str());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let note = NewNote { subject, entity_id: id, body: text.get_untracked() };
        leptos::task::spawn_local(async move {
            match session.client().add_note(&note).await {
                Ok(_) => {
                    failure.set(None);
                    text.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(e) => failure.set(errors_of(&e).first().map(|e| e.detail.clone())),
            }
        });
    };
    view! {
        <details class="notes" on:toggle=move |_| opened.set(true)>
            <summary>{format!("Заметки сотрудников: {}", subject.label().to_lowercase())}</summary>
            {move || notes.get().and_then(Result::ok).map(|list| view! {
                <ul>{list.into_iter().map(|n| view! {
                    <li>{n.body}" — "{n.author_email.unwrap_or_default()}", "{n.created_at.format("%d.%m.%Y").to_string()}</li>
                }).collect_view()}</ul>
            })}
            <form on:submit=add novalidate>
                <div class="field">
                    <label for=field.clone()>"Новая заметка (партнёр её не увидит)"</label>
                    <textarea id=field prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    {move || failure.get().map(|f| view! { <p class="field-error" role="alert">{f}</p> })}
                </div>
                <p><button type="submit" class="secondary">"Добавить заметку"</button></p>
            </form>
        </details>
    }
}

/// The periods the usage report offers, in days.
const PERIODS: [(u16, &str); 4] = [(7, "7 дней"), (30, "30 дней"), (90, "3 месяца"), (365, "год")];

/// «Востребованность»: situations and cities over a period, as a table and a bar chart.
#[component]
pub fn UsagePage() -> impl IntoView {
    focus_heading();
    let session = use_session();
    let days = RwSignal::new(30u16);
    let report = LocalResource::new(move || {
        let days = days.get();
        async move { session.client().usage(days, None).await.map_err(Failure::from) }
    });
    view! {
        <h1 tabindex="-1">"Востребованность"</h1>
        <p class="hint">"Только суммы: мы не храним ничего о людях, их ответах и адресах."</p>
        <div class="field">
            <label for="usage-days">"Период"</label>
            <select id="usage-days" on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(30))>
                {PERIODS.iter().map(|(n, label)| view! { <option value=n.to_string() selected=*n == 30>{*label}</option> }).collect_view()}
            </select>
        </div>
        {move || match report.get() {
            None => view! { <p class="status" role="status">"Загрузка…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="error" role="alert"><p>{e.message}</p></div> }.into_any(),
            Some(Ok(report)) => view! { <UsageTables report /> }.into_any(),
        }}
    }
}

#[component]
fn UsageTables(report: UsageReport) -> impl IntoView {
    let bars: Vec<(String, u64)> = report.situations.iter().take(10).map(|s| (s.title.clone(), s.routes)).collect();
    view! {
        <h2>"Жизненные ситуации"</h2>
        {(!bars.is_empty()).then(|| view! { <BarChart title="Маршруты по ситуациям" bars /> })}
        <table>
            <caption>"Самые востребованные первыми"</caption>
            <thead><tr><th scope="col">"Ситуация"</th><th scope="col">"Открывали"</th><th scope="col">"Строили маршрут"</th></tr></thead>
            <tbody>{report.situations.into_iter().map(|s| view! {
                <tr><th scope="row"><a href=format!("/situations/{}", s.slug)>{s.title}</a></th><td>{s.opened}</td><td>{s.routes}</td></tr>
            }).collect_view()}</tbody>
        </table>
        <h2>"Города"</h2>
        <table>
            <caption>"Маршруты и поиски без результата по городам"</caption>
            <thead><tr><th scope="col">"Город"</th><th scope="col">"Маршрутов"</th><th scope="col">"Поисков без результата"</th></tr></thead>
            <tbody>{report.cities.into_iter().map(|c| view! {
                <tr><th scope="row">{c.municipality.map(|m| m.name).unwrap_or_else(|| "Город не выбран".to_owned())}</th><td>{c.routes}</td><td>{c.unmet_searches}</td></tr>
            }).collect_view()}</tbody>
        </table>
        <h2>"Искали и не нашли"</h2>
        {if report.unmet_searches.is_empty() {
            view! { <p>"Таких поисков не было."</p> }.into_any()
        } else {
            view! {
                <table>
                    <caption>"Самые частые запросы без результата"</caption>
                    <thead><tr><th scope="col">"Запрос"</th><th scope="col">"Город"</th><th scope="col">"Сколько раз"</th></tr></thead>
                    <tbody>{report.unmet_searches.into_iter().map(|u| view! {
                        <tr><th scope="row">{u.query}</th><td>{u.municipality.map(|m| m.name).unwrap_or_default()}</td><td>{u.count}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            }.into_any()
        }}
    }
}

/// A horizontal bar chart drawn as SVG by the page itself: no chart library, no CDN. The same
/// numbers are in the table next to it, so the chart is an image with a text alternative.
#[component]
fn BarChart(title: &'static str, bars: Vec<(String, u64)>) -> impl IntoView {
    const ROW: u32 = 28;
    const LABEL: u32 = 300;
    const WIDTH: u32 = 720;
    let max = bars.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let height = ROW * u32::try_from(bars.len()).unwrap_or(0) + 8;
    let description = bars.iter().map(|(label, n)| format!("{label}: {n}")).collect::<Vec<_>>().join("; ");
    let scale = |n: u64| u32::try_from(u64::from(WIDTH - LABEL - 60) * n / max).unwrap_or(0);
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {height}") width="100%" role="img" aria-label=format!("{title}. {description}")>
                {bars.into_iter().enumerate().map(|(i, (label, n))| {
                    let y = ROW * u32::try_from(i).unwrap_or(0) + 4;
                    let short: String = if label.chars().count() > 38 { label.chars().take(37).chain(['…']).collect() } else { label };
                    view! {
                        <text x=LABEL - 8 y=y + 18 text-anchor="end" font-size="14" fill="currentColor">{short}</text>
                        <rect x=LABEL y=y + 4 width=scale(n).max(2) height=ROW - 8 fill="#0b4f9c"></rect>
                        <text x=LABEL + scale(n).max(2) + 6 y=y + 18 font-size="14" fill="currentColor">{n.to_string()}</text>
                    }
                }).collect_view()}
            </svg>
            <figcaption>{title}</figcaption>
        </figure>
    }
}

/// «Качество данных»: the five lists, and a reminder to the organization from any of them.
#[component]
pub fn QualityPage() -> impl IntoView {
    focus_heading();
    let session = use_session();
    let (check, page) = (RwSignal::new(QualityCheck::Stale), RwSignal::new(1u32));
    let list = LocalResource::new(move || {
        let (check, page) = (check.get(), page.get());
        async move { session.client().quality(check, page).await.map_err(Failure::from) }
    });
    let said = RwSignal::new(None::<String>);
    let remind = move |organization_id: i64, name: String| {
        let reminder = QualityReminder { organization_id, check: check.get_untracked() };
        leptos::task::spawn_local(async move {
            said.set(Some(match session.client().remind(&reminder).await {
                Ok(()) => format!("Напоминание отправлено: {name}"),
                Err(e) => Failure::from(e).message,
            }));
        });
    };
    view! {
        <h1 tabindex="-1">"Качество данных"</h1>
        <div class="field">
            <label for="quality-check">"Проверка"</label>
            <select id="quality-check" on:change=move |ev| {
                if let Ok(chosen) = event_target_value(&ev).parse() {
                    check.set(chosen);
                    page.set(1);
                }
            }>
                {QualityCheck::ALL.iter().map(|c| view! { <option value=c.as_str()>{c.label()}</option> }).collect_view()}
            </select>
        </div>
        <p class="status" role="status">{move || said.get()}</p>
        {move || match list.get() {
            None => view! { <p>"Загрузка…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="error" role="alert"><p>{e.message}</p></div> }.into_any(),
            Some(Ok(found)) if found.total == 0 => view! { <p>"По этой проверке всё в порядке."</p> }.into_any(),
            Some(Ok(found)) => view! {
                <table>
                    <caption>{format!("Найдено: {}", found.total)}</caption>
                    <thead><tr><th scope="col">"Запись"</th><th scope="col">"Что не так"</th><th scope="col">"Организация"</th></tr></thead>
                    <tbody>{found.items.into_iter().map(|item| {
                        let organization = item.organization_id.zip(item.organization_name.clone());
                        view! {
                            <tr>
                                <th scope="row">{item.title}</th>
                                <td>{item.detail}</td>
                                <td>{organization.map(|(id, name)| {
                                    let label = format!("Напомнить: {name}");
                                    view! {
                                        {name.clone()}" "
                                        <button type="button" class="secondary" aria-label=label on:click=move |_| remind(id, name.clone())>"Напомнить"</button>
                                    }
                                })}</td>
                            </tr>
                        }
                    }).collect_view()}</tbody>
                </table>
                <Pager page current=found.page pages=found.pages />
            }.into_any(),
        }}
    }
}

/// «Предыдущая страница» / «Следующая страница» under a paged list.
#[component]
fn Pager(page: RwSignal<u32>, current: u32, pages: u32) -> impl IntoView {
    (pages > 1).then(|| {
        view! {
            <p>
                {format!("Страница {current} из {pages}. ")}
                {(current > 1).then(|| view! { <button type="button" class="secondary" on:click=move |_| page.set(current - 1)>"Предыдущая страница"</button> })}
                " "
                {(current < pages).then(|| view! { <button type="button" class="secondary" on:click=move |_| page.set(current + 1)>"Следующая страница"</button> })}
            </p>
        }
    })
}

/// «Журнал»: every change, decision, role change and operator's sign-in; CSV for Excel.
#[component]
pub fn AuditPage() -> impl IntoView {
    focus_heading();
    let session = use_session();
    let (from, to) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (kind, entity) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let page = RwSignal::new(1u32);
    // The filters, as the API names them; the page only for the screen, not for the CSV.
    let filters = move || {
        let mut parts = Vec::new();
        let entity = entity.get().trim().to_owned();
        for (name, value) in [("from", from.get()), ("to", to.get()), ("entity_type", kind.get()), ("entity_id", entity)] {
            if !value.is_empty() {
                parts.push(format!("{name}={value}"));
            }
        }
        parts.join("&")
    };
    let query = move || format!("{}&page={}", filters(), page.get()).trim_start_matches('&').to_owned();
    let log = LocalResource::new(move || {
        let query = query();
        async move { session.client().audit_log(&query).await.map_err(Failure::from) }
    });
    let failure = RwSignal::new(None::<String>);
    let download = move |_| {
        let query = filters();
        leptos::task::spawn_local(async move {
            match session.client().audit_csv(&query).await {
                Ok(csv) => {
                    failure.set(None);
                    save_file("audit.csv", "text/csv;charset=utf-8", &csv);
                }
                Err(e) => failure.set(Some(Failure::from(e).message)),
            }
        });
    };
    view! {
        <h1 tabindex="-1">"Журнал изменений"</h1>
        <p class="hint">"Записи журнала нельзя изменить или удалить."</p>
        <div class="field">
            <label for="audit-from">"С какого дня"</label>
            <input id="audit-from" type="date" prop:value=move || from.get() on:change=move |ev| { from.set(event_target_value(&ev)); page.set(1); } />
        </div>
        <div class="field">
            <label for="audit-to">"По какой день"</label>
            <input id="audit-to" type="date" prop:value=move || to.get() on:change=move |ev| { to.set(event_target_value(&ev)); page.set(1); } />
        </div>
        <div class="field">
            <label for="audit-kind">"Вид записи"</label>
            <select id="audit-kind" on:change=move |ev| { kind.set(event_target_value(&ev)); page.set(1); }>
                {AUDITED.iter().map(|(code, label)| view! { <option value=*code>{*label}</option> }).collect_view()}
            </select>
        </div>
        <div class="field">
            <label for="audit-entity">"Номер записи"</label>
            <p class="hint" id="audit-entity-hint">"Вместе с видом записи: вся история одной записи."</p>
            <input id="audit-entity" type="text" inputmode="numeric" aria-describedby="audit-entity-hint"
                prop:value=move || entity.get() on:change=move |ev| { entity.set(event_target_value(&ev)); page.set(1); } />
        </div>
        <p><button type="button" class="secondary" on:click=download>"Скачать CSV для Excel"</button></p>
        {move || failure.get().map(|f| view! { <div class="error" role="alert"><p>{f}</p></div> })}
        {move || match log.get() {
            None => view! { <p>"Загрузка…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="error" role="alert"><p>{e.message}</p></div> }.into_any(),
            Some(Ok(list)) => view! {
                <table>
                    <caption>{format!("Записей: {}; страница {} из {}", list.total, list.page, list.pages.max(1))}</caption>
                    <thead><tr><th scope="col">"Когда"</th><th scope="col">"Кто"</th><th scope="col">"Что"</th><th scope="col">"С чем"</th></tr></thead>
                    <tbody>{list.items.iter().cloned().map(|e| view! {
                        <tr>
                            <td>{e.at.format("%d.%m.%Y %H:%M").to_string()}</td>
                            <td>{e.actor_email.unwrap_or_else(|| "платформа".to_owned())}</td>
                            <td>{e.action}</td>
                            <td>{format!("{} № {}", e.entity_type, e.entity_id)}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
                <Pager page current=list.page pages=list.pages />
            }.into_any(),
        }}
    }
}

/// The kinds of records the audit log names, for its filter ('' for all).
const AUDITED: [(&str, &str); 7] = [
    ("", "Все"),
    ("service", "Услуги"),
    ("location", "Адреса"),
    ("organization", "Организации"),
    ("claim", "Заявки на управление"),
    ("user", "Пользователи"),
    ("report", "Сообщения граждан"),
];

/// «Сотрудники»: the operator's people and their roles; the admin invites and changes roles.
#[component]
pub fn PeoplePage() -> impl IntoView {
    focus_heading();
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let people = LocalResource::new(move || {
        reload.get();
        async move { session.client().operators().await.map_err(Failure::from) }
    });
    let (email, name, role) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(UserRole::Moderator));
    let errors = RwSignal::new(Vec::<socio_domain::api::FieldError>::new());
    let said = RwSignal::new(None::<String>);
    let invite = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewOperator { email: email.get_untracked(), display_name: name.get_untracked(), role: role.get_untracked() };
        leptos::task::spawn_local(async move {
            match session.client().invite_operator(&new).await {
                Ok(_) => {
                    errors.set(Vec::new());
                    said.set(Some(format!("Приглашение отправлено: {}", new.email)));
                    email.set(String::new());
                    name.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(e) => errors.set(errors_of(&e)),
            }
        });
    };
    let change = move |id: i64, role: UserRole| {
        leptos::task::spawn_local(async move {
            said.set(Some(match session.client().change_role(id, role).await {
                Ok(person) => format!("Роль изменена: {} — {}", person.display_name, person.role.label()),
                Err(e) => Failure::from(e).message,
            }));
            reload.update(|n| *n += 1);
        });
    };
    let set_access = move |id: i64, active: bool| {
        leptos::task::spawn_local(async move {
            said.set(Some(match session.client().set_operator_active(id, active).await {
                Ok(person) if person.active => format!("Доступ открыт: {}", person.display_name),
                Ok(person) => format!("Доступ закрыт, все входы завершены: {}", person.display_name),
                Err(e) => Failure::from(e).message,
            }));
            reload.update(|n| *n += 1);
        });
    };
    let me = session.me().map(|m| m.id);
    let roles = [UserRole::Moderator, UserRole::Editor, UserRole::Admin];
    view! {
        <h1 tabindex="-1">"Сотрудники оператора"</h1>
        <p class="status" role="status">{move || said.get()}</p>
        {move || match people.get() {
            None => view! { <p>"Загрузка…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="error" role="alert"><p>{e.message}</p></div> }.into_any(),
            Some(Ok(list)) => view! {
                <table>
                    <caption>"Кто работает в служебном разделе"</caption>
                    <thead><tr>
                        <th scope="col">"Сотрудник"</th><th scope="col">"Роль"</th><th scope="col">"Последний вход"</th><th scope="col">"Доступ"</th>
                    </tr></thead>
                    <tbody>{list.into_iter().map(|p| {
                        let select_id = format!("role-{}", p.id);
                        let id = p.id;
                        view! {
                            <tr>
                                <th scope="row">{format!("{} — {}", p.display_name, p.email)}</th>
                                <td>
                                    <label class="visually-hidden" for=select_id.clone()>{format!("Роль: {}", p.display_name)}</label>
                                    <select id=select_id on:change=move |ev| {
                                        if let Ok(chosen) = event_target_value(&ev).parse() {
                                            change(id, chosen);
                                        }
                                    }>
                                        {roles.iter().map(|r| view! { <option value=r.as_str() selected=*r == p.role>{r.label()}</option> }).collect_view()}
                                    </select>
                                </td>
                                <td>{p.last_login_at.map(|t| t.format("%d.%m.%Y %H:%M").to_string()).unwrap_or_else(|| "не входил".to_owned())}</td>
                                <td>
                                    {if p.invitation_pending { "Приглашение не принято" } else if p.active { "Открыт" } else { "Закрыт" }}
                                    {(me != Some(id) && !p.invitation_pending).then(|| {
                                        let (label, open) = if p.active { ("Закрыть доступ", false) } else { ("Открыть доступ", true) };
                                        view! {
                                            " "
                                            <button type="button" class="secondary" aria-label=format!("{label}: {}", p.display_name)
                                                on:click=move |_| set_access(id, open)>{label}</button>
                                        }
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}</tbody>
                </table>
            }.into_any(),
        }}
        <h2>"Пригласить сотрудника"</h2>
        <super::forms::ErrorSummary errors />
        <form on:submit=invite novalidate>
            <super::forms::TextField field="display_name" label="Имя" value=name.into() on_input=Callback::new(move |v| name.set(v)) errors />
            <super::forms::TextField field="email" label="Электронная почта" kind="email" value=email.into() on_input=Callback::new(move |v| email.set(v)) errors />
            <div class="field">
                <label for="f-role">"Роль"</label>
                <select id="f-role" on:change=move |ev| {
                    if let Ok(chosen) = event_target_value(&ev).parse() {
                        role.set(chosen);
                    }
                }>
                    {roles.iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                </select>
            </div>
            <p><button type="submit">"Отправить приглашение"</button></p>
        </form>
    }
}
