//! `cargo xtask bench`: load-tests the catalogue endpoint on a large synthetic dataset.
//!
//! Seeds N synthetic services (default 100 000), starts the release `socio` server, and for a
//! fixed number of seconds drives C keep-alive connections (default 32) at two URLs in turn:
//! a fixed JSON body of exactly the size of the real answer (the ceiling: HTTP stack, no
//! database, no serialisation) and `GET /api/v1/services` with two filters. It prints requests
//! per second, p50/p99 latency and the ratio to the ceiling, all measured in the same run.
//! The load generator is plain std threads and sockets on the same machine, so both URLs pay
//! the same client cost.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    process::{Child, Command, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    thread,
    time::{Duration, Instant},
};

use crate::{spa, sphinx, sphinxql, tools};

pub(crate) const BIND: &str = "127.0.0.1:18089";
/// The built SPA the benchmark servers serve (their pages are drawn inside its document).
const SPA: &str = "frontend/dist";
/// Where bench-pages serves the same data as the bare SPA shell, for the first-paint baseline.
const SHELL_BIND: &str = "127.0.0.1:18090";
pub(crate) const CATALOGUE: &str = "/api/v1/services?municipality=ekaterinburg&category=social-services";

pub(crate) struct Options {
    pub(crate) services: usize,
    pub(crate) seconds: u64,
    pub(crate) connections: usize,
    pub(crate) postgres: bool,
    pub(crate) reuse: bool,
    /// bench-search only: skip the baseline (for profiling the index; the ratio needs both).
    pub(crate) index_only: bool,
    /// Whether the server answers identical searches from its cache (bench-search turns it off:
    /// it repeats one query, and would measure the cache).
    pub(crate) search_cache: bool,
    /// Whether the server keeps rendered pages (bench-pages turns it off: it measures rendering).
    pub(crate) page_cache: bool,
}

pub(crate) fn options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        services: 100_000,
        seconds: 10,
        connections: 32,
        postgres: false,
        reuse: false,
        index_only: false,
        search_cache: true,
        page_cache: true,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"))?.parse::<u64>().map_err(|e| format!("{arg}: {e}"));
        match arg.as_str() {
            "--services" => options.services = value()? as usize,
            "--seconds" => options.seconds = value()?,
            "--connections" => options.connections = value()? as usize,
            "--postgres" => options.postgres = true,
            "--reuse" => options.reuse = true,
            "--index-only" => options.index_only = true,
            other => return Err(format!("unknown option {other}; see `cargo xtask`")),
        }
    }
    Ok(options)
}

/// Kills the server when the benchmark ends, however it ends.
pub(crate) struct Server(pub(crate) Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut options = options(args)?;
    // The search rows repeat one query: the server's cache of answers would be measured.
    options.search_cache = false;
    let (backend, server) = prepare(&options)?;
    let (status, body) = get_once(CATALOGUE)?;
    if status != 200 {
        return Err(format!("{CATALOGUE} answered {status}: {}", String::from_utf8_lossy(&body)));
    }
    let total = json_total(&body);
    let fixed = format!("/_bench/fixed?bytes={}", body.len());
    let (fixed_status, fixed_body) = get_once(&fixed)?;
    if fixed_status != 200 || fixed_body.len() != body.len() {
        return Err(format!("ceiling body is {} bytes, the catalogue's {}", fixed_body.len(), body.len()));
    }

    println!(
        "\nbench: {} services on {backend}; {} connections; {} s per URL; response {} bytes; the catalogue query matches {total} services\n",
        options.services,
        options.connections,
        options.seconds,
        body.len()
    );
    let [ceiling, catalogue] = load_in_turns([&fixed, CATALOGUE], options.connections, Duration::from_secs(options.seconds))?;
    table(
        &[("fixed JSON of the same size (ceiling)", &ceiling), ("`GET /api/v1/services` municipality + category", &catalogue)],
        "ceiling",
    );
    println!("\nthe catalogue at {:.0} % of the ceiling (target ≥ 30 %)\n", 100.0 * catalogue.rps / ceiling.rps);
    // The worst case of ranking beside the search benchmark's query (see `bench-search`).
    let words = percent_encode(SEARCH_WORDS);
    let search = format!("/api/v1/search?q={words}&municipality={SEARCH_CITY}&format={SEARCH_FORMAT}");
    let common = format!("/api/v1/search?q={}", percent_encode(COMMON_WORD));
    let (_, common_body) = get_once(&common)?;
    let common_row = format!("`GET /api/v1/search?q={COMMON_WORD}`, no filters: {} services", json_total(&common_body));
    // In turns, so that the machine's slow minutes fall on both: the ratio is the target.
    let [benchmark, worst] = load_in_turns([&search, &common], options.connections, Duration::from_secs(options.seconds))?;
    table(&[("`GET /api/v1/search` text + municipality + format + facets", &benchmark), (&common_row, &worst)], "the first row");
    println!("\n«{COMMON_WORD}» costs {:.1}× the benchmark query (target ≤ 3×)", benchmark.rps / worst.rps);
    print_memory(&server)?;
    if catalogue.errors > 0 || ceiling.errors > 0 || benchmark.errors > 0 || worst.errors > 0 {
        return Err("some requests failed".into());
    }
    Ok(())
}

