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
    /// Folder with the built SPA to serve at `/` (`SOCIO_STATIC_DIR`), if any. It may appear or
    /// be replaced while the server runs: it is looked at every `build_check`.
    pub static_dir: Option<PathBuf>,
    /// How often a new SPA build is looked for (`SOCIO_BUILD_CHECK_MS`, default 2000).
    pub build_check: std::time::Duration,
    /// HTTP worker threads (`SOCIO_WORKERS`); default: one per core.
    pub workers: usize,
    /// How often the search index catches up with the database (`SOCIO_SEARCH_REFRESH_MS`, default 2000).
    pub search_refresh: std::time::Duration,
    /// How often the search index is compared with the whole database and repaired
    /// (`SOCIO_RECONCILE_MINUTES`, default 10).
    pub reconcile_every: std::time::Duration,
    /// `/readyz` fails when the oldest change the index has not applied is older than this
    /// (`SOCIO_READY_MAX_LAG_S`, default 60).
    pub ready_max_lag: std::time::Duration,
    /// Expose `/_bench/fixed` for the benchmark's ceiling (`SOCIO_BENCH_ENDPOINTS=1`).
    pub bench_endpoints: bool,
    /// Answer identical searches of one index snapshot from a cache (`SOCIO_SEARCH_CACHE=off`
    /// turns it off, so that a benchmark repeating one query measures the index).
    pub search_cache: bool,
    /// Keep rendered public pages until the data changes (`SOCIO_PAGE_CACHE=off` renders every
    /// request, so that a benchmark measures the rendering).
    pub page_cache: bool,
    /// Answer the public addresses with server-rendered pages (`SOCIO_SERVER_PAGES=off` serves
    /// the SPA's bare shell instead, as before: the first-paint benchmark's baseline).
    pub server_pages: bool,
    /// The site's public address, for links in letters (`SOCIO_PUBLIC_URL`, default `http://localhost:8080`).
    pub public_url: String,
    /// Outgoing mail: SMTP when `SOCIO_SMTP_URL` is set (`smtps://user:password@host:465` or
    /// `smtp://host:587?tls=required`), otherwise one `.eml` file per letter in this folder
    /// (`SOCIO_OUTBOX_DIR`, default `<data dir>/outbox`).
    pub mail: MailSettings,
    /// Per-address limits on every API request, stricter ones on sign-in, registration, password
    /// reset and reports, and the proxies trusted to say the client's address.
    pub rate_limits: crate::rate_limit::RateLimits,
    /// Who may scrape `/metrics` besides loopback clients (`SOCIO_METRICS_ALLOW`: addresses
    /// and networks; `SOCIO_METRICS_TOKEN`: a bearer token of at least 16 characters).
    pub metrics: crate::metrics::MetricsAccess,
    /// How often page views are added to the daily counters (`SOCIO_VIEWS_FLUSH_MS`, default 10000).
    pub views_flush: std::time::Duration,
    /// How many days answered reports and unmet searches are kept (`SOCIO_RETENTION_DAYS`,
    /// 30–3650, default 365); a daily purge deletes older ones.
    pub retention_days: u32,
    /// Searches waiting for a core at most (`SOCIO_SEARCH_QUEUE`, default 64); more are answered
    /// 503 with `Retry-After` at once. As many run at once as there are HTTP workers.
    pub search_queue: usize,
    /// Password hashes computed at once at most (`SOCIO_HASH_CONCURRENCY`, default: cores, at most
    /// 4); each takes about 19 MiB, so this bounds the memory a sign-in flood can take.
    pub hash_concurrency: usize,
    /// How long sessions live and how many invitations an organization sends a day.
    pub accounts: AccountPolicy,
    /// On SIGTERM or Ctrl-C, requests already begun get this long to finish
    /// (`SOCIO_SHUTDOWN_TIMEOUT_S`, default 30) before the process exits; new connections are
    /// no longer accepted, and the views counted so far are written last.
    pub shutdown_timeout: std::time::Duration,
}

/// The rules accounts live by.
#[derive(Debug, Clone, Copy)]
pub struct AccountPolicy {
    /// Sessions: a partner's ends 30 days after the sign-in (`SOCIO_PARTNER_SESSION_DAYS`,
    /// 1–365), an operator's after 12 hours (`SOCIO_OPERATOR_SESSION_HOURS`, 1–720), however
    /// often refreshed; a token rotated in the last 30 s may be used once more by another tab.
    pub sessions: socio_store::SessionLifetimes,
    /// Invitations one organization may send a day (`SOCIO_INVITATIONS_PER_DAY`, 1–1000, default 20).
    pub invitations_per_day: u32,
}

