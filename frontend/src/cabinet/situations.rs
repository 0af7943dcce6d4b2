//! Life-situation authoring (`/cabinet/backoffice/situations/…`). Editors are not programmers:
//! they write the questionnaire and the steps in a form, see every problem next to its part as
//! they type (the same domain checks the API runs when publishing, compiled to wasm), try the
//! route for chosen answers with the same engine as the citizens' wizard, and publish versions.
//!
//! The draft is one signal; a list (questions, steps, options, a condition's parts) is drawn
//! again only when its shape changes (`EditorState::reshape`), so typing never loses focus.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use socio_domain::{
    Slug,
    api::{FieldError, MunicipalityRef, SituationDefinition, SituationDetail, SituationVersion, StepDefinition},
    router::{self, Answer, Answers, RouteContext},
    situation::{Condition, Question, QuestionKind, QuestionOption, Scalar, Source},
    vocabulary::VersionStatus,
};

use super::{
    focus_heading,
    forms::{Checkboxes, TextField, errors_of, field_id},
    use_session,
};
use crate::api::Failure;

/// How to write a source, under each box of sources.
const SOURCES_HINT: &str = "Каждое основание с новой строки: «Федеральный закон от 24.11.1995 № 181-ФЗ, ст. 28.2 | https://…» (ссылку можно не указывать). Нужно каждому шагу, где есть сумма или срок.";

/// A new situation's first draft: only its code and title.
fn blank(slug: String, title: String) -> SituationDefinition {
    SituationDefinition {
        slug,
        title,
        summary: String::new(),
        description: String::new(),
        target_groups: Vec::new(),
        categories: Vec::new(),
        related: Vec::new(),
        questions: Vec::new(),
        steps: Vec::new(),
        sources: Vec::new(),
    }
}

