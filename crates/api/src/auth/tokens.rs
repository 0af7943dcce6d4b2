//! Access tokens: HS256 JWTs of 15 minutes naming the user and the session, and the random
//! one-time and refresh tokens, of which only SHA-256 hashes are stored.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ApiError;

/// Lifetime of an access token.
pub const ACCESS_TOKEN_SECONDS: i64 = 15 * 60;
/// Who issues tokens.
const ISSUER: &str = "socio";
/// Who they are for.
const AUDIENCE: &str = "socio-api";

/// What an access token says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    /// Issuer, always `socio`.
    pub iss: String,
    /// Audience, always `socio-api`.
    pub aud: String,
    /// Issued at, seconds since the epoch.
    pub iat: i64,
    /// Expiry, seconds since the epoch.
    pub exp: i64,
    /// The session (refresh-token family) it belongs to; none for a script's token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

impl Claims {
    /// The user id, or 401 for a token that names none.
    pub fn user_id(&self) -> Result<i64, ApiError> {
        self.sub.parse().map_err(|_| ApiError::Unauthorized)
    }
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

    /// A token for user `user_id`, valid for `seconds`, in session `session`.
    pub fn issue(&self, user_id: i64, seconds: i64, session: Option<&str>) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            iat: now,
            exp: now + seconds,
            sid: session.map(str::to_owned),
        };
        Ok(encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?)
    }

    /// Checks signature (HS256 only: `alg: none` and every other algorithm are refused),
    /// expiry, issuer, audience and subject.
    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        validation.leeway = 5;
        decode::<Claims>(token, &self.decoding, &validation).map(|data| data.claims).map_err(|_| ApiError::Unauthorized)
    }
}

/// 32 random bytes as hex: a refresh token, a one-time link token, a session id.
pub fn random_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    Ok(hex::encode(bytes))
}

/// What the database keeps of a token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> JwtKeys {
        JwtKeys::new(&SecretString::from("a-test-secret-of-at-least-32-bytes!".to_owned()))
    }

    #[test]
    fn a_fresh_token_verifies_and_names_its_user() {
        let token = keys().issue(42, 60, Some("family")).unwrap_or_default();
        let claims = keys().verify(&token).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((claims.user_id().ok(), claims.sid.as_deref()), (Some(42), Some("family")));
    }

    #[test]
    fn expired_and_foreign_tokens_are_refused() {
        assert!(keys().verify(&keys().issue(42, -120, None).unwrap_or_default()).is_err(), "expired");
        let other = JwtKeys::new(&SecretString::from("another-secret-of-at-least-32-bytes".to_owned()));
        assert!(keys().verify(&other.issue(42, 60, None).unwrap_or_default()).is_err(), "wrongly signed");
    }

    #[test]
    fn hashes_are_stable_and_tokens_random() {
        assert_eq!(hash_token("abc"), hash_token("abc"));
        assert_ne!(random_token().unwrap_or_default(), random_token().unwrap_or_default());
        assert_eq!(random_token().unwrap_or_default().len(), 64);
    }
}
