//! Limits on the writes a stranger can repeat: sign-in, registration, password reset and
//! citizens' reports, per client address and per account, answered with 429 and `Retry-After`.
//!
//! Counters are fixed windows in this replica's memory: behind a balancer with N replicas a
//! client gets at most N times the limit, which still stops guessing passwords (each guess
//! costs an argon2 hash) and letter floods. A shared store is issue #13's.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

use actix_web::HttpRequest;

use crate::ApiError;

/// A limit: `max` requests per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

const fn per_minutes(max: u32, minutes: u64) -> Limit {
    Limit { max, window: Duration::from_secs(minutes * 60) }
}

/// Sign-in attempts for one account.
pub const LOGIN_PER_ACCOUNT: Limit = per_minutes(10, 15);
/// Sign-in attempts from one address.
pub const LOGIN_PER_IP: Limit = per_minutes(30, 15);
/// Registrations from one address.
pub const REGISTER_PER_IP: Limit = per_minutes(10, 60);
/// Reset and confirmation letters for one account.
pub const LETTERS_PER_ACCOUNT: Limit = per_minutes(5, 60);
/// Reset and confirmation letters asked from one address.
pub const LETTERS_PER_IP: Limit = per_minutes(20, 60);
/// Citizens' reports from one address.
pub const REPORTS_PER_IP: Limit = per_minutes(20, 60);

/// Entries kept before expired windows are swept.
const SWEEP_AT: usize = 50_000;

/// The counters of this replica.
pub struct RateLimiter {
    enabled: bool,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(enabled: bool) -> Self {
        Self { enabled, windows: Mutex::new(HashMap::new()) }
    }

    /// Counts one request under `key`; 429 once `limit` is reached in the current window.
    pub fn check(&self, key: &str, limit: Limit) -> Result<(), ApiError> {
        if !self.enabled {
            return Ok(());
        }
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        if windows.len() > SWEEP_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < limit.window.max(Duration::from_secs(3600)));
        }
        let (start, count) = windows.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(*start) >= limit.window {
            *start = now;
            *count = 0;
        }
        if *count >= limit.max {
            let retry_after = limit.window.saturating_sub(now.duration_since(*start)).as_secs().max(1);
            return Err(ApiError::TooManyRequests { retry_after });
        }
        *count += 1;
        Ok(())
    }
}

/// The client's address as this server sees it (the peer; trusted proxies are issue #13's).
pub fn client_ip(req: &HttpRequest) -> String {
    req.peer_addr().map(|a| a.ip()).map_or_else(|| "unknown".to_owned(), |ip: IpAddr| ip.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_counted_per_key_and_says_when_to_retry() {
        let limiter = RateLimiter::new(true);
        let limit = Limit { max: 2, window: Duration::from_secs(60) };
        assert!(limiter.check("a", limit).is_ok());
        assert!(limiter.check("a", limit).is_ok());
        assert!(matches!(limiter.check("a", limit), Err(ApiError::TooManyRequests { retry_after }) if (1..=60).contains(&retry_after)));
        assert!(limiter.check("b", limit).is_ok(), "another key has its own count");
        assert!(RateLimiter::new(false).check("a", Limit { max: 0, window: Duration::from_secs(60) }).is_ok());
    }
}
