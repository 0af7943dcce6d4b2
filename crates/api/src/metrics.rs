//! What an operator's Prometheus scrapes from each replica at `/metrics`, and the id every
//! request carries from the balancer's log to ours and into its problem+json body.
//!
//! Each part counts what only it knows (the limiter its refusals and Redis fallbacks, the search
//! line its refusals, the mailer its letters) in counters of its own; this module registers them
//! with the request counts, and samples at scrape time what is a state rather than an event (the
//! pool, the index's lag, the line's length). The registry belongs to the app, not the process,
//! so two apps in one test process never mix their numbers.
//!
//! `/metrics` is not public: it answers loopback clients, the addresses and networks of
//! `SOCIO_METRICS_ALLOW`, and a bearer `SOCIO_METRICS_TOKEN`; behind a trusted proxy the client is
//! the one the proxy names, so the balancer does not open it to the world.

use std::{
    fmt::Write as _,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Instant,
};

use actix_web::{
    Error, HttpMessage, HttpRequest, HttpResponse,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::{Method, header},
    middleware::Next,
    web,
};
use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::Registry,
};
use secrecy::{ExposeSecret, SecretString};
use socio_search::SearchIndex;
use socio_store::Store;

use crate::{
    ApiError,
    cpu::CpuQueue,
    indexing::IndexStatus,
    mail::Outgoing,
    rate_limit::{Network, RateLimiter, RateLimits},
};

/// Who may scrape `/metrics` besides loopback clients.
#[derive(Debug, Clone, Default)]
pub struct MetricsAccess {
    /// `SOCIO_METRICS_ALLOW`: addresses and networks, comma-separated.
    pub allow: Vec<Network>,
    /// `SOCIO_METRICS_TOKEN`: a scraper sending `Authorization: Bearer <token>` is let in.
    pub token: Option<SecretString>,
}

/// The labels of a request count.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: &'static str,
    status: u16,
}

/// The labels of a latency histogram.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: &'static str,
}

/// The labels of the pool's connections.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    state: &'static str,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    Histogram::new([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])
}

/// The states sampled at each scrape.
#[derive(Default)]
struct Sampled {
    pool: Family<PoolLabels, Gauge>,
    pool_max: Gauge,
    search_queue: Gauge,
    index_services: Gauge,
    snapshot_age: Gauge<f64, AtomicU64>,
    lag_seconds: Gauge<f64, AtomicU64>,
    lag_changes: Gauge,
    change_log_last: Gauge,
    change_log_applied: Gauge,
}

/// This app's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    sampled: Sampled,
    sources: Sources,
}

/// Where the sampled states are read at each scrape.
pub struct Sources {
    pub store: Store,
    pub index: Arc<SearchIndex>,
    pub status: Arc<IndexStatus>,
    pub cpu: Arc<CpuQueue>,
}

