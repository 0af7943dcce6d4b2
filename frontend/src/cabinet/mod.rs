//! The partner cabinet: its own page bundle (`cabinet.html`, bin `socio-cabinet`) served for
//! `/cabinet/…`, so the citizens' first page never carries it; the operator's back office is a
//! third page (`backoffice.html`, bin `socio-backoffice`) for `/cabinet/backoffice/…`, so
//! partners do not carry it either.
//!
//! The access token lives in memory only; the refresh cookie (`HttpOnly`, the page cannot read
//! it) restores the session after a reload. Every screen talks to the API through the typed
//! client with the partner's token.

mod auth;
mod backoffice;
mod forms;
mod more;
mod records;
mod situations;
mod upload;

use leptos::prelude::*;
use leptos_router::{
    components::{A, Route, Router, Routes},
    path,
};
use socio_client::Client;
use socio_domain::api::{Me, Session};

use crate::api::client;

/// The signed-in partner, shared by every screen.
#[derive(Clone, Copy)]
pub(crate) struct CabinetSession {
    /// `None` while the session is being restored, then `Some(None)` when signed out.
    pub state: RwSignal<Option<Option<(String, Me)>>>,
}

impl CabinetSession {
    /// A client carrying the access token (anonymous when signed out).
    pub fn client(&self) -> Client {
        match self.state.get_untracked().flatten() {
            Some((token, _)) => client().with_token(token),
            None => client(),
        }
    }

    pub fn sign_in(&self, session: Session) {
        self.state.set(Some(Some((session.access_token, session.user))));
    }

    pub fn me(&self) -> Option<Me> {
        self.state.get().flatten().map(|(_, me)| me)
    }
}

pub(crate) fn use_session() -> CabinetSession {
    use_context::<CabinetSession>().unwrap_or_else(|| CabinetSession { state: RwSignal::new(Some(None)) })
}

/// Which of the two pages is running. They share the sign-in, the header and the forms; a link
/// to the other page loads it (`rel="external"`), so the router of this one does not try.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// The partner cabinet (`cabinet.html`), with the sign-in and registration screens.
    Partner,
    /// The operator's back office (`backoffice.html`, `/cabinet/backoffice/…`).
    Operator,
}

/// Restores the session from the refresh cookie, once; then renews the 15-minute access token
/// every 10 minutes while the page is open, so a long form is never lost to an expired token.
fn start_session() {
    let session = CabinetSession { state: RwSignal::new(None) };
    provide_context(session);
    // The site's state: the low-vision mode is the same switch, remembered in this browser.
    provide_context(crate::state::AppState::new());
    leptos::task::spawn_local(async move {
        let restored = client().refresh().await.ok();
        session.state.set(Some(restored.map(|s| (s.access_token, s.user))));
    });
    set_interval(
        move || {
            if session.state.get_untracked().flatten().is_none() {
                return;
            }
            leptos::task::spawn_local(async move {
                if let Ok(renewed) = client().refresh().await {
                    session.sign_in(renewed);
                }
            });
        },
        std::time::Duration::from_secs(10 * 60),
    );
}

/// The frame of both pages: the skip link, the header, the main region and the footer.
#[component]
fn Frame(part: Part, children: Children) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Перейти к содержанию"</a>
        <CabinetHeader part />
        <main id="main" class="wrap" tabindex="-1">{children()}</main>
        <footer class="site"><div class="wrap"><p><a href="/" rel="external">"Сайт для граждан"</a></p></div></footer>
    }
}

/// A link of the header: the router's own on this page, a plain one to the other page.
#[component]
fn NavLink(href: &'static str, label: &'static str, here: bool) -> impl IntoView {
    if here { view! { <A href=href>{label}</A> }.into_any() } else { view! { <a href=href rel="external">{label}</a> }.into_any() }
}

