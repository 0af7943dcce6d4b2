//! schema.org descriptions of the public pages (JSON-LD), the way search engines read a service,
//! its provider, where and when it is given, and where the page sits in the site.

use serde_json::{Value, json};
use socio_domain::{
    OpeningInterval,
    api::{Contacts, Location, OrganizationDetail, ServiceDetail},
    vocabulary::OrganizationKind,
};

const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// Is an organization of this kind part of the state (federal, regional or municipal)?
pub fn is_state(kind: OrganizationKind) -> bool {
    matches!(kind, OrganizationKind::State | OrganizationKind::Municipal | OrganizationKind::Federal)
}

fn organization_type(kind: OrganizationKind) -> &'static str {
    match kind {
        OrganizationKind::State | OrganizationKind::Municipal | OrganizationKind::Federal => "GovernmentOrganization",
        OrganizationKind::Ngo | OrganizationKind::Charity | OrganizationKind::Volunteers => "NGO",
        OrganizationKind::SocialBusiness | OrganizationKind::Business => "Organization",
    }
}

fn hours(intervals: &[OpeningInterval]) -> Vec<Value> {
    intervals
        .iter()
        .map(|i| {
            let days: Vec<String> = i
                .days
                .iter()
                .filter_map(|d| DAYS.get(usize::from(*d).wrapping_sub(1)))
                .map(|d| format!("https://schema.org/{d}"))
                .collect();
            json!({ "@type": "OpeningHoursSpecification", "dayOfWeek": days, "opens": i.opens, "closes": i.closes })
        })
        .collect()
}

fn place(l: &Location) -> Value {
    let mut place = json!({
        "@type": "Place",
        "name": l.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": l.address,
            "addressLocality": l.municipality.name,
            "addressRegion": "Свердловская область",
            "addressCountry": "RU",
        },
    });
    if let Some(c) = &l.coordinates {
        place["geo"] = json!({ "@type": "GeoCoordinates", "latitude": c.lat, "longitude": c.lon });
    }
    if let Some(phone) = &l.phone {
        place["telephone"] = json!(phone);
    }
    if !l.opening_hours.is_empty() {
        place["openingHoursSpecification"] = json!(hours(&l.opening_hours));
    }
    place
}

fn contacts(value: &mut Value, contacts: &Contacts) {
    if let Some(phone) = &contacts.phone {
        value["telephone"] = json!(phone);
    }
    if let Some(email) = &contacts.email {
        value["email"] = json!(email);
    }
    if let Some(site) = &contacts.website {
        value["sameAs"] = json!(site);
    }
}

/// The provider as a service page names it.
fn provider(organization: &OrganizationDetail, url: &str) -> Value {
    let mut value = json!({ "@type": organization_type(organization.kind), "name": organization.name, "url": url });
    contacts(&mut value, &organization.contacts);
    if let Some(first) = organization.locations.first() {
        value["address"] = place(first)["address"].clone();
    }
    value
}

/// A service: `GovernmentService` when a state body provides it, `Service` otherwise.
pub fn service(service: &ServiceDetail, organization: &OrganizationDetail, url: &str, organization_url: &str) -> Value {
    let mut channel = json!({ "@type": "ServiceChannel", "name": "Обращение", "serviceUrl": url });
    if let Some(phone) = &service.contacts.phone {
        channel["servicePhone"] = json!({ "@type": "ContactPoint", "telephone": phone, "contactType": "consultation" });
    }
    if !service.locations.is_empty() {
        channel["serviceLocation"] = json!(service.locations.iter().map(place).collect::<Vec<_>>());
    }
    let hours_available: Vec<Value> = service.locations.iter().flat_map(|l| hours(&l.opening_hours)).collect();
    let mut value = json!({
        "@type": if is_state(organization.kind) { "GovernmentService" } else { "Service" },
        "@id": url,
        "url": url,
        "name": service.name,
        "description": service.summary,
        "provider": provider(organization, organization_url),
        "areaServed": service.municipalities.iter().map(|m| json!({ "@type": "City", "name": m.name })).collect::<Vec<_>>(),
        "availableChannel": channel,
        "hoursAvailable": hours_available,
        "audience": { "@type": "Audience", "audienceType": service.eligibility },
        "category": service.categories.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
    });
    if let Some(date) = service.last_verified {
        value["dateModified"] = json!(date.to_string());
    }
    value
}

/// An organization with its address, telephone and places.
pub fn organization(organization: &OrganizationDetail, url: &str) -> Value {
    let mut value = provider(organization, url);
    value["@id"] = json!(url);
    value["description"] = json!(organization.description);
    if organization.locations.len() > 1 {
        value["location"] = json!(organization.locations.iter().map(place).collect::<Vec<_>>());
    }
    value
}

/// The trail from the home page to this one: (name, absolute URL) in order.
pub fn breadcrumbs(trail: &[(String, String)]) -> Value {
    let items: Vec<Value> = trail
        .iter()
        .enumerate()
        .map(|(i, (name, url))| json!({ "@type": "ListItem", "position": i + 1, "name": name, "item": url }))
        .collect();
    json!({ "@type": "BreadcrumbList", "itemListElement": items })
}

/// Every description of a page as one JSON-LD document.
pub fn graph(items: Vec<Value>) -> Value {
    json!({ "@context": "https://schema.org", "@graph": items })
}
