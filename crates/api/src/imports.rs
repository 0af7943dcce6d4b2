//! Uploads do not starve the server: at most one import per organization runs at a time and a
//! few overall (past that, 503 `busy` with `Retry-After`), and their parsing and checking run on
//! the blocking pool, not on the HTTP workers that answer everyone else.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex},
};

use crate::ApiError;

/// Imports running at once at most, over all organizations.
pub const MAX_IMPORTS: usize = 2;

/// Who is importing now.
#[derive(Debug, Default)]
pub struct ImportGate {
    /// `None` stands for an operator's import (of many organizations).
    running: Mutex<HashSet<Option<i64>>>,
}

/// A place in the gate, given back when dropped.
pub struct ImportPermit {
    gate: Arc<ImportGate>,
    organization: Option<i64>,
}

impl ImportGate {
    /// Lets an import of `organization` (none: the operator's) in, or answers `busy`.
    pub fn enter(self: &Arc<Self>, organization: Option<i64>) -> Result<ImportPermit, ApiError> {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if running.len() >= MAX_IMPORTS || !running.insert(organization) {
            return Err(ApiError::Busy);
        }
        Ok(ImportPermit { gate: self.clone(), organization })
    }
}

impl Drop for ImportPermit {
    fn drop(&mut self) {
        self.gate.running.lock().unwrap_or_else(|e| e.into_inner()).remove(&self.organization);
    }
}

/// Runs CPU-heavy work of an import (unpacking, reading, checking) on the blocking pool.
pub async fn off_the_workers<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    actix_web::web::block(work).await.map_err(|e| ApiError::Internal(anyhow::anyhow!("import thread: {e}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn one_import_per_organization_and_a_few_overall() {
        let gate = Arc::new(ImportGate::default());
        let first = gate.enter(Some(1)).unwrap();
        assert!(matches!(gate.enter(Some(1)), Err(ApiError::Busy)), "the same organization waits");
        let second = gate.enter(Some(2)).unwrap();
        assert!(matches!(gate.enter(None), Err(ApiError::Busy)), "no more than {MAX_IMPORTS} at once");
        drop(first);
        let again = gate.enter(Some(1)).unwrap();
        drop((second, again));
        assert!(gate.enter(None).is_ok(), "every place is given back");
    }
}