/// Sources as the editor types them: one a line, «название | ссылка» (the link may be left out).
fn sources_text(sources: &[Source]) -> String {
    sources
        .iter()
        .map(|s| match &s.url {
            Some(url) => format!("{}|{url}", s.title),
            None => s.title.clone(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The lines as typed, nothing trimmed yet (see [`cleaned`]), so the box shows what was typed.
fn sources_of(text: &str) -> Vec<Source> {
    text.split('\n')
        .map(|line| match line.split_once('|') {
            Some((title, url)) => Source { title: title.to_owned(), url: Some(url.to_owned()) },
            None => Source { title: line.to_owned(), url: None },
        })
        .collect()
}

/// Sources as saved: trimmed, empty lines and empty links dropped.
fn cleaned_sources(sources: &[Source]) -> Vec<Source> {
    sources
        .iter()
        .map(|s| Source {
            title: s.title.trim().to_owned(),
            url: s.url.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(str::to_owned),
        })
        .filter(|s| !s.title.is_empty() || s.url.is_some())
        .collect()
}

/// The definition as it is saved: documents one per line, blank lines dropped.
fn cleaned(definition: &SituationDefinition) -> SituationDefinition {
    let mut clean = definition.clone();
    for step in &mut clean.steps {
        step.documents = step.documents.iter().map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect();
        step.sources = cleaned_sources(&step.sources);
    }
    clean.sources = cleaned_sources(&clean.sources);
    clean
}

/// Every problem of a definition the browser can find by itself: the form's and the engine's.
fn local_problems(definition: &SituationDefinition) -> Vec<FieldError> {
    let clean = cleaned(definition);
    let mut problems = clean.form_errors();
    problems.extend(clean.problems());
    problems
}

/// The element a problem is fixed at: `steps[0].documents[2]` is the documents box.
fn part_id(field: &str) -> String {
    let trimmed = match field.rfind('[') {
        Some(at) if field.ends_with(']') && field[at + 1..field.len() - 1].chars().all(|c| c.is_ascii_digit()) => &field[..at],
        _ => field,
    };
    field_id(trimmed)
}

/// «Жизненные ситуации»: every situation with its versions, and a new one.
#[component]
pub fn SituationsPage() -> impl IntoView {
    focus_heading();
    let session = use_session();
    let list = LocalResource::new(move || async move { session.client().authored_situations().await.map_err(Failure::from) });
    let (title, slug) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    // The code follows the title until the editor changes it.
    let slug_edited = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let navigate = use_navigate();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let definition = blank(slug.get_untracked().trim().to_owned(), title.get_untracked().trim().to_owned());
        let mut found: Vec<FieldError> = definition.form_errors().into_iter().filter(|e| e.field == "slug" || e.field == "title").collect();
        let taken = list.get_untracked().and_then(Result::ok).is_some_and(|l| l.iter().any(|s| s.slug == definition.slug));
        if taken {
            found.push(FieldError::new("slug", "taken", "Ситуация с таким кодом уже есть: откройте её в списке выше."));
        }
        if !found.is_empty() {
            errors.set(found);
            return;
        }
        let navigate = navigate.clone();
        leptos::task::spawn_local(async move {
            match session.client().create_situation_version(&definition).await {
                Ok(created) => navigate(&format!("/cabinet/backoffice/situations/{}", created.definition.slug), Default::default()),
                Err(e) => errors.set(errors_of(&e)),
            }
        });
    };
    let on_title = Callback::new(move |v: String| {
        if !slug_edited.get_untracked() {
            slug.set(Slug::from_title(&v, "situation").as_str().to_owned());
        }
        title.set(v);
    });
    let on_slug = Callback::new(move |v: String| {
        slug_edited.set(true);
        slug.set(v);
    });
    view! {
        <h1 tabindex="-1">"Жизненные ситуации"</h1>
        <p>"Алгоритм ситуации — вопросы и шаги. Граждане видят опубликованную версию, пока не опубликована следующая."</p>
        {move || match list.get() {
            None => view! { <p class="status" role="status">"Загрузка…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="error" role="alert"><p>{e.message}</p></div> }.into_any(),
            Some(Ok(list)) => view! {
                <table>
                    <caption>{format!("Ситуаций: {}", list.len())}</caption>
                    <thead><tr><th scope="col">"Ситуация"</th><th scope="col">"Опубликована"</th><th scope="col">"Последняя версия"</th></tr></thead>
                    <tbody>{list.into_iter().map(|s| view! {
                        <tr>
                            <th scope="row"><a href=format!("/cabinet/backoffice/situations/{}", s.slug)>{s.title}</a>" ("{s.slug}")"</th>
                            <td>{s.published.map_or_else(|| "нет".to_owned(), |n| format!("версия {n}"))}</td>
                            <td>{format!("версия {}", s.latest)}</td>
                        </tr>
                    }).collect_view()}</tbody>
                </table>
            }.into_any(),
        }}
        <h2>"Новая ситуация"</h2>
        <super::forms::ErrorSummary errors />
        <form on:submit=create novalidate>
            <TextField field="title" label="Название" hint="Как человек назвал бы свою ситуацию: «Рождение ребёнка»"
                value=title.into() on_input=on_title errors />
            <TextField field="slug" label="Код в адресе" hint="Латиница, цифры и дефисы; потом не меняется"
                value=slug.into() on_input=on_slug errors />
            <p><button type="submit" id="create-situation">"Создать черновик"</button></p>
        </form>
    }
}

/// One situation: its versions and the editor of the one opened.
#[component]
pub fn SituationEditorPage() -> impl IntoView {
    focus_heading();
    let session = use_session();
    let slug = use_params_map().get_untracked().get("slug").unwrap_or_default();
    let loaded = LocalResource::new(move || {
        let slug = slug.clone();
        let load = async move {
            let client = session.client();
            let versions = client.situation_versions(&slug).await?;
            let others = client.authored_situations().await?;
            let c = client;
            let (categories, groups) = (c.categories().await?, c.target_groups().await?);
            let categories = categories.into_iter().flat_map(|g| g.children.into_iter().map(|c| (c.slug, c.name))).collect();
            let groups = groups.into_iter().map(|g| (g.slug, g.name)).collect();
            let situations = others.into_iter().filter(|s| s.slug != slug).map(|s| (s.slug, s.title)).collect();
            Ok::<_, socio_client::ClientError>((versions, Reference { categories, groups, situations }))
        };
        async move { load.await.map_err(Failure::from) }
    });
    view! {
        <h1 tabindex="-1">"Редактор ситуации"</h1>
        <p><a href="/cabinet/backoffice/situations">"Все ситуации"</a></p>
        {move || match loaded.get() {
            None => view! { <p class="status" role="status">"Загрузка…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="error" role="alert"><p>{e.message}</p></div> }.into_any(),
            Some(Ok((versions, _))) if versions.is_empty() => view! { <p>"Такой ситуации нет."</p> }.into_any(),
            Some(Ok((versions, reference))) => view! { <Editor versions reference /> }.into_any(),
        }}
    }
}

/// The directory's codes an editor picks from, as (code, name).
#[derive(Clone, Default)]
struct Reference {
    categories: Vec<(String, String)>,
    groups: Vec<(String, String)>,
    situations: Vec<(String, String)>,
}

/// The editor's signals, shared by every part of the form.
#[derive(Clone, Copy)]
struct EditorState {
    draft: RwSignal<SituationDefinition>,
    /// Bumped when a list changes shape: the lists are drawn again from the draft.
    shape: RwSignal<u32>,
    /// Conditions the editor chose to write as JSON, by part.
    as_json: RwSignal<BTreeSet<String>>,
    /// Problems at their parts: the browser's own checks, and the server's last answer.
    problems: RwSignal<Vec<FieldError>>,
    editable: Signal<bool>,
}

impl EditorState {
    fn edit(&self, change: impl FnOnce(&mut SituationDefinition)) {
        self.draft.update(change);
    }

    /// A change of shape: draws the lists again, and gives the focus back to the control that
    /// had it (a select that changed a question's kind stays focused).
    fn reshape(&self, change: impl FnOnce(&mut SituationDefinition)) {
        let focused = document().active_element().map(|e| e.id()).filter(|id| !id.is_empty());
        self.draft.update(change);
        self.shape.update(|n| *n += 1);
        if let Some(id) = focused {
            request_animation_frame(move || {
                if let Some(el) = document().get_element_by_id(&id)
                    && let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el)
                {
                    let _ = el.focus();
                }
            });
        }
    }

    /// A text of the draft as a field's value and its setter.
    fn text(
        self,
        get: impl Fn(&SituationDefinition) -> Option<String> + Send + Sync + 'static,
        set: impl Fn(&mut SituationDefinition, String) + Send + Sync + 'static,
    ) -> (Signal<String>, Callback<String>) {
        let draft = self.draft;
        (Signal::derive(move || draft.with(|d| get(d).unwrap_or_default())), Callback::new(move |v| draft.update(|d| set(d, v))))
    }

    /// The problems found exactly at `part` (not at its fields).
    fn at(self, part: String) -> impl Fn() -> Vec<String> + Send + Sync + 'static {
        move || self.problems.with(|all| all.iter().filter(|p| p.field == part).map(|p| p.detail.clone()).collect())
    }
}

/// The problems at a part, in Russian, where the editor fixes it.
#[component]
fn PartProblems(problems: impl Fn() -> Vec<String> + Send + Sync + 'static) -> impl IntoView {
    move || problems().into_iter().map(|p| view! { <p class="field-error">{p}</p> }).collect_view()
}

#[component]
fn Editor(versions: Vec<SituationVersion>, reference: Reference) -> impl IntoView {
    let session = use_session();
    let versions = RwSignal::new(versions);
    let opened = RwSignal::new(versions.with_untracked(|v| v[0].id));
    let current = move || versions.with(|list| list.iter().find(|v| v.id == opened.get()).cloned());
    let first = versions.with_untracked(|v| v[0].clone());
    let saved = RwSignal::new(first.definition.clone());
    let server = RwSignal::new(first.problems.clone());
    let editable = Signal::derive(move || current().is_some_and(|v| v.status == VersionStatus::Draft));
    let state = EditorState {
        draft: RwSignal::new(first.definition),
        shape: RwSignal::new(0),
        as_json: RwSignal::new(BTreeSet::new()),
        problems: RwSignal::new(Vec::new()),
        editable,
    };
    // The browser's checks as the editor types; the server's (unknown codes) while the draft is
    // what the server checked.
    Effect::new(move |_| {
        let draft = state.draft.get();
        let mut all = local_problems(&draft);
        if cleaned(&draft) == saved.get() {
            for p in server.get() {
                if !all.iter().any(|a| a.field == p.field && a.detail == p.detail) {
                    all.push(p);
                }
            }
        }
        state.problems.set(all);
    });
    let notice = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let open = move |version: SituationVersion| {
        opened.set(version.id);
        saved.set(version.definition.clone());
        server.set(version.problems.clone());
        state.reshape(|d| *d = version.definition);
        notice.set(None);
        failure.set(None);
    };
    let refresh = move |then_open: i64, message: String| {
        let slug = state.draft.with_untracked(|d| d.slug.clone());
        leptos::task::spawn_local(async move {
            match session.client().situation_versions(&slug).await {
                Ok(list) => {
                    let chosen = list.iter().find(|v| v.id == then_open).cloned();
                    versions.set(list);
                    if let Some(chosen) = chosen {
                        open(chosen);
                    }
                    notice.set(Some(message));
                }
                Err(e) => failure.set(Some(Failure::from(e).message)),
            }
        });
    };
    // Saves the draft when it changed; `then` runs with the saved version.
    let save = move |then: Box<dyn FnOnce(SituationVersion)>| {
        let Some(version) = current() else { return };
        let definition = cleaned(&state.draft.get_untracked());
        if definition == version.definition {
            then(version);
            return;
        }
        leptos::task::spawn_local(async move {
            match session.client().save_situation_version(version.id, version.version, &definition).await {
                Ok(fresh) => {
                    saved.set(fresh.definition.clone());
                    server.set(fresh.problems.clone());
                    versions.update(|list| {
                        if let Some(slot) = list.iter_mut().find(|v| v.id == fresh.id) {
                            *slot = fresh.clone();
                        }
                    });
                    failure.set(None);
                    then(fresh);
                }
                Err(e) if e.problem().is_some_and(|p| p.status == 412) => failure.set(Some(
                    "Этот черновик за это время сохранил другой редактор. Ваши правки не сохранены: скопируйте их и обновите страницу."
                        .to_owned(),
                )),
                Err(e) => {
                    server.set(errors_of(&e));
                    failure.set(Some("Черновик не сохранён: исправьте ошибки, отмеченные в форме.".to_owned()));
                }
            }
        });
    };
    let save_draft =
        move |_: leptos::ev::MouseEvent| save(Box::new(move |v| notice.set(Some(format!("Черновик сохранён (версия {}).", v.number)))));
    let publish = move |_: leptos::ev::MouseEvent| {
        save(Box::new(move |v| {
            let (id, number) = (v.id, v.number);
            leptos::task::spawn_local(async move {
                match session.client().publish_situation_version(id).await {
                    Ok(_) => refresh(id, format!("Опубликовано: граждане видят версию {number}.")),
                    Err(e) => {
                        server.set(errors_of(&e));
                        failure.set(Some(Failure::from(e).message));
                    }
                }
            });
        }));
    };
    let restore = move |id: i64| {
        leptos::task::spawn_local(async move {
            match session.client().restore_situation_version(id).await {
                Ok(draft) => refresh(draft.id, format!("Создан черновик: версия {}. Правьте и публикуйте.", draft.number)),
                Err(e) => failure.set(Some(Failure::from(e).message)),
            }
        });
    };
    let dirty = move || cleaned(&state.draft.get()) != saved.get();
    let problem_count = move || state.problems.with(Vec::len);
    let slug = state.draft.with_untracked(|d| d.slug.clone());
    view! {
        <p>
            {move || current().map(|v| format!("«{}», версия {} — {}", v.definition.title, v.number, v.status.label().to_lowercase()))}
            " · "<a href=format!("/situations/{slug}") rel="external">"Страница для граждан"</a>
        </p>
        <p class="status" role="status" id="editor-status">{move || notice.get()}</p>
        {move || failure.get().map(|f| view! { <div class="error" role="alert"><p>{f}</p></div> })}
        <ProblemSummary state />
        {move || (!editable.get()).then(|| {
            let id = opened.get();
            view! {
                <div class="notice">
                    <p>"Эта версия уже была опубликована и не меняется. Чтобы изменить ситуацию, создайте из неё черновик."</p>
                    <p><button type="button" id="restore-opened" on:click=move |_| restore(id)>"Создать черновик из этой версии"</button></p>
                </div>
            }
        })}
        <div class="editor-grid">
            <form on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default() novalidate>
                <fieldset class="plain" disabled=move || !editable.get()>
                    <MainPart state reference=reference.clone() />
                    <QuestionsPart state />
                    <StepsPart state categories=reference.categories.clone() />
                </fieldset>
            </form>
            <Preview state />
        </div>
        {move || editable.get().then(|| view! {
            <div class="actions">
                <p>{move || if dirty() { "Есть несохранённые изменения." } else { "Все изменения сохранены." }}</p>
                <p>
                    <button type="button" class="secondary" id="save-draft" on:click=save_draft>"Сохранить черновик"</button>
                    " "
                    <button type="button" id="publish" disabled=move || { problem_count() > 0 } aria-describedby="publish-hint" on:click=publish>"Опубликовать"</button>
                </p>
                <p class="hint" id="publish-hint">{move || match problem_count() {
                    0 => "Ошибок нет: после публикации граждане сразу увидят эту версию.".to_owned(),
                    n => format!("Опубликовать можно, когда ошибок не останется (сейчас: {n})."),
                }}</p>
            </div>
        })}
        <h2>"Версии"</h2>
        <table>
            <caption>"Новые первыми"</caption>
            <thead><tr><th scope="col">"Версия"</th><th scope="col">"Состояние"</th><th scope="col">"Автор"</th><th scope="col">"Создана"</th><th scope="col">"Действия"</th></tr></thead>
            <tbody>{move || versions.get().into_iter().map(|v| {
                let is_open = move || opened.get() == v.id;
                let (to_open, id, number) = (v.clone(), v.id, v.number);
                view! {
                    <tr>
                        <th scope="row">{format!("Версия {}", v.number)}</th>
                        <td>{v.status.label()}{v.published_at.map(|t| format!(", {}", t.format("%d.%m.%Y")))}</td>
                        <td>{v.author_email.clone().unwrap_or_else(|| "демонстрационные данные".to_owned())}</td>
                        <td>{v.created_at.format("%d.%m.%Y %H:%M").to_string()}</td>
                        <td>
                            {move || if is_open() {
                                view! { <span>"Открыта"</span> }.into_any()
                            } else {
                                let to_open = to_open.clone();
                                view! { <button type="button" class="secondary" id=format!("open-version-{number}") on:click=move |_| open(to_open.clone())>{format!("Открыть версию {number}")}</button> }.into_any()
                            }}
                            {(v.status != VersionStatus::Draft).then(|| view! {
                                " "<button type="button" class="secondary" id=format!("restore-version-{number}") on:click=move |_| restore(id)>{format!("Восстановить версию {number} как черновик")}</button>
                            })}
                        </td>
                    </tr>
                }
            }).collect_view()}</tbody>
        </table>
    }
}

/// «Что мешает опубликовать»: every problem, each a link to its part.
#[component]
fn ProblemSummary(state: EditorState) -> impl IntoView {
    move || {
        let problems = state.problems.get();
        if !state.editable.get() {
            return None;
        }
        Some(if problems.is_empty() {
            view! { <p class="success" id="no-problems">"Ошибок нет: ситуацию можно публиковать."</p> }.into_any()
        } else {
            view! {
                <div class="error" id="problem-summary" aria-labelledby="problem-summary-title">
                    <h2 id="problem-summary-title">{format!("Что мешает опубликовать: {}", problems.len())}</h2>
                    <ul>{problems.into_iter().map(|p| view! { <li><a href=format!("#{}", part_id(&p.field))>{p.detail}</a></li> }).collect_view()}</ul>
                </div>
            }
            .into_any()
        })
    }
}

#[component]
fn MainPart(state: EditorState, reference: Reference) -> impl IntoView {
    let errors = state.problems;
    let (title, set_title) = state.text(|d| Some(d.title.clone()), |d, v| d.title = v);
    let (summary, set_summary) = state.text(|d| Some(d.summary.clone()), |d, v| d.summary = v);
    let (description, set_description) = state.text(|d| Some(d.description.clone()), |d, v| d.description = v);
    let (sources, set_sources) = state.text(|d| Some(sources_text(&d.sources)), |d, v| d.sources = sources_of(&v));
    let draft = state.draft;
    let codes = move |get: fn(&SituationDefinition) -> Vec<String>, put: fn(&mut SituationDefinition, Vec<String>)| {
        (Signal::derive(move || draft.with(get)), Callback::new(move |v| draft.update(|d| put(d, v))))
    };
    let (groups, set_groups) = codes(|d| d.target_groups.clone(), |d, v| d.target_groups = v);
    let (categories, set_categories) = codes(|d| d.categories.clone(), |d, v| d.categories = v);
    let (related, set_related) = codes(|d| d.related.clone(), |d, v| d.related = v);
    view! {
        <h2>"О ситуации"</h2>
        <TextField field="title" label="Название" value=title on_input=set_title errors />
        <TextField field="summary" label="Коротко" hint="Одно предложение: что человек получит в итоге" value=summary on_input=set_summary errors />
        <TextField field="description" label="Подробно" multiline=true value=description on_input=set_description errors />
        <TextField field="sources" label="Основные законы и страницы ведомств" hint=SOURCES_HINT multiline=true value=sources on_input=set_sources errors />
        <details>
            <summary>"Кого касается, категории услуг, связанные ситуации"</summary>
            <Checkboxes field="target_groups" legend="Кого касается" options=reference.groups selected=groups on_change=set_groups errors />
            <Checkboxes field="categories" legend="Категории услуг" options=reference.categories selected=categories on_change=set_categories errors />
            <Checkboxes field="related" legend="Связанные ситуации" options=reference.situations selected=related on_change=set_related errors />
        </details>
    }
}

const KINDS: [(QuestionKind, &str, &str); 4] = [
    (QuestionKind::YesNo, "yes_no", "Да или нет"),
    (QuestionKind::Single, "single", "Один вариант из списка"),
    (QuestionKind::Multiple, "multiple", "Несколько вариантов из списка"),
    (QuestionKind::Number, "number", "Число (например, возраст)"),
];

/// A key for a new question that no other question has.
fn free_key(questions: &[Question]) -> String {
    (1..).map(|n| format!("q{n}")).find(|k| !questions.iter().any(|q| &q.key == k)).unwrap_or_default()
}

/// Every condition of the definition: the questions' and the steps'.
fn each_condition(definition: &mut SituationDefinition, mut change: impl FnMut(&mut Condition)) {
    let asked = definition.questions.iter_mut().filter_map(|q| q.ask_if.as_mut());
    asked.chain(definition.steps.iter_mut().filter_map(|s| s.condition.as_mut())).for_each(&mut change);
}

/// Sets option `j` of question `i` to `value`; the conditions that compare with the old value
/// follow it (unless another option of the question has the old or the new value).
fn set_option_value(definition: &mut SituationDefinition, i: usize, j: usize, value: String) {
    let question = &mut definition.questions[i];
    let key = question.key.clone();
    let shared = |value: &str| question.options.iter().enumerate().any(|(n, o)| n != j && o.value == value);
    let follow = !shared(&question.options[j].value) && !shared(&value);
    let old = std::mem::replace(&mut question.options[j].value, value.clone());
    if follow && !old.is_empty() {
        each_condition(definition, |c| c.rename_value(&key, &old, &value));
    }
}

/// An option's value from its label, while the editor has not written one.
fn value_from(label: &str) -> String {
    Slug::from_title(label, "").as_str().replace('-', "_")
}

#[component]
fn QuestionsPart(state: EditorState) -> impl IntoView {
    let add = move |_| {
        state.reshape(|d| {
            let key = free_key(&d.questions);
            d.questions.push(Question {
                key,
                text: String::new(),
                help: None,
                kind: QuestionKind::YesNo,
                options: Vec::new(),
                min: None,
                max: None,
                ask_if: None,
            });
        });
    };
    view! {
        <h2 id=field_id("questions")>"Вопросы"</h2>
        <p class="hint">"Человек отвечает по одному вопросу; от ответов зависит, какие шаги ему нужны."</p>
        <PartProblems problems=state.at("questions".into()) />
        {move || {
            state.shape.track();
            let count = state.draft.with_untracked(|d| d.questions.len());
            (0..count).map(|i| view! { <QuestionEditor state i count /> }).collect_view()
        }}
        <p><button type="button" class="secondary" id="add-question" on:click=add>"Добавить вопрос"</button></p>
    }
}

/// «Выше», «Ниже», «Удалить» for item `i` of `count` in a list of the draft.
#[component]
fn ListButtons<T: 'static>(
    state: EditorState,
    /// The start of the buttons' ids (`q0-up`, `s2-remove`).
    prefix: &'static str,
    /// What an item is called: «Вопрос», «Шаг».
    noun: &'static str,
    i: usize,
    count: usize,
    list: fn(&mut SituationDefinition) -> &mut Vec<T>,
) -> impl IntoView {
    let lower = noun.to_lowercase();
    view! {
        <p class="buttons">
            {(i > 0).then(|| view! { <button type="button" class="secondary" id=format!("{prefix}{i}-up") on:click=move |_| state.reshape(|d| shift(list(d), i, -1))>{format!("{noun} {}: выше", i + 1)}</button> })}
            {(i + 1 < count).then(|| view! { <button type="button" class="secondary" id=format!("{prefix}{i}-down") on:click=move |_| state.reshape(|d| shift(list(d), i, 1))>{format!("{noun} {}: ниже", i + 1)}</button> })}
            <button type="button" class="secondary" id=format!("{prefix}{i}-remove") on:click=move |_| state.reshape(|d| { list(d).remove(i); })>{format!("Удалить {lower} {}", i + 1)}</button>
        </p>
    }
}

/// Moves item `i` of a list by `by` places (−1 up, +1 down).
fn shift<T>(list: &mut [T], i: usize, by: isize) {
    if let Some(j) = i.checked_add_signed(by).filter(|j| *j < list.len()) {
        list.swap(i, j);
    }
}

#[component]
fn QuestionEditor(state: EditorState, i: usize, count: usize) -> impl IntoView {
    let errors = state.problems;
    let part = format!("questions[{i}]");
    let question = move |d: &SituationDefinition| d.questions.get(i).cloned();
    let Some(initial) = state.draft.with_untracked(question) else { return ().into_any() };
    let (text, set_text) = state.text(move |d| d.questions.get(i).map(|q| q.text.clone()), move |d, v| d.questions[i].text = v);
    let (key, set_key) = state.text(
        move |d| d.questions.get(i).map(|q| q.key.clone()),
        // The conditions on this question follow its new key, unless another question has the
        // old or the new one (their conditions are not this question's).
        move |d, v| {
            let shared = |d: &SituationDefinition, key: &str| d.questions.iter().enumerate().any(|(n, q)| n != i && q.key == key);
            let follow = !shared(d, &d.questions[i].key) && !shared(d, &v);
            let old = std::mem::replace(&mut d.questions[i].key, v.clone());
            if follow {
                each_condition(d, |c| c.rename_question(&old, &v));
            }
        },
    );
    let (help, set_help) = state.text(
        move |d| d.questions.get(i).and_then(|q| q.help.clone()),
        move |d, v| d.questions[i].help = Some(v).filter(|h| !h.trim().is_empty()),
    );
    let number = |n: Option<f64>| n.map(|n| n.to_string());
    let (min, set_min) =
        state.text(move |d| d.questions.get(i).and_then(|q| number(q.min)), move |d, v| d.questions[i].min = v.trim().parse().ok());
    let (max, set_max) =
        state.text(move |d| d.questions.get(i).and_then(|q| number(q.max)), move |d, v| d.questions[i].max = v.trim().parse().ok());
    let kind_id = field_id(&format!("{part}.kind"));
    let heading = move || {
        state.draft.with(|d| d.questions.get(i).map(|q| q.text.clone())).filter(|t| !t.is_empty()).unwrap_or_else(|| "новый".to_owned())
    };
    let choice = matches!(initial.kind, QuestionKind::Single | QuestionKind::Multiple);
    let earlier = Signal::derive(move || state.draft.with(|d| d.questions[..i.min(d.questions.len())].to_vec()));
    view! {
        <fieldset class="card" id=field_id(&part)>
            <legend>{move || format!("Вопрос {}: {}", i + 1, heading())}</legend>
            <PartProblems problems=state.at(part.clone()) />
            <TextField field=format!("{part}.text") label="Текст вопроса" hint="Простыми словами, как спросили бы вслух" value=text on_input=set_text errors />
            <TextField field=format!("{part}.key") label="Ключ вопроса" hint="Латиница и «_»; по нему условия ссылаются на ответ" value=key on_input=set_key errors />
            <TextField field=format!("{part}.help") label="Подсказка (необязательно)" value=help on_input=set_help errors />
            <div class="field">
                <label for=kind_id.clone()>"Тип ответа"</label>
                <select id=kind_id on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    if let Some((kind, _, _)) = KINDS.iter().find(|(_, code, _)| *code == chosen) {
                        state.reshape(|d| d.questions[i].kind = *kind);
                    }
                }>
                    {KINDS.iter().map(|(kind, code, label)| view! { <option value=*code selected=*kind == initial.kind>{*label}</option> }).collect_view()}
                </select>
            </div>
            {choice.then(|| view! { <OptionsEditor state i /> })}
            {(initial.kind == QuestionKind::Number).then(|| view! {
                <TextField field=format!("{part}.min") label="Наименьшее число" kind="number" value=min on_input=set_min errors />
                <TextField field=format!("{part}.max") label="Наибольшее число" kind="number" value=max on_input=set_max errors />
            })}
            <ConditionEditor state part=format!("{part}.ask_if") legend="Когда задавать вопрос" always="Всегда"
                questions=earlier
                get=move |d: &SituationDefinition| d.questions.get(i).and_then(|q| q.ask_if.clone())
                set=move |d: &mut SituationDefinition, c| d.questions[i].ask_if = c />
            <ListButtons state prefix="q" noun="Вопрос" i count list=|d| &mut d.questions />
        </fieldset>
    }
    .into_any()
}

#[component]
fn OptionsEditor(state: EditorState, i: usize) -> impl IntoView {
    let errors = state.problems;
    let part = format!("questions[{i}].options");
    let count = state.draft.with_untracked(|d| d.questions[i].options.len());
    let add = move |_| state.reshape(|d| d.questions[i].options.push(QuestionOption { value: String::new(), label: String::new() }));
    view! {
        <fieldset id=field_id(&part)>
            <legend>"Варианты ответа"</legend>
            <PartProblems problems=state.at(part.clone()) />
            {(0..count).map(|j| {
                let (label, set_label) = state.text(
                    move |d| d.questions.get(i).and_then(|q| q.options.get(j)).map(|o| o.label.clone()),
                    move |d, v| {
                        let option = &mut d.questions[i].options[j];
                        // The value follows the label until the editor writes their own.
                        if option.value.is_empty() || option.value == value_from(&option.label) {
                            let value = value_from(&v);
                            set_option_value(d, i, j, value);
                        }
                        d.questions[i].options[j].label = v;
                    },
                );
                let (value, set_value) = state.text(
                    move |d| d.questions.get(i).and_then(|q| q.options.get(j)).map(|o| o.value.clone()),
                    move |d, v| set_option_value(d, i, j, v),
                );
                view! {
                    <div class="option-row">
                        <TextField field=format!("{part}[{j}].label") label=format!("Вариант {}: текст", j + 1) value=label on_input=set_label errors />
                        <TextField field=format!("{part}[{j}].value") label=format!("Вариант {}: значение", j + 1) hint="Латиница и «_», для условий" value on_input=set_value errors />
                        <p><button type="button" class="secondary" id=format!("q{i}-option{j}-remove") on:click=move |_| state.reshape(|d| { d.questions[i].options.remove(j); })>{format!("Убрать вариант {}", j + 1)}</button></p>
                    </div>
                }
            }).collect_view()}
            <p><button type="button" class="secondary" id=format!("q{i}-add-option") on:click=add>"Добавить вариант"</button></p>
        </fieldset>
    }
}

#[component]
fn StepsPart(state: EditorState, categories: Vec<(String, String)>) -> impl IntoView {
    let add = move |_| {
        state.reshape(|d| {
            d.steps.push(StepDefinition {
                title: String::new(),
                body: String::new(),
                documents: Vec::new(),
                categories: Vec::new(),
                deadline: None,
                condition: None,
                sources: Vec::new(),
            })
        });
    };
    view! {
        <h2 id=field_id("steps")>"Шаги"</h2>
        <p class="hint">"По порядку. Шаг без условия нужен всем; шаг с условием — только при таких ответах."</p>
        <PartProblems problems=state.at("steps".into()) />
        {move || {
            state.shape.track();
            let count = state.draft.with_untracked(|d| d.steps.len());
            (0..count).map(|i| view! { <StepEditor state i count categories=categories.clone() /> }).collect_view()
        }}
        <p><button type="button" class="secondary" id="add-step" on:click=add>"Добавить шаг"</button></p>
    }
}

#[component]
fn StepEditor(state: EditorState, i: usize, count: usize, categories: Vec<(String, String)>) -> impl IntoView {
    let errors = state.problems;
    let part = format!("steps[{i}]");
    let (title, set_title) = state.text(move |d| d.steps.get(i).map(|s| s.title.clone()), move |d, v| d.steps[i].title = v);
    let (body, set_body) = state.text(move |d| d.steps.get(i).map(|s| s.body.clone()), move |d, v| d.steps[i].body = v);
    let (documents, set_documents) = state.text(
        move |d| d.steps.get(i).map(|s| s.documents.join("\n")),
        // Kept line by line as typed (an empty last line is where the next document goes).
        move |d, v| d.steps[i].documents = v.split('\n').map(str::to_owned).collect(),
    );
    let (sources, set_sources) =
        state.text(move |d| d.steps.get(i).map(|s| sources_text(&s.sources)), move |d, v| d.steps[i].sources = sources_of(&v));
    let (deadline, set_deadline) = state.text(
        move |d| d.steps.get(i).and_then(|s| s.deadline.clone()),
        move |d, v| d.steps[i].deadline = Some(v).filter(|t| !t.trim().is_empty()),
    );
    let draft = state.draft;
    let chosen = Signal::derive(move || draft.with(|d| d.steps.get(i).map(|s| s.categories.clone()).unwrap_or_default()));
    let set_chosen = Callback::new(move |v| draft.update(|d| d.steps[i].categories = v));
    let all_questions = Signal::derive(move || draft.with(|d| d.questions.clone()));
    let heading =
        move || draft.with(|d| d.steps.get(i).map(|s| s.title.clone())).filter(|t| !t.is_empty()).unwrap_or_else(|| "новый".to_owned());
    view! {
        <fieldset class="card" id=field_id(&part)>
            <legend>{move || format!("Шаг {}: {}", i + 1, heading())}</legend>
            <PartProblems problems=state.at(part.clone()) />
            <TextField field=format!("{part}.title") label="Что сделать" hint="Коротко: «Получить направление на МСЭ»" value=title on_input=set_title errors />
            <TextField field=format!("{part}.body") label="Как это сделать" multiline=true value=body on_input=set_body errors />
            <TextField field=format!("{part}.documents") label="Документы" hint="Каждый документ с новой строки" multiline=true value=documents on_input=set_documents errors />
            <TextField field=format!("{part}.deadline") label="Срок (необязательно)" hint="Например: «в течение 6 месяцев после рождения»" value=deadline on_input=set_deadline errors />
            <TextField field=format!("{part}.sources") label="Основание" hint=SOURCES_HINT multiline=true value=sources on_input=set_sources errors />
            <details>
                <summary>{move || format!("Какие услуги помогают на этом шаге: выбрано {}", chosen.get().len())}</summary>
                <Checkboxes field=format!("{part}.categories") legend="Категории услуг шага" hint="По ним подбираются организации города" options=categories selected=chosen on_change=set_chosen errors />
            </details>
            <ConditionEditor state part=format!("{part}.condition") legend="Когда нужен шаг" always="Всем"
                questions=all_questions
                get=move |d: &SituationDefinition| d.steps.get(i).and_then(|s| s.condition.clone())
                set=move |d: &mut SituationDefinition, c| d.steps[i].condition = c />
            <ListButtons state prefix="s" noun="Шаг" i count list=|d| &mut d.steps />
        </fieldset>
    }
}

/// How a clause compares the answer.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Compare {
    Is,
    IsNot,
    OneOf,
    Between,
}

