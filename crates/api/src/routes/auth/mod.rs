//! `/auth/…`: registration, e-mail confirmation, sign-in with a rotating refresh cookie,
//! passwords. Each write here is rate-limited per address and, where there is one, per account.

mod password;
mod registration;
mod session;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use socio_domain::api::Me;
use socio_store::{Account, Store};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::ApiError;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(registration::register)
        .service(registration::confirm_email)
        .service(registration::resend_confirmation)
        .service(session::login)
        .service(session::refresh)
        .service(session::logout)
        .service(session::me)
        .service(password::change_password)
        .service(password::request_reset)
        .service(password::reset_password)
        .service(password::accept_invitation);
}

/// The refresh cookie's name.
pub const REFRESH_COOKIE: &str = "socio_refresh";
/// How long a session lives without use.
pub const SESSION_DAYS: i64 = 30;

/// The refresh cookie: `HttpOnly; Secure; SameSite=Strict`, sent only to `/api/v1/auth`.
fn refresh_cookie(token: &str) -> Cookie<'static> {
    Cookie::build(REFRESH_COOKIE, token.to_owned())
        .path("/api/v1/auth")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::days(SESSION_DAYS))
        .finish()
}

/// A cookie that removes the refresh cookie.
fn cleared_cookie() -> Cookie<'static> {
    let mut cookie = refresh_cookie("");
    cookie.make_removal();
    cookie
}

/// The signed-in user as the cabinet shows it.
pub(crate) async fn me_view(store: &Store, account: &Account) -> Result<Me, ApiError> {
    let organization = match account.organization_id {
        Some(id) => store.my_organization(id).await?,
        None => None,
    };
    Ok(Me {
        id: account.id,
        email: account.email.clone(),
        display_name: account.display_name.clone(),
        role: account.role,
        email_confirmed: account.email_confirmed,
        org_admin: account.org_admin,
        organization,
        claim_pending: store.claim_pending(account.id).await?,
        must_change_password: account.must_change_password,
    })
}

/// A one-time token as sent, if it could be one.
fn token_hash(token: &str) -> Option<String> {
    let token = token.trim();
    (!token.is_empty() && token.len() <= socio_domain::api::MAX_TOKEN_LEN && token.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| crate::auth::hash_token(token))
}

fn invalid_token() -> ApiError {
    ApiError::Validation(vec![socio_domain::api::FieldError::new(
        "token",
        "invalid_token",
        "Ссылка из письма недействительна: она устарела или уже использована. Запросите новое письмо.",
    )])
}

/// Sends a one-time link to the account with `body`'s address when `wanted` holds for it; the
/// answer (202) is the same whether there is such an account or not. Rate-limited per address
/// and per account.
#[allow(clippy::too_many_arguments)]
async fn letter_with_link(
    req: &actix_web::HttpRequest,
    store: &Store,
    limiter: &crate::rate_limit::RateLimiter,
    mail: &crate::mail::Outgoing,
    body: &socio_domain::api::EmailOnly,
    purpose: socio_store::TokenPurpose,
    wanted: fn(&Account) -> bool,
    letter: impl Fn(&Account, &str) -> crate::mail::Letter,
) -> Result<actix_web::HttpResponse, ApiError> {
    use crate::rate_limit::{LETTERS_PER_ACCOUNT, LETTERS_PER_IP};
    limiter.check(&format!("letters:ip:{}", limiter.client_ip(req)), LETTERS_PER_IP).await?;
    let email = body.email().map_err(ApiError::Validation)?;
    limiter.check(&format!("letters:account:{email}"), LETTERS_PER_ACCOUNT).await?;
    if let Some(account) = store.account_by_email(&email).await?.filter(|a| a.active && wanted(a)) {
        let token = crate::auth::random_token()?;
        store.issue_one_time_token(account.id, purpose, &crate::auth::hash_token(&token)).await?;
        let page = match purpose {
            socio_store::TokenPurpose::ConfirmEmail => "confirm",
            socio_store::TokenPurpose::ResetPassword => "reset",
            socio_store::TokenPurpose::Invitation => "invitation",
        };
        mail.send(letter(&account, &mail.link(page, &token))).await?;
    }
    Ok(actix_web::HttpResponse::Accepted().finish())
}
