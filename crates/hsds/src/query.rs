//! The HSDS API's query parameters, parsed into what they mean, each mistake a field error
//! naming the parameter (the API answers them as problem+json, as on `/api/v1`).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use socio_domain::api::{DEFAULT_PER_PAGE, FieldError, MAX_PER_PAGE, MAX_QUERY_LEN};
use uuid::Uuid;

/// The parameters of `/taxonomies`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomiesQuery {
    pub search: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
    pub format: Option<String>,
}

/// The parameters of `/taxonomy_terms`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyTermsQuery {
    pub search: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
    pub format: Option<String>,
    pub taxonomy_id: Option<String>,
    pub top_only: Option<String>,
    pub parent_id: Option<String>,
}

/// The parameters of `/services` and `/service_at_locations` (which adds `postcode` and
/// `proximity`, and has no `minimal`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServicesQuery {
    pub search: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
    pub format: Option<String>,
    pub taxonomy_term_id: Option<String>,
    pub taxonomy_id: Option<String>,
    pub organization_id: Option<String>,
    pub modified_after: Option<String>,
    pub minimal: Option<String>,
    pub full: Option<String>,
    pub postcode: Option<String>,
    pub proximity: Option<String>,
}

/// The parameters of `/organizations` and `/organizations/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrganizationsQuery {
    pub search: Option<String>,
    pub page: Option<String>,
    pub per_page: Option<String>,
    pub format: Option<String>,
    pub full: Option<String>,
    pub full_service: Option<String>,
}

/// The services (or services at locations) asked for; every filter must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFilter {
    pub listing: Listing,
    pub taxonomy_term_id: Option<Uuid>,
    pub taxonomy_id: Option<Uuid>,
    pub organization_id: Option<Uuid>,
    pub modified_after: Option<DateTime<Utc>>,
    pub minimal: bool,
    pub full: bool,
    /// `per_page` was given (a minimal list is otherwise one page).
    pub per_page_given: bool,
}

/// The organizations asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationFilter {
    pub listing: Listing,
    pub full: bool,
    pub full_service: bool,
}

/// Which endpoint a [`ServicesQuery`] came to: `/service_at_locations` knows no `minimal`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServicesEndpoint {
    Services,
    ServiceAtLocations,
}

impl ServiceFilter {
    pub fn parse(raw: &ServicesQuery, endpoint: ServicesEndpoint) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let listing = listing(&mut errors, raw.search.as_deref(), raw.page.as_deref(), raw.per_page.as_deref(), raw.format.as_deref());
        let filter = ServiceFilter {
            listing,
            taxonomy_term_id: id(&mut errors, "taxonomy_term_id", raw.taxonomy_term_id.as_deref()),
            taxonomy_id: id(&mut errors, "taxonomy_id", raw.taxonomy_id.as_deref()),
            organization_id: id(&mut errors, "organization_id", raw.organization_id.as_deref()),
            modified_after: moment(&mut errors, "modified_after", raw.modified_after.as_deref()),
            minimal: flag(&mut errors, "minimal", raw.minimal.as_deref()),
            full: flag(&mut errors, "full", raw.full.as_deref()),
            per_page_given: raw.per_page.is_some(),
        };
        let unknown = |errors: &mut Vec<FieldError>, field: &str, message: String| {
            errors.push(FieldError::new(field, "unsupported", message));
        };
        match endpoint {
            ServicesEndpoint::Services => {
                for (field, given) in [("postcode", &raw.postcode), ("proximity", &raw.proximity)] {
                    if given.is_some() {
                        unknown(&mut errors, field, format!("Параметр «{field}» есть только у /service_at_locations."));
                    }
                }
            }
            ServicesEndpoint::ServiceAtLocations => {
                if raw.minimal.is_some() {
                    unknown(&mut errors, "minimal", "Параметр «minimal» есть только у /services.".to_owned());
                }
                // We keep no postal codes, so a postcode can neither be matched nor located.
                if raw.postcode.is_some() {
                    unknown(
                        &mut errors,
                        "postcode",
                        "Почтовые индексы в справочнике пока не ведутся: отбор по «postcode» недоступен.".to_owned(),
                    );
                }
                if raw.proximity.is_some() {
                    unknown(
                        &mut errors,
                        "proximity",
                        "Отбор по «proximity» считается от почтового индекса, а они пока не ведутся.".to_owned(),
                    );
                }
            }
        }
        if filter.minimal && filter.full {
            unknown(&mut errors, "minimal", "Параметры «minimal» и «full» вместе не задаются.".to_owned());
        }
        if errors.is_empty() { Ok(filter) } else { Err(errors) }
    }
}

