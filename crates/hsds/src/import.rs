//! An HSDS tabular data package read back into the cabinet's forms: what an import writes,
//! through the same checks and the same write path as a partner's edit. Every problem names
//! its file, row and column, in Russian, so a dry run can list them all before anything is
//! written.
//!
//! The reverse of [`crate::mapping`] and [`crate::tabular`]: our own export reads back to the
//! same records, so export → import → export gives the same package.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use socio_domain::{
    Coordinates, OpeningInterval,
    api::{ContactsInput, LocationInput, OrganizationInput, ServiceInput},
    vocabulary::{AccessibilityFeature, Cost, Form442, OrganizationKind, Sector, ServiceFormat},
};
use uuid::Uuid;

use crate::{
    tabular::{Descriptor, MAX_PROBLEMS_PER_FILE, binary_problem, formula_problem, restored, too_many_problems},
    taxonomy::Taxonomies,
};

/// Largest package accepted, unpacked, and most rows in one file.
pub const MAX_PACKAGE_BYTES: usize = 50 * 1024 * 1024;
pub const MAX_ROWS: usize = 200_000;

/// What is wrong with one cell (or row) of the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    /// The line in the file (the header is line 1); 0 for the file as a whole.
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// Where a record came from, for the problems found when it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: &'static str,
    pub row: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncomingOrganization {
    pub id: Uuid,
    pub origin: Origin,
    pub input: OrganizationInput,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncomingLocation {
    pub id: Uuid,
    pub origin: Origin,
    pub organization: Uuid,
    /// `input.municipality` holds the city's name: the store knows the codes.
    pub input: LocationInput,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IncomingService {
    pub id: Uuid,
    pub origin: Origin,
    pub organization: Uuid,
    /// `input.municipalities` hold the cities' names, `input.locations` is empty: the places
    /// are `locations`.
    pub input: ServiceInput,
    pub locations: Vec<Uuid>,
    pub last_verified: Option<NaiveDate>,
    pub last_modified: Option<DateTime<Utc>>,
}

/// The records of a package, in its order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Incoming {
    pub organizations: Vec<IncomingOrganization>,
    pub locations: Vec<IncomingLocation>,
    pub services: Vec<IncomingService>,
    /// Records of the package that were not read (their problems are reported).
    pub refused: std::collections::HashSet<Uuid>,
}

/// One CSV's rows by column name, with their line numbers, and the rows of each value of every
/// `…_id` column (what the records are looked up by), so that reading a package is linear in
/// its size, not quadratic.
struct Rows {
    file: &'static str,
    rows: Vec<(usize, HashMap<String, String>)>,
    by_reference: HashMap<String, HashMap<String, Vec<usize>>>,
}

impl Rows {
    fn new(file: &'static str, rows: Vec<(usize, HashMap<String, String>)>) -> Self {
        let mut by_reference: HashMap<String, HashMap<String, Vec<usize>>> = HashMap::new();
        for (i, (_, row)) in rows.iter().enumerate() {
            for (column, value) in row.iter().filter(|(c, v)| c.ends_with("_id") && !v.is_empty()) {
                by_reference.entry(column.clone()).or_default().entry(value.clone()).or_default().push(i);
            }
        }
        Rows { file, rows, by_reference }
    }

    /// The rows whose `column` (a `…_id`) is `id`, in file order.
    fn by<'a>(&'a self, column: &str, id: &str) -> impl Iterator<Item = &'a HashMap<String, String>> + 'a {
        let found = self.by_reference.get(column).and_then(|values| values.get(id)).map(Vec::as_slice).unwrap_or_default();
        found.iter().map(|&i| &self.rows[i].1)
    }
}

/// The files of the package the import reads, by resource name.
const READ: &[(&str, &str)] = &[
    ("organization", "organizations.csv"),
    ("organization_identifier", "organization_identifiers.csv"),
    ("location", "locations.csv"),
    ("address", "addresses.csv"),
    ("phone", "phones.csv"),
    ("schedule", "schedules.csv"),
    ("service", "services.csv"),
    ("service_at_location", "service_at_location.csv"),
    ("service_area", "service_areas.csv"),
    ("cost_option", "cost_options.csv"),
    ("required_document", "required_documents.csv"),
    ("attribute", "attributes.csv"),
];