impl Compare {
    const ALL: [(Compare, &'static str, &'static str); 4] = [
        (Compare::Is, "is", "равен"),
        (Compare::IsNot, "is_not", "не равен"),
        (Compare::OneOf, "one_of", "один из"),
        (Compare::Between, "between", "в пределах"),
    ];

    /// The comparisons that make sense for a kind of question.
    fn fits(self, kind: Option<QuestionKind>) -> bool {
        match kind {
            Some(QuestionKind::YesNo) => self == Compare::Is,
            Some(QuestionKind::Single | QuestionKind::Multiple) => self != Compare::Between,
            Some(QuestionKind::Number) => matches!(self, Compare::Is | Compare::Between),
            None => true,
        }
    }
}

/// One comparison of a condition built in the form.
#[derive(Debug, Clone, PartialEq)]
struct Clause {
    question: String,
    compare: Compare,
    values: Vec<Scalar>,
    min: Option<f64>,
    max: Option<f64>,
}

impl Clause {
    /// A clause on `question` with a first sensible value.
    fn on(question: &Question) -> Self {
        let value = match question.kind {
            QuestionKind::YesNo => Scalar::Bool(true),
            QuestionKind::Number => Scalar::Number(question.min.unwrap_or(0.0)),
            QuestionKind::Single | QuestionKind::Multiple => {
                Scalar::Text(question.options.first().map(|o| o.value.clone()).unwrap_or_default())
            }
        };
        let compare = if question.kind == QuestionKind::Number { Compare::Between } else { Compare::Is };
        Clause { question: question.key.clone(), compare, values: vec![value], min: question.min, max: question.max }
    }

