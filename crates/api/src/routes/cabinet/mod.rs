//! `/cabinet/…`: a partner keeps the organization's own data current. Every route takes a
//! [`Partner`](crate::auth::Partner) (or an organization admin) and acts only on that
//! partner's organization: another organization's record is "not found", never shown.

mod colleagues;
pub(crate) mod import;
mod locations;
mod organization;
mod records;
mod reports;
mod revisions;
mod services;
mod statistics;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(organization::get_organization)
        .service(organization::update_organization)
        .service(organization::submit_organization)
        .service(organization::confirm_organization)
        .service(locations::list_locations)
        .service(locations::create_location)
        .service(locations::get_location)
        .service(locations::update_location)
        .service(locations::withdraw_location)
        .service(locations::submit_location)
        .service(services::list_services)
        .service(services::create_service)
        .service(services::get_service)
        .service(services::update_service)
        .service(services::withdraw_service)
        .service(services::submit_service)
        .service(services::confirm_service)
        .service(revisions::list_revisions)
        .service(revisions::get_revision)
        .service(reports::list_reports)
        .service(reports::resolve_report)
        .service(statistics::statistics)
        .service(colleagues::list_colleagues)
        .service(colleagues::invite_colleague)
        .service(colleagues::remove_colleague)
        .service(import::template)
        .service(import::upload)
        .service(import::upload_package);
}
