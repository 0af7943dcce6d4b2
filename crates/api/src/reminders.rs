//! `socio remind-stale`: a letter to each organization whose published records were not
//! confirmed for 180 days, listing them. Idempotent per record and month: an operator can
//! schedule it daily and nobody gets the same reminder twice in a month.

use socio_store::Store;

use crate::{
    ApiError,
    mail::{Outgoing, letters},
};

/// Sends the reminders due today; returns how many letters went out.
pub async fn remind_stale(store: &Store, mail: &Outgoing) -> Result<usize, ApiError> {
    let today = chrono::Utc::now().date_naive();
    let mut sent = 0;
    for digest in store.stale_digests(today).await? {
        if digest.recipients.is_empty() {
            // Nobody to tell yet (no partner registered): try again next time.
            continue;
        }
        let names: Vec<String> = digest.records.iter().map(|(_, _, name)| name.clone()).collect();
        for to in &digest.recipients {
            let link = format!("{}/cabinet/stale", mail.public_url);
            mail.send(letters::stale_reminder(to, &digest.organization_name, &names, &link)).await?;
            sent += 1;
        }
        let records: Vec<(&'static str, i64)> = digest.records.iter().map(|(kind, id, _)| (*kind, *id)).collect();
        store.mark_reminded(&records, today).await?;
    }
    Ok(sent)
}
