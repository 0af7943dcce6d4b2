//! The directory as HSDS's tabular data package: one CSV per resource of `datapackage.json`,
//! columns in the descriptor's order, rows flattened out of the same nested objects the API
//! serves (so the two can never disagree), each record once.
//!
//! A cell that a spreadsheet would run as a formula (`=`, `@`, a `+` or `-` that does not start
//! a number or a phone) gets a leading `'`, as OWASP advises for CSV meant to open in Excel; an
//! import takes it off again.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::Value;

use crate::{
    mapping::{OrganizationDepth, Published},
    taxonomy::Taxonomies,
};

/// The tabular profile's descriptor, as published with the specification.
pub const DESCRIPTOR: &str = include_str!("../schema/datapackage.json");

#[derive(Debug, Clone, Deserialize)]
pub struct Descriptor {
    pub resources: Vec<Resource>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Resource {
    pub name: String,
    pub path: String,
    pub schema: ResourceSchema,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ResourceSchema {
    pub fields: Vec<Field>,
    #[serde(rename = "foreignKeys", default)]
    pub foreign_keys: Vec<ForeignKey>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub constraints: Constraints,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Constraints {
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub unique: bool,
    #[serde(rename = "enum", default)]
    pub allowed: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ForeignKey {
    pub fields: String,
    pub reference: Reference,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Reference {
    pub resource: String,
    pub fields: String,
}

impl Descriptor {
    /// The descriptor of [`DESCRIPTOR`].
    pub fn published() -> Result<Self, serde_json::Error> {
        serde_json::from_str(DESCRIPTOR)
    }
}

/// One CSV: its file name, header and rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub resource: String,
    pub path: String,
    pub fields: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Where nested objects of each key go: lists and single objects alike.
const NESTED: &[(&str, &str)] = &[
    ("phones", "phone"),
    ("locations", "location"),
    ("location", "location"),
    ("addresses", "address"),
    ("schedules", "schedule"),
    ("accessibility", "accessibility"),
    ("organization_identifiers", "organization_identifier"),
    ("attributes", "attribute"),
    ("metadata", "metadata"),
    ("services", "service"),
    ("service", "service"),
    ("organization", "organization"),
    ("service_at_locations", "service_at_location"),
    ("service_areas", "service_area"),
    ("cost_options", "cost_option"),
    ("required_documents", "required_document"),
    ("languages", "language"),
    ("contacts", "contact"),
    ("funding", "funding"),
    ("programs", "program"),
    ("program", "program"),
    ("taxonomy_term", "taxonomy_term"),
    ("taxonomy_detail", "taxonomy"),
];

/// The resources whose records can be reached from more than one organization (a place a
/// service of another organization is given at, the shared vocabulary): remembered for the
/// whole package. Every other record belongs to one organization and is remembered only
/// while its part is written, so the memory of a streamed export does not grow with it.
const SHARED: &[&str] = &["location", "taxonomy", "taxonomy_term"];

/// Flattens nested objects into rows of the descriptor's tables, each record once, handing
/// each row to a sink as soon as it is made.
pub struct Flattener<'d> {
    descriptor: &'d Descriptor,
    seen: HashMap<String, HashSet<String>>,
}

impl<'d> Flattener<'d> {
    pub fn new(descriptor: &'d Descriptor) -> Self {
        Flattener { descriptor, seen: HashMap::new() }
    }

    /// The rows of the vocabulary: write it first.
    pub fn taxonomies<E>(&mut self, taxonomies: &Taxonomies, sink: &mut impl FnMut(&str, Vec<String>) -> Result<(), E>) -> Result<(), E>
    where
        E: From<serde_json::Error>,
    {
        for taxonomy in &taxonomies.taxonomies {
            self.walk("taxonomy", &serde_json::to_value(taxonomy)?, sink)?;
        }
        for term in &taxonomies.terms {
            self.walk("taxonomy_term", &serde_json::to_value(term)?, sink)?;
        }
        Ok(())
    }

    /// The rows of every organization of `published` (the whole directory or one part of it),
    /// with everything nested in it.
    pub fn organizations<E>(&mut self, published: &Published, sink: &mut impl FnMut(&str, Vec<String>) -> Result<(), E>) -> Result<(), E>
    where
        E: From<serde_json::Error>,
    {
        for organization in &published.directory().organizations {
            let nested = published.organization(organization, OrganizationDepth::FullServices);
            self.walk("organization", &serde_json::to_value(nested)?, sink)?;
        }
        self.seen.retain(|resource, _| SHARED.contains(&resource.as_str()));
        Ok(())
    }

    fn walk<E>(&mut self, resource: &str, object: &Value, sink: &mut impl FnMut(&str, Vec<String>) -> Result<(), E>) -> Result<(), E> {
        let Some(map) = object.as_object() else { return Ok(()) };
        let Some(spec) = self.descriptor.resources.iter().find(|r| r.name == resource) else { return Ok(()) };
        let id = map.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
        if !self.seen.entry(resource.to_owned()).or_default().insert(id) {
            return Ok(());
        }
        let row: Vec<String> = spec.schema.fields.iter().map(|f| cell(map.get(&f.name))).collect();
        // A required column must not be empty in CSV. The one we cannot fill is an address's
        // postal code (we keep none): such an address is left out, and its location's
        // description carries the street and city.
        let complete = spec.schema.fields.iter().zip(&row).all(|(f, value)| !f.constraints.required || !value.is_empty());
        if complete {
            sink(resource, row)?;
        }
        for (key, child) in map {
            let Some((_, nested)) = NESTED.iter().find(|(k, _)| k == key) else { continue };
            match child {
                Value::Array(items) => {
                    for item in items {
                        self.walk(nested, item, sink)?;
                    }
                }
                Value::Object(_) => self.walk(nested, child, sink)?,
                _ => {}
            }
        }
        Ok(())
    }
}

fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null | Value::Array(_) | Value::Object(_)) => String::new(),
        Some(Value::String(text)) => neutralised(text),
        Some(Value::Bool(flag)) => flag.to_string(),
        Some(Value::Number(number)) => number.to_string(),
    }
}

/// `text` safe to open in a spreadsheet: see the module's docs.
pub fn neutralised(text: &str) -> String {
    let numeric = |t: &str| t.len() > 1 && t.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    match text.chars().next() {
        Some('=' | '@' | '\t' | '\r') => format!("'{text}"),
        Some('+' | '-') if !numeric(text) => format!("'{text}"),
        _ => text.to_owned(),
    }
}

/// Why an uploaded cell is refused before its value is read: a formula a spreadsheet would run
/// (`=…`, `@…`) that did not come neutralised (our own export writes such text as `'=…`).
pub fn formula_problem(cell: &str) -> Option<&'static str> {
    cell.trim().starts_with(['=', '@']).then_some(
        "Ячейка похожа на формулу Excel (начинается с «=» или «@»): такие не принимаем. Уберите этот знак или поставьте перед ним апостроф (').",
    )
}

