//! HTTP plumbing shared by the read endpoints: strict query parsing into problem+json, and
//! ETag / If-None-Match on every JSON response.

use actix_web::{
    HttpRequest, HttpResponse,
    error::QueryPayloadError,
    http::header::{self, CacheControl, CacheDirective, ETag, EntityTag, IfNoneMatch},
    web,
};
use serde::Serialize;
use socio_domain::{
    api::{FieldError, Page, PageRequest},
    text::echoed,
};

use crate::ApiError;

/// Turns serde's complaint about a query string into a problem naming the parameter.
pub fn query_error(error: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    query_problem(&error).into()
}

fn query_problem(error: &QueryPayloadError) -> ApiError {
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
    ApiError::InvalidParameters(vec![field_error])
}

/// Query parameters whose mistakes wait for [`QueryParams::into_inner`], as a [`JsonBody`]'s do:
/// a signed-in route answers 401/403 before it says anything about its parameters.
pub struct QueryParams<T>(Result<T, ApiError>);

impl<T> QueryParams<T> {
    /// The parsed parameters, or the problem with them.
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

impl<T: serde::de::DeserializeOwned> actix_web::FromRequest for QueryParams<T> {
    type Error = ApiError;
    type Future = futures::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let parsed = web::Query::<T>::from_query(req.query_string()).map(web::Query::into_inner).map_err(|e| query_problem(&e));
        futures::future::ready(Ok(QueryParams(parsed)))
    }
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

/// A JSON body whose mistakes are named: a value of the wrong type or outside a vocabulary, a
/// missing or unknown field is a 422 naming that field (`formats[1]`, `contacts.phone`); text
/// that is not JSON at all is a 400.
///
/// The mistakes wait for [`JsonBody::into_inner`]: extractors run together, and a body error
/// must not answer before the token and role are checked (a partner learns nothing of a
/// back-office form).
pub struct JsonBody<T>(Result<T, ApiError>);

impl<T> JsonBody<T> {
    /// The parsed body, or the problem with it.
    pub fn into_inner(self) -> Result<T, ApiError> {
        self.0
    }
}

/// Largest body a cabinet form may send.
pub const MAX_FORM_BYTES: usize = 64 * 1024;

fn backticked(message: &str) -> Option<&str> {
    message.split('`').nth(1)
}

fn json_problem(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    if inner.classify() != serde_json::error::Category::Data {
        return ApiError::InvalidBody(inner.to_string());
    }
    let message = inner.to_string();
    let join = |name: &str| if path == "." || path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
    let (field, code, detail) = if message.starts_with("missing field") {
        let name = join(backticked(&message).unwrap_or("?"));
        (name.clone(), "required", format!("Не заполнено обязательное поле «{name}»."))
    } else if message.starts_with("unknown field") {
        // The path already ends with the unknown field's name.
        let name = if path == "." || path.is_empty() { backticked(&message).unwrap_or("?").to_owned() } else { path.clone() };
        (name.clone(), "unknown_field", format!("Поля «{name}» в этой форме нет; список полей — в /api/openapi.json."))
    } else if message.starts_with("unknown variant") {
        let allowed = message.split("expected ").nth(1).unwrap_or_default().split(" at line").next().unwrap_or_default().to_owned();
        (
            path.clone(),
            "unknown_value",
            format!("«{path}»: значение «{}» не из списка; допустимы: {allowed}.", echoed(backticked(&message).unwrap_or("?"))),
        )
    } else {
        (
            path.clone(),
            "invalid_type",
            format!("«{path}»: значение не того вида ({}).", echoed(message.split(" at line").next().unwrap_or_default())),
        )
    };
    ApiError::Validation(vec![FieldError::new(field, code, detail)])
}

/// Parses a JSON body, naming the field of every data error. Text is cleaned first (see
/// [`clean_text`]), so no handler and no database ever sees a control character.
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(cleaned_json(bytes)?).map_err(json_problem)
}

/// The JSON document of a body with its text cleaned; a NUL is a 422 naming its field.
fn cleaned_json(bytes: &[u8]) -> Result<serde_json::Value, ApiError> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| ApiError::InvalidBody(e.to_string()))?;
    let mut refused = Vec::new();
    clean_text(&mut value, &mut String::new(), &mut refused);
    if refused.is_empty() { Ok(value) } else { Err(ApiError::Validation(refused)) }
}

/// The JSON body of a public (anonymous) endpoint: at most 16 KB, any mismatch with the schema a
/// 400 `invalid_body` at once (there is no role to check first), text cleaned as [`JsonBody`]'s.
pub struct PublicJson<T>(pub T);

/// Largest body a public endpoint takes.
pub const MAX_PUBLIC_BODY_BYTES: usize = 16 * 1024;

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for PublicJson<T> {
    type Error = ApiError;
    type Future = futures::future::LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let is_json = is_json(req);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::InvalidBody("заголовок Content-Type должен быть application/json".to_owned()));
            }
            let bytes = body.await.map_err(|_| ApiError::InvalidBody(format!("тело длиннее {} КБ", MAX_PUBLIC_BODY_BYTES / 1024)))?;
            if bytes.len() > MAX_PUBLIC_BODY_BYTES {
                return Err(ApiError::InvalidBody(format!("тело длиннее {} КБ", MAX_PUBLIC_BODY_BYTES / 1024)));
            }
            serde_json::from_value(cleaned_json(&bytes)?).map(PublicJson).map_err(|e| ApiError::InvalidBody(e.to_string()))
        })
    }
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")))
}

