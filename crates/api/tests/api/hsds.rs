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
on_both_databases!(services_follow_hsds_fully_nested_through_every_page_and_parameter);
on_both_databases!(organizations_and_services_at_locations_follow_hsds);
on_both_databases!(an_approved_change_reaches_hsds_with_its_metadata_and_a_withdrawal_leaves_it);

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
        let entities = |dir: &'static str| {
            std::fs::read_dir(schema_dir().join(dir)).unwrap().filter_map(move |entry| {
                let name = format!("{dir}{}", entry.unwrap().file_name().into_string().unwrap());
                let is_entity = name.ends_with(".json") && !matches!(name.as_str(), "openapi.json" | "datapackage.json");
                is_entity.then(|| (format!("{BASE}{name}"), read(&name)))
            })
        };
        let schemas = entities("").chain(entities("compiled/"));
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
            assert_eq!(body["total_pages"], if items.is_empty() { 0 } else { page });
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

fn id_of(item: &Value) -> &str {
    item["id"].as_str().unwrap()
}

fn ids(items: &[Value]) -> Vec<&str> {
    items.iter().map(id_of).collect()
}

/// The ids of the terms a fully nested record's attributes point at.
fn term_ids(record: &Value) -> Vec<&str> {
    record["attributes"].as_array().unwrap().iter().map(|a| a["taxonomy_term_id"].as_str().unwrap()).collect()
}

async fn services_follow_hsds_fully_nested_through_every_page_and_parameter(app: TestApp) {
    let counts = app.get_json("/api/v1/meta", 200).await["counts"].clone();
    let services = every_page(&app, "/services", "", 40).await;
    assert_eq!(
        services.len() as u64,
        counts["services"].as_u64().unwrap(),
        "every published service of a published organization, no other"
    );
    assert!(services.len() > 80, "{} services", services.len());
    assert_eq!(ndjson(&app, "/services?format=ndjson").await, services, "NDJSON: the same services, unpaginated");

    // Ids are the stored ones, derived from the slug when the record was created.
    let catalogue = app.get_json("/api/v1/services?per_page=100", 200).await;
    for item in catalogue["items"].as_array().unwrap() {
        let id = socio_hsds::ids::service(item["slug"].as_str().unwrap()).to_string();
        assert!(services.iter().any(|s| s["id"] == id.as_str()), "{} is published under its derived id", item["slug"]);
    }

    // Every service fully nested, and the full list is the same objects.
    let terms: HashSet<String> = every_page(&app, "/taxonomy_terms", "", 100).await.iter().map(|t| id_of(t).to_owned()).collect();
    let mut full = Vec::new();
    for listed in &services {
        let one = app.get_json(&format!("/api/hsds/services/{}", id_of(listed)), 200).await;
        assert_valid("compiled/service.json", &one, id_of(listed));
        assert_eq!(
            (&one["name"], &one["status"], &one["organization_id"]),
            (&listed["name"], &listed["status"], &listed["organization_id"])
        );
        assert_eq!(one["organization"]["id"], one["organization_id"]);
        assert!(term_ids(&one).iter().all(|t| terms.contains(*t)), "every attribute points at a published term");
        assert!(one["cost_options"].as_array().unwrap().len() == 1 && one["service_areas"].as_array().is_some());
        for at in one["service_at_locations"].as_array().unwrap() {
            assert_eq!(at["location"]["id"], at["location_id"]);
            assert_eq!(at["location"]["addresses"][0]["state_province"], "Свердловская область");
            for rule in at["location"]["schedules"].as_array().unwrap() {
                assert_eq!((&rule["freq"], &rule["timezone"]), (&Value::from("WEEKLY"), &Value::from(5)));
            }
        }
        full.push(one);
    }
    assert_eq!(every_page(&app, "/services", "full=true", 50).await, full, "full=true lists the fully nested services");
    let with_hours = full
        .iter()
        .flat_map(|s| s["service_at_locations"].as_array().unwrap())
        .filter(|a| a["location"]["schedules"] != Value::Array(vec![]))
        .count();
    assert!(with_hours > 0, "opening hours are exported as schedules");
    assert!(full.iter().any(|s| s["required_documents"].as_array().is_some_and(|d| !d.is_empty())));
    assert!(full.iter().any(|s| s["minimum_age"].is_number()) && full.iter().any(|s| s["assured_date"].is_string()));

    // minimal: one page of just what a harvester compares.
    let minimal = app.get_json("/api/hsds/services?minimal=true", 200).await;
    assert_valid(&list_schema("/services"), &minimal, "minimal");
    assert_eq!((minimal["total_pages"].as_u64(), minimal["last_page"].as_bool()), (Some(1), Some(true)));
    let minimal = minimal["contents"].as_array().unwrap();
    assert_eq!(ids(minimal), ids(&services));
    for item in minimal {
        let mut keys: Vec<&str> = item.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort_unstable();
        assert_eq!(keys, ["id", "last_modified", "name", "status"]);
    }

    // Each filter narrows to what it says; together they must all hold.
    let organization = full[0]["organization_id"].as_str().unwrap();
    let expected: Vec<&str> = full.iter().filter(|s| s["organization_id"] == organization).map(id_of).collect();
    let by_organization = every_page(&app, "/services", &format!("organization_id={organization}"), 10).await;
    assert_eq!(ids(&by_organization), expected);
    let category = full.iter().flat_map(|s| s["attributes"].as_array().unwrap()).find(|a| a["link_type"] == "category").unwrap();
    let term = category["taxonomy_term_id"].as_str().unwrap();
    let expected: Vec<&str> = full.iter().filter(|s| term_ids(s).contains(&term)).map(id_of).collect();
    let by_term = every_page(&app, "/services", &format!("taxonomy_term_id={term}"), 10).await;
    assert_eq!(ids(&by_term), expected);
    if let Some(group) = category["taxonomy_term"]["parent_id"].as_str() {
        let by_group = every_page(&app, "/services", &format!("taxonomy_term_id={group}"), 50).await;
        assert!(expected.iter().all(|id| ids(&by_group).contains(id)), "a group's services include its categories' services");
    }
    let form_442 = socio_hsds::taxonomy::taxonomy_id("form-442").to_string();
    let expected: Vec<&str> =
        full.iter().filter(|s| s["attributes"].as_array().unwrap().iter().any(|a| a["link_type"] == "form_442")).map(id_of).collect();
    assert!(!expected.is_empty());
    assert_eq!(ids(&every_page(&app, "/services", &format!("taxonomy_id={form_442}"), 10).await), expected);
    let both = every_page(&app, "/services", &format!("taxonomy_id={form_442}&organization_id={organization}"), 10).await;
    assert!(ids(&both).iter().all(|id| expected.contains(id) && ids(&by_organization).contains(id)));
    assert_eq!(every_page(&app, "/services", "modified_after=2000-01-01", 50).await.len(), services.len());
    assert!(every_page(&app, "/services", "modified_after=2999-01-01T00:00:00Z", 50).await.is_empty());

    // search: the catalogue's own Russian search (forms, typos), the same services.
    let catalogue = app.get_json("/api/v1/services?q=логопеды&per_page=100", 200).await;
    let mut expected: Vec<String> =
        catalogue["items"].as_array().unwrap().iter().map(|s| socio_hsds::ids::service(s["slug"].as_str().unwrap()).to_string()).collect();
    let mut found: Vec<String> = every_page(&app, "/services", "search=логопеды", 10).await.iter().map(|s| id_of(s).to_owned()).collect();
    assert!(!found.is_empty());
    expected.sort();
    found.sort();
    assert_eq!(found, expected);

    for (query, field) in [
        ("taxonomy_term_id=free", "taxonomy_term_id"),
        ("modified_after=yesterday", "modified_after"),
        ("minimal=1", "minimal"),
        ("postcode=620000", "postcode"),
        ("per_page=0", "per_page"),
    ] {
        let problem = app.get_problem(&format!("/api/hsds/services?{query}"), 400).await;
        assert!(problem.errors.iter().any(|e| e.field == field), "{query}: {:?}", problem.errors);
    }
    app.get_problem("/api/hsds/services/00000000-0000-0000-0000-000000000000", 404).await;
    app.get_problem("/api/hsds/services/logoped", 404).await;
}

