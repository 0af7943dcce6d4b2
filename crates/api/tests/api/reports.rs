use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, IntoActiveModel, PaginatorTrait};
use socio_domain::api::{NewReport, ReportProblem, ReportSubject, ServiceFilter};
use socio_store::entity::report;

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(
    a_report_about_a_service_is_stored_anonymously,
    bad_reports_are_refused_with_the_field_named,
    answered_reports_and_unmet_searches_are_purged_after_the_retention_period
);

async fn a_report_about_a_service_is_stored_anonymously(app: TestApp) {
    let service = app.client.services(&ServiceFilter::default()).await.unwrap().items.remove(0);
    let receipt = app
        .client
        .file_report(&NewReport {
            subject: ReportSubject::Service,
            slug: service.slug.clone(),
            problem: ReportProblem::WrongPhone,
            message: " Никто не берёт трубку ".into(),
        })
        .await
        .unwrap();
    assert!(receipt.message.contains("Спасибо"));
    let stored = report::Entity::find_by_id(receipt.id).one(app.db()).await.unwrap().unwrap();
    assert_eq!((stored.entity_type.as_str(), stored.entity_id, stored.kind.as_str()), ("service", service.id, "wrong_phone"));
    assert_eq!(stored.message, "Никто не берёт трубку");
    assert_eq!(stored.status, "new");
    let org = app
        .client
        .file_report(&NewReport {
            subject: ReportSubject::Organization,
            slug: service.organization.slug.clone(),
            problem: ReportProblem::Moved,
            message: String::new(),
        })
        .await
        .unwrap();
    assert!(org.id > receipt.id);
    let personal = app
        .client
        .file_report(&NewReport {
            subject: ReportSubject::Service,
            slug: service.slug.clone(),
            problem: ReportProblem::Other,
            message: "Перезвоните мне: 8 912 000-00-00 или ivan.petrov@mail.ru, кабинет 12".into(),
        })
        .await
        .unwrap();
    let stored = report::Entity::find_by_id(personal.id).one(app.db()).await.unwrap().unwrap();
    assert_eq!(stored.message, "Перезвоните мне: [номер скрыт] или [почта скрыта], кабинет 12", "partners never see a citizen's contacts");
}

async fn bad_reports_are_refused_with_the_field_named(app: TestApp) {
    let before = report::Entity::find().count(app.db()).await.unwrap();
    let post = |body: serde_json::Value| {
        let http = app.http.clone();
        let url = format!("{}/api/v1/reports", app.address);
        async move { http.post(url).json(&body).send().await.unwrap() }
    };
    let cases = [
        (serde_json::json!({"subject": "service", "slug": "no-such-service", "problem": "closed"}), 422, "slug"),
        (serde_json::json!({"subject": "service", "slug": "Плохой код", "problem": "closed"}), 422, "slug"),
        (
            serde_json::json!({"subject": "organization", "slug": "kcson-osen-pervouralsk", "problem": "other", "message": "  "}),
            422,
            "message",
        ),
        (serde_json::json!({"subject": "service", "slug": "x", "problem": "moved", "message": "я".repeat(2001)}), 422, "message"),
    ];
    for (body, status, field) in cases {
        let response = post(body.clone()).await;
        assert_eq!(response.status().as_u16(), status, "{body}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        let problem: socio_domain::api::Problem = response.json().await.unwrap();
        assert_eq!(problem.code, "validation_failed");
        assert_eq!(problem.errors[0].field, field, "{body}");
    }
    for body in [
        serde_json::json!({"subject": "planet", "slug": "x", "problem": "closed"}),
        serde_json::json!({"slug": "x"}),
        serde_json::json!({"subject": "service", "slug": "x", "problem": "closed", "email": "me@example.org"}),
    ] {
        let response = post(body.clone()).await;
        assert_eq!(response.status().as_u16(), 400, "{body}");
        let problem: socio_domain::api::Problem = response.json().await.unwrap();
        assert_eq!(problem.code, "invalid_body");
    }
    let not_json =
        app.http.post(format!("{}/api/v1/reports", app.address)).header("content-type", "text/plain").body("привет").send().await.unwrap();
    assert_eq!(not_json.status().as_u16(), 400);
    assert_eq!(report::Entity::find().count(app.db()).await.unwrap(), before, "nothing was stored");
}

async fn answered_reports_and_unmet_searches_are_purged_after_the_retention_period(app: TestApp) {
    let service = app.client.services(&ServiceFilter::default()).await.unwrap().items.remove(0);
    let report = |message: &str| NewReport {
        subject: ReportSubject::Service,
        slug: service.slug.clone(),
        problem: ReportProblem::WrongPhone,
        message: message.into(),
    };
    let mut ids = Vec::new();
    for message in ["давно и решено", "давно и без ответа", "недавно решено"] {
        ids.push(app.client.file_report(&report(message)).await.unwrap().id);
    }
    let two_years_ago = chrono::Utc::now() - chrono::Duration::days(730);
    let ten_days_ago = chrono::Utc::now() - chrono::Duration::days(10);
    for (id, resolved) in [(ids[0], Some(two_years_ago)), (ids[1], None), (ids[2], Some(ten_days_ago))] {
        let mut row = report::Entity::find_by_id(id).one(app.db()).await.unwrap().unwrap().into_active_model();
        row.created_at = Set(two_years_ago);
        if let Some(at) = resolved {
            row.status = Set("resolved".into());
            row.resolved_at = Set(Some(at));
        }
        row.update(app.db()).await.unwrap();
    }
    let today = chrono::Utc::now().date_naive();
    app.store.record_unmet_search("логопед ночью", Some("serov"), two_years_ago.date_naive()).await.unwrap();
    app.store.record_unmet_search("логопед ночью", Some("serov"), today).await.unwrap();

    let purged = socio_api::retention::purge(&app.store, 365).await.unwrap();
    assert_eq!((purged.reports, purged.unmet_searches), (1, 1));
    let left: Vec<i64> = report::Entity::find().all(app.db()).await.unwrap().into_iter().map(|r| r.id).collect();
    assert!(!left.contains(&ids[0]), "answered two years ago: deleted");
    assert!(left.contains(&ids[1]), "never answered: kept until someone answers it");
    assert!(left.contains(&ids[2]), "answered recently: kept");
    let unmet = app.store.unmet_searches(two_years_ago.date_naive(), None, 10).await.unwrap();
    assert_eq!(unmet.iter().map(|u| u.count).sum::<u64>(), 1, "only today's unmet search is left");
    assert_eq!(socio_api::retention::purge(&app.store, 365).await.unwrap(), socio_store::Purged::default(), "nothing twice");
}
