use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(
    health_and_readiness_answer,
    readiness_fails_with_503_when_the_database_is_gone,
    unknown_routes_get_a_problem_404,
    every_answer_carries_the_security_headers
);

async fn health_and_readiness_answer(app: TestApp) {
    let health = app.get("/healthz").await;
    assert_eq!(health.status().as_u16(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");
    let ready = app.get_json("/readyz", 200).await;
    assert_eq!(ready["status"], "ready");
    let index = app.client.ready().await.unwrap().index;
    assert!(index.services > 0 && index.applied_change <= index.last_change, "{index:?}");
}

async fn readiness_fails_with_503_when_the_database_is_gone(app: TestApp) {
    app.store.clone().close().await.unwrap();
    let problem = app.get_problem("/readyz", 503).await;
    assert_eq!(problem.code, "unavailable");
    let error = app.client.ready().await.unwrap_err();
    assert_eq!(error.problem().map(|p| p.status), Some(503));
}

async fn unknown_routes_get_a_problem_404(app: TestApp) {
    for path in ["/api/v1/nothing-here", "/api/v2/services", "/nowhere"] {
        let problem = app.get_problem(path, 404).await;
        assert_eq!(problem.code, "no_route", "{path}");
    }
}

async fn every_answer_carries_the_security_headers(app: TestApp) {
    for path in ["/", "/services/anything", "/api/v1/services", "/healthz"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let policy = headers.get("content-security-policy").unwrap_or_else(|| panic!("{path}: no CSP")).to_str().unwrap();
        let script = policy.split(';').map(str::trim).find(|d| d.starts_with("script-src")).unwrap();
        assert_eq!(script, "script-src 'self' 'wasm-unsafe-eval'", "{path}: no inline script without a hash (and no build here)");
        assert!(policy.contains("frame-ancestors 'none'") && policy.contains("object-src 'none'"), "{path}: {policy}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(headers.get("strict-transport-security").is_none(), "{path}: plain HTTP gets no HSTS");
    }
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status().as_u16(), 200);
    let policy = docs.headers()["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("script-src 'self';") && policy.contains("frame-ancestors 'none'"), "{policy}");
}
