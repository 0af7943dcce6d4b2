//! The organization's records: its profile, addresses and services, each a list and a form.
//!
//! A form saves with the version it was read at (`If-Match`): if a colleague saved in between,
//! the partner is told and nothing is overwritten. A draft is sent to moderation with «Отправить
//! на модерацию»; a published record's save goes to the moderator by itself.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use socio_client::CabinetPath;
use socio_domain::{
    api::{
        CabinetListItem, ContactsInput, Editable, FieldError, LocationInput, OrganizationInput, ServiceInput, ValidLocation,
        ValidOrganization, ValidService,
    },
    vocabulary::{AccessibilityFeature, Cost, ModerationStatus, RevisionStatus, ServiceFormat},
};

use super::{
    focus_heading,
    forms::{Checkboxes, ErrorSummary, TextField, errors_of},
    use_session,
};
use crate::api::{Failure, client};

fn status_label(status: ModerationStatus) -> &'static str {
    status.label()
}

fn verified_text(date: Option<chrono::NaiveDate>) -> String {
    match date {
        Some(d) => format!("Проверено {}", socio_domain::wording::date(&d)),
        None => "Ещё не проверялось".to_owned(),
    }
}

/// The moderation state of a record, and the moderator's comment after a rejection.
#[component]
fn RecordState<T: Clone + Send + Sync + 'static>(record: Editable<T>) -> impl IntoView {
    let revision = record.revision.clone();
    view! {
        <p class="record-state">
            <strong>{status_label(record.status)}</strong>
            " · "{verified_text(record.last_verified)}
            {record.stale.then(|| view! { " · " <strong class="stale">"Пора проверить данные"</strong> })}
        </p>
        {revision.map(|r| match r.status {
            RevisionStatus::Pending => view! { <p class="status" role="status">"Изменения ждут проверки модератором. Гражданам пока видна прежняя версия."</p> }.into_any(),
            RevisionStatus::Rejected => view! {
                <div class="error" role="status">
                    <h2>"Модератор отклонил изменения"</h2>
                    <p>{r.review_comment.unwrap_or_default()}</p>
                </div>
            }.into_any(),
            _ => ().into_any(),
        })}
    }
}

