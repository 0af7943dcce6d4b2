//! The production shape, run for real: two `socio serve` processes over one PostgreSQL, sharing
//! their limits in a Redis of the test's own, behind HAProxy with the repository's
//! `deploy/haproxy.cfg`. A replica is killed and started again, and Redis stopped and started,
//! under a steady read load through the balancer, which must not see one failure.

use std::{
    collections::HashMap,
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::json;
use socio_client::Client;
use socio_domain::api::{LocationInput, Problem, SearchRequest, ServiceFilter};

use crate::{
    cabinet::{approve_all, claimant, eventually, search_slugs},
    helpers::{Backend, TEST_JWT_SECRET, spawn_app},
};

/// A program of the shape, stopped (SIGKILL) when dropped.
struct Process {
    child: Child,
}

impl Process {
    fn start(program: &str, args: &[&str], env: &[(&str, String)], log: &Path) -> Self {
        let out = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap_or_else(|e| panic!("{}: {e}", log.display()));
        let child = Command::new(program)
            .args(args)
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {program}: {e}"));
        Self { child }
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Where a program is, on `PATH` or in the usual system folders.
fn program(name: &str) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    path.split(':').chain(["/usr/sbin", "/usr/bin", "/sbin"]).map(|dir| Path::new(dir).join(name)).find(|p| p.is_file())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).unwrap()
}

/// HAProxy and Redis must be here under `CI=true` (the test command installs HAProxy).
fn required(name: &str) -> Option<PathBuf> {
    let found = program(name);
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{name} is required under CI=true (apt-get install -y haproxy redis-server)");
        }
        eprintln!("\n!!! SKIPPED: {name} is not installed; the replicas test did not run (apt-get install -y {name}) !!!\n");
    }
    found
}

/// What the steady load saw: answers by the server that gave them, and every failure.
#[derive(Default)]
struct Tally {
    served_by: HashMap<String, usize>,
    failures: Vec<String>,
}

/// Clients reading through the balancer until `running` turns false.
fn steady_load(
    http: &reqwest::Client,
    balancer: &str,
    running: &Arc<AtomicBool>,
    tally: &Arc<Mutex<Tally>>,
) -> Vec<tokio::task::JoinHandle<()>> {
    let paths = [
        "/api/v1/services?per_page=5",
        "/api/v1/search?q=%D0%B8%D0%BD%D0%B2%D0%B0%D0%BB%D0%B8%D0%B4",
        "/api/v1/municipalities",
        "/services/prokat-tsr-serov",
        "/api/v1/services/prokat-tsr-serov",
    ];
    (0..6)
        .map(|client| {
            let (http, balancer, running, tally) = (http.clone(), balancer.to_owned(), running.clone(), tally.clone());
            tokio::spawn(async move {
                let mut n = client;
                while running.load(Ordering::Relaxed) {
                    let path = paths[n % paths.len()];
                    n += 1;
                    let answer = http.get(format!("{balancer}{path}")).send().await;
                    let mut tally = tally.lock().unwrap();
                    match answer {
                        Ok(response) if response.status() == 200 => {
                            let server = response.headers().get("x-served-by").and_then(|v| v.to_str().ok()).unwrap_or("?").to_owned();
                            *tally.served_by.entry(server).or_default() += 1;
                        }
                        Ok(response) => tally.failures.push(format!(
                            "GET {path}: {} from {:?}",
                            response.status(),
                            response.headers().get("x-served-by")
                        )),
                        Err(e) => tally.failures.push(format!("GET {path}: {e}")),
                    }
                }
            })
        })
        .collect()
}

/// The value of a series without labels in a replica's `/metrics`.
async fn metric(http: &reqwest::Client, replica: &str, name: &str) -> f64 {
    let text = http.get(format!("{replica}/metrics")).send().await.unwrap().text().await.unwrap();
    text.lines().find_map(|l| l.strip_prefix(&format!("{name} "))).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no {name}"))
}

