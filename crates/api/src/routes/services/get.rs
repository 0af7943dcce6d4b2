use actix_web::{HttpRequest, HttpResponse, get, web};
use socio_domain::api::{Problem, ServiceDetail};
use socio_store::Store;

use crate::{
    ApiError,
    http::{cached_json, parse_key},
    routes::tags,
    views::ViewCounter,
};

/// Услуга
///
/// Всё, что нужно, чтобы получить услугу: кто может получить, документы, как обратиться,
/// стоимость, организация, адреса с часами работы и доступностью, контакты.
#[utoipa::path(
    tag = tags::SERVICES,
    params(("id_or_slug" = String, Path, description = "Идентификатор (число) или код услуги")),
    responses(
        (status = 200, description = "Услуга", body = ServiceDetail),
        (status = 304, description = "Не изменилось с прошлого запроса (If-None-Match)"),
        (status = 400, description = "Неверный идентификатор", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Услуга не найдена или не опубликована", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/services/{id_or_slug}")]
pub async fn get_service(
    req: HttpRequest,
    store: web::Data<Store>,
    views: web::Data<ViewCounter>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key = parse_key(&path)?;
    let service = store.service(&key).await?.ok_or(ApiError::NotFound("Услуга"))?;
    views.add(service.id);
    cached_json(&req, &service)
}
