//! The shell: skip link, header with navigation, city and low-vision switches, the demo notice,
//! the routes, and the footer.

use leptos::prelude::*;
use leptos_router::{
    components::{A, Route, Router, Routes},
    path,
};

use crate::{
    pages::{
        CentresPage, HelpPage, HomePage, NotFoundPage, OrganizationPage, OrganizationsPage, RoutePage, ServicePage, ServicesPage,
        SituationPage, SituationsPage,
    },
    state::{AppState, use_state},
};

/// The site.
#[component]
pub fn App() -> impl IntoView {
    view! { <Shell><AppRoutes /></Shell> }
}

/// The route wizard, served as its own page (`/situations/{slug}/route`).
#[component]
pub fn RouteApp() -> impl IntoView {
    view! {
        <Shell>
            <Routes fallback=|| view! { <ToTheSite /> }>
                <Route path=path!("/situations/:slug/route") view=RoutePage />
            </Routes>
        </Shell>
    }
}

/// Any other address belongs to the site: load it from the server.
#[component]
fn ToTheSite() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let target = format!("{}{}", location.pathname.get_untracked(), location.search.get_untracked());
    let _ = window().location().assign(&target);
    view! { <p class="status" role="status">"Загрузка…"</p> }
}

/// Skip link, header, demo notice, main, footer: the same on every page.
#[component]
fn Shell(children: Children) -> impl IntoView {
    provide_context(AppState::new());
    view! {
        <Router>
            <a class="skip-link" href="#main">"Перейти к содержанию"</a>
            <Header />
            <crate::offline::OfflineNotice saved=crate::offline::saved_at() />
            <DemoNotice />
            <main id="main" class="wrap" tabindex="-1">
                {children()}
            </main>
            <socio_views::SiteFooter />
        </Router>
    }
}

/// The pages of the site; the route wizard is a page of its own ([`RouteApp`]).
#[component]
fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=|| view! { <NotFoundPage /> }>
            <Route path=path!("/") view=HomePage />
            <Route path=path!("/services") view=ServicesPage />
            <Route path=path!("/services/:slug") view=ServicePage />
            <Route path=path!("/organizations") view=OrganizationsPage />
            <Route path=path!("/organizations/:slug") view=OrganizationPage />
            <Route path=path!("/situations") view=SituationsPage />
            <Route path=path!("/situations/:slug") view=SituationPage />
            <Route path=path!("/centres") view=CentresPage />
            <Route path=path!("/help") view=HelpPage />
        </Routes>
    }
}

/// The city selector: the choice is remembered in this browser.
#[component]
pub fn CitySelect(
    /// Id of the `<select>` (there may be one in the header and one in a form).
    #[prop(into)]
    id: String,
) -> impl IntoView {
    let state = use_state();
    let options = move || {
        state
            .municipalities
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|m| {
                let selected = state.city.get().as_deref() == Some(m.slug.as_str());
                view! { <option value=m.slug selected=selected>{m.name}</option> }
            })
            .collect_view()
    };
    view! {
        <label for=id.clone()>"Ваш город"</label>
        <select
            id=id
            on:change=move |ev| {
                let value = event_target_value(&ev);
                state.city.set((!value.is_empty()).then_some(value));
            }
        >
            <option value="" selected=move || state.city.get().is_none()>"Все города"</option>
            {options}
        </select>
    }
}

/// The header. On a phone it is one line: the site's name, the city, the low-vision switch and
/// «Меню», a button that shows the sections (Escape closes them and gives the focus back); on a
/// wide screen the sections are always shown and the button is not.
#[component]
fn Header() -> impl IntoView {
    let state = use_state();
    let (open, set_open) = signal(false);
    let toggle = NodeRef::<leptos::html::Button>::new();
    // Escape closes the sections wherever the focus is, and gives it back to «Меню».
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && open.get_untracked() {
            set_open.set(false);
            if let Some(button) = toggle.get_untracked() {
                let _ = button.focus();
            }
        }
    });
    on_cleanup(move || escape.remove());
    view! {
        <header class="site">
            <div class="wrap">
                <div class="site-top">
                    <a class="logo" href="/">"Социальный кластер"</a>
                    <div class="site-tools">
                        <div class="city"><CitySelect id="city-header" /></div>
                        <button
                            type="button"
                            class="secondary low-vision-switch"
                            aria-pressed=move || state.low_vision.get().to_string()
                            on:click=move |_| state.low_vision.update(|on| *on = !*on)
                        >
                            {move || if state.low_vision.get() {
                                view! { <span class="long">"Обычная версия"</span><span class="short">"Обычный вид"</span> }
                            } else {
                                view! { <span class="long">"Версия для слабовидящих"</span><span class="short">"Для слабовидящих"</span> }
                            }}
                        </button>
                        <button
                            type="button"
                            class="secondary menu-toggle"
                            node_ref=toggle
                            aria-controls="site-menu"
                            aria-expanded=move || open.get().to_string()
                            on:click=move |_| set_open.update(|o| *o = !*o)
                        >
                            "Меню"
                        </button>
                    </div>
                </div>
                // A section chosen closes the menu: the next page starts with its content.
                <nav id="site-menu" class="main" class:open=open aria-label="Разделы сайта" on:click=move |_| set_open.set(false)>
                    <ul>
                        <li><A href="/" exact=true>"Главная"</A></li>
                        <li><A href="/services">"Услуги"</A></li>
                        <li><A href="/organizations">"Организации"</A></li>
                        <li><A href="/situations">"Жизненные ситуации"</A></li>
                        <li><A href="/centres">"Центры СОЦИО"</A></li>
                    </ul>
                </nav>
            </div>
        </header>
    }
}

/// «Демонстрационные данные» while the demo dataset is loaded.
#[component]
fn DemoNotice() -> impl IntoView {
    let state = use_state();
    move || {
        state.meta.get().and_then(Result::ok).filter(|m| m.demo).map(|_| {
            view! { <socio_views::DemoBanner /> }
        })
    }
}
