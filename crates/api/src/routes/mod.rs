//! Route registration: one module per resource, each exposing `configure`.

mod auth;
mod backoffice;
pub(crate) mod cabinet;
pub mod health;
pub mod hsds;
mod meta;
mod municipalities;
pub(crate) mod organizations;
mod reports;
mod router;
mod search;
pub(crate) mod services;
mod situations;
mod socio_centres;
mod taxonomy;

use utoipa_actix_web::service_config::ServiceConfig;

pub use health::configure as configure_health;

/// Everything under `/api/v1`.
pub fn configure_v1(cfg: &mut ServiceConfig) {
    cfg.configure(meta::configure)
        .configure(municipalities::configure)
        .configure(socio_centres::configure)
        .configure(taxonomy::configure)
        .configure(organizations::configure)
        .configure(services::configure)
        .configure(situations::configure)
        .configure(reports::configure)
        .configure(router::configure)
        .configure(search::configure)
        .configure(auth::configure)
        .configure(cabinet::configure)
        .configure(backoffice::configure);
}

/// OpenAPI tag names (sections of the Swagger UI).
pub mod tags {
    pub const DIRECTORY: &str = "Справочники";
    pub const ORGANIZATIONS: &str = "Организации";
    pub const SERVICES: &str = "Услуги";
    pub const SITUATIONS: &str = "Жизненные ситуации";
    pub const REPORTS: &str = "Сообщения о неточностях";
    pub const ROUTER: &str = "Маршрутизатор";
    pub const SEARCH: &str = "Поиск";
    pub const AUTH: &str = "Вход и учётная запись";
    pub const CABINET: &str = "Кабинет партнёра";
    pub const BACKOFFICE: &str = "Работа оператора";
    pub const OPERATIONS: &str = "Служебное";
}
