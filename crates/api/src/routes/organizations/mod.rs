//! Organizations: the directory and one organization's profile.

mod get;
pub(crate) mod list;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list::list_organizations).service(get::get_organization);
}
