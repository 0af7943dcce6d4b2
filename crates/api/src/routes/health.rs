//! Liveness and readiness probes for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use socio_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::tags;
use crate::ApiError;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(healthz).service(readyz);
}

/// Процесс жив
///
/// Отвечает 200, пока процесс работает; не проверяет базу данных.
#[utoipa::path(tag = tags::OPERATIONS, responses((status = 200, description = "Процесс работает", body = String, example = "ok")))]
#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("ok")
}

/// Сервис готов принимать запросы
///
/// Проверяет, что база данных отвечает.
#[utoipa::path(
    tag = tags::OPERATIONS,
    responses(
        (status = 200, description = "База данных отвечает", body = String, example = "ready"),
        (status = 503, description = "База данных недоступна", body = socio_domain::api::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
async fn readyz(store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    store.ping().await.map_err(ApiError::Unavailable)?;
    Ok(HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("ready"))
}
