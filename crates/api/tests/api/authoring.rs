//! Life-situation authoring: an editor's draft names each problem at its part, a definition
//! that fails the engine's checks cannot be published (422 naming the part), and a new version
//! changes nothing for citizens until it is published; earlier versions come back as drafts.

use reqwest::StatusCode;
use serde_json::{Value, json};
use socio_domain::vocabulary::UserRole;

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(an_editor_drafts_publishes_and_restores_a_situation);
on_both_databases!(a_draft_is_previewed_with_a_citys_services_through_bounded_input);

fn definition(step_two_condition: Value, title: &str) -> Value {
    json!({
        "slug": "novaya-situaciya",
        "title": title,
        "summary": "Что делать, если ребёнку нужна коляска",
        "target_groups": ["children-ovz"],
        "categories": ["tsr-rental"],
        "related": ["disability-status"],
        "sources": [{ "title": "Постановление Правительства РФ от 05.04.2022 № 588" }],
        "questions": [
            { "key": "who", "text": "Кому нужна коляска?", "kind": "single",
              "options": [{ "value": "self", "label": "Мне" }, { "value": "child", "label": "Ребёнку" }] },
            { "key": "child_age", "text": "Сколько лет ребёнку?", "kind": "number", "min": 0, "max": 17,
              "ask_if": { "equals": { "question": "who", "value": "child" } } }
        ],
        "steps": [
            { "title": "Получите ИПРА", "body": "В бюро МСЭ.", "documents": ["Паспорт"], "categories": ["tsr-rental"],
              "sources": [{ "title": "Федеральный закон от 24.11.1995 № 181-ФЗ, ст. 11 <b>", "url": "https://www.consultant.ru/document/cons_doc_LAW_8559/" }] },
            { "title": "Оформите коляску в СФР", "body": "Через Госуслуги.", "condition": step_two_condition }
        ]
    })
}

async fn send(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
    if_match: Option<&str>,
) -> reqwest::Response {
    let mut request = app.http.request(method, format!("{}{path}", app.address)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(body);
    }
    if let Some(tag) = if_match {
        request = request.header("if-match", tag);
    }
    request.send().await.unwrap()
}

