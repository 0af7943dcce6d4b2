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

/// A signed-in user who may work: one who signed in with a one-time password may only change
/// it (`AuthUser` alone is enough for that, and for `/auth/me`).
async fn working(req: HttpRequest) -> Result<AuthUser, ApiError> {
    let user = authenticate(req).await?;
    if user.account.must_change_password {
        return Err(ApiError::Refused {
            code: "password_change_required",
            detail: "Вы вошли с одноразовым паролем: сначала задайте свой пароль (POST /api/v1/auth/password).".to_owned(),
        });
    }
    Ok(user)
}

async fn partner(req: HttpRequest) -> Result<Partner, ApiError> {
    let user = working(req).await?;
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

/// An operator's extractor for the roles listed: 401 without a valid token, 403 for any other
/// role (read from the database on every request, so a role change applies at once).
macro_rules! operator_role {
    ($(#[$doc:meta])* $name:ident: $($role:ident)|+) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub AuthUser);

        impl $name {
            pub fn user_id(&self) -> i64 {
                self.0.account.id
            }
        }

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let req = req.clone();
                Box::pin(async move {
                    let user = working(req).await?;
                    if matches!(user.account.role, $(UserRole::$role)|+) { Ok($name(user)) } else { Err(ApiError::Forbidden) }
                })
            }
        }
    };
}

operator_role!(
    /// A moderator or an admin: the moderation queue, data quality, unmet demand.
    Moderator: Moderator | Admin
);
operator_role!(
    /// Anyone of the operator: a moderator, an editor or an admin (the audit log).
    Staff: Moderator | Editor | Admin
);
operator_role!(
    /// An editor of life situations, or an admin.
    Editor: Editor | Admin
);
operator_role!(
    /// The operator's admin: manages people and roles.
    Admin: Admin
);
