//! The organization's own profile: read, save (a draft in place, a published profile as a
//! revision), submit a new organization to moderation, confirm it is still true.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, put, web};
use socio_domain::api::{Editable, OrganizationInput, Problem};
use socio_store::{Kind, Store};

use super::records;
use crate::{ApiError, auth::Partner, http::JsonBody, routes::tags};

/// Моя организация
///
/// Профиль организации для редактирования: данные формы, статус, последнее решение модератора.
/// ETag — версия для If-Match.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Профиль", body = Editable<OrganizationInput>),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации или организация ещё не подтверждена", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cabinet/organization")]
pub async fn get_organization(partner: Partner, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    records::get::<OrganizationInput>(&partner, &store, partner.organization_id, StatusCode::OK).await
}

/// Сохранить профиль организации
///
/// Пока организация не опубликована, профиль меняется сразу; у опубликованной изменение уходит
/// модератору. Нужен If-Match.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    params(("If-Match" = String, Header, description = "ETag профиля из последнего GET, например \"v3\"")),
    request_body = OrganizationInput,
    responses(
        (status = 200, description = "Сохранено; новый ETag", body = Editable<OrganizationInput>),
        (status = 400, description = "Тело не JSON или If-Match не разбирается", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации или организация ещё не подтверждена", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Профиль изменился после вашего GET", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Неверные поля, каждое названо", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "Нет заголовка If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/cabinet/organization")]
pub async fn update_organization(
    req: HttpRequest,
    partner: Partner,
    store: web::Data<Store>,
    body: JsonBody<OrganizationInput>,
) -> Result<HttpResponse, ApiError> {
    records::update(&req, &partner, &store, partner.organization_id, body.into_inner()?).await
}

/// Отправить организацию на модерацию
///
/// Новая организация уходит модератору; после одобрения она и её одобренные услуги появятся в
/// каталоге.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Отправлено", body = Editable<OrganizationInput>),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Организация уже на модерации или опубликована", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cabinet/organization/submit")]
pub async fn submit_organization(partner: Partner, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    records::submit::<OrganizationInput>(&partner, &store, partner.organization_id).await
}

/// Данные организации актуальны
///
/// Подтверждает, что профиль опубликованной организации по-прежнему верен.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Подтверждено", body = Editable<OrganizationInput>),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Организация ещё не опубликована", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cabinet/organization/confirm")]
pub async fn confirm_organization(partner: Partner, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    store.confirm_record(partner.user_id(), Kind::Organization, partner.organization_id, partner.organization_id).await?;
    records::get::<OrganizationInput>(&partner, &store, partner.organization_id, StatusCode::OK).await
}