/// A list of the organization's addresses or services.
#[component]
fn RecordList(kind: CabinetPath, title: &'static str, new_label: &'static str, base: &'static str) -> impl IntoView {
    focus_heading();
    let session = use_session();
    let items = LocalResource::new(move || async move { session.client().cabinet_list(kind).await.map_err(Failure::from) });
    view! {
        <h1 tabindex="-1">{title}</h1>
        <p>
            <a class="button" href=format!("{base}/new")>{new_label}</a>
            {(kind == CabinetPath::Services).then(|| view! { " "<a class="button secondary" href="/cabinet/import">"Загрузить из файла"</a> })}
        </p>
        {move || match items.get() {
            None => view! { <p class="status" role="status">"Загрузка…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="error" role="alert"><p>{e.message}</p></div> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p>"Пока ничего нет."</p> }.into_any(),
            Some(Ok(list)) => view! {
                <p>{format!("Всего: {}", list.len())}</p>
                <ul class="cards">
                    {list.into_iter().map(|item: CabinetListItem| view! {
                        <li class="card">
                            <h2><a href=format!("{base}/{}", item.id)>{item.name}</a></h2>
                            <p>
                                {status_label(item.status)}
                                {item.pending_revision.then_some(" · изменения на модерации")}
                                {item.rejected_revision.then_some(" · изменения отклонены")}
                                {item.stale.then_some(" · пора проверить данные")}
                            </p>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any(),
        }}
    }
}

#[component]
pub fn LocationsPage() -> impl IntoView {
    view! { <RecordList kind=CabinetPath::Locations title="Адреса организации" new_label="Добавить адрес" base="/cabinet/locations" /> }
}

#[component]
pub fn ServicesPage() -> impl IntoView {
    view! { <RecordList kind=CabinetPath::Services title="Услуги организации" new_label="Добавить услугу" base="/cabinet/services" /> }
}

/// Shows a saved record; a new one also gets its own address in the location bar, so a reload
/// opens it rather than another empty form.
fn saved_to<T: Clone + Send + Sync + 'static>(
    state: RwSignal<Option<Editable<T>>>,
    errors: RwSignal<Vec<FieldError>>,
    notice: RwSignal<Option<String>>,
    saved: Editable<T>,
    base: &str,
) {
    let first = state.get_untracked().is_none();
    let id = saved.id;
    state.set(Some(saved));
    errors.set(Vec::new());
    notice.set(Some("Сохранено.".to_owned()));
    if first {
        let _ = window().history().and_then(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&format!("{base}/{id}"))));
    }
}

/// The `:id` of the address (`new` for a new record).
fn record_id() -> Option<i64> {
    use_params_map().get_untracked().get("id").and_then(|id| id.parse().ok())
}

fn opt(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// The organization's profile form.
#[component]
pub fn OrganizationPage() -> impl IntoView {
    focus_heading();
    let session = use_session();
    let loaded = LocalResource::new(move || async move { session.client().cabinet_organization().await.map_err(Failure::from) });
    view! {
        <h1 tabindex="-1">"Организация"</h1>
        {move || match loaded.get() {
            None => view! { <p class="status" role="status">"Загрузка…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="error" role="alert"><p>{e.message}</p></div> }.into_any(),
            Some(Ok(record)) => view! { <OrganizationForm record /> }.into_any(),
        }}
    }
}

#[component]
fn OrganizationForm(record: Editable<OrganizationInput>) -> impl IntoView {
    let session = use_session();
    let form = RwSignal::new(record.record.clone());
    let version = RwSignal::new(record.version);
    let state = RwSignal::new(record);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let notice = RwSignal::new(None::<String>);
    let text = move |get: fn(&OrganizationInput) -> String, put: fn(&mut OrganizationInput, String)| {
        (Signal::derive(move || get(&form.get())), Callback::new(move |v| form.update(|f| put(f, v))))
    };
    let (name, set_name) = text(|f| f.name.clone(), |f, v| f.name = v);
    let (inn, set_inn) = text(|f| f.inn.clone().unwrap_or_default(), |f, v| f.inn = opt(&v));
    let (ogrn, set_ogrn) = text(|f| f.ogrn.clone().unwrap_or_default(), |f, v| f.ogrn = opt(&v));
    let (phone, set_phone) = text(|f| f.contacts.phone.clone().unwrap_or_default(), |f, v| f.contacts.phone = opt(&v));
    let (email, set_email) = text(|f| f.contacts.email.clone().unwrap_or_default(), |f, v| f.contacts.email = opt(&v));
    let (website, set_website) = text(|f| f.contacts.website.clone().unwrap_or_default(), |f, v| f.contacts.website = opt(&v));
    let (description, set_description) = text(|f| f.description.clone(), |f, v| f.description = v);
    let apply = move |saved: Editable<OrganizationInput>, message: &str| {
        version.set(saved.version);
        form.set(saved.record.clone());
        state.set(saved);
        errors.set(Vec::new());
        notice.set(Some(message.to_owned()));
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = form.get_untracked();
        if let Err(found) = ValidOrganization::try_from(&input) {
            errors.set(found);
            return;
        }
        leptos::task::spawn_local(async move {
            match session.client().save_cabinet_organization(version.get_untracked(), &input).await {
                Ok(saved) => apply(saved, "Сохранено."),
                Err(e) => errors.set(errors_of(&e)),
            }
        });
    };
    let submit = move |_| {
        leptos::task::spawn_local(async move {
            match session.client().submit_cabinet_organization().await {
                Ok(saved) => apply(saved, "Отправлено на модерацию."),
                Err(e) => errors.set(errors_of(&e)),
            }
        });
    };
    let confirm = move |_| {
        leptos::task::spawn_local(async move {
            match session.client().confirm_cabinet_organization().await {
                Ok(saved) => apply(saved, "Спасибо! Данные отмечены как актуальные."),
                Err(e) => errors.set(errors_of(&e)),
            }
        });
    };
    view! {
        {move || view! { <RecordState record=state.get() /> }}
        {move || notice.get().map(|n| view! { <p class="success" role="status">{n}</p> })}
        <ErrorSummary errors />
        <form on:submit=save novalidate>
            <TextField field="name" label="Полное название" value=name on_input=set_name errors />
            <TextField field="inn" label="ИНН" value=inn on_input=set_inn errors />
            <TextField field="ogrn" label="ОГРН" value=ogrn on_input=set_ogrn errors />
            <TextField field="contacts.phone" label="Телефон" kind="tel" value=phone on_input=set_phone errors />
            <TextField field="contacts.email" label="Электронная почта" kind="email" value=email on_input=set_email errors />
            <TextField field="contacts.website" label="Сайт" kind="url" value=website on_input=set_website errors />
            <TextField field="description" label="Чем занимается организация" multiline=true value=description on_input=set_description errors />
            <p><button type="submit">"Сохранить"</button></p>
        </form>
        {move || (state.get().status == ModerationStatus::Draft).then(|| view! {
            <p><button type="button" on:click=submit>"Отправить на модерацию"</button></p>
        })}
        {move || (state.get().status == ModerationStatus::Published).then(|| view! {
            <p><button type="button" class="secondary" on:click=confirm>"Данные актуальны"</button></p>
        })}
    }
}

/// One address: new or existing.
#[component]
pub fn LocationPage() -> impl IntoView {
    focus_heading();
    let session = use_session();
    let id = record_id();
    let loaded = LocalResource::new(move || async move {
        match id {
            Some(id) => session.client().cabinet_location(id).await.map(Some).map_err(Failure::from),
            None => Ok(None),
        }
    });
    view! {
        <h1 tabindex="-1">{if id.is_some() { "Адрес" } else { "Новый адрес" }}</h1>
        {move || match loaded.get() {
            None => view! { <p class="status" role="status">"Загрузка…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="error" role="alert"><p>{e.message}</p></div> }.into_any(),
            Some(Ok(record)) => view! { <LocationForm record /> }.into_any(),
        }}
    }
}

fn new_location() -> LocationInput {
    LocationInput {
        name: String::new(),
        municipality: String::new(),
        address: String::new(),
        coordinates: None,
        phone: None,
        opening_hours: vec![socio_domain::OpeningInterval { days: vec![1, 2, 3, 4, 5], opens: "09:00".into(), closes: "18:00".into() }],
        accessibility: Vec::new(),
    }
}

#[component]
fn LocationForm(record: Option<Editable<LocationInput>>) -> impl IntoView {
    let session = use_session();
    let form = RwSignal::new(record.as_ref().map(|r| r.record.clone()).unwrap_or_else(new_location));
    let state = RwSignal::new(record);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let notice = RwSignal::new(None::<String>);
    let cities = LocalResource::new(|| async { client().municipalities().await.unwrap_or_default() });
    let text = move |get: fn(&LocationInput) -> String, put: fn(&mut LocationInput, String)| {
        (Signal::derive(move || get(&form.get())), Callback::new(move |v| form.update(|f| put(f, v))))
    };
    let (name, set_name) = text(|f| f.name.clone(), |f, v| f.name = v);
    let (address, set_address) = text(|f| f.address.clone(), |f, v| f.address = v);
    let (phone, set_phone) = text(|f| f.phone.clone().unwrap_or_default(), |f, v| f.phone = opt(&v));
    let (opens, set_opens) = text(
        |f| f.opening_hours.first().map(|h| h.opens.clone()).unwrap_or_default(),
        |f, v| {
            if let Some(h) = f.opening_hours.first_mut() {
                h.opens = v;
            }
        },
    );
    let (closes, set_closes) = text(
        |f| f.opening_hours.first().map(|h| h.closes.clone()).unwrap_or_default(),
        |f, v| {
            if let Some(h) = f.opening_hours.first_mut() {
                h.closes = v;
            }
        },
    );
    let features: Vec<(String, String)> = AccessibilityFeature::ALL.iter().map(|a| (a.as_str().to_owned(), a.label().to_owned())).collect();
    let chosen = Signal::derive(move || form.get().accessibility.iter().map(|a| a.as_str().to_owned()).collect::<Vec<_>>());
    let set_chosen =
        Callback::new(move |codes: Vec<String>| form.update(|f| f.accessibility = codes.iter().filter_map(|c| c.parse().ok()).collect()));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = form.get_untracked();
        if let Err(found) = ValidLocation::try_from(&input) {
            errors.set(found);
            return;
        }
        leptos::task::spawn_local(async move {
            let client = session.client();
            let result = match state.get_untracked() {
                Some(current) => client.save_location(current.id, current.version, &input).await,
                None => client.create_location(&input).await,
            };
            match result {
                Ok(saved) => saved_to(state, errors, notice, saved, "/cabinet/locations"),
                Err(e) => errors.set(errors_of(&e)),
            }
        });
    };
    let submit = move |_| {
        let Some(current) = state.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            match session.client().submit(CabinetPath::Locations, current.id).await {
                Ok(()) => {
                    if let Ok(fresh) = session.client().cabinet_location(current.id).await {
                        state.set(Some(fresh));
                    }
                    notice.set(Some("Отправлено на модерацию.".to_owned()));
                }
                Err(e) => errors.set(errors_of(&e)),
            }
        });
    };
    view! {
        {move || state.get().map(|record| view! { <RecordState record /> })}
        {move || notice.get().map(|n| view! { <p class="success" role="status">{n}</p> })}
        <ErrorSummary errors />
        <form on:submit=save novalidate>
            <TextField field="name" label="Название здания или отделения" hint="Например: «Главный офис» или «Отделение на ул. Ленина»" value=name on_input=set_name errors />
            <div class="field">
                <label for="f-municipality">"Город"</label>
                <select id="f-municipality" on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.municipality = v) }>
                    <option value="" selected=move || form.get().municipality.is_empty()>"Выберите город"</option>
                    {move || cities.get().unwrap_or_default().into_iter().map(|c| {
                        let slug = c.slug.clone();
                        view! { <option value=c.slug.clone() selected=move || form.get().municipality == slug>{c.name}</option> }
                    }).collect_view()}
                </select>
                {move || super::forms::error_of(&errors.get(), "municipality").map(|e| view! { <p class="field-error">{e}</p> })}
            </div>
            <TextField field="address" label="Адрес без названия города" hint="Улица, дом, вход" value=address on_input=set_address errors />
            <TextField field="phone" label="Телефон отделения" kind="tel" hint="Если отличается от телефона организации" value=phone on_input=set_phone errors />
            <fieldset class="field" id="f-opening-hours">
                <legend>"Часы работы по будням"</legend>
                {move || super::forms::error_of(&errors.get(), "opening_hours").map(|e| view! { <p class="field-error">{e}</p> })}
                <TextField field="opening_hours.opens" label="Открывается (ЧЧ:ММ)" value=opens on_input=set_opens errors />
                <TextField field="opening_hours.closes" label="Закрывается (ЧЧ:ММ)" value=closes on_input=set_closes errors />
            </fieldset>
            <Checkboxes field="accessibility" legend="Доступность для людей с инвалидностью" options=features selected=chosen on_change=set_chosen errors />
            <p><button type="submit">"Сохранить адрес"</button></p>
        </form>
        {move || state.get().filter(|r| r.status == ModerationStatus::Draft).map(|_| view! {
            <p><button type="button" on:click=submit>"Отправить на модерацию"</button></p>
        })}
    }
}

