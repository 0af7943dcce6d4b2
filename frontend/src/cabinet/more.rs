//! The rest of the cabinet: the organization's revisions with the moderator's decisions,
//! citizens' reports, page-view statistics, and colleagues.

use leptos::prelude::*;
use socio_domain::{
    api::{FieldError, Invitation},
    vocabulary::RevisionStatus,
};

use crate::api::Failure;

use super::{
    focus_heading,
    forms::{ErrorSummary, TextField, errors_of},
    use_session,
};

/// «Изменения»: what was proposed, field by field, and what the moderator decided.
#[component]
pub fn RevisionsPage() -> impl IntoView {
    focus_heading();
    let session = use_session();
    let page = LocalResource::new(move || async move { session.client().cabinet_revisions(1).await.map_err(Failure::from) });
    view! {
        <h1 tabindex="-1">"Изменения на модерации"</h1>
        {move || match page.get() {
            None => view! { <p class="status" role="status">"Загрузка…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="error" role="alert"><p>{e.message}</p></div> }.into_any(),
            Some(Ok(page)) if page.items.is_empty() => view! { <p>"Изменений пока не было."</p> }.into_any(),
            Some(Ok(page)) => view! {
                <p>{format!("Всего: {}", page.total)}</p>
                {page.items.into_iter().map(|r| view! {
                    <section class="card">
                        <h2>{format!("{}: {}", r.subject.label(), r.title)}</h2>
                        <p><strong>{r.status.label()}</strong>" · отправлено "{r.created_at.format("%d.%m.%Y").to_string()}</p>
                        {(r.version > 1 && r.status == RevisionStatus::Pending).then(|| view! {
                            <p class="hint">"Вы изменили предложение после отправки: модератор прочитает его заново, решение по прежней версии принять нельзя."</p>
                        })}
                        {r.edited_by_moderator.then(|| view! { <p class="hint">"Модератор исправил запись перед публикацией."</p> })}
                        {r.review_comment.map(|c| view! { <p>"Комментарий модератора: "{c}</p> })}
                        <table>
                            <caption>"Что меняется"</caption>
                            <thead><tr><th scope="col">"Поле"</th><th scope="col">"Было"</th><th scope="col">"Стало"</th></tr></thead>
                            <tbody>
                                {r.changes.into_iter().map(|c| view! { <tr><th scope="row">{c.label}</th><td>{c.before}</td><td>{c.after}</td></tr> }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                }).collect_view()}
            }.into_any(),
        }}
    }
}

/// «Сообщения»: what citizens reported about the organization's records.
#[component]
pub fn ReportsPage() -> impl IntoView {
    focus_heading();
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let reports = LocalResource::new(move || {
        reload.get();
        async move { session.client().cabinet_reports().await.map_err(Failure::from) }
    });
    let failure = RwSignal::new(None::<String>);
    let resolve = move |id: i64, comment: String| {
        leptos::task::spawn_local(async move {
            match session.client().resolve_report(id, &comment).await {
                Ok(()) => {
                    failure.set(None);
                    reload.update(|n| *n += 1);
                }
                Err(e) => failure.set(errors_of(&e).first().map(|e| e.detail.clone())),
            }
        });
    };
    view! {
        <h1 tabindex="-1">"Сообщения граждан"</h1>
        {move || failure.get().map(|f| view! { <div class="error" role="alert"><p>{f}</p></div> })}
        {move || match reports.get() {
            None => view! { <p class="status" role="status">"Загрузка…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="error" role="alert"><p>{e.message}</p></div> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p>"Сообщений нет."</p> }.into_any(),
            Some(Ok(list)) => list.into_iter().map(|r| {
                let comment = RwSignal::new(String::new());
                let id = r.id;
                let field_id = format!("resolve-{id}");
                view! {
                    <section class="card">
                        <h2>{r.title}</h2>
                        <p><strong>{r.status.label()}</strong>" · "{r.created_at.format("%d.%m.%Y").to_string()}</p>
                        <p>{r.message}</p>
                        {match r.resolution_comment {
                            Some(done) => view! { <p>"Что сделано: "{done}</p> }.into_any(),
                            None => view! {
                                <label for=field_id.clone()>"Что сделано"</label>
                                <input id=field_id type="text" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev)) />
                                <p><button type="button" on:click=move |_| resolve(id, comment.get_untracked())>"Отметить решённым"</button></p>
                            }.into_any(),
                        }}
                    </section>
                }
            }).collect_view().into_any(),
        }}
    }
}

/// «Статистика»: views of each service over 30 days.
#[component]
pub fn StatisticsPage() -> impl IntoView {
    focus_heading();
    let session = use_session();
    let stats = LocalResource::new(move || async move { session.client().cabinet_statistics().await.map_err(Failure::from) });
    view! {
        <h1 tabindex="-1">"Просмотры услуг за 30 дней"</h1>
        <p class="hint">"Только счётчики: мы не храним ничего о людях, которые открывали страницы."</p>
        {move || match stats.get() {
            None => view! { <p class="status" role="status">"Загрузка…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="error" role="alert"><p>{e.message}</p></div> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p>"Услуг пока нет: добавьте их в разделе «Услуги»."</p> }.into_any(),
            Some(Ok(list)) => view! {
                <table>
                    <caption>"По услугам"</caption>
                    <thead><tr><th scope="col">"Услуга"</th><th scope="col">"Просмотров"</th></tr></thead>
                    <tbody>{list.into_iter().map(|s| view! { <tr><th scope="row">{s.name}</th><td>{s.total}</td></tr> }).collect_view()}</tbody>
                </table>
            }.into_any(),
        }}
    }
}

/// «Коллеги»: who works in the cabinet; its admin invites and removes.
#[component]
pub fn ColleaguesPage() -> impl IntoView {
    focus_heading();
    let session = use_session();
    let reload = RwSignal::new(0u32);
    let colleagues = LocalResource::new(move || {
        reload.get();
        async move { session.client().colleagues().await.map_err(Failure::from) }
    });
    let (email, name) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let invite = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let invitation = Invitation { email: email.get_untracked(), display_name: name.get_untracked() };
        leptos::task::spawn_local(async move {
            match session.client().invite_colleague(&invitation).await {
                Ok(_) => {
                    errors.set(Vec::new());
                    email.set(String::new());
                    name.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(e) => errors.set(errors_of(&e)),
            }
        });
    };
    let is_admin = move || session.me().is_some_and(|m| m.org_admin);
    view! {
        <h1 tabindex="-1">"Коллеги"</h1>
        {move || match colleagues.get() {
            None => view! { <p class="status" role="status">"Загрузка…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="error" role="alert"><p>{e.message}</p></div> }.into_any(),
            Some(Ok(list)) => view! {
                <ul>{list.into_iter().map(|c| view! { <li>{format!("{} — {}{}", c.display_name, c.email, if c.active { "" } else { " (приглашение не принято)" })}</li> }).collect_view()}</ul>
            }.into_any(),
        }}
        <Show when=is_admin>
            <h2>"Пригласить коллегу"</h2>
            <ErrorSummary errors />
            <form on:submit=invite novalidate>
                <TextField field="display_name" label="Имя" value=name.into() on_input=Callback::new(move |v| name.set(v)) errors />
                <TextField field="email" label="Электронная почта" kind="email" value=email.into() on_input=Callback::new(move |v| email.set(v)) errors />
                <p><button type="submit">"Отправить приглашение"</button></p>
            </form>
        </Show>
    }
}