    fn read(condition: &Condition) -> Option<Self> {
        let clause =
            |question: &String, compare, values: Vec<Scalar>| Clause { question: question.clone(), compare, values, min: None, max: None };
        match condition {
            Condition::Equals { question, value } => Some(clause(question, Compare::Is, vec![value.clone()])),
            Condition::Not(inner) => match inner.as_ref() {
                Condition::Equals { question, value } => Some(clause(question, Compare::IsNot, vec![value.clone()])),
                _ => None,
            },
            Condition::In { question, values } => Some(clause(question, Compare::OneOf, values.clone())),
            Condition::Range { question, min, max } => {
                Some(Clause { min: *min, max: *max, ..clause(question, Compare::Between, Vec::new()) })
            }
            Condition::All(_) | Condition::Any(_) => None,
        }
    }

    fn condition(&self) -> Condition {
        let question = self.question.clone();
        let first = self.values.first().cloned().unwrap_or(Scalar::Bool(true));
        match self.compare {
            Compare::Is => Condition::Equals { question, value: first },
            Compare::IsNot => Condition::Not(Box::new(Condition::Equals { question, value: first })),
            Compare::OneOf => Condition::In { question, values: self.values.clone() },
            Compare::Between => Condition::Range { question, min: self.min, max: self.max },
        }
    }
}