/// The cabinet's page.
#[component]
pub fn CabinetApp() -> impl IntoView {
    start_session();
    view! {
        <Router>
            <Frame part=Part::Partner>
                <Routes fallback=|| view! { <h1>"Страница не найдена"</h1><p><a href="/cabinet">"В кабинет"</a></p> }>
                    <Route path=path!("/cabinet") view=|| view! { <Guarded><records::OrganizationPage /></Guarded> } />
                    <Route path=path!("/cabinet/login") view=auth::LoginPage />
                    <Route path=path!("/cabinet/register") view=auth::RegisterPage />
                    <Route path=path!("/cabinet/confirm") view=auth::ConfirmPage />
                    <Route path=path!("/cabinet/forgot") view=auth::ForgotPage />
                    <Route path=path!("/cabinet/reset") view=|| view! { <auth::NewPasswordPage invitation=false /> } />
                    <Route path=path!("/cabinet/invitation") view=|| view! { <auth::NewPasswordPage invitation=true /> } />
                    <Route path=path!("/cabinet/password") view=auth::ChangePasswordPage />
                    <Route path=path!("/cabinet/organization") view=|| view! { <Guarded><records::OrganizationPage /></Guarded> } />
                    <Route path=path!("/cabinet/locations") view=|| view! { <Guarded><records::LocationsPage /></Guarded> } />
                    <Route path=path!("/cabinet/locations/:id") view=|| view! { <Guarded><records::LocationPage /></Guarded> } />
                    <Route path=path!("/cabinet/services") view=|| view! { <Guarded><records::ServicesPage /></Guarded> } />
                    <Route path=path!("/cabinet/stale") view=|| view! { <Guarded><records::ServicesPage /></Guarded> } />
                    <Route path=path!("/cabinet/import") view=|| view! { <Guarded><upload::UploadPage operator=false /></Guarded> } />
                    <Route path=path!("/cabinet/services/:id") view=|| view! { <Guarded><records::ServicePage /></Guarded> } />
                    <Route path=path!("/cabinet/revisions") view=|| view! { <Guarded><more::RevisionsPage /></Guarded> } />
                    <Route path=path!("/cabinet/reports") view=|| view! { <Guarded><more::ReportsPage /></Guarded> } />
                    <Route path=path!("/cabinet/statistics") view=|| view! { <Guarded><more::StatisticsPage /></Guarded> } />
                    <Route path=path!("/cabinet/colleagues") view=|| view! { <Guarded><more::ColleaguesPage /></Guarded> } />
                </Routes>
            </Frame>
        </Router>
    }
}

/// The operator's page: its own bundle, so partners never download the back office.
#[component]
pub fn BackofficeApp() -> impl IntoView {
    use backoffice::OperatorGuarded;
    start_session();
    view! {
        <Router>
            <Frame part=Part::Operator>
                <Routes fallback=|| view! { <h1>"Страница не найдена"</h1><p><a href="/cabinet/backoffice" rel="external">"В служебный раздел"</a></p> }>
                    <Route path=path!("/cabinet/backoffice") view=|| view! { <OperatorGuarded><backoffice::QueuePage /></OperatorGuarded> } />
                    <Route path=path!("/cabinet/backoffice/usage") view=|| view! { <OperatorGuarded><backoffice::UsagePage /></OperatorGuarded> } />
                    <Route path=path!("/cabinet/backoffice/quality") view=|| view! { <OperatorGuarded><backoffice::QualityPage /></OperatorGuarded> } />
                    <Route path=path!("/cabinet/backoffice/audit") view=|| view! { <OperatorGuarded><backoffice::AuditPage /></OperatorGuarded> } />
                    <Route path=path!("/cabinet/backoffice/situations") view=|| view! { <OperatorGuarded><situations::SituationsPage /></OperatorGuarded> } />
                    <Route path=path!("/cabinet/backoffice/situations/:slug") view=|| view! { <OperatorGuarded><situations::SituationEditorPage /></OperatorGuarded> } />
                    <Route path=path!("/cabinet/backoffice/import") view=|| view! { <OperatorGuarded><upload::UploadPage operator=true /></OperatorGuarded> } />
                    <Route path=path!("/cabinet/backoffice/people") view=|| view! { <OperatorGuarded><backoffice::PeoplePage /></OperatorGuarded> } />
                </Routes>
            </Frame>
        </Router>
    }
}