impl TryFrom<&OrganizationsQuery> for OrganizationFilter {
    type Error = Vec<FieldError>;
    fn try_from(raw: &OrganizationsQuery) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let listing = listing(&mut errors, raw.search.as_deref(), raw.page.as_deref(), raw.per_page.as_deref(), raw.format.as_deref());
        let filter = OrganizationFilter {
            listing,
            full: flag(&mut errors, "full", raw.full.as_deref()),
            full_service: flag(&mut errors, "full_service", raw.full_service.as_deref()),
        };
        if errors.is_empty() { Ok(filter) } else { Err(errors) }
    }
}

/// What every list takes: words, a page, and the format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// Folded words that must all occur.
    pub search: Vec<String>,
    pub page: u32,
    pub per_page: u32,
    /// `format=ndjson`: every item, one JSON object a line, no envelope.
    pub ndjson: bool,
}

/// The terms asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermFilter {
    pub listing: Listing,
    pub taxonomy_id: Option<Uuid>,
    /// Only terms with no parent. (The document's name says top-level terms, its description
    /// leaf terms; the name is what a caller reads.)
    pub top_only: bool,
    pub parent_id: Option<Uuid>,
}

impl TryFrom<&TaxonomiesQuery> for Listing {
    type Error = Vec<FieldError>;
    fn try_from(raw: &TaxonomiesQuery) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let listing = listing(&mut errors, raw.search.as_deref(), raw.page.as_deref(), raw.per_page.as_deref(), raw.format.as_deref());
        if errors.is_empty() { Ok(listing) } else { Err(errors) }
    }
}

impl TryFrom<&TaxonomyTermsQuery> for TermFilter {
    type Error = Vec<FieldError>;
    fn try_from(raw: &TaxonomyTermsQuery) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let listing = listing(&mut errors, raw.search.as_deref(), raw.page.as_deref(), raw.per_page.as_deref(), raw.format.as_deref());
        let filter = TermFilter {
            listing,
            taxonomy_id: id(&mut errors, "taxonomy_id", raw.taxonomy_id.as_deref()),
            top_only: flag(&mut errors, "top_only", raw.top_only.as_deref()),
            parent_id: id(&mut errors, "parent_id", raw.parent_id.as_deref()),
        };
        if errors.is_empty() { Ok(filter) } else { Err(errors) }
    }
}

fn listing(
    errors: &mut Vec<FieldError>,
    search: Option<&str>,
    page: Option<&str>,
    per_page: Option<&str>,
    format: Option<&str>,
) -> Listing {
    let search = match search.map(str::trim) {
        Some(words) if words.chars().count() > MAX_QUERY_LEN => {
            errors.push(FieldError::new("search", "too_long", format!("Параметр «search» длиннее {MAX_QUERY_LEN} символов.")));
            Vec::new()
        }
        Some(words) => socio_domain::text::fold(words).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect(),
        None => Vec::new(),
    };
    let ndjson = match format {
        None | Some("json") => false,
        Some("ndjson") => true,
        Some(other) => {
            let other = socio_domain::text::echoed(other);
            errors.push(FieldError::new("format", "unknown_value", format!("Параметр «format»: «{other}» — допустимы json и ndjson.")));
            false
        }
    };
    Listing {
        search,
        page: number(errors, "page", page, 1_000_000).unwrap_or(1),
        per_page: number(errors, "per_page", per_page, MAX_PER_PAGE).unwrap_or(DEFAULT_PER_PAGE),
        ndjson,
    }
}

fn number(errors: &mut Vec<FieldError>, field: &str, raw: Option<&str>, max: u32) -> Option<u32> {
    let raw = raw?;
    match raw.trim().parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Some(n),
        _ => {
            let raw = socio_domain::text::echoed(raw);
            errors.push(FieldError::new(
                field,
                "out_of_range",
                format!("Параметр «{field}» должен быть целым числом от 1 до {max}, а не «{raw}»."),
            ));
            None
        }
    }
}

