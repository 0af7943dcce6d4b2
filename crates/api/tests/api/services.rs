use std::collections::HashSet;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use socio_domain::{
    Slug,
    api::{PageRequest, ServiceFilter, ServiceSummary},
    vocabulary::{Cost, ServiceFormat},
};
use socio_store::entity::{organization, service};

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(
    services_of_a_city_are_listed_with_totals,
    every_filter_narrows_to_matching_services,
    a_category_group_includes_its_categories,
    text_search_finds_inflected_forms,
    pagination_covers_every_service_exactly_once,
    page_edges_are_reported_clearly,
    every_bad_parameter_gets_a_problem_naming_it,
    a_service_is_the_same_by_id_and_by_slug,
    a_service_page_has_what_a_person_needs_to_act,
    unpublished_services_stay_invisible,
    services_of_unpublished_organizations_stay_invisible,
    malformed_and_missing_ids_are_told_apart,
    unchanged_responses_get_304_with_the_same_etag,
    reads_are_open_to_other_sites,
);

fn slug(raw: &str) -> Option<Slug> {
    Some(Slug::parse(raw).unwrap())
}

async fn all_pages(app: &TestApp, filter: ServiceFilter) -> Vec<ServiceSummary> {
    let mut items = Vec::new();
    let mut page = 1;
    loop {
        let result = app.client.services(&ServiceFilter { page: PageRequest { page, per_page: 100 }, ..filter.clone() }).await.unwrap();
        assert_eq!(result.page, page);
        let last = result.pages <= page;
        items.extend(result.items);
        if last {
            assert_eq!(items.len() as u64, result.total, "pages add up to the total");
            return items;
        }
        page += 1;
    }
}

async fn services_of_a_city_are_listed_with_totals(app: TestApp) {
    let page = app.client.services(&ServiceFilter { municipality: slug("pervouralsk"), ..Default::default() }).await.unwrap();
    assert!(page.total >= 10, "Первоуральск has {} services", page.total);
    assert_eq!(page.items.len() as u64, page.total.min(20));
    assert_eq!(page.pages as u64, page.total.div_ceil(20));
    for item in &page.items {
        assert!(item.municipalities.iter().any(|m| m.slug == "pervouralsk" && m.name == "Первоуральск"), "{}", item.slug);
        assert!(item.name.chars().any(|c| ('А'..='я').contains(&c)), "Russian name: {}", item.name);
    }
    let names: Vec<&str> = page.items.iter().map(|s| s.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "sorted by name");
    let everything = app.client.services(&ServiceFilter::default()).await.unwrap();
    assert!(everything.total > page.total, "the city filter narrows the list");
}

/// Says whether a listed service satisfies a filter, computed independently of the server.
type Matcher = Box<dyn Fn(&ServiceSummary) -> bool>;

async fn every_filter_narrows_to_matching_services(app: TestApp) {
    let all = all_pages(&app, ServiceFilter::default()).await;
    let cases: Vec<(ServiceFilter, Matcher)> = vec![
        (
            ServiceFilter { format: Some(ServiceFormat::Online), ..Default::default() },
            Box::new(|s| s.formats.contains(&ServiceFormat::Online)),
        ),
        (ServiceFilter { cost: Some(Cost::Paid), ..Default::default() }, Box::new(|s| s.cost == Cost::Paid)),
        (
            ServiceFilter { target_group: slug("large-families"), ..Default::default() },
            Box::new(|s| s.target_groups.iter().any(|g| g.slug == "large-families")),
        ),
        (
            ServiceFilter { category: slug("job-search"), ..Default::default() },
            Box::new(|s| s.categories.iter().any(|c| c.slug == "job-search")),
        ),
        (
            ServiceFilter { age: Some(2), ..Default::default() },
            Box::new(|s| s.age_min.is_none_or(|min| min <= 2) && s.age_max.is_none_or(|max| max >= 2)),
        ),
        (
            ServiceFilter {
                municipality: slug("serov"),
                cost: Some(Cost::Free),
                format: Some(ServiceFormat::InPerson),
                ..Default::default()
            },
            Box::new(|s| {
                s.cost == Cost::Free && s.formats.contains(&ServiceFormat::InPerson) && s.municipalities.iter().any(|m| m.slug == "serov")
            }),
        ),
    ];
    for (filter, matches) in cases {
        let found = all_pages(&app, filter.clone()).await;
        let expected: Vec<i64> = all.iter().filter(|s| matches(s)).map(|s| s.id).collect();
        let got: Vec<i64> = found.iter().map(|s| s.id).collect();
        assert!(!got.is_empty(), "{filter:?} finds something in the demo data");
        assert_eq!(got, expected, "{filter:?}: exactly the services that match");
    }
}

