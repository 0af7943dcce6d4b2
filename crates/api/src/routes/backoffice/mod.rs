//! `/backoffice/…`: the operator's tools. For now the minimal moderation queue that closes the
//! cabinet's loop (pending revisions and claims, oldest first; approve; reject with a comment);
//! the back-office issue grows it into the real queue.

mod revisions;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(revisions::pending_revisions)
        .service(revisions::get_revision)
        .service(revisions::approve_revision)
        .service(revisions::reject_revision);
}
