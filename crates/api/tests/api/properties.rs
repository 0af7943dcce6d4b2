//! Every operation of the OpenAPI document driven with generated requests (proptest, from the
//! document's own schemas) against the real app, to hold the document to what the server does:
//!
//! - no answer is a 5xx, every status and body is the document's (the contract proxy, and
//!   [`crate::contract::check`] here so that a failure shrinks to a small request);
//! - a request the document allows is not refused as malformed (400/422), except for the few
//!   rules no schema can state, each named in [`SEMANTIC_CODES`];
//! - a request the document forbids (a value out of its schema) is refused with a 4xx.
//!
//! The run is seeded (`SOCIO_PROPERTY_SEED`, default fixed) and bounded: `SOCIO_PROPERTY_CASES`
//! cases per operation and kind (default 24).

use std::{collections::BTreeMap, sync::Arc};

use proptest::{
    prelude::*,
    strategy::{BoxedStrategy, Union},
    test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner},
};
use serde_json::{Map, Value, json};

use crate::{
    cabinet::{location_form, partner, service_form},
    helpers::TestApp,
    on_both_databases,
};

on_both_databases!(every_operation_holds_to_the_document);

/// The rules beyond what a JSON Schema states, as (field, code) of the 422 or 400 that names
/// them: a 400/422 to a request the document allows must name only these. The document says
/// each in the field's description.
const SEMANTIC: &[(&str, &str, &str)] = &[
    // A code or id that names no record (never a vocabulary's value: those are in the document).
    ("municipalit", "unknown_value", "a city not in /municipalities"),
    ("categor", "unknown_value", "a category not in /categories"),
    ("target_group", "unknown_value", "a target group not in /target-groups"),
    ("organization", "unknown_value", "an organization not in the directory"),
    ("situation", "unknown_value", "a situation not published"),
    ("slug", "unknown_value", "a record not in the directory"),
    ("claim", "unknown_value", "an organization not in the directory"),
    ("locations", "unknown_value", "an address of another organization"),
    ("page", "out_of_range", "a page past the last one"),
    ("token", "invalid_token", "a letter's token that was never issued or is used up"),
    ("current_password", "wrong_password", "the current password is not this one"),
    ("password", "common_password", "a password from the list of common ones"),
    ("password", "same_as_email", "a password equal to the address"),
    ("email", "taken", "an address already registered"),
    ("inn", "invalid", "ИНН with a wrong check digit"),
    ("ogrn", "invalid", "ОГРН with a wrong check digit"),
    ("organization", "required", "a registration names a new organization or claims one, one of the two"),
    ("locations", "required", "a service given in person needs an address"),
    ("age_max", "out_of_range", "«до» below «от»"),
    ("opening_hours[", "invalid", "closing before opening"),
    ("text", "required", "«не знаю, с чего начать» needs at least one answer"),
    ("answers.", "", "answers checked against the situation's questions"),
    ("message", "required", "a report of «Другое» says what is wrong"),
    ("lat", "required", "coordinates come in pairs"),
    ("lon", "required", "coordinates come in pairs"),
    ("sort", "origin_required", "«distance» counts from lat/lon or a city"),
    ("organization_id", "nothing_to_remind", "a reminder about a list the organization is not on"),
    ("from", "invalid_date", "a day that does not exist (30 февраля)"),
    ("to", "invalid_date", "a day that does not exist (30 февраля)"),
    ("edited", "wrong_subject", "a moderator's correction is one record of the revision's own kind"),
    ("entity_id", "unknown_value", "a note on a record not in the directory"),
    ("categories", "duplicate", "a draft's preview lists each category once"),
    ("categories", "invalid_slug", "each code of the comma-separated list is at most as long as a code"),
    ("categories", "too_many", "a draft's preview asks for at most 100 categories"),
];

fn semantic(field: &str, code: &str) -> bool {
    SEMANTIC.iter().any(|(prefix, expected, _)| field.contains(prefix) && (expected.is_empty() || *expected == code))
}

/// One generated request: a value (or none) for each parameter of the operation, and a body.
#[derive(Debug, Clone)]
struct Request {
    parameters: Vec<Option<String>>,
    body: Option<Value>,
    /// Every value satisfies the document (else one value is out of its schema on purpose).
    valid: bool,
}

