use crate::helpers::{Backend, spawn_app};

/// Run `cargo run -p socio-api -- openapi` (or `cargo xtask openapi`) to refresh the file.
#[test]
fn the_committed_document_matches_the_code() {
    let generated = socio_api::openapi::document_json().unwrap();
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/openapi.json")).unwrap_or_default();
    assert!(generated == committed, "openapi/openapi.json is stale: run `cargo xtask openapi` and commit the result");
}

#[test]
fn every_operation_is_described_in_russian_with_its_errors() {
    let document: serde_json::Value = serde_json::from_str(&socio_api::openapi::document_json().unwrap()).unwrap();
    let paths = document["paths"].as_object().unwrap();
    for expected in [
        "/api/v1/meta",
        "/api/v1/municipalities",
        "/api/v1/socio-centres",
        "/api/v1/categories",
        "/api/v1/target-groups",
        "/api/v1/organizations",
        "/api/v1/organizations/{id_or_slug}",
        "/api/v1/services",
        "/api/v1/services/{id_or_slug}",
        "/api/v1/situations",
        "/api/v1/situations/{slug}",
        "/healthz",
        "/readyz",
    ] {
        let operation = &paths.get(expected).unwrap_or_else(|| panic!("{expected} is missing"))["get"];
        let summary = operation["summary"].as_str().unwrap_or_default();
        assert!(summary.chars().any(|c| ('А'..='я').contains(&c)), "{expected}: summary {summary:?} is not Russian");
        for parameter in operation["parameters"].as_array().into_iter().flatten() {
            let description = parameter["description"].as_str().unwrap_or_default();
            assert!(description.chars().any(|c| ('А'..='я').contains(&c)), "{expected}: parameter {} undocumented", parameter["name"]);
        }
        if expected.starts_with("/api/v1/") {
            assert!(operation["responses"]["304"].is_object(), "{expected}: 304");
        }
        if operation["parameters"].as_array().is_some_and(|p| !p.is_empty()) {
            assert!(operation["responses"]["400"]["content"]["application/problem+json"].is_object(), "{expected}: 400 problem");
        }
    }
    let services = &paths["/api/v1/services"]["get"]["parameters"];
    let names: Vec<&str> = services.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["municipality", "category", "target_group", "format", "cost", "age", "organization", "q", "page", "per_page"]);
    let schemas = document["components"]["schemas"].as_object().unwrap();
    for schema in ["ServiceDetail", "Problem", "FieldError", "SituationDetail", "Condition", "Meta"] {
        assert!(schemas.contains_key(schema), "schema {schema}");
    }
    let field = &schemas["ServiceDetail"]["properties"]["eligibility"]["description"];
    assert_eq!(field, "Кто может получить.");
}

#[tokio::test]
async fn the_server_publishes_the_same_document_and_an_offline_swagger_ui() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let served: serde_json::Value = app.get_json("/api/openapi.json", 200).await;
    let generated: serde_json::Value = serde_json::from_str(&socio_api::openapi::document_json().unwrap()).unwrap();
    assert_eq!(served, generated);
    let redirect = app.http.get(format!("{}/docs", app.address)).send().await.unwrap();
    assert_eq!(redirect.url().path(), "/docs/");
    let page = redirect.text().await.unwrap();
    assert!(page.contains("swagger-ui"), "Swagger UI page");
    assert!(!page.contains("https://"), "no assets from other hosts");
    for asset in ["/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/docs/swagger-initializer.js"] {
        let response = app.get(asset).await;
        assert_eq!(response.status().as_u16(), 200, "{asset} is served locally");
    }
    let initializer = app.get("/docs/swagger-initializer.js").await.text().await.unwrap();
    assert!(initializer.contains("/api/openapi.json"));
    // Every documented operation is routed (no path in the document that the server lacks).
    for (path, operations) in generated["paths"].as_object().unwrap() {
        let concrete = path.replace("{id_or_slug}", "no-such-record").replace("{slug}", "no-such-record").replace("{id}", "1");
        for method in operations.as_object().unwrap().keys() {
            let url = format!("{}{concrete}", app.address);
            let response = match method.as_str() {
                "get" => app.get(&concrete).await,
                "post" => app.http.post(url).json(&serde_json::json!({})).send().await.unwrap(),
                "put" => app.http.put(url).json(&serde_json::json!({})).send().await.unwrap(),
                "delete" => app.http.delete(url).send().await.unwrap(),
                other => panic!("{path}: untested method {other}"),
            };
            let status = response.status().as_u16();
            if status >= 400 {
                let problem: socio_domain::api::Problem = response.json().await.unwrap();
                assert_ne!(problem.code, "no_route", "{method} {path} is documented but not routed");
            }
        }
    }
}

