//! A service in a list, a phone, a website, an address with hours and accessibility, and the
//! pager under every list.

use leptos::prelude::*;
use socio_domain::{
    Phone,
    api::{Location, ServiceCopy, ServiceSummary, SnippetPart},
};

use socio_domain::wording;

/// One service in a list of results.
#[component]
pub fn ServiceCard(
    /// The service.
    service: ServiceSummary,
    /// A search snippet to show instead of the summary, with matched words marked.
    #[prop(optional)]
    snippet: Vec<SnippetPart>,
    /// Distance to the nearest address, km.
    #[prop(default = None)]
    distance: Option<f64>,
    /// The same service in other cities (a search with no city chosen shows it once).
    #[prop(optional)]
    copies: Vec<ServiceCopy>,
    /// How many copies there are, when `copies` lists only some.
    #[prop(optional)]
    copies_total: u64,
) -> impl IntoView {
    let copies_total = copies_total.max(copies.len() as u64);
    let unlisted = copies_total - copies.len() as u64;
    let href = format!("/services/{}", service.slug);
    let organization = service.organization.short_name.clone().unwrap_or_else(|| service.organization.name.clone());
    let cities: Vec<String> = service.municipalities.iter().map(|m| m.name.clone()).collect();
    let cities = if cities.len() > 3 { format!("{} и ещё {}", cities[..3].join(", "), cities.len() - 3) } else { cities.join(", ") };
    let formats: Vec<&str> = service.formats.iter().map(|f| f.label()).collect();
    view! {
        <li>
            <h3><a href=href>{service.name.clone()}</a></h3>
            {if snippet.is_empty() {
                view! { <p>{service.summary.clone()}</p> }.into_any()
            } else {
                view! {
                    <p class="snippet">
                        {snippet.into_iter().map(|part| if part.mark { view! { <mark>{part.text}</mark> }.into_any() } else { part.text.into_any() }).collect_view()}
                    </p>
                }.into_any()
            }}
            <p class="meta-line">{organization} " · " {cities}{distance.map(|d| format!(" · {}", wording::distance(d)))}</p>
            <ul class="badges" aria-label="Условия">
                <li>{service.cost.label()}</li>
                {formats.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}
                {wording::age_range(service.age_min, service.age_max).map(|a| view! { <li>{format!("Возраст: {a}")}</li> })}
            </ul>
            {(!copies.is_empty()).then(|| view! {
                <details class="copies">
                    <summary>{format!("Есть ещё в {}", wording::plural(copies_total, "городе", "городах", "городах"))}</summary>
                    <ul>
                        {copies.into_iter().map(|c| {
                            let cities: Vec<String> = c.municipalities.iter().map(|m| m.name.clone()).collect();
                            view! { <li><a href=format!("/services/{}", c.slug)>{cities.join(", ")}</a></li> }
                        }).collect_view()}
                        {(unlisted > 0).then(|| view! { <li>{format!("и ещё {unlisted}: выберите город, чтобы увидеть услугу там")}</li> })}
                    </ul>
                </details>
            })}
        </li>
    }
}

/// A phone as a «Позвонить» link.
#[component]
pub fn PhoneLink(
    /// The number as written.
    number: String,
) -> impl IntoView {
    let tel = Phone::parse(&number).map(|p| p.tel_uri()).unwrap_or_else(|_| format!("tel:{number}"));
    view! { <a href=tel>{number}</a> }
}

/// A partner's website: a link only when it is `http(s)` (the API accepts nothing else, this
/// guards older data), opened with no access back to this page and no referrer.
#[component]
pub fn WebsiteLink(
    /// The address as stored.
    url: String,
) -> impl IntoView {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        let href = url.clone();
        view! { <a href=href rel="noopener noreferrer">{url}</a> }.into_any()
    } else {
        view! { <span>{url}</span> }.into_any()
    }
}

/// An address with its opening hours and accessibility features.
#[component]
pub fn LocationBlock(
    /// The address.
    location: Location,
) -> impl IntoView {
    let hours: Vec<String> = location.opening_hours.iter().map(wording::hours).collect();
    let access: Vec<&str> = location.accessibility.iter().map(|a| a.label()).collect();
    view! {
        <div class="panel">
            <h3>{location.name.clone()}</h3>
            <p>{format!("{}, {}", location.municipality.name, location.address)}</p>
            {location.phone.clone().map(|p| view! { <p>"Телефон: " <PhoneLink number=p /></p> })}
            {(!hours.is_empty()).then(|| view! {
                <p><strong>"Часы работы: "</strong>{hours.join("; ")}</p>
            })}
            <p>
                <strong>"Доступная среда: "</strong>
                {if access.is_empty() { "сведений нет".to_owned() } else { access.join(", ") }}
            </p>
        </div>
    }
}

/// «Назад / Страница 2 из 5 / Вперёд» as plain links, so every page has its own URL (and a
/// search engine or a browser without JavaScript can follow them).
#[component]
pub fn Pager(
    /// Current page, from 1.
    page: u32,
    /// Number of pages.
    pages: u32,
    /// The URL of a page.
    href: Callback<u32, String>,
) -> impl IntoView {
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label="Страницы">
                {(page > 1).then(|| view! { <a class="button secondary" href=href.run(page - 1) rel="prev">"← Назад"</a> })}
                <span>{format!("Страница {page} из {pages}")}</span>
                {(page < pages).then(|| view! { <a class="button secondary" href=href.run(page + 1) rel="next">"Вперёд →"</a> })}
            </nav>
        }
    })
}