/// Why an uploaded file is not text at all (a NUL or other control characters: an image, an
/// archive, random bytes), so that it is refused once instead of row by row.
pub fn binary_problem(text: &str) -> Option<&'static str> {
    text.contains(|c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        .then_some("Это не текстовый файл CSV: в нём двоичные данные. Сохраните таблицу в Excel как «CSV UTF-8» или «CSV (разделители — точка с запятой)».")
}

/// Problems reported of one file at most; past them the file is not read further.
pub const MAX_PROBLEMS_PER_FILE: usize = 200;

/// The problem that says the rest of a file was not checked.
pub fn too_many_problems() -> String {
    format!("Больше {MAX_PROBLEMS_PER_FILE} ошибок: показаны первые, дальше файл не проверялся. Исправьте их и загрузите файл снова.")
}

/// The text a [`neutralised`] cell stood for.
pub fn restored(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if neutralised(rest) == cell => rest,
        _ => cell,
    }
}

/// Every table of the descriptor, in its order (empty ones with their header), from the whole
/// published directory, in memory.
pub fn tables(descriptor: &Descriptor, published: &Published, taxonomies: &Taxonomies) -> Result<Vec<Table>, serde_json::Error> {
    let mut rows: HashMap<String, Vec<Vec<String>>> = HashMap::new();
    let mut sink = |resource: &str, row: Vec<String>| -> Result<(), serde_json::Error> {
        rows.entry(resource.to_owned()).or_default().push(row);
        Ok(())
    };
    let mut flattener = Flattener::new(descriptor);
    flattener.taxonomies(taxonomies, &mut sink)?;
    flattener.organizations(published, &mut sink)?;
    Ok(descriptor
        .resources
        .iter()
        .map(|r| Table {
            resource: r.name.clone(),
            path: r.path.clone(),
            fields: r.schema.fields.iter().map(|f| f.name.clone()).collect(),
            rows: rows.remove(&r.name).unwrap_or_default(),
        })
        .collect())
}