/// One service: new or existing.
#[component]
pub fn ServicePage() -> impl IntoView {
    focus_heading();
    let session = use_session();
    let id = record_id();
    let loaded = LocalResource::new(move || async move {
        let load = async {
            let locations = session.client().cabinet_list(CabinetPath::Locations).await?;
            let record = match id {
                Some(id) => Some(session.client().cabinet_service(id).await?),
                None => None,
            };
            Ok::<_, socio_client::ClientError>((record, locations))
        };
        load.await.map_err(Failure::from)
    });
    view! {
        <h1 tabindex="-1">{if id.is_some() { "Услуга" } else { "Новая услуга" }}</h1>
        {move || match loaded.get() {
            None => view! { <p class="status" role="status">"Загрузка…"</p> }.into_any(),
            Some(Err(e)) => view! { <div class="error" role="alert"><p>{e.message}</p></div> }.into_any(),
            Some(Ok((record, locations))) => view! { <ServiceForm record locations /> }.into_any(),
        }}
    }
}

fn new_service() -> ServiceInput {
    ServiceInput {
        name: String::new(),
        summary: String::new(),
        description: String::new(),
        categories: Vec::new(),
        target_groups: Vec::new(),
        formats: Vec::new(),
        form_442: None,
        cost: Cost::Free,
        cost_note: None,
        age_min: None,
        age_max: None,
        eligibility: String::new(),
        documents: Vec::new(),
        how_to_apply: String::new(),
        contacts: ContactsInput::default(),
        locations: Vec::new(),
        municipalities: Vec::new(),
    }
}