async fn a_category_group_includes_its_categories(app: TestApp) {
    let groups = app.client.categories().await.unwrap();
    let benefits = groups.iter().find(|g| g.slug == "benefits").unwrap();
    let children: HashSet<&str> = benefits.children.iter().map(|c| c.slug.as_str()).collect();
    let found = all_pages(&app, ServiceFilter { category: slug("benefits"), ..Default::default() }).await;
    assert!(!found.is_empty());
    for service in &found {
        assert!(service.categories.iter().any(|c| children.contains(c.slug.as_str())), "{}", service.slug);
    }
    let one_child = all_pages(&app, ServiceFilter { category: slug("child-benefits"), ..Default::default() }).await;
    assert!(one_child.len() < found.len() && !one_child.is_empty());
}

async fn text_search_finds_inflected_forms(app: TestApp) {
    let benefit = app.client.services(&ServiceFilter { q: Some("пособие".into()), ..Default::default() }).await.unwrap();
    let benefits = app.client.services(&ServiceFilter { q: Some("ПОСОБИЯ".into()), ..Default::default() }).await.unwrap();
    assert!(benefit.total > 0);
    assert_eq!(benefit.total, benefits.total, "case and ending do not matter");
    let combined = app.client.services(&ServiceFilter { q: Some("пособия многодетным".into()), ..Default::default() }).await.unwrap();
    assert!(combined.total > 0 && combined.total <= benefit.total);
    let nothing = app.client.services(&ServiceFilter { q: Some("трансгалактический".into()), ..Default::default() }).await.unwrap();
    assert_eq!((nothing.total, nothing.pages, nothing.items.len()), (0, 0, 0), "an empty result is a valid page 1");
}

async fn pagination_covers_every_service_exactly_once(app: TestApp) {
    let filter = ServiceFilter { municipality: slug("ekaterinburg"), ..Default::default() };
    let total = app.client.services(&filter).await.unwrap().total;
    let mut seen = HashSet::new();
    let per_page = 7;
    for page in 1..=total.div_ceil(per_page) as u32 {
        let result =
            app.client.services(&ServiceFilter { page: PageRequest { page, per_page: per_page as u32 }, ..filter.clone() }).await.unwrap();
        for item in result.items {
            assert!(seen.insert(item.id), "service {} appears twice", item.id);
        }
    }
    assert_eq!(seen.len() as u64, total);
}

async fn page_edges_are_reported_clearly(app: TestApp) {
    let first = app.get_json("/api/v1/services?per_page=100", 200).await;
    let pages = first["pages"].as_u64().unwrap();
    let last = app.get_json(&format!("/api/v1/services?per_page=100&page={pages}"), 200).await;
    let total = first["total"].as_u64().unwrap();
    assert_eq!(last["items"].as_array().unwrap().len() as u64, total - (pages - 1) * 100);
    let problem = app.get_problem(&format!("/api/v1/services?per_page=100&page={}", pages + 1), 400).await;
    assert_eq!(problem.code, "page_out_of_range");
    assert_eq!(problem.errors[0].field, "page");
    let empty_first_page = app.get_json("/api/v1/services?q=zzzzzz", 200).await;
    assert_eq!(empty_first_page["total"], 0);
}