fn document() -> serde_json::Value {
    serde_json::from_str(&socio_api::openapi::document_json().unwrap()).unwrap()
}

/// The wire values of a vocabulary, as serde writes them.
fn wire<T: serde::Serialize>(all: &[T]) -> serde_json::Value {
    serde_json::to_value(all).unwrap()
}

#[test]
fn every_vocabulary_is_listed_by_its_wire_values() {
    use socio_domain::vocabulary::*;
    let document = document();
    let schemas = &document["components"]["schemas"];
    for (name, values) in [
        ("OrganizationKind", wire(OrganizationKind::ALL)),
        ("Sector", wire(Sector::ALL)),
        ("Form442", wire(Form442::ALL)),
        ("ServiceFormat", wire(ServiceFormat::ALL)),
        ("Cost", wire(Cost::ALL)),
        ("AccessibilityFeature", wire(AccessibilityFeature::ALL)),
        ("ModerationStatus", wire(ModerationStatus::ALL)),
        ("SocioCentreStatus", wire(SocioCentreStatus::ALL)),
        ("UserRole", wire(UserRole::ALL)),
        ("RevisionStatus", wire(RevisionStatus::ALL)),
        ("VersionStatus", wire(VersionStatus::ALL)),
        ("RevisionSubject", wire(RevisionSubject::ALL)),
        ("ReportStatus", wire(ReportStatus::ALL)),
        ("SearchSort", wire(SearchSort::ALL)),
    ] {
        assert_eq!(schemas[name]["enum"], values, "{name}: the document must list what the API sends and accepts");
        assert_eq!(schemas[name]["type"], "string", "{name}");
    }
}

#[test]
fn every_reference_in_the_document_resolves() {
    let document = document();
    let text = document.to_string();
    let schemas = document["components"]["schemas"].as_object().unwrap();
    for reference in text.split("\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "#/components/schemas/{name} is referenced but not defined");
    }
}

/// Every value the document lists for a query parameter of a public GET is accepted (200),
/// table-driven from the document itself.
async fn every_listed_value_of_every_query_parameter_is_accepted(app: crate::helpers::TestApp) {
    let document = document();
    let schemas = &document["components"]["schemas"];
    let mut checked = 0;
    for (path, operations) in document["paths"].as_object().unwrap() {
        let Some(get) = operations.get("get") else { continue };
        if path.contains('{') || get.get("security").is_some() {
            continue;
        }
        let parameters = get["parameters"].as_array().cloned().unwrap_or_default();
        let required: Vec<String> = parameters
            .iter()
            .filter(|p| p["required"] == true)
            .map(|p| format!("{}={}", p["name"].as_str().unwrap(), example_of(p["name"].as_str().unwrap())))
            .collect();
        for parameter in parameters.iter().filter(|p| p["in"] == "query") {
            let schema = &parameter["schema"];
            let schema = match schema["$ref"].as_str() {
                Some(reference) => &schemas[reference.trim_start_matches("#/components/schemas/")],
                None => schema,
            };
            let Some(values) = schema["enum"].as_array() else { continue };
            let name = parameter["name"].as_str().unwrap();
            for value in values {
                let value = value.as_str().unwrap();
                let mut query = required.clone();
                query.retain(|q| !q.starts_with(&format!("{name}=")));
                query.push(format!("{name}={value}"));
                if name == "sort" && value == "distance" && !query.iter().any(|q| q.starts_with("municipality=")) {
                    // «distance» counts from `lat`/`lon` or a city's centre, as its description says.
                    query.push("municipality=serov".to_owned());
                }
                let url = format!("{path}?{}", query.join("&"));
                let response = app.get(&url).await;
                assert_eq!(response.status().as_u16(), 200, "GET {url}: a value the document lists must be accepted");
                checked += 1;
            }
        }
    }
    assert!(checked >= 20, "only {checked} values checked");
}

