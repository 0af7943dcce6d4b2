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
