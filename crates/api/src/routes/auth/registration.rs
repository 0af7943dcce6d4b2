//! A partner's registration and the confirmation of the address.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, post, web};
use socio_domain::{
    api::{EmailOnly, Me, OneTimeToken, Problem, Registration, RegistrationTarget, ValidRegistration},
    vocabulary::UserRole,
};
use socio_store::{NewAccount, RegistrationRequest, Store, TokenPurpose};

use super::{invalid_token, me_view, token_hash};
use crate::{
    ApiError,
    auth::{PasswordHasher, hash_token, random_token},
    http::{JsonBody, private_json},
    mail::{Outgoing, letters},
    rate_limit::{REGISTER_PER_IP, RateLimiter},
    routes::tags,
};

/// Регистрация партнёра
///
/// Сотрудник организации создаёт учётную запись: либо вместе с новой организацией (она станет
/// видна гражданам после проверки модератором), либо с заявкой на управление организацией,
/// которая уже есть в справочнике. На почту придёт письмо со ссылкой для подтверждения.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = Registration,
    responses(
        (status = 201, description = "Учётная запись создана; письмо для подтверждения отправлено", body = Me),
        (status = 400, description = "Тело не JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Неверные поля (каждое названо), почта уже зарегистрирована, организации нет в справочнике", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Слишком много регистраций с этого адреса", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/register")]
pub async fn register(
    req: HttpRequest,
    store: web::Data<Store>,
    hasher: web::Data<PasswordHasher>,
    limiter: web::Data<RateLimiter>,
    mail: web::Data<Outgoing>,
    body: JsonBody<Registration>,
) -> Result<HttpResponse, ApiError> {
    limiter.check(&format!("register:ip:{}", limiter.client_ip(&req)), REGISTER_PER_IP).await?;
    let registration = ValidRegistration::try_from(&body.into_inner()?).map_err(ApiError::Validation)?;
    let password_hash = hasher.hash(registration.password.expose().to_owned()).await?;
    let new = NewAccount {
        email: registration.email.clone(),
        password_hash,
        display_name: registration.display_name.clone(),
        role: UserRole::Partner,
        organization_id: None,
        org_admin: false,
        email_confirmed: false,
    };
    let request = match registration.organization {
        RegistrationTarget::New(org) => RegistrationRequest::New(org),
        RegistrationTarget::Claim(slug) => RegistrationRequest::Claim(slug.to_string()),
    };
    let token = random_token()?;
    let user_id = store.register_partner(&new, &request, &hash_token(&token)).await?;
    mail.send(letters::confirmation(registration.email.as_str(), &registration.display_name, &mail.link("confirm", &token))).await?;
    let account = store.account(user_id).await?.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the new user vanished")))?;
    Ok(private_json(StatusCode::CREATED, &me_view(&store, &account).await?))
}

/// Подтвердить почту
///
/// Код из ссылки в письме подтверждает адрес; после этого можно войти. Ссылка действует 3 дня
/// и срабатывает один раз.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = OneTimeToken,
    responses(
        (status = 204, description = "Почта подтверждена"),
        (status = 422, description = "Ссылка недействительна или уже использована", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/confirm-email")]
pub async fn confirm_email(store: web::Data<Store>, body: JsonBody<OneTimeToken>) -> Result<HttpResponse, ApiError> {
    let hash = token_hash(&body.into_inner()?.token).ok_or_else(invalid_token)?;
    let user_id = store.use_one_time_token(TokenPurpose::ConfirmEmail, &hash).await?.ok_or_else(invalid_token)?;
    store.confirm_email(user_id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Отправить письмо ещё раз
///
/// Новое письмо для подтверждения почты. Ответ одинаковый, есть такая учётная запись или нет.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = EmailOnly,
    responses(
        (status = 202, description = "Если учётная запись есть и почта не подтверждена, письмо отправлено"),
        (status = 422, description = "Почта не похожа на адрес", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Слишком много писем", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/resend-confirmation")]
pub async fn resend_confirmation(
    req: HttpRequest,
    store: web::Data<Store>,
    limiter: web::Data<RateLimiter>,
    mail: web::Data<Outgoing>,
    body: JsonBody<EmailOnly>,
) -> Result<HttpResponse, ApiError> {
    let letter = |account: &socio_store::Account, link: &str| letters::confirmation(&account.email, &account.display_name, link);
    super::letter_with_link(&req, &store, &limiter, &mail, &body.into_inner()?, TokenPurpose::ConfirmEmail, |a| !a.email_confirmed, letter)
        .await
}
