//! Sphinx 2.2 (Debian's `sphinxsearch`), the search engine a team would run beside PostgreSQL
//! instead of our own index: its configuration in a temporary folder, `indexer` reading the
//! benchmark's services straight from PostgreSQL, and `searchd` answering SphinxQL on loopback.

use std::{
    net::TcpStream,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use crate::{sphinxql::Connection, tools};

pub(crate) const ADDRESS: &str = "127.0.0.1:19306";

/// Installs `sphinxsearch` when `indexer` or `searchd` is missing (as root; otherwise says how).
pub(crate) fn ensure_installed() -> Result<(), String> {
    let present = |tool: &str| Command::new(tool).arg("--help").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    if present("indexer") && present("searchd") {
        return Ok(());
    }
    if !tools::is_root() {
        return Err("Sphinx is not installed: run `sudo apt-get install -y sphinxsearch`, then this again".into());
    }
    println!("installing Sphinx (apt-get install sphinxsearch)…");
    let status = Command::new("apt-get").args(["install", "-y", "-q", "sphinxsearch"]).status().map_err(|e| format!("apt-get: {e}"))?;
    if status.success() { Ok(()) } else { Err("apt-get install sphinxsearch failed".into()) }
}

/// The configuration: one plain index of the published services with the catalogue's filters as
/// multi-value attributes. Formats and costs are words in the database; Sphinx filters on
/// numbers, so each becomes its rank among the distinct values ([`format_number`]).
fn configuration(dir: &Path, database: &str) -> String {
    let dir = dir.display();
    format!(
        "source services
{{
    type = pgsql
    sql_host = 127.0.0.1
    sql_port = 5432
    sql_user = postgres
    sql_pass =
    sql_db = {database}
    sql_query_pre = SET client_encoding TO 'UTF8'
    sql_query = SELECT id, name, summary, description, DENSE_RANK() OVER (ORDER BY cost) AS cost FROM services WHERE status = 'published'
    sql_attr_uint = cost
    sql_attr_multi = uint municipality from query; SELECT service_id, municipality_id FROM service_municipalities
    sql_attr_multi = uint format from query; SELECT service_id, DENSE_RANK() OVER (ORDER BY format) FROM service_formats
    sql_attr_multi = uint category from query; SELECT service_id, category_id FROM service_categories
    sql_attr_multi = uint target_group from query; SELECT service_id, target_group_id FROM service_target_groups
}}

index services
{{
    source = services
    path = {dir}/services
    morphology = stem_ru
    # Latin and Cyrillic letters and digits, lowercased, «ё» as «е» (as the index folds it).
    charset_table = 0..9, A..Z->a..z, _, a..z, U+410..U+42F->U+430..U+44F, U+430..U+44F, U+401->U+435, U+451->U+435
}}

indexer
{{
    mem_limit = 512M
}}

searchd
{{
    listen = {ADDRESS}:mysql41
    log = {dir}/searchd.log
    pid_file = {dir}/searchd.pid
    binlog_path =
    workers = threads
    # The default backlog (5) drops some of the benchmark's 32 connections opened at once.
    listen_backlog = 256
}}
"
    )
}

/// The first line `searchd` prints about itself («Sphinx 2.2.11-id64-release (95ae9a6)»).
pub(crate) fn version() -> String {
    Command::new("searchd")
        .arg("--help")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).lines().next().map(str::to_owned))
        .unwrap_or_else(|| "(version unknown)".into())
}

/// A running `searchd`, stopped when dropped.
pub(crate) struct Searchd(Child);

impl Drop for Searchd {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Indexes `database`'s services into a fresh folder and starts `searchd` on [`ADDRESS`];
/// returns it with how long indexing took.
pub(crate) fn start(database: &str) -> Result<(Searchd, Duration), String> {
    let dir: PathBuf = tools::target_dir().join("bench").join("sphinx");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let config = dir.join("sphinx.conf");
    std::fs::write(&config, configuration(&dir, database)).map_err(|e| format!("{}: {e}", config.display()))?;
    let started = Instant::now();
    let output = Command::new("indexer").arg("--config").arg(&config).arg("--all").output().map_err(|e| format!("indexer: {e}"))?;
    if !output.status.success() {
        return Err(format!("indexer failed:\n{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)));
    }
    let indexed = started.elapsed();
    let searchd = Searchd(
        Command::new("searchd")
            .arg("--config")
            .arg(&config)
            .arg("--nodetach")
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("searchd: {e}"))?,
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while TcpStream::connect(ADDRESS).is_err() {
        if Instant::now() > deadline {
            return Err(format!("searchd did not listen on {ADDRESS}; see {}", dir.join("searchd.log").display()));
        }
        thread::sleep(Duration::from_millis(100));
    }
    Ok((searchd, indexed))
}

/// The number Sphinx knows a format (or cost) by: its rank among the distinct values, as the
/// configuration's `DENSE_RANK()` gives it.
pub(crate) fn format_number(database: &str, format: &str) -> Result<u32, String> {
    let sql = format!(
        "SELECT r FROM (SELECT format, DENSE_RANK() OVER (ORDER BY format) AS r FROM service_formats) f WHERE format = '{format}' LIMIT 1"
    );
    psql_number(database, &sql)
}

pub(crate) fn municipality_number(database: &str, slug: &str) -> Result<u32, String> {
    psql_number(database, &format!("SELECT id FROM municipalities WHERE slug = '{slug}'"))
}

fn psql_number(database: &str, sql: &str) -> Result<u32, String> {
    let output = Command::new("psql")
        .args(["-h", "127.0.0.1", "-U", "postgres", "-d", database, "-Atc", sql])
        .output()
        .map_err(|e| format!("psql: {e}"))?;
    String::from_utf8_lossy(&output.stdout).trim().parse().map_err(|_| format!("psql found no number for {sql}"))
}

/// What one search asks Sphinx, as the other two sides answer it: the top 20 by relevance with
/// both filters, the number found, and (with `facets`) the facets counted as the index counts
/// them (each facet with the other filter only, so that a count is what choosing that value would
/// find), every value of each (a facet lists 20 unless told).
pub(crate) fn search_batch(words: &str, municipality: u32, format: u32, facets: bool) -> String {
    let matching = format!("SELECT id FROM services WHERE MATCH('{words}')");
    if !facets {
        return format!(
            "{matching} AND municipality = {municipality} AND format = {format} ORDER BY WEIGHT() DESC, id ASC LIMIT 20; SHOW META"
        );
    }
    format!(
        "{matching} AND municipality = {municipality} AND format = {format} ORDER BY WEIGHT() DESC, id ASC LIMIT 20 \
         FACET category LIMIT 200 FACET target_group LIMIT 200 FACET cost LIMIT 200; SHOW META; \
         {matching} AND format = {format} LIMIT 1 FACET municipality LIMIT 200; \
         {matching} AND municipality = {municipality} LIMIT 1 FACET format LIMIT 200"
    )
}

/// How many services the batch's main query found (`total_found` of its `SHOW META`).
pub(crate) fn found(connection: &mut Connection, batch: &str) -> Result<String, String> {
    let results = connection.query(batch).map_err(|e| e.to_string())?;
    results
        .iter()
        .flatten()
        .find(|row| row.first().and_then(Option::as_deref) == Some("total_found"))
        .and_then(|row| row.get(1).cloned().flatten())
        .ok_or_else(|| format!("no total_found among Sphinx's answers: {results:?}"))
}
