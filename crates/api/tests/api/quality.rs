//! Data-quality lists: each check finds what it says in the real data and nothing it should
//! not, and a moderator's reminder reaches the organization's partners once a day.

use serde_json::{Value, json};
use socio_domain::{
    api::{QualityItem, ReviewDecision, ServiceInput},
    vocabulary::UserRole,
};

use crate::{
    cabinet::{location_form, partner, service_form},
    helpers::TestApp,
    on_both_databases,
};

on_both_databases!(data_quality_lists_find_what_they_say_and_remind_once);

async fn list(app: &TestApp, token: &str, query: &str) -> (u64, Vec<QualityItem>) {
    let response = app.http.get(format!("{}/api/v1/backoffice/quality?{query}", app.address)).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), 200, "{query}");
    let page: Value = response.json().await.unwrap();
    (page["total"].as_u64().unwrap(), serde_json::from_value(page["items"].clone()).unwrap())
}

async fn data_quality_lists_find_what_they_say_and_remind_once(app: TestApp) {
    let moderator_id = app.create_user(UserRole::Moderator, "moderator@socio.example.org").await;
    let token = app.token_of(moderator_id);
    let moderator = app.client.with_token(&token);

    // A published organization with one in-person service in Serov (where it has an address)
    // and Pervouralsk (where it has none).
    let partner = partner(&app, "quality@kcson.example.org", "Фонд «Качество»").await;
    let location = partner.client.create_location(&location_form("ул. Ленина, 5")).await.unwrap();
    let form = ServiceInput {
        municipalities: vec!["serov".into(), "pervouralsk".into()],
        ..service_form("Прокат опор", vec![location.id])
    };
    let service = partner.client.create_service(&form).await.unwrap();
    partner.client.submit(socio_client::CabinetPath::Locations, location.id).await.unwrap();
    partner.client.submit(socio_client::CabinetPath::Services, service.id).await.unwrap();
    partner.client.submit_cabinet_organization().await.unwrap();
    for revision in moderator.moderation_queue(1).await.unwrap().items {
        moderator.approve_revision(revision.id, revision.version, &ReviewDecision::default()).await.unwrap();
    }

    let (_, cities) = list(&app, &token, "check=city-without-location&municipality=pervouralsk&per_page=100").await;
    let ours: Vec<&QualityItem> = cities.iter().filter(|i| i.id == service.id).collect();
    assert_eq!(ours.len(), 1, "the service is listed for Pervouralsk: {cities:?}");
    assert!(ours[0].detail.contains("Первоуральск"), "{}", ours[0].detail);
    assert_eq!(ours[0].organization_id, Some(partner.organization_id));
    let (_, serov) = list(&app, &token, "check=city-without-location&municipality=serov&per_page=100").await;
    assert!(!serov.iter().any(|i| i.id == service.id), "it has an address in Serov");

    // Freshly approved: not stale; made stale, it is.
    let (_, stale) = list(&app, &token, "check=stale&per_page=100").await;
    assert!(!stale.iter().any(|i| i.subject == "service" && i.id == service.id));
    sea_orm::ConnectionTrait::execute_unprepared(
        app.db(),
        &format!("UPDATE services SET last_verified = '2025-01-15' WHERE id = {}", service.id),
    )
    .await
    .unwrap();
    let (total, _) = list(&app, &token, "check=stale&per_page=1").await;
    let pages = total.div_ceil(100);
    let mut found = false;
    for page in 1..=pages {
        let (_, items) = list(&app, &token, &format!("check=stale&per_page=100&page={page}")).await;
        found |= items.iter().any(|i| i.subject == "service" && i.id == service.id && i.detail.contains("15.01.2025"));
    }
    assert!(found, "the stale service is on one of the pages");

    // A citizen's report is open until the partner resolves it.
    let report = app
        .http
        .post(format!("{}/api/v1/reports", app.address))
        .json(&json!({ "subject": "service", "slug": service.slug, "problem": "wrong_phone" }))
        .send()
        .await
        .unwrap();
    assert_eq!(report.status(), 201);
    let (_, open) = list(&app, &token, "check=open-reports&municipality=serov&per_page=100").await;
    assert!(open.iter().any(|i| i.subject == "report" && i.title == "Прокат опор"), "{open:?}");

    // Withdrawn, the organization has no published service.
    let current = partner.client.cabinet_service(service.id).await.unwrap();
    partner.client.withdraw(socio_client::CabinetPath::Services, service.id, current.version).await.unwrap();
    let (_, empty) = list(&app, &token, "check=no-services&per_page=100").await;
    assert!(empty.iter().any(|i| i.subject == "organization" && i.id == partner.organization_id), "{empty:?}");

    // A reminder: one letter to the partner, once a day; partners and editors cannot.
    let remind = |token: String| {
        let app = &app;
        async move {
            app.http
                .post(format!("{}/api/v1/backoffice/quality/remind", app.address))
                .bearer_auth(token)
                .json(&json!({ "organization_id": partner.organization_id, "check": "no-services" }))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(remind(partner.token.clone()).await, 403);
    let before = app.letters().len();
    assert_eq!(remind(token.clone()).await, 202);
    let letters = app.letters();
    assert_eq!(letters.len(), before + 1);
    let letter = letters.last().unwrap();
    assert!(letter.to.contains("quality@kcson.example.org") && letter.body.contains("Фонд «Качество»"), "{}", letter.body);
    assert_eq!(remind(token.clone()).await, 409, "once a day");
    assert_eq!(app.letters().len(), before + 1);
    let audit = moderator.audit_log(&format!("entity_type=organization&entity_id={}", partner.organization_id)).await.unwrap();
    assert_eq!(audit.items.iter().filter(|e| e.action == "remind").count(), 1, "the reminder is in the audit log");
    let bad = app.http.get(format!("{}/api/v1/backoffice/quality?check=everything", app.address)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(bad.status(), 400);
}
