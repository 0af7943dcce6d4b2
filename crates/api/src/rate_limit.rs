//! Limits per client address: every API request counts against a generous per-minute limit
//! that a person browsing never meets, and the writes a stranger can repeat (sign-in,
//! registration, password reset, citizens' reports) against stricter ones, per address and
//! per account; over a limit the answer is 429 with `Retry-After`.
//!
//! Counters are fixed windows. With `SOCIO_REDIS_URL` they are kept in Redis, so N replicas
//! behind a balancer give one limit, not N. When Redis does not answer (within 250 ms) a check is
//! counted in this replica's memory instead, never refused for that reason; the fallback is
//! logged, counted for `/metrics`, and Redis is asked again a second later. Without Redis (one
//! binary on SQLite) the memory is the only counter: behind N replicas a client would get at
//! most N times the limit, which still stops guessing passwords (each guess costs an argon2
//! hash), letter floods and one address taking a replica's capacity. The client's address is the peer's, or, when the peer is a configured trusted proxy, the last
//! address in `X-Forwarded-For` that is not one of those proxies (the ones before it are
//! whatever the client chose to send).

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::Counter, family::Family},
};
use secrecy::{ExposeSecret, SecretString};

use actix_web::{
    Error, HttpRequest,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
};

use crate::ApiError;

/// A limit: `max` requests per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

const fn per_minutes(max: u32, minutes: u64) -> Limit {
    Limit { max, window: Duration::from_secs(minutes * 60) }
}

/// Sign-in attempts for one account.
pub const LOGIN_PER_ACCOUNT: Limit = per_minutes(10, 15);
/// Sign-in attempts from one address.
pub const LOGIN_PER_IP: Limit = per_minutes(30, 15);
/// Registrations from one address.
pub const REGISTER_PER_IP: Limit = per_minutes(10, 60);
/// Reset and confirmation letters for one account.
pub const LETTERS_PER_ACCOUNT: Limit = per_minutes(5, 60);
/// Reset and confirmation letters asked from one address.
pub const LETTERS_PER_IP: Limit = per_minutes(20, 60);
/// Citizens' reports from one address.
pub const REPORTS_PER_IP: Limit = per_minutes(20, 60);

/// The limits' names (a key's first two parts), so each has its series from the start.
pub const LIMIT_NAMES: [&str; 7] = ["api:ip", "login:ip", "login:account", "register:ip", "letters:ip", "letters:account", "reports:ip"];

/// Entries kept before expired windows are swept.
const SWEEP_AT: usize = 50_000;

/// The limit settings.
#[derive(Debug, Clone)]
pub struct RateLimits {
    /// `SOCIO_RATE_LIMITS=off` turns every limit off (benchmarks only).
    pub enabled: bool,
    /// API requests per minute from one address (`SOCIO_RATE_LIMIT_PER_MINUTE`, default 1200).
    pub requests_per_minute: u32,
    /// Proxies whose `X-Forwarded-For` is believed (`SOCIO_TRUSTED_PROXIES`: addresses and
    /// networks, comma-separated, e.g. `127.0.0.1,10.0.0.0/8`; default none).
    pub trusted_proxies: Vec<Network>,
    /// Where the counters are shared between replicas (`SOCIO_REDIS_URL`, e.g.
    /// `redis://127.0.0.1:6379/0`); none: this replica's memory.
    pub redis_url: Option<SecretString>,
    /// What every key in Redis starts with (`SOCIO_REDIS_PREFIX`, default `socio`): one Redis
    /// may serve several deployments.
    pub redis_prefix: String,
}

impl RateLimits {
    /// Is `ip` one of the proxies whose forwarded headers are believed?
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|n| n.contains(ip))
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            enabled: true,
            requests_per_minute: DEFAULT_REQUESTS_PER_MINUTE,
            trusted_proxies: Vec::new(),
            redis_url: None,
            redis_prefix: DEFAULT_REDIS_PREFIX.to_owned(),
        }
    }
}