impl Default for AccountPolicy {
    fn default() -> Self {
        Self { sessions: socio_store::SessionLifetimes::default(), invitations_per_day: 20 }
    }
}

/// Where letters go.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `SOCIO_SMTP_URL`, when letters are sent over SMTP.
    pub smtp_url: Option<SecretString>,
    /// The folder of the file outbox, when they are not.
    pub outbox_dir: PathBuf,
    /// The sender (`SOCIO_MAIL_FROM`).
    pub from: String,
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
    public_url: Option<String>,
    smtp_url: Option<String>,
    outbox_dir: Option<PathBuf>,
    mail_from: Option<String>,
}

/// The embedded default database.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/socio.sqlite?mode=rwc";
/// The default listen address.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// The default sender of letters.
pub const DEFAULT_MAIL_FROM: &str = "Социальный кластер <noreply@socio.localhost>";
/// Answered reports and unmet searches are kept a year by default.
pub const DEFAULT_RETENTION_DAYS: u32 = 365;

/// The shortest JWT secret accepted: HS256 with fewer than 32 bytes of key is guessable.
pub const MIN_JWT_SECRET: usize = 32;
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
            Some(secret) if secret.len() < MIN_JWT_SECRET => anyhow::bail!(
                "SOCIO_JWT_SECRET is {} bytes long; it must be at least {MIN_JWT_SECRET} (for example: openssl rand -hex 32)",
                secret.len()
            ),
            Some(secret) => secret,
            None => persisted_secret(&data_dir(&database_url))?,
        };
        let number = |key: &str| -> anyhow::Result<Option<u64>> {
            env(key).map(|v| v.parse::<u64>()).transpose().with_context(|| format!("{key} must be a number"))
        };
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let mail = MailSettings {
            smtp_url: env("SOCIO_SMTP_URL").or(file.smtp_url).map(SecretString::from),
            outbox_dir: env("SOCIO_OUTBOX_DIR")
                .map(PathBuf::from)
                .or(file.outbox_dir)
                .unwrap_or_else(|| data_dir(&database_url).join("outbox")),
            from: env("SOCIO_MAIL_FROM").or(file.mail_from).unwrap_or_else(|| DEFAULT_MAIL_FROM.to_owned()),
        };
        let workers = env("SOCIO_WORKERS").map(|w| w.parse()).transpose().context("SOCIO_WORKERS must be a number")?.or(file.workers);
        Ok(Self {
            bind: env("SOCIO_BIND").or(file.bind).unwrap_or_else(|| DEFAULT_BIND.to_owned()),
            jwt_secret: SecretString::from(jwt_secret),
            log: env("SOCIO_LOG").or(file.log).unwrap_or_else(|| DEFAULT_LOG.to_owned()),
            log_json: env("SOCIO_LOG_FORMAT").or(file.log_format).is_some_and(|f| f == "json"),
            static_dir: env("SOCIO_STATIC_DIR").map(PathBuf::from).or(file.static_dir),
            build_check: std::time::Duration::from_millis(number("SOCIO_BUILD_CHECK_MS")?.unwrap_or(2000).clamp(100, 600_000)),
            workers: workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from)),
            search_refresh: std::time::Duration::from_millis(
                env("SOCIO_SEARCH_REFRESH_MS")
                    .map(|v| v.parse())
                    .transpose()
                    .context("SOCIO_SEARCH_REFRESH_MS must be a number")?
                    .unwrap_or(2000),
            ),
            reconcile_every: std::time::Duration::from_secs(60 * number("SOCIO_RECONCILE_MINUTES")?.unwrap_or(10).max(1)),
            ready_max_lag: std::time::Duration::from_secs(number("SOCIO_READY_MAX_LAG_S")?.unwrap_or(60).max(1)),
            bench_endpoints: env("SOCIO_BENCH_ENDPOINTS").is_some_and(|v| v == "1" || v == "true"),
            search_cache: !env("SOCIO_SEARCH_CACHE").is_some_and(|v| v == "off" || v == "0" || v == "false"),
            page_cache: !env("SOCIO_PAGE_CACHE").is_some_and(|v| v == "off" || v == "0" || v == "false"),
            server_pages: !env("SOCIO_SERVER_PAGES").is_some_and(|v| v == "off" || v == "0" || v == "false"),
            public_url: env("SOCIO_PUBLIC_URL")
                .or(file.public_url)
                .unwrap_or_else(|| "http://localhost:8080".to_owned())
                .trim_end_matches('/')
                .to_owned(),
            mail,
            rate_limits: crate::rate_limit::RateLimits {
                enabled: !env("SOCIO_RATE_LIMITS").is_some_and(|v| v == "off" || v == "0" || v == "false"),
                requests_per_minute: match number("SOCIO_RATE_LIMIT_PER_MINUTE")? {
                    None => crate::rate_limit::DEFAULT_REQUESTS_PER_MINUTE,
                    Some(n @ 60..=1_000_000) => n as u32,
                    Some(n) => anyhow::bail!("SOCIO_RATE_LIMIT_PER_MINUTE is {n}; it must be between 60 and 1000000"),
                },
                trusted_proxies: networks(env("SOCIO_TRUSTED_PROXIES"), "SOCIO_TRUSTED_PROXIES")?,
                redis_url: env("SOCIO_REDIS_URL").map(SecretString::from),
                redis_prefix: env("SOCIO_REDIS_PREFIX").unwrap_or_else(|| crate::rate_limit::DEFAULT_REDIS_PREFIX.to_owned()),
            },
            metrics: crate::metrics::MetricsAccess {
                allow: networks(env("SOCIO_METRICS_ALLOW"), "SOCIO_METRICS_ALLOW")?,
                token: match env("SOCIO_METRICS_TOKEN") {
                    Some(token) if token.trim().len() < 16 => anyhow::bail!("SOCIO_METRICS_TOKEN must be at least 16 characters long"),
                    token => token.map(SecretString::from),
                },
            },
            views_flush: std::time::Duration::from_millis(number("SOCIO_VIEWS_FLUSH_MS")?.unwrap_or(10_000)),
            retention_days: match number("SOCIO_RETENTION_DAYS")? {
                None => DEFAULT_RETENTION_DAYS,
                Some(days @ 30..=3650) => days as u32,
                Some(days) => anyhow::bail!("SOCIO_RETENTION_DAYS is {days}; it must be between 30 and 3650"),
            },
            search_queue: number("SOCIO_SEARCH_QUEUE")?.map_or(64, |n| n.clamp(1, 100_000) as usize),
            hash_concurrency: number("SOCIO_HASH_CONCURRENCY")?.map_or(cores.min(4), |n| n.clamp(1, 64) as usize),
            shutdown_timeout: std::time::Duration::from_secs(number("SOCIO_SHUTDOWN_TIMEOUT_S")?.unwrap_or(30).clamp(1, 600)),
            accounts: {
                let defaults = AccountPolicy::default();
                AccountPolicy {
                    sessions: socio_store::SessionLifetimes {
                        partner: number("SOCIO_PARTNER_SESSION_DAYS")?
                            .map_or(defaults.sessions.partner, |d| chrono::Duration::days(d.clamp(1, 365) as i64)),
                        operator: number("SOCIO_OPERATOR_SESSION_HOURS")?
                            .map_or(defaults.sessions.operator, |h| chrono::Duration::hours(h.clamp(1, 720) as i64)),
                        ..defaults.sessions
                    },
                    invitations_per_day: number("SOCIO_INVITATIONS_PER_DAY")?
                        .map_or(defaults.invitations_per_day, |n| n.clamp(1, 1000) as u32),
                }
            },
            database_url,
        })
    }
}

