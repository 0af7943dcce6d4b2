use actix_web::{HttpRequest, HttpResponse, get, web};
use socio_domain::api::{Page, Problem, SituationFilter, SituationQuery, SituationSummary};

use crate::{
    ApiError,
    catalogue::Catalogue,
    http::{cached_json, page, parse_filter},
    routes::tags,
};

/// Жизненные ситуации
///
/// Опубликованные жизненные ситуации («Рождение ребёнка», «Установление инвалидности» …) с
/// фильтрами по категории получателей, категории услуг и словам.
#[utoipa::path(
    tag = tags::SITUATIONS,
    params(SituationQuery),
    responses(
        (status = 200, description = "Страница ситуаций", body = Page<SituationSummary>),
        (status = 304, description = "Не изменилось с прошлого запроса (If-None-Match)"),
        (status = 400, description = "Неверный параметр: неизвестное значение, страница вне диапазона, неизвестный параметр", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/situations")]
pub async fn list_situations(req: HttpRequest, catalogue: Catalogue, query: web::Query<SituationQuery>) -> Result<HttpResponse, ApiError> {
    let filter: SituationFilter = parse_filter(&*query)?;
    let (items, total) = catalogue.situations(filter.clone()).await?;
    cached_json(&req, &page(filter.page, items, total)?)
}
