//! Citizens' reports about the partner's records, and marking them resolved.

use actix_web::{HttpResponse, get, http::StatusCode, post, web};
use socio_domain::api::{CabinetReport, Problem, ResolveReport};
use socio_store::Store;

use super::records::id;
use crate::{
    ApiError,
    auth::Partner,
    http::{JsonBody, private_json},
    routes::tags,
};

/// Сообщения о неточностях
///
/// Что граждане сообщили об услугах и профиле организации: сначала нерешённые.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Сообщения (до 200)", body = Vec<CabinetReport>),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cabinet/reports")]
pub async fn list_reports(partner: Partner, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    Ok(private_json(StatusCode::OK, &store.partner_reports(partner.organization_id).await?))
}

/// Сообщение решено
///
/// Отмечает сообщение решённым с комментарием, что сделано.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Номер сообщения")),
    request_body = ResolveReport,
    responses(
        (status = 204, description = "Отмечено решённым"),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такого сообщения у вашей организации", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Сообщение уже решено", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Нет комментария", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cabinet/reports/{id}/resolve")]
pub async fn resolve_report(
    partner: Partner,
    store: web::Data<Store>,
    path: web::Path<i64>,
    body: JsonBody<ResolveReport>,
) -> Result<HttpResponse, ApiError> {
    let id = id(path)?;
    let comment = body.into_inner()?.comment().map_err(ApiError::Validation)?;
    match store.report_of(partner.organization_id, id).await? {
        None => return Err(ApiError::RecordNotFound("Сообщение")),
        Some(true) => {
            return Err(ApiError::Conflict {
                code: "already_resolved", detail: "Сообщение уже отмечено решённым.".to_owned()
            });
        }
        Some(false) => {}
    }
    if !store.resolve_report(partner.user_id(), partner.organization_id, id, &comment).await? {
        return Err(ApiError::Conflict {
            code: "already_resolved", detail: "Сообщение уже отмечено решённым.".to_owned()
        });
    }
    Ok(HttpResponse::NoContent().finish())
}