impl Settings {
    /// Settings of an app embedded in a test or a tool: every default, this database and
    /// secret, letters into `outbox`, a quick index refresh, rate limits on.
    pub fn embedded(database_url: String, jwt_secret: SecretString, outbox: PathBuf) -> Self {
        Settings {
            database_url,
            bind: "127.0.0.1:0".to_owned(),
            jwt_secret,
            log: "warn".to_owned(),
            log_json: false,
            static_dir: None,
            build_check: std::time::Duration::from_millis(200),
            workers: 1,
            search_refresh: std::time::Duration::from_millis(100),
            reconcile_every: std::time::Duration::from_secs(600),
            ready_max_lag: std::time::Duration::from_secs(60),
            bench_endpoints: false,
            search_cache: true,
            page_cache: true,
            server_pages: true,
            public_url: "http://localhost:8080".to_owned(),
            mail: MailSettings { smtp_url: None, outbox_dir: outbox, from: DEFAULT_MAIL_FROM.to_owned() },
            rate_limits: crate::rate_limit::RateLimits::default(),
            metrics: crate::metrics::MetricsAccess::default(),
            views_flush: std::time::Duration::from_millis(100),
            retention_days: DEFAULT_RETENTION_DAYS,
            search_queue: 64,
            hash_concurrency: 2,
            shutdown_timeout: std::time::Duration::from_secs(30),
            accounts: AccountPolicy::default(),
        }
    }
}

