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
    let cost = |request: reqwest::RequestBuilder| {
        let store = store.clone();
        async move {
            let before = store.statements();
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            (status, text, store.statements() - before)
        }
    };
    let get = |path: &str| app.http.get(format!("{address}{path}"));
    let post = |path: &str, body: serde_json::Value| app.http.post(format!("{address}{path}")).json(&body);
    let normal = cost(post("/api/v1/router/suggest", serde_json::json!({"needs": [NEEDS[0].0]}))).await;
    assert_eq!(normal.0, 200, "{}", normal.1);
    assert!(normal.2 > 0, "a suggestion reads the situations from the database, and the count sees it");
    let all: Vec<&str> = NEEDS.iter().map(|(key, ..)| *key).cycle().take(NEEDS.len() * 10).collect();
    let flood = cost(post("/api/v1/router/suggest", serde_json::json!({"needs": all}))).await;
    assert_eq!(flood.0, 422, "{}", flood.1);
    assert!(flood.1.contains("\"needs\""), "the field is named: {}", flood.1);
    assert!(flood.2 <= normal.2, "{} statements for the flood, {} for a normal request", flood.2, normal.2);

    // A route's candidates take as many statements in the biggest city as in a small one.
    let small = cost(get("/api/v1/router/candidates?situation=child-ovz&municipality=serov")).await;
    let big = cost(get("/api/v1/router/candidates?situation=child-ovz&municipality=ekaterinburg")).await;
    assert_eq!((small.0, big.0), (200, 200), "{} {}", small.1, big.1);
    assert!(big.1.len() > small.1.len(), "the big city has more candidates");
    assert_eq!(big.2, small.2, "statements do not grow with the candidates");

    // Every other capped input at ten times its cap is refused before any statement, naming its
    // field once, however many entries it had.
    use socio_domain::api::{MAX_PER_PAGE, MAX_PREVIEW_CATEGORIES, MAX_QUERY_LEN, MAX_REPORT_MESSAGE};
    let editor = app.token_of(app.create_user(socio_domain::vocabulary::UserRole::Editor, "editor@socio.example.org").await);
    let long_words = "слово ".repeat(MAX_QUERY_LEN * 10 / 6);
    let many_categories = (0..MAX_PREVIEW_CATEGORIES * 10).map(|n| format!("c{n}")).collect::<Vec<_>>().join(",");
    let preview = |categories: &str| {
        app.http
            .get(format!("{address}/api/v1/backoffice/situations/preview-candidates"))
            .query(&[("municipality", "serov"), ("categories", categories)])
            .bearer_auth(&editor)
    };
    let report = |message: String| {
        post("/api/v1/reports", serde_json::json!({"subject": "service", "slug": "x", "problem": "other", "message": message}))
    };
    let route = |answers: serde_json::Value| {
        post("/api/v1/router/route", serde_json::json!({"situation": "disability-status", "municipality": "serov", "answers": answers}))
    };
    let unknown_answers: serde_json::Map<String, serde_json::Value> = (0..1000).map(|n| (format!("q{n}"), true.into())).collect();
    let capped: Vec<(&str, reqwest::RequestBuilder, reqwest::RequestBuilder, &str)> = vec![
        (
            "per_page",
            get(&format!("/api/v1/services?per_page={MAX_PER_PAGE}")),
            get(&format!("/api/v1/services?per_page={}", MAX_PER_PAGE * 10)),
            "per_page",
        ),
        ("catalogue q", get("/api/v1/services?q=логопед"), get("/api/v1/services").query(&[("q", &long_words)]), "q"),
        ("search q", get("/api/v1/search?q=логопед"), get("/api/v1/search").query(&[("q", &long_words)]), "q"),
        ("organizations q", get("/api/v1/organizations?q=центр"), get("/api/v1/organizations").query(&[("q", &long_words)]), "q"),
        (
            "repeated filter",
            get("/api/v1/services?category=mse"),
            get(&format!("/api/v1/services?{}", ["category=mse"; 1000].join("&"))),
            "category",
        ),
        ("unknown value", get("/api/v1/services?format=online"), get(&format!("/api/v1/services?format={}", "x".repeat(2000))), "format"),
        ("route answers", route(serde_json::json!({"who": "self"})), route(unknown_answers.into()), "answers"),
        ("preview categories", preview("mse,assistive-tech"), preview(&many_categories), "categories"),
        ("report message", report("Телефон не отвечает".into()), report("a".repeat(MAX_REPORT_MESSAGE * 5)), "message"),
        // Ten times the message is past the body's own limit: refused before it is parsed.
        ("report body", report("Телефон не отвечает".into()), report("я".repeat(MAX_REPORT_MESSAGE * 10)), ""),
    ];
    for (what, normal, flood, field) in capped {
        let (normal, flood) = (cost(normal).await, cost(flood).await);
        assert!(normal.0 < 500, "{what}: {}", normal.1);
        assert!((400..500).contains(&flood.0), "{what}: {} {}", flood.0, flood.1);
        let problem: socio_domain::api::Problem = serde_json::from_str(&flood.1).unwrap();
        if field.is_empty() {
            assert_eq!(problem.code, "invalid_body", "{what}: {}", flood.1);
        } else {
            assert_eq!(problem.errors.iter().filter(|e| e.field == field).count(), 1, "{what}: {}", flood.1);
        }
        assert!(flood.1.len() < 2000, "{what}: the error does not repeat the input: {} bytes", flood.1.len());
        assert!(flood.2 <= normal.2, "{what}: {} statements at ten times the cap, {} for a normal request", flood.2, normal.2);
    }

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