/// `cargo xtask bench-pages`: a service page drawn by the server against the JSON of the same
/// service (requests per second, every page rendered: the page cache is off), and its first
/// contentful paint on an emulated slow 3G against the bare SPA shell that fetches it.
pub fn run_pages(args: &[String]) -> Result<(), String> {
    let mut options = options(args)?;
    if !args.iter().any(|a| a == "--services") {
        options.services = 10_000;
    }
    options.page_cache = false;
    if !std::path::Path::new(SPA).join("index.html").exists() {
        spa::build_spa()?;
    }
    let (backend, _server) = prepare(&options)?;
    let (_, list) = get_once("/api/v1/services?municipality=ekaterinburg&per_page=1")?;
    let list = String::from_utf8_lossy(&list).into_owned();
    let slug = list.split("\"slug\":\"").nth(1).and_then(|s| s.split('"').next()).ok_or("no service to draw")?.to_owned();
    let json = format!("/api/v1/services/{slug}");
    let page = format!("/services/{slug}");
    let (json_status, json_body) = get_once(&json)?;
    let (page_status, page_body) = get_once(&page)?;
    if json_status != 200 || page_status != 200 {
        return Err(format!("{json} answered {json_status}, {page} {page_status}"));
    }
    println!(
        "\nbench-pages: {} services on {backend}; {} connections; {} s per URL; the JSON is {} bytes, the page {} bytes\n",
        options.services,
        options.connections,
        options.seconds,
        json_body.len(),
        page_body.len()
    );
    let json_stats = load(&json, options.connections, Duration::from_secs(options.seconds))?;
    let page_stats = load(&page, options.connections, Duration::from_secs(options.seconds))?;
    table(
        &[
            ("`GET /api/v1/services/{slug}`, JSON (baseline)", &json_stats),
            ("`GET /services/{slug}`, the page rendered on every request", &page_stats),
        ],
        "the JSON",
    );
    println!(
        "\nrendering costs {:.1}× the JSON of the same service (the page cache, on by default, answers repeats without rendering)",
        json_stats.rps / page_stats.rps
    );
    if json_stats.errors > 0 || page_stats.errors > 0 {
        return Err("some requests failed".into());
    }

    let database = if options.postgres {
        "postgres://postgres@127.0.0.1:5432/socio_bench".to_owned()
    } else {
        format!("sqlite://{}?mode=rwc", tools::target_dir().join("bench").join("bench.sqlite").display())
    };
    let _shell = Server(
        Command::new(tools::target_dir().join("release").join("socio"))
            .arg("serve")
            .env("DATABASE_URL", database)
            .env("SOCIO_BIND", SHELL_BIND)
            .env("SOCIO_LOG", "warn")
            .env("SOCIO_JWT_SECRET", "bench-secret-bench-secret-bench-secret")
            .env("SOCIO_STATIC_DIR", SPA)
            .env("SOCIO_SERVER_PAGES", "off")
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("socio serve: {e}"))?,
    );
    let deadline = Instant::now() + Duration::from_secs(180);
    while TcpStream::connect(SHELL_BIND).is_err() {
        if Instant::now() > deadline {
            return Err(format!("the shell server did not start on {SHELL_BIND}"));
        }
        thread::sleep(Duration::from_millis(200));
    }
    println!("\nfirst contentful paint of {page}: slow 3G (2 000 ms, 50 000 B/s each way), CPU 4× slower, a fresh profile each sample\n");
    tools::cargo(&[
        "run",
        "--release",
        "--quiet",
        "-p",
        "socio-e2e",
        "--bin",
        "first_paint",
        "--",
        &format!("drawn by the server=http://{BIND}{page}"),
        &format!("the bare SPA shell=http://{SHELL_BIND}{page}"),
    ])
}

