//! Page views of services and uses of life situations (opened, route built), counted in memory
//! and added to the daily counters every few seconds, so a citizen's page never waits on a
//! database write. Only the counts per record, city and day are kept: nothing about who looked.

use std::{collections::HashMap, hash::Hash, sync::Mutex, time::Duration};

use socio_store::{SituationUse, Store};

/// Counts not yet written, by key.
struct Pending<K>(Mutex<HashMap<K, u64>>);

impl<K: Eq + Hash> Default for Pending<K> {
    fn default() -> Self {
        Self(Mutex::new(HashMap::new()))
    }
}

impl<K: Eq + Hash> Pending<K> {
    fn add(&self, key: K, count: u64) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()).entry(key).or_default() += count;
    }

    fn take(&self) -> Vec<(K, u64)> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner())).into_iter().collect()
    }

    fn put_back(&self, counts: Vec<(K, u64)>) {
        for (key, count) in counts {
            self.add(key, count);
        }
    }
}

/// Views and uses not yet written.
#[derive(Default)]
pub struct ViewCounter {
    services: Pending<i64>,
    situations: Pending<(String, String, SituationUse)>,
}

impl ViewCounter {
    /// Counts one view of `service`.
    pub fn add(&self, service: i64) {
        self.services.add(service, 1);
    }

    /// Counts one use of the situation `slug` in the city `municipality` (none chosen: `None`).
    pub fn add_situation(&self, slug: &str, municipality: Option<&str>, kind: SituationUse) {
        self.situations.add((slug.to_owned(), municipality.unwrap_or_default().to_owned(), kind), 1);
    }
}

/// Writes the counted views and uses every `every`, forever; a failed write is retried next round.
pub async fn flush_views(store: Store, counter: std::sync::Arc<ViewCounter>, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        write_counted(&store, &counter).await;
    }
}

/// Adds what has been counted so far to the daily counters; what fails to be written is kept
/// for the next time.
pub async fn write_counted(store: &Store, counter: &ViewCounter) {
    let today = chrono::Utc::now().date_naive();
    let views = counter.services.take();
    if !views.is_empty()
        && let Err(error) = store.add_views(today, &views).await
    {
        tracing::warn!(%error, "page views: writing the counters failed; retrying");
        counter.services.put_back(views);
    }
    let uses = counter.situations.take();
    if !uses.is_empty()
        && let Err(error) = store.add_situation_uses(today, &uses).await
    {
        tracing::warn!(%error, "situation use: writing the counters failed; retrying");
        counter.situations.put_back(uses);
    }
}
