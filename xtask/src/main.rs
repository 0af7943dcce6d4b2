//! `cargo xtask <command>`: the project's two README commands and their helpers.
//!
//! Std only, so it compiles in seconds on a fresh machine; everything heavy is delegated to
//! cargo and to the `socio` binary. Missing tools are installed or named with the exact command.

mod bench;
mod hsds_bench;
mod replicas;
mod soak;
mod spa;
mod sphinx;
mod sphinxql;
mod tools;

use std::{env, process::ExitCode};

const HELP: &str = "\
cargo xtask <command>

  run       build the server, create and seed the SQLite database (data/socio.sqlite) and
            serve on http://localhost:8080 (SOCIO_BIND to change)
  test      run every test: formatting, clippy, the SPA build, unit and integration tests on
            SQLite and PostgreSQL, browser tests in headless Chromium, the OpenAPI drift check
  spa       build the SPA into frontend/dist and report its gzip size
  bench     seed 100 000 synthetic services and load-test GET /api/v1/services against a
            fixed-JSON ceiling, and q=помощь against the search benchmark's query; print the
            index's memory by structure (options: --services N, --seconds S, --connections C)
  bench-search seed 100 000 synthetic services into PostgreSQL and load-test GET /api/v1/search
               against the same search done by PostgreSQL full-text search (GIN) and by Sphinx 2.2
               (installed with apt when missing); prints the ratios
               (--reuse: keep the seeded data; --index-only: no baselines, for profiling)
  bench-pages  a service page rendered by the server against its JSON (requests/s), and its
               first contentful paint on slow 3G against the bare SPA shell (10 000 services)
  soak      the release server on PostgreSQL with 100 000 synthetic services: 60 s of mixed
            traffic (memory must not grow), the same while PostgreSQL is stopped and started
            (503s during, only 200s after), a burst of `q=помощь` while /healthz is timed
            (--services N, --seconds S, --connections C, --reuse); restarts the local cluster
  bench-hsds   socio export (ndjson, datapackage) at 10 000 and 100 000 synthetic services with
               time and peak memory, and socio import of the 10 000-service package (dry run and
               real) against seeding the same services (--small N, --large N, --reuse)
  replicas  the production shape without Docker: two `socio serve` replicas over the local
            PostgreSQL (database socio_replicas) sharing limits in the local Redis, behind HAProxy
            with deploy/haproxy.cfg on http://127.0.0.1:8080 (SOCIO_LB_BIND); Ctrl-C stops it
  bench-route  time route computation on the demo situations with 10 000 services (criterion)
  openapi   regenerate openapi/openapi.json from the code
";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(),
        Some("test") => test(),
        Some("bench") => bench::run(&args[1..]),
        Some("spa") => spa::build_spa(),
        Some("bench-search") => bench::run_search(&args[1..]),
        Some("bench-pages") => bench::run_pages(&args[1..]),
        Some("bench-hsds") => hsds_bench::run(&args[1..]),
        Some("soak") => soak::run(&args[1..]),
        Some("replicas") => replicas::run(&args[1..]),
        Some("bench-route") => tools::cargo(&["bench", "-p", "socio-store", "--bench", "route"]),
        Some("openapi") => tools::cargo(&["run", "--quiet", "-p", "socio-api", "--", "openapi"]),
        _ => {
            eprint!("{HELP}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Builds, migrates, seeds and serves on the embedded SQLite database. The server comes first:
/// the API and the server-drawn pages answer while the SPA is built (when its sources changed),
/// and the running server picks the build up when it is complete.
fn run() -> Result<(), String> {
    tools::cargo(&["build", "--release", "-p", "socio-api"])?;
    let socio = tools::target_dir().join("release").join("socio");
    let socio = socio.to_str().ok_or("non-UTF-8 target path")?;
    tools::command(socio, &["migrate"])?;
    tools::command(socio, &["seed"])?;
    let mut server = std::process::Command::new(socio)
        .args(["serve", "--static-dir", "frontend/dist"])
        .spawn()
        .map_err(|e| format!("starting the server: {e}"))?;
    println!("\n  «Социальный кластер»: http://localhost:8080  (API /api/v1, docs /docs)\n");
    if !spa::spa_is_current() {
        // Measured on 2 cores: the bundles alone about 3 minutes, with wasm-bindgen-cli to compile 6.
        let minutes = if spa::spa_tools_present() { 3 } else { 6 };
        if std::path::Path::new("frontend/dist/index.html").exists() {
            println!("  Сайт работает на прежней сборке; новая собирается: ещё около {minutes} минут.\n");
        } else {
            println!("  Сайт работает без интерактивных частей, они собираются: ещё около {minutes} минут.\n");
        }
        match spa::build_spa() {
            Ok(()) => println!("\n  Интерактивные части собраны: сайт работает полностью, перезапуск не нужен.\n"),
            Err(e) => println!("\nxtask: the SPA build failed ({e}); the server keeps serving the API and the pages\n"),
        }
    }
    let status = server.wait().map_err(|e| format!("the server: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("the server ended ({status})")) }
}

/// Every check CI runs.
fn test() -> Result<(), String> {
    tools::cargo(&["fmt", "--all", "--", "--check"]).map_err(|e| format!("{e}\n  fix with: cargo fmt --all"))?;
    tools::cargo(&["clippy", "--workspace", "--exclude", "socio-frontend", "--all-targets", "--quiet", "--", "-D", "warnings"])?;
    tools::ensure_wasm_target()?;
    let wasm = [
        "--quiet",
        "-p",
        "socio-domain",
        "-p",
        "socio-client",
        "-p",
        "socio-views",
        "-p",
        "socio-frontend",
        "--target",
        "wasm32-unknown-unknown",
    ];
    tools::cargo(&[&["clippy"][..], &wasm, &["--", "-D", "warnings"]].concat())?;
    spa::build_spa()?;
    tools::ensure_browser()?;
    tools::ensure_replica_tools()?;
    tools::ensure_axe()?;
    if tools::postgres_reachable() {
        println!("xtask: PostgreSQL is reachable at 127.0.0.1:5432: the suite runs on SQLite and PostgreSQL");
    } else if env::var("CI").is_ok_and(|v| v == "true") {
        return Err("PostgreSQL is required under CI=true but 127.0.0.1:5432 does not answer".into());
    } else {
        println!("xtask: !!! PostgreSQL is not reachable at 127.0.0.1:5432: its tests will be SKIPPED !!!");
        println!("xtask:     start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start");
    }
    tools::validate_compose_file()?;
    if tools::has_nextest() {
        // Doc tests first, so the runner's closing summary is nextest's count of the whole suite.
        tools::cargo(&["test", "--workspace", "--exclude", "socio-frontend", "--doc", "--quiet"])?;
        tools::cargo(&["nextest", "run", "--workspace", "--exclude", "socio-frontend", "--no-fail-fast"])
    } else {
        println!("xtask: cargo-nextest not found, using cargo test (install: cargo install cargo-nextest --locked)");
        tools::cargo(&["test", "--workspace", "--exclude", "socio-frontend", "--no-fail-fast"])
    }
}