/// Reads one CSV of the package (UTF-8, or Windows-1251 as Excel on a Russian Windows saves it).
fn parse_csv(file: &'static str, bytes: &[u8], problems: &mut Vec<Problem>) -> Rows {
    let text = crate::template::decode(bytes);
    let problem = |row: usize, message: String| Problem { file: file.to_owned(), row, column: String::new(), message };
    if let Some(message) = binary_problem(&text) {
        problems.push(problem(0, message.to_owned()));
        return Rows::new(file, Vec::new());
    }
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let before = problems.len();
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_owned()).collect(),
        Err(e) => {
            problems.push(problem(1, format!("Файл не читается как CSV: {e}.")));
            return Rows::new(file, Vec::new());
        }
    };
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        if rows.len() >= MAX_ROWS {
            problems.push(problem(line, format!("В файле больше {MAX_ROWS} строк: разделите загрузку на части.")));
            break;
        }
        if problems.len() - before >= MAX_PROBLEMS_PER_FILE {
            problems.push(problem(line, too_many_problems()));
            break;
        }
        match record {
            Ok(record) => {
                let formulas: Vec<Problem> = header
                    .iter()
                    .zip(record.iter())
                    .filter_map(|(column, cell)| {
                        let message = formula_problem(cell)?.to_owned();
                        Some(Problem { file: file.to_owned(), row: line, column: column.clone(), message })
                    })
                    .collect();
                if !formulas.is_empty() {
                    problems.extend(formulas);
                    continue;
                }
                let cells = header.iter().cloned().zip(record.iter().map(|c| restored(c.trim()).to_owned())).collect();
                rows.push((line, cells));
            }
            Err(e) => problems.push(problem(line, format!("Строка не читается: {e}."))),
        }
    }
    Rows::new(file, rows)
}

fn get<'a>(row: &'a HashMap<String, String>, column: &str) -> &'a str {
    row.get(column).map(String::as_str).unwrap_or_default()
}