/// Is Redis reachable at 127.0.0.1:6379? Under `CI=true` it must be.
async fn redis_available() -> bool {
    match tokio::net::TcpStream::connect("127.0.0.1:6379").await {
        Ok(_) => true,
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("Redis is required under CI=true but is not reachable at 127.0.0.1:6379: {e}");
            }
            eprintln!("\n!!! SKIPPED: Redis is not reachable at 127.0.0.1:6379 ({e}); the shared-limit test did not run !!!\n");
            false
        }
    }
}

#[tokio::test]
async fn replicas_sharing_redis_meet_one_limit_and_count_alone_while_it_is_away() {
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await.unwrap();
    if !redis_available().await {
        return;
    }
    let prefix = format!("socio-test-{}-{}", std::process::id(), chrono::Utc::now().timestamp_micros());
    let shared = |redis: &str| {
        let (redis, prefix) = (redis.to_owned(), prefix.clone());
        move |s: &mut socio_api::Settings| {
            s.rate_limits.requests_per_minute = 60;
            s.rate_limits.trusted_proxies = vec![socio_api::rate_limit::Network::parse("127.0.0.1").unwrap()];
            s.rate_limits.redis_url = Some(redis.into());
            s.rate_limits.redis_prefix = prefix;
        }
    };
    let replicas = [
        app.spawn_replica_with(shared("redis://127.0.0.1:6379/0")).await,
        app.spawn_replica_with(shared("redis://127.0.0.1:6379/0")).await,
    ];
    let get = |address: &str, client: &'static str| {
        let request = app.http.get(format!("{address}/api/v1/municipalities")).header("x-forwarded-for", client);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    // The windows follow the clock's minutes: start well inside one.
    let second = chrono::Timelike::second(&chrono::Utc::now());
    if second > 45 {
        tokio::time::sleep(std::time::Duration::from_secs(u64::from(61 - second))).await;
    }
    let mut answered = Vec::new();
    for i in 0..80 {
        answered.push(get(&replicas[i % 2], "203.0.113.60").await);
    }
    assert!(answered[..60].iter().all(|s| *s == 200), "{answered:?}");
    assert!(answered[60..].iter().all(|s| *s == 429), "one limit for both replicas, not 60 each: {answered:?}");

    // Redis away (nothing listens there): the citizen is answered, the replica counts alone.
    let alone = app.spawn_replica_with(shared("redis://127.0.0.1:9/0")).await;
    let statuses: Vec<u16> = futures::future::join_all((0..61).map(|_| get(&alone, "203.0.113.61"))).await;
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 60, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 429).count(), 1, "the limit still holds, counted here");
    let metrics = app.http.get(format!("{alone}/metrics")).send().await.unwrap().text().await.unwrap();
    let fallback = metrics
        .lines()
        .find_map(|l| l.strip_prefix("socio_rate_limit_redis_fallback_total "))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or_default();
    assert!(fallback >= 61.0, "every check counted here is counted as a fallback: {fallback}");
}