/// The prefix of the counters' keys in Redis unless configured.
pub const DEFAULT_REDIS_PREFIX: &str = "socio";

/// API requests per minute from one address unless configured: searching as one types, with
/// its completions and counts, stays far below it, even for a few people behind one address.
pub const DEFAULT_REQUESTS_PER_MINUTE: u32 = 1200;

/// An address or a network (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    address: IpAddr,
    prefix: u8,
}

impl Network {
    /// Parses `address` or `address/prefix`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let (address, prefix) = raw.split_once('/').map_or((raw, None), |(a, p)| (a, Some(p)));
        let address: IpAddr = address.parse().map_err(|_| format!("«{raw}» is not an IP address or network"))?;
        let max = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(|| format!("«{raw}»: the prefix must be 0–{max}"))?,
        };
        Ok(Self { address, prefix })
    }

    /// Whether `ip` is in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let bits = |ip: IpAddr| match ip {
            IpAddr::V4(v4) => (u128::from(u32::from(v4)) << 96, 32),
            IpAddr::V6(v6) => (u128::from(v6), 128),
        };
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
            v4 => v4,
        };
        let ((net, width), (candidate, candidate_width)) = (bits(self.address), bits(ip));
        if width != candidate_width {
            return false;
        }
        let mask = if self.prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(self.prefix)) };
        net & mask == candidate & mask
    }
}

/// A limit's name as a metric's label: the key's first two parts (`login:ip`), a short list.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct LimitLabel {
    pub limit: String,
}

/// The counters: in Redis when configured, else (and while Redis is away) in this replica.
pub struct RateLimiter {
    settings: RateLimits,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
    shared: Option<SharedCounters>,
    /// Requests refused, by limit (for `/metrics`).
    pub refused: Family<LimitLabel, Counter>,
    /// Checks counted here because Redis did not answer (for `/metrics`).
    pub redis_fallback: Counter,
}

/// The counters in Redis, and when to ask Redis again after it failed.
struct SharedCounters {
    redis: redis::aio::ConnectionManager,
    prefix: String,
    started: Instant,
    /// Milliseconds after `started` before which Redis is not asked (it failed just now).
    resting_until_ms: AtomicU64,
}

/// How long a check waits for Redis before it counts here instead.
const REDIS_TIMEOUT: Duration = Duration::from_millis(250);
/// How long Redis is left alone after it failed to answer.
const REDIS_REST: Duration = Duration::from_secs(1);