/// A condition as the form shows it: all or any of plain comparisons. `None` when it is more
/// complex (nested), and the editor writes it as JSON.
fn clauses_of(condition: &Condition) -> Option<(bool, Vec<Clause>)> {
    match condition {
        Condition::All(parts) => parts.iter().map(Clause::read).collect::<Option<Vec<_>>>().map(|c| (false, c)),
        Condition::Any(parts) => parts.iter().map(Clause::read).collect::<Option<Vec<_>>>().map(|c| (true, c)),
        other => Clause::read(other).map(|c| (false, vec![c])),
    }
}

fn condition_of(any: bool, clauses: &[Clause]) -> Option<Condition> {
    let mut parts: Vec<Condition> = clauses.iter().map(Clause::condition).collect();
    match parts.len() {
        0 => None,
        1 => parts.pop(),
        _ if any => Some(Condition::Any(parts)),
        _ => Some(Condition::All(parts)),
    }
}

fn scalar_code(value: &Scalar) -> String {
    match value {
        Scalar::Bool(true) => "yes".to_owned(),
        Scalar::Bool(false) => "no".to_owned(),
        Scalar::Number(n) => n.to_string(),
        Scalar::Text(t) => t.clone(),
    }
}

/// What of the questions a condition's controls show: drawn again when it changes (a new
/// option, a renamed key), which typing elsewhere in the form does not.
fn layout_of(questions: &[Question]) -> Vec<(String, QuestionKind, Vec<QuestionOption>, String)> {
    questions.iter().map(|q| (q.key.clone(), q.kind, q.options.clone(), q.text.clone())).collect()
}

