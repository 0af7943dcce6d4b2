//! Getting in: sign-in, registration (a new organization or a claim of one from the directory),
//! the confirmation link, a forgotten password, and setting a password from a letter.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use socio_domain::{
    api::{
        ContactsInput, FieldError, Login, NewPasswordWithToken, OrganizationInput, PasswordChange, Registration, ValidLogin,
        ValidRegistration,
    },
    vocabulary::{OrganizationKind, Sector},
};

use super::{
    focus_heading,
    forms::{ErrorSummary, TextField, errors_of},
    use_session,
};
use crate::api::client;

fn set(signal: RwSignal<String>) -> Callback<String> {
    Callback::new(move |v| signal.set(v))
}

/// «Вход».
#[component]
pub fn LoginPage() -> impl IntoView {
    focus_heading();
    let session = use_session();
    let (email, password) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let sending = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let login = Login { email: email.get_untracked(), password: password.get_untracked() };
        if let Err(found) = ValidLogin::try_from(&login) {
            errors.set(found);
            return;
        }
        sending.set(true);
        leptos::task::spawn_local(async move {
            match client().login(&login).await {
                Ok(done) => {
                    let home = if done.user.must_change_password {
                        "/cabinet/password"
                    } else {
                        super::backoffice::sections(done.user.role).first().map_or("/cabinet/organization", |(href, _)| *href)
                    };
                    session.sign_in(done);
                    let _ = window().location().assign(home);
                }
                Err(e) => errors.set(errors_of(&e)),
            }
            sending.set(false);
        });
    };
    view! {
        <h1 tabindex="-1">"Вход в кабинет партнёра"</h1>
        <ErrorSummary errors />
        <form on:submit=submit novalidate>
            <TextField field="email" label="Электронная почта" kind="email" autocomplete="username" value=email.into() on_input=set(email) errors />
            <TextField field="password" label="Пароль" kind="password" autocomplete="current-password" value=password.into() on_input=set(password) errors />
            <p><button type="submit" disabled=move || sending.get()>"Войти"</button></p>
        </form>
        <p><a href="/cabinet/forgot">"Забыли пароль?"</a></p>
        <p>"Ещё нет учётной записи? "<a href="/cabinet/register">"Зарегистрировать организацию"</a></p>
    }
}

