//! The municipalities of the project.

use actix_web::{HttpRequest, HttpResponse, get, web};
use socio_domain::api::{Municipality, Problem};
use socio_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::tags;
use crate::{ApiError, http::cached_json};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_municipalities);
}

/// Города
///
/// 14 городов проекта с координатами центра и центром СОЦИО. Код города (`slug`) — значение
/// параметра `municipality` в других запросах.
#[utoipa::path(
    tag = tags::DIRECTORY,
    responses(
        (status = 200, description = "Список городов", body = Vec<Municipality>),
        (status = 304, description = "Не изменилось с прошлого запроса (If-None-Match)"),
        (status = 500, description = "Внутренняя ошибка", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/municipalities")]
async fn list_municipalities(req: HttpRequest, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    cached_json(&req, &store.municipalities().await?)
}
