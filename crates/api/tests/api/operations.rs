//! What an operator watches: `/metrics` in the Prometheus text format, open to loopback and to
//! what the settings name only, and the request id that ties an answer to its log line.

use socio_domain::api::Problem;

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(metrics_count_each_request_under_its_route_and_sample_the_state, every_problem_names_its_request);

/// The value of the series `name` whose labels include every one of `labels`.
fn series(text: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
    text.lines().filter(|line| !line.starts_with('#')).find_map(|line| {
        let (key, value) = line.rsplit_once(' ')?;
        let (metric, rest) = key.split_once('{').unwrap_or((key, ""));
        (metric == name && labels.iter().all(|(k, v)| rest.contains(&format!("{k}=\"{v}\"")))).then(|| value.parse().ok()).flatten()
    })
}

async fn scrape(app: &TestApp, address: &str) -> String {
    let response = app.http.get(format!("{address}/metrics")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/openmetrics-text"), "{content_type}");
    response.text().await.unwrap()
}

async fn metrics_count_each_request_under_its_route_and_sample_the_state(app: TestApp) {
    let service = app.client.service("prokat-tsr-serov").await.unwrap();
    let text = scrape(&app, &app.address).await;
    let route = [("route", "/api/v1/services/{id_or_slug}"), ("method", "GET"), ("status", "200")];
    assert_eq!(series(&text, "socio_http_requests_total", &route), Some(1.0), "the request before the scrape, under its template:\n{text}");
    assert!(!text.contains(&service.slug), "no label carries a record's address");
    let bucket = [("route", "/api/v1/services/{id_or_slug}"), ("method", "GET"), ("le", "+Inf")];
    assert_eq!(series(&text, "socio_http_request_duration_seconds_bucket", &bucket), Some(1.0));

    let value = |name: &str, labels: &[(&str, &str)]| series(&text, name, labels).unwrap_or_else(|| panic!("no {name}:\n{text}"));
    let max = value("socio_db_pool_max_connections", &[]);
    assert!(max >= 1.0, "the pool has a size: {max}");
    let (in_use, idle) =
        (value("socio_db_pool_connections", &[("state", "in_use")]), value("socio_db_pool_connections", &[("state", "idle")]));
    assert!(in_use >= 0.0 && idle >= 0.0 && in_use + idle <= max, "{in_use} + {idle} ≤ {max}");
    let ready = app.client.ready().await.unwrap();
    assert_eq!(value("socio_search_index_services", &[]), ready.index.services as f64);
    let (position, applied) = (value("socio_change_log_position", &[]), value("socio_change_log_applied", &[]));
    assert!(position >= 1.0 && applied <= position, "applied {applied} of {position}");
    assert!(value("socio_search_index_lag_seconds", &[]) >= 0.0);
    assert!(value("socio_search_index_lag_changes", &[]) >= 0.0);
    let age = value("socio_search_snapshot_age_seconds", &[]);
    assert!((0.0..600.0).contains(&age), "the index caught up a moment ago: {age} s");
    assert_eq!(value("socio_search_queue_length", &[]), 0.0);
    assert_eq!(value("socio_search_refused_total", &[]), 0.0);
    assert_eq!(value("socio_rate_limit_refused_total", &[("limit", "reports:ip")]), 0.0);
    assert_eq!(value("socio_rate_limit_redis_fallback_total", &[]), 0.0);
    assert_eq!(value("socio_letters_total", &[("outcome", "failed")]), 0.0);

    // A letter and a refusal are counted by their kind.
    let email = "metrics@example.org";
    for _ in 0..6 {
        app.http
            .post(format!("{}/api/v1/auth/password-reset", app.address))
            .json(&serde_json::json!({ "email": email }))
            .send()
            .await
            .unwrap();
    }
    app.create_user(socio_domain::vocabulary::UserRole::Moderator, "metrics-letters@example.org").await;
    app.http
        .post(format!("{}/api/v1/auth/password-reset", app.address))
        .json(&serde_json::json!({ "email": "metrics-letters@example.org" }))
        .send()
        .await
        .unwrap();
    let text = scrape(&app, &app.address).await;
    assert_eq!(series(&text, "socio_letters_total", &[("outcome", "sent")]), Some(app.letters().len() as f64), "{text}");
    assert_eq!(series(&text, "socio_rate_limit_refused_total", &[("limit", "letters:account")]), Some(1.0), "{text}");
    let refused = [("route", "/api/v1/auth/password-reset"), ("method", "POST"), ("status", "429")];
    assert_eq!(series(&text, "socio_http_requests_total", &refused), Some(1.0));

    // Not public: behind a trusted proxy the client is the one it names, and only the token or
    // an allowed network lets it in.
    let behind_proxy = app
        .spawn_replica_with(|s| {
            s.rate_limits.trusted_proxies = vec![socio_api::rate_limit::Network::parse("127.0.0.1").unwrap()];
            s.metrics.token = Some("a-token-for-prometheus-only".to_owned().into());
        })
        .await;
    let from = |client: &'static str, token: Option<&'static str>| {
        let mut request = app.http.get(format!("{behind_proxy}/metrics")).header("x-forwarded-for", client);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(from("203.0.113.9", None).await, 403, "a stranger through the balancer");
    assert_eq!(from("203.0.113.9", Some("a-token-for-prometheus-onlx")).await, 403, "a wrong token");
    assert_eq!(from("203.0.113.9", Some("a-token-for-prometheus-only")).await, 200, "the scraper's token");
    assert_eq!(from("127.0.0.1", None).await, 200, "loopback");
    let allowing = app
        .spawn_replica_with(|s| {
            s.rate_limits.trusted_proxies = vec![socio_api::rate_limit::Network::parse("127.0.0.1").unwrap()];
            s.metrics.allow = vec![socio_api::rate_limit::Network::parse("10.1.0.0/16").unwrap()];
        })
        .await;
    let status = |client: &'static str| {
        let request = app.http.get(format!("{allowing}/metrics")).header("x-forwarded-for", client);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status("10.1.2.3").await, 200, "an allowed network");
    assert_eq!(status("10.2.0.1").await, 403);
}

async fn every_problem_names_its_request(app: TestApp) {
    let problem_of = |response: reqwest::Response| async move {
        let header = response.headers().get("x-request-id").map(|v| v.to_str().unwrap().to_owned()).expect("an X-Request-Id header");
        let problem: Problem = response.json().await.unwrap();
        (header, problem)
    };
    let (first, problem) = problem_of(app.get("/api/v1/services?per_page=1000").await).await;
    assert_eq!(problem.request_id.as_deref(), Some(first.as_str()), "the body names the request its header names");
    let (second, _) = problem_of(app.get("/api/v1/services?per_page=1000").await).await;
    assert_ne!(first, second, "each request its own id");
    // Refusals made before any handler (a control character, an unknown route) carry it too.
    let (header, problem) = problem_of(app.get("/api/v1/services?q=%00").await).await;
    assert_eq!(problem.errors[0].code, "control_character");
    assert_eq!(problem.request_id, Some(header));
    let (header, problem) = problem_of(app.get("/api/v1/no-such-thing").await).await;
    assert_eq!(problem.request_id, Some(header));
    // A success has the header too.
    assert!(app.get("/api/v1/municipalities").await.headers().contains_key("x-request-id"));

    // The balancer's id is taken from a trusted proxy only, and only if it looks like an id.
    let sent = |address: String, id: &'static str| {
        let request = app.http.get(format!("{address}/api/v1/services?per_page=1000")).header("x-request-id", id);
        async move { problem_of(request.send().await.unwrap()).await }
    };
    let (header, _) = sent(app.address.clone(), "lb-7f3a").await;
    assert_ne!(header, "lb-7f3a", "a client cannot choose the id");
    let trusting =
        app.spawn_replica_with(|s| s.rate_limits.trusted_proxies = vec![socio_api::rate_limit::Network::parse("127.0.0.1").unwrap()]).await;
    let (header, problem) = sent(trusting.clone(), "lb-7f3a").await;
    assert_eq!((header.as_str(), problem.request_id.as_deref()), ("lb-7f3a", Some("lb-7f3a")));
    let (header, _) = sent(trusting, "no spaces; no <tags>").await;
    assert_ne!(header, "no spaces; no <tags>");
}
