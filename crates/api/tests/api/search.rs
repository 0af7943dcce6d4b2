//! `/api/v1/search`, completions, `q` of the list endpoints, live catch-up of the index from the
//! database, and the moderators' unmet-demand report.

use std::time::Duration;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter};
use socio_api::auth::JwtKeys;
use socio_domain::{
    Coordinates, Slug,
    api::{SearchRequest, SearchResults, SearchSort, ServiceFilter},
    vocabulary::UserRole,
};
use socio_store::{
    Changed,
    entity::{organization, service},
};

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(
    russian_words_find_services_in_any_form,
    abbreviations_and_typos_are_understood,
    facet_counts_match_the_filtered_totals,
    the_list_endpoints_search_with_the_index,
    a_published_change_is_searchable_and_a_withdrawn_service_disappears,
    services_of_an_unpublished_organization_stay_out_of_search,
    unmet_searches_are_counted_for_moderators_only,
    bad_search_parameters_are_named,
    completions_come_as_you_type,
    a_long_query_counts_its_first_different_words_and_names_the_rest,
    copies_in_other_cities_are_one_line_until_a_city_is_chosen,
);

fn slug(raw: &str) -> Option<Slug> {
    Some(Slug::parse(raw).unwrap())
}

async fn search(app: &TestApp, filter: ServiceFilter) -> SearchResults {
    app.client.search(&SearchRequest { filter, ..Default::default() }).await.unwrap()
}

fn q(text: &str) -> ServiceFilter {
    ServiceFilter { q: Some(text.into()), ..Default::default() }
}

/// The services found: each line's, and its copies in other cities (shown once with no city).
fn slugs(results: &SearchResults) -> Vec<&str> {
    results.items.iter().flat_map(|h| std::iter::once(h.service.slug.as_str()).chain(h.copies.iter().map(|c| c.slug.as_str()))).collect()
}

async fn russian_words_find_services_in_any_form(app: TestApp) {
    for query in ["пособие многодетным", "пособия многодетных", "пособиями многодетной семье"]
    {
        let found = search(&app, ServiceFilter { municipality: slug("serov"), ..q(query) }).await;
        assert!(slugs(&found).contains(&"posobiya-mnogodetnym-serov"), "«{query}»: {:?}", slugs(&found));
        assert!(found.items.iter().all(|h| h.service.municipalities.iter().any(|m| m.slug == "serov")));
    }
    let found = search(&app, q("пособия многодетным")).await;
    let first = &found.items[0];
    assert!(first.snippet.iter().any(|p| p.mark), "the snippet marks the matched words: {:?}", first.snippet);
    assert!(!found.situations.is_empty(), "a matching life situation is offered");
}

async fn abbreviations_and_typos_are_understood(app: TestApp) {
    let short = search(&app, ServiceFilter { page: per_page_all(), ..q("ТСР") }).await;
    assert!(slugs(&short).contains(&"prokat-tsr-pervouralsk"), "ТСР finds «технических средств реабилитации»");
    let long = search(&app, ServiceFilter { page: per_page_all(), ..q("технические средства реабилитации") }).await;
    assert!(slugs(&long).contains(&"prokat-tsr-serov"), "the full form finds «ТСР»");
    for typo in ["многодетнным", "многадетным", "многодетнвм", "мнгодетным"] {
        let found = search(&app, ServiceFilter { page: per_page_all(), ..q(typo) }).await;
        assert!(slugs(&found).contains(&"posobiya-mnogodetnym-serov"), "one typo in «{typo}» is forgiven");
    }
    let typo = search(&app, q("многодетнвм")).await;
    assert_eq!(typo.advice.spelling.as_deref(), Some("многодетным"));
    let corrected = search(&app, q("многодетным")).await;
    assert_eq!(slugs(&typo), slugs(&corrected), "a corrected query ranks as its correction");
    assert_eq!(typo.total, corrected.total);

    let layout = search(&app, q("gjcj,bt vyjujltnysv")).await;
    assert_eq!(layout.advice.spelling.as_deref(), Some("пособие многодетным"), "the wrong keyboard layout is read in Russian");
    assert_eq!(slugs(&layout), slugs(&search(&app, q("пособие многодетным")).await));
    let latin = search(&app, q("IT-курсы")).await;
    assert_eq!(latin.advice.spelling, None, "a Latin word the index knows nothing of is left as it is");
}

#[allow(non_snake_case)]
fn per_page_all() -> socio_domain::api::PageRequest {
    socio_domain::api::PageRequest { page: 1, per_page: 100 }
}

