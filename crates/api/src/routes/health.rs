//! Liveness and readiness probes for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use socio_domain::api::{IndexReadiness, Readiness};
use socio_search::SearchIndex;
use socio_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::tags;
use crate::{ApiError, indexing::IndexStatus};

/// How far behind the change log the index may be for this replica to count as ready.
#[derive(Debug, Clone, Copy)]
pub struct ReadyLimit(pub std::time::Duration);

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
/// Проверяет, что база данных отвечает и что поисковый индекс этой копии сервера отстаёт от
/// журнала изменений не больше допустимого (`SOCIO_READY_MAX_LAG_S`, по умолчанию 60 с).
/// Балансировщик не шлёт запросы копии, которая отвечает 503.
#[utoipa::path(
    tag = tags::OPERATIONS,
    responses(
        (status = 200, description = "База данных отвечает, индекс догнал журнал изменений", body = Readiness),
        (status = 503, description = "База данных недоступна (`unavailable`) или индекс отстал (`index_behind`); см. Retry-After", body = socio_domain::api::Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
async fn readyz(
    store: web::Data<Store>,
    index: web::Data<SearchIndex>,
    status: web::Data<IndexStatus>,
    limit: web::Data<ReadyLimit>,
) -> Result<HttpResponse, ApiError> {
    let lag = status.lag(&store).await.map_err(ApiError::Unavailable)?;
    let (last_change, applied_change, behind_seconds) = (lag.last, lag.applied, lag.behind.as_secs());
    let max_behind_seconds = limit.0.as_secs();
    if behind_seconds > max_behind_seconds {
        return Err(ApiError::IndexBehind { seconds: behind_seconds });
    }
    let index = IndexReadiness {
        applied_change,
        last_change,
        behind_seconds,
        max_behind_seconds,
        services: index.service_count() as u64,
        repaired: status.repaired(),
    };
    Ok(HttpResponse::Ok().json(Readiness { status: "ready".to_owned(), index }))
}
