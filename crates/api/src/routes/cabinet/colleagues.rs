//! Colleagues: several users per organization; its cabinet's administrator invites and removes.

use actix_web::{HttpResponse, delete, get, http::StatusCode, post, web};
use socio_domain::api::{Colleague, Invitation, Problem};
use socio_store::Store;

use super::records::id;
use crate::{
    ApiError,
    auth::{OrgAdmin, Partner, hash_token, random_token},
    http::{JsonBody, private_json},
    mail::{Outgoing, letters},
    routes::tags,
};

/// Коллеги
///
/// Пользователи кабинета организации.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Коллеги", body = Vec<Colleague>),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cabinet/colleagues")]
pub async fn list_colleagues(partner: Partner, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    Ok(private_json(StatusCode::OK, &store.colleagues(partner.organization_id).await?))
}

/// Пригласить коллегу
///
/// Коллеге придёт письмо со ссылкой: он задаст пароль и войдёт в кабинет организации; учётная
/// запись появится, когда он примет приглашение. Только для администратора кабинета и только
/// после того, как модератор одобрил организацию; не больше 20 приглашений в сутки (настройка
/// `SOCIO_INVITATIONS_PER_DAY`).
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    request_body = Invitation,
    responses(
        (status = 201, description = "Приглашение отправлено", body = Vec<Colleague>),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не администратор кабинета, или организация ещё не одобрена (`organization_not_approved`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Неверная почта или на неё уже есть учётная запись", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Приглашений за сутки больше лимита (`invitation_limit`); см. Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cabinet/colleagues")]
pub async fn invite_colleague(
    admin: OrgAdmin,
    store: web::Data<Store>,
    mail: web::Data<Outgoing>,
    policy: web::Data<crate::settings::AccountPolicy>,
    body: JsonBody<Invitation>,
) -> Result<HttpResponse, ApiError> {
    let (email, name) = body.into_inner()?.parse().map_err(ApiError::Validation)?;
    let partner = &admin.0;
    let token = random_token()?;
    store
        .invite_colleague(partner.user_id(), partner.organization_id, &email, &name, &hash_token(&token), policy.invitations_per_day)
        .await?;
    let organization = store.my_organization(partner.organization_id).await?.map(|o| o.name).unwrap_or_default();
    mail.send(letters::invitation(email.as_str(), &organization, &mail.link("invitation", &token))).await?;
    Ok(private_json(StatusCode::CREATED, &store.colleagues(partner.organization_id).await?))
}

/// Удалить коллегу
///
/// Коллега больше не может войти; его сеансы завершаются. Себя удалить нельзя; администратора,
/// который работал в кабинете раньше вас, удаляет только оператор (403 `admin_was_first`).
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Идентификатор пользователя")),
    responses(
        (status = 204, description = "Удалён"),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не администратор кабинета организации, или администратор, пришедший раньше вас", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такого коллеги в вашей организации", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Нельзя удалить себя", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/cabinet/colleagues/{id}")]
pub async fn remove_colleague(admin: OrgAdmin, store: web::Data<Store>, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = id(path)?;
    let partner = &admin.0;
    if id == partner.user_id() {
        return Err(ApiError::Conflict {
            code: "cannot_remove_self",
            detail: "Себя удалить нельзя: попросите другого администратора.".to_owned(),
        });
    }
    if !store.remove_colleague(partner.user_id(), partner.organization_id, id).await? {
        return Err(ApiError::RecordNotFound("Коллега"));
    }
    Ok(HttpResponse::NoContent().finish())
}
