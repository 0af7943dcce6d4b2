//! The partner cabinet: its own page bundle (`cabinet.html`, bin `socio-cabinet`) served for
//! `/cabinet/…`, so the citizens' first page never carries it.
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

/// The cabinet's page.
#[component]
pub fn CabinetApp() -> impl IntoView {
    let session = CabinetSession { state: RwSignal::new(None) };
    provide_context(session);
    // The site's state: the low-vision mode is the same switch, remembered in this browser.
    provide_context(crate::state::AppState::new());
    // Restore the session from the refresh cookie, once; then renew the 15-minute access token
    // every 10 minutes while the page is open, so a long form is never lost to an expired token.
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
    view! {
        <Router>
            <a class="skip-link" href="#main">"Перейти к содержанию"</a>
            <CabinetHeader />
            <main id="main" class="wrap" tabindex="-1">
                <Routes fallback=|| view! { <h1>"Страница не найдена"</h1><p><a href="/cabinet">"В кабинет"</a></p> }>
                    <Route path=path!("/cabinet") view=|| view! { <Guarded><records::OrganizationPage /></Guarded> } />
                    <Route path=path!("/cabinet/login") view=auth::LoginPage />
                    <Route path=path!("/cabinet/register") view=auth::RegisterPage />
                    <Route path=path!("/cabinet/confirm") view=auth::ConfirmPage />
                    <Route path=path!("/cabinet/forgot") view=auth::ForgotPage />
                    <Route path=path!("/cabinet/reset") view=|| view! { <auth::NewPasswordPage invitation=false /> } />
                    <Route path=path!("/cabinet/invitation") view=|| view! { <auth::NewPasswordPage invitation=true /> } />
                    <Route path=path!("/cabinet/organization") view=|| view! { <Guarded><records::OrganizationPage /></Guarded> } />
                    <Route path=path!("/cabinet/locations") view=|| view! { <Guarded><records::LocationsPage /></Guarded> } />
                    <Route path=path!("/cabinet/locations/:id") view=|| view! { <Guarded><records::LocationPage /></Guarded> } />
                    <Route path=path!("/cabinet/services") view=|| view! { <Guarded><records::ServicesPage /></Guarded> } />
                    <Route path=path!("/cabinet/stale") view=|| view! { <Guarded><records::ServicesPage /></Guarded> } />
                    <Route path=path!("/cabinet/services/:id") view=|| view! { <Guarded><records::ServicePage /></Guarded> } />
                    <Route path=path!("/cabinet/revisions") view=|| view! { <Guarded><more::RevisionsPage /></Guarded> } />
                    <Route path=path!("/cabinet/reports") view=|| view! { <Guarded><more::ReportsPage /></Guarded> } />
                    <Route path=path!("/cabinet/statistics") view=|| view! { <Guarded><more::StatisticsPage /></Guarded> } />
                    <Route path=path!("/cabinet/colleagues") view=|| view! { <Guarded><more::ColleaguesPage /></Guarded> } />
                    <Route path=path!("/cabinet/backoffice") view=|| view! { <backoffice::OperatorGuarded><backoffice::QueuePage /></backoffice::OperatorGuarded> } />
                    <Route path=path!("/cabinet/backoffice/usage") view=|| view! { <backoffice::OperatorGuarded><backoffice::UsagePage /></backoffice::OperatorGuarded> } />
                    <Route path=path!("/cabinet/backoffice/quality") view=|| view! { <backoffice::OperatorGuarded><backoffice::QualityPage /></backoffice::OperatorGuarded> } />
                    <Route path=path!("/cabinet/backoffice/audit") view=|| view! { <backoffice::OperatorGuarded><backoffice::AuditPage /></backoffice::OperatorGuarded> } />
                    <Route path=path!("/cabinet/backoffice/situations") view=|| view! { <backoffice::OperatorGuarded><situations::SituationsPage /></backoffice::OperatorGuarded> } />
                    <Route path=path!("/cabinet/backoffice/situations/:slug") view=|| view! { <backoffice::OperatorGuarded><situations::SituationEditorPage /></backoffice::OperatorGuarded> } />
                    <Route path=path!("/cabinet/backoffice/people") view=|| view! { <backoffice::OperatorGuarded><backoffice::PeoplePage /></backoffice::OperatorGuarded> } />
                </Routes>
            </main>
            <footer class="site"><div class="wrap"><p><a href="/">"Сайт для граждан"</a></p></div></footer>
        </Router>
    }
}

#[component]
fn CabinetHeader() -> impl IntoView {
    let session = use_session();
    let state = crate::state::use_state();
    let sign_out = move |_| {
        leptos::task::spawn_local(async move {
            let _ = session.client().logout().await;
            session.state.set(Some(None));
            let _ = window().location().assign("/cabinet/login");
        });
    };
    view! {
        <header class="site">
            <div class="wrap">
                <div class="site-top">
                    <a class="logo" href="/cabinet">"Кабинет партнёра"</a>
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
                            {backoffice::sections(me.role).into_iter().map(|(href, label)| view! { <li><A href=href>{label}</A></li> }).collect_view()}
                        </ul>
                    </nav>
                })}
                {move || session.me().filter(|me| !backoffice::is_operator(me.role)).map(|_| view! {
                    <nav class="main" aria-label="Разделы кабинета">
                        <ul>
                            <li><A href="/cabinet/organization">"Организация"</A></li>
                            <li><A href="/cabinet/locations">"Адреса"</A></li>
                            <li><A href="/cabinet/services">"Услуги"</A></li>
                            <li><A href="/cabinet/revisions">"Изменения"</A></li>
                            <li><A href="/cabinet/reports">"Сообщения"</A></li>
                            <li><A href="/cabinet/statistics">"Статистика"</A></li>
                            <li><A href="/cabinet/colleagues">"Коллеги"</A></li>
                        </ul>
                    </nav>
                })}
            </div>
        </header>
    }
}

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
        Some(Some((_, me))) if backoffice::is_operator(me.role) => view! {
            <h1 tabindex="-1">"Вы сотрудник оператора"</h1>
            <p>"У сотрудников оператора нет кабинета организации."</p>
            <p><a class="button" href="/cabinet/backoffice">"Очередь модерации"</a></p>
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
