//! «Сообщить о неточности»: anonymous reports about services and organizations.

use actix_web::{HttpRequest, HttpResponse, post, web};
use socio_domain::api::{FieldError, NewReport, Problem, ReportReceipt, ValidReport};
use socio_store::{Store, StoreError};
use utoipa_actix_web::service_config::ServiceConfig;

use super::tags;
use crate::{
    ApiError,
    rate_limit::{REPORTS_PER_IP, RateLimiter},
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(file_report);
}

/// Сообщить о неточности
///
/// Гражданин сообщает, что услуга или организация закрылась, переехала, сменила телефон или
/// часы работы. Сообщение анонимно: не указывайте в нём личные данные. Модератор проверит
/// запись и исправит её.
#[utoipa::path(
    tag = tags::REPORTS,
    request_body = NewReport,
    responses(
        (status = 201, description = "Сообщение принято", body = ReportReceipt),
        (status = 400, description = "Тело запроса не JSON или не по схеме", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Неверные данные: нет такой записи, нет описания для «Другое», слишком длинный текст", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Слишком много сообщений с этого адреса; см. Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/reports")]
async fn file_report(
    req: HttpRequest,
    store: web::Data<Store>,
    limiter: web::Data<RateLimiter>,
    body: crate::http::PublicJson<NewReport>,
) -> Result<HttpResponse, ApiError> {
    limiter.check(&format!("reports:ip:{}", limiter.client_ip(&req)), REPORTS_PER_IP).await?;
    let report = ValidReport::try_from(body.0).map_err(ApiError::Validation)?;
    let id = store.file_report(&report).await.map_err(|e| match e {
        StoreError::UnknownValue { value, .. } => ApiError::Validation(vec![FieldError::new(
            "slug",
            "unknown_value",
            format!("Запись «{value}» не найдена среди опубликованных. Проверьте код."),
        )]),
        other => other.into(),
    })?;
    Ok(HttpResponse::Created()
        .json(ReportReceipt {
            id, message: "Спасибо! Сообщение получено. Модератор проверит данные и исправит их.".to_owned()
        }))
}
