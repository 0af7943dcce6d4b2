//! Building and running the HTTP server, so `main` and the tests start the very same app.

use std::{
    collections::HashMap,
    net::TcpListener,
    sync::{Mutex, OnceLock},
};

use actix_cors::Cors;
use actix_files::{Files, NamedFile};
use actix_web::{
    App, HttpRequest, HttpResponse, HttpServer,
    dev::{Server, ServiceRequest, ServiceResponse, fn_service},
    http::header,
    middleware::{Compress, from_fn},
    web,
};
use tracing_actix_web::TracingLogger;
use utoipa_actix_web::{AppExt, scope};
use utoipa_swagger_ui::SwaggerUi;

use crate::{
    ApiError, Settings,
    auth::{JwtKeys, PasswordHasher},
    http, indexing,
    mail::Outgoing,
    metrics::{Metrics, Observer},
    openapi,
    page_headers::PageHeaders,
    rate_limit::RateLimiter,
    routes,
    views::{ViewCounter, flush_views},
};
use socio_search::SearchIndex;
use socio_store::Store;

/// A bound, not yet running, server.
pub struct Application {
    port: u16,
    server: Server,
    store: Store,
    views: std::sync::Arc<ViewCounter>,
}

impl Application {
    /// Connects to the database and binds `settings.bind` (port 0 picks a free port).
    /// Migrations are not run here: `socio migrate` (or the caller) does that once, so several
    /// replicas can start against one database.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let store = Store::connect(&settings.database_url).await?;
        Self::with_store(settings, store).await
    }

    /// Builds the search index from the store, starts its catch-up task, and binds the server.
    pub async fn with_store(settings: Settings, store: Store) -> anyhow::Result<Self> {
        let (index, watermark) = indexing::build_index(&store).await?;
        let index = web::Data::new(index);
        let index_status = web::Data::new(indexing::IndexStatus::default());
        let schedule = indexing::Schedule {
            listen: settings.database_url.starts_with("postgres").then(|| settings.database_url.clone()),
            refresh: settings.search_refresh,
            reconcile: settings.reconcile_every,
        };
        tokio::spawn(indexing::follow(store.clone(), index.clone().into_inner(), index_status.clone().into_inner(), watermark, schedule));
        let readiness = web::Data::new(routes::health::ReadyLimit(settings.ready_max_lag));
        let listener = TcpListener::bind(&settings.bind)?;
        let port = listener.local_addr()?.port();
        let keys = web::Data::new(JwtKeys::new(&settings.jwt_secret));
        let hasher = web::Data::new(PasswordHasher::new(settings.hash_concurrency)?);
        let limiter = web::Data::new(RateLimiter::new(settings.rate_limits.clone())?);
        let cpu = web::Data::new(crate::cpu::CpuQueue::new(settings.workers, settings.search_queue));
        let search_cache = web::Data::new(crate::cpu::SearchCache::new(settings.search_cache));
        let outgoing = web::Data::new(Outgoing::new(&settings.mail, &settings.public_url)?);
        let sources = crate::metrics::Sources {
            store: store.clone(),
            index: index.clone().into_inner(),
            status: index_status.clone().into_inner(),
            cpu: cpu.clone().into_inner(),
        };
        let metrics = web::Data::new(Metrics::new(&limiter, &outgoing, sources));
        let metrics_access = web::Data::new(settings.metrics.clone());
        let observer = std::sync::Arc::new(Observer::new(metrics.clone().into_inner(), settings.rate_limits.clone()));
        let views = web::Data::new(ViewCounter::default());
        let hsds = web::Data::new(routes::hsds::Snapshot::default());
        let accounts = web::Data::new(settings.accounts);
        let imports = web::Data::new(crate::imports::ImportGate::default());
        tokio::spawn(flush_views(store.clone(), views.clone().into_inner(), settings.views_flush));
        tokio::spawn(crate::retention::purge_daily(store.clone(), settings.retention_days));
        let kept = (store.clone(), views.clone().into_inner());
        let store = web::Data::new(store);
        let document = openapi::document();
        let page_headers =
            std::sync::Arc::new(PageHeaders::new(settings.static_dir.as_deref(), settings.public_url.starts_with("https://"))?);
        let site = web::Data::new(crate::pages::Site::new(&settings.public_url, settings.static_dir.as_deref(), settings.page_cache));
        let assets = std::sync::Arc::new(crate::assets::Assets::new(settings.static_dir.as_deref()));
        if let Some(dir) = settings.static_dir.clone() {
            tokio::spawn(crate::assets::follow_build(dir, settings.build_check, page_headers.clone(), site.clone().into_inner()));
        }
        let server = HttpServer::new(move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .app_data(store.clone())
                .app_data(index.clone())
                .app_data(index_status.clone())
                .app_data(readiness.clone())
                .app_data(keys.clone())
                .app_data(hasher.clone())
                .app_data(limiter.clone())
                .app_data(cpu.clone())
                .app_data(search_cache.clone())
                .app_data(outgoing.clone())
                .app_data(views.clone())
                .app_data(hsds.clone())
                .app_data(accounts.clone())
                .app_data(imports.clone())
                .app_data(site.clone())
                .app_data(metrics.clone())
                .app_data(metrics_access.clone())
                .app_data(web::PayloadConfig::new(http::MAX_FORM_BYTES))
                .app_data(http::query_config())
                .app_data(http::path_config())
                .app_data(http::json_config())
                .service(
                    scope::scope("/api/v1")
                        .wrap(from_fn({
                            let limiter = limiter.clone().into_inner();
                            move |req, next| limiter.clone().limit_requests(req, next)
                        }))
                        .wrap(read_cors())
                        .configure(routes::configure_v1),
                )
                .configure(routes::configure_health)
                .split_for_parts();
            let bench = settings.bench_endpoints;
            let server_pages = settings.server_pages;
            let static_dir = settings.static_dir.clone();
            let page_headers = page_headers.clone();
            let assets = assets.clone();
            let observer = observer.clone();
            app.wrap(Compress::default())
                .wrap(from_fn(move |req, next| assets.clone().serve(req, next)))
                .wrap(from_fn(move |req, next| page_headers.clone().add(req, next)))
                .wrap(from_fn(http::refuse_control_characters))
                .wrap(TracingLogger::<crate::telemetry::RequestSpan>::new())
                .wrap(from_fn(move |req, next| observer.clone().observe(req, next)))
                .route("/metrics", web::get().to(crate::metrics::scrape))
                .configure(|cfg| {
                    if bench {
                        cfg.route("/_bench/fixed", web::get().to(bench_fixed));
                        cfg.route("/_bench/pg-search", web::get().to(bench_pg_search));
                        cfg.route("/_bench/memory", web::get().to(bench_memory));
                    }
                })
                .service(web::redirect("/docs", "/docs/"))
                .service(SwaggerUi::new("/docs/{_:.*}").url("/api/openapi.json", document.clone()))
                .service(
                    web::scope("/api/hsds")
                        .wrap(from_fn({
                            let limiter = limiter.clone().into_inner();
                            move |req, next| limiter.clone().limit_requests(req, next)
                        }))
                        .wrap(read_cors())
                        .configure(routes::hsds::configure),
                )
                .service(web::scope("/api").default_service(web::to(no_route)))
                .configure(|cfg| {
                    if server_pages {
                        crate::pages::configure(cfg);
                    }
                })
                .configure(|cfg| match static_dir {
                    Some(dir) => {
                        let (site, route) = (dir.join("index.html"), dir.join("route").join("index.html"));
                        let cabinet = dir.join("cabinet").join("index.html");
                        let backoffice = dir.join("backoffice").join("index.html");
                        cfg.service(Files::new("/", dir).index_file("index.html").default_handler(fn_service(
                            move |req: ServiceRequest| {
                                // Deep links load the SPA; a route link loads the wizard's own page, a
                                // cabinet address the cabinet's, a back-office address the back office's.
                                let page = if is_route_page(req.path()) {
                                    route.clone()
                                } else if is_backoffice_page(req.path()) {
                                    backoffice.clone()
                                } else if is_cabinet_page(req.path()) {
                                    cabinet.clone()
                                } else {
                                    site.clone()
                                };
                                async move {
                                    let (req, _) = req.into_parts();
                                    let file = NamedFile::open(&page)?;
                                    Ok(ServiceResponse::new(req.clone(), file.into_response(&req)))
                                }
                            },
                        )));
                    }
                    None => {
                        cfg.default_service(web::to(no_route));
                    }
                })
        })
        .workers(settings.workers)
        .shutdown_timeout(settings.shutdown_timeout.as_secs())
        .listen(listener)?
        .run();
        Ok(Self { port, server, store: kept.0, views: kept.1 })
    }

    /// The port actually bound.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server as SIGTERM does.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until the process is stopped (SIGTERM, Ctrl-C or [`Self::handle`]): then no new
    /// connection is accepted, the requests already begun finish, and the views they counted are
    /// written before this returns.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let served = self.server.await;
        crate::views::write_counted(&self.store, &self.views).await;
        served
    }
}