async fn organizations_and_services_at_locations_follow_hsds(app: TestApp) {
    let counts = app.get_json("/api/v1/meta", 200).await["counts"].clone();
    let organizations = every_page(&app, "/organizations", "", 7).await;
    assert_eq!(organizations.len() as u64, counts["organizations"].as_u64().unwrap());
    assert_eq!(ndjson(&app, "/organizations?format=ndjson").await, organizations);
    let services = every_page(&app, "/services", "", 100).await;
    let mut listed_services = 0;
    for listed in &organizations {
        let one = app.get_json(&format!("/api/hsds/organizations/{}", id_of(listed)), 200).await;
        assert_valid("compiled/organization.json", &one, id_of(listed));
        assert_eq!(one["name"], listed["name"]);
        for service in one["services"].as_array().unwrap() {
            assert!(services.iter().any(|s| s["id"] == service["id"] && s["organization_id"] == one["id"]));
            listed_services += 1;
        }
        for identifier in one["organization_identifiers"].as_array().unwrap() {
            assert!(["ИНН", "ОГРН", "ОГРНИП"].contains(&identifier["identifier_type"].as_str().unwrap()));
        }
    }
    assert_eq!(listed_services, services.len(), "each service is under its organization");
    let full = every_page(&app, "/organizations", "full=true", 10).await;
    assert!(full.iter().all(|o| o["locations"].is_array() && o["services"].is_array()));
    let nested = app.get_json(&format!("/api/hsds/organizations/{}?full_service=true", id_of(&full[0])), 200).await;
    assert_valid("compiled/organization.json", &nested, "full_service");
    assert!(nested["services"].as_array().unwrap().iter().all(|s| s["service_at_locations"].is_array()));
    let found = every_page(&app, "/organizations", "search=центр", 10).await;
    assert!(!found.is_empty() && found.len() < organizations.len());

    // A service at each of its places; the single view nests both and follows its schema.
    let pairs = every_page(&app, "/service_at_locations", "", 50).await;
    assert!(pairs.len() >= services.len() / 2, "{} pairs", pairs.len());
    assert_eq!(ndjson(&app, "/service_at_locations?format=ndjson").await, pairs);
    let distinct: HashSet<&str> = ids(&pairs).into_iter().collect();
    assert_eq!(distinct.len(), pairs.len());
    for pair in pairs.iter().step_by(5) {
        let one = app.get_json(&format!("/api/hsds/service_at_locations/{}", id_of(pair)), 200).await;
        assert_valid("compiled/service_at_location.json", &one, id_of(pair));
        assert_eq!((&one["service"]["id"], &one["location"]["id"]), (&pair["service_id"], &pair["location_id"]));
    }
    let organization = pairs[0]["service"]["organization_id"].as_str().unwrap();
    let narrowed = every_page(&app, "/service_at_locations", &format!("organization_id={organization}&full=true"), 10).await;
    assert!(!narrowed.is_empty() && narrowed.iter().all(|p| p["service"]["organization_id"] == organization));
    assert!(narrowed.iter().all(|p| p["location"]["addresses"].is_array()));
    for (query, field) in [("postcode=620000", "postcode"), ("proximity=500", "proximity"), ("minimal=true", "minimal")] {
        let problem = app.get_problem(&format!("/api/hsds/service_at_locations?{query}"), 400).await;
        assert!(problem.errors.iter().any(|e| e.field == field), "{query}: {:?}", problem.errors);
    }
    app.get_problem("/api/hsds/organizations/00000000-0000-0000-0000-000000000000", 404).await;
    app.get_problem("/api/hsds/service_at_locations/00000000-0000-0000-0000-000000000000", 404).await;
}

