//! When PostgreSQL goes away: 503 with `Retry-After` (never 500) while it is gone, and the same
//! process answering again once it is back; queries bounded by the statement timeout;
//! migrations of replicas that start together taking turns.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use actix_web::ResponseError as _;
use sea_orm::ConnectionTrait;
use tokio::{
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

use crate::helpers::{Backend, drop_postgres, empty_postgres, postgres_server, spawn_app};

/// A TCP link to PostgreSQL that a test can cut (open connections drop, new ones are refused,
/// as when the server is stopped) and restore on the same port.
struct Link {
    port: u16,
    target: String,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Link {
    async fn to(target: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let link = Link { port: listener.local_addr().unwrap().port(), target: target.to_owned(), tasks: Arc::default() };
        link.serve(listener);
        link
    }

    fn serve(&self, listener: TcpListener) {
        let (target, tasks) = (self.target.clone(), self.tasks.clone());
        let accept = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let target = target.clone();
                let forward = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                tasks.lock().unwrap().push(forward);
            }
        });
        self.tasks.lock().unwrap().push(accept);
    }

    fn cut(&self) {
        for task in self.tasks.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    async fn restore(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.serve(listener);
    }
}

/// GETs `path` and returns the status and `Retry-After`.
async fn status_of(http: &reqwest::Client, base: &str, path: &str) -> (u16, Option<String>, String) {
    let response = http.get(format!("{base}{path}")).send().await.unwrap();
    let retry = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
    (response.status().as_u16(), retry, response.text().await.unwrap())
}

