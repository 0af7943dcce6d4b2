//! Offline «СОЦИО» centres, where a consultant helps in person.

use actix_web::{HttpRequest, HttpResponse, get, web};
use socio_domain::api::{Problem, SocioCentre};
use socio_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::tags;
use crate::{ApiError, http::cached_json};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_socio_centres);
}

/// Центры СОЦИО
///
/// Очные центры «Социального кластера» по городам: сначала работающие, затем планируемые.
#[utoipa::path(
    tag = tags::DIRECTORY,
    responses(
        (status = 200, description = "Центры СОЦИО", body = Vec<SocioCentre>),
        (status = 304, description = "Не изменилось с прошлого запроса (If-None-Match)"),
        (status = 500, description = "Внутренняя ошибка", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/socio-centres")]
async fn list_socio_centres(req: HttpRequest, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    cached_json(&req, &store.socio_centres().await?)
}
