//! Keeping this replica's search index in step with the shared database: a full build at start,
//! then, every `search_refresh`, the records the change log names after the last sequence
//! applied. Several replicas over one PostgreSQL each do the same and converge on the same state.

use std::{sync::Arc, time::Duration};

use socio_search::SearchIndex;
use socio_store::Store;

/// Builds the index from everything published; returns it with the change-log sequence read
/// before the build, from which the first catch-up reads (a change committed during the build
/// is applied twice, which is harmless, rather than never).
pub async fn build_index(store: &Store) -> anyhow::Result<(SearchIndex, i64)> {
    let started = store.last_change().await?;
    let clock = std::time::Instant::now();
    let catalogue = store.catalogue().await?;
    let feed = store.search_feed(None).await?;
    let read_ms = clock.elapsed().as_millis() as u64;
    let services = feed.services.len();
    let index = tokio::task::spawn_blocking(move || SearchIndex::build(&catalogue, feed)).await??;
    tracing::info!(services, read_ms, elapsed_ms = clock.elapsed().as_millis() as u64, "search index built");
    Ok((index, started))
}

/// Applies what changed since the previous round, forever. Errors are logged and retried: a
/// database hiccup must not take searches down, they keep answering from the last good state.
pub async fn catch_up(store: Store, index: Arc<SearchIndex>, mut since: i64, every: Duration) {
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let (changes, last) = match store.changes_after(since).await {
            Ok(read) => read,
            Err(error) => {
                tracing::warn!(%error, "search index: reading the change log failed; retrying");
                continue;
            }
        };
        if changes.is_empty() {
            since = last;
            continue;
        }
        let feed = match store.search_feed(Some(&changes)).await {
            Ok(feed) => feed,
            Err(error) => {
                tracing::warn!(%error, "search index: reading changes failed; retrying");
                continue;
            }
        };
        let started = last;
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