async fn facet_counts_match_the_filtered_totals(app: TestApp) {
    let base = ServiceFilter { cost: "free".parse().ok(), ..q("помощь") };
    let results = search(&app, base.clone()).await;
    assert!(results.total > 0);
    for value in results.facets.municipality.iter().take(4) {
        let narrowed = search(&app, ServiceFilter { municipality: slug(&value.value), ..base.clone() }).await;
        assert_eq!(narrowed.total, value.count, "municipality={}", value.value);
    }
    for value in &results.facets.format {
        let narrowed = search(&app, ServiceFilter { format: value.value.parse().ok(), ..base.clone() }).await;
        assert_eq!(narrowed.total, value.count, "format={}", value.value);
    }
    for value in results.facets.category.iter().filter(|v| v.parent.is_none()).take(3) {
        let narrowed = search(&app, ServiceFilter { category: slug(&value.value), ..base.clone() }).await;
        assert_eq!(narrowed.total, value.count, "category={}", value.value);
    }
    let near = app
        .client
        .search(&SearchRequest {
            filter: ServiceFilter { municipality: slug("pervouralsk"), ..base.clone() },
            sort: SearchSort::Distance,
            origin: None,
        })
        .await
        .unwrap();
    let distances: Vec<f64> = near.items.iter().map(|h| h.distance_km.unwrap()).collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "nearest first: {distances:?}");
}

async fn the_list_endpoints_search_with_the_index(app: TestApp) {
    let services = app.client.services(&q("пособиями многодетным")).await.unwrap();
    assert!(services.items.iter().any(|s| s.slug.starts_with("posobiya-mnogodetnym")));
    let organizations =
        app.client.organizations(&socio_domain::api::OrganizationFilter { q: Some("МФЦ".into()), ..Default::default() }).await.unwrap();
    assert!(organizations.total > 0, "МФЦ finds «многофункциональный центр»");
    let situations =
        app.client.situations(&socio_domain::api::SituationFilter { q: Some("инвалидность".into()), ..Default::default() }).await.unwrap();
    assert!(situations.total > 0);
    let everything = app.client.organizations(&Default::default()).await.unwrap().total;
    let stop_words =
        app.client.organizations(&socio_domain::api::OrganizationFilter { q: Some("для, и".into()), ..Default::default() }).await.unwrap();
    assert_eq!(stop_words.total, everything, "a query of stop words filters nothing");
}

