//! Our published directory as HSDS objects: which of our fields becomes which of theirs is
//! written down field by field in `docs/hsds.md`, and this module is that table in code.
//!
//! Records we keep rows for (organizations, services, locations) carry their stored id; every
//! child HSDS wants an id for (a phone, an address, an opening rule, a link to a term) gets one
//! derived from its parent's id and what the child is, so it survives edits and re-saves.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use socio_domain::{OpeningInterval, vocabulary::Cost};
use uuid::Uuid;

use crate::{
    ids::derived,
    model::{
        Accessibility, Address, Attribute, CostOption, Language, Location, Metadata, Organization, OrganizationIdentifier, Phone,
        RequiredDocument, Schedule, Service, ServiceArea, ServiceAtLocation,
    },
    records::{ChangeRecord, Directory, LocationRecord, OrganizationRecord, RecordKind, ServiceRecord},
    taxonomy::{Taxonomies, TaxonomyTerm, term_id},
    uri::ascii_uri,
};

/// The region every city of ours is in.
pub const REGION: &str = "Свердловская область";
/// Yekaterinburg time, UTC+5 all year.
pub const TIMEZONE: i32 = 5;

/// How much of a service to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceDepth {
    /// `minimal=true`: what a harvester needs to see what changed.
    Minimal,
    /// The list shape: scalars and the organization's scalars.
    List,
    /// Fully nested.
    Full,
}

/// How much of an organization to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganizationDepth {
    /// The list shape: scalars only.
    List,
    /// Fully nested, its services in the list shape.
    Full,
    /// Fully nested with fully nested services (`full_service=true`).
    FullServices,
}

/// The published directory, indexed for nesting.
pub struct Published {
    directory: Directory,
    terms: HashMap<Uuid, TaxonomyTerm>,
    organizations: HashMap<Uuid, usize>,
    locations: HashMap<Uuid, usize>,
    services: HashMap<Uuid, usize>,
    locations_of: HashMap<Uuid, Vec<usize>>,
    services_of: HashMap<Uuid, Vec<usize>>,
    changes_of: HashMap<Uuid, Vec<usize>>,
    /// (service, location) by the id of the service at the location.
    pairs: HashMap<Uuid, (usize, usize)>,
}

impl Published {
    /// Indexes `directory`; lists come out in the order the records are in (the store sorts
    /// them by name).
    pub fn new(directory: Directory, taxonomies: &Taxonomies) -> Self {
        let position = |ids: Vec<Uuid>| ids.into_iter().enumerate().map(|(i, id)| (id, i)).collect::<HashMap<_, _>>();
        let mut locations_of: HashMap<Uuid, Vec<usize>> = HashMap::new();
        for (i, l) in directory.locations.iter().enumerate() {
            locations_of.entry(l.organization_id).or_default().push(i);
        }
        let mut services_of: HashMap<Uuid, Vec<usize>> = HashMap::new();
        for (i, s) in directory.services.iter().enumerate() {
            services_of.entry(s.organization_id).or_default().push(i);
        }
        let mut changes_of: HashMap<Uuid, Vec<usize>> = HashMap::new();
        for (i, c) in directory.changes.iter().enumerate() {
            changes_of.entry(c.record).or_default().push(i);
        }
        let locations = position(directory.locations.iter().map(|l| l.id).collect());
        let pairs = directory
            .services
            .iter()
            .enumerate()
            .flat_map(|(i, s)| {
                s.locations.iter().filter_map(|l| Some((service_at_location_id(s.id, *l), (i, *locations.get(l)?)))).collect::<Vec<_>>()
            })
            .collect();
        Published {
            terms: taxonomies.terms.iter().map(|t| (t.id, t.clone())).collect(),
            organizations: position(directory.organizations.iter().map(|o| o.id).collect()),
            locations,
            pairs,
            services: position(directory.services.iter().map(|s| s.id).collect()),
            locations_of,
            services_of,
            changes_of,
            directory,
        }
    }

