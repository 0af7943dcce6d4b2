//! `cargo xtask soak`: the release server on PostgreSQL with 100 000 synthetic services under
//! mixed traffic, then the same traffic while PostgreSQL is stopped and started again, then a
//! burst of the worst-case search while `/healthz` is timed, once as it comes and once with the
//! server and the load generator on cores of their own; one table at the end.
//!
//! It fails when a 5xx other than the outage's 503s appears, when anything but 200 is answered
//! once the database is back, or when resident memory grows by more than a tenth after warm-up.

use std::{
    collections::BTreeMap,
    io::BufReader,
    net::TcpStream,
    process::Command,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    thread,
    time::{Duration, Instant},
};

use crate::bench::{self, CATALOGUE};

/// Answers of one phase by status, with when they came.
#[derive(Default)]
struct Tally {
    samples: Vec<(Instant, u16, Duration)>,
}

impl Tally {
    fn count(&self, test: impl Fn(u16) -> bool) -> usize {
        self.samples.iter().filter(|(_, s, _)| test(*s)).count()
    }

    fn percentile(&self, p: f64) -> f64 {
        let mut latencies: Vec<Duration> = self.samples.iter().filter(|(_, s, _)| *s == 200).map(|(_, _, l)| *l).collect();
        latencies.sort_unstable();
        latencies
            .get(((latencies.len() as f64 * p) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }
}

/// `connections` clients, each cycling through `paths` from its own offset, for `duration`.
fn drive(paths: &[String], connections: usize, duration: Duration) -> Tally {
    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let handles: Vec<_> = (0..connections)
        .map(|client| {
            let (stop, tally, paths) = (stop.clone(), tally.clone(), paths.to_vec());
            thread::spawn(move || {
                let mut mine = Vec::with_capacity(8192);
                let mut connection: Option<BufReader<TcpStream>> = None;
                let mut i = client;
                while !stop.load(Ordering::Relaxed) {
                    let path = &paths[i % paths.len()];
                    i += 1;
                    let Some(reader) = bench::open(&mut connection) else {
                        mine.push((Instant::now(), 0, Duration::ZERO));
                        thread::sleep(Duration::from_millis(50));
                        continue;
                    };
                    let sent = Instant::now();
                    match bench::request(reader, path) {
                        Ok((status, _)) => mine.push((sent, status, sent.elapsed())),
                        Err(_) => {
                            mine.push((sent, 0, sent.elapsed()));
                            connection = None;
                        }
                    }
                }
                tally.lock().unwrap_or_else(|e| e.into_inner()).samples.extend(mine);
            })
        })
        .collect();
    thread::sleep(duration);
    stop.store(true, Ordering::Relaxed);
    for handle in handles {
        let _ = handle.join();
    }
    Arc::try_unwrap(tally).map(|m| m.into_inner().unwrap_or_else(|e| e.into_inner())).unwrap_or_default()
}

/// The slugs of a list's own items (not of the records nested in them): a service item opens
/// with `{"id":…,"slug":` inside the list (a nested organization follows a `:`), a situation
/// has `"slug":…,"title":`.
fn item_slugs(body: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(body);
    let mut slugs = Vec::new();
    for (at, _) in text.match_indices("{\"id\":") {
        if at > 0
            && matches!(text.as_bytes()[at - 1], b'[' | b',')
            && let Some(rest) = text[at..].split_once("\"slug\":\"").map(|(_, r)| r)
            && let Some(slug) = rest.split('"').next()
        {
            slugs.push(slug.to_owned());
        }
    }
    for rest in text.split("\"slug\":\"").skip(1) {
        if let Some((slug, after)) = rest.split_once('"')
            && after.starts_with(",\"title\":")
        {
            slugs.push(slug.to_owned());
        }
    }
    slugs
}

/// The burst of `worst` from `clients` connections for 14 s, with `/healthz` timed from one more
/// connection for 10 s in its middle.
fn burst_beside_health(worst: &[String], health: &[String], clients: usize) -> (Tally, Tally) {
    let loud = Arc::new(Mutex::new(None));
    let prober = thread::spawn({
        let (loud, health) = (loud.clone(), health.to_vec());
        move || {
            thread::sleep(Duration::from_secs(2));
            *loud.lock().unwrap_or_else(|e| e.into_inner()) = Some(drive(&health, 1, Duration::from_secs(10)));
        }
    });
    let burst = drive(worst, clients, Duration::from_secs(14));
    let _ = prober.join();
    let loud = loud.lock().unwrap_or_else(|e| e.into_inner()).take().unwrap_or_default();
    (burst, loud)
}

/// Every thread of the server on the first core, every thread of this process on the others
/// (`taskset` from util-linux; threads started later inherit it).
fn pin_apart(server: u32) -> Result<(), String> {
    let cores = thread::available_parallelism().map_or(1, usize::from);
    if cores < 2 {
        return Err(format!("{cores} core"));
    }
    let pin = |pid: u32, cpus: &str| -> Result<(), String> {
        let status = Command::new("taskset")
            .args(["-a", "-p", "-c", cpus, &pid.to_string()])
            .stdout(std::process::Stdio::null())
            .status()
            .map_err(|e| format!("taskset: {e}"))?;
        status.success().then_some(()).ok_or_else(|| format!("taskset -c {cpus} {pid} failed"))
    };
    pin(server, "0")?;
    pin(std::process::id(), &format!("1-{}", cores - 1))
}

fn postgres(action: &str) -> Result<(), String> {
    let version = std::fs::read_dir("/etc/postgresql")
        .map_err(|e| format!("/etc/postgresql: {e} (the soak restarts the local PostgreSQL cluster)"))?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .next()
        .ok_or("no PostgreSQL cluster in /etc/postgresql")?;
    let status = Command::new("pg_ctlcluster")
        .args(["--skip-systemctl-redirect", &version, "main", action])
        .status()
        .map_err(|e| format!("pg_ctlcluster: {e}"))?;
    status.success().then_some(()).ok_or(format!("pg_ctlcluster {action} failed"))
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut options = bench::options(args)?;
    options.postgres = true;
    let seconds = if args.iter().any(|a| a == "--seconds") { options.seconds } else { 60 };
    let (backend, server) = bench::prepare(&options)?;
    let pid = server.0.id();

    let (_, services) = bench::get_once("/api/v1/services?municipality=ekaterinburg&per_page=50")?;
    let (_, situations) = bench::get_once("/api/v1/situations?per_page=20")?;
    let mut paths: Vec<String> = vec![
        CATALOGUE.to_owned(),
        "/api/v1/services?municipality=serov&per_page=20".into(),
        format!("/api/v1/search?q={}&municipality=ekaterinburg", bench::percent_encode("логопед для ребенка")),
        format!("/api/v1/search?q={}", bench::percent_encode("пособие многодетным")),
        format!("/api/v1/search/complete?q={}", bench::percent_encode("посо")),
        "/api/v1/organizations?municipality=ekaterinburg".into(),
    ];
    paths.extend(item_slugs(&services).into_iter().step_by(2).take(20).map(|s| format!("/api/v1/services/{s}")));
    for slug in item_slugs(&situations).into_iter().take(5) {
        paths.push(format!("/api/v1/situations/{slug}"));
        paths.push(format!("/api/v1/router/candidates?situation={slug}&municipality=ekaterinburg"));
    }
    for path in &paths {
        let (status, body) = bench::get_once(path)?;
        if status != 200 {
            return Err(format!("{path} answered {status}: {}", String::from_utf8_lossy(&body)));
        }
    }
    println!(
        "\nsoak: {} services on {backend}; {} connections; {} URLs of search, catalogue, service pages, situations and route candidates\n",
        options.services,
        options.connections,
        paths.len()
    );

    // 1. Mixed traffic; memory read after a warm-up and at the end.
    drive(&paths, options.connections, Duration::from_secs(10));
    let warm = bench::resident_mb(pid).unwrap_or(0);
    let mixed = drive(&paths, options.connections, Duration::from_secs(seconds));
    let end = bench::resident_mb(pid).unwrap_or(0);

    // 2. The same traffic while PostgreSQL is stopped for 5 s and started again.
    let outage: Arc<Mutex<Option<(Instant, Instant)>>> = Arc::default();
    let restarter = thread::spawn({
        let outage = outage.clone();
        move || -> Result<(), String> {
            thread::sleep(Duration::from_secs(10));
            let stopped = Instant::now();
            postgres("stop")?;
            thread::sleep(Duration::from_secs(5));
            postgres("start")?;
            // Back when the server says so: its readiness needs the database.
            let deadline = Instant::now() + Duration::from_secs(60);
            while Instant::now() < deadline && !bench::get_once("/readyz").is_ok_and(|(s, _)| s == 200) {
                thread::sleep(Duration::from_millis(100));
            }
            *outage.lock().unwrap_or_else(|e| e.into_inner()) = Some((stopped, Instant::now()));
            Ok(())
        }
    });
    let restart = drive(&paths, options.connections, Duration::from_secs(40));
    restarter.join().map_err(|_| "the restarting thread panicked")??;
    let (down, up) = outage.lock().unwrap_or_else(|e| e.into_inner()).ok_or("the outage was not timed")?;
    // Requests already on their way when readiness came back may still meet the old pool.
    let settled = up + Duration::from_secs(2);
    let during: Vec<u16> = restart.samples.iter().filter(|(at, _, _)| *at >= down && *at < settled).map(|(_, s, _)| *s).collect();
    let after: Vec<u16> = restart.samples.iter().filter(|(at, _, _)| *at >= settled).map(|(_, s, _)| *s).collect();
    let mut during_by_status: BTreeMap<u16, usize> = BTreeMap::new();
    for status in &during {
        *during_by_status.entry(*status).or_default() += 1;
    }

    // 3. The worst-case search from many connections, /healthz timed beside it (and before it).
    let health = vec!["/healthz".to_owned()];
    let quiet = drive(&health, 1, Duration::from_secs(5));
    // A thousand pages of it: more than the cache of identical searches keeps, so each is
    // computed, as a flood of different common-word searches would be.
    let word = bench::percent_encode("помощь");
    let worst: Vec<String> = (1..=10)
        .flat_map(|page| (1..=100).map(move |size| (page, size)))
        .map(|(page, size)| format!("/api/v1/search?q={word}&page={page}&per_page={size}"))
        .collect();
    let burst_clients = (options.connections * 4).max(64);
    let (burst, loud) = burst_beside_health(&worst, &health, burst_clients);
    // 4. The same with the server on one core and this load generator on the other: what
    //    `/healthz` waits for is then the server's own scheduling, not the generator's threads.
    let pinned = match pin_apart(pid) {
        Ok(()) => {
            let alone = drive(&health, 1, Duration::from_secs(5));
            let (burst, loud) = burst_beside_health(&worst, &health, burst_clients);
            Some((alone, burst, loud))
        }
        Err(why) => {
            println!("soak: not measuring with the server pinned apart: {why}");
            None
        }
    };

    let fivexx = |t: &Tally| t.count(|s| s >= 500 || s == 0);
    println!("| phase | requests | 200 | 503 | other 5xx or failed | p50 | p99 |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let row = |name: &str, t: &Tally| {
        println!(
            "| {name} | {} | {} | {} | {} | {:.2} ms | {:.2} ms |",
            t.samples.len(),
            t.count(|s| s == 200),
            t.count(|s| s == 503),
            t.count(|s| (s >= 500 && s != 503) || s == 0),
            t.percentile(0.5),
            t.percentile(0.99)
        );
    };
    row(&format!("mixed traffic, {seconds} s"), &mixed);
    row("the same, PostgreSQL stopped 5 s and started (40 s)", &restart);
    row(&format!("worst-case search `q=помощь`, no filters, 1 000 different pages, {burst_clients} connections"), &burst);
    row("`/healthz` alone (baseline)", &quiet);
    row("`/healthz` during the burst", &loud);
    if let Some((alone, burst, loud)) = &pinned {
        row("server on core 0, load on core 1: `/healthz` alone", alone);
        row(&format!("the same: the burst, {burst_clients} connections"), burst);
        row("the same: `/healthz` during the burst", loud);
    }
    println!(
        "\noutage: {:.1} s from stop to ready; answers meanwhile by status {during_by_status:?} (0 = connection failed); after it: {} answers, {} not 200",
        (up - down).as_secs_f64(),
        after.len(),
        after.iter().filter(|s| **s != 200).count()
    );
    println!(
        "/healthz p99 {:.2} ms during the burst against {:.2} ms alone ({:.1}×)",
        loud.percentile(0.99),
        quiet.percentile(0.99),
        loud.percentile(0.99) / quiet.percentile(0.99).max(0.001)
    );
    if let Some((alone, _, loud)) = &pinned {
        println!(
            "/healthz p99 {:.2} ms during the burst against {:.2} ms alone, the server and the load on cores of their own ({:.1}×)",
            loud.percentile(0.99),
            alone.percentile(0.99),
            loud.percentile(0.99) / alone.percentile(0.99).max(0.001)
        );
    }
    println!(
        "resident memory: {warm} MB after warm-up, {end} MB after {seconds} s of mixed traffic ({:+.1} %)",
        (end as f64 - warm as f64) / (warm.max(1) as f64) * 100.0
    );

    let mut failures = Vec::new();
    if fivexx(&mixed) > 0 {
        failures.push(format!("{} 5xx or failed requests under mixed traffic", fivexx(&mixed)));
    }
    if during.iter().any(|s| *s >= 500 && *s != 503) {
        failures.push("a 5xx other than 503 during the outage".to_owned());
    }
    if after.iter().any(|s| *s != 200) {
        failures.push("answers other than 200 after the database came back".to_owned());
    }
    let pinned_fails =
        pinned.as_ref().is_some_and(|(_, burst, loud)| burst.count(|s| (s >= 500 && s != 503) || s == 0) > 0 || fivexx(loud) > 0);
    if burst.count(|s| (s >= 500 && s != 503) || s == 0) > 0 || fivexx(&loud) > 0 || pinned_fails {
        failures.push("a 5xx other than 503 busy, or a failed /healthz, during the burst".to_owned());
    }
    if end as f64 > warm as f64 * 1.10 {
        failures.push(format!("resident memory grew from {warm} MB to {end} MB"));
    }
    if failures.is_empty() { Ok(()) } else { Err(failures.join("; ")) }
}