impl Metrics {
    /// Registers the request metrics, the sampled states and the counters the parts keep.
    pub fn new(limiter: &RateLimiter, mail: &Outgoing, sources: Sources) -> Self {
        let cpu = &sources.cpu;
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = LatencyFamily::new_with_constructor(latency_histogram);
        let sampled = Sampled::default();
        let r = &mut registry;
        r.register("socio_http_requests", "HTTP requests answered, by route template, method and status", requests.clone());
        r.register("socio_http_request_duration_seconds", "Time to answer, by route template and method", latency.clone());
        r.register("socio_db_pool_connections", "Database pool connections by state (in_use, idle)", sampled.pool.clone());
        r.register(
            "socio_db_pool_max_connections",
            "The pool's size limit: in_use at this value means requests wait",
            sampled.pool_max.clone(),
        );
        r.register("socio_search_queue_length", "Searches running or waiting for a search thread", sampled.search_queue.clone());
        r.register("socio_search_refused", "Searches refused with 503 because the line was full", cpu.refused.clone());
        r.register("socio_search_index_services", "Services in this replica's search index", sampled.index_services.clone());
        r.register(
            "socio_search_snapshot_age_seconds",
            "Seconds since this replica's index last confirmed it holds every change in the log",
            sampled.snapshot_age.clone(),
        );
        r.register(
            "socio_search_index_lag_seconds",
            "Age of the oldest change the index has not applied (0 when caught up; /readyz fails past SOCIO_READY_MAX_LAG_S)",
            sampled.lag_seconds.clone(),
        );
        r.register("socio_search_index_lag_changes", "Change-log entries the index has not applied", sampled.lag_changes.clone());
        r.register("socio_change_log_position", "The last sequence in the shared change log", sampled.change_log_last.clone());
        r.register(
            "socio_change_log_applied",
            "The last change-log sequence this replica's index applied",
            sampled.change_log_applied.clone(),
        );
        r.register("socio_rate_limit_refused", "Requests refused with 429, by limit", limiter.refused.clone());
        r.register(
            "socio_rate_limit_redis_fallback",
            "Limit checks counted in this replica's memory because Redis did not answer",
            limiter.redis_fallback.clone(),
        );
        r.register("socio_letters", "Letters by outcome (sent, failed)", mail.letters.clone());
        // Every series from the start: a rate over a series that appears late misses its first rise.
        for limit in crate::rate_limit::LIMIT_NAMES {
            let _ = limiter.refused.get_or_create(&crate::rate_limit::LimitLabel { limit: limit.to_owned() });
        }
        for outcome in ["sent", "failed"] {
            let _ = mail.letters.get_or_create(&crate::mail::LetterOutcome { outcome });
        }
        Self { registry, requests, latency, sampled, sources }
    }

    /// Counts one answered request.
    fn observe(&self, route: String, method: &'static str, status: u16, seconds: f64) {
        self.latency.get_or_create(&RouteLabels { route: route.clone(), method }).observe(seconds);
        self.requests.get_or_create(&RequestLabels { route, method, status }).inc();
    }

    /// The text exposition of every metric, with the states sampled now.
    async fn render(&self) -> Result<String, ApiError> {
        let (sampled, Sources { store, index, status, cpu }) = (&self.sampled, &self.sources);
        let pool = store.pool_usage();
        sampled.pool.get_or_create(&PoolLabels { state: "in_use" }).set(pool.in_use as i64);
        sampled.pool.get_or_create(&PoolLabels { state: "idle" }).set(pool.idle as i64);
        sampled.pool_max.set(pool.max as i64);
        sampled.search_queue.set(cpu.admitted() as i64);
        sampled.index_services.set(index.service_count() as i64);
        sampled.snapshot_age.set(status.since_caught_up().as_secs_f64());
        let lag = status.lag(store).await.map_err(ApiError::Unavailable)?;
        sampled.lag_seconds.set(lag.behind.as_secs_f64());
        sampled.lag_changes.set((lag.last - lag.applied).max(0));
        sampled.change_log_last.set(lag.last);
        sampled.change_log_applied.set(lag.applied);
        let mut text = String::with_capacity(16 * 1024);
        encode(&mut text, &self.registry).map_err(|e| ApiError::Internal(e.into()))?;
        Ok(text)
    }
}

/// `GET /metrics`.
pub async fn scrape(
    req: HttpRequest,
    metrics: web::Data<Metrics>,
    access: web::Data<MetricsAccess>,
    limiter: web::Data<RateLimiter>,
) -> Result<HttpResponse, ApiError> {
    if !may_scrape(&req, &access, &limiter) {
        return Err(ApiError::Forbidden);
    }
    let text = metrics.render().await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text))
}

