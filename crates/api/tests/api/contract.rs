//! The OpenAPI document checked against what the server really does: every test talks to the
//! app through a small proxy that validates each answer (the status is documented for that
//! operation, so is the content type, and the body is valid against that status's schema).
//! A test whose traffic breaks the document fails when its app is dropped.

use std::{
    collections::HashMap,
    net::TcpListener,
    sync::{Arc, Mutex, OnceLock},
};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::Value;

/// What the proxy saw that the document does not allow.
pub type Violations = Arc<Mutex<Vec<String>>>;

/// The served document, once per test binary.
fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| serde_json::from_str(&socio_api::openapi::document_json().unwrap()).unwrap())
}

/// Validators by JSON pointer of a response schema, built on first use.
pub(crate) fn validator(pointer: &str) -> Result<Arc<jsonschema::Validator>, String> {
    static VALIDATORS: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let mut cache = VALIDATORS.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = cache.get(pointer) {
        return Ok(found.clone());
    }
    // The whole document is the root, so `#/components/schemas/…` resolve; its own `$ref`
    // points at the one schema wanted.
    let mut root = document().clone();
    root["$schema"] = Value::from("https://json-schema.org/draft/2020-12/schema");
    root["$ref"] = Value::from(format!("#{pointer}"));
    let built = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&root)
        .map_err(|e| format!("{pointer}: the schema does not compile: {e}"))?;
    let built = Arc::new(built);
    cache.insert(pointer.to_owned(), built.clone());
    Ok(built)
}

/// The document's path template that `path` matches (`/api/v1/services/{id_or_slug}`).
fn operation_path(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.split('/').collect();
    document()["paths"].as_object()?.keys().map(String::as_str).find(|template| {
        let parts: Vec<&str> = template.split('/').collect();
        parts.len() == segments.len() && parts.iter().zip(&segments).all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}')))
    })
}

/// A JSON-pointer token, percent-encoded for a URI fragment (`{id}` → `%7Bid%7D`).
pub(crate) fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1").replace('{', "%7B").replace('}', "%7D").replace('+', "%2B")
}

/// What is wrong with this answer, if anything.
pub fn check(method: &str, path: &str, status: u16, content_type: Option<&str>, body: &[u8]) -> Option<String> {
    let template = operation_path(path)?;
    let method = method.to_lowercase();
    if method == "options" {
        // CORS preflights are the browser's, not operations of the API.
        return None;
    }
    let operation = &document()["paths"][template][&method];
    if operation.is_null() {
        return Some(format!("{method} {template}: the method is not documented (answered {status})"));
    }
    let code = status.to_string();
    let Some(response) = operation["responses"].get(&code) else {
        return Some(format!("{method} {template}: status {status} is not documented"));
    };
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return (!body.is_empty() && status != 304).then(|| format!("{method} {template} {status}: a body where the document has none"));
    };
    let media = content_type.unwrap_or_default().split(';').next().unwrap_or_default().trim().to_owned();
    if !content.contains_key(&media) {
        return Some(format!(
            "{method} {template} {status}: content type «{media}» is not documented ({:?})",
            content.keys().collect::<Vec<_>>()
        ));
    }
    let instance: Value = if media.starts_with("text/") {
        Value::from(String::from_utf8_lossy(body).into_owned())
    } else {
        match serde_json::from_slice(body) {
            Ok(value) => value,
            Err(e) => return Some(format!("{method} {template} {status}: the body is not JSON: {e}")),
        }
    };
    let pointer = format!("/paths/{}/{method}/responses/{code}/content/{}/schema", escape(template), escape(&media));
    let validator = match validator(&pointer) {
        Ok(validator) => validator,
        Err(e) => return Some(e),
    };
    let errors: Vec<String> = validator.iter_errors(&instance).take(3).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    (!errors.is_empty()).then(|| format!("{method} {template} {status}: the body does not match the document: {}", errors.join("; ")))
}

async fn forward(req: HttpRequest, body: web::Bytes, state: web::Data<(String, reqwest::Client, Violations)>) -> HttpResponse {
    let (target, http, violations) = state.get_ref();
    let url = format!("{target}{}", req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/"));
    let method = reqwest::Method::from_bytes(req.method().as_str().as_bytes()).unwrap();
    let mut request = http.request(method, url);
    for (name, value) in req.headers() {
        if name != "host" && name != "content-length" {
            request = request.header(name.as_str(), value.as_bytes());
        }
    }
    let answer = match request.body(body.to_vec()).send().await {
        Ok(answer) => answer,
        Err(e) => return HttpResponse::BadGateway().body(format!("contract proxy: {e}")),
    };
    let status = answer.status().as_u16();
    let headers = answer.headers().clone();
    let bytes = answer.bytes().await.unwrap_or_default();
    let content_type = headers.get("content-type").and_then(|v| v.to_str().ok());
    if let Some(violation) = check(req.method().as_str(), req.path(), status, content_type, &bytes) {
        violations.lock().unwrap_or_else(|e| e.into_inner()).push(violation);
    }
    let mut response = HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap());
    for (name, value) in &headers {
        if name != "content-length" && name != "transfer-encoding" {
            response.append_header((name.as_str(), value.as_bytes()));
        }
    }
    response.body(bytes)
}

/// Starts a checking proxy in front of `target`, recording into `violations`; returns its address.
pub fn proxy(target: String, violations: Violations) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    // No decompression or redirects: the client sees exactly what the app sent.
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let state = web::Data::new((target, http, violations.clone()));
    let server = HttpServer::new(move || {
        // Room for the largest upload the API takes (an HSDS package), and a little more.
        let limit = socio_domain::api::MAX_PACKAGE_UPLOAD_BYTES + (1 << 20);
        App::new().app_data(state.clone()).app_data(web::PayloadConfig::new(limit)).default_service(web::to(forward))
    })
    .workers(1)
    .listen(listener)
    .unwrap()
    .run();
    tokio::spawn(server);
    address
}

async fn a_body_that_breaks_its_schema_is_caught(app: crate::helpers::TestApp) {
    let real = app.get("/api/v1/municipalities").await.bytes().await.unwrap();
    assert_eq!(check("GET", "/api/v1/municipalities", 200, Some("application/json"), &real), None, "the real answer is valid");
    let mut broken: Value = serde_json::from_slice(&real).unwrap();
    broken[0]["slug"] = Value::from(42);
    let found = check("GET", "/api/v1/municipalities", 200, Some("application/json"), broken.to_string().as_bytes()).unwrap_or_default();
    assert!(found.contains("does not match"), "a wrong type is caught: {found}");
    let undocumented = check("GET", "/api/v1/municipalities", 418, Some("application/json"), b"{}").unwrap_or_default();
    assert!(undocumented.contains("not documented"), "{undocumented}");
    let wrong_type = check("GET", "/api/v1/services/kcson", 404, Some("text/html"), b"<p>").unwrap_or_default();
    assert!(wrong_type.contains("content type"), "{wrong_type}");
}

crate::on_both_databases!(a_body_that_breaks_its_schema_is_caught);