impl RateLimiter {
    /// The limiter of these settings. With a Redis URL it connects lazily (Redis may be away at
    /// start); the URL itself must parse. Call within the Tokio runtime.
    pub fn new(settings: RateLimits) -> anyhow::Result<Self> {
        let shared = match &settings.redis_url {
            None => None,
            Some(url) => {
                let client = redis::Client::open(url.expose_secret())
                    .map_err(|e| anyhow::anyhow!("SOCIO_REDIS_URL does not parse: {:?}", e.kind()))?;
                let config = redis::aio::ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(REDIS_TIMEOUT))
                    .set_response_timeout(Some(REDIS_TIMEOUT))
                    .set_number_of_retries(1)
                    .set_min_delay(Duration::from_millis(50))
                    .set_max_delay(Duration::from_millis(500));
                let redis = redis::aio::ConnectionManager::new_lazy_with_config(client, config)?;
                Some(SharedCounters {
                    redis,
                    prefix: settings.redis_prefix.clone(),
                    started: Instant::now(),
                    resting_until_ms: AtomicU64::new(0),
                })
            }
        };
        Ok(Self { settings, windows: Mutex::new(HashMap::new()), shared, refused: Family::default(), redis_fallback: Counter::default() })
    }

    /// The middleware that counts every API request against the per-address limit:
    /// `wrap(from_fn(move |req, next| limiter.clone().limit_requests(req, next)))`.
    pub async fn limit_requests(
        self: std::sync::Arc<Self>,
        req: ServiceRequest,
        next: Next<impl MessageBody + 'static>,
    ) -> Result<ServiceResponse<impl MessageBody>, Error> {
        if self.settings.enabled {
            let key = format!("api:ip:{}", self.client_ip(req.request()));
            if let Err(refused) = self.check(&key, Limit { max: self.settings.requests_per_minute, window: Duration::from_secs(60) }).await
            {
                return Ok(req.error_response(refused).map_into_right_body());
            }
        }
        Ok(next.call(req).await?.map_into_left_body())
    }

    /// The client's address: the peer, or what a trusted proxy says the client was.
    pub fn client_ip(&self, req: &HttpRequest) -> String {
        let Some(peer) = req.peer_addr().map(|a| a.ip()) else { return "unknown".to_owned() };
        let trusted = |ip: IpAddr| self.settings.trusts(ip);
        if !trusted(peer) {
            return peer.to_string();
        }
        let forwarded = req.headers().get_all("x-forwarded-for").filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
        // From the nearest hop back: the first address no trusted proxy claims is the client's.
        let mut client = peer;
        for hop in forwarded.rsplit(',').map(str::trim).filter(|h| !h.is_empty()) {
            match hop.parse::<IpAddr>() {
                Ok(ip) if trusted(ip) => client = ip,
                Ok(ip) => return ip.to_string(),
                Err(_) => break,
            }
        }
        client.to_string()
    }

    /// Counts one request under `key`; 429 once `limit` is reached in the current window.
    pub async fn check(&self, key: &str, limit: Limit) -> Result<(), ApiError> {
        if !self.settings.enabled {
            return Ok(());
        }
        let counted = match &self.shared {
            Some(shared) => match shared.count(key, limit).await {
                Some(counted) => counted,
                None => {
                    self.redis_fallback.inc();
                    self.count_here(key, limit)
                }
            },
            None => self.count_here(key, limit),
        };
        if counted.is_err() {
            let name = key.splitn(3, ':').take(2).collect::<Vec<_>>().join(":");
            self.refused.get_or_create(&LimitLabel { limit: name }).inc();
        }
        counted
    }

    /// Counts in this replica's memory.
    fn count_here(&self, key: &str, limit: Limit) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > SWEEP_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < limit.window.max(Duration::from_secs(3600)));
        }
        let (start, count) = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(*start) >= limit.window {
            *start = now;
            *count = 0;
        }
        if *count >= limit.max {
            let retry_after = limit.window.saturating_sub(now.duration_since(*start)).as_secs().max(1);
            return Err(ApiError::TooManyRequests { retry_after });
        }
        *count += 1;
        Ok(())
    }
}