async fn an_approved_change_reaches_hsds_with_its_metadata_and_a_withdrawal_leaves_it(app: TestApp) {
    use crate::cabinet::{approve_all, claimant, moderator};
    let slug = "prokat-tsr-serov";
    let id = socio_hsds::ids::service(slug);
    let path = format!("/api/hsds/services/{id}");
    let before = app.get_json(&path, 200).await;
    let place = before["service_at_locations"][0]["location"].clone();

    let moderator = moderator(&app, "moderator@example.org").await;
    let service = app.client.service(slug).await.unwrap();
    let partner = claimant(&app, &moderator, "claim@example.org", &service.organization.slug).await;
    let address = service.locations[0].id;
    let current = partner.client.cabinet_location(address).await.unwrap();
    let moved = socio_domain::api::LocationInput { address: "ул. Гагарина, 5".into(), ..current.record.clone() };
    partner.client.save_location(address, current.version, &moved).await.unwrap();
    assert_eq!(app.get_json(&path, 200).await, before, "nothing changes before the moderator approves");
    approve_all(&moderator).await;

    let after = app.get_json(&path, 200).await;
    assert_valid("compiled/service.json", &after, "after the approval");
    let moved_place = &after["service_at_locations"][0]["location"];
    assert_eq!(moved_place["id"], place["id"], "an edit keeps the record's id");
    assert_eq!(moved_place["addresses"][0]["address_1"], "ул. Гагарина, 5");
    assert_eq!(moved_place["addresses"][0]["id"], place["addresses"][0]["id"], "and its children's");
    let change = moved_place["metadata"].as_array().unwrap().iter().find(|m| m["field_name"] == "addresses").unwrap();
    assert_eq!(
        (&change["previous_value"], &change["replacement_value"]),
        (&place["addresses"][0]["address_1"], &Value::from("ул. Гагарина, 5"))
    );
    assert_eq!((&change["last_action_type"], &change["resource_type"]), (&Value::from("update"), &Value::from("location")));
    assert_eq!(change["updated_by"], "Модератор «Социального кластера»", "a role, never a person");
    assert!(after["last_modified"].as_str() > before["last_modified"].as_str());
    let since =
        chrono::DateTime::parse_from_rfc3339(before["last_modified"].as_str().unwrap()).unwrap() + chrono::Duration::milliseconds(1);
    let since = since.to_utc().format("%Y-%m-%dT%H:%M:%S%.3fZ");
    let changed = every_page(&app, "/services", &format!("modified_after={since}"), 100).await;
    assert!(changed.len() < every_page(&app, "/services", "", 100).await.len());
    assert!(changed.iter().any(|s| s["id"] == id.to_string()), "a harvester asking for what changed gets it");

    let record = partner.client.cabinet_service(service.id).await.unwrap();
    partner.client.withdraw(socio_client::CabinetPath::Services, service.id, record.version).await.unwrap();
    app.get_problem(&path, 404).await;
    assert!(!every_page(&app, "/services", "", 100).await.iter().any(|s| s["id"] == id.to_string()));
}
