//! Page views of services, counted in memory and added to the daily counters every few
//! seconds, so a citizen's page view never waits on a database write. Only the count per
//! service and day is kept: nothing about who looked.

use std::{collections::HashMap, sync::Mutex, time::Duration};

use socio_store::Store;

/// Views not yet written.
#[derive(Default)]
pub struct ViewCounter {
    pending: Mutex<HashMap<i64, u64>>,
}

impl ViewCounter {
    /// Counts one view of `service`.
    pub fn add(&self, service: i64) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        *pending.entry(service).or_default() += 1;
    }

    fn take(&self) -> Vec<(i64, u64)> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|e| e.into_inner())).into_iter().collect()
    }

    fn put_back(&self, views: Vec<(i64, u64)>) {
        let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        for (service, count) in views {
            *pending.entry(service).or_default() += count;
        }
    }
}

/// Writes the counted views every `every`, forever; a failed write is retried next round.
pub async fn flush_views(store: Store, counter: std::sync::Arc<ViewCounter>, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let views = counter.take();
        if views.is_empty() {
            continue;
        }
        if let Err(error) = store.add_views(chrono::Utc::now().date_naive(), &views).await {
            tracing::warn!(%error, "page views: writing the counters failed; retrying");
            counter.put_back(views);
        }
    }
}