/// Loopback, an allowed network, or the bearer token.
fn may_scrape(req: &HttpRequest, access: &MetricsAccess, limiter: &RateLimiter) -> bool {
    let client = limiter.client_ip(req).parse::<std::net::IpAddr>().ok();
    if client.is_some_and(|ip| ip.is_loopback() || ip.to_canonical().is_loopback() || access.allow.iter().any(|n| n.contains(ip))) {
        return true;
    }
    let bearer = req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    match (&access.token, bearer) {
        (Some(token), Some(sent)) => constant_time_eq(token.expose_secret().as_bytes(), sent.trim().as_bytes()),
        _ => false,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A request's id, in its extensions: the one a trusted proxy sent in `X-Request-Id`, or ours.
#[derive(Debug, Clone)]
pub struct RequestId(pub Arc<str>);

tokio::task_local! {
    /// The id of the request whose future is being polled: problem bodies carry it.
    static CURRENT_REQUEST: Arc<str>;
}

/// The id of the request being answered, if any.
pub fn current_request_id() -> Option<String> {
    CURRENT_REQUEST.try_with(|id| id.to_string()).ok()
}

/// Gives every request an id and counts it when answered.
pub struct Observer {
    metrics: Arc<Metrics>,
    limits: RateLimits,
    /// Ids of this process: a random prefix (replicas differ) and a sequence.
    prefix: String,
    next: AtomicU64,
}

/// The longest request id taken from a proxy.
const MAX_REQUEST_ID: usize = 128;

impl Observer {
    /// Ids are taken from the proxies `limits` trusts.
    pub fn new(metrics: Arc<Metrics>, limits: RateLimits) -> Self {
        let mut bytes = [0u8; 6];
        let _ = getrandom::fill(&mut bytes);
        Self { metrics, limits, prefix: hex::encode(bytes), next: AtomicU64::new(1) }
    }

    /// The id a trusted proxy sent (letters, digits and `-_.:@` only), or a new one.
    fn request_id(&self, req: &ServiceRequest) -> Arc<str> {
        let from_proxy = req.peer_addr().is_some_and(|peer| self.limits.trusts(peer.ip()));
        let sent =
            from_proxy.then(|| req.headers().get("x-request-id").and_then(|v| v.to_str().ok())).flatten().map(str::trim).filter(|id| {
                !id.is_empty()
                    && id.len() <= MAX_REQUEST_ID
                    && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '@'))
            });
        match sent {
            Some(id) => Arc::from(id),
            None => {
                let mut id = String::with_capacity(24);
                let _ = write!(id, "{}-{:x}", self.prefix, self.next.fetch_add(1, Ordering::Relaxed));
                Arc::from(id)
            }
        }
    }

    /// The middleware: `wrap(from_fn(move |req, next| observer.clone().observe(req, next)))`,
    /// outermost, so the request log's span and every problem body see the id.
    pub async fn observe(
        self: Arc<Self>,
        req: ServiceRequest,
        next: Next<impl MessageBody>,
    ) -> Result<ServiceResponse<impl MessageBody>, Error> {
        let started = Instant::now();
        let id = self.request_id(&req);
        req.extensions_mut().insert(RequestId(id.clone()));
        let method = method_label(req.method());
        let answered = CURRENT_REQUEST.scope(id.clone(), next.call(req)).await;
        let seconds = started.elapsed().as_secs_f64();
        match answered {
            Ok(mut response) => {
                let route = response.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
                let status = response.status().as_u16();
                if status >= 400 {
                    // The line a support request's id is looked up by (successes are not logged).
                    let target = crate::telemetry::logged_target(response.request().uri());
                    tracing::info!(request_id = %id, method, route = %route, target = %target, status, ms = (seconds * 1000.0) as u64, "answered with a problem");
                }
                self.metrics.observe(route, method, status, seconds);
                if let Ok(value) = header::HeaderValue::from_str(&id) {
                    response.headers_mut().insert(header::HeaderName::from_static("x-request-id"), value);
                }
                Ok(response)
            }
            Err(error) => {
                let status = error.as_response_error().status_code().as_u16();
                self.metrics.observe("unmatched".to_owned(), method, status, seconds);
                Err(error)
            }
        }
    }
}

/// A method as a label: the ones HTTP defines, anything else `other` (a client chooses it).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_client_chosen_method_is_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(constant_time_eq(b"secret-token", b"secret-token"));
        assert!(!constant_time_eq(b"secret-token", b"secret-tokeN"));
        assert!(!constant_time_eq(b"secret-token", b"secret"));
    }
}
