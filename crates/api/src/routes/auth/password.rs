//! Passwords: changing one's own, a reset by letter, and accepting a colleague's invitation.

use actix_web::{HttpRequest, HttpResponse, post, web};
use socio_domain::{
    account::Email,
    api::{EmailOnly, FieldError, NewPasswordWithToken, PasswordChange, Problem, Session, new_password},
};
use socio_store::{Store, TokenPurpose};

use super::{invalid_token, session::session_response, token_hash};
use crate::{
    ApiError,
    auth::{AuthUser, JwtKeys, PasswordHasher},
    http::JsonBody,
    mail::{Outgoing, letters},
    rate_limit::{LOGIN_PER_ACCOUNT, RateLimiter},
    routes::tags,
};

fn email_of(account: &socio_store::Account) -> Result<Email, ApiError> {
    Email::parse(&account.email).map_err(|e| ApiError::Internal(anyhow::anyhow!("stored e-mail: {e}")))
}

/// Сменить пароль
///
/// Нужен текущий пароль. Все остальные сеансы (другие браузеры и устройства) завершаются;
/// этот получает новый токен.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = PasswordChange,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Пароль изменён; новый токен доступа", body = Session),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Неверный текущий пароль или новый не подходит", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Слишком много попыток", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password")]
pub async fn change_password(
    user: AuthUser,
    store: web::Data<Store>,
    keys: web::Data<JwtKeys>,
    hasher: web::Data<PasswordHasher>,
    limiter: web::Data<RateLimiter>,
    policy: web::Data<crate::settings::AccountPolicy>,
    body: JsonBody<PasswordChange>,
) -> Result<HttpResponse, ApiError> {
    limiter.check(&format!("login:account:{}", user.account.email), LOGIN_PER_ACCOUNT).await?;
    let change = body.into_inner()?;
    if change.current_password.chars().count() > socio_domain::account::MAX_PASSWORD_CHARS
        || !hasher.verify(change.current_password, Some(user.account.password_hash.clone())).await?
    {
        return Err(ApiError::Validation(vec![FieldError::new("current_password", "wrong_password", "Текущий пароль введён неверно.")]));
    }
    let password = new_password("new_password", &change.new_password, &email_of(&user.account)?).map_err(ApiError::Validation)?;
    let hash = hasher.hash(password.expose().to_owned()).await?;
    store.set_password(user.account.id, &hash, user.session.as_deref()).await?;
    let account = store.account(user.account.id).await?.ok_or(ApiError::Unauthorized)?;
    match &user.session {
        Some(family) => session_response(&store, &keys, &account, family, None).await,
        None => super::session::new_session(&store, &keys, &policy, &account).await,
    }
}

/// Забыли пароль
///
/// Письмо со ссылкой для нового пароля (действует 1 час). Ответ одинаковый, есть такая учётная
/// запись или нет.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = EmailOnly,
    responses(
        (status = 202, description = "Если учётная запись есть, письмо отправлено"),
        (status = 422, description = "Почта не похожа на адрес", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Слишком много писем", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset")]
pub async fn request_reset(
    req: HttpRequest,
    store: web::Data<Store>,
    limiter: web::Data<RateLimiter>,
    mail: web::Data<Outgoing>,
    body: JsonBody<EmailOnly>,
) -> Result<HttpResponse, ApiError> {
    let letter = |account: &socio_store::Account, link: &str| letters::password_reset(&account.email, link);
    super::letter_with_link(&req, &store, &limiter, &mail, &body.into_inner()?, TokenPurpose::ResetPassword, |_| true, letter).await
}

async fn set_with_token(
    store: &Store,
    hasher: &PasswordHasher,
    purpose: TokenPurpose,
    body: NewPasswordWithToken,
) -> Result<HttpResponse, ApiError> {
    let hash = token_hash(&body.token).ok_or_else(invalid_token)?;
    // The policy is checked before the token is spent, so a weak password does not burn the link.
    let Some(account) = store.account_by_token(purpose, &hash).await? else { return Err(invalid_token()) };
    let password = new_password("password", &body.password, &email_of(&account)?).map_err(ApiError::Validation)?;
    let user_id = store.use_one_time_token(purpose, &hash).await?.ok_or_else(invalid_token)?;
    let password_hash = hasher.hash(password.expose().to_owned()).await?;
    store.set_password(user_id, &password_hash, None).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Задать новый пароль
///
/// Код из письма «Восстановление пароля» и новый пароль. Все сеансы завершаются.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = NewPasswordWithToken,
    responses(
        (status = 204, description = "Пароль изменён; войдите с новым паролем"),
        (status = 422, description = "Ссылка недействительна или пароль не подходит", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/password-reset/confirm")]
pub async fn reset_password(
    store: web::Data<Store>,
    hasher: web::Data<PasswordHasher>,
    body: JsonBody<NewPasswordWithToken>,
) -> Result<HttpResponse, ApiError> {
    set_with_token(&store, &hasher, TokenPurpose::ResetPassword, body.into_inner()?).await
}

/// Принять приглашение
///
/// Код из письма-приглашения и пароль: учётная запись коллеги создаётся (до этого адрес свободен)
/// и сразу действует.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = NewPasswordWithToken,
    responses(
        (status = 204, description = "Приглашение принято; войдите с этим паролем"),
        (status = 422, description = "Ссылка недействительна, пароль не подходит или на адрес уже есть учётная запись", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/invitation/accept")]
pub async fn accept_invitation(
    store: web::Data<Store>,
    hasher: web::Data<PasswordHasher>,
    body: JsonBody<NewPasswordWithToken>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner()?;
    let hash = token_hash(&body.token).ok_or_else(invalid_token)?;
    // A colleague's invitation makes the account now; an operator's was made by the admin.
    let Some(invited) = store.invited_email(&hash).await? else {
        return set_with_token(&store, &hasher, TokenPurpose::Invitation, body).await;
    };
    let email = Email::parse(&invited).map_err(|e| ApiError::Internal(anyhow::anyhow!("stored e-mail: {e}")))?;
    let password = new_password("password", &body.password, &email).map_err(ApiError::Validation)?;
    let password_hash = hasher.hash(password.expose().to_owned()).await?;
    store.accept_invitation(&hash, &password_hash).await?.ok_or_else(invalid_token)?;
    Ok(HttpResponse::NoContent().finish())
}