impl SharedCounters {
    /// Counts in Redis: the window is the same for every replica (aligned to the clock), its key
    /// expires with it. `None` when Redis does not answer in time, or failed a moment ago.
    async fn count(&self, key: &str, limit: Limit) -> Option<Result<(), ApiError>> {
        let elapsed_ms = self.started.elapsed().as_millis() as u64;
        if elapsed_ms < self.resting_until_ms.load(Ordering::Relaxed) {
            return None;
        }
        let window = limit.window.as_secs().max(1);
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let slot = now / window;
        let redis_key = format!("{}:rl:{key}:{slot}", self.prefix);
        let mut redis = self.redis.clone();
        let mut pipe = redis::pipe();
        pipe.atomic().cmd("SET").arg(&redis_key).arg(0).arg("EX").arg(window + 1).arg("NX").ignore().cmd("INCR").arg(&redis_key);
        match tokio::time::timeout(REDIS_TIMEOUT, pipe.query_async::<(u64,)>(&mut redis)).await {
            Ok(Ok((count,))) => {
                if self.resting_until_ms.swap(0, Ordering::Relaxed) != 0 {
                    tracing::info!("rate limits: Redis answers again; counting shared");
                }
                Some(if count > u64::from(limit.max) {
                    Err(ApiError::TooManyRequests { retry_after: ((slot + 1) * window).saturating_sub(now).max(1) })
                } else {
                    Ok(())
                })
            }
            failed => {
                let reason = match failed {
                    Ok(Err(error)) => error.to_string(),
                    _ => format!("no answer in {} ms", REDIS_TIMEOUT.as_millis()),
                };
                let until = self.started.elapsed() + REDIS_REST;
                if self.resting_until_ms.swap(until.as_millis() as u64, Ordering::Relaxed) == 0 {
                    tracing::warn!(%reason, "rate limits: Redis does not answer; counting in this replica until it does");
                }
                None
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_limit_is_counted_per_key_and_says_when_to_retry() {
        let limiter = RateLimiter::new(RateLimits::default()).unwrap();
        let limit = Limit { max: 2, window: Duration::from_secs(60) };
        assert!(limiter.check("a:ip:1", limit).await.is_ok());
        assert!(limiter.check("a:ip:1", limit).await.is_ok());
        assert!(
            matches!(limiter.check("a:ip:1", limit).await, Err(ApiError::TooManyRequests { retry_after }) if (1..=60).contains(&retry_after))
        );
        assert!(limiter.check("a:ip:2", limit).await.is_ok(), "another key has its own count");
        assert_eq!(limiter.refused.get_or_create(&LimitLabel { limit: "a:ip".to_owned() }).get(), 1, "counted by limit");
        let off = RateLimiter::new(RateLimits { enabled: false, ..RateLimits::default() }).unwrap();
        assert!(off.check("a", Limit { max: 0, window: Duration::from_secs(60) }).await.is_ok());
    }

    #[test]
    fn networks_contain_their_addresses_only() {
        let net = Network::parse("10.0.0.0/8").unwrap();
        assert!(net.contains("10.20.30.40".parse().unwrap()));
        assert!(!net.contains("11.0.0.1".parse().unwrap()));
        assert!(net.contains("::ffff:10.1.1.1".parse().unwrap()), "IPv4-mapped IPv6 is the same address");
        let one = Network::parse("127.0.0.1").unwrap();
        assert!(one.contains("127.0.0.1".parse().unwrap()) && !one.contains("127.0.0.2".parse().unwrap()));
        assert!(Network::parse("fd00::/8").unwrap().contains("fd12::1".parse().unwrap()));
        assert!(Network::parse("0.0.0.0/0").unwrap().contains("8.8.8.8".parse().unwrap()));
        for bad in ["10.0.0.0/33", "example.org", "10.0.0.0/x", ""] {
            assert!(Network::parse(bad).is_err(), "{bad}");
        }
    }

    fn request(peer: &str, forwarded: Option<&str>) -> HttpRequest {
        let mut test = actix_web::test::TestRequest::default().peer_addr(format!("{peer}:4000").parse().unwrap());
        if let Some(value) = forwarded {
            test = test.insert_header(("x-forwarded-for", value));
        }
        test.to_http_request()
    }

    #[tokio::test]
    async fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let behind =
            RateLimiter::new(RateLimits { trusted_proxies: vec![Network::parse("10.0.0.0/8").unwrap()], ..RateLimits::default() }).unwrap();
        assert_eq!(behind.client_ip(&request("10.0.0.5", Some("203.0.113.7"))), "203.0.113.7");
        assert_eq!(
            behind.client_ip(&request("10.0.0.5", Some("1.1.1.1, 203.0.113.7, 10.0.0.9"))),
            "203.0.113.7",
            "spoofed hops before the client are ignored"
        );
        assert_eq!(behind.client_ip(&request("10.0.0.5", None)), "10.0.0.5");
        assert_eq!(
            behind.client_ip(&request("198.51.100.1", Some("203.0.113.7"))),
            "198.51.100.1",
            "an untrusted peer's header is ignored"
        );
        let direct = RateLimiter::new(RateLimits::default()).unwrap();
        assert_eq!(direct.client_ip(&request("10.0.0.5", Some("203.0.113.7"))), "10.0.0.5");
    }
}