/// `/situations/{slug}/route`: the route wizard, a page with its own bundle.
fn is_route_page(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(segments.as_slice(), ["situations", slug, "route"] if !slug.is_empty())
}

/// `/cabinet` and below: the partner cabinet, a page with its own bundle.
fn is_cabinet_page(path: &str) -> bool {
    path == "/cabinet" || path.starts_with("/cabinet/")
}

/// `/cabinet/backoffice` and below: the operator's screens, a page with its own bundle.
fn is_backoffice_page(path: &str) -> bool {
    path == "/cabinet/backoffice" || path.starts_with("/cabinet/backoffice/")
}

/// CORS for read endpoints: any site may read the open directory.
fn read_cors() -> Cors {
    Cors::default()
        .allow_any_origin()
        .allowed_methods(["GET", "HEAD"])
        .allowed_headers([header::ACCEPT, header::IF_NONE_MATCH, header::CONTENT_TYPE])
        .expose_headers([header::ETAG])
        .max_age(86_400)
}

async fn no_route() -> Result<HttpResponse, ApiError> {
    Err(ApiError::NoRoute)
}

/// A fixed JSON body of about `bytes` bytes, built once per size: the benchmark's ceiling, i.e.
/// what the stack costs with no database and no serialisation.
/// The search index's memory by structure, largest first, as text rows «bytes<TAB>structure».
async fn bench_memory(index: web::Data<SearchIndex>) -> HttpResponse {
    let rows: String = index.memory().iter().map(|part| format!("{}\t{}\n", part.bytes, part.structure)).collect();
    HttpResponse::Ok().content_type("text/plain; charset=utf-8").body(rows)
}

async fn bench_fixed(req: HttpRequest) -> HttpResponse {
    static BODIES: OnceLock<Mutex<HashMap<usize, web::Bytes>>> = OnceLock::new();
    let bytes = web::Query::<HashMap<String, usize>>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.get("bytes").copied())
        .unwrap_or(1024)
        .clamp(16, 1 << 20);
    let body = {
        let mut bodies = BODIES.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
        bodies.entry(bytes).or_insert_with(|| web::Bytes::from(format!("{{\"pad\":\"{}\"}}", "x".repeat(bytes.saturating_sub(10))))).clone()
    };
    HttpResponse::Ok().content_type("application/json").body(body)
}

/// The search benchmark's baseline: the same search done by PostgreSQL full-text search.
async fn bench_pg_search(req: HttpRequest, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    let query = web::Query::<HashMap<String, String>>::from_query(req.query_string()).map_err(|e| ApiError::InvalidBody(e.to_string()))?;
    let param = |name: &str| query.get(name).map(String::as_str).unwrap_or_default();
    let body = store.bench_fulltext_search(param("q"), param("municipality"), param("format")).await?;
    Ok(HttpResponse::Ok().json(body))
}
