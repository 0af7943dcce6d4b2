//! The operator's back office: every route checks the role (table-driven over the document),
//! the audit log records decisions, role changes and operators' sign-ins with before and after,
//! exports as CSV for Excel, and cannot be changed through the API or the database.

use reqwest::Method;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use socio_domain::{api::ReviewDecision, vocabulary::UserRole};

use crate::{
    cabinet::{PASSWORD, location_form, partner, service_form},
    helpers::TestApp,
    on_both_databases,
};

on_both_databases!(
    every_backoffice_route_checks_the_role,
    the_audit_log_records_decisions_roles_and_sign_ins_and_cannot_change,
    the_queue_is_filtered_by_kind_and_city
);

async fn the_queue_is_filtered_by_kind_and_city(app: TestApp) {
    let moderator = app.token_of(app.create_user(UserRole::Moderator, "moderator@socio.example.org").await);
    let partner = partner(&app, "queue@kcson.example.org", "Фонд «Очередь»").await;
    let location = partner.client.create_location(&location_form("ул. Ленина, 9")).await.unwrap();
    let service = partner.client.create_service(&service_form("Прокат кресел", vec![location.id])).await.unwrap();
    partner.client.submit(socio_client::CabinetPath::Locations, location.id).await.unwrap();
    partner.client.submit(socio_client::CabinetPath::Services, service.id).await.unwrap();
    let queue = |query: &'static str| {
        let (app, moderator) = (&app, moderator.clone());
        async move {
            let response =
                app.http.get(format!("{}/api/v1/backoffice/revisions?{query}", app.address)).bearer_auth(moderator).send().await.unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap();
            (status, body)
        }
    };
    let ours = |page: &Value| -> Vec<(String, i64)> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["organization_id"] == partner.organization_id)
            .map(|r| (r["subject"].as_str().unwrap().to_owned(), r["entity_id"].as_i64().unwrap_or_default()))
            .collect()
    };
    let (_, serov) = queue("municipality=serov&per_page=100").await;
    assert_eq!(ours(&serov).len(), 2, "both proposals of an organization working in Serov");
    let (_, elsewhere) = queue("municipality=pervouralsk&per_page=100").await;
    assert!(ours(&elsewhere).is_empty());
    let (_, locations) = queue("subject=location&per_page=100").await;
    assert_eq!(ours(&locations), [("location".to_owned(), location.id)]);
    assert!(locations["items"].as_array().unwrap().iter().all(|r| r["subject"] == "location"));
    assert_eq!(queue("subject=everything").await.0, 400);
    assert_eq!(queue("municipality=atlantis").await.0, 400);
}

