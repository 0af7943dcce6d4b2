use actix_web::{HttpRequest, HttpResponse, get, web};
use socio_domain::api::{OrganizationFilter, OrganizationQuery, OrganizationSummary, Page, Problem};

use crate::{
    ApiError,
    catalogue::Catalogue,
    http::{cached_json, page, parse_filter},
    routes::tags,
};

/// Справочник организаций
///
/// Опубликованные организации с фильтрами по городу, виду, сфере и словам; постранично.
#[utoipa::path(
    tag = tags::ORGANIZATIONS,
    params(OrganizationQuery),
    responses(
        (status = 200, description = "Страница организаций", body = Page<OrganizationSummary>),
        (status = 304, description = "Не изменилось с прошлого запроса (If-None-Match)"),
        (status = 400, description = "Неверный параметр: неизвестное значение, страница вне диапазона, неизвестный параметр", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organizations")]
pub async fn list_organizations(
    req: HttpRequest,
    catalogue: Catalogue,
    query: web::Query<OrganizationQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter: OrganizationFilter = parse_filter(&*query)?;
    let (items, total) = catalogue.organizations(filter.clone()).await?;
    cached_json(&req, &page(filter.page, items, total)?)
}
