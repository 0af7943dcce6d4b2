//! Limits per client address on every API request, and whose word about that address counts.

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(every_api_request_counts_against_the_limit_of_its_address);

async fn every_api_request_counts_against_the_limit_of_its_address(app: TestApp) {
    let limited = app
        .spawn_replica_with(|s| {
            s.rate_limits.requests_per_minute = 60;
            s.rate_limits.trusted_proxies = vec![socio_api::rate_limit::Network::parse("127.0.0.1").unwrap()];
        })
        .await;
    let get = |path: &'static str, client: Option<&'static str>| {
        let mut request = app.http.get(format!("{limited}{path}"));
        if let Some(ip) = client {
            request = request.header("x-forwarded-for", format!("198.51.100.200, {ip}"));
        }
        async move { request.send().await.unwrap() }
    };
    for i in 0..60 {
        let path = if i % 2 == 0 { "/api/v1/municipalities" } else { "/api/v1/services?per_page=1" };
        assert_eq!(get(path, Some("203.0.113.1")).await.status(), 200, "request {i} is within the limit");
    }
    let over = get("/api/v1/municipalities", Some("203.0.113.1")).await;
    assert_eq!(over.status(), 429);
    let retry: u64 = over.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert_eq!(over.headers()["content-type"], "application/problem+json");
    let problem: socio_domain::api::Problem = over.json().await.unwrap();
    assert_eq!(problem.code, "too_many_requests");
    assert!(problem.detail.contains("Повторите через"), "{}", problem.detail);

    // The proxy says another client is asking: that one has its own count, and the addresses a
    // client put before its own in X-Forwarded-For do not make it someone else.
    assert_eq!(get("/api/v1/municipalities", Some("203.0.113.2")).await.status(), 200);
    assert_eq!(get("/api/v1/municipalities", Some("203.0.113.1")).await.status(), 429);
    // Probes and the site are not API requests.
    assert_eq!(get("/healthz", Some("203.0.113.1")).await.status(), 200);
    assert_eq!(get("/readyz", Some("203.0.113.1")).await.status(), 200);
}