/// «Регистрация»: the person, then a new organization or a claim of an existing one.
#[component]
pub fn RegisterPage() -> impl IntoView {
    focus_heading();
    let (email, password, name) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let claim_mode = RwSignal::new(false);
    let claim = RwSignal::new(String::new());
    let (org_name, inn, ogrn) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (phone, org_email, website, description) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let kind = RwSignal::new(OrganizationKind::Ngo);
    let sector = RwSignal::new(Sector::SocialPolicy);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let done = RwSignal::new(false);
    let optional = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.trim().is_empty());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let organization = (!claim_mode.get_untracked()).then(|| OrganizationInput {
            name: org_name.get_untracked(),
            short_name: None,
            kind: kind.get_untracked(),
            sector: sector.get_untracked(),
            inn: optional(inn),
            ogrn: optional(ogrn),
            description: description.get_untracked(),
            contacts: ContactsInput { phone: optional(phone), email: optional(org_email), website: optional(website) },
        });
        let registration = Registration {
            email: email.get_untracked(),
            password: password.get_untracked(),
            display_name: name.get_untracked(),
            organization,
            claim: claim_mode.get_untracked().then(|| claim.get_untracked()),
        };
        if let Err(found) = ValidRegistration::try_from(&registration) {
            errors.set(found);
            return;
        }
        leptos::task::spawn_local(async move {
            match client().register(&registration).await {
                Ok(_) => done.set(true),
                Err(e) => errors.set(errors_of(&e)),
            }
        });
    };
    view! {
        <h1 tabindex="-1">"Регистрация организации"</h1>
        <Show when=move || !done.get() fallback=move || view! {
            <div class="success" role="status">
                <h2>"Проверьте почту"</h2>
                <p>{move || format!("Мы отправили письмо на {}. Откройте ссылку из письма, чтобы подтвердить адрес, затем войдите.", email.get())}</p>
            </div>
        }>
            <ErrorSummary errors />
            <form on:submit=submit novalidate>
                <h2>"О вас"</h2>
                <TextField field="display_name" label="Как к вам обращаться" autocomplete="name" value=name.into() on_input=set(name) errors />
                <TextField field="email" label="Рабочая электронная почта" kind="email" autocomplete="email" hint="На неё придёт письмо для подтверждения" value=email.into() on_input=set(email) errors />
                <TextField field="password" label="Пароль" kind="password" autocomplete="new-password" hint="Не короче 12 символов. Удобно взять фразу из нескольких слов." value=password.into() on_input=set(password) errors />
                <fieldset id="f-organization">
                    <legend>"Ваша организация уже есть на сайте?"</legend>
                    <div class="check">
                        <input type="radio" id="mode-new" name="mode" prop:checked=move || !claim_mode.get() on:change=move |_| claim_mode.set(false) />
                        <label for="mode-new">"Нет, зарегистрировать новую"</label>
                    </div>
                    <div class="check">
                        <input type="radio" id="mode-claim" name="mode" prop:checked=move || claim_mode.get() on:change=move |_| claim_mode.set(true) />
                        <label for="mode-claim">"Да, я её сотрудник"</label>
                    </div>
                </fieldset>
                <Show when=move || claim_mode.get() fallback=move || view! {
                    <h2>"Организация"</h2>
                    <TextField field="organization.name" label="Полное название" value=org_name.into() on_input=set(org_name) errors />
                    <div class="field">
                        <label for="f-organization-kind">"Вид организации"</label>
                        <select id="f-organization-kind" on:change=move |ev| { if let Ok(k) = event_target_value(&ev).parse() { kind.set(k) } }>
                            {OrganizationKind::ALL.iter().map(|k| view! { <option value=k.as_str() selected=move || kind.get() == *k>{k.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="f-organization-sector">"Сфера деятельности"</label>
                        <select id="f-organization-sector" on:change=move |ev| { if let Ok(s) = event_target_value(&ev).parse() { sector.set(s) } }>
                            {Sector::ALL.iter().map(|s| view! { <option value=s.as_str() selected=move || sector.get() == *s>{s.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <TextField field="organization.inn" label="ИНН" hint="10 цифр у организации, 12 — у ИП" value=inn.into() on_input=set(inn) errors />
                    <TextField field="organization.ogrn" label="ОГРН" hint="13 цифр (ОГРНИП — 15)" value=ogrn.into() on_input=set(ogrn) errors />
                    <TextField field="organization.contacts.phone" label="Телефон" kind="tel" value=phone.into() on_input=set(phone) errors />
                    <TextField field="organization.contacts.email" label="Почта организации" kind="email" value=org_email.into() on_input=set(org_email) errors />
                    <TextField field="organization.contacts.website" label="Сайт" kind="url" hint="Например, https://fond.example.ru" value=website.into() on_input=set(website) errors />
                    <TextField field="organization.description" label="Чем занимается организация" multiline=true value=description.into() on_input=set(description) errors />
                }>
                    <TextField field="claim" label="Код организации" hint="Последняя часть адреса её страницы на сайте: /organizations/код" value=claim.into() on_input=set(claim) errors />
                </Show>
                <p><button type="submit">"Зарегистрироваться"</button></p>
            </form>
        </Show>
    }
}

/// The confirmation link from the letter.
#[component]
pub fn ConfirmPage() -> impl IntoView {
    focus_heading();
    let token = use_query_map().get_untracked().get("token").unwrap_or_default();
    let outcome = LocalResource::new(move || {
        let token = token.clone();
        async move { client().confirm_email(&token).await.map_err(|e| errors_of(&e).first().map(|e| e.detail.clone()).unwrap_or_default()) }
    });
    view! {
        <h1 tabindex="-1">"Подтверждение почты"</h1>
        {move || match outcome.get() {
            None => view! { <p class="status" role="status">"Загрузка…"</p> }.into_any(),
            Some(Ok(())) => view! {
                <div class="success" role="status"><p>"Почта подтверждена. Теперь можно войти."</p></div>
                <p><a class="button" href="/cabinet/login">"Войти"</a></p>
            }.into_any(),
            Some(Err(e)) => view! { <div class="error" role="alert"><p>{e}</p></div> }.into_any(),
        }}
    }
}

/// «Забыли пароль?»
#[component]
pub fn ForgotPage() -> impl IntoView {
    focus_heading();
    let email = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let sent = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        leptos::task::spawn_local(async move {
            match client().request_password_reset(&email.get_untracked()).await {
                Ok(()) => sent.set(true),
                Err(e) => errors.set(errors_of(&e)),
            }
        });
    };
    view! {
        <h1 tabindex="-1">"Восстановление пароля"</h1>
        <Show when=move || !sent.get() fallback=|| view! { <div class="success" role="status"><p>"Если такая учётная запись есть, мы отправили письмо со ссылкой. Она действует 1 час."</p></div> }>
            <ErrorSummary errors />
            <form on:submit=submit novalidate>
                <TextField field="email" label="Электронная почта" kind="email" autocomplete="username" value=email.into() on_input=set(email) errors />
                <p><button type="submit">"Отправить письмо"</button></p>
            </form>
        </Show>
    }
}

/// A new password from a reset letter or an invitation.
#[component]
pub fn NewPasswordPage(invitation: bool) -> impl IntoView {
    focus_heading();
    let token = use_query_map().get_untracked().get("token").unwrap_or_default();
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewPasswordWithToken { token: token.clone(), password: password.get_untracked() };
        leptos::task::spawn_local(async move {
            let result = if invitation { client().accept_invitation(&body).await } else { client().reset_password(&body).await };
            match result {
                Ok(()) => done.set(true),
                Err(e) => errors.set(errors_of(&e)),
            }
        });
    };
    view! {
        <h1 tabindex="-1">{if invitation { "Приглашение в кабинет" } else { "Новый пароль" }}</h1>
        <Show when=move || !done.get() fallback=|| view! {
            <div class="success" role="status"><p>"Пароль сохранён. Теперь можно войти."</p></div>
            <p><a class="button" href="/cabinet/login">"Войти"</a></p>
        }>
            <ErrorSummary errors />
            <form on:submit=submit.clone() novalidate>
                <TextField field="password" label="Новый пароль" kind="password" autocomplete="new-password" hint="Не короче 12 символов" value=password.into() on_input=set(password) errors />
                <p><button type="submit">"Сохранить пароль"</button></p>
            </form>
        </Show>
    }
}

/// «Смена пароля»: the current password and a new one. The first screen of whoever signed in
/// with a one-time password (`socio user add`); other sessions of the account end.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    focus_heading();
    let session = use_session();
    let (current, new) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let change = PasswordChange { current_password: current.get_untracked(), new_password: new.get_untracked() };
        leptos::task::spawn_local(async move {
            match session.client().change_password(&change).await {
                Ok(done) => {
                    let home = super::backoffice::sections(done.user.role).first().map_or("/cabinet/organization", |(href, _)| *href);
                    session.sign_in(done);
                    let _ = window().location().assign(home);
                }
                Err(e) => errors.set(errors_of(&e)),
            }
        });
    };
    view! {
        <h1 tabindex="-1">"Смена пароля"</h1>
        {move || match session.state.get() {
            None => view! { <p class="status" role="status">"Загрузка…"</p> }.into_any(),
            Some(None) => view! { <p><a class="button" href="/cabinet/login">"Войти"</a></p> }.into_any(),
            Some(Some(_)) => view! {
                <ErrorSummary errors />
                <form on:submit=submit novalidate>
                    <TextField field="current_password" label="Текущий пароль" kind="password" autocomplete="current-password" value=current.into() on_input=set(current) errors />
                    <TextField field="new_password" label="Новый пароль" kind="password" autocomplete="new-password" hint="Не короче 12 символов" value=new.into() on_input=set(new) errors />
                    <p><button type="submit">"Сохранить пароль"</button></p>
                </form>
            }.into_any(),
        }}
    }
}