/// The document, with `$ref`s resolved on demand.
struct Document(Value);

impl Document {
    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema["$ref"].as_str() {
            Some(reference) => self.resolve(&self.0["components"]["schemas"][reference.trim_start_matches("#/components/schemas/")]),
            None => schema,
        }
    }

    fn types(schema: &Value) -> Vec<String> {
        match &schema["type"] {
            Value::String(one) => vec![one.clone()],
            Value::Array(many) => many.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect(),
            _ if schema.get("properties").is_some() => vec!["object".to_owned()],
            _ => Vec::new(),
        }
    }

    /// Values valid against `schema`.
    fn valid(&self, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
        let schema = self.resolve(schema);
        if let Some(values) = schema["enum"].as_array() {
            return proptest::sample::select(values.clone()).boxed();
        }
        if let Some(options) = schema["oneOf"].as_array() {
            // Deep in a recursive schema (a condition of conditions) only the options with the
            // fewest references remain, so every value ends.
            let references = |o: &Value| self.resolve(o).to_string().matches("$ref").count();
            let fewest = options.iter().map(references).min().unwrap_or(0);
            let options: Vec<&Value> = options.iter().filter(|o| depth < 3 || references(o) == fewest).collect();
            return Union::new(options.into_iter().map(|o| self.valid(o, depth + 1))).boxed();
        }
        let types = Self::types(schema);
        if types.is_empty() {
            return prop_oneof![Just(json!("значение")), any::<bool>().prop_map(Value::from), (0..100i64).prop_map(Value::from)].boxed();
        }
        Union::new(types.iter().map(|t| self.valid_of_type(schema, t, depth))).boxed()
    }

    fn valid_of_type(&self, schema: &Value, kind: &str, depth: u32) -> BoxedStrategy<Value> {
        match kind {
            "null" => Just(Value::Null).boxed(),
            "boolean" => any::<bool>().prop_map(Value::from).boxed(),
            "integer" => {
                let min = schema["minimum"].as_i64().unwrap_or(-1_000);
                let max = schema["maximum"].as_i64().unwrap_or(min.max(0) + 1_000_000);
                prop_oneof![Just(min), Just(max), min..=max].prop_map(Value::from).boxed()
            }
            "number" => {
                let min = schema["minimum"].as_f64().unwrap_or(-1_000.0);
                let max = schema["maximum"].as_f64().unwrap_or(1_000.0);
                prop_oneof![Just(min), Just(max), min..=max].prop_map(Value::from).boxed()
            }
            "string" => string(schema).prop_map(Value::from).boxed(),
            "array" => {
                let min = schema["minItems"].as_u64().unwrap_or(0) as usize;
                let max = schema["maxItems"].as_u64().map_or(min + 3, |m| (m as usize).min(min + 3));
                let items = proptest::collection::vec(self.valid(&schema["items"], depth + 1), min..=max);
                if schema["uniqueItems"] == true {
                    let distinct = |v: &Vec<Value>| v.iter().enumerate().all(|(i, x)| !v[..i].contains(x));
                    items.prop_filter("distinct", distinct).prop_map(Value::from).boxed()
                } else {
                    items.prop_map(Value::from).boxed()
                }
            }
            "object" => self.object(schema, depth),
            other => panic!("a schema of type {other}: teach the generator"),
        }
    }

    /// An object with every required property and some of the optional ones.
    fn object(&self, schema: &Value, depth: u32) -> BoxedStrategy<Value> {
        let required: Vec<&str> = schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        let mut fields: Vec<BoxedStrategy<Option<(String, Value)>>> = Vec::new();
        for (name, property) in schema["properties"].as_object().into_iter().flatten() {
            let name = name.clone();
            let value = self.valid(property, depth + 1);
            if required.contains(&name.as_str()) {
                fields.push(value.prop_map(move |v| Some((name.clone(), v))).boxed());
            } else if depth < 4 {
                fields.push(proptest::option::weighted(0.6, value).prop_map(move |v| v.map(|v| (name.clone(), v))).boxed());
            }
        }
        if let Some(extra) = schema["additionalProperties"].as_object().filter(|_| schema.get("properties").is_none()) {
            // A map (answers by question key): a few entries.
            let value = self.valid(&Value::Object(extra.clone()), depth + 1);
            return proptest::collection::btree_map("[a-z_]{1,12}", value, 0..4)
                .prop_map(|entries| Value::Object(entries.into_iter().collect()))
                .boxed();
        }
        fields.prop_map(|fields| Value::Object(fields.into_iter().flatten().collect::<Map<_, _>>())).boxed()
    }

    /// Values that break `schema` in one place, or `None` when the schema allows anything.
    fn invalid(&self, schema: &Value, depth: u32) -> Option<BoxedStrategy<Value>> {
        let schema = self.resolve(schema);
        let types = Self::types(schema);
        let mut ways: Vec<BoxedStrategy<Value>> = Vec::new();
        if schema.get("enum").is_some() {
            ways.push(Just(json!("no-such-value")).boxed());
        }
        if !types.is_empty() && !types.iter().any(|t| t == "string") {
            ways.push(Just(json!("строка вместо значения")).boxed());
        } else if !types.is_empty() && !types.iter().any(|t| t == "integer" || t == "number") {
            ways.push(Just(json!(12345)).boxed());
        }
        if let Some(max) = schema["maxLength"].as_u64() {
            let over = "я".repeat(max as usize + 1);
            ways.push(Just(Value::from(over)).boxed());
        }
        if let Some(min) = schema["minLength"].as_u64().filter(|m| *m > 0) {
            ways.push(Just(Value::from("ж".repeat(min as usize - 1))).boxed());
        }
        if schema.get("pattern").is_some() {
            ways.push(Just(json!("Не Код!")).boxed());
        }
        if let Some(max) = schema["maximum"].as_f64() {
            ways.push(Just(json!(max + 1.0)).boxed());
        }
        if let Some(min) = schema["minimum"].as_f64() {
            ways.push(Just(json!(min - 1.0)).boxed());
        }
        if let Some(max) = schema["maxItems"].as_u64() {
            let item = self.valid(&schema["items"], depth + 1);
            ways.push(proptest::collection::vec(item, max as usize + 1..=max as usize + 2).prop_map(Value::from).boxed());
        }
        if types.iter().any(|t| t == "object") && schema.get("properties").is_some() && depth < 3 {
            let base = self.object(schema, depth);
            if schema["additionalProperties"] == false {
                ways.push(
                    base.clone()
                        .prop_map(|mut v| {
                            v["неизвестное_поле"] = json!(1);
                            v
                        })
                        .boxed(),
                );
            }
            for required in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                let required = required.to_owned();
                ways.push(
                    base.clone()
                        .prop_map(move |mut v| {
                            v.as_object_mut().map(|o| o.remove(&required));
                            v
                        })
                        .boxed(),
                );
            }
            for (name, property) in schema["properties"].as_object().into_iter().flatten() {
                if let Some(bad) = self.invalid(property, depth + 1) {
                    let name = name.clone();
                    ways.push(
                        (base.clone(), bad)
                            .prop_map(move |(mut v, bad)| {
                                v[&name] = bad;
                                v
                            })
                            .boxed(),
                    );
                }
            }
        }
        (!ways.is_empty()).then(|| Union::new(ways).boxed())
    }
}