async fn every_bad_parameter_gets_a_problem_naming_it(app: TestApp) {
    let cases = [
        ("municipality=atlantis", "municipality", "unknown_value"),
        ("municipality=Серов", "municipality", "invalid_slug"),
        ("category=nonexistent", "category", "unknown_value"),
        ("target_group=martians", "target_group", "unknown_value"),
        ("organization=no-such-org", "organization", "unknown_value"),
        ("format=telepathy", "format", "unknown_value"),
        ("cost=cheap", "cost", "unknown_value"),
        ("age=-1", "age", "out_of_range"),
        ("age=121", "age", "out_of_range"),
        ("age=ten", "age", "out_of_range"),
        ("page=0", "page", "out_of_range"),
        ("page=abc", "page", "out_of_range"),
        ("per_page=0", "per_page", "out_of_range"),
        ("per_page=101", "per_page", "out_of_range"),
        ("colour=red", "colour", "unknown_parameter"),
        ("cost=free&cost=paid", "cost", "duplicate_parameter"),
    ];
    for (query, field, code) in cases {
        let problem = app.get_problem(&format!("/api/v1/services?{query}"), 400).await;
        assert_eq!(problem.code, "invalid_parameter", "{query}");
        assert_eq!((problem.errors[0].field.as_str(), problem.errors[0].code.as_str()), (field, code), "{query}");
    }
    let long = "я".repeat(201);
    let problem = app.get_problem(&format!("/api/v1/services?q={long}"), 400).await;
    assert_eq!(problem.errors[0].code, "too_long");
}

async fn a_service_is_the_same_by_id_and_by_slug(app: TestApp) {
    let listed = app.client.services(&ServiceFilter { municipality: slug("revda"), ..Default::default() }).await.unwrap().items.remove(0);
    let by_slug = app.client.service(&listed.slug).await.unwrap();
    let by_id = app.client.service(&listed.id.to_string()).await.unwrap();
    assert_eq!(by_slug, by_id);
    assert_eq!((by_slug.name.as_str(), by_slug.organization.slug.as_str()), (listed.name.as_str(), listed.organization.slug.as_str()));
}

async fn a_service_page_has_what_a_person_needs_to_act(app: TestApp) {
    let in_person = app
        .client
        .services(&ServiceFilter { municipality: slug("nizhny-tagil"), format: Some(ServiceFormat::InPerson), ..Default::default() })
        .await
        .unwrap()
        .items
        .remove(0);
    let service = app.client.service(&in_person.slug).await.unwrap();
    assert!(!service.eligibility.is_empty() && !service.how_to_apply.is_empty() && !service.documents.is_empty());
    assert!(service.contacts.phone.is_some(), "a phone to call, from the service or its organization");
    assert!(!service.locations.is_empty(), "an in-person service has an address");
    for location in &service.locations {
        assert!(service.municipalities.contains(&location.municipality), "its addresses are in the cities it serves");
        assert!(location.coordinates.is_some() && !location.opening_hours.is_empty());
    }
    assert!(service.last_verified.is_some());
}

async fn unpublished_services_stay_invisible(app: TestApp) {
    let hidden = service::Entity::find().filter(service::Column::Status.ne("published")).all(app.db()).await.unwrap();
    assert!(hidden.len() >= 4, "the demo has draft and archived services");
    let listed: HashSet<i64> = all_pages(&app, ServiceFilter::default()).await.into_iter().map(|s| s.id).collect();
    for service in hidden {
        assert!(!listed.contains(&service.id), "{} is listed", service.slug);
        assert_eq!(app.get_problem(&format!("/api/v1/services/{}", service.slug), 404).await.code, "not_found");
        assert_eq!(app.get_problem(&format!("/api/v1/services/{}", service.id), 404).await.code, "not_found");
        let org = organization::Entity::find_by_id(service.organization_id).one(app.db()).await.unwrap().unwrap();
        if org.status == "published" {
            let of_org = all_pages(&app, ServiceFilter { organization: slug(&org.slug), ..Default::default() }).await;
            assert!(of_org.iter().all(|s| s.id != service.id));
            let profile = app.client.organization(&org.slug).await.unwrap();
            assert!(profile.services.iter().all(|s| s.id != service.id), "{} shows on its organization's page", service.slug);
        }
    }
}

