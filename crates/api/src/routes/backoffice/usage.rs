//! Usage for the operator: which situations people open and build routes through, where, and
//! what they searched for in vain. Aggregates only.

use actix_web::{HttpResponse, get, http::StatusCode, web};
use socio_domain::api::{Problem, UnmetSearchQuery, UsageReport};
use socio_store::Store;

use crate::{
    ApiError,
    auth::Moderator,
    http::{QueryParams, private_json},
    routes::tags,
};

/// Востребованность
///
/// За выбранный период (и в одном городе, если задан): жизненные ситуации — сколько раз
/// открывали и строили маршрут; города — сколько открывали, строили и искали без результата;
/// самые частые поиски без результата. Только суммы, ничего о людях.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(UnmetSearchQuery),
    responses(
        (status = 200, description = "Отчёт", body = UsageReport),
        (status = 400, description = "Неверный параметр", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не модератор", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/backoffice/usage")]
pub async fn usage(_moderator: Moderator, store: web::Data<Store>, query: QueryParams<UnmetSearchQuery>) -> Result<HttpResponse, ApiError> {
    let (filter, since) = super::unmet_searches::period(&store, &query.into_inner()?).await?;
    let report: UsageReport = store.usage(filter.days, since, filter.municipality.as_ref().map(|s| s.as_str())).await?;
    Ok(private_json(StatusCode::OK, &report))
}
