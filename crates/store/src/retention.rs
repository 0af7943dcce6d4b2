//! Keeping what citizens wrote no longer than needed: answered reports and unmet searches older
//! than the retention period are deleted. Unanswered reports stay until a partner or the
//! operator answers them (the data-quality list shows them), however old.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use socio_domain::vocabulary::ReportStatus;

use crate::{
    Store, StoreError,
    entity::{report, unmet_search},
};

/// What one purge deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    pub reports: u64,
    pub unmet_searches: u64,
}

impl Store {
    /// Deletes reports answered before `cutoff` and unmet searches counted before its day.
    pub async fn purge_before(&self, cutoff: DateTime<Utc>) -> Result<Purged, StoreError> {
        let txn = self.write().await?;
        let reports = report::Entity::delete_many()
            .filter(report::Column::Status.eq(ReportStatus::Resolved.as_str()))
            .filter(report::Column::ResolvedAt.lt(cutoff))
            .exec(&txn)
            .await?
            .rows_affected;
        let unmet_searches =
            unmet_search::Entity::delete_many().filter(unmet_search::Column::Day.lt(cutoff.date_naive())).exec(&txn).await?.rows_affected;
        txn.commit().await?;
        Ok(Purged { reports, unmet_searches })
    }
}
