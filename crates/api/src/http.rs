//! HTTP plumbing shared by the read endpoints: strict query parsing into problem+json, and
//! ETag / If-None-Match on every JSON response.

use actix_web::{
    HttpRequest, HttpResponse,
    error::QueryPayloadError,
    http::header::{self, CacheControl, CacheDirective, ETag, EntityTag, IfNoneMatch},
    web,
};
use serde::Serialize;
use socio_domain::api::{FieldError, Page, PageRequest};

use crate::ApiError;

/// Turns serde's complaint about a query string into a problem naming the parameter.
pub fn query_error(error: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let message = error.to_string();
    let field = message.split('`').nth(1).unwrap_or("query").to_owned();
    let field_error = if message.contains("unknown field") {
        FieldError::new(
            &field,
            "unknown_parameter",
            format!("Неизвестный параметр «{field}». Допустимые параметры перечислены в /api/openapi.json."),
        )
    } else if message.contains("duplicate field") {
        FieldError::new(&field, "duplicate_parameter", format!("Параметр «{field}» указан несколько раз; укажите его один раз."))
    } else {
        FieldError::new(&field, "invalid_query", "Строка запроса не разбирается. Проверьте кодировку параметров.")
    };
    ApiError::InvalidParameters(vec![field_error]).into()
}

/// Query extractor settings for the app.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(query_error)
}

/// JSON bodies: small, and their errors are problems too.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default().limit(16 * 1024).error_handler(|error, _| {
        let reason = match &error {
            actix_web::error::JsonPayloadError::ContentType => "заголовок Content-Type должен быть application/json".to_owned(),
            actix_web::error::JsonPayloadError::Overflow { .. } | actix_web::error::JsonPayloadError::OverflowKnownLength { .. } => {
                "тело длиннее 16 КБ".to_owned()
            }
            other => other.to_string(),
        };
        ApiError::InvalidBody(reason).into()
    })
}

/// Path extractor errors get the same treatment.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|_, _| {
        ApiError::InvalidParameters(vec![FieldError::new("path", "invalid_path", "Адрес записи не разбирается.")]).into()
    })
}

/// Serialises `body` with a strong ETag of its bytes; answers 304 when the client has it.
pub fn cached_json<T: Serialize>(req: &HttpRequest, body: &T) -> Result<HttpResponse, ApiError> {
    // Room for a search answer up front: growing the buffer copied it several times.
    let mut bytes = Vec::with_capacity(48 * 1024);
    serde_json::to_writer(&mut bytes, body).map_err(|e| ApiError::Internal(e.into()))?;
    // A 128-bit content hash: the tag only has to change when the body does, and xxh3 costs a
    // fraction of SHA-256 on answers of tens of kilobytes.
    let tag = EntityTag::new_strong(format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&bytes)));
    let cache = CacheControl(vec![CacheDirective::Public, CacheDirective::MaxAge(60)]);
    let fresh = match <IfNoneMatch as header::Header>::parse(req) {
        Ok(IfNoneMatch::Any) => true,
        Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|t| t.weak_eq(&tag)),
        Err(_) => false,
    };
    if fresh {
        return Ok(HttpResponse::NotModified().insert_header(ETag(tag)).insert_header(cache).finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header(ETag(tag))
        .insert_header(cache)
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .body(bytes))
}

/// Wraps a page of results, refusing pages past the last one.
pub fn page<T>(request: PageRequest, items: Vec<T>, total: u64) -> Result<Page<T>, ApiError> {
    request.wrap(items, total).ok_or(ApiError::PageOutOfRange { page: request.page, pages: request.pages(total) })
}

/// Parses a raw query into a typed filter, or a 400 naming every bad parameter.
pub fn parse_filter<'a, R, F>(raw: &'a R) -> Result<F, ApiError>
where
    F: TryFrom<&'a R, Error = Vec<FieldError>>,
{
    F::try_from(raw).map_err(ApiError::InvalidParameters)
}

/// Parses the `{id_or_slug}` path segment.
pub fn parse_key(raw: &str) -> Result<socio_domain::IdOrSlug, ApiError> {
    socio_domain::IdOrSlug::parse(raw).map_err(|e| {
        ApiError::InvalidParameters(vec![FieldError::new(
            "id_or_slug",
            "invalid_id",
            format!("«{raw}» — не идентификатор и не код записи: {e}. Идентификатор — положительное число, код — латиница, цифры и дефис."),
        )])
    })
}
