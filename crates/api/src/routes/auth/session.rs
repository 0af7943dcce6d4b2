//! Signing in and out, and keeping a session alive with the rotating refresh cookie.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use socio_domain::api::{Login, Me, Problem, Session, ValidLogin};
use socio_store::{Refresh, Store};

use super::{REFRESH_COOKIE, cleared_cookie, me_view, refresh_cookie};
use crate::{
    ApiError,
    auth::{ACCESS_TOKEN_SECONDS, AuthUser, JwtKeys, PasswordHasher, hash_token, random_token},
    http::{JsonBody, private_json},
    rate_limit::{LOGIN_PER_ACCOUNT, LOGIN_PER_IP, RateLimiter},
    routes::tags,
    settings::AccountPolicy,
};

/// A session answer: the access token in the body, the refresh token in the cookie.
pub(crate) async fn session_response(
    store: &Store,
    keys: &JwtKeys,
    account: &socio_store::Account,
    family: &str,
    refresh_token: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let access_token = keys.issue(account.id, ACCESS_TOKEN_SECONDS, Some(family)).map_err(ApiError::Internal)?;
    let session = Session {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: ACCESS_TOKEN_SECONDS as u32,
        user: me_view(store, account).await?,
    };
    let mut response = private_json(StatusCode::OK, &session);
    if let Some(token) = refresh_token {
        response.add_cookie(&refresh_cookie(token)).map_err(|e| ApiError::Internal(e.into()))?;
    }
    Ok(response)
}

/// Starts a new session (family) for `account`.
pub(crate) async fn new_session(
    store: &Store,
    keys: &JwtKeys,
    policy: &AccountPolicy,
    account: &socio_store::Account,
) -> Result<HttpResponse, ApiError> {
    let family = random_token()?;
    let first = random_token()?;
    store.start_session(account, &family, &hash_token(&first), &policy.sessions).await?;
    session_response(store, keys, account, &family, Some(&first)).await
}

/// Вход
///
/// Вход в кабинет по почте и паролю. Возвращает токен доступа на 15 минут и ставит cookie
/// `socio_refresh` (HttpOnly, Secure, SameSite=Strict) для продления входа. При неверной почте
/// и неверном пароле ответ одинаковый. Не больше 10 попыток за 15 минут на учётную запись.
#[utoipa::path(
    tag = tags::AUTH,
    request_body = Login,
    responses(
        (status = 200, description = "Вход выполнен; cookie socio_refresh установлена", body = Session),
        (status = 400, description = "Тело не JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Неверная почта или пароль", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Почта не подтверждена", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Почта не похожа на адрес", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Слишком много попыток; см. Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    store: web::Data<Store>,
    keys: web::Data<JwtKeys>,
    hasher: web::Data<PasswordHasher>,
    limiter: web::Data<RateLimiter>,
    policy: web::Data<AccountPolicy>,
    body: JsonBody<Login>,
) -> Result<HttpResponse, ApiError> {
    let address = limiter.client_ip(&req);
    limiter.check(&format!("login:ip:{address}"), LOGIN_PER_IP).await?;
    let login = ValidLogin::try_from(&body.into_inner()?).map_err(ApiError::Validation)?;
    // Per account from this address: a stranger's wrong guesses do not lock the owner out
    // elsewhere, and the per-address limit above still stops one address guessing widely.
    limiter.check(&format!("login:account:{address}:{}", login.email), LOGIN_PER_ACCOUNT).await?;
    let account = store.account_by_email(&login.email).await?.filter(|a| a.active);
    let matches = hasher.verify(login.password, account.as_ref().map(|a| a.password_hash.clone())).await?;
    let account = account.filter(|_| matches).ok_or(ApiError::InvalidCredentials)?;
    if !account.email_confirmed {
        return Err(ApiError::EmailNotConfirmed);
    }
    store.record_login(account.id).await?;
    new_session(&store, &keys, &policy, &account).await
}

/// Продлить вход
///
/// Обменивает cookie `socio_refresh` на новый токен доступа и новую cookie. Каждая cookie
/// годится один раз: повторное использование уже обменянной cookie завершает весь сеанс
/// (значит, её копия у кого-то ещё).
#[utoipa::path(
    tag = tags::AUTH,
    responses(
        (status = 200, description = "Новый токен доступа; cookie обновлена", body = Session),
        (status = 401, description = "Cookie нет, она устарела или уже использована (сеанс завершён)", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    store: web::Data<Store>,
    keys: web::Data<JwtKeys>,
    policy: web::Data<AccountPolicy>,
) -> Result<HttpResponse, ApiError> {
    let refused = || {
        let mut response = actix_web::ResponseError::error_response(&ApiError::Unauthorized);
        let _ = response.add_cookie(&cleared_cookie());
        response
    };
    let Some(presented) = req.cookie(REFRESH_COOKIE).map(|c| c.value().to_owned()).filter(|v| !v.is_empty() && v.len() <= 128) else {
        return Ok(refused());
    };
    let next = random_token()?;
    match store.rotate_session(&hash_token(&presented), &hash_token(&next), &policy.sessions).await? {
        Refresh::Rotated { user_id, family } => {
            let account = store.account(user_id).await?.filter(|a| a.active).ok_or(ApiError::Unauthorized)?;
            session_response(&store, &keys, &account, &family, Some(&next)).await
        }
        Refresh::Reused | Refresh::Invalid | Refresh::Ended => Ok(refused()),
    }
}

/// Выйти
///
/// Завершает сеанс этого браузера: cookie `socio_refresh` и токены доступа этого сеанса больше
/// не действуют.
#[utoipa::path(
    tag = tags::AUTH,
    responses((status = 204, description = "Сеанс завершён; cookie удалена"))
)]
#[post("/auth/logout")]
pub async fn logout(req: HttpRequest, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    if let Some(cookie) = req.cookie(REFRESH_COOKIE)
        && let Some(family) = store.session_family(&hash_token(cookie.value())).await?
    {
        store.end_session(&family).await?;
    }
    let mut response = HttpResponse::NoContent().finish();
    response.add_cookie(&cleared_cookie()).map_err(|e| ApiError::Internal(e.into()))?;
    Ok(response)
}

/// Кто я
///
/// Вошедший пользователь: роль, организация, подтверждена ли почта, ждёт ли заявка.
#[utoipa::path(
    tag = tags::AUTH,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Пользователь", body = Me),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/auth/me")]
pub async fn me(user: AuthUser, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    Ok(private_json(StatusCode::OK, &me_view(&store, &user.account).await?))
}