fn optional(row: &HashMap<String, String>, column: &str) -> Option<String> {
    Some(get(row, column)).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// Reads a package (its files by name) into records; every problem at once.
///
/// The records read well come back with the problems of the rest, so that the store can check
/// them too and every problem of the package is reported at once; `refused` holds the ids of
/// the records left out, so that what refers to them is not reported a second time.
pub fn read_package(files: &HashMap<String, Vec<u8>>, taxonomies: &Taxonomies) -> (Incoming, Vec<Problem>) {
    let mut problems = Vec::new();
    if Descriptor::published().is_err() {
        problems.push(Problem {
            file: "datapackage.json".into(),
            row: 0,
            column: String::new(),
            message: "Описание пакета не читается.".into(),
        });
    }
    let mut tables: HashMap<&str, Rows> = HashMap::new();
    for (resource, file) in READ {
        let rows = match files.get(*file) {
            Some(bytes) => parse_csv(file, bytes, &mut problems),
            None if *resource == "organization" => {
                let message = "В пакете нет organizations.csv.".to_owned();
                problems.push(Problem { file: (*file).to_owned(), row: 0, column: String::new(), message });
                Rows::new(file, Vec::new())
            }
            None => Rows::new(file, Vec::new()),
        };
        tables.insert(resource, rows);
    }
    let table = |name: &str| &tables[name];
    // Every record's id, where it was first read: one record per id across the package.
    let mut seen: HashMap<Uuid, (&'static str, usize)> = HashMap::new();
    // The terms a record's attributes point at: (taxonomy key, slug) by term id.
    let terms: HashMap<String, (String, String)> = taxonomies
        .terms
        .iter()
        .filter_map(|t| {
            let (key, slug) = t.code.split_once(':')?;
            Some((t.id.to_string(), (key.to_owned(), slug.to_owned())))
        })
        .collect();
    // An attribute must point at one of our terms: an unknown one is a category (or a group,
    // a format …) that the directory does not have.
    let attribute_rows = table("attribute");
    for (line, row) in &attribute_rows.rows {
        let term = get(row, "taxonomy_term_id");
        if !terms.contains_key(term) {
            let message = format!(
                "Нет такого термина в наших справочниках: «{}» (категории, группы, форматы — в /api/hsds/taxonomy_terms).",
                socio_domain::text::echoed(term)
            );
            problems.push(Problem { file: attribute_rows.file.to_owned(), row: *line, column: "taxonomy_term_id".into(), message });
        }
    }
    let attributes = |id: &str| -> Vec<(String, String)> {
        table("attribute").by("link_id", id).filter_map(|a| terms.get(get(a, "taxonomy_term_id")).cloned()).collect()
    };
    let of_kind = |linked: &[(String, String)], key: &str| -> Vec<String> {
        linked.iter().filter(|(k, _)| k == key).map(|(_, slug)| slug.clone()).collect()
    };
    let phone_of = |column: &str, id: &str| table("phone").by(column, id).next().map(|p| get(p, "number").to_owned());
    let mut incoming = Incoming::default();
    let organizations = table("organization");
    for (line, row) in &organizations.rows {
        let Some(id) = uuid_in(&mut problems, organizations.file, *line, row, "id") else { continue };
        if !first_time(&mut seen, organizations.file, *line, id, &mut problems) {
            continue;
        }
        let key = id.to_string();
        let linked = attributes(&key);
        let kind = of_kind(&linked, "organization-kind").first().and_then(|k| k.parse::<OrganizationKind>().ok());
        let sector = of_kind(&linked, "sector").first().and_then(|s| s.parse::<Sector>().ok());
        let (Some(kind), Some(sector)) = (kind, sector) else {
            let message = "Не указаны вид организации и сфера деятельности (атрибуты organization_kind и sector).".to_owned();
            problems.push(Problem { file: organizations.file.to_owned(), row: *line, column: "attributes".into(), message });
            continue;
        };
        let identifiers: Vec<&HashMap<String, String>> = table("organization_identifier").by("organization_id", &key).collect();
        let identifier =
            |scheme: &str| identifiers.iter().find(|i| get(i, "identifier_scheme") == scheme).map(|i| get(i, "identifier").to_owned());
        let generated = format!("{}. {}.", kind.label(), sector.label());
        let description = get(row, "description");
        incoming.organizations.push(IncomingOrganization {
            id,
            origin: Origin { file: organizations.file, row: *line },
            input: OrganizationInput {
                name: get(row, "name").to_owned(),
                short_name: optional(row, "alternate_name"),
                kind,
                sector,
                inn: identifier("RU-INN"),
                ogrn: identifier("RU-OGRN"),
                description: if description == generated { String::new() } else { description.to_owned() },
                contacts: ContactsInput {
                    phone: phone_of("organization_id", &key),
                    email: optional(row, "email"),
                    website: optional(row, "website"),
                },
            },
        });
    }

    let locations = table("location");
    for (line, row) in &locations.rows {
        let (Some(id), Some(organization)) = (
            uuid_in(&mut problems, locations.file, *line, row, "id"),
            uuid_in(&mut problems, locations.file, *line, row, "organization_id"),
        ) else {
            continue;
        };
        if !first_time(&mut seen, locations.file, *line, id, &mut problems) {
            continue;
        }
        let key = id.to_string();
        // The address: its own row when there is one, else the description «street, city».
        let (address, city) = match table("address").by("location_id", &key).next() {
            Some(a) => (get(a, "address_1").to_owned(), get(a, "city").to_owned()),
            None => match get(row, "description").rsplit_once(", ") {
                Some((street, city)) => (street.to_owned(), city.to_owned()),
                None => (get(row, "description").to_owned(), String::new()),
            },
        };
        let mut number = |column: &str| {
            let value = get(row, column);
            let parsed = value.parse::<f64>().ok().filter(|n| n.is_finite());
            if parsed.is_none() && !value.is_empty() {
                let message = format!("«{column}»: нужно число в градусах, а не «{}».", socio_domain::text::echoed(value));
                problems.push(Problem { file: locations.file.to_owned(), row: *line, column: column.to_owned(), message });
            }
            parsed
        };
        let coordinates = number("latitude").zip(number("longitude")).map(|(lat, lon)| Coordinates { lat, lon });
        let opening_hours = table("schedule").by("location_id", &key).filter_map(opening_rule).collect();
        let accessibility =
            of_kind(&attributes(&key), "accessibility").iter().filter_map(|a| a.parse::<AccessibilityFeature>().ok()).collect();
        incoming.locations.push(IncomingLocation {
            id,
            origin: Origin { file: locations.file, row: *line },
            organization,
            input: LocationInput {
                name: get(row, "name").to_owned(),
                municipality: city,
                address,
                coordinates,
                phone: phone_of("location_id", &key),
                opening_hours,
                accessibility,
            },
        });
    }

    let services = table("service");
    for (line, row) in &services.rows {
        let (Some(id), Some(organization)) =
            (uuid_in(&mut problems, services.file, *line, row, "id"), uuid_in(&mut problems, services.file, *line, row, "organization_id"))
        else {
            continue;
        };
        if !first_time(&mut seen, services.file, *line, id, &mut problems) {
            continue;
        }
        let key = id.to_string();
        let linked = attributes(&key);
        let Some(cost) = of_kind(&linked, "cost").first().and_then(|c| c.parse::<Cost>().ok()) else {
            let message = "Не указана стоимость (атрибут cost).".to_owned();
            problems.push(Problem { file: services.file.to_owned(), row: *line, column: "attributes".into(), message });
            continue;
        };
        if get(row, "status") != "active" {
            let message = format!(
                "Загружаются только действующие услуги (status: active), а не «{}».",
                socio_domain::text::echoed(get(row, "status"))
            );
            problems.push(Problem { file: services.file.to_owned(), row: *line, column: "status".into(), message });
            continue;
        }
        let text = get(row, "description");
        let (summary, description) = text.split_once("\n\n").unwrap_or((text, ""));
        let age = |column: &str| get(row, column).parse::<u8>().ok();
        let cost_option = table("cost_option").by("service_id", &key).next();
        // In the vocabulary's order, as the cabinet keeps them.
        let mut formats: Vec<ServiceFormat> = of_kind(&linked, "format").iter().filter_map(|f| f.parse().ok()).collect();
        formats.sort_unstable();
        incoming.services.push(IncomingService {
            id,
            origin: Origin { file: services.file, row: *line },
            organization,
            input: ServiceInput {
                name: get(row, "name").to_owned(),
                summary: summary.to_owned(),
                description: description.to_owned(),
                categories: of_kind(&linked, "category"),
                target_groups: of_kind(&linked, "target-group"),
                formats,
                form_442: of_kind(&linked, "form-442").first().and_then(|f| f.parse::<Form442>().ok()),
                cost,
                cost_note: cost_option.and_then(|c| optional(c, "amount_description")),
                age_min: age("minimum_age"),
                age_max: age("maximum_age"),
                eligibility: get(row, "eligibility_description").to_owned(),
                documents: table("required_document").by("service_id", &key).map(|d| get(d, "document").to_owned()).collect(),
                how_to_apply: get(row, "application_process").to_owned(),
                contacts: ContactsInput {
                    phone: phone_of("service_id", &key),
                    email: optional(row, "email"),
                    website: optional(row, "url"),
                },
                locations: Vec::new(),
                municipalities: table("service_area").by("service_id", &key).map(|a| get(a, "name").to_owned()).collect(),
            },
            locations: table("service_at_location")
                .by("service_id", &key)
                .filter_map(|s| Uuid::try_parse(get(s, "location_id")).ok())
                .collect(),
            last_verified: NaiveDate::parse_from_str(get(row, "assured_date"), "%Y-%m-%d").ok(),
            last_modified: DateTime::parse_from_rfc3339(get(row, "last_modified")).ok().map(|at| at.to_utc()),
        });
    }
    let read: std::collections::HashSet<Uuid> = incoming
        .organizations
        .iter()
        .map(|o| o.id)
        .chain(incoming.locations.iter().map(|l| l.id))
        .chain(incoming.services.iter().map(|s| s.id))
        .collect();
    incoming.refused = seen.into_keys().filter(|id| !read.contains(id)).collect();
    (incoming, problems)
}

/// Notes `id` as read at `line` of `file`; a second record under it is a problem.
fn first_time(
    seen: &mut HashMap<Uuid, (&'static str, usize)>,
    file: &'static str,
    line: usize,
    id: Uuid,
    problems: &mut Vec<Problem>,
) -> bool {
    match seen.insert(id, (file, line)) {
        None => true,
        Some((first_file, first_line)) => {
            let message = format!("Запись с этим id уже есть ({first_file}, строка {first_line}): у каждой записи свой id.");
            problems.push(Problem { file: file.to_owned(), row: line, column: "id".into(), message });
            false
        }
    }
}

fn uuid_in(problems: &mut Vec<Problem>, file: &str, line: usize, row: &HashMap<String, String>, column: &str) -> Option<Uuid> {
    let value = get(row, column);
    let id = Uuid::try_parse(value).ok();
    if id.is_none() {
        let message = format!("«{column}»: нужен идентификатор UUID, а не «{}».", socio_domain::text::echoed(value));
        problems.push(Problem { file: file.to_owned(), row: line, column: column.to_owned(), message });
    }
    id
}

const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// A weekly schedule row as an opening rule (other recurrences are not opening hours of ours).
fn opening_rule(row: &HashMap<String, String>) -> Option<OpeningInterval> {
    if !matches!(get(row, "freq"), "WEEKLY" | "") {
        return None;
    }
    let days = get(row, "byday")
        .split(',')
        .filter_map(|d| WEEKDAYS.iter().position(|w| *w == d.trim()))
        .filter_map(|i| u8::try_from(i + 1).ok())
        .collect();
    let clock = |column: &str| {
        let value = get(row, column);
        match value {
            "23:59:59" => Some("24:00".to_owned()),
            _ => value.get(..5).map(str::to_owned),
        }
    };
    Some(OpeningInterval { days, opens: clock("opens_at")?, closes: clock("closes_at")? })
}

/// The problem of a package that unpacks past [`MAX_PACKAGE_BYTES`], if it does.
pub fn limit_problem(total: usize) -> Option<Problem> {
    (total > MAX_PACKAGE_BYTES).then(|| Problem {
        file: String::new(),
        row: 0,
        column: String::new(),
        message: format!("Пакет больше {} МБ: разделите загрузку на части.", MAX_PACKAGE_BYTES / 1024 / 1024),
    })
}