/// A string of the schema's pattern and lengths: natural text that starts and ends with a
/// letter (the API trims what people type).
fn string(schema: &Value) -> BoxedStrategy<String> {
    let min = schema["minLength"].as_u64().unwrap_or(0) as usize;
    let max = schema["maxLength"].as_u64().map_or(min + 60, |m| m as usize);
    let fits = move |s: &String| (min..=max).contains(&s.chars().count());
    if let Some(pattern) = schema["pattern"].as_str() {
        let unanchored = pattern.trim_start_matches('^').trim_end_matches('$');
        let generator = proptest::string::string_regex(unanchored).unwrap_or_else(|e| panic!("pattern {pattern}: {e}"));
        return generator.prop_filter("length", fits).boxed();
    }
    let words = "[а-яА-ЯёЁa-zA-Z0-9]([а-яА-ЯёЁa-zA-Z0-9 ,.«»()-]{0,40}[а-яА-ЯёЁa-zA-Z0-9])?";
    let text = proptest::string::string_regex(words).unwrap();
    let long = move |s: String| -> String {
        let mut out = s;
        while out.chars().count() < min {
            out.push_str(" и ещё");
        }
        out.chars().take(max).collect::<String>().trim_end().to_owned()
    };
    match max {
        0 => Just(String::new()).boxed(),
        _ => prop_oneof![
            8 => text.prop_map(long).prop_filter("length", fits),
            1 => Just("я".repeat(max.min(5_000))).prop_filter("length", fits),
        ]
        .boxed(),
    }
}

