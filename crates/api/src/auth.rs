//! Bearer tokens (HS256 JWT signed with `SOCIO_JWT_SECRET`) and the extractors that require a
//! role. Until the partner cabinet brings logins, an operator mints a moderator token with
//! `socio token --role moderator`.

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use socio_domain::vocabulary::UserRole;

use crate::ApiError;

/// What a token says about its bearer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Who: an e-mail or an operator's name.
    pub sub: String,
    /// The role (`partner`, `moderator`, `admin`).
    pub role: String,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
}

/// Signing and checking keys derived from the secret.
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl JwtKeys {
    pub fn new(secret: &SecretString) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        JwtKeys { encoding: EncodingKey::from_secret(bytes), decoding: DecodingKey::from_secret(bytes) }
    }

    /// A token for `subject` with `role`, valid for `hours`.
    pub fn issue(&self, subject: &str, role: UserRole, hours: i64) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims { sub: subject.to_owned(), role: role.as_str().to_owned(), iat: now, exp: now + hours * 3600 };
        Ok(encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }

    fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let validation = Validation::new(Algorithm::HS256);
        decode::<Claims>(token, &self.decoding, &validation).map(|data| data.claims).map_err(|_| ApiError::Unauthorized)
    }
}

/// The bearer of a valid token with the moderator or admin role.
#[derive(Debug)]
pub struct Moderator(pub Claims);

impl FromRequest for Moderator {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(moderator(req))
    }
}

fn moderator(req: &HttpRequest) -> Result<Moderator, ApiError> {
    let keys = req.app_data::<web::Data<JwtKeys>>().ok_or_else(|| ApiError::Internal(anyhow::anyhow!("JWT keys are not configured")))?;
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(ApiError::Unauthorized)?;
    let claims = keys.verify(token.trim())?;
    match claims.role.parse::<UserRole>() {
        Ok(UserRole::Moderator | UserRole::Admin) => Ok(Moderator(claims)),
        _ => Err(ApiError::Forbidden),
    }
}