fn id(errors: &mut Vec<FieldError>, field: &str, raw: Option<&str>) -> Option<Uuid> {
    let raw = raw?;
    match Uuid::try_parse(raw.trim()) {
        Ok(id) => Some(id),
        Err(_) => {
            let raw = socio_domain::text::echoed(raw);
            errors.push(FieldError::new(field, "invalid_id", format!("Параметр «{field}»: «{raw}» — не идентификатор (UUID).")));
            None
        }
    }
}

/// An RFC 3339 moment, or a date (its start, in UTC).
fn moment(errors: &mut Vec<FieldError>, field: &str, raw: Option<&str>) -> Option<DateTime<Utc>> {
    let raw = raw?.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Some(at.with_timezone(&Utc));
    }
    if let Ok(day) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return day.and_hms_opt(0, 0, 0).map(|at| at.and_utc());
    }
    let raw = socio_domain::text::echoed(raw);
    errors.push(FieldError::new(
        field,
        "invalid_datetime",
        format!("Параметр «{field}»: «{raw}» — нужна дата и время по RFC 3339 (2026-12-01T10:00:00Z) или дата (2026-12-01)."),
    ));
    None
}

fn flag(errors: &mut Vec<FieldError>, field: &str, raw: Option<&str>) -> bool {
    match raw.map(str::trim) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            let other = socio_domain::text::echoed(other);
            errors.push(FieldError::new(field, "invalid_flag", format!("Параметр «{field}»: «{other}» — допустимы true и false.")));
            false
        }
    }
}

/// Does `text` contain every word of `search` (folded)?
pub fn matches(search: &[String], text: &str) -> bool {
    if search.is_empty() {
        return true;
    }
    let text = socio_domain::text::fold(text);
    search.iter().all(|word| text.contains(socio_domain::text::stem(word)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parameters_parse_and_every_mistake_names_its_parameter() {
        let raw = TaxonomyTermsQuery { top_only: Some("true".into()), per_page: Some("5".into()), ..Default::default() };
        let filter = TermFilter::try_from(&raw).unwrap();
        assert!(filter.top_only && !filter.listing.ndjson);
        assert_eq!((filter.listing.page, filter.listing.per_page), (1, 5));
        let bad = TaxonomyTermsQuery {
            per_page: Some("1000".into()),
            format: Some("xml".into()),
            taxonomy_id: Some("cost".into()),
            top_only: Some("yes".into()),
            ..Default::default()
        };
        let fields: Vec<String> = TermFilter::try_from(&bad).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["format", "per_page", "taxonomy_id", "top_only"]);
    }

    #[test]
    fn service_parameters_combine_and_postcodes_are_refused_plainly() {
        let raw = ServicesQuery {
            modified_after: Some("2026-12-01".into()),
            taxonomy_id: Some("3fc5f4b6-b7ca-5969-9766-909d4d9affd0".into()),
            minimal: Some("true".into()),
            ..Default::default()
        };
        let filter = ServiceFilter::parse(&raw, ServicesEndpoint::Services).unwrap();
        assert_eq!(filter.modified_after.unwrap().to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert!(filter.minimal && !filter.per_page_given && filter.taxonomy_id.is_some());
        let at = ServicesQuery { modified_after: Some("2026-12-01T10:00:00+05:00".into()), ..Default::default() };
        let at = ServiceFilter::parse(&at, ServicesEndpoint::Services).unwrap().modified_after.unwrap();
        assert_eq!(at.to_rfc3339(), "2026-12-01T05:00:00+00:00");
        let bad = ServicesQuery { modified_after: Some("вчера".into()), postcode: Some("620000".into()), ..Default::default() };
        let fields: Vec<String> =
            ServiceFilter::parse(&bad, ServicesEndpoint::ServiceAtLocations).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["modified_after", "postcode"]);
        let minimal = ServicesQuery { minimal: Some("true".into()), ..Default::default() };
        assert!(ServiceFilter::parse(&minimal, ServicesEndpoint::ServiceAtLocations).is_err());
    }

    #[test]
    fn search_needs_every_word_in_any_form() {
        let words = |q: &str| socio_domain::text::fold(q).split(' ').map(str::to_owned).collect::<Vec<_>>();
        assert!(matches(&words("пенсионеры"), "Пенсионер по старости"));
        assert!(!matches(&words("пенсионеры дети"), "Пенсионер по старости"));
        assert!(matches(&[], "что угодно"));
    }
}