/// Real values to put in path parameters now and then, so that generated requests reach the
/// records, not only their 404.
#[derive(Default)]
struct Known(BTreeMap<&'static str, Vec<String>>);

/// An operation of the document and the strategies of its requests.
struct Operation {
    method: String,
    template: String,
    secured: bool,
    parameters: Vec<Value>,
    body: Option<Value>,
}

impl Operation {
    fn pointer(&self) -> String {
        format!("/paths/{}/{}", crate::contract::escape(&self.template), self.method)
    }

    fn requests(&self, document: &Document, known: &Known, valid: bool) -> Option<BoxedStrategy<Request>> {
        let mut values: Vec<BoxedStrategy<Option<String>>> = Vec::new();
        let mut breakable: Vec<usize> = Vec::new();
        for parameter in &self.parameters {
            let name = parameter["name"].as_str().unwrap();
            let schema = &parameter["schema"];
            let mut choices: Vec<BoxedStrategy<Option<String>>> = vec![document.valid(schema, 0).prop_map(|v| Some(scalar(&v))).boxed()];
            if let Some(examples) = known.0.get(name).filter(|v| !v.is_empty()) {
                choices.push(proptest::sample::select(examples.clone()).prop_map(Some).boxed());
            }
            if parameter["required"] != true && parameter["in"] != "path" {
                choices.push(Just(None).boxed());
            }
            values.push(Union::new(choices).boxed());
            if document.invalid(schema, 0).is_some() {
                breakable.push(values.len() - 1);
            }
        }
        let body: BoxedStrategy<Option<Value>> = match &self.body {
            Some(schema) => document.valid(schema, 0).prop_map(Some).boxed(),
            None => Just(None).boxed(),
        };
        let mut ways: Vec<BoxedStrategy<Request>> = Vec::new();
        if valid {
            ways.push((values, body).prop_map(|(parameters, body)| Request { parameters, body, valid: true }).boxed());
        } else {
            // Break one thing: a parameter or the body.
            for index in breakable {
                let bad = document.invalid(&self.parameters[index]["schema"], 0).unwrap();
                ways.push(
                    (values.clone(), body.clone(), bad)
                        .prop_map(move |(mut parameters, body, bad)| {
                            parameters[index] = Some(scalar(&bad));
                            Request { parameters, body, valid: false }
                        })
                        .boxed(),
                );
            }
            if let Some(bad) = self.body.as_ref().and_then(|schema| document.invalid(schema, 0)) {
                ways.push((values, bad).prop_map(|(parameters, bad)| Request { parameters, body: Some(bad), valid: false }).boxed());
            }
        }
        if ways.is_empty() {
            return None;
        }
        // What was generated is what it claims to be, by the same validator as the answers.
        let conforms = self.conformance(document);
        Some(Union::new(ways).prop_filter("valid as claimed", move |request| conforms(request) == request.valid).boxed())
    }

    /// Does a request satisfy the document? (Parameters are checked as the server reads them:
    /// a number's text as a number.)
    fn conformance(&self, document: &Document) -> impl Fn(&Request) -> bool + 'static {
        let pointer = self.pointer();
        let parameters: Vec<(bool, bool, String)> = self
            .parameters
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let schema = document.resolve(&p["schema"]);
                let textual = Document::types(schema).iter().all(|t| t == "string") || schema.get("enum").is_some();
                (p["required"] == true, textual, format!("{pointer}/parameters/{i}/schema"))
            })
            .collect();
        let body = self.body.as_ref().map(|_| format!("{pointer}/requestBody/content/application~1json/schema"));
        move |request: &Request| {
            let parameters_conform = parameters.iter().zip(&request.parameters).all(|((required, textual, pointer), value)| match value {
                None => !required,
                Some(text) => {
                    let instance = if *textual {
                        Value::from(text.as_str())
                    } else {
                        serde_json::from_str(text).unwrap_or_else(|_| Value::from(text.as_str()))
                    };
                    crate::contract::validator(pointer).unwrap().is_valid(&instance)
                }
            });
            let body_conforms = match (&body, &request.body) {
                (Some(pointer), Some(value)) => crate::contract::validator(pointer).unwrap().is_valid(value),
                _ => true,
            };
            parameters_conform && body_conforms
        }
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn encode(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn operations(document: &Document) -> Vec<Operation> {
    let mut all = Vec::new();
    for (template, item) in document.0["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            // Uploads of files (a CSV, a ZIP) are not generated from a schema; their own tests
            // (template.rs, datapackage.rs) send real files.
            let body = &operation["requestBody"];
            if body["required"] == true && body["content"].get("application/json").is_none() {
                continue;
            }
            all.push(Operation {
                method: method.clone(),
                template: template.clone(),
                secured: operation.get("security").is_some(),
                parameters: operation["parameters"].as_array().cloned().unwrap_or_default(),
                body: operation["requestBody"]["content"]["application/json"].get("schema").cloned(),
            });
        }
    }
    all
}

