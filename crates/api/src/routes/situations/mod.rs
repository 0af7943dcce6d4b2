//! Life situations: the list and one situation's questionnaire and algorithm.

mod get;
mod list;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list::list_situations).service(get::get_situation);
}