async fn an_editor_drafts_publishes_and_restores_a_situation(app: TestApp) {
    let editor = app.token_of(app.create_user(UserRole::Editor, "editor@socio.example.org").await);
    let moderator = app.token_of(app.create_user(UserRole::Moderator, "moderator@socio.example.org").await);
    use reqwest::Method;

    // A step whose condition names an unknown question: saved as a draft, the problem named.
    let broken = definition(json!({ "equals": { "question": "whom", "value": "child" } }), "Коляска для ребёнка");
    let refused = send(&app, &moderator, Method::POST, "/api/v1/backoffice/situations", Some(&broken), None).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "a moderator does not author situations");
    let created = send(&app, &editor, Method::POST, "/api/v1/backoffice/situations", Some(&broken), None).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let tag = created.headers()["etag"].to_str().unwrap().to_owned();
    let draft: Value = created.json().await.unwrap();
    let id = draft["id"].as_i64().unwrap();
    assert_eq!(draft["number"], 1);
    assert_eq!(draft["status"], "draft");
    let fields: Vec<&str> = draft["problems"].as_array().unwrap().iter().map(|p| p["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["steps[1].condition"], "the problem is at the step's condition: {}", draft["problems"]);
    assert!(draft["problems"][0]["detail"].as_str().unwrap().contains("whom"));
    let publish = |id: i64| {
        let (app, editor) = (&app, editor.clone());
        async move { send(app, &editor, Method::POST, &format!("/api/v1/backoffice/situation-versions/{id}/publish"), None, None).await }
    };
    let rejected = publish(id).await;
    assert_eq!(rejected.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = rejected.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "steps[1].condition");
    app.get_problem("/api/v1/situations/novaya-situaciya", 404).await;

    // An unreachable step (a child's age the question cannot take) is refused the same way.
    let unreachable = definition(json!({ "range": { "question": "child_age", "min": 30 } }), "Коляска для ребёнка");
    let saved =
        send(&app, &editor, Method::PUT, &format!("/api/v1/backoffice/situation-versions/{id}"), Some(&unreachable), Some(&tag)).await;
    assert_eq!(saved.status(), StatusCode::OK);
    let tag = saved.headers()["etag"].to_str().unwrap().to_owned();
    let saved: Value = saved.json().await.unwrap();
    assert_eq!(saved["problems"][0]["field"], "steps[1].condition");
    assert!(saved["problems"][0]["detail"].as_str().unwrap().contains("не нужен ни при каких ответах"), "{}", saved["problems"]);
    let stale =
        send(&app, &editor, Method::PUT, &format!("/api/v1/backoffice/situation-versions/{id}"), Some(&unreachable), Some("\"v1\"")).await;
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED, "an edit from an old version does not overwrite");

    // Fixed: the conditional step is for children; publishing makes it what citizens read.
    let good = definition(json!({ "equals": { "question": "who", "value": "child" } }), "Коляска для ребёнка");
    let fixed = send(&app, &editor, Method::PUT, &format!("/api/v1/backoffice/situation-versions/{id}"), Some(&good), Some(&tag)).await;
    let fixed: Value = fixed.json().await.unwrap();
    assert_eq!(fixed["problems"], json!([]));
    assert_eq!(publish(id).await.status(), StatusCode::OK);
    let public = app.get_json("/api/v1/situations/novaya-situaciya", 200).await;
    assert_eq!(public["title"], "Коляска для ребёнка");
    assert_eq!(public["steps"].as_array().unwrap().len(), 2);
    assert_eq!(public["steps"][0]["sources"][0]["url"], "https://www.consultant.ru/document/cons_doc_LAW_8559/");
    assert_eq!(public["sources"][0], json!({ "title": "Постановление Правительства РФ от 05.04.2022 № 588", "url": null }));
    assert_eq!(public["checked_on"], chrono::Utc::now().date_naive().to_string(), "publishing is checking");
    let page = app.get("/situations/novaya-situaciya").await.text().await.unwrap();
    assert!(page.contains("Основание: ") && page.contains("ст. 11 &lt;b&gt;"), "the step's source is on the page, as text");
    assert!(page.contains("Проверено: "), "and the day it was checked");
    let bad = definition(json!(null), "Коляска");
    let mut bad = bad;
    bad["steps"][0]["sources"] = json!([{ "title": "", "url": "javascript:alert(1)" }]);
    let refused = send(&app, &editor, Method::POST, "/api/v1/backoffice/situations", Some(&bad), None).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = refused.json().await.unwrap();
    let fields: Vec<&str> = problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["steps[0].sources[0].title", "steps[0].sources[0].url"]);
    let route = app
        .http
        .post(format!("{}/api/v1/router/route", app.address))
        .json(&json!({ "situation": "novaya-situaciya", "municipality": "serov", "answers": { "who": "self" } }))
        .send()
        .await
        .unwrap();
    assert_eq!(route.status(), 200);
    let route: Value = route.json().await.unwrap();
    assert_eq!(route["steps"].as_array().unwrap().len(), 1, "the child's step is only on the child's branch");
    assert_eq!(route["steps"][0]["sources"], public["steps"][0]["sources"], "a route keeps the step's source");

    // A second version: citizens see the first until it is published.
    let renamed = definition(json!({ "equals": { "question": "who", "value": "child" } }), "Коляска: с чего начать");
    let second: Value =
        send(&app, &editor, Method::POST, "/api/v1/backoffice/situations", Some(&renamed), None).await.json().await.unwrap();
    assert_eq!(second["number"], 2);
    assert_eq!(app.get_json("/api/v1/situations/novaya-situaciya", 200).await["title"], "Коляска для ребёнка");
    assert_eq!(publish(second["id"].as_i64().unwrap()).await.status(), StatusCode::OK);
    assert_eq!(app.get_json("/api/v1/situations/novaya-situaciya", 200).await["title"], "Коляска: с чего начать");
    assert_eq!(publish(id).await.status(), StatusCode::CONFLICT, "a version is published once");

    // The history, and the first version restored as a third.
    let versions: Value =
        send(&app, &editor, Method::GET, "/api/v1/backoffice/situations/novaya-situaciya/versions", None, None).await.json().await.unwrap();
    let statuses: Vec<(i64, &str)> =
        versions.as_array().unwrap().iter().map(|v| (v["number"].as_i64().unwrap(), v["status"].as_str().unwrap())).collect();
    assert_eq!(statuses, [(2, "published"), (1, "archived")]);
    let restored = send(&app, &editor, Method::POST, &format!("/api/v1/backoffice/situation-versions/{id}/restore"), None, None).await;
    assert_eq!(restored.status(), StatusCode::CREATED);
    let restored: Value = restored.json().await.unwrap();
    assert_eq!((restored["number"].as_i64(), restored["definition"]["title"].as_str()), (Some(3), Some("Коляска для ребёнка")));
    assert_eq!(
        app.get_json("/api/v1/situations/novaya-situaciya", 200).await["title"],
        "Коляска: с чего начать",
        "a restored draft changes nothing yet"
    );
    let list: Value = send(&app, &editor, Method::GET, "/api/v1/backoffice/situations", None, None).await.json().await.unwrap();
    let entry = list.as_array().unwrap().iter().find(|s| s["slug"] == "novaya-situaciya").unwrap();
    assert_eq!((entry["published"].as_i64(), entry["latest"].as_i64()), (Some(2), Some(3)));
    let audit = app.client.with_token(&editor).audit_log("entity_type=situation").await.unwrap();
    assert_eq!(audit.items.iter().filter(|e| e.action == "publish").count(), 2, "each publication is in the audit log");
}