/// The PostgreSQL database of `--postgres` runs.
const DATABASE: &str = "socio_bench";
/// The words, city and format both sides of the search benchmark are asked for.
const SEARCH_WORDS: &str = "поддержка семей";
const SEARCH_CITY: &str = "ekaterinburg";
const SEARCH_FORMAT: &str = "online";
/// A common word with no filters: every service matches, the worst case for ranking and facets.
const COMMON_WORD: &str = "помощь";

/// `cargo xtask bench-search`: `GET /api/v1/search` (in-memory index) against the same search
/// done by PostgreSQL full-text search (`to_tsvector('russian')` with a GIN index), on the same
/// 100 000 synthetic services in PostgreSQL, in one run.
pub fn run_search(args: &[String]) -> Result<(), String> {
    let mut options = options(args)?;
    options.postgres = true;
    options.search_cache = false;
    let (backend, server) = prepare(&options)?;
    let index = "CREATE INDEX IF NOT EXISTS idx_services_fulltext ON services USING GIN (to_tsvector('russian', name || ' ' || summary || ' ' || description)); ANALYZE;";
    let status = Command::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-qc", index])
        .status()
        .map_err(|e| format!("psql: {e}"))?;
    if !status.success() {
        return Err("creating the GIN index failed".into());
    }
    let words = percent_encode(SEARCH_WORDS);
    let search = format!("/api/v1/search?q={words}&municipality={SEARCH_CITY}&format={SEARCH_FORMAT}");
    let baseline = format!("/_bench/pg-search?q={words}&municipality={SEARCH_CITY}&format={SEARCH_FORMAT}");
    let mut totals = Vec::new();
    for path in [&search, &baseline] {
        let (status, body) = get_once(path)?;
        if status != 200 {
            return Err(format!("{path} answered {status}: {}", String::from_utf8_lossy(&body)));
        }
        totals.push((json_total(&body), body.len()));
    }
    println!(
        "\nbench-search: {} services on {backend}; {} connections; {} s per URL; «{SEARCH_WORDS}» in {SEARCH_CITY}, format {SEARCH_FORMAT}, with facets",
        options.services, options.connections, options.seconds
    );
    println!(
        "the index finds {} services ({} bytes), PostgreSQL full-text search {} ({} bytes)\n",
        totals[0].0, totals[0].1, totals[1].0, totals[1].1
    );
    let common = format!("/api/v1/search?q={}", percent_encode(COMMON_WORD));
    let (_, common_body) = get_once(&common)?;
    let common_row = format!("`GET /api/v1/search?q={COMMON_WORD}`, no filters: {} services", json_total(&common_body));
    if options.index_only {
        let index = load(&search, options.connections, Duration::from_secs(options.seconds))?;
        let worst = load(&common, options.connections, Duration::from_secs(options.seconds))?;
        table(&[("`GET /api/v1/search` text + municipality + format + facets", &index), (&common_row, &worst)], "the first row");
        return Ok(());
    }
    let pg = load(&baseline, options.connections, Duration::from_secs(options.seconds))?;
    settle_postgres();
    let index = load(&search, options.connections, Duration::from_secs(options.seconds))?;
    table(
        &[
            ("PostgreSQL `to_tsvector('russian')` + GIN, same query (baseline)", &pg),
            ("`GET /api/v1/search` text + municipality + format + facets", &index),
        ],
        "baseline",
    );
    println!("\nthroughput ratio: {:.1}× (target ≥ 10×); p99 of the index: {:.2} ms (target < 20 ms)", index.rps / pg.rps, index.p99_ms);
    // The peer a team would run: Sphinx, indexing the same services from the same database.
    sphinx::ensure_installed()?;
    let (searchd, indexed) = sphinx::start(DATABASE)?;
    let (city, format) = (sphinx::municipality_number(DATABASE, SEARCH_CITY)?, sphinx::format_number(DATABASE, SEARCH_FORMAT)?);
    let batch = sphinx::search_batch(SEARCH_WORDS, city, format, true);
    let sphinx_found = sphinx::found(&mut sphinxql::Connection::open(sphinx::ADDRESS).map_err(|e| format!("SphinxQL: {e}"))?, &batch)?;
    println!(
        "\n{} indexed the services in {:.1} s; it finds {sphinx_found} services for «{SEARCH_WORDS}» in {SEARCH_CITY}, format {SEARCH_FORMAT} (the index {}: it also matches the names of the services' categories and target groups)\n",
        sphinx::version(),
        indexed.as_secs_f64(),
        totals[0].0
    );
    let sphinx_load = |batch: String| {
        load_with("Sphinx", options.connections, Duration::from_secs(options.seconds), || Sphinx { batch: batch.clone(), connection: None })
    };
    let peer = sphinx_load(batch)?;
    let peer_bare = sphinx_load(sphinx::search_batch(SEARCH_WORDS, city, format, false))?;
    drop(searchd);
    let index_again = load(&search, options.connections, Duration::from_secs(options.seconds))?;
    table(
        &[
            ("Sphinx 2.2 over SphinxQL: top 20 + total + the same facets, no page records or snippets (peer)", &peer),
            ("Sphinx, top 20 + total only (no facets: what they cost it)", &peer_bare),
            ("`GET /api/v1/search` over HTTP, the same query, records and snippets", &index_again),
        ],
        "Sphinx",
    );
    println!(
        "\nthe index against Sphinx: {:.2}× the throughput (target ≥ 2×); p99 of the index {:.2} ms (target < 20 ms)",
        index_again.rps / peer.rps,
        index_again.p99_ms
    );
    // The worst case of the index alone, beside the benchmark's query rather than against it.
    let worst = load(&common, options.connections, Duration::from_secs(options.seconds))?;
    println!();
    table(&[("`GET /api/v1/search` text + municipality + format + facets", &index), (&common_row, &worst)], "the first row");
    if let Some(rss) = resident_mb(server.0.id()) {
        println!("the server holds {rss} MB resident with the index loaded");
    }
    if [&pg, &index, &worst, &peer, &peer_bare, &index_again].iter().any(|s| s.errors > 0) {
        return Err("some requests failed".into());
    }
    Ok(())
}