/// One line of CSV (RFC 4180: comma, `"` quoting, CRLF), as the tabular profile reads it.
pub fn csv_line(out: &mut Vec<u8>, cells: &[String]) {
    for (i, value) in cells.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if value.contains([',', '"', '\n', '\r', ';']) || value.starts_with(' ') || value.ends_with(' ') {
            out.push(b'"');
            out.extend_from_slice(value.replace('"', "\"\"").as_bytes());
            out.push(b'"');
        } else {
            out.extend_from_slice(value.as_bytes());
        }
    }
    out.extend_from_slice(b"\r\n");
}

/// One line of CSV for a person's spreadsheet: every cell [`neutralised`] (whoever wrote it: an
/// e-mail address, a file name, a column header of an upload), then [`csv_line`]. Every CSV the
/// API writes for people goes through here.
pub fn spreadsheet_line(out: &mut Vec<u8>, cells: &[&str]) {
    let cells: Vec<String> = cells.iter().map(|c| neutralised(c)).collect();
    csv_line(out, &cells);
}

impl Table {
    /// The table as CSV (see [`csv_line`]).
    pub fn csv(&self) -> Vec<u8> {
        let mut out = Vec::new();
        csv_line(&mut out, &self.fields);
        for row in &self.rows {
            csv_line(&mut out, row);
        }
        out
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_restored_but_phones_and_numbers_are_kept() {
        for text in ["=HYPERLINK(\"x\")", "@SUM(A1)", "+cmd|' /C calc'!A0", "-1+2 или нет"] {
            let safe = neutralised(text);
            assert!(safe.starts_with('\''), "{text}");
            assert_eq!(restored(&safe), text);
        }
        for text in ["+7 (343) 000-00-01", "-5", "Пандус", "'цитата'"] {
            assert_eq!(restored(&neutralised(text)), text);
        }
        assert_eq!(neutralised("+7 (343) 000-00-01"), "+7 (343) 000-00-01");
    }

    #[test]
    fn a_spreadsheet_line_starts_no_formula_in_any_cell() {
        let mut out = Vec::new();
        spreadsheet_line(&mut out, &["=1+1+@example.org", "@SUM(A1)", "обычный текст", "+7 (343) 000-00-01", "a;b"]);
        assert_eq!(String::from_utf8(out).unwrap(), "'=1+1+@example.org,'@SUM(A1),обычный текст,+7 (343) 000-00-01,\"a;b\"\r\n");
    }

    #[test]
    fn csv_quotes_what_needs_quoting() {
        let table = Table {
            resource: "x".into(),
            path: "x.csv".into(),
            fields: vec!["id".into(), "text".into()],
            rows: vec![vec!["1".into(), "a, \"b\"\nc".into()], vec!["2".into(), String::new()]],
        };
        assert_eq!(String::from_utf8(table.csv()).unwrap(), "id,text\r\n1,\"a, \"\"b\"\"\nc\"\r\n2,\r\n");
    }

    #[test]
    fn the_descriptor_is_the_specifications() {
        let descriptor = Descriptor::published().unwrap();
        assert_eq!(descriptor.resources.len(), 21);
        let address = descriptor.resources.iter().find(|r| r.name == "address").unwrap();
        assert!(address.schema.fields.iter().any(|f| f.name == "postal_code" && f.constraints.required));
    }
}