async fn a_draft_is_previewed_with_a_citys_services_through_bounded_input(app: TestApp) {
    let editor = app.client.with_token(app.token_of(app.create_user(UserRole::Editor, "editor@socio.example.org").await));
    let categories = vec!["mse".to_owned(), "assistive-tech".to_owned()];
    let found = editor.preview_candidates("serov", &categories).await.unwrap();
    assert!(!found.is_empty(), "Serov has services for these categories");
    assert!(found.iter().all(|c| c.municipalities.iter().any(|m| m == "serov")), "only the city's services");
    assert!(found.iter().all(|c| c.categories.iter().any(|x| categories.contains(x))), "only these categories");
    // For a published situation's own step categories, the same candidates its wizard gets.
    let situation = app.client.situation("disability-status").await.unwrap();
    let mut codes: Vec<String> = situation.steps.iter().flat_map(|s| s.categories.iter().cloned()).collect();
    codes.sort();
    codes.dedup();
    let ids = |list: Vec<socio_domain::api::ServiceCandidate>| {
        let mut ids: Vec<i64> = list.into_iter().map(|c| c.id).collect();
        ids.sort_unstable();
        ids
    };
    let wizard = ids(app.client.route_candidates("disability-status", "serov").await.unwrap());
    assert_eq!(ids(editor.preview_candidates("serov", &codes).await.unwrap()), wizard);

    let refused = |query: &'static str, field: &'static str, code: &'static str| {
        let editor = editor.clone();
        async move {
            let error = editor.get::<Value>("/api/v1/backoffice/situations/preview-candidates", &serde_qs(query)).await.unwrap_err();
            let problem = error.problem().unwrap_or_else(|| panic!("{query}: {error}"));
            assert_eq!(problem.status, 400, "{query}");
            assert!(problem.errors.iter().any(|e| e.field == field && e.code == code), "{query}: {:?}", problem.errors);
        }
    };
    let without_city = editor.get::<Value>("/api/v1/backoffice/situations/preview-candidates", &serde_qs("categories=mse")).await;
    assert_eq!(without_city.unwrap_err().problem().map(|p| p.status), Some(400), "the city is required");
    refused("municipality=serov&categories=mse,mse", "categories", "duplicate").await;
    refused("municipality=atlantida&categories=mse", "municipality", "unknown_value").await;
    let many: Vec<String> = (0..1000).map(|n| format!("c{n}")).collect();
    let error = editor.preview_candidates("serov", &many).await.unwrap_err();
    let problem = error.problem().unwrap();
    assert!(problem.errors.iter().any(|e| e.field == "categories" && e.code == "too_many"));
    assert!(problem.errors.len() <= 2, "one error for the list, not one per entry: {:?}", problem.errors);
}

/// A query string as (name, value) pairs.
fn serde_qs(query: &str) -> Vec<(String, String)> {
    query.split('&').filter_map(|pair| pair.split_once('=')).map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}
