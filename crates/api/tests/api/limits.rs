//! Limits per client address on every API request, and whose word about that address counts.

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(
    every_api_request_counts_against_the_limit_of_its_address,
    inputs_ten_times_their_cap_cost_no_more_than_a_normal_request
);

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

/// Each capped input at ten times its cap: refused with the field named, or answered capped,
/// with no more database statements than a normal request of the same endpoint.
async fn inputs_ten_times_their_cap_cost_no_more_than_a_normal_request(app: TestApp) {
    use socio_domain::router::NEEDS;
    // Nothing in the background: the replica's index polls hourly, views are flushed hourly.
    let (address, store) = app
        .spawn_replica_and_store(|s| {
            s.search_refresh = std::time::Duration::from_secs(3600);
            s.views_flush = std::time::Duration::from_secs(3600);
        })
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let cost = |method: &'static str, path: &'static str, body: serde_json::Value| {
        let (http, url, store) = (app.http.clone(), format!("{address}{path}"), store.clone());
        async move {
            let before = store.statements();
            let request = if method == "POST" { http.post(url).json(&body) } else { http.get(url) };
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            (status, text, store.statements() - before)
        }
    };
    let normal = cost("POST", "/api/v1/router/suggest", serde_json::json!({"needs": [NEEDS[0].0]})).await;
    assert_eq!(normal.0, 200, "{}", normal.1);
    assert!(normal.2 > 0, "a suggestion reads the situations from the database, and the count sees it");
    let all: Vec<&str> = NEEDS.iter().map(|(key, ..)| *key).cycle().take(NEEDS.len() * 10).collect();
    let flood = cost("POST", "/api/v1/router/suggest", serde_json::json!({"needs": all})).await;
    assert_eq!(flood.0, 422, "{}", flood.1);
    assert!(flood.1.contains("\"needs\""), "the field is named: {}", flood.1);
    assert!(flood.2 <= normal.2, "{} statements for the flood, {} for a normal request", flood.2, normal.2);

    // A route's candidates take as many statements in the biggest city as in a small one.
    let small = cost("GET", "/api/v1/router/candidates?situation=child-ovz&municipality=serov", serde_json::Value::Null).await;
    let big = cost("GET", "/api/v1/router/candidates?situation=child-ovz&municipality=ekaterinburg", serde_json::Value::Null).await;
    assert_eq!((small.0, big.0), (200, 200), "{} {}", small.1, big.1);
    assert!(big.1.len() > small.1.len(), "the big city has more candidates");
    assert_eq!(big.2, small.2, "statements do not grow with the candidates");

    let words = (0..80).map(|i| format!("слово{i}")).collect::<Vec<_>>().join(" ");
    let search = |q: String| {
        let (http, url, store) = (app.http.clone(), format!("{address}/api/v1/search"), store.clone());
        async move {
            let before = store.statements();
            let response = http.get(url).query(&[("q", q)]).send().await.unwrap();
            (response.status().as_u16(), response.json::<serde_json::Value>().await.unwrap(), store.statements() - before)
        }
    };
    let (status, long, statements) = search(words[..words.char_indices().nth(200).map_or(words.len(), |(i, _)| i)].trim().to_owned()).await;
    assert_eq!(status, 200);
    assert!(long["advice"]["ignored_words"].as_array().is_some_and(|w| !w.is_empty()), "{}", long["advice"]);
    assert!(statements <= 4, "a search reads no database; only an unmet one is counted by one small write: {statements}");
}