/// Fields named in errors at most, and the depth a body's text is cleaned to (deeper nesting is
/// refused by the DTOs anyway).
const MAX_CLEANED_DEPTH: usize = 32;

/// Cleans every string of a JSON document in place: a NUL is refused, naming its field (it is
/// never meant, and PostgreSQL refuses it in text); any other control character but a line break
/// or a tab becomes a space (dropping it would glue two words into one).
fn clean_text(value: &mut serde_json::Value, path: &mut String, refused: &mut Vec<FieldError>) {
    use serde_json::Value;
    let depth = path.matches(['.', '[']).count();
    match value {
        Value::String(text) => {
            if text.contains('\0') {
                if refused.len() < 20 {
                    let field = if path.is_empty() { "body".to_owned() } else { path.clone() };
                    let detail = format!("«{field}»: в тексте нулевой символ (NUL). Уберите его и отправьте снова.");
                    refused.push(FieldError::new(field, "control_character", detail));
                }
            } else if text.contains(|c: char| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
                *text = text.chars().map(|c| if c.is_control() && !matches!(c, '\n' | '\r' | '\t') { ' ' } else { c }).collect();
            }
        }
        Value::Array(items) if depth < MAX_CLEANED_DEPTH => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                clean_text(item, path, refused);
                path.truncate(len);
            }
        }
        Value::Object(fields) if depth < MAX_CLEANED_DEPTH => {
            for (name, item) in fields.iter_mut() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(name);
                clean_text(item, path, refused);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Refuses (400, naming the parameter) a query parameter or a path carrying a control character,
/// before any handler or database sees it: a NUL read as an outage would invite retries.
pub async fn refuse_control_characters(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let control = |text: &str| text.contains(|c: char| c.is_control());
    if encodes_control(req.path()) {
        let refused = ApiError::parameter("path", "control_character", "В адресе управляющий символ: уберите его.".to_owned());
        return Ok(req.error_response(refused).map_into_right_body());
    }
    if !req.query_string().is_empty()
        && let Ok(pairs) = web::Query::<Vec<(String, String)>>::from_query(req.query_string())
        && let Some((name, _)) = pairs.iter().find(|(name, value)| control(name) || control(value))
    {
        let name = if control(name) { "query".to_owned() } else { name.clone() };
        let detail = format!("Параметр «{name}»: в значении управляющий символ (например, NUL). Уберите его.");
        return Ok(req.error_response(ApiError::parameter(&name, "control_character", detail)).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// Does a raw (percent-encoded) path encode a control character (`%00`–`%1F`, `%7F`)?
fn encodes_control(path: &str) -> bool {
    let bytes = path.as_bytes();
    bytes.windows(3).any(|w| {
        w[0] == b'%'
            && std::str::from_utf8(&w[1..]).ok().and_then(|hex| u8::from_str_radix(hex, 16).ok()).is_some_and(|b| b < 0x20 || b == 0x7f)
    })
}

impl<T: serde::de::DeserializeOwned + 'static> actix_web::FromRequest for JsonBody<T> {
    type Error = ApiError;
    type Future = futures::future::LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let is_json = is_json(req);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Ok(JsonBody(Err(ApiError::InvalidBody("заголовок Content-Type должен быть application/json".to_owned()))));
            }
            Ok(JsonBody(match body.await {
                Ok(bytes) => parse_json(&bytes),
                Err(_) => Err(ApiError::InvalidBody(format!("тело длиннее {} КБ", MAX_FORM_BYTES / 1024))),
            }))
        })
    }
}

/// The version an `If-Match: "v7"` header names; 428 when there is none.
pub fn if_match(req: &HttpRequest) -> Result<i32, ApiError> {
    let raw = req.headers().get(header::IF_MATCH).ok_or(ApiError::PreconditionRequired)?;
    raw.to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.strip_prefix('v'))
        .and_then(|v| v.parse::<i32>().ok())
        .ok_or_else(|| {
            ApiError::InvalidParameters(vec![FieldError::new(
                "If-Match",
                "invalid_etag",
                "Заголовок If-Match должен содержать ETag записи из её последнего GET, например \"v3\".",
            )])
        })
}

/// The ETag of a cabinet record at `version`.
pub fn version_tag(version: i32) -> ETag {
    ETag(EntityTag::new_strong(format!("v{version}")))
}

/// A private JSON answer (never cached by anyone) with the record's version as its ETag.
pub fn versioned_json<T: Serialize>(status: actix_web::http::StatusCode, version: i32, body: &T) -> HttpResponse {
    HttpResponse::build(status).insert_header(version_tag(version)).insert_header((header::CACHE_CONTROL, "no-store")).json(body)
}

/// A private JSON answer (never cached by anyone).
pub fn private_json<T: Serialize>(status: actix_web::http::StatusCode, body: &T) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::CACHE_CONTROL, "no-store")).json(body)
}
