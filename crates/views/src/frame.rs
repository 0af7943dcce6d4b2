//! What surrounds every page: the demo notice and the footer (the header's switches need the
//! app, so the server draws the header's links alone).

use leptos::prelude::*;

/// «Демонстрационные данные»: shown while the demo dataset is loaded.
#[component]
pub fn DemoBanner() -> impl IntoView {
    view! {
        <div class="demo-banner" role="note">
            <div class="wrap">
                <span class="long">
                    <strong>"Демонстрационные данные. "</strong>
                    "Телефоны, адреса электронной почты и сайты вымышлены: не звоните и не пишите по ним."
                </span>
                // One line on a phone.
                <span class="short"><strong>"Демо-данные: "</strong>"контакты вымышлены."</span>
            </div>
        </div>
    }
}

/// The footer of every page.
#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site">
            <div class="wrap">
                <p>"«Социальный кластер» — помощь людям в трудной жизненной ситуации в Свердловской области."</p>
                <p>"Для разработчиков: " <a href="/docs/">"открытый API"</a> "."</p>
            </div>
        </footer>
    }
}

/// The sections of the site, in the header's order.
pub const SECTIONS: [(&str, &str); 5] = [
    ("/", "Главная"),
    ("/services", "Услуги"),
    ("/organizations", "Организации"),
    ("/situations", "Жизненные ситуации"),
    ("/centres", "Центры СОЦИО"),
];