/// What the app answered, as far as the properties care.
struct Answer {
    status: u16,
    /// (field, code) of each error a problem names.
    errors: Vec<(String, String)>,
}

async fn send(app: &TestApp, operation: &Operation, token: Option<&str>, request: &Request) -> Result<Answer, String> {
    let method = reqwest::Method::from_bytes(operation.method.to_uppercase().as_bytes()).unwrap();
    let mut path = operation.template.clone();
    let mut query = Vec::new();
    let mut if_match = None;
    for (parameter, value) in operation.parameters.iter().zip(&request.parameters) {
        let (Some(value), Some(name)) = (value, parameter["name"].as_str()) else { continue };
        match parameter["in"].as_str() {
            Some("path") => path = path.replace(&format!("{{{name}}}"), &encode(value)),
            Some("query") => query.push((name, value.as_str())),
            Some("header") if name.eq_ignore_ascii_case("if-match") => if_match = Some(value.as_str()),
            other => panic!("a parameter in {other:?}: teach the generator"),
        }
    }
    let mut builder = app.http.request(method.clone(), format!("{}{path}", app.address)).query(&query);
    if let Some(token) = token {
        builder = builder.bearer_auth(token);
    }
    if let Some(tag) = if_match {
        builder = builder.header("if-match", tag);
    }
    if let Some(body) = &request.body {
        builder = builder.json(body);
    }
    let response = builder.send().await.map_err(|e| format!("sending: {e}"))?;
    let status = response.status().as_u16();
    let path = response.url().path().to_owned();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bytes = response.bytes().await.map_err(|e| format!("reading: {e}"))?;
    if let Some(violation) = crate::contract::check(method.as_str(), &path, status, content_type.as_deref(), &bytes) {
        return Err(violation);
    }
    let problem: Value = serde_json::from_slice(&bytes).unwrap_or_default();
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let mut errors: Vec<(String, String)> =
        problem["errors"].as_array().into_iter().flatten().map(|e| (text(&e["field"]), text(&e["code"]))).collect();
    if errors.is_empty() {
        errors.push((String::new(), text(&problem["code"])));
    }
    Ok(Answer { status, errors })
}

fn seed() -> [u8; 32] {
    let text = std::env::var("SOCIO_PROPERTY_SEED").unwrap_or_else(|_| "socio-cluster-openapi-properties".to_owned());
    let mut seed = [0u8; 32];
    for (i, b) in text.bytes().enumerate() {
        seed[i % 32] ^= b.wrapping_add(i as u8);
    }
    seed
}

