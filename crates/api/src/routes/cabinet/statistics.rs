//! Views of the organization's services over the last 30 days.

use actix_web::{HttpResponse, get, http::StatusCode, web};
use socio_domain::api::{Problem, ServiceStatistics};
use socio_store::Store;

use crate::{ApiError, auth::Partner, http::private_json, routes::tags};

/// Статистика просмотров
///
/// Сколько раз открывали страницу каждой услуги за последние 30 дней, по дням. Только счётчики:
/// ни адресов, ни браузеров, ничего о людях.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "По услугам, самые просматриваемые первыми", body = Vec<ServiceStatistics>),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cabinet/statistics")]
pub async fn statistics(partner: Partner, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    let since = chrono::Utc::now().date_naive() - chrono::Duration::days(29);
    Ok(private_json(StatusCode::OK, &store.service_statistics(partner.organization_id, since).await?))
}
