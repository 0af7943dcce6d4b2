use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(health_and_readiness_answer, readiness_fails_with_503_when_the_database_is_gone, unknown_routes_get_a_problem_404);

async fn health_and_readiness_answer(app: TestApp) {
    let health = app.get("/healthz").await;
    assert_eq!(health.status().as_u16(), 200);
    assert_eq!(health.text().await.unwrap(), "ok");
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status().as_u16(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");
    app.client.ready().await.unwrap();
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
