use actix_web::{HttpRequest, HttpResponse, get, web};
use socio_domain::api::{Page, Problem, ServiceFilter, ServiceQuery, ServiceSummary};

use crate::{
    ApiError,
    catalogue::Catalogue,
    http::{cached_json, page, parse_filter},
    routes::tags,
};

/// Каталог услуг
///
/// Опубликованные услуги с фильтрами по городу, категории, категории получателей, формату,
/// стоимости, возрасту и словам; постранично, с общим количеством.
#[utoipa::path(
    tag = tags::SERVICES,
    params(ServiceQuery),
    responses(
        (status = 200, description = "Страница услуг", body = Page<ServiceSummary>),
        (status = 304, description = "Не изменилось с прошлого запроса (If-None-Match)"),
        (status = 400, description = "Неверный параметр: неизвестное значение, страница вне диапазона, неизвестный параметр", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/services")]
pub async fn list_services(req: HttpRequest, catalogue: Catalogue, query: web::Query<ServiceQuery>) -> Result<HttpResponse, ApiError> {
    let filter: ServiceFilter = parse_filter(&*query)?;
    let (items, total) = catalogue.services(filter.clone()).await?;
    cached_json(&req, &page(filter.page, items, total)?)
}
