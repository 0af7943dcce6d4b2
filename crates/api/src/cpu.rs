//! Searches run off the HTTP workers, on a few threads of their own at a lower scheduling
//! priority, behind a bounded line: the workers stay free and get the cores first for
//! `/healthz`, page views and everything else while a flood of heavy searches waits, and once the
//! line is full the answer is 503 with `Retry-After` at once instead of a latency that grows with
//! the flood. Identical searches within one snapshot of the index are answered from a small cache.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
        mpsc,
    },
};

use socio_domain::api::SearchResults;

use crate::ApiError;

type Job = Box<dyn FnOnce() + Send>;

/// The line for CPU-heavy work.
pub struct CpuQueue {
    jobs: mpsc::Sender<Job>,
    /// Running and waiting together.
    admitted: Arc<AtomicUsize>,
    max_admitted: usize,
    /// Searches refused because the line was full (for `/metrics`).
    pub refused: prometheus_client::metrics::counter::Counter,
}

impl CpuQueue {
    /// `concurrency` threads, up to `waiting` more jobs in line. The threads end with the queue.
    pub fn new(concurrency: usize, waiting: usize) -> Self {
        let concurrency = concurrency.max(1);
        let (jobs, line) = mpsc::channel::<Job>();
        let line = Arc::new(Mutex::new(line));
        for n in 0..concurrency {
            let line = line.clone();
            let spawned = std::thread::Builder::new().name(format!("search-{n}")).spawn(move || {
                lower_priority();
                loop {
                    let job = line.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    match job {
                        Ok(job) => job(),
                        Err(mpsc::RecvError) => break,
                    }
                }
            });
            if let Err(error) = spawned {
                tracing::error!(%error, "search thread: not started");
            }
        }
        Self { jobs, admitted: Arc::default(), max_admitted: concurrency + waiting, refused: Default::default() }
    }

    /// Jobs running or waiting now.
    pub fn admitted(&self) -> usize {
        self.admitted.load(Ordering::Relaxed)
    }

    /// Runs `work` on a search thread when one is free; `Busy` (503) if the line is full.
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
        if self.admitted.fetch_add(1, Ordering::AcqRel) >= self.max_admitted {
            self.admitted.fetch_sub(1, Ordering::AcqRel);
            self.refused.inc();
            return Err(ApiError::Busy);
        }
        // The job leaves the line when it ends, even if the client has hung up meanwhile.
        let admitted = Admitted(self.admitted.clone());
        let (done, answer) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            drop(admitted);
            let _ = done.send(result);
        });
        self.jobs.send(job).map_err(|_| ApiError::Internal(anyhow::anyhow!("no search thread")))?;
        match answer.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_panic)) => Err(ApiError::Internal(anyhow::anyhow!("a search panicked"))),
            Err(_) => Err(ApiError::Internal(anyhow::anyhow!("a search thread ended"))),
        }
    }
}

/// Gives the calling thread a lower priority (nice 10 on Linux, where it is kept per thread),
/// so the HTTP workers preempt it.
fn lower_priority() {
    use thread_priority::{ThreadPriority, ThreadPriorityValue, set_current_thread_priority};
    // The crate maps 0–99 onto nice 19…−20: 22 is nice 10.
    let lower = ThreadPriorityValue::try_from(22u8).map(ThreadPriority::Crossplatform);
    if let Err(error) = lower.and_then(|p| set_current_thread_priority(p).map_err(|e| format!("{e:?}"))) {
        tracing::warn!(%error, "search thread: priority not lowered");
    }
}

/// Leaves the line when dropped, however the job ended.
struct Admitted(Arc<AtomicUsize>);

impl Drop for Admitted {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Answers kept per snapshot at most; past it the cache starts afresh.
const CACHED: usize = 512;

/// Search answers of the current snapshot by their query string.
pub struct SearchCache {
    enabled: bool,
    entries: Mutex<(u64, HashMap<String, Arc<SearchResults>>)>,
}

impl SearchCache {
    /// A cache that keeps answers only if `enabled`.
    pub fn new(enabled: bool) -> Self {
        Self { enabled, entries: Mutex::default() }
    }

    /// The answer to `query` computed on snapshot `generation`, if kept.
    pub fn get(&self, generation: u64, query: &str) -> Option<Arc<SearchResults>> {
        if !self.enabled {
            return None;
        }
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        (entries.0 == generation).then(|| entries.1.get(query).cloned()).flatten()
    }

    /// Keeps an answer computed on snapshot `generation` (an older one is forgotten).
    pub fn put(&self, generation: u64, query: &str, results: Arc<SearchResults>) {
        if !self.enabled {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.0 != generation || entries.1.len() >= CACHED {
            if generation < entries.0 {
                return;
            }
            *entries = (generation, HashMap::new());
        }
        entries.1.insert(query.to_owned(), results);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_line_is_refused_at_once_and_a_freed_slot_is_used() {
        let queue = Arc::new(CpuQueue::new(1, 1));
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started_tx, mut started) = tokio::sync::mpsc::channel::<()>(1);
        let running = tokio::spawn({
            let queue = queue.clone();
            async move {
                queue
                    .run(move || {
                        started_tx.blocking_send(()).unwrap();
                        held.recv().unwrap();
                        1
                    })
                    .await
            }
        });
        started.recv().await.unwrap();
        let waiting = tokio::spawn({
            let queue = queue.clone();
            async move { queue.run(|| 2).await }
        });
        while queue.admitted.load(Ordering::Acquire) < 2 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(queue.run(|| 3).await, Err(ApiError::Busy)), "one running, one waiting: the third is refused");
        release.send(()).unwrap();
        assert_eq!(running.await.unwrap().unwrap(), 1);
        assert_eq!(waiting.await.unwrap().unwrap(), 2, "the one in line runs when the slot frees");
        assert_eq!(queue.run(|| 4).await.unwrap(), 4);
        assert_eq!(queue.admitted.load(Ordering::Acquire), 0);
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn searches_run_at_a_lower_priority_than_the_workers() {
        let nice = || {
            let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
            // Field 19 of stat(5), counted after the command's closing bracket from field 3.
            stat.rsplit_once(')').unwrap().1.split_whitespace().nth(16).unwrap().parse::<i32>().unwrap()
        };
        let queue = CpuQueue::new(1, 1);
        assert_eq!(queue.run(nice).await.unwrap(), 10, "the worker itself is at {}", nice());
    }

    #[test]
    fn the_cache_holds_one_snapshot() {
        let cache = SearchCache::new(true);
        let results = || {
            Arc::new(SearchResults {
                items: Vec::new(),
                total: 0,
                page: 1,
                per_page: 20,
                pages: 0,
                all_words: true,
                facets: Default::default(),
                situations: Vec::new(),
                organizations: Vec::new(),
                advice: Default::default(),
            })
        };
        cache.put(1, "q=а", results());
        assert!(cache.get(1, "q=а").is_some());
        assert!(cache.get(2, "q=а").is_none(), "a newer snapshot does not see older answers");
        cache.put(2, "q=б", results());
        assert!(cache.get(1, "q=а").is_none() && cache.get(2, "q=б").is_some());
        cache.put(1, "q=в", results());
        assert!(cache.get(2, "q=в").is_none(), "an answer of an older snapshot is not kept");
    }
}
