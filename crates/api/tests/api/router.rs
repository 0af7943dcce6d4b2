use serde_json::json;
use socio_domain::{
    Coordinates,
    api::{MunicipalityRef, RouteRequest, SuggestRequest},
    router::{self, RouteContext, definition},
};

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(
    answers_change_the_route_and_services_come_from_the_city,
    nearest_services_come_first_when_coordinates_are_given,
    every_demo_situation_routes_for_every_way_through_its_questionnaire,
    the_browser_computes_the_same_route_from_the_candidates,
    bad_route_requests_name_the_question,
    suggestions_match_text_and_general_answers,
    bad_suggest_requests_are_named,
);

fn request(situation: &str, city: &str, answers: serde_json::Value) -> RouteRequest {
    RouteRequest {
        situation: situation.into(),
        answers: serde_json::from_value(answers).unwrap(),
        municipality: city.into(),
        coordinates: None,
        target_groups: vec![],
        formats: vec![],
    }
}

fn remote_ok(format: socio_domain::vocabulary::ServiceFormat) -> bool {
    matches!(format, socio_domain::vocabulary::ServiceFormat::Online | socio_domain::vocabulary::ServiceFormat::Phone)
}

async fn answers_change_the_route_and_services_come_from_the_city(app: TestApp) {
    let child = app
        .client
        .route(&request("disability-status", "serov", json!({"who": "child", "child_age": 2, "has_referral": false, "can_come": true})))
        .await
        .unwrap();
    let adult = app
        .client
        .route(&request("disability-status", "serov", json!({"who": "self", "has_referral": true, "can_come": false})))
        .await
        .unwrap();
    let titles = |r: &socio_domain::api::RouteResponse| r.steps.iter().map(|s| s.title.clone()).collect::<Vec<_>>();
    assert_ne!(titles(&child), titles(&adult), "the answers change the route");
    assert!(child.steps.len() > adult.steps.len());
    assert_eq!(child.steps.iter().map(|s| s.number).collect::<Vec<_>>(), (1..=child.steps.len() as u32).collect::<Vec<_>>());
    let all_documents: Vec<&String> = child.steps.iter().flat_map(|s| &s.documents).collect();
    assert!(child.documents.iter().all(|d| all_documents.contains(&d)));
    let mut unique = child.documents.clone();
    unique.dedup();
    assert_eq!(unique.len(), child.documents.len(), "the checklist has no repeats");
    assert_eq!(child.municipality.name, "Серов");
    let services: Vec<_> = child.steps.iter().flat_map(|s| &s.services).collect();
    assert!(!services.is_empty(), "Серов has services for the route");
    let mut remote = request("disability-status", "serov", json!({"who": "self", "has_referral": true, "can_come": false}));
    remote.formats = vec![socio_domain::vocabulary::ServiceFormat::Online, socio_domain::vocabulary::ServiceFormat::Phone];
    let remote = app.client.route(&remote).await.unwrap();
    for service in remote.steps.iter().flat_map(|s| &s.services) {
        assert!(service.formats.iter().any(|f| remote_ok(*f)), "{} is neither online nor by phone", service.slug);
    }
    let in_person_only = adult.steps.iter().flat_map(|s| &s.services).filter(|s| !s.formats.iter().any(|f| remote_ok(*f))).count();
    assert!(in_person_only > 0, "the unfiltered route has in-person-only services");
    let remote_count = remote.steps.iter().flat_map(|s| &s.services).count();
    let adult_count = adult.steps.iter().flat_map(|s| &s.services).count();
    assert!(remote_count < adult_count, "the format preference leaves some services out");
    for service in services {
        let detail = app.client.service(&service.slug).await.unwrap();
        assert!(detail.municipalities.iter().any(|m| m.slug == "serov"), "{} is not available in Серов", service.slug);
        assert!(service.reasons.iter().any(|r| r.contains("Серов")), "{:?}", service.reasons);
    }
}