async fn services_of_unpublished_organizations_stay_invisible(app: TestApp) {
    let drafts = organization::Entity::find().filter(organization::Column::Status.ne("published")).all(app.db()).await.unwrap();
    assert!(!drafts.is_empty());
    let listed: HashSet<i64> = all_pages(&app, ServiceFilter::default()).await.into_iter().map(|s| s.id).collect();
    for org in drafts {
        let services = service::Entity::find().filter(service::Column::OrganizationId.eq(org.id)).all(app.db()).await.unwrap();
        assert!(!services.is_empty(), "{} has services in the demo", org.slug);
        for service in services {
            assert!(!listed.contains(&service.id), "{} of draft {} is listed", service.slug, org.slug);
            app.get_problem(&format!("/api/v1/services/{}", service.slug), 404).await;
        }
        let problem = app.get_problem(&format!("/api/v1/services?organization={}", org.slug), 400).await;
        assert_eq!(problem.errors[0].field, "organization");
    }
}

async fn malformed_and_missing_ids_are_told_apart(app: TestApp) {
    for malformed in ["%D0%BF%D0%BE%D1%81%D0%BE%D0%B1%D0%B8%D0%B5", "Bad_Slug", "0", "99999999999999999999999", "a--b"] {
        let problem = app.get_problem(&format!("/api/v1/services/{malformed}"), 400).await;
        assert_eq!(problem.errors[0].field, "id_or_slug", "{malformed}");
    }
    for missing in ["999999999", "no-such-service"] {
        assert_eq!(app.get_problem(&format!("/api/v1/services/{missing}"), 404).await.code, "not_found");
    }
}

async fn unchanged_responses_get_304_with_the_same_etag(app: TestApp) {
    let path = "/api/v1/services?municipality=serov";
    let first = app.get(path).await;
    let etag = first.headers().get("etag").unwrap().to_str().unwrap().to_owned();
    let again = app.http.get(format!("{}{path}", app.address)).header("If-None-Match", &etag).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 304);
    assert_eq!(again.headers().get("etag").unwrap().to_str().unwrap(), etag);
    assert!(again.bytes().await.unwrap().is_empty());
    let other =
        app.http.get(format!("{}/api/v1/services?municipality=rezh", app.address)).header("If-None-Match", &etag).send().await.unwrap();
    assert_eq!(other.status().as_u16(), 200, "another list has another tag");
    assert_ne!(other.headers().get("etag").unwrap().to_str().unwrap(), etag);
    let stale = app.http.get(format!("{}{path}", app.address)).header("If-None-Match", "\"stale\"").send().await.unwrap();
    assert_eq!(stale.status().as_u16(), 200);
}

async fn reads_are_open_to_other_sites(app: TestApp) {
    let response =
        app.http.get(format!("{}/api/v1/services", app.address)).header("Origin", "https://apps.example.org").send().await.unwrap();
    assert_eq!(response.headers().get("access-control-allow-origin").unwrap(), "https://apps.example.org");
    let preflight = app
        .http
        .request(reqwest::Method::OPTIONS, format!("{}/api/v1/services", app.address))
        .header("Origin", "https://apps.example.org")
        .header("Access-Control-Request-Method", "GET")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    assert!(preflight.headers().get("access-control-allow-methods").unwrap().to_str().unwrap().contains("GET"));
}