#[component]
fn ServiceForm(record: Option<Editable<ServiceInput>>, locations: Vec<CabinetListItem>) -> impl IntoView {
    let session = use_session();
    let form = RwSignal::new(record.as_ref().map(|r| r.record.clone()).unwrap_or_else(new_service));
    let state = RwSignal::new(record);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let notice = RwSignal::new(None::<String>);
    let reference = LocalResource::new(|| async {
        let c = client();
        (
            c.categories().await.unwrap_or_default(),
            c.target_groups().await.unwrap_or_default(),
            c.municipalities().await.unwrap_or_default(),
        )
    });
    let text = move |get: fn(&ServiceInput) -> String, put: fn(&mut ServiceInput, String)| {
        (Signal::derive(move || get(&form.get())), Callback::new(move |v| form.update(|f| put(f, v))))
    };
    let (name, set_name) = text(|f| f.name.clone(), |f, v| f.name = v);
    let (summary, set_summary) = text(|f| f.summary.clone(), |f, v| f.summary = v);
    let (description, set_description) = text(|f| f.description.clone(), |f, v| f.description = v);
    let (eligibility, set_eligibility) = text(|f| f.eligibility.clone(), |f, v| f.eligibility = v);
    let (documents, set_documents) = text(
        |f| f.documents.join("\n"),
        // Kept line by line as typed (an empty last line is where the next document goes);
        // blank lines are dropped when saving.
        |f, v| f.documents = v.split('\n').map(str::to_owned).collect(),
    );
    let (how, set_how) = text(|f| f.how_to_apply.clone(), |f, v| f.how_to_apply = v);
    let (cost_note, set_cost_note) = text(|f| f.cost_note.clone().unwrap_or_default(), |f, v| f.cost_note = opt(&v));
    let (age_min, set_age_min) = text(|f| f.age_min.map(|a| a.to_string()).unwrap_or_default(), |f, v| f.age_min = v.trim().parse().ok());
    let (age_max, set_age_max) = text(|f| f.age_max.map(|a| a.to_string()).unwrap_or_default(), |f, v| f.age_max = v.trim().parse().ok());
    let (phone, set_phone) = text(|f| f.contacts.phone.clone().unwrap_or_default(), |f, v| f.contacts.phone = opt(&v));
    let (email, set_email) = text(|f| f.contacts.email.clone().unwrap_or_default(), |f, v| f.contacts.email = opt(&v));
    let (website, set_website) = text(|f| f.contacts.website.clone().unwrap_or_default(), |f, v| f.contacts.website = opt(&v));
    let codes = move |get: fn(&ServiceInput) -> Vec<String>, put: fn(&mut ServiceInput, Vec<String>)| {
        (Signal::derive(move || get(&form.get())), Callback::new(move |v| form.update(|f| put(f, v))))
    };
    let (categories, set_categories) = codes(|f| f.categories.clone(), |f, v| f.categories = v);
    let (groups, set_groups) = codes(|f| f.target_groups.clone(), |f, v| f.target_groups = v);
    let (cities, set_cities) = codes(|f| f.municipalities.clone(), |f, v| f.municipalities = v);
    let (formats, set_formats) = codes(
        |f| f.formats.iter().map(|x| x.as_str().to_owned()).collect(),
        |f, v| f.formats = v.iter().filter_map(|c| c.parse().ok()).collect(),
    );
    let (places, set_places) =
        codes(|f| f.locations.iter().map(i64::to_string).collect(), |f, v| f.locations = v.iter().filter_map(|c| c.parse().ok()).collect());
    let format_options: Vec<(String, String)> = ServiceFormat::ALL.iter().map(|f| (f.as_str().to_owned(), f.label().to_owned())).collect();
    let place_options: Vec<(String, String)> = locations.iter().map(|l| (l.id.to_string(), l.name.clone())).collect();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut input = form.get_untracked();
        input.documents = input.documents.iter().map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect();
        if let Err(found) = ValidService::try_from(&input) {
            errors.set(found);
            return;
        }
        leptos::task::spawn_local(async move {
            let client = session.client();
            let result = match state.get_untracked() {
                Some(current) => client.save_service(current.id, current.version, &input).await,
                None => client.create_service(&input).await,
            };
            match result {
                Ok(saved) => saved_to(state, errors, notice, saved, "/cabinet/services"),
                Err(e) => errors.set(errors_of(&e)),
            }
        });
    };
    let act = move |confirm: bool| {
        let Some(current) = state.get_untracked() else { return };
        leptos::task::spawn_local(async move {
            let client = session.client();
            let result = if confirm {
                client.confirm_service(current.id).await.map(|_| "Спасибо! Данные отмечены как актуальные.")
            } else {
                client.submit(CabinetPath::Services, current.id).await.map(|()| "Отправлено на модерацию.")
            };
            match result {
                Ok(message) => {
                    if let Ok(fresh) = client.cabinet_service(current.id).await {
                        state.set(Some(fresh));
                    }
                    notice.set(Some(message.to_owned()));
                }
                Err(e) => errors.set(errors_of(&e)),
            }
        });
    };
    view! {
        {move || state.get().map(|record| view! { <RecordState record /> })}
        {move || notice.get().map(|n| view! { <p class="success" role="status">{n}</p> })}
        <ErrorSummary errors />
        <form on:submit=save novalidate>
            <h2>"Что это за услуга"</h2>
            <TextField field="name" label="Название услуги" value=name on_input=set_name errors />
            <TextField field="summary" label="Кратко: что человек получает" hint="Одно предложение, от 10 символов" value=summary on_input=set_summary errors />
            <TextField field="description" label="Подробное описание" multiline=true value=description on_input=set_description errors />
            {move || reference.get().map(|(cats, tgs, _)| {
                let cat_options: Vec<(String, String)> = cats.iter().flat_map(|g| g.children.iter().map(|c| (c.slug.clone(), c.name.clone()))).collect();
                let group_options: Vec<(String, String)> = tgs.iter().map(|t| (t.slug.clone(), t.name.clone())).collect();
                view! {
                    <Checkboxes field="categories" legend="Категории" hint="От одной до восьми" options=cat_options selected=categories on_change=set_categories errors />
                    <Checkboxes field="target_groups" legend="Кому предназначена" options=group_options selected=groups on_change=set_groups errors />
                }
            })}
            <h2>"Как получить"</h2>
            <Checkboxes field="formats" legend="Формат" options=format_options selected=formats on_change=set_formats errors />
            <Checkboxes field="locations" legend="Адреса, где оказывают услугу" hint="Для очного приёма нужен хотя бы один адрес" options=place_options selected=places on_change=set_places errors />
            {move || reference.get().map(|(_, _, towns)| {
                let town_options: Vec<(String, String)> = towns.iter().map(|m| (m.slug.clone(), m.name.clone())).collect();
                view! { <Checkboxes field="municipalities" legend="Города, где доступна услуга" options=town_options selected=cities on_change=set_cities errors /> }
            })}
            <TextField field="how_to_apply" label="Как обратиться" multiline=true value=how on_input=set_how errors />
            <TextField field="documents" label="Документы" hint="Каждый документ с новой строки" multiline=true value=documents on_input=set_documents errors />
            <h2>"Кто может получить и сколько стоит"</h2>
            <TextField field="eligibility" label="Кто может получить" multiline=true value=eligibility on_input=set_eligibility errors />
            <TextField field="age_min" label="Возраст от, лет" kind="number" value=age_min on_input=set_age_min errors />
            <TextField field="age_max" label="Возраст до, лет" kind="number" value=age_max on_input=set_age_max errors />
            <div class="field">
                <label for="f-cost">"Стоимость"</label>
                <select id="f-cost" on:change=move |ev| { if let Ok(c) = event_target_value(&ev).parse::<Cost>() { form.update(|f| f.cost = c) } }>
                    {Cost::ALL.iter().map(|c| view! { <option value=c.as_str() selected=move || form.get().cost == *c>{c.label()}</option> }).collect_view()}
                </select>
            </div>
            <TextField field="cost_note" label="Пояснение к стоимости" value=cost_note on_input=set_cost_note errors />
            <h2>"Контакты по услуге"</h2>
            <p class="hint">"Если не указаны, гражданам покажутся контакты организации."</p>
            <TextField field="contacts.phone" label="Телефон" kind="tel" value=phone on_input=set_phone errors />
            <TextField field="contacts.email" label="Электронная почта" kind="email" value=email on_input=set_email errors />
            <TextField field="contacts.website" label="Сайт" kind="url" value=website on_input=set_website errors />
            <p><button type="submit">"Сохранить услугу"</button></p>
        </form>
        {move || state.get().filter(|r| r.status == ModerationStatus::Draft).map(|_| view! {
            <p><button type="button" on:click=move |_| act(false)>"Отправить на модерацию"</button></p>
        })}
        {move || state.get().filter(|r| r.status == ModerationStatus::Published).map(|_| view! {
            <p><button type="button" class="secondary" on:click=move |_| act(true)>"Данные актуальны"</button></p>
        })}
    }
}
