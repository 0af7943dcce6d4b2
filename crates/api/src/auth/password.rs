//! Password hashing with argon2id (the crate's defaults are OWASP's: m = 19 MiB, t = 2, p = 1),
//! off the async workers and bounded: at most `concurrency` hashes run at once, so a flood of
//! sign-ins waits in line instead of taking 19 MiB each, and a request that waits too long is
//! told to come back (503) rather than piling up.

use std::{sync::Arc, time::Duration};

use argon2::{
    Argon2,
    password_hash::{PasswordHasher as _, PasswordVerifier as _, phc::PasswordHash},
};
use tokio::sync::Semaphore;

use crate::ApiError;

/// How long a request waits for a hashing slot.
const QUEUE_WAIT: Duration = Duration::from_secs(10);

/// Hashes and verifies passwords on the blocking pool, a few at a time.
#[derive(Clone)]
pub struct PasswordHasher {
    slots: Arc<Semaphore>,
    /// A hash of nothing anyone knows: verified against when the e-mail is unknown, so an
    /// unknown address costs as much time as a wrong password.
    decoy: Arc<String>,
}

fn hash_now(password: &[u8]) -> Result<String, ApiError> {
    Argon2::default().hash_password(password).map(|h| h.to_string()).map_err(|e| ApiError::Internal(anyhow::anyhow!("argon2: {e}")))
}

impl PasswordHasher {
    pub fn new(concurrency: usize) -> Result<Self, ApiError> {
        let decoy = hash_now(super::random_token()?.as_bytes())?;
        Ok(Self { slots: Arc::new(Semaphore::new(concurrency.max(1))), decoy: Arc::new(decoy) })
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
        let _slot = tokio::time::timeout(QUEUE_WAIT, self.slots.acquire())
            .await
            .map_err(|_| ApiError::Busy)?
            .map_err(|e| ApiError::Internal(e.into()))?;
        tokio::task::spawn_blocking(work).await.map_err(|e| ApiError::Internal(e.into()))
    }

    /// A PHC string (`$argon2id$v=19$…`) with a fresh salt.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move || hash_now(password.as_bytes())).await?
    }

    /// Does `password` match `hash`? With no hash (unknown account) the decoy is checked and
    /// the answer is `false`.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, ApiError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.decoy.as_ref().clone());
        let matches = self
            .run(move || {
                PasswordHash::new(&hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            })
            .await?;
        Ok(known && matches)
    }

    /// A hash no password matches: for invited users until they choose one.
    pub fn unusable() -> String {
        "!invited".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_is_argon2id_and_verifies_only_its_password() {
        let hasher = PasswordHasher::new(2).unwrap_or_else(|e| panic!("{e}"));
        let hash = hasher.hash("синий кит плывёт на север".into()).await.unwrap_or_else(|e| panic!("{e}"));
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(hasher.verify("синий кит плывёт на север".into(), Some(hash.clone())).await.unwrap_or(false));
        assert!(!hasher.verify("синий кит плывёт на юг".into(), Some(hash)).await.unwrap_or(true));
        assert!(!hasher.verify("anything".into(), None).await.unwrap_or(true), "an unknown account never matches");
        assert!(!hasher.verify("!invited".into(), Some(PasswordHasher::unusable())).await.unwrap_or(true));
    }
}
