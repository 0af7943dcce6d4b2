use actix_web::{HttpRequest, HttpResponse, get, web};
use socio_domain::{
    Slug,
    api::{FieldError, Problem, SituationDetail},
};
use socio_store::{SituationUse, Store};

use crate::{ApiError, http::cached_json, routes::tags, views::ViewCounter};

/// Жизненная ситуация
///
/// Вопросы, уточняющие маршрут, и все шаги алгоритма по порядку: что сделать, куда
/// обратиться, какие документы взять. Условия шагов решают, какие шаги нужны человеку.
#[utoipa::path(
    tag = tags::SITUATIONS,
    params(("slug" = String, Path, description = "Код ситуации, например `childbirth`")),
    responses(
        (status = 200, description = "Ситуация", body = SituationDetail),
        (status = 304, description = "Не изменилось с прошлого запроса (If-None-Match)"),
        (status = 400, description = "Неверный код ситуации", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Ситуация не найдена или не опубликована", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/situations/{slug}")]
pub async fn get_situation(
    req: HttpRequest,
    store: web::Data<Store>,
    views: web::Data<ViewCounter>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let slug = Slug::parse(&path).map_err(|e| {
        ApiError::InvalidParameters(vec![FieldError::new("slug", "invalid_slug", format!("«{}» — не код ситуации: {e}.", path.as_str()))])
    })?;
    let situation = store.situation(&slug).await?.ok_or(ApiError::NotFound("Ситуация"))?;
    views.add_situation(slug.as_str(), None, SituationUse::Opened);
    cached_json(&req, &situation)
}