#[tokio::test]
async fn two_replicas_behind_haproxy_share_one_database_and_one_limit_and_survive_a_kill_and_a_redis_outage() {
    let (Some(haproxy), Some(redis_server)) = (required("haproxy"), required("redis-server")) else { return };
    let Some(app) = spawn_app(Backend::Postgres).await else { return };
    let dir = std::env::temp_dir().join(format!("socio-replicas-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (a_port, b_port, lb_port, redis_port) = (free_port(), free_port(), free_port(), free_port());
    let (a, b, balancer) =
        (format!("http://127.0.0.1:{a_port}"), format!("http://127.0.0.1:{b_port}"), format!("http://127.0.0.1:{lb_port}"));
    let start_redis = || {
        let args = ["--port", &redis_port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"].map(str::to_owned);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Process::start(redis_server.to_str().unwrap(), &args, &[], &dir.join("redis.log"))
    };
    let mut redis = start_redis();
    let prefix = format!("socio-replicas-{}", std::process::id());
    let replica = |name: &str, port: u16| {
        let env = [
            ("DATABASE_URL", app.settings.database_url.clone()),
            ("SOCIO_BIND", format!("127.0.0.1:{port}")),
            ("SOCIO_JWT_SECRET", TEST_JWT_SECRET.to_owned()),
            ("SOCIO_REDIS_URL", format!("redis://127.0.0.1:{redis_port}/0")),
            ("SOCIO_REDIS_PREFIX", prefix.clone()),
            ("SOCIO_TRUSTED_PROXIES", "127.0.0.1".to_owned()),
            // The steady load comes from one address; the reports' own limit is what is tested.
            ("SOCIO_RATE_LIMIT_PER_MINUTE", "1000000".to_owned()),
            ("SOCIO_OUTBOX_DIR", dir.join("outbox").display().to_string()),
            ("SOCIO_LOG", "info,sqlx=warn,sea_orm=warn".to_owned()),
            ("SOCIO_LOG_FORMAT", "json".to_owned()),
            ("SOCIO_WORKERS", "2".to_owned()),
        ];
        Process::start(env!("CARGO_BIN_EXE_socio"), &["serve"], &env, &dir.join(format!("{name}.log")))
    };
    let mut replica_a = replica("a", a_port);
    let _replica_b = replica("b", b_port);
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/haproxy.cfg");
    let lb_env = [
        ("SOCIO_LB_BIND", format!("127.0.0.1:{lb_port}")),
        ("SOCIO_REPLICA_A", format!("127.0.0.1:{a_port}")),
        ("SOCIO_REPLICA_B", format!("127.0.0.1:{b_port}")),
    ];
    let _haproxy = Process::start(haproxy.to_str().unwrap(), &["-db", "-f", config.to_str().unwrap()], &lb_env, &dir.join("haproxy.log"));
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().unwrap();

    // Both replicas in service behind the balancer.
    let seen = Arc::new(Mutex::new(std::collections::HashSet::new()));
    eventually("both replicas behind the balancer", async || {
        let response = http.get(format!("{balancer}/readyz")).send().await.ok()?;
        let server = response.headers().get("x-served-by")?.to_str().ok()?.to_owned();
        let mut seen = seen.lock().unwrap();
        (response.status() == 200 && seen.insert(server) && seen.len() == 2).then_some(())
    })
    .await;

    // An edit approved through replica A: replica B serves it and finds it.
    let (via_a, via_b) = (Client::with_http(http.clone(), &a), Client::with_http(http.clone(), &b));
    let moderator_token = app.token_of(app.create_user(socio_domain::vocabulary::UserRole::Moderator, "moderator@example.org").await);
    let service = app.client.service("prokat-tsr-serov").await.unwrap();
    let partner = claimant(&app, &app.client.with_token(&moderator_token), "replicas@example.org", &service.organization.slug).await;
    let address = service.locations[0].id;
    let partner_a = via_a.with_token(&partner.token);
    let current = partner_a.cabinet_location(address).await.unwrap();
    let moved =
        LocationInput { address: "ул. Гагарина, 5, Вертолётная площадка".into(), ..current.record.clone() };
    partner_a.save_location(address, current.version, &moved).await.unwrap();
    approve_all(&via_a.with_token(&moderator_token)).await;
    let approved = Instant::now();
    eventually("the approved edit in replica B's search", async || {
        search_slugs(&via_b, "Вертолётная площадка").await.contains(&service.slug).then_some(())
    })
    .await;
    let found_after = approved.elapsed();
    assert_eq!(via_b.service(&service.slug).await.unwrap().locations[0].address, moved.address);
    eprintln!("replicas: an edit approved through A was found by B's search {} ms later", found_after.as_millis());

    // A problem through the balancer carries the balancer's request id, which a replica logged.
    let response = http.get(format!("{balancer}/api/v1/services?per_page=1000")).send().await.unwrap();
    let id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    let server = response.headers()["x-served-by"].to_str().unwrap().to_owned();
    let problem: Problem = response.json().await.unwrap();
    assert_eq!(problem.request_id.as_deref(), Some(id.as_str()), "the body names the balancer's id");
    assert!(id.contains('_'), "HAProxy's unique id, not one the replica made: {id}");
    let log = dir.join(format!("{server}.log"));
    eventually("the problem's log line", async || {
        let lines = std::fs::read_to_string(&log).unwrap_or_default();
        lines.lines().any(|l| l.contains(&format!("\"request_id\":\"{id}\"")) && l.contains("\"status\":400")).then_some(())
    })
    .await;
    assert_eq!(http.get(format!("{balancer}/metrics")).send().await.unwrap().status(), 404, "metrics are not served through the balancer");

    // 300 reports from one address through the balancer meet one limit, not one per replica.
    let hour = chrono::Timelike::hour(&chrono::Utc::now());
    let mut statuses = HashMap::<u16, usize>::new();
    for i in 0..300 {
        let body = json!({ "subject": "service", "slug": service.slug, "problem": "wrong_phone", "message": format!("Проверка {i}") });
        let status = http.post(format!("{balancer}/api/v1/reports")).json(&body).send().await.unwrap().status().as_u16();
        *statuses.entry(status).or_default() += 1;
    }
    let limit = socio_api::rate_limit::REPORTS_PER_IP.max as usize;
    if chrono::Timelike::hour(&chrono::Utc::now()) == hour {
        assert_eq!(statuses, HashMap::from([(201, limit), (429, 300 - limit)]), "one limit of {limit} for both replicas");
    } else {
        assert!(statuses.get(&201).is_some_and(|n| *n <= 2 * limit), "a new hour's window began mid-way: {statuses:?}");
    }

    // A steady read load; replica A is killed, an edit is approved meanwhile, A comes back.
    let running = Arc::new(AtomicBool::new(true));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let clients = steady_load(&http, &balancer, &running, &tally);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    replica_a.kill();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let partner_b = via_b.with_token(&partner.token);
    let current = partner_b.cabinet_location(address).await.unwrap();
    let moved_again = LocationInput { address: "ул. Гагарина, 5, Лётное поле".into(), ..current.record.clone() };
    partner_b.save_location(address, current.version, &moved_again).await.unwrap();
    approve_all(&via_b.with_token(&moderator_token)).await;
    let before_restart = tally.lock().unwrap().served_by.get("a").copied().unwrap_or_default();
    let _restarted_a = replica("a", a_port);
    eventually("the restarted replica A caught up", async || {
        let filter = ServiceFilter { q: Some("Лётное поле".to_owned()), ..Default::default() };
        let found = via_a.search(&SearchRequest { filter, ..Default::default() }).await.ok()?;
        found.items.iter().any(|hit| hit.service.slug == service.slug).then_some(())
    })
    .await;
    eventually("the restarted replica A taking traffic", async || {
        (tally.lock().unwrap().served_by.get("a").copied().unwrap_or_default() > before_restart + 20).then_some(())
    })
    .await;

    // Redis stopped for a few seconds under the same load: no failure, each replica counts alone
    // meanwhile, and counts in Redis again once it is back.
    let fallback_before = metric(&http, &b, "socio_rate_limit_redis_fallback_total").await;
    redis.kill();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let fallback_during = metric(&http, &b, "socio_rate_limit_redis_fallback_total").await;
    assert!(fallback_during > fallback_before, "B counted alone while Redis was away: {fallback_before} → {fallback_during}");
    assert!(metric(&http, &a, "socio_rate_limit_redis_fallback_total").await > 0.0, "so did A");
    redis = start_redis();
    eventually("shared counting again", async || {
        let first = metric(&http, &b, "socio_rate_limit_redis_fallback_total").await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        (metric(&http, &b, "socio_rate_limit_redis_fallback_total").await == first).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    running.store(false, Ordering::Relaxed);
    for client in clients {
        client.await.unwrap();
    }
    let tally = tally.lock().unwrap();
    let total: usize = tally.served_by.values().sum();
    eprintln!("replicas: {total} reads through the balancer during the kill and the Redis outage: {:?}", tally.served_by);
    assert!(
        tally.failures.is_empty(),
        "{} of {total} reads failed: {:?}",
        tally.failures.len(),
        &tally.failures[..tally.failures.len().min(10)]
    );
    assert!(total > 100, "the load ran: {total}");
    drop(redis);
}