fn example_of(parameter: &str) -> &'static str {
    match parameter {
        "situation" => "disability-status",
        "municipality" => "serov",
        "q" => "пособие",
        other => panic!("a required query parameter «{other}»: give it an example here"),
    }
}

crate::on_both_databases!(every_listed_value_of_every_query_parameter_is_accepted);

/// The limits the document states for request bodies are the ones the domain's parsers enforce.
#[test]
fn body_limits_in_the_document_are_the_domains() {
    use socio_domain::{
        account::{MAX_EMAIL_LEN, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS},
        api::{MAX_DISPLAY_NAME, MAX_REPORT_MESSAGE, MAX_TOKEN_LEN, limits::*},
        vocabulary::{AccessibilityFeature, ServiceFormat},
    };
    let document = document();
    let schemas = &document["components"]["schemas"];
    let table: Vec<(&str, &str, &str, usize)> = vec![
        ("ServiceInput", "name", "maxLength", NAME),
        ("ServiceInput", "summary", "maxLength", SUMMARY),
        ("ServiceInput", "description", "maxLength", DESCRIPTION),
        ("ServiceInput", "cost_note", "maxLength", COST_NOTE),
        ("ServiceInput", "eligibility", "maxLength", LONG_TEXT),
        ("ServiceInput", "how_to_apply", "maxLength", LONG_TEXT),
        ("ServiceInput", "categories", "maxItems", CATEGORIES),
        ("ServiceInput", "target_groups", "maxItems", TARGET_GROUPS),
        ("ServiceInput", "formats", "maxItems", ServiceFormat::ALL.len()),
        ("ServiceInput", "documents", "maxItems", DOCUMENTS),
        ("ServiceInput", "locations", "maxItems", LOCATIONS),
        ("ServiceInput", "municipalities", "maxItems", MUNICIPALITIES),
        ("ServiceInput", "age_min", "maximum", usize::from(MAX_AGE)),
        ("ServiceInput", "age_max", "maximum", usize::from(MAX_AGE)),
        ("OrganizationInput", "name", "maxLength", NAME),
        ("OrganizationInput", "short_name", "maxLength", SHORT_NAME),
        ("OrganizationInput", "description", "maxLength", DESCRIPTION),
        ("LocationInput", "name", "maxLength", NAME),
        ("LocationInput", "address", "maxLength", ADDRESS),
        ("LocationInput", "opening_hours", "maxItems", HOURS),
        ("LocationInput", "accessibility", "maxItems", AccessibilityFeature::ALL.len()),
        ("ContactsInput", "email", "maxLength", MAX_EMAIL_LEN),
        ("ContactsInput", "website", "maxLength", socio_domain::web::MAX_URL_LEN),
        ("ReviewDecision", "comment", "maxLength", COMMENT),
        ("ResolveReport", "comment", "maxLength", COMMENT),
        ("NewReport", "message", "maxLength", MAX_REPORT_MESSAGE),
        ("NewReport", "slug", "maxLength", socio_domain::slug::MAX_SLUG_LEN),
        ("Registration", "email", "maxLength", MAX_EMAIL_LEN),
        ("Registration", "password", "minLength", MIN_PASSWORD_CHARS),
        ("Registration", "password", "maxLength", MAX_PASSWORD_CHARS),
        ("Registration", "display_name", "maxLength", MAX_DISPLAY_NAME),
        ("Login", "password", "maxLength", MAX_PASSWORD_CHARS),
        ("NewPasswordWithToken", "token", "maxLength", MAX_TOKEN_LEN),
        ("NewPasswordWithToken", "password", "minLength", MIN_PASSWORD_CHARS),
        ("PasswordChange", "new_password", "minLength", MIN_PASSWORD_CHARS),
        ("Invitation", "display_name", "maxLength", MAX_DISPLAY_NAME),
    ];
    for (schema, field, key, limit) in table {
        assert_eq!(schemas[schema]["properties"][field][key], limit as u64, "{schema}.{field} {key}");
    }
    for schema in ["ServiceInput", "OrganizationInput", "LocationInput", "Registration", "Login", "NewReport", "ReviewDecision"] {
        assert_eq!(schemas[schema]["additionalProperties"], false, "{schema} refuses unknown fields, and says so");
    }
}

