//! Extractors that authenticate the caller and require a role, so a handler's signature says
//! who may call it: `AuthUser` (anyone signed in), `Partner` (a member of an organization),
//! `OrgAdmin` (its cabinet's administrator), `Moderator` (moderators and admins).
//!
//! Each one re-reads the user from the database: a disabled user, a deleted one, a token from
//! before the last password change or of a session that was ended is refused at once, not when
//! the token expires.

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use futures::future::LocalBoxFuture;
use socio_domain::vocabulary::UserRole;
use socio_store::{Account, Store};

use super::JwtKeys;
use crate::ApiError;

/// A signed-in, active user.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub account: Account,
    /// The session the token belongs to (none for a script's token).
    pub session: Option<String>,
}

/// A partner with an organization.
#[derive(Debug, Clone)]
pub struct Partner {
    pub user: AuthUser,
    pub organization_id: i64,
}

impl Partner {
    pub fn user_id(&self) -> i64 {
        self.user.account.id
    }
}

/// A partner who administers the organization's cabinet.
#[derive(Debug, Clone)]
pub struct OrgAdmin(pub Partner);

/// A moderator or an admin.
#[derive(Debug, Clone)]
pub struct Moderator(pub AuthUser);

impl Moderator {
    pub fn user_id(&self) -> i64 {
        self.0.account.id
    }
}

fn bearer(req: &HttpRequest) -> Result<&str, ApiError> {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() < 4096)
        .ok_or(ApiError::Unauthorized)
}

async fn authenticate(req: HttpRequest) -> Result<AuthUser, ApiError> {
    let keys = req.app_data::<web::Data<JwtKeys>>().ok_or_else(|| ApiError::Internal(anyhow::anyhow!("JWT keys are not configured")))?;
    let store = req.app_data::<web::Data<Store>>().ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the store is not configured")))?;
    let claims = keys.verify(bearer(&req)?)?;
    let account = store.account(claims.user_id()?).await?.filter(|a| a.active).ok_or(ApiError::Unauthorized)?;
    if account.password_changed_at.is_some_and(|changed| claims.iat < changed.timestamp()) {
        return Err(ApiError::Unauthorized);
    }
    if let Some(session) = &claims.sid
        && !store.session_active(session).await?
    {
        return Err(ApiError::Unauthorized);
    }
    Ok(AuthUser { account, session: claims.sid })
}

async fn partner(req: HttpRequest) -> Result<Partner, ApiError> {
    let user = authenticate(req).await?;
    if user.account.role != UserRole::Partner {
        return Err(ApiError::Forbidden);
    }
    let organization_id = user.account.organization_id.ok_or(ApiError::NoOrganization)?;
    Ok(Partner { user, organization_id })
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(authenticate(req.clone()))
    }
}

impl FromRequest for Partner {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(partner(req.clone()))
    }
}

impl FromRequest for OrgAdmin {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let partner = partner(req).await?;
            if partner.user.account.org_admin { Ok(OrgAdmin(partner)) } else { Err(ApiError::Forbidden) }
        })
    }
}

impl FromRequest for Moderator {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = authenticate(req).await?;
            match user.account.role {
                UserRole::Moderator | UserRole::Admin => Ok(Moderator(user)),
                UserRole::Partner | UserRole::Editor => Err(ApiError::Forbidden),
            }
        })
    }
}

/// Anyone of the operator: a moderator, an editor or an admin.
#[derive(Debug, Clone)]
pub struct Staff(pub AuthUser);

impl FromRequest for Staff {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = authenticate(req).await?;
            if user.account.role == UserRole::Partner { Err(ApiError::Forbidden) } else { Ok(Staff(user)) }
        })
    }
}

/// An editor of life situations (or an admin).
#[derive(Debug, Clone)]
pub struct Editor(pub AuthUser);

impl Editor {
    pub fn user_id(&self) -> i64 {
        self.0.account.id
    }
}

impl FromRequest for Editor {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = authenticate(req).await?;
            if matches!(user.account.role, UserRole::Editor | UserRole::Admin) { Ok(Editor(user)) } else { Err(ApiError::Forbidden) }
        })
    }
}

/// The operator's admin: manages people and roles.
#[derive(Debug, Clone)]
pub struct Admin(pub AuthUser);

impl Admin {
    pub fn user_id(&self) -> i64 {
        self.0.account.id
    }
}

impl FromRequest for Admin {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = authenticate(req).await?;
            if user.account.role == UserRole::Admin { Ok(Admin(user)) } else { Err(ApiError::Forbidden) }
        })
    }
}
