//! `/api/hsds/`: every answer validated against the HSDS 3.0 files in `crates/hsds/schema`
//! (the API document's response schemas, and the entity schemas they refer to, all resolved
//! locally), through every page and every parameter.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, OnceLock},
};

use serde_json::Value;

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(taxonomies_and_their_terms_follow_hsds_through_every_page_and_parameter);

/// Where the HSDS document and schemas say they live; registered under it, they resolve here.
const BASE: &str = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/";

fn schema_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../hsds/schema")
}

fn read(name: &str) -> Value {
    let path = schema_dir().join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

fn registry() -> &'static jsonschema::Registry<'static> {
    static REGISTRY: OnceLock<jsonschema::Registry<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let schemas = std::fs::read_dir(schema_dir()).unwrap().filter_map(|entry| {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let is_entity = name.ends_with(".json") && !matches!(name.as_str(), "openapi.json" | "datapackage.json");
            is_entity.then(|| (format!("{BASE}{name}"), read(&name)))
        });
        jsonschema::Registry::new().draft(jsonschema::Draft::Draft202012).extend(schemas).unwrap().prepare().unwrap()
    })
}

/// A validator of `target`: an entity schema's file name, or a pointer into the API document.
fn validator(target: &str) -> Arc<jsonschema::Validator> {
    static BUILT: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let mut built = BUILT.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    built
        .entry(target.to_owned())
        .or_insert_with(|| {
            let root = if let Some(pointer) = target.strip_prefix('#') {
                // The document is the root, so its `#/components/…` resolve.
                let mut document = read("openapi.json");
                document["$ref"] = Value::from(format!("#{pointer}"));
                document
            } else {
                serde_json::json!({"$ref": format!("{BASE}{target}")})
            };
            let options = jsonschema::options().with_draft(jsonschema::Draft::Draft202012).should_validate_formats(true);
            Arc::new(options.with_registry(registry()).build(&root).unwrap_or_else(|e| panic!("{target}: {e}")))
        })
        .clone()
}

fn assert_valid(target: &str, value: &Value, what: &str) {
    let errors: Vec<String> = validator(target).iter_errors(value).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{what} against {target}: {errors:?}");
}

/// The 200 response schema of a GET in the HSDS document.
fn list_schema(path: &str) -> String {
    format!("#/paths/{}/get/responses/200/content/application~1json/schema", path.replace('/', "~1"))
}

/// Every page of `path` (with `query`), each validated; the items in order.
async fn every_page(app: &TestApp, path: &str, query: &str, per_page: u32) -> Vec<Value> {
    let mut items = Vec::new();
    let mut page = 1;
    loop {
        let body = app.get_json(&format!("/api/hsds{path}?{query}&per_page={per_page}&page={page}"), 200).await;
        assert_valid(&list_schema(path), &body, &format!("{path}?{query} page {page}"));
        assert_eq!(body["page_number"], page);
        assert_eq!(body["size"], per_page);
        assert_eq!(body["first_page"], page == 1);
        let contents = body["contents"].as_array().unwrap();
        items.extend(contents.iter().cloned());
        if body["last_page"] == true {
            assert_eq!(body["total_items"].as_u64().unwrap(), items.len() as u64, "{path}?{query}: the pages hold every item once");
            assert_eq!(body["total_pages"], page);
            return items;
        }
        assert_eq!(contents.len(), per_page as usize, "a page before the last is full");
        page += 1;
    }
}