async fn nearest_services_come_first_when_coordinates_are_given(app: TestApp) {
    let mut near = request("elderly-care", "ekaterinburg", json!({}));
    let situation = app.client.situation("elderly-care").await.unwrap();
    let steps =
        socio_store::seed::DemoData::load().unwrap().situations.into_iter().find(|s| s.slug.as_str() == "elderly-care").unwrap().steps();
    near.answers = definition::paths(&situation.questions, &steps).remove(0);
    near.coordinates = Some(Coordinates { lat: 56.8389, lon: 60.6057 });
    let route = app.client.route(&near).await.unwrap();
    let mut checked = 0;
    for step in &route.steps {
        let distances: Vec<f64> = step.services.iter().filter_map(|s| s.distance_km).collect();
        assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{}: {distances:?}", step.title);
        checked += distances.len();
    }
    assert!(checked > 0, "some services have addresses in Екатеринбург");
}

async fn every_demo_situation_routes_for_every_way_through_its_questionnaire(app: TestApp) {
    let data = socio_store::seed::DemoData::load().unwrap();
    // Drafts (new situations an editor has yet to publish) are walked in the seed's own test.
    for seed in data.situations.iter().filter(|s| s.status == socio_domain::vocabulary::ModerationStatus::Published) {
        let situation = app.client.situation(seed.slug.as_str()).await.unwrap();
        let paths = definition::paths(&situation.questions, &seed.steps());
        for answers in paths.iter().step_by((paths.len() / 4).max(1)) {
            let mut req = request(seed.slug.as_str(), "nizhny-tagil", json!({}));
            req.answers = answers.clone();
            let route = app.client.route(&req).await.unwrap_or_else(|e| panic!("{}: {answers:?}: {e}", seed.slug));
            assert!(!route.steps.is_empty(), "{}: {answers:?}", seed.slug);
        }
    }
}

async fn the_browser_computes_the_same_route_from_the_candidates(app: TestApp) {
    let situation = app.client.situation("child-ovz").await.unwrap();
    let steps =
        socio_store::seed::DemoData::load().unwrap().situations.into_iter().find(|s| s.slug.as_str() == "child-ovz").unwrap().steps();
    let candidates = app.client.route_candidates("child-ovz", "kamensk-uralsky").await.unwrap();
    assert!(!candidates.is_empty());
    for answers in definition::paths(&situation.questions, &steps).into_iter().take(6) {
        let mut req = request("child-ovz", "kamensk-uralsky", json!({}));
        req.answers = answers.clone();
        let on_server = app.client.route(&req).await.unwrap();
        let context = RouteContext {
            municipality: MunicipalityRef { slug: "kamensk-uralsky".into(), name: "Каменск-Уральский".into() },
            coordinates: None,
            target_groups: vec![],
            formats: vec![],
        };
        let on_device = router::route(&situation, &answers, &context, &candidates);
        assert_eq!(on_device, on_server, "same engine, same data, same route");
    }
    let problem = app.get_problem("/api/v1/router/candidates?situation=child-ovz&municipality=atlantis", 400).await;
    assert_eq!(problem.errors[0].field, "municipality");
    let problem = app.get_problem("/api/v1/router/candidates?situation=no-such&municipality=serov", 400).await;
    assert_eq!(problem.errors[0].field, "situation");
}

