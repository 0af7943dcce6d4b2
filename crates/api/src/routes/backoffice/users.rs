//! The operator's people and their roles, managed by an admin: an invitation letter for a new
//! moderator, editor or admin; a role change is audited with before and after, and so is
//! closing someone's access (their sessions end at once).

use actix_web::{HttpResponse, get, http::StatusCode, post, put, web};
use socio_domain::api::{AccessChange, NewOperator, Operator, Problem, RoleChange};
use socio_store::Store;

use crate::{
    ApiError,
    auth::{Admin, PasswordHasher, hash_token, random_token},
    http::{JsonBody, private_json},
    mail::{Outgoing, letters},
    routes::tags,
};

/// Сотрудники оператора
///
/// Модераторы, редакторы и администраторы: роль, принято ли приглашение, последний вход. Только
/// для администратора.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Сотрудники", body = Vec<Operator>),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не администратор", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/backoffice/users")]
pub async fn list_operators(_admin: Admin, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    Ok(private_json(StatusCode::OK, &store.operators().await?))
}

/// Пригласить сотрудника
///
/// Новому модератору, редактору или администратору придёт письмо со ссылкой: он задаст пароль и
/// войдёт. Приглашение записывается в журнал.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    request_body = NewOperator,
    responses(
        (status = 201, description = "Приглашение отправлено; в ответе — все сотрудники", body = Vec<Operator>),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не администратор", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Неверная почта, на неё уже есть учётная запись, или роль партнёра", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/backoffice/users")]
pub async fn invite_operator(
    admin: Admin,
    store: web::Data<Store>,
    mail: web::Data<Outgoing>,
    body: JsonBody<NewOperator>,
) -> Result<HttpResponse, ApiError> {
    let (email, name, role) = body.into_inner()?.parse().map_err(ApiError::Validation)?;
    let token = random_token()?;
    store.invite_operator(admin.user_id(), &email, &name, role, &PasswordHasher::unusable(), &hash_token(&token)).await?;
    mail.send(letters::invitation(email.as_str(), &format!("Социальный кластер: {}", role.label()), &mail.link("invitation", &token)))
        .await?;
    Ok(private_json(StatusCode::CREATED, &store.operators().await?))
}

/// Сменить роль
///
/// Модератор, редактор или администратор. Свою роль поменять нельзя (409), роль партнёра не
/// назначается. Новая роль действует со следующего запроса; смена записывается в журнал.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Идентификатор пользователя")),
    request_body = RoleChange,
    responses(
        (status = 200, description = "Роль изменена", body = Operator),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не администратор", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такого сотрудника", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Своя роль или партнёр", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Роль партнёра", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/backoffice/users/{id}/role")]
pub async fn change_role(
    admin: Admin,
    store: web::Data<Store>,
    path: web::Path<i64>,
    body: JsonBody<RoleChange>,
) -> Result<HttpResponse, ApiError> {
    let operator = store
        .change_role(admin.user_id(), path.into_inner(), body.into_inner()?.role)
        .await?
        .ok_or(ApiError::RecordNotFound("Сотрудник"))?;
    Ok(private_json(StatusCode::OK, &operator))
}

/// Закрыть или открыть доступ
///
/// `{"active": false}` закрывает доступ сотрудника оператора: все его сеансы завершаются, со
/// следующего запроса ответ 401, войти нельзя; `{"active": true}` открывает снова. Свой доступ
/// закрыть нельзя (409). Записывается в журнал. Только для администратора.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Идентификатор пользователя")),
    request_body = AccessChange,
    responses(
        (status = 200, description = "Доступ изменён", body = Operator),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не администратор", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такого сотрудника", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Свой доступ или партнёр", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Тело не по схеме", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/backoffice/users/{id}/active")]
pub async fn change_access(
    admin: Admin,
    store: web::Data<Store>,
    path: web::Path<i64>,
    body: JsonBody<AccessChange>,
) -> Result<HttpResponse, ApiError> {
    let operator = store
        .set_operator_active(admin.user_id(), path.into_inner(), body.into_inner()?.active)
        .await?
        .ok_or(ApiError::RecordNotFound("Сотрудник"))?;
    Ok(private_json(StatusCode::OK, &operator))
}