async fn ndjson(app: &TestApp, path_and_query: &str) -> Vec<Value> {
    let response = app.get(&format!("/api/hsds{path_and_query}")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    response.text().await.unwrap().lines().map(|line| serde_json::from_str(line).unwrap()).collect()
}

async fn taxonomies_and_their_terms_follow_hsds_through_every_page_and_parameter(app: TestApp) {
    // The validators do refuse what HSDS does not allow, nested items of a page included.
    let bad_term = serde_json::json!({"id": "not-a-uuid", "name": "Без описания"});
    assert!(!validator("taxonomy_term.json").is_valid(&bad_term));
    assert!(!validator(&list_schema("/taxonomy_terms")).is_valid(&serde_json::json!({"total_items": 1, "contents": [bad_term]})));
    let about = app.get_json("/api/hsds/", 200).await;
    assert_valid("#/paths/~1/get/responses/200/content/application~1json/schema", &about, "/");
    assert_eq!(about["version"], "3.0");
    let document = app.get_json("/api/hsds/openapi.json", 200).await;
    assert_eq!(document["openapi"], "3.1.0");
    assert!(document["servers"][0]["url"].as_str().unwrap().ends_with("/api/hsds"));

    let taxonomies = every_page(&app, "/taxonomies", "", 3).await;
    assert_eq!(taxonomies.len(), 8, "categories, target groups and the six closed vocabularies");
    for taxonomy in &taxonomies {
        let id = taxonomy["id"].as_str().unwrap();
        let one = app.get_json(&format!("/api/hsds/taxonomies/{id}"), 200).await;
        assert_valid("taxonomy.json", &one, id);
        assert_eq!(&one, taxonomy);
    }
    assert_eq!(ndjson(&app, "/taxonomies?format=ndjson").await, taxonomies);

    // Terms: a first, middle and last page; every term by id; NDJSON the same terms.
    let terms = every_page(&app, "/taxonomy_terms", "", 20).await;
    assert!(terms.len() > 60, "{} terms", terms.len());
    let lines = ndjson(&app, "/taxonomy_terms?format=ndjson").await;
    assert_eq!(lines, terms);
    for term in &lines {
        assert_valid("taxonomy_term.json", term, "an NDJSON line");
    }
    let codes: HashSet<&str> = terms.iter().map(|t| t["code"].as_str().unwrap()).collect();
    assert_eq!(codes.len(), terms.len(), "codes are unique across taxonomies");
    let ids: HashSet<&str> = terms.iter().map(|t| t["id"].as_str().unwrap()).collect();
    for term in terms.iter().step_by(7) {
        let id = term["id"].as_str().unwrap();
        assert_eq!(&app.get_json(&format!("/api/hsds/taxonomy_terms/{id}"), 200).await, term);
        if let Some(parent) = term["parent_id"].as_str() {
            assert!(ids.contains(parent), "a parent is a term itself");
        }
    }

    // Each parameter narrows the list to what it says, and they combine with AND.
    let categories = taxonomies.iter().find(|t| t["name"] == "Категории услуг").unwrap()["id"].as_str().unwrap();
    let in_categories = every_page(&app, "/taxonomy_terms", &format!("taxonomy_id={categories}"), 10).await;
    assert!(!in_categories.is_empty() && in_categories.iter().all(|t| t["taxonomy_id"] == categories));
    let groups = every_page(&app, "/taxonomy_terms", &format!("taxonomy_id={categories}&top_only=true"), 10).await;
    assert!(!groups.is_empty() && groups.len() < in_categories.len());
    assert!(groups.iter().all(|t| t.get("parent_id").is_none()));
    let group = groups[0]["id"].as_str().unwrap();
    let children = every_page(&app, "/taxonomy_terms", &format!("parent_id={group}"), 10).await;
    assert!(!children.is_empty() && children.iter().all(|t| t["parent_id"] == group));
    let found = every_page(&app, "/taxonomy_terms", "search=пенсионеры", 10).await;
    assert!(!found.is_empty() && found.len() < terms.len());
    assert!(found.iter().all(|t| t["name"].as_str().unwrap().to_lowercase().contains("пенсионер")), "{found:?}");
    let past = app.get_json("/api/hsds/taxonomy_terms?per_page=100&page=50", 200).await;
    assert_eq!((past["empty"].as_bool(), past["contents"].as_array().map(Vec::len)), (Some(true), Some(0)));

    // Mistakes are problems naming the parameter; unknown ids are 404.
    for (query, field) in [
        ("per_page=1000", "per_page"),
        ("taxonomy_id=cost", "taxonomy_id"),
        ("top_only=yes", "top_only"),
        ("format=xml", "format"),
        ("color=red", "color"),
    ] {
        let problem = app.get_problem(&format!("/api/hsds/taxonomy_terms?{query}"), 400).await;
        assert!(problem.errors.iter().any(|e| e.field == field), "{query}: {:?}", problem.errors);
    }
    app.get_problem("/api/hsds/taxonomy_terms/00000000-0000-0000-0000-000000000000", 404).await;
    app.get_problem("/api/hsds/taxonomies/cost", 404).await;

    // Open to any site, and cached by ETag.
    let response =
        app.http.get(format!("{}/api/hsds/taxonomies", app.address)).header("origin", "https://example.org").send().await.unwrap();
    assert_eq!(response.headers()["access-control-allow-origin"], "https://example.org");
    let tag = response.headers()["etag"].clone();
    let again = app.http.get(format!("{}/api/hsds/taxonomies", app.address)).header("if-none-match", tag).send().await.unwrap();
    assert_eq!(again.status(), 304);
}