/// Lists cut to their first two items: what an example shows of an answer.
fn trimmed(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Array(items) => items.into_iter().take(2).map(trimmed).collect(),
        serde_json::Value::Object(fields) => fields.into_iter().map(|(k, v)| (k, trimmed(v))).collect(),
        other => other,
    }
}

/// Every example the document shows is valid against its schema; the public requests are
/// accepted by the demo app, and each answer is what the demo app answers (lists cut to two).
/// `SOCIO_UPDATE_EXAMPLES=1` rewrites the answers in `openapi/examples.json` instead.
async fn examples_are_valid_and_current(app: crate::helpers::TestApp) {
    let mut examples: serde_json::Value = serde_json::from_str(socio_api::openapi::EXAMPLES).unwrap();
    let requests = examples["requests"].as_object().unwrap().clone();
    let document = document();
    for (key, example) in &requests {
        let (method, path) = key.split_once(' ').unwrap();
        assert!(document["paths"][path][method]["requestBody"].is_object(), "{key}: no such operation with a body");
        let pointer = format!("/paths/{}/{method}/requestBody/content/application~1json/schema", crate::contract::escape(path));
        let validator = crate::contract::validator(&pointer).unwrap();
        let errors: Vec<String> = validator.iter_errors(example).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{key}: the example breaks its schema: {errors:?}");
    }
    let receipt = app.http.post(format!("{}/api/v1/reports", app.address)).json(&requests["post /api/v1/reports"]).send().await.unwrap();
    assert_eq!(receipt.status(), 201, "the report example is accepted");
    let update = std::env::var("SOCIO_UPDATE_EXAMPLES").is_ok_and(|v| v == "1");
    for answer in examples["responses"].as_array_mut().unwrap() {
        let key = answer["operation"].as_str().unwrap().to_owned();
        let (method, path) = key.split_once(' ').unwrap();
        let response = match method {
            "get" => app.get(answer["request"].as_str().unwrap()).await,
            _ => app.http.post(format!("{}{path}", app.address)).json(&requests[&key]).send().await.unwrap(),
        };
        assert_eq!(response.status().as_u16() as u64, answer["status"].as_u64().unwrap(), "{key}");
        let mut live = trimmed(response.json().await.unwrap());
        if let Some(id) = live.get_mut("request_id") {
            // Each answer names its own request: the example shows one such id.
            *id = serde_json::Value::from("5e2b9c0a41d7-1f");
        }
        if update {
            answer["example"] = live;
        } else {
            assert!(
                answer["example"] == live,
                "{key}: the example is not what the demo app answers; run the test with SOCIO_UPDATE_EXAMPLES=1"
            );
        }
        assert!(
            !document["paths"][path][method]["responses"][answer["status"].to_string()]["content"]
                .as_object()
                .unwrap()
                .values()
                .any(|c| c["example"].is_null())
                || update,
            "{key}: the example is not in the document"
        );
    }
    if update {
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/examples.json");
        std::fs::write(file, serde_json::to_string_pretty(&examples).unwrap() + "\n").unwrap();
        eprintln!("wrote {file}: now run `cargo run -p socio-api -- openapi`");
    }
}

mod examples {
    #[tokio::test]
    async fn are_valid_and_current() {
        let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await.unwrap();
        super::examples_are_valid_and_current(app).await;
    }
}
