//! The daily purge of what citizens wrote past the retention period (`SOCIO_RETENTION_DAYS`):
//! answered reports and unmet searches. `socio purge` does the same once, for an operator's
//! own schedule.

use std::time::Duration;

use socio_store::{Purged, Store, StoreError};

/// Deletes what is older than `days` days.
pub async fn purge(store: &Store, days: u32) -> Result<Purged, StoreError> {
    store.purge_before(chrono::Utc::now() - chrono::Duration::days(i64::from(days))).await
}

/// Purges a minute after start (not while a replica is still warming up), then daily.
pub async fn purge_daily(store: Store, days: u32) {
    let day = Duration::from_secs(24 * 3600);
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + Duration::from_secs(60), day);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        match purge(&store, days).await {
            Ok(purged) => tracing::info!(reports = purged.reports, unmet_searches = purged.unmet_searches, days, "retention purge"),
            Err(error) => tracing::warn!(%error, "retention purge failed; trying again tomorrow"),
        }
    }
}
