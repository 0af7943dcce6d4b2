//! Facts about the installation, e.g. whether the demo dataset is loaded.

use actix_web::{HttpRequest, HttpResponse, get, web};
use socio_domain::api::{Meta, Problem};
use socio_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::tags;
use crate::{ApiError, http::cached_json};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(meta);
}

/// Сведения о платформе
///
/// Версия, количество записей и признак демонстрационных данных (`demo`): если он `true`,
/// контакты вымышлены и приложение должно показывать пометку «Демонстрационные данные».
#[utoipa::path(
    tag = tags::DIRECTORY,
    responses(
        (status = 200, description = "Сведения о платформе", body = Meta),
        (status = 304, description = "Не изменилось с прошлого запроса (If-None-Match)"),
        (status = 500, description = "Внутренняя ошибка", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/meta")]
async fn meta(req: HttpRequest, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    cached_json(&req, &store.meta().await?)
}
