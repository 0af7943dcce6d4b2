//! Keeping this replica's search index in step with the shared database: a full build at start,
//! then, every `search_refresh`, the records the change log names after the last sequence
//! applied, and every `reconcile_every` a full comparison with the database that repairs what
//! the log never named (an edit or a delete made behind the app's back). Several replicas over
//! one PostgreSQL each do the same and converge on the same state.
//!
//! On PostgreSQL every logged change also sends a notice at commit, and
//! a listener wakes the catch-up at once: changes are searchable well under a second after they
//! commit. Polling stays as the fallback (a lost listener is reconnected every 30 s).
//!
//! The reconcile also notices new reference data (a city, a category, a target group) and then
//! rebuilds the index over it, so none of them needs a restart.
//!
//! Both run in one task, one after the other: what a reconcile reads is never older than what
//! the index has applied, and the catch-up after it re-reads whatever changed meanwhile, so
//! neither can put an older state back over a newer one.

use std::{
    sync::{
        Arc,
        atomic::{AtomicI64, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use socio_search::SearchIndex;
use socio_store::{ChangeListener, Store};

/// How far the index has got, for `/readyz` and `/metrics`.
#[derive(Debug)]
pub struct IndexStatus {
    applied: AtomicI64,
    repaired: AtomicU64,
    /// When the status was made, and milliseconds after it of the last round that found the
    /// index holding every change in the log.
    started: Instant,
    caught_up_ms: AtomicU64,
}

impl Default for IndexStatus {
    fn default() -> Self {
        Self { applied: AtomicI64::new(0), repaired: AtomicU64::new(0), started: Instant::now(), caught_up_ms: AtomicU64::new(0) }
    }
}

impl IndexStatus {
    /// The last change-log sequence the index has applied.
    pub fn applied(&self) -> i64 {
        self.applied.load(Ordering::Relaxed)
    }

    /// How long ago the index last held every change in the log: a round of the change log
    /// every `search_refresh`, so this grows past it only while catching up fails.
    pub fn since_caught_up(&self) -> Duration {
        self.started.elapsed().saturating_sub(Duration::from_millis(self.caught_up_ms.load(Ordering::Relaxed)))
    }

    /// How far this index is behind the shared change log now (two small queries).
    pub async fn lag(&self, store: &Store) -> Result<Lag, socio_store::StoreError> {
        let applied = self.applied();
        let last = store.last_change().await?;
        let behind = match store.first_change_after(applied).await? {
            Some(written) => (chrono::Utc::now() - written).to_std().unwrap_or_default(),
            None => Duration::ZERO,
        };
        Ok(Lag { last, applied, behind })
    }

    /// Records the reconciles have repaired since start.
    pub fn repaired(&self) -> u64 {
        self.repaired.load(Ordering::Relaxed)
    }
}

/// The index against the change log: the last sequence written, the last applied, and the age
/// of the oldest change not applied yet (zero when caught up).
#[derive(Debug, Clone, Copy)]
pub struct Lag {
    pub last: i64,
    pub applied: i64,
    pub behind: Duration,
}

/// Builds the index from everything published; returns it with the change-log sequence read
/// before the build, from which the first catch-up reads (a change committed during the build
/// is applied twice, which is harmless, rather than never).
pub async fn build_index(store: &Store) -> anyhow::Result<(SearchIndex, i64)> {
    let started = store.last_change().await?;
    let clock = Instant::now();
    let catalogue = store.catalogue().await?;
    let feed = store.search_feed(None).await?;
    let read_ms = clock.elapsed().as_millis() as u64;
    let services = feed.services.len();
    let index = tokio::task::spawn_blocking(move || SearchIndex::build(&catalogue, feed)).await??;
    tracing::info!(services, read_ms, elapsed_ms = clock.elapsed().as_millis() as u64, "search index built");
    Ok((index, started))
}

/// How often the index follows the database.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// The PostgreSQL URL to listen for change notices on (none on SQLite).
    pub listen: Option<String>,
    /// Reading the change log.
    pub refresh: Duration,
    /// Comparing everything with the database.
    pub reconcile: Duration,
}

/// Applies what changed since the previous round, and reconciles on schedule, forever. Errors
/// are logged and retried: a database hiccup must not take searches down, they keep answering
/// from the last good state (a failed apply leaves the previous snapshot in place).
pub async fn follow(store: Store, index: Arc<SearchIndex>, status: Arc<IndexStatus>, since: i64, schedule: Schedule) {
    status.applied.store(since, Ordering::Relaxed);
    // Listening before the first round: nothing committed after it goes unnoticed.
    let mut listener = match &schedule.listen {
        Some(url) => listen(url).await,
        None => None,
    };
    let mut listened = Instant::now();
    let mut ticker = tokio::time::interval(schedule.refresh);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut reconciled = Instant::now();
    loop {
        if listener.is_none()
            && let Some(url) = &schedule.listen
            && listened.elapsed() >= Duration::from_secs(30)
        {
            listened = Instant::now();
            listener = listen(url).await;
        }
        tokio::select! {
            _ = ticker.tick() => {}
            notice = notified(&mut listener) => {
                if let Err(error) = notice {
                    tracing::warn!(%error, "search index: the change listener failed; polling until it is back");
                    listener = None;
                }
            }
        }
        if reconciled.elapsed() >= schedule.reconcile {
            match reconcile(&store, &index).await {
                Ok(repaired) => {
                    reconciled = Instant::now();
                    status.repaired.fetch_add(repaired as u64, Ordering::Relaxed);
                }
                Err(error) => tracing::warn!(%error, "search index: reconciling failed; retrying"),
            }
        }
        if let Err(error) = catch_up(&store, &index, &status).await {
            tracing::warn!(%error, "search index: catching up failed; retrying");
        }
    }
}

/// A listener on the change channel, or none (logged) when it cannot be had.
async fn listen(url: &str) -> Option<ChangeListener> {
    match ChangeListener::connect(url).await {
        Ok(listener) => Some(listener),
        Err(error) => {
            tracing::warn!(%error, "search index: cannot listen for changes; polling");
            None
        }
    }
}

/// The next notice, or never without a listener.
async fn notified(listener: &mut Option<ChangeListener>) -> Result<(), socio_store::StoreError> {
    match listener {
        Some(listener) => listener.next().await,
        None => std::future::pending().await,
    }
}

/// One round of the change log.
async fn catch_up(store: &Store, index: &Arc<SearchIndex>, status: &IndexStatus) -> anyhow::Result<()> {
    let since = status.applied();
    let (changes, last) = store.changes_after(since).await?;
    if !changes.is_empty() {
        let feed = store.search_feed(Some(&changes)).await?;
        let index = index.clone();
        let clock = Instant::now();
        let changed = tokio::task::spawn_blocking(move || index.apply(feed)).await??;
        if changed > 0 {
            tracing::info!(changed, elapsed_ms = clock.elapsed().as_millis() as u64, "search index caught up");
        }
    }
    status.applied.store(last, Ordering::Relaxed);
    status.caught_up_ms.store(status.started.elapsed().as_millis() as u64, Ordering::Relaxed);
    Ok(())
}

/// Compares the whole index with the database and repairs any difference; returns how many
/// records differed.
pub async fn reconcile(store: &Store, index: &Arc<SearchIndex>) -> anyhow::Result<usize> {
    let clock = Instant::now();
    let catalogue = store.catalogue().await?;
    let feed = store.search_feed(None).await?;
    let index = index.clone();
    if !index.has_catalogue(&catalogue) {
        // Cities, categories or target groups changed: every entry's filters change with them.
        let services = tokio::task::spawn_blocking(move || index.rebuild(&catalogue, feed)).await??;
        tracing::warn!(services, elapsed_ms = clock.elapsed().as_millis() as u64, "search index: the reference data changed; rebuilt");
        return Ok(0);
    }
    let repaired = tokio::task::spawn_blocking(move || index.reconcile(feed)).await??;
    if repaired > 0 {
        tracing::warn!(
            repaired,
            elapsed_ms = clock.elapsed().as_millis() as u64,
            "search index: the reconcile repaired records the change log did not name"
        );
    } else {
        tracing::debug!(elapsed_ms = clock.elapsed().as_millis() as u64, "search index: reconciled, nothing to repair");
    }
    Ok(repaired)
}
