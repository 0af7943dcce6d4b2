//! Typed configuration: defaults, then an optional TOML file, then environment variables, then
//! command-line flags (applied by the CLI). Secrets are wrapped so they never reach a log line.

use std::{
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::Context;
use secrecy::SecretString;
use serde::Deserialize;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Database URL: `sqlite://data/socio.sqlite?mode=rwc` (default) or `postgres://…`.
    pub database_url: String,
    /// Address to listen on (`SOCIO_BIND`), default `127.0.0.1:8080`.
    pub bind: String,
    /// Secret for signing JWTs (`SOCIO_JWT_SECRET`); generated and kept in the data folder when absent.
    pub jwt_secret: SecretString,
    /// Log filter (`SOCIO_LOG`, `RUST_LOG` syntax).
    pub log: String,
    /// Log as JSON lines (`SOCIO_LOG_FORMAT=json`) instead of human-readable text.
    pub log_json: bool,
    /// Folder with the built SPA to serve at `/` (`SOCIO_STATIC_DIR`), if any.
    pub static_dir: Option<PathBuf>,
    /// HTTP worker threads (`SOCIO_WORKERS`); default: one per core.
    pub workers: usize,
    /// How often the search index catches up with the database (`SOCIO_SEARCH_REFRESH_MS`, default 2000).
    pub search_refresh: std::time::Duration,
    /// Expose `/_bench/fixed` for the benchmark's ceiling (`SOCIO_BENCH_ENDPOINTS=1`).
    pub bench_endpoints: bool,
}

/// The optional file (`SOCIO_CONFIG`, default `socio.toml` when present); every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    bind: Option<String>,
    jwt_secret: Option<String>,
    log: Option<String>,
    log_format: Option<String>,
    static_dir: Option<PathBuf>,
    workers: Option<usize>,
}

/// The embedded default database.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/socio.sqlite?mode=rwc";
/// The default listen address.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// The default log filter: our logs at info, sqlx's per-statement logs off.
pub const DEFAULT_LOG: &str = "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn";

impl Settings {
    /// Loads defaults → file → environment.
    pub fn load() -> anyhow::Result<Self> {
        Self::load_from(|key| std::env::var(key).ok().filter(|v| !v.is_empty()))
    }

    /// Loads with a custom environment (tests).
    pub fn load_from(env: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let file_path =
            env("SOCIO_CONFIG").map(PathBuf::from).or_else(|| Path::new("socio.toml").exists().then(|| PathBuf::from("socio.toml")));
        let file: FileSettings = match &file_path {
            Some(path) => {
                let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
                toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))?
            }
            None => FileSettings::default(),
        };
        let database_url = env("DATABASE_URL").or(file.database_url).unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let jwt_secret = match env("SOCIO_JWT_SECRET").or(file.jwt_secret) {
            Some(secret) => secret,
            None => persisted_secret(&data_dir(&database_url))?,
        };
        let workers = env("SOCIO_WORKERS").map(|w| w.parse()).transpose().context("SOCIO_WORKERS must be a number")?.or(file.workers);
        Ok(Self {
            bind: env("SOCIO_BIND").or(file.bind).unwrap_or_else(|| DEFAULT_BIND.to_owned()),
            jwt_secret: SecretString::from(jwt_secret),
            log: env("SOCIO_LOG").or(file.log).unwrap_or_else(|| DEFAULT_LOG.to_owned()),
            log_json: env("SOCIO_LOG_FORMAT").or(file.log_format).is_some_and(|f| f == "json"),
            static_dir: env("SOCIO_STATIC_DIR").map(PathBuf::from).or(file.static_dir),
            workers: workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from)),
            search_refresh: std::time::Duration::from_millis(
                env("SOCIO_SEARCH_REFRESH_MS")
                    .map(|v| v.parse())
                    .transpose()
                    .context("SOCIO_SEARCH_REFRESH_MS must be a number")?
                    .unwrap_or(2000),
            ),
            bench_endpoints: env("SOCIO_BENCH_ENDPOINTS").is_some_and(|v| v == "1" || v == "true"),
            database_url,
        })
    }
}

/// Where local state lives: the SQLite file's folder, or `./data` for PostgreSQL.
fn data_dir(database_url: &str) -> PathBuf {
    if let Some(path) = database_url.strip_prefix("sqlite://") {
        let file = path.split('?').next().unwrap_or(path);
        if let Some(parent) = Path::new(file).parent().filter(|p| !p.as_os_str().is_empty() && !file.contains(":memory:")) {
            return parent.to_path_buf();
        }
    }
    PathBuf::from("data")
}

/// Reads the JWT secret kept in `dir/jwt-secret`, creating it (mode 0600) on first run.
fn persisted_secret(dir: &Path) -> anyhow::Result<String> {
    let path = dir.join("jwt-secret");
    if let Ok(secret) = fs::read_to_string(&path) {
        let secret = secret.trim().to_owned();
        if secret.len() >= 32 {
            return Ok(secret);
        }
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for the JWT secret: {e}"))?;
    let secret = hex::encode(bytes);
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).with_context(|| format!("writing {}", path.display()))?;
    file.write_all(secret.as_bytes())?;
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn environment_overrides_defaults_and_the_secret_is_persisted() {
        let dir = std::env::temp_dir().join(format!("socio-settings-{}", std::process::id()));
        let url = format!("sqlite://{}/db.sqlite?mode=rwc", dir.display());
        let env: HashMap<&str, String> = [("DATABASE_URL", url.clone()), ("SOCIO_BIND", "0.0.0.0:9000".to_owned())].into();
        let first = Settings::load_from(|k| env.get(k).cloned()).unwrap_or_else(|e| panic!("{e}"));
        let second = Settings::load_from(|k| env.get(k).cloned()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first.bind, "0.0.0.0:9000");
        assert_eq!(first.database_url, url);
        assert_eq!(first.jwt_secret.expose_secret().len(), 64);
        assert_eq!(first.jwt_secret.expose_secret(), second.jwt_secret.expose_secret(), "the generated secret is reused");
        assert!(!format!("{first:?}").contains(first.jwt_secret.expose_secret()), "the secret never prints");
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn defaults_are_the_embedded_sqlite_and_localhost() {
        let env: HashMap<&str, String> = [("SOCIO_JWT_SECRET", "x".repeat(40))].into();
        let settings = Settings::load_from(|k| env.get(k).cloned()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(settings.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(settings.bind, DEFAULT_BIND);
    }
}
