//! The service taxonomy and the target groups: the vocabularies of the catalogue's filters.

use actix_web::{HttpRequest, HttpResponse, get, web};
use socio_domain::api::{CategoryGroup, Problem, TargetGroup};
use socio_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::tags;
use crate::{ApiError, http::cached_json};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(list_categories).service(list_target_groups);
}

/// Категории услуг
///
/// Двухуровневый справочник: группы (социальное обслуживание по 442-ФЗ, выплаты и льготы,
/// здоровье, образование, занятость …) и категории внутри них.
#[utoipa::path(
    tag = tags::DIRECTORY,
    responses(
        (status = 200, description = "Дерево категорий", body = Vec<CategoryGroup>),
        (status = 304, description = "Не изменилось с прошлого запроса (If-None-Match)"),
        (status = 500, description = "Внутренняя ошибка", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/categories")]
async fn list_categories(req: HttpRequest, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    cached_json(&req, &store.categories().await?)
}

/// Категории получателей
///
/// Кому помогает платформа: люди с инвалидностью, многодетные семьи, пенсионеры и другие.
#[utoipa::path(
    tag = tags::DIRECTORY,
    responses(
        (status = 200, description = "Категории получателей", body = Vec<TargetGroup>),
        (status = 304, description = "Не изменилось с прошлого запроса (If-None-Match)"),
        (status = 500, description = "Внутренняя ошибка", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/target-groups")]
async fn list_target_groups(req: HttpRequest, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    cached_json(&req, &store.target_groups().await?)
}