/// Waits (up to 30 s) until PostgreSQL has finished the baseline's queries still running after
/// its clients stopped, so that they do not share the machine with the index's run.
fn settle_postgres() {
    let busy = "SELECT count(*) FROM pg_stat_activity WHERE datname = 'socio_bench' AND state = 'active' AND pid <> pg_backend_pid()";
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let output = Command::new("psql").args(["-h", "127.0.0.1", "-U", "postgres", "-d", DATABASE, "-Atc", busy]).output();
        if output.is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0") {
            return;
        }
        thread::sleep(Duration::from_millis(200));
    }
}

fn table(rows: &[(&str, &Stats)], reference: &str) {
    println!("| endpoint | requests/s | p50 | p99 | errors | throughput vs {reference} |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let base = rows[0].1.rps;
    for (name, stats) in rows {
        println!(
            "| {name} | {:.0} | {:.2} ms | {:.2} ms | {} | {:.2}× |",
            stats.rps,
            stats.p50_ms,
            stats.p99_ms,
            stats.errors,
            stats.rps / base
        );
    }
}

/// The index's memory by structure (`/_bench/memory`) beside the server's resident memory.
fn print_memory(server: &Server) -> Result<(), String> {
    let (status, body) = get_once("/_bench/memory")?;
    if status != 200 {
        return Err(format!("/_bench/memory answered {status}"));
    }
    let text = String::from_utf8_lossy(&body);
    let rows: Vec<(u64, &str)> = text.lines().filter_map(|l| l.split_once('\t')).filter_map(|(b, s)| Some((b.parse().ok()?, s))).collect();
    let total: u64 = rows.iter().map(|(b, _)| b).sum();
    let mb = |bytes: u64| bytes as f64 / 1_048_576.0;
    println!("\n| the index's memory, by structure | MB | share |\n| --- | ---: | ---: |");
    for (bytes, structure) in &rows {
        println!("| {structure} | {:.1} | {:.0} % |", mb(*bytes), 100.0 * *bytes as f64 / total.max(1) as f64);
    }
    println!("| **counted** | **{:.1}** | 100 % |", mb(total));
    if let Some(rss) = resident_mb(server.0.id()) {
        println!("\nthe server holds {rss} MB resident (the counted structures, the allocator's slack, the HTTP workers and caches)");
    }
    Ok(())
}

/// Resident memory of a process in MB, from /proc (Linux only).
pub(crate) fn resident_mb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: u64 = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb / 1024)
}

fn json_total(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    text.split("\"total\":").nth(1).and_then(|t| t.split([',', '}']).next()).unwrap_or("?").to_owned()
}