/// «Когда задавать вопрос» / «Когда нужен шаг»: always, all or any of comparisons, or JSON.
#[component]
fn ConditionEditor(
    state: EditorState,
    part: String,
    legend: &'static str,
    always: &'static str,
    questions: Signal<Vec<Question>>,
    get: impl Fn(&SituationDefinition) -> Option<Condition> + Copy + Send + Sync + 'static,
    set: impl Fn(&mut SituationDefinition, Option<Condition>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let layout = Memo::new(move |_| questions.with(|q| layout_of(q)));
    move || {
        // Read, not only tracked: a memo computes (and learns its sources) when read.
        layout.with(|_| ());
        view! { <ConditionForm state part=part.clone() legend always questions get set /> }
    }
}

#[component]
fn ConditionForm(
    state: EditorState,
    /// Where the condition lives: `questions[2].ask_if`, `steps[0].condition`.
    part: String,
    legend: &'static str,
    /// The word for «no condition».
    always: &'static str,
    /// The questions the condition may read.
    questions: Signal<Vec<Question>>,
    get: impl Fn(&SituationDefinition) -> Option<Condition> + Copy + Send + Sync + 'static,
    set: impl Fn(&mut SituationDefinition, Option<Condition>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = field_id(&part);
    let condition = state.draft.with_untracked(get);
    let json = state.as_json.with_untracked(|set| set.contains(&part));
    let built = condition.as_ref().and_then(clauses_of).filter(|_| !json);
    let mode = match (&condition, &built) {
        (None, _) if !json => "always",
        (_, Some((true, _))) => "any",
        (_, Some((false, _))) => "all",
        _ => "json",
    };
    let json_error = RwSignal::new(None::<String>);
    let mode_id = format!("{id}-mode");
    let json_part = part.clone();
    let choose = move |ev: leptos::ev::Event| {
        let chosen = event_target_value(&ev);
        let first = questions.get_untracked().first().cloned();
        let part = json_part.clone();
        state.as_json.update(|set| {
            if chosen == "json" {
                set.insert(part);
            } else {
                set.remove(&part);
            }
        });
        state.reshape(|d| {
            let now = get(d);
            let next = match chosen.as_str() {
                "always" => None,
                "json" => now,
                mode => {
                    let any = mode == "any";
                    let clauses = now.as_ref().and_then(clauses_of).map(|(_, c)| c).filter(|c| !c.is_empty());
                    let clauses = clauses.or_else(|| first.as_ref().map(|q| vec![Clause::on(q)])).unwrap_or_default();
                    condition_of(any, &clauses)
                }
            };
            set(d, next);
        });
    };
    let modes = [
        ("always", always),
        ("all", "При всех условиях ниже"),
        ("any", "Хотя бы при одном из условий ниже"),
        ("json", "Условие в виде JSON"),
    ];
    let body = match (mode, built) {
        ("json", _) => {
            let text = condition.as_ref().and_then(|c| socio_client::json::encode(c).ok()).unwrap_or_default();
            let area_id = format!("{id}-json");
            view! {
                <div class="field">
                    <label for=area_id.clone()>"Условие (JSON)"</label>
                    <p class="hint">"Например: {\"all\": [{\"equals\": {\"question\": \"who\", \"value\": \"child\"}}, {\"range\": {\"question\": \"child_age\", \"max\": 3}}]}"</p>
                    {move || json_error.get().map(|e| view! { <p class="field-error">{e}</p> })}
                    <textarea id=area_id prop:value=text on:change=move |ev| {
                        let raw = event_target_value(&ev);
                        if raw.trim().is_empty() {
                            json_error.set(None);
                            state.edit(|d| set(d, None));
                            return;
                        }
                        match socio_client::json::decode::<Condition>(&raw) {
                            Ok(parsed) => { json_error.set(None); state.edit(|d| set(d, Some(parsed))); }
                            Err(_) => json_error.set(Some("Условие не читается: проверьте скобки, кавычки и названия (all, any, not, equals, in, range).".to_owned())),
                        }
                    }></textarea>
                </div>
            }
            .into_any()
        }
        (_, Some((any, clauses))) => {
            let count = clauses.len();
            let rows = clauses
                .into_iter()
                .enumerate()
                .map(|(n, clause)| {
                    view! { <ClauseEditor state id=id.clone() n count clause any questions get set /> }
                })
                .collect_view();
            let add = move |_| {
                let Some(first) = questions.get_untracked().first().cloned() else { return };
                state.reshape(|d| {
                    let mut clauses = get(d).as_ref().and_then(clauses_of).map(|(_, c)| c).unwrap_or_default();
                    clauses.push(Clause::on(&first));
                    set(d, condition_of(any, &clauses));
                });
            };
            view! { {rows}<p><button type="button" class="secondary" id=format!("{id}-add") on:click=add>"Добавить условие"</button></p> }
                .into_any()
        }
        _ => ().into_any(),
    };
    view! {
        <fieldset class="condition" id=id.clone()>
            <legend>{legend}</legend>
            <PartProblems problems=state.at(part.clone()) />
            {move || (questions.with(Vec::is_empty) && mode != "json").then(|| view! { <p class="hint">"Условие ставится на ответ более раннего вопроса; сначала добавьте вопрос."</p> })}
            <div class="field">
                <label class="visually-hidden" for=mode_id.clone()>{legend}</label>
                <select id=mode_id on:change=choose>
                    {modes.into_iter().map(|(code, label)| view! { <option value=code selected=code == mode>{label}</option> }).collect_view()}
                </select>
            </div>
            {body}
        </fieldset>
    }
}

/// A change to one clause, given the questions it may read.
type ClauseEdit = Box<dyn FnOnce(&mut Clause, &[Question])>;

#[component]
fn ClauseEditor(
    state: EditorState,
    id: String,
    n: usize,
    count: usize,
    clause: Clause,
    any: bool,
    questions: Signal<Vec<Question>>,
    get: impl Fn(&SituationDefinition) -> Option<Condition> + Copy + Send + Sync + 'static,
    set: impl Fn(&mut SituationDefinition, Option<Condition>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let base = format!("{id}-{n}");
    // Rewrites this clause of the condition; `reshape` when the controls must change too.
    let change = move |redraw: bool, edit: ClauseEdit| {
        let list = questions.get_untracked();
        let apply = move |d: &mut SituationDefinition| {
            let mut clauses = get(d).as_ref().and_then(clauses_of).map(|(_, c)| c).unwrap_or_default();
            if let Some(clause) = clauses.get_mut(n) {
                edit(clause, &list);
            }
            set(d, condition_of(any, &clauses));
        };
        if redraw { state.reshape(apply) } else { state.edit(apply) }
    };
    let list = questions.get_untracked();
    let asked = list.iter().find(|q| q.key == clause.question).cloned();
    let kind = asked.as_ref().map(|q| q.kind);
    let (question_id, compare_id, value_id) = (format!("{base}-question"), format!("{base}-compare"), format!("{base}-value"));
    let known = asked.is_some();
    let question_select = view! {
        <div class="field">
            <label for=question_id.clone()>"Ответ на вопрос"</label>
            <select id=question_id on:change=move |ev| {
                let key = event_target_value(&ev);
                change(true, Box::new(move |c, list| if let Some(q) = list.iter().find(|q| q.key == key) { *c = Clause::on(q) }));
            }>
                {(!known).then(|| view! { <option value=clause.question.clone() selected=true>{format!("{} — нет такого вопроса", clause.question)}</option> })}
                {list.iter().map(|q| {
                    let label = if q.text.is_empty() { q.key.clone() } else { format!("{} ({})", q.text, q.key) };
                    view! { <option value=q.key.clone() selected=q.key == clause.question>{label}</option> }
                }).collect_view()}
            </select>
        </div>
    };
    let compare_select = view! {
        <div class="field">
            <label for=compare_id.clone()>"Сравнение"</label>
            <select id=compare_id on:change=move |ev| {
                let chosen = event_target_value(&ev);
                let Some((compare, _, _)) = Compare::ALL.into_iter().find(|(_, code, _)| *code == chosen) else { return };
                change(true, Box::new(move |c, list| {
                    c.compare = compare;
                    if compare == Compare::Between && let Some(q) = list.iter().find(|q| q.key == c.question) {
                        c.min = c.min.or(q.min);
                        c.max = c.max.or(q.max);
                    }
                    c.values.truncate(if compare == Compare::OneOf { usize::MAX } else { 1 });
                }));
            }>
                {Compare::ALL.into_iter().filter(|(c, _, _)| c.fits(kind) || *c == clause.compare).map(|(c, code, label)| view! {
                    <option value=code selected=c == clause.compare>{label}</option>
                }).collect_view()}
            </select>
        </div>
    };
    let options: Vec<(String, String)> = match kind {
        Some(QuestionKind::YesNo) => vec![("yes".into(), "да".into()), ("no".into(), "нет".into())],
        _ => asked
            .as_ref()
            .map(|q| {
                q.options.iter().map(|o| (o.value.clone(), if o.label.is_empty() { o.value.clone() } else { o.label.clone() })).collect()
            })
            .unwrap_or_default(),
    };
    let parse = move |code: &str| -> Scalar {
        match (kind, code) {
            (Some(QuestionKind::YesNo), "yes") => Scalar::Bool(true),
            (Some(QuestionKind::YesNo), _) => Scalar::Bool(false),
            (Some(QuestionKind::Number), raw) => raw.trim().parse().map(Scalar::Number).unwrap_or(Scalar::Number(0.0)),
            (_, raw) => Scalar::Text(raw.to_owned()),
        }
    };
    let value = match (clause.compare, kind) {
        (Compare::Between, _) => {
            let (min_id, max_id) = (format!("{base}-min"), format!("{base}-max"));
            let bound = |b: Option<f64>| b.map(|b| b.to_string()).unwrap_or_default();
            view! {
                <div class="field">
                    <label for=min_id.clone()>"От (пусто — без нижней границы)"</label>
                    <input id=min_id type="number" prop:value=bound(clause.min) on:change=move |ev| {
                        let v = event_target_value(&ev).trim().parse().ok();
                        change(false, Box::new(move |c, _| c.min = v));
                    } />
                </div>
                <div class="field">
                    <label for=max_id.clone()>"До (пусто — без верхней границы)"</label>
                    <input id=max_id type="number" prop:value=bound(clause.max) on:change=move |ev| {
                        let v = event_target_value(&ev).trim().parse().ok();
                        change(false, Box::new(move |c, _| c.max = v));
                    } />
                </div>
            }
            .into_any()
        }
        (Compare::OneOf, _) => {
            let chosen: Vec<String> = clause.values.iter().map(scalar_code).collect();
            view! {
                <fieldset id=value_id.clone()>
                    <legend>"Значения"</legend>
                    {options.into_iter().map(|(code, label)| {
                        let box_id = format!("{value_id}-{code}");
                        let checked = chosen.contains(&code);
                        view! {
                            <div class="check">
                                <input type="checkbox" id=box_id.clone() prop:checked=checked on:change=move |ev| {
                                    let (on, value) = (event_target_checked(&ev), parse(&code));
                                    change(false, Box::new(move |c, _| {
                                        c.values.retain(|v| v != &value);
                                        if on { c.values.push(value); }
                                    }));
                                } />
                                <label for=box_id>{label}</label>
                            </div>
                        }
                    }).collect_view()}
                </fieldset>
            }
            .into_any()
        }
        (_, Some(QuestionKind::Number)) => {
            let current = clause.values.first().map(scalar_code).unwrap_or_default();
            view! {
                <div class="field">
                    <label for=value_id.clone()>"Число"</label>
                    <input id=value_id type="number" prop:value=current on:change=move |ev| {
                        let value = parse(&event_target_value(&ev));
                        change(false, Box::new(move |c, _| c.values = vec![value]));
                    } />
                </div>
            }
            .into_any()
        }
        _ => {
            let current = clause.values.first().map(scalar_code).unwrap_or_default();
            let listed = options.iter().any(|(code, _)| code == &current);
            view! {
                <div class="field">
                    <label for=value_id.clone()>"Значение"</label>
                    <select id=value_id on:change=move |ev| {
                        let value = parse(&event_target_value(&ev));
                        change(false, Box::new(move |c, _| c.values = vec![value]));
                    }>
                        {(!listed).then(|| view! { <option value=current.clone() selected=true>{format!("{current} — нет такого варианта")}</option> })}
                        {options.into_iter().map(|(code, label)| view! { <option value=code.clone() selected=code == current>{label}</option> }).collect_view()}
                    </select>
                </div>
            }
            .into_any()
        }
    };
    let remove = move |_| {
        state.reshape(|d| {
            let mut clauses = get(d).as_ref().and_then(clauses_of).map(|(_, c)| c).unwrap_or_default();
            if n < clauses.len() {
                clauses.remove(n);
            }
            set(d, condition_of(any, &clauses));
        });
    };
    view! {
        <fieldset class="clause">
            <legend>{format!("Условие {} из {count}", n + 1)}</legend>
            {question_select}
            {compare_select}
            {value}
            <p><button type="button" class="secondary" id=format!("{base}-remove") on:click=remove>{format!("Убрать условие {}", n + 1)}</button></p>
        </fieldset>
    }
}

/// «Проверить маршрут»: answers chosen here, the route the citizens' engine gives for them.
#[component]
fn Preview(state: EditorState) -> impl IntoView {
    let answers = RwSignal::new(Answers::new());
    let draft = state.draft;
    // Its controls follow the questions' keys, kinds and options, not every keystroke.
    let layout = Memo::new(move |_| draft.with(|d| layout_of(&d.questions)));
    // The city's services for the draft's step categories, once a city is chosen.
    let session = use_session();
    let city = RwSignal::new(None::<MunicipalityRef>);
    let cities = LocalResource::new(|| async { crate::api::client().municipalities().await.unwrap_or_default() });
    let wanted = Memo::new(move |_| {
        draft.with(|d| {
            let mut codes: Vec<String> = d.steps.iter().flat_map(|s| s.categories.iter().cloned()).collect();
            codes.sort();
            codes.dedup();
            codes
        })
    });
    let candidates = LocalResource::new(move || {
        let (city, wanted) = (city.get(), wanted.get());
        async move {
            match city {
                Some(city) if !wanted.is_empty() => session.client().preview_candidates(&city.slug, &wanted).await.map_err(Failure::from),
                _ => Ok(Vec::new()),
            }
        }
    });
    let answer = move |key: String, value: Option<Answer>| {
        answers.update(|a| {
            match value {
                Some(v) => a.insert(key, v),
                None => a.remove(&key),
            };
        })
    };
    let plan = move || {
        let definition = cleaned(&draft.get());
        let given = answers.get();
        // Only the answers to questions asked on this path, as the wizard sends them.
        let mut asked = Answers::new();
        for question in &definition.questions {
            if router::is_asked(question, &asked)
                && let Some(a) = given.get(&question.key)
            {
                asked.insert(question.key.clone(), a.clone());
            }
        }
        let unanswered = definition.questions.iter().filter(|q| router::is_asked(q, &asked) && !asked.contains_key(&q.key)).count();
        let detail = SituationDetail {
            slug: definition.slug.clone(),
            title: definition.title.clone(),
            summary: definition.summary.clone(),
            description: definition.description.clone(),
            target_groups: Vec::new(),
            categories: Vec::new(),
            questions: definition.questions.clone(),
            steps: definition.engine_steps(),
            related: Vec::new(),
            sources: definition.sources.clone(),
            checked_on: None,
        };
        let context = RouteContext {
            municipality: city.get().unwrap_or(MunicipalityRef { slug: String::new(), name: String::new() }),
            coordinates: None,
            target_groups: Vec::new(),
            formats: Vec::new(),
        };
        let found = candidates.get().and_then(Result::ok).unwrap_or_default();
        (router::route(&detail, &asked, &context, &found), unanswered)
    };
    view! {
        <section class="card preview" aria-labelledby="preview-title">
            <h2 id="preview-title">"Проверить маршрут"</h2>
            <div class="field">
                <label for="preview-city">"Город"</label>
                <select id="preview-city" on:change=move |ev| {
                    let slug = event_target_value(&ev);
                    let name = cities.get_untracked().unwrap_or_default().into_iter().find(|m| m.slug == slug).map(|m| m.name);
                    city.set(name.map(|name| MunicipalityRef { slug, name }));
                }>
                    <option value="">"Без города: только шаги"</option>
                    {move || cities.get().unwrap_or_default().into_iter().map(|m| view! { <option value=m.slug>{m.name}</option> }).collect_view()}
                </select>
            </div>
            <p class="status" role="status">{move || match (city.get(), candidates.get()) {
                (Some(_), None) => Some("Подбираем услуги города…".to_owned()),
                (Some(_), Some(Err(e))) => Some(format!("Услуги города не загрузились: {}", e.message)),
                _ => None,
            }}</p>
            <p class="hint">"Ответьте, как ответил бы человек: ниже — шаги, которые он увидит, и услуги выбранного города по категориям шагов (тот же расчёт, что на сайте)."</p>
            {move || {
                // Read, not only tracked: a memo computes (and learns its sources) when read.
        layout.with(|_| ());
                let questions = draft.with_untracked(|d| d.questions.clone());
                questions.into_iter().enumerate().map(|(i, q)| {
                    let key = q.key.clone();
                    let shown = {
                        let key = key.clone();
                        move || draft.with(|d| d.questions.iter().find(|q| q.key == key).is_some_and(|q| router::is_asked(q, &answers.get())))
                    };
                    let legend = move || draft.with(|d| d.questions.get(i).map(|q| q.text.clone()).unwrap_or_default());
                    let name = format!("preview-q{i}");
                    let controls = match q.kind {
                        QuestionKind::Number => {
                            let key = key.clone();
                            view! {
                                <label for=name.clone()>"Число"</label>
                                <input id=name.clone() type="number" on:change=move |ev| {
                                    answer(key.clone(), event_target_value(&ev).trim().parse().ok().map(Answer::Number));
                                } />
                            }
                            .into_any()
                        }
                        kind => {
                            let options: Vec<(String, String)> = match kind {
                                QuestionKind::YesNo => vec![("yes".into(), "Да".into()), ("no".into(), "Нет".into())],
                                _ => q.options.iter().map(|o| (o.value.clone(), o.label.clone())).collect(),
                            };
                            let multiple = kind == QuestionKind::Multiple;
                            options.into_iter().map(|(value, label)| {
                                let control_id = format!("{name}-{value}");
                                let key = key.clone();
                                view! {
                                    <div class="check">
                                        <input type=if multiple { "checkbox" } else { "radio" } name=name.clone() id=control_id.clone() value=value.clone()
                                            on:change=move |ev| {
                                                let on = event_target_checked(&ev);
                                                let picked = match kind {
                                                    QuestionKind::YesNo => Some(Answer::Bool(value == "yes")),
                                                    QuestionKind::Multiple => {
                                                        let mut now = match answers.get_untracked().get(&key) { Some(Answer::Choices(c)) => c.clone(), _ => Vec::new() };
                                                        now.retain(|v| v != &value);
                                                        if on { now.push(value.clone()); }
                                                        Some(Answer::Choices(now))
                                                    }
                                                    _ => Some(Answer::Choice(value.clone())),
                                                };
                                                answer(key.clone(), picked);
                                            } />
                                        <label for=control_id>{label}</label>
                                    </div>
                                }
                            }).collect_view().into_any()
                        }
                    };
                    view! {
                        <fieldset class="field" hidden=move || !shown()>
                            <legend>{legend}</legend>
                            {controls}
                        </fieldset>
                    }
                }).collect_view()
            }}
            {move || {
                let (plan, unanswered) = plan();
                view! {
                    {(unanswered > 0).then(|| view! { <p class="hint">{format!("Без ответа вопросов: {unanswered}; шаги с условиями на них пока не показаны.")}</p> })}
                    <h3>{format!("Маршрут: шагов {}", plan.steps.len())}</h3>
                    <ol id="preview-steps">
                        {plan.steps.into_iter().map(|s| view! {
                            <li>
                                <strong>{s.title}</strong>
                                {s.deadline.map(|d| view! { <br /><span>{format!("Срок: {d}")}</span> })}
                                {(!s.documents.is_empty()).then(|| view! { <br /><span>{format!("Документы: {}", s.documents.join(", "))}</span> })}
                                {(!s.services.is_empty()).then(|| view! {
                                    <ul class="preview-services">{s.services.into_iter().map(|svc| view! {
                                        <li>{svc.name}{svc.address.map(|a| format!(" — {a}"))}</li>
                                    }).collect_view()}</ul>
                                })}
                            </li>
                        }).collect_view()}
                    </ol>
                }
            }}
        </section>
    }
}