/// A comma-separated list of addresses and networks from the setting `name`.
fn networks(list: Option<String>, name: &str) -> anyhow::Result<Vec<crate::rate_limit::Network>> {
    list.unwrap_or_default()
        .split(',')
        .filter(|p| !p.trim().is_empty())
        .map(crate::rate_limit::Network::parse)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow::anyhow!("{name}: {e}"))
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

/// Reads the JWT secret kept in `dir/jwt-secret`, creating it on first run: written in full to a
/// private temporary file (mode 0600) and then linked into place, which fails if another process
/// got there first, so two servers starting together end up with the same secret and nobody
/// ever reads half a file. A kept file that others may read is refused.
fn persisted_secret(dir: &Path) -> anyhow::Result<String> {
    let path = dir.join("jwt-secret");
    if let Some(secret) = kept_secret(&path)? {
        return Ok(secret);
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for the JWT secret: {e}"))?;
    let secret = hex::encode(bytes);
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let temporary = dir.join(format!("jwt-secret.{}.tmp", std::process::id()));
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temporary).and_then(|mut file| {
        file.write_all(secret.as_bytes())?;
        file.sync_all()
    });
    let linked = written.and_then(|()| fs::hard_link(&temporary, &path));
    let _ = fs::remove_file(&temporary);
    match linked {
        Ok(()) => Ok(secret),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            kept_secret(&path)?.ok_or_else(|| anyhow::anyhow!("{} exists but holds no usable secret", path.display()))
        }
        Err(e) => Err(e).with_context(|| format!("writing {}", path.display())),
    }
}

/// The secret in `path`, if there is one of at least 32 bytes; an error if others may read it.
fn kept_secret(path: &Path) -> anyhow::Result<Option<String>> {
    let Ok(secret) = fs::read_to_string(path) else { return Ok(None) };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            anyhow::bail!("{} may be read by others (mode {:o}); run `chmod 600 {}`", path.display(), mode & 0o777, path.display());
        }
    }
    let secret = secret.trim().to_owned();
    Ok((secret.len() >= 32).then_some(secret))
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
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let kept = dir.join("jwt-secret");
            assert_eq!(fs::metadata(&kept).unwrap_or_else(|e| panic!("{e}")).permissions().mode() & 0o777, 0o600);
            fs::set_permissions(&kept, fs::Permissions::from_mode(0o644)).unwrap_or_else(|e| panic!("{e}"));
            let refused = Settings::load_from(|k| env.get(k).cloned()).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(refused.contains("chmod 600"), "{refused}");
            fs::set_permissions(&kept, fs::Permissions::from_mode(0o600)).unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(first.jwt_secret.expose_secret(), second.jwt_secret.expose_secret(), "the generated secret is reused");
        assert!(!format!("{first:?}").contains(first.jwt_secret.expose_secret()), "the secret never prints");
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn a_short_jwt_secret_is_refused_at_start() {
        let env: HashMap<&str, String> = [("SOCIO_JWT_SECRET", "short-secret".to_owned())].into();
        let error = Settings::load_from(|k| env.get(k).cloned()).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("at least 32"), "{error}");
    }

    #[test]
    fn defaults_are_the_embedded_sqlite_and_localhost() {
        let env: HashMap<&str, String> = [("SOCIO_JWT_SECRET", "x".repeat(40))].into();
        let settings = Settings::load_from(|k| env.get(k).cloned()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(settings.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(settings.bind, DEFAULT_BIND);
    }
}