pub(crate) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Builds the release server, seeds the synthetic dataset (unless `--reuse`) and starts serving.
pub(crate) fn prepare(options: &Options) -> Result<(&'static str, Server), String> {
    tools::cargo(&["build", "--release", "--quiet", "-p", "socio-api"])?;
    let socio = tools::target_dir().join("release").join("socio");
    let dir = tools::target_dir().join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let database_url = if options.postgres {
        let _ = Command::new("psql")
            .args(["-h", "127.0.0.1", "-U", "postgres", "-qc", "CREATE DATABASE socio_bench"])
            .stderr(Stdio::null())
            .status();
        "postgres://postgres@127.0.0.1:5432/socio_bench".to_owned()
    } else {
        let file = dir.join("bench.sqlite");
        if !options.reuse {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
            }
        }
        format!("sqlite://{}?mode=rwc", file.display())
    };
    let backend = if options.postgres { "PostgreSQL 15" } else { "SQLite (WAL)" };

    if !options.reuse {
        let started = Instant::now();
        let status = Command::new(&socio)
            .args(["seed", "--synthetic", &options.services.to_string()])
            .env("DATABASE_URL", &database_url)
            .env("SOCIO_LOG", "warn")
            .status()
            .map_err(|e| format!("socio seed: {e}"))?;
        if !status.success() {
            return Err("socio seed failed".into());
        }
        println!("seeded {} synthetic services on {backend} in {:.1} s", options.services, started.elapsed().as_secs_f64());
    }

    let mut serve = Command::new(&socio);
    if std::path::Path::new(SPA).join("index.html").exists() {
        serve.env("SOCIO_STATIC_DIR", SPA);
    }
    let server = Server(
        serve
            .arg("serve")
            .env("DATABASE_URL", &database_url)
            .env("SOCIO_BIND", BIND)
            .env("SOCIO_BENCH_ENDPOINTS", "1")
            .env("SOCIO_LOG", "warn")
            .env("SOCIO_JWT_SECRET", "bench-secret-bench-secret-bench-secret")
            // One address sends thousands of requests a second: the per-address limits would
            // answer most of them with 429.
            .env("SOCIO_RATE_LIMITS", "off")
            .env("SOCIO_SEARCH_CACHE", if options.search_cache { "on" } else { "off" })
            .env("SOCIO_PAGE_CACHE", if options.page_cache { "on" } else { "off" })
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("socio serve: {e}"))?,
    );
    println!("rate limits are off for the benchmark (SOCIO_RATE_LIMITS=off)");
    if !options.search_cache {
        println!("the cache of identical searches is off: every search is computed (SOCIO_SEARCH_CACHE=off)");
    }
    // Building the search index takes a while at start: about 20 s per 100 000 services here.
    let started = Instant::now();
    wait_ready(Duration::from_secs(180 + options.services as u64 / 2_000))?;
    println!(
        "the server was ready {:.1} s after it started (the search index is built before it listens)",
        started.elapsed().as_secs_f64()
    );
    Ok((backend, server))
}

pub(crate) fn wait_ready(timeout: Duration) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if get_once("/readyz").is_ok_and(|(status, _)| status == 200) {
            return Ok(());
        }
        thread::sleep(Duration::from_millis(200));
    }
    Err(format!("the server did not get ready on {BIND}"))
}

struct Stats {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: usize,
}

pub(crate) fn get_once(path: &str) -> Result<(u16, Vec<u8>), String> {
    let stream = TcpStream::connect(BIND).map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(stream);
    request(&mut reader, path).map_err(|e| e.to_string())
}