    pub fn directory(&self) -> &Directory {
        &self.directory
    }

    pub fn organization_record(&self, id: Uuid) -> Option<&OrganizationRecord> {
        self.organizations.get(&id).map(|&i| &self.directory.organizations[i])
    }

    pub fn service_record(&self, id: Uuid) -> Option<&ServiceRecord> {
        self.services.get(&id).map(|&i| &self.directory.services[i])
    }

    pub fn location_record(&self, id: Uuid) -> Option<&LocationRecord> {
        self.locations.get(&id).map(|&i| &self.directory.locations[i])
    }

    /// The service and the location of the service at a location `id`.
    pub fn pair(&self, id: Uuid) -> Option<(&ServiceRecord, &LocationRecord)> {
        self.pairs.get(&id).map(|&(s, l)| (&self.directory.services[s], &self.directory.locations[l]))
    }

    /// Every (service, location) pair a service is given at, in service order.
    pub fn pairs(&self) -> impl Iterator<Item = (&ServiceRecord, &LocationRecord)> {
        self.directory.services.iter().flat_map(move |s| s.locations.iter().filter_map(move |l| Some((s, self.location_record(*l)?))))
    }

    /// When the service, as HSDS shows it, last changed: it shows its organization and places too.
    pub fn last_modified(&self, service: &ServiceRecord) -> DateTime<Utc> {
        let organization = self.organization_record(service.organization_id).map(|o| o.updated_at);
        let places = service.locations.iter().filter_map(|l| self.location_record(*l)).map(|l| l.updated_at);
        places.chain(organization).fold(service.updated_at, DateTime::max)
    }