async fn bad_route_requests_name_the_question(app: TestApp) {
    let cases = [
        (json!({"situation": "no-such", "municipality": "serov", "answers": {}}), "situation", "unknown_value"),
        (json!({"situation": "Плохо", "municipality": "serov", "answers": {}}), "situation", "invalid_slug"),
        (json!({"situation": "disability-status", "municipality": "atlantis", "answers": {}}), "municipality", "unknown_value"),
        (
            json!({"situation": "disability-status", "municipality": "serov", "answers": {"who": "alien", "has_referral": true, "can_come": true}}),
            "answers.who",
            "unknown_option",
        ),
        (
            json!({"situation": "disability-status", "municipality": "serov", "answers": {"who": "child", "child_age": 40, "has_referral": true, "can_come": true}}),
            "answers.child_age",
            "out_of_range",
        ),
        (
            json!({"situation": "disability-status", "municipality": "serov", "answers": {"who": "self", "child_age": 4, "has_referral": true, "can_come": true}}),
            "answers.child_age",
            "not_applicable",
        ),
        (
            json!({"situation": "disability-status", "municipality": "serov", "answers": {"who": "self", "can_come": true}}),
            "answers.has_referral",
            "required",
        ),
        (
            json!({"situation": "disability-status", "municipality": "serov", "answers": {"who": "self", "has_referral": "yes", "can_come": true}}),
            "answers.has_referral",
            "wrong_type",
        ),
        (
            json!({"situation": "disability-status", "municipality": "serov", "answers": {"who": "self", "has_referral": true, "can_come": true, "mood": "sad"}}),
            "answers.mood",
            "unknown_question",
        ),
        (
            json!({"situation": "disability-status", "municipality": "serov", "answers": {"who": "self", "has_referral": true, "can_come": true}, "target_groups": ["aliens"]}),
            "target_groups",
            "unknown_value",
        ),
    ];
    for (body, field, code) in cases {
        let response = app.http.post(format!("{}/api/v1/router/route", app.address)).json(&body).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 422, "{body}");
        let problem: socio_domain::api::Problem = response.json().await.unwrap();
        assert!(problem.errors.iter().any(|e| e.field == field && e.code == code), "{body}: {:?}", problem.errors);
        assert!(problem.detail.chars().any(|c| ('а'..='я').contains(&c)));
    }
    for body in [
        json!({"municipality": "serov"}),
        json!({"situation": "x", "municipality": "serov", "answers": {"who": {"nested": 1}}}),
        json!({"situation": "x", "municipality": "y", "extra": 1}),
    ] {
        let response = app.http.post(format!("{}/api/v1/router/route", app.address)).json(&body).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 400, "{body}");
    }
}

async fn suggestions_match_text_and_general_answers(app: TestApp) {
    let by_text = app
        .client
        .suggest(&SuggestRequest { text: Some("оформить инвалидность ребенку".into()), ..Default::default() })
        .await
        .unwrap();
    // The bar of the judged phrases (crates/search/tests/relevance.rs): among the first three.
    let first: Vec<&str> = by_text.situations.iter().take(3).map(|s| s.slug.as_str()).collect();
    assert!(first.contains(&"disability-status"), "{first:?}");
    assert!(by_text.situations[0].reasons.iter().any(|r| r == "Совпадает с тем, что вы написали"));
    let by_answers = app
        .client
        .suggest(&SuggestRequest {
            who: Some("elderly".into()),
            needs: vec!["care".into()],
            municipality: Some("revda".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(by_answers.situations.iter().take(3).any(|s| s.slug == "elderly-care"), "{:?}", by_answers.situations);
    assert!(by_answers.situations.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(!by_answers.services.is_empty());
    for service in &by_answers.services {
        assert!(service.municipalities.iter().any(|m| m.slug == "revda"));
    }
    let job = app.client.suggest(&SuggestRequest { needs: vec!["work".into()], ..Default::default() }).await.unwrap();
    assert_eq!(job.situations[0].slug, "job-loss");
    assert!(job.services.is_empty(), "no city, no services");
}

async fn bad_suggest_requests_are_named(app: TestApp) {
    let cases = [
        (json!({}), "text"),
        (json!({"who": "martian"}), "who"),
        (json!({"needs": ["flying"]}), "needs"),
        (json!({"text": "помощь", "municipality": "atlantis"}), "municipality"),
        (json!({"text": "я".repeat(201)}), "text"),
    ];
    for (body, field) in cases {
        let response = app.http.post(format!("{}/api/v1/router/suggest", app.address)).json(&body).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 422, "{body}");
        let problem: socio_domain::api::Problem = response.json().await.unwrap();
        assert_eq!(problem.errors[0].field, field, "{body}");
    }
    // Many unknown needs: one error, the allowed values listed once.
    let body = json!({"needs": ["flying", "diving", "swimming", "singing"]});
    let response = app.http.post(format!("{}/api/v1/router/suggest", app.address)).json(&body).send().await.unwrap();
    let problem: socio_domain::api::Problem = response.json().await.unwrap();
    let needs: Vec<_> = problem.errors.iter().filter(|e| e.field == "needs").collect();
    assert_eq!(needs.len(), 1, "{:?}", problem.errors);
    assert!(needs[0].detail.contains("«flying», «diving», «swimming», «singing»"), "{}", needs[0].detail);
    assert_eq!(needs[0].detail.matches(socio_domain::router::NEEDS[0].0).count(), 1, "{}", needs[0].detail);
}
