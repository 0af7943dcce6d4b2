//! A service, an organization and the СОЦИО centres: everything a person needs to act, as the
//! record's page shows it.

use leptos::prelude::*;
use socio_domain::{
    api::{CategoryGroup, OrganizationDetail, OrganizationSummary, ServiceDetail, SocioCentre},
    vocabulary::SocioCentreStatus,
    wording,
};

use crate::{LocationBlock, PhoneLink, ServiceCard, WebsiteLink};

/// A phone, an e-mail and a website as a list of links.
#[component]
fn ContactList(contacts: socio_domain::api::Contacts) -> impl IntoView {
    view! {
        <ul>
            {contacts.phone.map(|p| view! { <li>"Позвонить: " <PhoneLink number=p /></li> })}
            {contacts.email.map(|e| view! { <li>"Написать: " <a href=format!("mailto:{e}")>{e.clone()}</a></li> })}
            {contacts.website.map(|w| view! { <li>"Сайт: " <WebsiteLink url=w /></li> })}
        </ul>
    }
}

/// «Сведения проверены …».
fn verified(date: Option<chrono::NaiveDate>) -> impl IntoView {
    date.map(|d| view! { <p class="meta-line">{format!("Сведения проверены {}", wording::date(&d))}</p> })
}

/// One service below its heading: what it is, who may get it, documents, how to apply,
/// contacts and addresses.
#[component]
pub fn ServiceDetails(
    /// The service.
    service: ServiceDetail,
) -> impl IntoView {
    let org_name = service.organization.short_name.clone().unwrap_or_else(|| service.organization.name.clone());
    let formats: Vec<&str> = service.formats.iter().map(|f| f.label()).collect();
    let cost = match &service.cost_note {
        Some(note) => format!("{}. {note}", service.cost.label()),
        None => service.cost.label().to_owned(),
    };
    let cities: Vec<String> = service.municipalities.iter().map(|m| m.name.clone()).collect();
    // The number to call, at the top: on a phone it is in the first screen with the name.
    let phone = service.contacts.phone.clone().or_else(|| service.locations.iter().find_map(|l| l.phone.clone()));
    view! {
        <p class="lead">{service.summary.clone()}</p>
        {phone.map(|number| view! { <p class="call"><strong>"Позвонить: "</strong><crate::PhoneLink number /></p> })}
        <p>{service.description.clone()}</p>
        <dl class="facts">
            <dt>"Кто может получить"</dt><dd>{service.eligibility.clone()}</dd>
            <dt>"Стоимость"</dt><dd>{cost}</dd>
            <dt>"Как получить"</dt><dd>{formats.join(", ")}</dd>
            {wording::age_range(service.age_min, service.age_max).map(|a| view! { <dt>"Возраст"</dt><dd>{a}</dd> })}
            {service.form_442.map(|f| view! { <dt>"Форма обслуживания"</dt><dd>{f.label()}</dd> })}
            <dt>"Где доступна"</dt><dd>{cities.join(", ")}</dd>
            <dt>"Кто оказывает"</dt>
            <dd><a href=format!("/organizations/{}", service.organization.slug)>{org_name}</a></dd>
        </dl>

        <h2>"Какие документы нужны"</h2>
        <ul class="docs">{service.documents.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ul>

        <h2>"Как обратиться"</h2>
        <p>{service.how_to_apply.clone()}</p>

        <h2>"Контакты"</h2>
        <ContactList contacts=service.contacts.clone() />

        {(!service.locations.is_empty()).then(|| view! {
            <h2>"Адреса"</h2>
            {service.locations.iter().cloned().map(|l| view! { <LocationBlock location=l /> }).collect_view()}
        })}

        {verified(service.last_verified)}
    }
}

/// One organization below its heading: what it does, contacts, addresses, services.
#[component]
pub fn OrganizationDetails(
    /// The organization.
    organization: OrganizationDetail,
) -> impl IntoView {
    let o = organization;
    view! {
        <p class="lead">{o.name.clone()}</p>
        <p class="meta-line">{format!("{} · {}", o.kind.label(), o.sector.label())}</p>
        <p>{o.description.clone()}</p>
        <h2>"Контакты"</h2>
        <ContactList contacts=o.contacts.clone() />
        <h2>"Адреса"</h2>
        {o.locations.iter().cloned().map(|l| view! { <LocationBlock location=l /> }).collect_view()}
        <h2>{format!("Услуги ({})", o.services.len())}</h2>
        <ul class="results">
            {o.services.iter().cloned().map(|s| view! { <ServiceCard service=s /> }).collect_view()}
        </ul>
        <dl class="facts">
            {o.inn.clone().map(|i| view! { <dt>"ИНН"</dt><dd>{i}</dd> })}
            {o.ogrn.clone().map(|i| view! { <dt>"ОГРН"</dt><dd>{i}</dd> })}
        </dl>
        {verified(o.last_verified)}
    }
}

/// One organization in the directory's list.
#[component]
pub fn OrganizationItem(
    /// The organization.
    organization: OrganizationSummary,
) -> impl IntoView {
    let o = organization;
    let cities: Vec<String> = o.municipalities.iter().map(|m| m.name.clone()).collect();
    view! {
        <li>
            <h2><a href=format!("/organizations/{}", o.slug)>{o.short_name.clone().unwrap_or_else(|| o.name.clone())}</a></h2>
            <p class="meta-line">{format!("{} · {}", o.kind.label(), o.sector.label())}</p>
            <p class="meta-line">{cities.join(", ")}</p>
        </li>
    }
}

/// The СОЦИО centres by city: open ones with their hours, the others with their status.
#[component]
pub fn CentreList(
    /// The centres.
    centres: Vec<SocioCentre>,
) -> impl IntoView {
    view! {
        <ul class="results">
            {centres.into_iter().map(|c| {
                let open = c.status == SocioCentreStatus::Open;
                let hours: Vec<String> = c.opening_hours.iter().map(wording::hours).collect();
                view! {
                    <li>
                        <h2>{format!("{} — {}", c.municipality.name, c.status.label())}</h2>
                        <p>{c.description.clone()}</p>
                        {c.address.clone().map(|a| view! { <p><strong>"Адрес: "</strong>{format!("{}, {a}", c.municipality.name)}</p> })}
                        {c.phone.clone().map(|p| view! { <p><strong>"Телефон: "</strong><PhoneLink number=p /></p> })}
                        {(open && !hours.is_empty()).then(|| view! { <p><strong>"Часы работы: "</strong>{hours.join("; ")}</p> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// The category groups as tiles, each a link to its services (in the person's city, if chosen).
#[component]
pub fn CategoryTiles(
    /// The groups with their categories.
    groups: Vec<CategoryGroup>,
    /// The person's city.
    city: Option<String>,
) -> impl IntoView {
    view! {
        <ul class="tiles">
            {groups.into_iter().map(|g| {
                let examples: Vec<String> = g.children.iter().take(3).map(|c| c.name.clone()).collect();
                view! {
                    <li><a class="tile" href=crate::step_services_href(&g.slug, city.as_deref())><strong>{g.name}</strong>{examples.join(", ")}</a></li>
                }
            }).collect_view()}
        </ul>
    }
}