    /// The ids of the terms a service's attributes point at, and the groups of its categories
    /// (a filter by a group finds the services of its categories, as our catalogue does).
    pub fn service_terms(&self, service: &ServiceRecord) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = service_links(service).into_iter().map(|(_, term)| term).collect();
        let parents: Vec<Uuid> = ids.iter().filter_map(|id| self.terms.get(id)?.parent_id).collect();
        ids.extend(parents);
        ids
    }

    /// The taxonomy a term belongs to.
    pub fn taxonomy_of(&self, term: Uuid) -> Option<Uuid> {
        self.terms.get(&term).map(|t| t.taxonomy_id)
    }

    pub fn service(&self, record: &ServiceRecord, depth: ServiceDepth) -> Service {
        let id = record.id;
        let mut service = Service {
            id,
            organization_id: Some(record.organization_id),
            name: record.name.clone(),
            description: None,
            url: None,
            email: None,
            status: "active".to_owned(),
            application_process: None,
            fees_description: None,
            eligibility_description: None,
            minimum_age: None,
            maximum_age: None,
            assured_date: None,
            last_modified: Some(timestamp(self.last_modified(record))),
            organization: None,
            phones: None,
            service_areas: None,
            service_at_locations: None,
            languages: None,
            cost_options: None,
            required_documents: None,
            attributes: None,
            metadata: None,
        };
        if depth == ServiceDepth::Minimal {
            service.organization_id = None;
            return service;
        }
        service.description = Some(paragraphs(&record.summary, &record.description));
        service.url = record.website.as_deref().and_then(ascii_uri);
        service.email.clone_from(&record.email);
        service.application_process = non_empty(&record.how_to_apply);
        service.fees_description = Some(match &record.cost_note {
            Some(note) if !note.trim().is_empty() => format!("{}. {}", record.cost.label(), note.trim()),
            _ => record.cost.label().to_owned(),
        });
        service.eligibility_description = non_empty(&record.eligibility);
        service.minimum_age = record.age_min.map(i64::from);
        service.maximum_age = record.age_max.map(i64::from);
        service.assured_date = record.last_verified.map(|d| d.format("%Y-%m-%d").to_string());
        let organization = self.organization_record(record.organization_id);
        if depth == ServiceDepth::List {
            service.organization = organization.map(|o| Box::new(self.organization(o, OrganizationDepth::List)));
            return service;
        }
        service.organization = organization.map(|o| {
            let mut nested = self.organization(o, OrganizationDepth::Full);
            // The service is already the outer object, and its places are its own list.
            nested.services = None;
            nested.locations = None;
            Box::new(nested)
        });
        service.phones = Some(record.phone.iter().map(|n| phone(id, n, Owner::Service)).collect());
        service.service_areas = Some(
            record
                .municipalities
                .iter()
                .map(|(slug, name)| ServiceArea {
                    id: Uuid::new_v5(&id, format!("service_area:{slug}").as_bytes()),
                    service_id: id,
                    name: name.clone(),
                    description: format!("{name}, {REGION}"),
                })
                .collect(),
        );
        service.service_at_locations = Some(
            record
                .locations
                .iter()
                .filter_map(|l| self.location_record(*l))
                .map(|l| ServiceAtLocation {
                    id: service_at_location_id(id, l.id),
                    service_id: id,
                    location_id: l.id,
                    location: Some(self.location(l)),
                    service: None,
                })
                .collect(),
        );
        service.languages = Some(vec![Language {
            id: Uuid::new_v5(&id, b"language:ru"),
            service_id: id,
            name: "русский".to_owned(),
            code: "ru".to_owned(),
        }]);
        service.cost_options = Some(vec![cost_option(record)]);
        let mut documents: Vec<&str> = record.documents.iter().map(|d| d.trim()).filter(|d| !d.is_empty()).collect();
        documents.dedup();
        service.required_documents = Some(
            documents
                .into_iter()
                .map(|d| RequiredDocument {
                    id: Uuid::new_v5(&id, format!("required_document:{d}").as_bytes()),
                    service_id: id,
                    document: d.to_owned(),
                })
                .collect(),
        );
        service.attributes = Some(self.attributes(id, "service", service_links(record)));
        service.metadata = Some(self.metadata(id));
        service
    }

    pub fn organization(&self, record: &OrganizationRecord, depth: OrganizationDepth) -> Organization {
        let id = record.id;
        let mut organization = Organization {
            id,
            name: record.name.clone(),
            alternate_name: record.short_name.clone(),
            description: if record.description.trim().is_empty() {
                format!("{}. {}.", record.kind.label(), record.sector.label())
            } else {
                record.description.clone()
            },
            email: record.email.clone(),
            website: record.website.as_deref().and_then(ascii_uri),
            legal_status: Some(record.kind.label().to_owned()),
            phones: None,
            locations: None,
            organization_identifiers: None,
            attributes: None,
            metadata: None,
            services: None,
        };
        if depth == OrganizationDepth::List {
            return organization;
        }
        organization.phones = Some(record.phone.iter().map(|n| phone(id, n, Owner::Organization)).collect());
        organization.locations =
            Some(self.locations_of.get(&id).into_iter().flatten().map(|&i| self.location(&self.directory.locations[i])).collect());
        let mut identifiers = Vec::new();
        if let Some(inn) = &record.inn {
            identifiers.push(identifier(id, "inn", "RU-INN", "ИНН", inn));
        }
        if let Some(ogrn) = &record.ogrn {
            let kind = if ogrn.len() == 15 { "ОГРНИП" } else { "ОГРН" };
            identifiers.push(identifier(id, "ogrn", "RU-OGRN", kind, ogrn));
        }
        organization.organization_identifiers = Some(identifiers);
        let links = vec![
            ("organization_kind", term_id("organization-kind", record.kind.as_str())),
            ("sector", term_id("sector", record.sector.as_str())),
        ];
        organization.attributes = Some(self.attributes(id, "organization", links));
        organization.metadata = Some(self.metadata(id));
        let depth = if depth == OrganizationDepth::FullServices { ServiceDepth::Full } else { ServiceDepth::List };
        organization.services = Some(
            self.services_of
                .get(&id)
                .into_iter()
                .flatten()
                .map(|&i| {
                    let mut service = self.service(&self.directory.services[i], depth);
                    // Inside its organization, a service need not repeat it.
                    service.organization = None;
                    service
                })
                .collect(),
        );
        organization
    }

    /// A place, fully nested.
    pub fn location(&self, record: &LocationRecord) -> Location {
        let id = record.id;
        let mut location = self.location_scalars(record);
        location.addresses = Some(vec![Address {
            id: Uuid::new_v5(&id, b"address"),
            location_id: id,
            address_1: record.address.clone(),
            city: record.city.clone(),
            state_province: REGION.to_owned(),
            postal_code: String::new(),
            country: "RU".to_owned(),
            address_type: "physical".to_owned(),
        }]);
        location.phones = Some(record.phone.iter().map(|n| phone(id, n, Owner::Location)).collect());
        location.schedules = Some(record.opening_hours.iter().map(|rule| schedule(id, rule)).collect());
        location.accessibility = Some(
            record
                .accessibility
                .iter()
                .map(|f| Accessibility {
                    id: Uuid::new_v5(&id, format!("accessibility:{}", f.as_str()).as_bytes()),
                    location_id: id,
                    description: f.label().to_owned(),
                })
                .collect(),
        );
        let links = record.accessibility.iter().map(|f| ("accessibility", term_id("accessibility", f.as_str()))).collect();
        location.attributes = Some(self.attributes(id, "location", links));
        location.metadata = Some(self.metadata(id));
        location
    }

    /// A place's scalars: the list shape.
    pub fn location_scalars(&self, record: &LocationRecord) -> Location {
        Location {
            id: record.id,
            location_type: "physical".to_owned(),
            organization_id: Some(record.organization_id),
            name: Some(record.name.clone()),
            description: Some(format!("{}, {}", record.address, record.city)),
            latitude: record.coordinates.map(|c| c.0),
            longitude: record.coordinates.map(|c| c.1),
            addresses: None,
            phones: None,
            schedules: None,
            accessibility: None,
            attributes: None,
            metadata: None,
        }
    }

    /// A service at a place: the list shape, or (`full`) both fully nested.
    pub fn service_at_location(&self, service: &ServiceRecord, location: &LocationRecord, full: bool) -> ServiceAtLocation {
        let (place, nested) = if full {
            let mut nested = self.service(service, ServiceDepth::Full);
            nested.service_at_locations = None;
            (self.location(location), nested)
        } else {
            (self.location_scalars(location), self.service(service, ServiceDepth::List))
        };
        ServiceAtLocation {
            id: service_at_location_id(service.id, location.id),
            service_id: service.id,
            location_id: location.id,
            location: Some(place),
            service: Some(Box::new(nested)),
        }
    }

    fn attributes(&self, record: Uuid, entity: &str, links: Vec<(&str, Uuid)>) -> Vec<Attribute> {
        let mut seen = Vec::new();
        links
            .into_iter()
            .filter(|(_, term)| {
                let new = !seen.contains(term);
                seen.push(*term);
                new
            })
            .filter_map(|(kind, term)| {
                Some(Attribute {
                    id: Uuid::new_v5(&record, format!("attribute:{term}").as_bytes()),
                    link_id: record,
                    link_entity: entity.to_owned(),
                    link_type: kind.to_owned(),
                    taxonomy_term_id: term,
                    taxonomy_term: Some(self.terms.get(&term)?.clone()),
                })
            })
            .collect()
    }

    fn metadata(&self, record: Uuid) -> Vec<Metadata> {
        self.changes_of.get(&record).into_iter().flatten().map(|&i| metadata(&self.directory.changes[i])).collect()
    }
}