#[component]
fn CabinetHeader(part: Part) -> impl IntoView {
    let session = use_session();
    let state = crate::state::use_state();
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            let _ = session.client().logout().await;
            session.state.set(Some(None));
            let _ = window().location().assign("/cabinet/login");
        });
    };
    let (home, title) = match part {
        Part::Partner => ("/cabinet", "Кабинет партнёра"),
        Part::Operator => ("/cabinet/backoffice", "Служебный раздел"),
    };
    let here = move |of: Part| part == of;
    view! {
        <header class="site">
            <div class="wrap">
                <div class="site-top">
                    <a class="logo" href=home rel="external">{title}</a>
                    <div class="site-tools">
                        {move || session.me().map(|me| view! {
                            <span>{me.organization.map(|o| o.name).unwrap_or_else(|| me.role.label().to_owned())}</span>
                            <button type="button" class="secondary" on:click=sign_out>"Выйти"</button>
                        })}
                        <button
                            type="button"
                            class="secondary"
                            aria-pressed=move || state.low_vision.get().to_string()
                            on:click=move |_| state.low_vision.update(|on| *on = !*on)
                        >
                            {move || if state.low_vision.get() { "Обычная версия" } else { "Версия для слабовидящих" }}
                        </button>
                    </div>
                </div>
                {move || session.me().filter(|me| backoffice::is_operator(me.role)).map(|me| view! {
                    <nav class="main" aria-label="Служебные разделы">
                        <ul>
                            {backoffice::sections(me.role).into_iter().map(|(href, label)| view! {
                                <li><NavLink href label here=here(Part::Operator) /></li>
                            }).collect_view()}
                        </ul>
                    </nav>
                })}
                {move || session.me().filter(|me| !backoffice::is_operator(me.role)).map(|_| view! {
                    <nav class="main" aria-label="Разделы кабинета">
                        <ul>
                            {PARTNER_SECTIONS.into_iter().map(|(href, label)| view! {
                                <li><NavLink href label here=here(Part::Partner) /></li>
                            }).collect_view()}
                        </ul>
                    </nav>
                })}
            </div>
        </header>
    }
}

/// The partner's sections, in the header.
const PARTNER_SECTIONS: [(&str, &str); 7] = [
    ("/cabinet/organization", "Организация"),
    ("/cabinet/locations", "Адреса"),
    ("/cabinet/services", "Услуги"),
    ("/cabinet/revisions", "Изменения"),
    ("/cabinet/reports", "Сообщения"),
    ("/cabinet/statistics", "Статистика"),
    ("/cabinet/colleagues", "Коллеги"),
];

/// Shows its children to a signed-in partner; otherwise the way in.
#[component]
fn Guarded(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    move || {
        match session.state.get() {
        None => view! { <p class="status" role="status">"Загрузка…"</p> }.into_any(),
        Some(None) => view! {
            <h1 tabindex="-1">"Кабинет партнёра"</h1>
            <p>"Организации, которые помогают людям в трудной ситуации, сами ведут свои данные: адреса, часы работы, услуги."</p>
            <p><a class="button" href="/cabinet/login">"Войти"</a>" "<a class="button secondary" href="/cabinet/register">"Зарегистрироваться"</a></p>
        }
        .into_any(),
        Some(Some((_, me))) if me.must_change_password => must_change_password().into_any(),
        Some(Some((_, me))) if backoffice::is_operator(me.role) => view! {
            <h1 tabindex="-1">"Вы сотрудник оператора"</h1>
            <p>"У сотрудников оператора нет кабинета организации."</p>
            <p><a class="button" href="/cabinet/backoffice" rel="external">"В служебный раздел"</a></p>
        }
        .into_any(),
        Some(Some((_, me))) if me.organization.is_none() => view! {
            <h1 tabindex="-1">"Заявка на рассмотрении"</h1>
            <p>"Модератор проверяет, что вы представляете эту организацию. Когда заявку одобрят, кабинет откроется: обычно это занимает один-два рабочих дня."</p>
        }
        .into_any(),
        Some(Some(_)) => children().into_any(),
    }
    }
}

/// What a person who signed in with a one-time password sees instead of any screen.
pub(crate) fn must_change_password() -> impl IntoView {
    view! {
        <h1 tabindex="-1">"Сначала задайте свой пароль"</h1>
        <p>"Вы вошли с одноразовым паролем. Пока вы не зададите свой, работать в кабинете нельзя."</p>
        <p><a class="button" href="/cabinet/password" rel="external">"Задать пароль"</a></p>
    }
}

/// Moves focus to the page's heading when a screen opens, as the site does.
pub(crate) fn focus_heading() {
    request_animation_frame(|| {
        if let Some(h1) = document().query_selector("main h1").ok().flatten()
            && let Ok(h1) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(h1)
        {
            let _ = h1.focus();
        }
    });
}

/// Offers `text` to the person as a file download. A CSV keeps its byte order mark (the
/// browser drops it when it reads the answer), so that Excel opens it as UTF-8.
pub(crate) fn save_file(name: &str, mime: &str, text: &str) {
    let text = if mime.starts_with("text/csv") && !text.starts_with('\u{feff}') { format!("\u{feff}{text}") } else { text.to_owned() };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(&text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Ok(link) = document().create_element("a")
        && let Ok(link) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlAnchorElement>(link)
    {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