async fn every_operation_holds_to_the_document(app: TestApp) {
    let document = Arc::new(Document(serde_json::from_str(&socio_api::openapi::document_json().unwrap()).unwrap()));
    let cases: u32 = std::env::var("SOCIO_PROPERTY_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24);

    // A partner with an address, a service and a revision; an admin of the operator.
    let partner = partner(&app, "fuzz@kcson.example.org", "Фонд «Проверка»").await;
    let location = partner.client.create_location(&location_form("ул. Ленина, 1")).await.unwrap();
    let service = partner.client.create_service(&service_form("Прокат колясок", vec![location.id])).await.unwrap();
    partner.client.submit(socio_client::CabinetPath::Services, service.id).await.unwrap();
    let admin = app.token_of(app.create_user(socio_domain::vocabulary::UserRole::Admin, "admin@socio.example.org").await);
    let mut known = Known::default();
    let services: Value = app.get_json("/api/v1/services?per_page=5", 200).await;
    let organizations: Value = app.get_json("/api/v1/organizations?per_page=5", 200).await;
    let slugs = |page: &Value| page["items"].as_array().unwrap().iter().map(|i| i["slug"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    known.0.insert("id_or_slug", [slugs(&services), slugs(&organizations)].concat());
    known.0.insert("slug", vec!["disability-status".to_owned(), "large-family".to_owned()]);
    known.0.insert("id", vec![location.id.to_string(), service.id.to_string(), "1".to_owned()]);
    known.0.insert("municipality", vec!["serov".to_owned(), "pervouralsk".to_owned()]);
    known.0.insert("situation", vec!["disability-status".to_owned()]);

    let known = Arc::new(known);
    let handle = tokio::runtime::Handle::current();
    let app = Arc::new(app);
    let mut failures = Vec::new();
    let mut sent = 0u32;
    for operation in operations(&document).into_iter().map(Arc::new) {
        let token = match (operation.secured, operation.template.contains("/backoffice/")) {
            (false, _) => None,
            (true, true) => Some(admin.clone()),
            (true, false) => Some(partner.token.clone()),
        };
        for valid in [true, false] {
            let config = Config { cases, failure_persistence: None, max_shrink_iters: 200, ..Config::default() };
            let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed()));
            let (app, handle, token, this) = (app.clone(), handle.clone(), token.clone(), operation.clone());
            let (document, known) = (document.clone(), known.clone());
            let outcome = tokio::task::spawn_blocking(move || {
                // Strategies are not `Send`: built on the thread that runs them.
                let Some(strategy) = this.requests(&document, &known, valid) else { return (Ok(()), 0) };
                let count = std::cell::Cell::new(0u32);
                let result = runner.run(&strategy, |request| {
                    count.set(count.get() + 1);
                    let answer = handle.block_on(send(&app, &this, token.as_deref(), &request)).map_err(TestCaseError::fail)?;
                    judge(&request, &answer).map_err(TestCaseError::fail)
                });
                (result.map_err(|e| e.to_string()), count.get())
            })
            .await
            .unwrap();
            sent += outcome.1;
            if let Err(e) = outcome.0 {
                failures.push(format!("{} {} ({}): {e}", operation.method, operation.template, if valid { "valid" } else { "invalid" }));
            }
        }
    }
    eprintln!("properties: {sent} generated requests over {} operations", operations(&document).len());
    assert!(failures.is_empty(), "{} operations disagree with the document:\n{}", failures.len(), failures.join("\n\n"));
}

/// The properties of one answer.
fn judge(request: &Request, answer: &Answer) -> Result<(), String> {
    if answer.status >= 500 {
        return Err(format!("{} for {request:?}", answer.status));
    }
    if request.valid && matches!(answer.status, 400 | 422) && !answer.errors.iter().all(|(field, code)| semantic(field, code)) {
        return Err(format!(
            "the document allows this request but the API refused it ({}, {:?}): {request:?}",
            answer.status, answer.errors
        ));
    }
    if !request.valid && answer.status < 400 {
        return Err(format!("the document forbids this request but the API accepted it ({}): {request:?}", answer.status));
    }
    Ok(())
}
