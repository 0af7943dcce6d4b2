//! Keeping this replica's search index in step with the shared database: a full build at start,
//! then a catch-up from the store's change feed every `search_refresh`. Several replicas over
//! one PostgreSQL each do the same and converge on the same state.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use socio_search::SearchIndex;
use socio_store::Store;

/// Builds the index from everything published; returns it with the time the read started,
/// from which the first catch-up reads changes.
pub async fn build_index(store: &Store) -> anyhow::Result<(SearchIndex, DateTime<Utc>)> {
    let started = Utc::now();
    let clock = std::time::Instant::now();
    let catalogue = store.catalogue().await?;
    let feed = store.search_feed(None, |_, _, _| false).await?;
    let read_ms = clock.elapsed().as_millis() as u64;
    let services = feed.services.len();
    let index = tokio::task::spawn_blocking(move || SearchIndex::build(&catalogue, feed)).await??;
    tracing::info!(services, read_ms, elapsed_ms = clock.elapsed().as_millis() as u64, "search index built");
    Ok((index, started))
}

/// Applies what changed since the previous round, forever. Errors are logged and retried: a
/// database hiccup must not take searches down, they keep answering from the last good state.
pub async fn catch_up(store: Store, index: Arc<SearchIndex>, mut since: DateTime<Utc>, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let started = Utc::now();
        let feed = match store.search_feed(Some(since), |record, id, updated_at| index.is_current(record, id, updated_at)).await {
            Ok(feed) => feed,
            Err(error) => {
                tracing::warn!(%error, "search index: reading changes failed; retrying");
                continue;
            }
        };
        if feed.is_empty() {
            since = started;
            continue;
        }
        let index = index.clone();
        let clock = std::time::Instant::now();
        match tokio::task::spawn_blocking(move || index.apply(feed)).await {
            Ok(Ok(changed)) => {
                since = started;
                if changed > 0 {
                    tracing::info!(changed, elapsed_ms = clock.elapsed().as_millis() as u64, "search index caught up");
                }
            }
            Ok(Err(error)) => tracing::error!(%error, "search index: applying changes failed"),
            Err(error) => tracing::error!(%error, "search index: the indexing task panicked"),
        }
    }
}