/// One keep-alive request: writes it and reads the whole response.
pub(crate) fn request(reader: &mut BufReader<TcpStream>, path: &str) -> std::io::Result<(u16, Vec<u8>)> {
    write!(reader.get_mut(), "GET {path} HTTP/1.1\r\nHost: {BIND}\r\nAccept: application/json\r\n\r\n")?;
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let status = line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut length = 0;
    loop {
        line.clear();
        if reader.read_line(&mut line)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok((status, body))
}

fn load(path: &str, connections: usize, duration: Duration) -> Result<Stats, String> {
    load_with(path, connections, duration, || Http { path: path.to_owned(), connection: None })
}

/// Loads each path for `duration` in all, in five turns each, one path after the other.
fn load_in_turns<const N: usize>(paths: [&str; N], connections: usize, duration: Duration) -> Result<[Stats; N], String> {
    const TURNS: u32 = 5;
    let callers: Vec<_> = paths.iter().map(|path| move || Http { path: (*path).to_owned(), connection: None }).collect();
    for caller in &callers {
        run_clients(connections, Duration::from_secs(2), caller);
    }
    let mut runs: Vec<(Vec<Duration>, usize, f64)> = vec![(Vec::new(), 0, 0.0); N];
    for _ in 0..TURNS {
        for (caller, run) in callers.iter().zip(&mut runs) {
            let started = Instant::now();
            for (latencies, errors) in run_clients(connections, duration / TURNS, caller) {
                run.0.extend(latencies);
                run.1 += errors;
            }
            run.2 += started.elapsed().as_secs_f64();
        }
    }
    let stats: Vec<Stats> = runs
        .into_iter()
        .zip(paths)
        .map(|((latencies, errors, elapsed), path)| stats_of(path, latencies, errors, elapsed))
        .collect::<Result<_, _>>()?;
    stats.try_into().map_err(|_| "one result per path".to_owned())
}

fn stats_of(what: &str, mut latencies: Vec<Duration>, errors: usize, elapsed: f64) -> Result<Stats, String> {
    if latencies.is_empty() {
        return Err(format!("no request to {what} succeeded"));
    }
    latencies.sort_unstable();
    let percentile = |p: f64| latencies[((latencies.len() as f64 * p) as usize).min(latencies.len() - 1)].as_secs_f64() * 1000.0;
    Ok(Stats { rps: latencies.len() as f64 / elapsed, p50_ms: percentile(0.50), p99_ms: percentile(0.99), errors })
}

/// Drives `connections` callers made by `caller` for `duration` (after 2 s of warm-up: caches,
/// connection pools, the allocator) and measures them; `what` names them in errors.
fn load_with<C: Caller>(what: &str, connections: usize, duration: Duration, caller: impl Fn() -> C) -> Result<Stats, String> {
    run_clients(connections, Duration::from_secs(2), &caller);
    let started = Instant::now();
    let results = run_clients(connections, duration, &caller);
    let elapsed = started.elapsed().as_secs_f64();
    let errors = results.iter().map(|(_, e)| e).sum();
    stats_of(what, results.into_iter().flat_map(|(l, _)| l).collect(), errors, elapsed)
}

/// One load-generating connection: `call` makes one request and says whether it succeeded.
trait Caller: Send + 'static {
    fn call(&mut self) -> bool;
}

/// GET of one path over a keep-alive connection to the server.
struct Http {
    path: String,
    connection: Option<BufReader<TcpStream>>,
}

impl Caller for Http {
    fn call(&mut self) -> bool {
        let Some(reader) = open(&mut self.connection) else {
            thread::sleep(Duration::from_millis(10));
            return false;
        };
        let ok = matches!(request(reader, &self.path), Ok((200, _)));
        if !ok {
            self.connection = None;
        }
        ok
    }
}

/// One SphinxQL batch over a connection to `searchd`.
struct Sphinx {
    batch: String,
    connection: Option<sphinxql::Connection>,
}

impl Caller for Sphinx {
    fn call(&mut self) -> bool {
        if self.connection.is_none() {
            self.connection = sphinxql::Connection::open(sphinx::ADDRESS).ok();
        }
        let Some(connection) = self.connection.as_mut() else {
            thread::sleep(Duration::from_millis(10));
            return false;
        };
        let ok = connection.query(&self.batch).is_ok();
        if !ok {
            self.connection = None;
        }
        ok
    }
}

/// A load client's keep-alive connection, opened (without Nagle's delay) when it has none.
pub(crate) fn open(connection: &mut Option<BufReader<TcpStream>>) -> Option<&mut BufReader<TcpStream>> {
    if connection.is_none() {
        let stream = TcpStream::connect(BIND).ok()?;
        let _ = stream.set_nodelay(true);
        *connection = Some(BufReader::new(stream));
    }
    connection.as_mut()
}

fn run_clients<C: Caller>(connections: usize, duration: Duration, caller: &impl Fn() -> C) -> Vec<(Vec<Duration>, usize)> {
    let stop = Arc::new(AtomicBool::new(false));
    let handles: Vec<_> = (0..connections)
        .map(|_| {
            let stop = Arc::clone(&stop);
            let mut caller = caller();
            thread::spawn(move || {
                let mut latencies = Vec::with_capacity(4096);
                let mut errors = 0;
                while !stop.load(Ordering::Relaxed) {
                    let sent = Instant::now();
                    if caller.call() {
                        latencies.push(sent.elapsed());
                    } else {
                        errors += 1;
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    thread::sleep(duration);
    stop.store(true, Ordering::Relaxed);
    handles.into_iter().map(|h| h.join().unwrap_or_default()).collect()
}