/// Waits for the index's catch-up (every 100 ms in tests) to satisfy `done`; fails after 15 s.
async fn eventually(client: &socio_client::Client, filter: ServiceFilter, done: impl Fn(&SearchResults) -> bool) -> SearchResults {
    for _ in 0..150 {
        let found = client.search(&SearchRequest { filter: filter.clone(), ..Default::default() }).await.unwrap();
        if done(&found) {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the index did not catch up with the database");
}

async fn a_published_change_is_searchable_and_a_withdrawn_service_disappears(app: TestApp) {
    assert_eq!(search(&app, q("сурдопереводчик")).await.total, 0);
    let replica = app.spawn_replica().await;
    let row = rename_service(&app, "prokat-tsr-serov", "Сурдопереводчик и прокат ТСР").await;
    let found = eventually(&app.client, q("сурдопереводчика"), |r| r.total == 1).await;
    assert_eq!(slugs(&found), ["prokat-tsr-serov"]);
    let on_replica = eventually(&replica, q("сурдопереводчика"), |r| r.total == 1).await;
    assert_eq!(slugs(&on_replica), ["prokat-tsr-serov"], "every replica catches up from the shared database");

    let mut withdraw = row.into_active_model();
    withdraw.status = Set("archived".into());
    withdraw.updated_at = Set(Utc::now());
    let withdrawn = withdraw.update(app.db()).await.unwrap();
    app.store.log_changes(&[(Changed::Service, withdrawn.id)]).await.unwrap();
    eventually(&app.client, q("сурдопереводчика"), |r| r.total == 0).await;
    eventually(&replica, q("сурдопереводчика"), |r| r.total == 0).await;
    let tsr = search(&app, ServiceFilter { municipality: slug("serov"), ..q("ТСР") }).await;
    assert!(!slugs(&tsr).contains(&"prokat-tsr-serov"), "a withdrawn service is not found by any word");
}

/// Renames a service (the name is what the tests then search for) behind the API's back, and
/// logs the change as a maintenance script would.
async fn rename_service(app: &TestApp, slug: &str, name: &str) -> service::Model {
    let row = service::Entity::find().filter(service::Column::Slug.eq(slug)).one(app.db()).await.unwrap().unwrap();
    let mut edit = row.into_active_model();
    edit.name = Set(name.into());
    edit.updated_at = Set(Utc::now());
    let renamed = edit.update(app.db()).await.unwrap();
    app.store.log_changes(&[(Changed::Service, renamed.id)]).await.unwrap();
    renamed
}

async fn services_of_an_unpublished_organization_stay_out_of_search(app: TestApp) {
    let tsr = service::Entity::find().filter(service::Column::Slug.eq("prokat-tsr-serov")).one(app.db()).await.unwrap().unwrap();
    let owner = organization::Entity::find_by_id(tsr.organization_id).one(app.db()).await.unwrap().unwrap();
    let filter = || ServiceFilter { organization: slug(&owner.slug), ..Default::default() };
    assert!(search(&app, filter()).await.total > 0);
    let mut unpublish = owner.clone().into_active_model();
    unpublish.status = Set("draft".into());
    unpublish.updated_at = Set(Utc::now());
    let draft = unpublish.update(app.db()).await.unwrap();
    app.store.log_changes(&[(Changed::Organization, draft.id)]).await.unwrap();
    eventually(&app.client, q("ТСР"), |r| !slugs(r).contains(&"prokat-tsr-serov")).await;
    let problem = app.get_problem(&format!("/api/v1/search?organization={}", owner.slug), 400).await;
    assert_eq!(problem.errors[0].field, "organization", "an unpublished organization is unknown to search");

    // Long after the organization was withdrawn (its change was applied long ago), one of its
    // services is edited; a public service is edited after it, so once that one is found the
    // catch-up has seen both edits.
    let mut long_ago = draft.into_active_model();
    long_ago.updated_at = Set(Utc::now() - chrono::Duration::hours(1));
    long_ago.update(app.db()).await.unwrap();
    rename_service(&app, "prokat-tsr-serov", "Сурдопереводчик для черновика").await;
    let public = search(&app, q("пособия многодетным")).await;
    let marker = public.items.iter().find(|h| h.service.organization.slug != owner.slug).unwrap();
    rename_service(&app, &marker.service.slug, "Тифлокомментатор").await;
    eventually(&app.client, q("тифлокомментатор"), |r| r.total == 1).await;
    assert_eq!(search(&app, q("сурдопереводчик")).await.total, 0, "a service of an unpublished organization is not found");
    let completions = app.client.complete("сурдоперево", 8).await.unwrap();
    assert!(completions.iter().all(|c| !c.text.contains("черновика")), "nor completed: {completions:?}");
}

async fn unmet_searches_are_counted_for_moderators_only(app: TestApp) {
    let nothing = search(&app, ServiceFilter { municipality: slug("rezh"), ..q("вертолётная экскурсия") }).await;
    assert_eq!(nothing.total, 0);
    assert!(nothing.advice.nearby.is_empty() || nothing.advice.nearby.iter().all(|c| c.count > 0));
    let url = format!("{}/api/v1/backoffice/unmet-searches?days=7", app.address);

    let anonymous = app.http.get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
    let partner = app.token_of(app.create_user(UserRole::Partner, "partner@example.org").await);
    let forbidden = app.http.get(&url).bearer_auth(partner).send().await.unwrap();
    assert_eq!(forbidden.status(), 403);
    let moderator_id = app.create_user(UserRole::Moderator, "moderator@example.org").await;
    let forged = JwtKeys::new(&secrecy::SecretString::from("another-secret-entirely-0123456789".to_owned()));
    let fake = forged.issue(moderator_id, 3600, None).unwrap();
    assert_eq!(app.http.get(&url).bearer_auth(fake).send().await.unwrap().status(), 401);

    let moderator = app.token_of(moderator_id);
    let mut rows = serde_json::Value::Null;
    for _ in 0..100 {
        rows = app.http.get(&url).bearer_auth(&moderator).send().await.unwrap().json().await.unwrap();
        if rows.as_array().is_some_and(|r| !r.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = search(&app, ServiceFilter { municipality: slug("rezh"), ..q("Вертолётная  экскурсия!") }).await;
    let _ = search(&app, ServiceFilter { municipality: slug("rezh"), ..q("вертолётная экскурсия +7 912 345-67-89 ivan@mail.ru") }).await;
    for _ in 0..100 {
        rows = app.http.get(&url).bearer_auth(&moderator).send().await.unwrap().json().await.unwrap();
        if rows[0]["count"] == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(rows[0]["query"], "вертолетная экскурсия", "normalised text: {rows}");
    assert_eq!(rows[0]["municipality"]["slug"], "rezh");
    assert_eq!(rows[0]["count"], 3, "the same search counts each time, contacts and numbers dropped: {rows}");
    assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
    let text = rows.to_string();
    assert!(!text.contains("127.0.0.1") && !text.contains("reqwest"), "nothing about the person is kept");
}

async fn bad_search_parameters_are_named(app: TestApp) {
    let problem = app.get_problem("/api/v1/search?sort=distance", 400).await;
    assert_eq!(problem.errors[0].field, "sort");
    assert_eq!(problem.errors[0].code, "origin_required");
    let problem = app.get_problem("/api/v1/search?lat=56.9", 400).await;
    assert_eq!(problem.errors[0].field, "lon");
    let problem = app.get_problem("/api/v1/search?lat=956&lon=60", 400).await;
    assert_eq!(problem.errors[0].field, "lat");
    let problem = app.get_problem("/api/v1/search?municipality=moskva", 400).await;
    assert_eq!((problem.errors[0].field.as_str(), problem.errors[0].code.as_str()), ("municipality", "unknown_value"));
    let problem = app.get_problem("/api/v1/search?q=пособие&page=999", 400).await;
    assert_eq!(problem.code, "page_out_of_range");
    let problem = app.get_problem("/api/v1/search/complete?limit=500", 400).await;
    assert_eq!(problem.errors[0].field, "limit");
}

async fn completions_come_as_you_type(app: TestApp) {
    let found = app.client.complete("логоп", 8).await.unwrap();
    assert!(!found.is_empty() && found.len() <= 8);
    assert!(found.iter().all(|c| c.text.to_lowercase().contains("логоп")), "{found:?}");
    let situations = app.client.complete("инвалид", 8).await.unwrap();
    assert!(situations.iter().any(|c| c.kind == socio_domain::api::CompletionKind::Situation && c.slug.is_some()), "{situations:?}");
    assert!(app.client.complete("", 8).await.unwrap().is_empty());
}

async fn a_long_query_counts_its_first_different_words_and_names_the_rest(app: TestApp) {
    let one = search(&app, q("логопед")).await;
    let repeated = search(&app, q(&["логопед", "логопеда", "логопеду", "Логопед"].repeat(5).join(" "))).await;
    assert_eq!(slugs(&repeated), slugs(&one), "a word repeated in any form counts once");
    assert!(repeated.advice.ignored_words.is_empty());

    let words = ["пособие", "многодетным", "семьям", "выплата", "детям", "пенсионерам", "инвалидам", "помощь"];
    let capped = search(&app, q(&words.join(" "))).await;
    let extra = ["стоматолог", "сурдопереводчик", "ветеринар", "бассейн", "кружок"];
    let long = format!("{} {}", words.join(" "), extra.join(" "));
    let answer = search(&app, q(&long)).await;
    assert_eq!(answer.advice.ignored_words, extra, "the words past the eighth are named");
    assert_eq!((answer.total, slugs(&answer)), (capped.total, slugs(&capped)), "and not searched");
    assert!(capped.advice.ignored_words.is_empty());
}

/// «Социальный контракт» is offered in all 14 cities: with no city chosen it is one line (the copy
/// nearest to the person, if the search knows where they are) listing the 13 others; the total
/// still counts services, so it equals the facet counts; with a city, that city's copy alone.
async fn copies_in_other_cities_are_one_line_until_a_city_is_chosen(app: TestApp) {
    let contract =
        |found: &SearchResults| found.items.iter().filter(|h| h.service.name == "Социальный контракт").cloned().collect::<Vec<_>>();
    let found = search(&app, ServiceFilter { page: per_page_all(), ..q("социальный контракт") }).await;
    let lines = contract(&found);
    assert_eq!(lines.len(), 1, "{:?}", slugs(&found));
    let mut all: Vec<&str> =
        std::iter::once(lines[0].service.slug.as_str()).chain(lines[0].copies.iter().map(|c| c.slug.as_str())).collect();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 14, "the line and its copies are the 14 cities' services: {all:?}");
    assert!(
        lines[0].copies.iter().all(|c| c.municipalities.len() == 1 && c.municipalities[0].slug != lines[0].service.municipalities[0].slug)
    );
    let services: u64 = found.facets.municipality.iter().map(|m| m.count).max().unwrap_or_default();
    assert!(found.total >= 14 && found.total >= services, "total counts services, not lines: {}", found.total);
    assert!(u64::from(found.pages) <= found.total.div_ceil(u64::from(found.per_page)));

    let serov = Coordinates { lat: 59.60, lon: 60.57 };
    let near =
        app.client.search(&SearchRequest { filter: q("социальный контракт"), origin: Some(serov), ..Default::default() }).await.unwrap();
    let line = contract(&near);
    assert_eq!(line.len(), 1);
    assert_eq!(line[0].service.slug, "socialnyj-kontrakt-serov", "the copy nearest to the person stands for the others");

    let in_revda = search(&app, ServiceFilter { municipality: slug("revda"), ..q("социальный контракт") }).await;
    let line = contract(&in_revda);
    assert_eq!(line.len(), 1);
    assert_eq!(line[0].service.slug, "socialnyj-kontrakt-revda");
    assert!(line[0].copies.is_empty(), "a chosen city shows its own copy only");
}