/// The id of a service's presence at a place: the same pair always gets the same id.
pub fn service_at_location_id(service: Uuid, location: Uuid) -> Uuid {
    derived(&format!("service_at_location:{service}:{location}"))
}

/// What a service's attributes link to: (our field, the term).
fn service_links(service: &ServiceRecord) -> Vec<(&'static str, Uuid)> {
    let mut links: Vec<(&'static str, Uuid)> = Vec::new();
    links.extend(service.categories.iter().map(|c| ("category", term_id("category", c))));
    links.extend(service.target_groups.iter().map(|g| ("target_group", term_id("target-group", g))));
    links.extend(service.formats.iter().map(|f| ("service_format", term_id("format", f.as_str()))));
    links.extend(service.form_442.iter().map(|f| ("form_442", term_id("form-442", f.as_str()))));
    links.push(("cost", term_id("cost", service.cost.as_str())));
    links
}

#[derive(Clone, Copy)]
enum Owner {
    Organization,
    Service,
    Location,
}

fn phone(owner: Uuid, number: &str, kind: Owner) -> Phone {
    Phone {
        id: Uuid::new_v5(&owner, b"phone"),
        organization_id: matches!(kind, Owner::Organization).then_some(owner),
        service_id: matches!(kind, Owner::Service).then_some(owner),
        location_id: matches!(kind, Owner::Location).then_some(owner),
        number: number.to_owned(),
        kind: "voice".to_owned(),
    }
}

fn identifier(organization: Uuid, key: &str, scheme: &str, kind: &str, value: &str) -> OrganizationIdentifier {
    OrganizationIdentifier {
        id: Uuid::new_v5(&organization, key.as_bytes()),
        organization_id: organization,
        identifier_scheme: scheme.to_owned(),
        identifier_type: kind.to_owned(),
        identifier: value.to_owned(),
    }
}

fn cost_option(service: &ServiceRecord) -> CostOption {
    let note = service.cost_note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    let free = service.cost == Cost::Free;
    CostOption {
        id: Uuid::new_v5(&service.id, b"cost_option"),
        service_id: service.id,
        option: service.cost.label().to_owned(),
        currency: free.then(|| "RUB".to_owned()),
        amount: free.then_some(0),
        amount_description: note,
    }
}

const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const WEEKDAY_NAMES: [&str; 7] = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"];

/// An opening rule as a weekly recurrence. Its id depends on the rule itself, so a changed rule
/// is a new schedule and reordering the rules changes nothing.
fn schedule(location: Uuid, rule: &OpeningInterval) -> Schedule {
    let mut days: Vec<u8> = rule.days.iter().copied().filter(|d| (1..=7).contains(d)).collect();
    days.sort_unstable();
    days.dedup();
    let day = |d: &u8| usize::from(*d - 1);
    let byday = days.iter().map(|d| WEEKDAYS[day(d)]).collect::<Vec<_>>().join(",");
    let canonical = format!("{byday}/{}/{}", rule.opens, rule.closes);
    let hours = if rule.opens == "00:00" && rule.closes == "24:00" {
        "круглосуточно".to_owned()
    } else {
        format!("{}–{}", rule.opens, rule.closes)
    };
    Schedule {
        id: Uuid::new_v5(&location, format!("schedule:{canonical}").as_bytes()),
        location_id: location,
        freq: "WEEKLY".to_owned(),
        interval: 1,
        wkst: "MO".to_owned(),
        byday,
        opens_at: clock(&rule.opens),
        // HSDS times are times of day; the end of the day is its last second.
        closes_at: if rule.closes == "24:00" { "23:59:59".to_owned() } else { clock(&rule.closes) },
        timezone: TIMEZONE,
        description: format!("{} {hours}", day_ranges(&days)),
    }
}

fn clock(hh_mm: &str) -> String {
    format!("{hh_mm}:00")
}

/// «Пн–Пт», «Пн, Ср, Пт», «Пн–Ср, Сб».
fn day_ranges(days: &[u8]) -> String {
    let mut runs: Vec<(u8, u8)> = Vec::new();
    for &d in days {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == d => *end = d,
            _ => runs.push((d, d)),
        }
    }
    let name = |d: u8| WEEKDAY_NAMES[usize::from(d - 1)];
    runs.iter()
        .map(|&(a, b)| match b - a {
            0 => name(a).to_owned(),
            1 => format!("{}, {}", name(a), name(b)),
            _ => format!("{}–{}", name(a), name(b)),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Our field names as HSDS calls the part of its objects they end up in.
fn hsds_field(kind: RecordKind, field: &str) -> &str {
    match (kind, field) {
        (RecordKind::Organization, "short_name") => "alternate_name",
        (RecordKind::Organization, "inn" | "ogrn") => "organization_identifiers",
        (RecordKind::Organization, "kind") => "legal_status",
        (RecordKind::Organization, "sector") => "attributes",
        (RecordKind::Service, "summary") => "description",
        (RecordKind::Service, "how_to_apply") => "application_process",
        (RecordKind::Service, "eligibility") => "eligibility_description",
        (RecordKind::Service, "age_min") => "minimum_age",
        (RecordKind::Service, "age_max") => "maximum_age",
        (RecordKind::Service, "documents") => "required_documents",
        (RecordKind::Service, "cost" | "cost_note") => "cost_options",
        (RecordKind::Service, "categories" | "target_groups" | "formats" | "form_442") => "attributes",
        (RecordKind::Service, "municipalities") => "service_areas",
        (RecordKind::Service, "locations") => "service_at_locations",
        (RecordKind::Service, "website") => "url",
        (RecordKind::Location, "address" | "municipality") => "addresses",
        (RecordKind::Location, "coordinates") => "latitude,longitude",
        (RecordKind::Location, "opening_hours") => "schedules",
        (_, "phone") => "phones",
        (_, "last_verified") => "assured_date",
        (_, other) => other,
    }
}

fn metadata(change: &ChangeRecord) -> Metadata {
    // Every field is required and a CSV cell must not be empty: «—» says "nothing".
    let shown = |v: &str| if v.trim().is_empty() { "—".to_owned() } else { v.to_owned() };
    Metadata {
        id: derived(&format!("metadata:{}:{}", change.audit_id, change.field)),
        resource_id: change.record,
        resource_type: change.kind.as_str().to_owned(),
        last_action_date: change.date.format("%Y-%m-%d").to_string(),
        last_action_type: change.action.to_owned(),
        field_name: hsds_field(change.kind, &change.field).to_owned(),
        previous_value: shown(&change.before),
        replacement_value: shown(&change.after),
        updated_by: change.by.to_owned(),
    }
}

/// `2023-03-15T10:30:45.123Z`, as HSDS writes `last_modified`.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn paragraphs(summary: &str, description: &str) -> String {
    match (summary.trim(), description.trim()) {
        (s, "") => s.to_owned(),
        ("", d) => d.to_owned(),
        (s, d) => format!("{s}\n\n{d}"),
    }
}

fn non_empty(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn opening_rules_become_weekly_recurrences_with_russian_descriptions() {
        let place = derived("location:test");
        let rule = OpeningInterval { days: vec![5, 1, 2, 3, 4], opens: "08:30".into(), closes: "17:30".into() };
        let s = schedule(place, &rule);
        assert_eq!((s.byday.as_str(), s.opens_at.as_str(), s.closes_at.as_str()), ("MO,TU,WE,TH,FR", "08:30:00", "17:30:00"));
        assert_eq!(s.description, "Пн–Пт 08:30–17:30");
        let reordered = OpeningInterval { days: vec![1, 2, 3, 4, 5], ..rule };
        assert_eq!(schedule(place, &reordered).id, s.id, "the id depends on the rule, not on how it is written");
        let always = schedule(place, &OpeningInterval { days: vec![1, 3, 6, 7], opens: "00:00".into(), closes: "24:00".into() });
        assert_eq!((always.closes_at.as_str(), always.description.as_str()), ("23:59:59", "Пн, Ср, Сб, Вс круглосуточно"));
    }
}
