//! The partner's revisions: what was proposed, its status and the moderator's comment.

use actix_web::{HttpResponse, get, http::StatusCode, web};
use socio_domain::api::{Page, PageQuery, PageRequest, Problem, RevisionView};
use socio_store::{RevisionScope, Store};

use super::records::id;
use crate::{
    ApiError,
    auth::Partner,
    http::{QueryParams, page, parse_filter, private_json},
    routes::tags,
};

/// Мои изменения
///
/// Все предложенные изменения организации, новые первыми: что менялось (было и стало), статус и
/// комментарий модератора.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "Страница изменений", body = Page<RevisionView>),
        (status = 400, description = "Неверный параметр или страница", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cabinet/revisions")]
pub async fn list_revisions(partner: Partner, store: web::Data<Store>, query: QueryParams<PageQuery>) -> Result<HttpResponse, ApiError> {
    let request: PageRequest = parse_filter(&query.into_inner()?)?;
    let (items, total) = store.revisions(RevisionScope::Organization(partner.organization_id), request).await?;
    Ok(private_json(StatusCode::OK, &page(request, items, total)?))
}

/// Изменение
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Номер изменения")),
    responses(
        (status = 200, description = "Изменение", body = RevisionView),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такого изменения у вашей организации", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cabinet/revisions/{id}")]
pub async fn get_revision(partner: Partner, store: web::Data<Store>, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    Ok(private_json(StatusCode::OK, &store.revision(id(path)?, Some(partner.organization_id)).await?))
}
