//! The search index against the database: what changes behind the change log's back is
//! repaired by the reconcile, a record that does not parse keeps no other out, and `/readyz`
//! says how far behind the index is.

use std::time::Duration;

use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use socio_domain::api::{PageRequest, SearchRequest, SearchResults, ServiceFilter};
use socio_store::{
    Changed,
    entity::{change_log, location, service, service_location},
};

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(
    edits_and_deletes_behind_the_apps_back_are_repaired_by_the_reconcile,
    a_record_that_does_not_parse_keeps_no_other_out_of_the_index,
    readiness_fails_when_the_index_falls_behind,
    a_new_city_is_searchable_after_the_reconcile_without_a_restart
);

async fn found(client: &socio_client::Client, text: &str) -> SearchResults {
    let filter = ServiceFilter { q: Some(text.into()), page: PageRequest { page: 1, per_page: 100 }, ..Default::default() };
    client.search(&SearchRequest { filter, ..Default::default() }).await.unwrap()
}

fn has(results: &SearchResults, id: i64) -> bool {
    results.items.iter().any(|h| h.service.id == id || h.copies.iter().any(|c| c.id == id))
}

/// Waits (up to 15 s) until `done` holds for a search of `text`.
async fn until(client: &socio_client::Client, text: &str, done: impl Fn(&SearchResults) -> bool) {
    for _ in 0..150 {
        if done(&found(client, text).await) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the index never showed the expected answer to «{text}»");
}

async fn edits_and_deletes_behind_the_apps_back_are_repaired_by_the_reconcile(app: TestApp) {
    let services = service::Entity::find().filter(service::Column::Status.eq("published")).all(app.db()).await.unwrap();
    let (edited, deleted) = (&services[0], &services[1]);
    let link = service_location::Entity::find()
        .filter(service_location::Column::ServiceId.is_not_in([edited.id, deleted.id]))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let moved = location::Entity::find_by_id(link.location_id).one(app.db()).await.unwrap().unwrap();
    assert_eq!(moved.status, "published");
    // A replica that compares itself with the database often, built before the edits.
    let address = app.spawn_replica_with(|s| s.reconcile_every = Duration::from_millis(300)).await;
    let replica = socio_client::Client::with_http(app.http.clone(), address);
    assert!(has(&found(&replica, &deleted.name).await, deleted.id));
    assert_eq!(replica.ready().await.unwrap().index.repaired, 0);

    // No change-log rows: only a comparison with the database can notice these.
    let sql = [
        format!("UPDATE services SET name = 'Пасека для ветеранов' WHERE id = {}", edited.id),
        format!("UPDATE locations SET address = 'улица Незаметная, 7' WHERE id = {}", moved.id),
        format!("DELETE FROM services WHERE id = {}", deleted.id),
    ];
    for statement in &sql {
        app.db().execute_unprepared(statement).await.unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
    until(&replica, "пасека", |r| has(r, edited.id)).await;
    until(&replica, "Незаметная", |r| has(r, link.service_id)).await;
    until(&replica, &deleted.name, |r| !has(r, deleted.id)).await;
    let repaired = replica.ready().await.unwrap().index.repaired;
    assert!(repaired >= 3, "each difference is counted: {repaired}");
    // The first app reconciles every 10 minutes only: it still has the old state, which is
    // what the change log alone would leave.
    assert!(!has(&found(&app.client, "пасека").await, edited.id));
    assert!(has(&found(&app.client, &deleted.name).await, deleted.id));
}

async fn a_record_that_does_not_parse_keeps_no_other_out_of_the_index(app: TestApp) {
    let services = service::Entity::find().filter(service::Column::Status.eq("published")).all(app.db()).await.unwrap();
    let (broken, neighbour) = (&services[0], &services[1]);
    let before = app.client.ready().await.unwrap().index.services;
    app.db().execute_unprepared(&format!("UPDATE services SET cost = 'за бусы' WHERE id = {}", broken.id)).await.unwrap();

    // A replica building its index from scratch starts, without the broken one.
    let fresh = socio_client::Client::with_http(app.http.clone(), app.spawn_replica_with(|_| ()).await);
    assert_eq!(fresh.ready().await.unwrap().index.services, before - 1);
    assert!(has(&found(&fresh, &neighbour.name).await, neighbour.id));
    assert!(!has(&found(&fresh, &broken.name).await, broken.id));

    // A running one is told about it, and about an edit of another service after it: it drops
    // the broken one and goes on to the next change.
    app.store.log_changes(&[(Changed::Service, broken.id)]).await.unwrap();
    app.db().execute_unprepared(&format!("UPDATE services SET name = 'Пасека для ветеранов' WHERE id = {}", neighbour.id)).await.unwrap();
    app.store.log_changes(&[(Changed::Service, neighbour.id)]).await.unwrap();
    until(&app.client, "пасека", |r| has(r, neighbour.id)).await;
    assert!(!has(&found(&app.client, &broken.name).await, broken.id));
    assert_eq!(app.client.ready().await.unwrap().index.services, before - 1);
}

async fn readiness_fails_when_the_index_falls_behind(app: TestApp) {
    let address = app
        .spawn_replica_with(|s| {
            s.search_refresh = Duration::from_secs(3600);
            s.ready_max_lag = Duration::from_secs(1);
        })
        .await;
    let stuck = socio_client::Client::with_http(app.http.clone(), address.clone());
    // Its first round of the change log runs as it starts; let it pass.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let ready = stuck.ready().await.unwrap();
    assert_eq!((ready.status.as_str(), ready.index.behind_seconds), ("ready", 0));
    assert_eq!(ready.index.applied_change, ready.index.last_change);

    let service = service::Entity::find().filter(service::Column::Status.eq("published")).one(app.db()).await.unwrap().unwrap();
    // Logged without the notice PostgreSQL's writers send, so only polling finds it.
    let row = change_log::ActiveModel {
        entity: Set("service".to_owned()),
        entity_id: Set(service.id),
        created_at: Set(chrono::Utc::now()),
        ..Default::default()
    };
    change_log::Entity::insert(row).exec(app.db()).await.unwrap();
    // The first app follows the log every 100 ms here: it catches up and stays ready.
    for _ in 0..150 {
        let index = app.client.ready().await.unwrap().index;
        if index.applied_change == index.last_change {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let index = app.client.ready().await.unwrap().index;
    assert_eq!(index.applied_change, index.last_change, "{index:?}");
    // The replica reads it only once an hour; past the allowed second it is not ready.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let behind = app.http.get(format!("{address}/readyz")).send().await.unwrap();
    assert_eq!(behind.status(), 503);
    assert!(behind.headers().contains_key("retry-after"));
    let problem: socio_domain::api::Problem = behind.json().await.unwrap();
    assert_eq!(problem.code, "index_behind");
    assert!(problem.detail.contains("Поисковый индекс"), "{}", problem.detail);
}

/// PostgreSQL tells every replica of a change at commit: one that polls only once an hour still
/// finds the change at once.
#[tokio::test]
async fn on_postgres_a_change_wakes_every_replica_at_once() {
    let Some(app) = crate::helpers::spawn_app(crate::helpers::Backend::Postgres).await else { return };
    let address = app.spawn_replica_with(|s| s.search_refresh = Duration::from_secs(3600)).await;
    let replica = socio_client::Client::with_http(app.http.clone(), address);
    let service = service::Entity::find().filter(service::Column::Status.eq("published")).one(app.db()).await.unwrap().unwrap();
    assert!(!has(&found(&replica, "пасека").await, service.id));
    app.db()
        .execute_unprepared(&format!("UPDATE services SET name = 'Пасека для ветеранов', updated_at = now() WHERE id = {}", service.id))
        .await
        .unwrap();
    app.store.log_changes(&[(Changed::Service, service.id)]).await.unwrap();
    until(&replica, "пасека", |r| has(r, service.id)).await;
}

async fn a_new_city_is_searchable_after_the_reconcile_without_a_restart(app: TestApp) {
    let address = app.spawn_replica_with(|s| s.reconcile_every = Duration::from_millis(300)).await;
    let problem = app.get_problem("/api/v1/search?municipality=verkhoturye", 400).await;
    assert_eq!(problem.errors[0].field, "municipality", "an unknown city is refused");
    let service = service::Entity::find().filter(service::Column::Status.eq("published")).one(app.db()).await.unwrap().unwrap();
    for statement in [
        "INSERT INTO municipalities (slug, name, lat, lon, position) VALUES ('verkhoturye', 'Верхотурье', 58.86, 60.8, 99)".to_owned(),
        format!(
            "INSERT INTO service_municipalities (service_id, municipality_id) SELECT {}, id FROM municipalities WHERE slug = 'verkhoturye'",
            service.id
        ),
    ] {
        app.db().execute_unprepared(&statement).await.unwrap_or_else(|e| panic!("{statement}: {e}"));
    }
    let mut answer = None;
    for _ in 0..150 {
        let response = app.http.get(format!("{address}/api/v1/search?municipality=verkhoturye")).send().await.unwrap();
        if response.status() == 200 {
            answer = Some(response.json::<SearchResults>().await.unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let answer = answer.expect("the replica never learnt the new city");
    assert!(has(&answer, service.id), "the service linked to it is found there");
    assert!(found(&socio_client::Client::with_http(app.http.clone(), address), "").await.total > 0);
}