#[tokio::test]
async fn a_database_outage_answers_503_and_the_same_process_recovers() {
    let Some(app) = spawn_app(Backend::Postgres).await else { return };
    let server = postgres_server();
    let host_port = server.trim_start_matches("postgres://").rsplit('@').next().unwrap().trim_end_matches('/').to_owned();
    let link = Link::to(&host_port).await;
    let url = format!("{}/{}", server.replace(&host_port, &format!("127.0.0.1:{}", link.port)), app.postgres_name().unwrap());
    let base = app.spawn_replica_with(|s| s.database_url = url.clone()).await;
    let slug = app.get_json("/api/v1/services?per_page=1", 200).await["items"][0]["slug"].as_str().unwrap().to_owned();
    let paths = [format!("/api/v1/services/{slug}"), "/api/v1/municipalities".into(), "/readyz".into()];
    for path in &paths {
        assert_eq!(status_of(&app.http, &base, path).await.0, 200, "{path} before the outage");
    }

    link.cut();
    let answers = futures::future::join_all(paths.iter().map(|p| status_of(&app.http, &base, p))).await;
    for (path, (status, retry, body)) in paths.iter().zip(answers) {
        assert_eq!(status, 503, "{path} while the database is gone: {body}");
        assert!(body.contains("\"unavailable\""), "{path}: {body}");
        assert!(retry.is_some_and(|r| r.parse::<u64>().is_ok_and(|s| (1..=60).contains(&s))), "{path}: Retry-After");
    }
    assert_eq!(status_of(&app.http, &base, "/healthz").await.0, 200, "the process itself is alive");
    for list in
        ["/api/v1/search?q=логопед", "/api/v1/services?municipality=serov", "/api/v1/organizations?per_page=5", "/api/v1/situations"]
    {
        let (status, _, body) = status_of(&app.http, &base, list).await;
        assert_eq!(status, 200, "{list}: the lists answer from memory: {body}");
    }

    link.restore().await;
    for path in &paths {
        let mut status = 0;
        for _ in 0..100 {
            status = status_of(&app.http, &base, path).await.0;
            if status == 200 {
                break;
            }
            assert_eq!(status, 503, "{path} while reconnecting");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(status, 200, "{path} once the database is back, from the same process");
    }
}

#[tokio::test]
async fn statements_are_bounded_by_a_timeout_that_answers_503() {
    let Some(app) = spawn_app(Backend::Postgres).await else { return };
    let shown = app.db().query_one_raw(sea_orm::Statement::from_string(sea_orm::DbBackend::Postgres, "SHOW statement_timeout")).await;
    assert_eq!(shown.unwrap().unwrap().try_get_by_index::<String>(0).unwrap(), "30s");
    let short = format!("{}/{}?options=-c%20statement_timeout%3D100", postgres_server(), app.postgres_name().unwrap());
    let store = socio_store::Store::connect(&short).await.unwrap();
    let error = store.connection().execute_unprepared("SELECT pg_sleep(2)").await.unwrap_err();
    let error = socio_store::StoreError::from(error);
    assert!(error.is_unavailable(), "a statement cut off by the timeout is the database being overloaded: {error}");
    assert_eq!(socio_api::ApiError::from(error).status_code().as_u16(), 503);
}

#[tokio::test]
async fn replicas_starting_together_migrate_in_turn() {
    if !crate::helpers::postgres_available().await {
        return;
    }
    let (url, name) = empty_postgres().await;
    let stores: Vec<socio_store::Store> =
        futures::future::join_all((0..4).map(|_| socio_store::Store::connect(&url))).await.into_iter().map(Result::unwrap).collect();
    let results = futures::future::join_all(stores.iter().map(socio_store::Store::migrate)).await;
    for result in results {
        result.unwrap();
    }
    let applied = stores[0]
        .connection()
        .query_one_raw(sea_orm::Statement::from_string(sea_orm::DbBackend::Postgres, "SELECT count(*) FROM seaql_migrations"))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    assert_eq!(applied as usize, <socio_migrations::Migrator as socio_migrations::MigratorTrait>::migrations().len());
    for store in stores {
        store.close().await.unwrap();
    }
    drop_postgres(&name).await;
}

/// A stop (as on SIGTERM before a deploy) lets a request already begun finish and answers it,
/// and writes the page views counted in memory before the process ends.
#[tokio::test]
async fn a_stop_finishes_the_requests_begun_and_writes_the_views_counted() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let mut settings = app.settings.clone();
    settings.views_flush = Duration::from_secs(3600);
    let server = socio_api::startup::Application::with_store(settings, app.store.clone()).await.unwrap();
    let (base, handle) = (format!("http://127.0.0.1:{}", server.port()), server.handle());
    let running = tokio::spawn(server.run_until_stopped());
    let sum = |sql: &'static str| {
        let db = app.db().clone();
        async move {
            let row = db.query_one_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
            row.try_get_by_index::<i64>(0).unwrap()
        }
    };
    let views_before = sum("SELECT COALESCE(SUM(count), 0) FROM service_views").await;
    let reports_before = sum("SELECT COUNT(*) FROM reports").await;

    // No connection kept alive between requests: only the one begun below is open at the stop.
    let http = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let slug = app.get_json("/api/v1/services?per_page=1", 200).await["items"][0]["slug"].as_str().unwrap().to_owned();
    for _ in 0..3 {
        assert_eq!(status_of(&http, &base, &format!("/api/v1/services/{slug}")).await.0, 200);
    }
    let body =
        serde_json::json!({"subject": "service", "slug": slug, "problem": "wrong_hours", "message": "По субботам закрыто"}).to_string();
    let (head, tail) = body.as_bytes().split_at(body.len() / 2);
    let mut begun = TcpStream::connect(base.trim_start_matches("http://")).await.unwrap();
    let request = format!(
        "POST /api/v1/reports HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    begun.write_all(request.as_bytes()).await.unwrap();
    begun.write_all(head).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;

    let stopping = tokio::spawn(handle.stop(true));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!stopping.is_finished() && !running.is_finished(), "the stop waits for the request begun");
    begun.write_all(tail).await.unwrap();
    let mut answer = String::new();
    begun.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "the request begun before the stop is answered: {answer}");
    stopping.await.unwrap();
    running.await.unwrap().unwrap();
    assert!(TcpStream::connect(base.trim_start_matches("http://")).await.is_err(), "a stopped server accepts nothing");
    assert_eq!(sum("SELECT COUNT(*) FROM reports").await, reports_before + 1, "the report is kept");
    assert_eq!(sum("SELECT COALESCE(SUM(count), 0) FROM service_views").await, views_before + 3, "the views counted are written");
}
