use actix_web::{HttpRequest, HttpResponse, get, web};
use socio_domain::api::{OrganizationDetail, Problem};
use socio_store::Store;

use crate::{
    ApiError,
    http::{cached_json, parse_key},
    routes::tags,
};

/// Организация
///
/// Профиль организации: реквизиты, контакты, адреса с часами работы и доступностью,
/// опубликованные услуги.
#[utoipa::path(
    tag = tags::ORGANIZATIONS,
    params(("id_or_slug" = String, Path, description = "Идентификатор (число) или код организации")),
    responses(
        (status = 200, description = "Организация", body = OrganizationDetail),
        (status = 304, description = "Не изменилось с прошлого запроса (If-None-Match)"),
        (status = 400, description = "Неверный идентификатор", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Организация не найдена или не опубликована", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organizations/{id_or_slug}")]
pub async fn get_organization(req: HttpRequest, store: web::Data<Store>, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let key = parse_key(&path)?;
    let organization = store.organization(&key).await?.ok_or(ApiError::NotFound("Организация"))?;
    cached_json(&req, &organization)
}