async fn call(app: &TestApp, method: &Method, path: &str, token: Option<&str>) -> u16 {
    let mut request = app.http.request(method.clone(), format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if *method != Method::GET {
        request = request.json(&json!({}));
    }
    request.send().await.unwrap().status().as_u16()
}

async fn every_backoffice_route_checks_the_role(app: TestApp) {
    let document: Value = serde_json::from_str(&socio_api::openapi::document_json().unwrap()).unwrap();
    let partner = partner(&app, "roles@kcson.example.org", "Фонд «Роли»").await;
    let moderator = app.token_of(app.create_user(UserRole::Moderator, "moderator@socio.example.org").await);
    let editor = app.token_of(app.create_user(UserRole::Editor, "editor@socio.example.org").await);
    let mut checked = 0;
    for (path, operations) in document["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/backoffice/") {
            continue;
        }
        let concrete = path.replace("{id}", "1").replace("{slug}", "disability-status");
        for (method, operation) in operations.as_object().unwrap() {
            assert!(operation["security"].is_array(), "{method} {path}: a back-office route must require a token");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            assert_eq!(call(&app, &method, &concrete, None).await, 401, "{method} {path} without a token");
            assert_eq!(call(&app, &method, &concrete, Some("not-a-token")).await, 401, "{method} {path} with a forged token");
            assert_eq!(call(&app, &method, &concrete, Some(&partner.token)).await, 403, "{method} {path} as a partner");
            let admin_only = path.starts_with("/api/v1/backoffice/users");
            let staff_wide = path.starts_with("/api/v1/backoffice/audit") || path.starts_with("/api/v1/backoffice/notes");
            let editors = path.starts_with("/api/v1/backoffice/situation");
            if admin_only || editors {
                assert_eq!(call(&app, &method, &concrete, Some(&moderator)).await, 403, "{method} {path} as a moderator");
            }
            if !staff_wide && !editors {
                assert_eq!(call(&app, &method, &concrete, Some(&editor)).await, 403, "{method} {path} as an editor");
            }
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} back-office operations");
}

async fn the_audit_log_records_decisions_roles_and_sign_ins_and_cannot_change(app: TestApp) {
    // An admin signs in (audited), invites a moderator who accepts and signs in.
    let admin_id = app.create_user(UserRole::Admin, "admin@socio.example.org").await;
    let admin = app.client.with_token(app.token_of(admin_id));
    let response = app
        .http
        .post(format!("{}/api/v1/backoffice/users", app.address))
        .bearer_auth(app.token_of(admin_id))
        .json(&json!({ "email": "olga@socio.example.org", "display_name": "Ольга", "role": "moderator" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let letter = app.letters().into_iter().find(|l| l.to.contains("olga@socio.example.org")).expect("an invitation letter");
    let token = letter.body.split("token=").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
    app.client.accept_invitation(&socio_domain::api::NewPasswordWithToken { token, password: PASSWORD.to_owned() }).await.unwrap();
    let session =
        app.client.login(&socio_domain::api::Login { email: "olga@socio.example.org".into(), password: PASSWORD.into() }).await.unwrap();
    let moderator = app.client.with_token(&session.access_token);
    let olga = admin.operators().await.unwrap().into_iter().find(|o| o.email == "olga@socio.example.org").unwrap();
    assert!(olga.active && olga.last_login_at.is_some() && olga.role == UserRole::Moderator);

    // A partner's service is approved by the moderator.
    let partner = partner(&app, "audit@kcson.example.org", "Фонд «Журнал»").await;
    let location = partner.client.create_location(&location_form("ул. Мира, 2")).await.unwrap();
    let service = partner.client.create_service(&service_form("Прокат ходунков", vec![location.id])).await.unwrap();
    partner.client.submit(socio_client::CabinetPath::Locations, location.id).await.unwrap();
    partner.client.submit(socio_client::CabinetPath::Services, service.id).await.unwrap();
    for revision in moderator.moderation_queue(1).await.unwrap().items {
        moderator
            .approve_revision(revision.id, revision.version, &ReviewDecision { comment: Some("Проверено".into()), edited: None })
            .await
            .unwrap();
    }

    // The admin makes the moderator an editor.
    let changed = admin.change_role(olga.id, UserRole::Editor).await.unwrap();
    assert_eq!(changed.role, UserRole::Editor);
    let own = admin.change_role(admin_id, UserRole::Moderator).await.unwrap_err();
    assert_eq!(own.problem().unwrap().status, 409, "no one changes their own role");

    let entries = |query: &'static str| {
        let admin = admin.clone();
        async move { admin.audit_log(query).await.unwrap() }
    };
    let approved = entries("entity_type=service").await;
    let approval = approved.items.iter().find(|e| e.action == "approve" && e.entity_id == service.id).expect("the approval is in the log");
    assert_eq!(approval.actor_email.as_deref(), Some("olga@socio.example.org"));
    assert_eq!(approval.details["after"]["name"], "Прокат ходунков", "the value after");
    assert!(approval.details.get("before").is_some(), "and before");
    let by_olga = admin.audit_log(&format!("actor={}", olga.id)).await.unwrap();
    let actions: Vec<&str> = by_olga.items.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"login") && actions.contains(&"approve"), "the moderator's sign-in and decisions: {actions:?}");
    assert!(by_olga.items.iter().all(|e| e.actor_id == Some(olga.id)));
    let roles = admin.audit_log(&format!("entity_type=user&entity_id={}", olga.id)).await.unwrap();
    let change = roles.items.iter().find(|e| e.action == "role_change").expect("the role change");
    assert_eq!((change.details["before"]["role"].as_str(), change.details["after"]["role"].as_str()), (Some("moderator"), Some("editor")));
    assert!(roles.items.iter().any(|e| e.action == "invite"), "the invitation too");
    let today = chrono::Utc::now().date_naive();
    let period = admin.audit_log(&format!("from={today}&to={today}&per_page=100")).await.unwrap();
    assert!(period.total >= 4 && period.items.iter().all(|e| e.at.date_naive() == today));
    let none = admin.audit_log(&format!("to={}", today.pred_opt().unwrap())).await.unwrap();
    assert!(none.items.iter().all(|e| e.at.date_naive() < today));
    let bad = app.get_problem("/api/v1/backoffice/audit?from=вчера", 401).await;
    assert_eq!(bad.code, "unauthorized");
    let response = app
        .http
        .get(format!("{}/api/v1/backoffice/audit?from=вчера", app.address))
        .bearer_auth(app.token_of(admin_id))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);

    // The CSV export: BOM, a Russian header, one row per entry, the same filter.
    let csv = app
        .http
        .get(format!("{}/api/v1/backoffice/audit.csv?entity_type=service", app.address))
        .bearer_auth(&session.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("\u{feff}номер,время,кто,почта,действие"), "UTF-8 with BOM for Excel");
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert_eq!(rows.len() as u64, approved.total, "every matching entry, and only those");
    assert!(rows.iter().any(|r| r.contains(",approve,service,") && r.contains("olga@socio.example.org")));

    // Append-only: the document has no route that changes an entry, and the database refuses.
    let document: Value = serde_json::from_str(&socio_api::openapi::document_json().unwrap()).unwrap();
    for (path, operations) in document["paths"].as_object().unwrap() {
        if path.contains("/audit") {
            assert!(operations.as_object().unwrap().keys().all(|m| m == "get"), "{path}: only reading");
        }
    }
    for statement in ["UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"] {
        let refused = app.db().execute_unprepared(statement).await;
        assert!(refused.is_err(), "{statement} must fail");
    }
    let after = admin.audit_log("per_page=100").await.unwrap();
    assert!(after.items.iter().all(|e| e.action != "forged") && after.total >= period.total);
}
