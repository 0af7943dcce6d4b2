//! `/backoffice/…`: the operator's tools: the moderation queue (pending revisions and claims,
//! oldest first; approve, with the moderator's corrections or not; reject with a comment), reviewer
//! notes internal to the operator, unmet demand and usage, the audit log, life-situation
//! authoring for editors and, for admins, the operator's people and their roles. Every route checks the role from the database.

mod audit;
mod import;
mod notes;
mod quality;
mod revisions;
mod situations;
mod unmet_searches;
mod usage;
mod users;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(import::import_package)
        .service(revisions::pending_revisions)
        .service(revisions::get_revision)
        .service(revisions::get_proposal)
        .service(revisions::approve_revision)
        .service(revisions::reject_revision)
        .service(unmet_searches::unmet_searches)
        .service(usage::usage)
        .service(notes::notes)
        .service(notes::add_note)
        .service(quality::quality)
        .service(quality::remind)
        .service(audit::audit_log)
        .service(audit::audit_csv)
        .service(users::list_operators)
        .service(users::invite_operator)
        .service(users::change_role)
        .service(users::change_access)
        .service(situations::authored_situations)
        .service(situations::create_version)
        .service(situations::versions)
        .service(situations::get_version)
        .service(situations::save_version)
        .service(situations::publish)
        .service(situations::restore)
        .service(situations::preview_candidates);
}
