//! Services: the catalogue and one service.

mod get;
pub(crate) mod list;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list::list_services).service(get::get_service);
}
