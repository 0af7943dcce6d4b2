//! `cargo xtask bench-hsds`: the bulk export and import at scale, with the release `socio`.
//!
//! For 10 000 and 100 000 synthetic services (SQLite files under `target/bench/`) it times
//! `socio export` as NDJSON and as the tabular data package and reads each process's peak
//! resident memory from `/proc` while it runs; then it imports the 10 000-service package into
//! a database holding only the reference data, as a dry run and for real. The baselines are
//! measured in the same run: writing the same services with `socio seed --synthetic` (the
//! plain insert path, no checks) for the import, and the 10 000-service export for the
//! 100 000 one (time should grow ten times, memory should not grow: the export streams).

use std::{
    path::{Path, PathBuf},
    process::{Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use crate::tools;

struct Options {
    small: usize,
    large: usize,
    reuse: bool,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut options = Options { small: 10_000, large: 100_000, reuse: false };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"))?.parse::<usize>().map_err(|e| format!("{arg}: {e}"));
        match arg.as_str() {
            "--small" => options.small = value()?,
            "--large" => options.large = value()?,
            "--reuse" => options.reuse = true,
            other => return Err(format!("unknown option {other}; see `cargo xtask`")),
        }
    }
    Ok(options)
}

/// One finished run of `socio`: how long it took, its peak resident memory, and the peak of
/// its own (anonymous) memory, the heap: the resident figure also counts SQLite's page cache
/// and its memory-mapped database file, which grow with the database, not with the work.
struct Measured {
    seconds: f64,
    peak_mb: f64,
    heap_mb: f64,
}

fn kb(status: &str, field: &str) -> Option<u64> {
    status.lines().find_map(|l| l.strip_prefix(field)).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Runs `socio` with `args` on `database`, sampling its `VmHWM` (the kernel's own high-water
/// mark of resident memory) and `RssAnon` every 5 ms until it exits.
fn measured(socio: &Path, database: &Path, args: &[&str]) -> Result<Measured, String> {
    let started = Instant::now();
    let mut child = Command::new(socio)
        .args(args)
        .env("DATABASE_URL", format!("sqlite://{}?mode=rwc", database.display()))
        .env("SOCIO_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("socio {}: {e}", args.join(" ")))?;
    let status_file = format!("/proc/{}/status", child.id());
    let (mut peak_kb, mut heap_kb) = (0u64, 0u64);
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            peak_kb = peak_kb.max(kb(&status, "VmHWM:").unwrap_or(0));
            heap_kb = heap_kb.max(kb(&status, "RssAnon:").unwrap_or(0));
        }
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) if status.success() => break,
            Some(status) => return Err(format!("socio {} failed: {status}", args.join(" "))),
            None => thread::sleep(Duration::from_millis(5)),
        }
    }
    Ok(Measured { seconds: started.elapsed().as_secs_f64(), peak_mb: peak_kb as f64 / 1024.0, heap_mb: heap_kb as f64 / 1024.0 })
}

fn fresh(database: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", database.display()));
    }
}

fn size_mb(dir: &Path) -> f64 {
    let bytes: u64 = std::fs::read_dir(dir).into_iter().flatten().flatten().filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum();
    bytes as f64 / 1_048_576.0
}

fn row(what: &str, services: usize, m: &Measured, extra: &str) {
    println!(
        "| {what:<34} | {services:>7} | {:>7.2} s | {:>9.0} | {:>8.1} MB | {:>8.1} MB | {extra}",
        m.seconds,
        services as f64 / m.seconds,
        m.peak_mb,
        m.heap_mb
    );
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = options(args)?;
    tools::cargo(&["build", "--release", "--quiet", "-p", "socio-api"])?;
    let socio = tools::target_dir().join("release").join("socio");
    let dir = tools::target_dir().join("bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let database = |n: usize| dir.join(format!("hsds-{n}.sqlite"));
    let out = |n: usize, format: &str| -> PathBuf { dir.join(format!("hsds-{n}-{format}")) };

    println!(
        "release socio, SQLite (WAL), one process at a time; peak resident set (VmHWM: with SQLite's cache and mapped file) and peak heap (RssAnon)\n"
    );
    println!("| {:<34} | {:>7} | {:>9} | {:>9} | {:>11} | {:>11} |", "step", "services", "time", "per s", "peak RSS", "peak heap");
    println!("|{}|", "-".repeat(98));
    let mut seeded = Vec::new();
    let mut exports = Vec::new();
    for n in [options.small, options.large] {
        let db = database(n);
        if !options.reuse || !db.exists() {
            fresh(&db);
            let seed = measured(&socio, &db, &["seed", "--synthetic", &n.to_string()])?;
            row("seed --synthetic (baseline)", n, &seed, "");
            seeded.push((n, seed));
        }
        for format in ["ndjson", "datapackage"] {
            let target = out(n, format);
            let _ = std::fs::remove_dir_all(&target);
            let target_text = target.to_str().ok_or("non-UTF-8 target path")?;
            let m = measured(&socio, &db, &["export", "--format", format, target_text])?;
            row(&format!("export --format {format}"), n, &m, &format!("{:.0} MB written", size_mb(&target)));
            exports.push((n, format, m));
        }
    }

    // The import: the small package into a directory that has only the reference data.
    let package = out(options.small, "datapackage");
    let package_text = package.to_str().ok_or("non-UTF-8 target path")?;
    let empty = dir.join("hsds-import.sqlite");
    fresh(&empty);
    measured(&socio, &empty, &["seed", "--reference-only"])?;
    let dry = measured(&socio, &empty, &["import", "--dry-run", package_text])?;
    row("import --dry-run (datapackage)", options.small, &dry, "checked, nothing written");
    let real = measured(&socio, &empty, &["import", package_text])?;
    row("import (datapackage)", options.small, &real, "all in one transaction");
    let again = measured(&socio, &empty, &["import", package_text])?;
    row("import again (nothing changes)", options.small, &again, "");

    println!();
    for format in ["ndjson", "datapackage"] {
        let of = |n: usize| exports.iter().find(|(m, f, _)| *m == n && *f == format).map(|(_, _, m)| m);
        if let (Some(small), Some(large)) = (of(options.small), of(options.large)) {
            println!(
                "export {format}: {}× the services took {:.1}× the time; peak heap {:.1} MB at {} and {:.1} MB at {} ({:+.1} MB); peak RSS {:.0} and {:.0} MB",
                options.large / options.small.max(1),
                large.seconds / small.seconds,
                small.heap_mb,
                options.small,
                large.heap_mb,
                options.large,
                large.heap_mb - small.heap_mb,
                small.peak_mb,
                large.peak_mb
            );
        }
    }
    if let Some((_, seed)) = seeded.iter().find(|(n, _)| *n == options.small) {
        println!(
            "import of {} services: the dry run {:.1}× and the real import {:.1}× the time of seeding them directly ({:.1} s)",
            options.small,
            dry.seconds / seed.seconds,
            real.seconds / seed.seconds,
            seed.seconds
        );
    } else {
        println!("(--reuse kept the seeded databases: no seeding baseline this run)");
    }
    Ok(())
}
