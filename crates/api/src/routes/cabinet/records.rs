//! The actions every kind of cabinet record shares (list, read, create, save, submit,
//! withdraw), written once; `services.rs` and `locations.rs` give them their routes and docs.

use actix_web::{HttpRequest, HttpResponse, http::StatusCode, web};
use socio_store::{Record, Store};

use crate::{
    ApiError,
    auth::Partner,
    http::{if_match, private_json, versioned_json},
};

pub(super) async fn list<R: Record>(partner: &Partner, store: &Store) -> Result<HttpResponse, ApiError> {
    Ok(private_json(StatusCode::OK, &store.cabinet_records(R::KIND, partner.organization_id).await?))
}

pub(super) async fn get<R: Record>(partner: &Partner, store: &Store, id: i64, status: StatusCode) -> Result<HttpResponse, ApiError> {
    let record = store.cabinet_record::<R>(partner.organization_id, id).await?;
    Ok(versioned_json(status, record.version, &record))
}

pub(super) async fn create<R: Record>(partner: &Partner, store: &Store, input: R, base: &str) -> Result<HttpResponse, ApiError> {
    let id = store.create_record(partner.user_id(), partner.organization_id, &input).await?;
    let mut response = get::<R>(partner, store, id, StatusCode::CREATED).await?;
    response.headers_mut().insert(
        actix_web::http::header::LOCATION,
        actix_web::http::header::HeaderValue::from_str(&format!("{base}/{id}")).map_err(|e| ApiError::Internal(e.into()))?,
    );
    Ok(response)
}

pub(super) async fn update<R: Record>(
    req: &HttpRequest,
    partner: &Partner,
    store: &Store,
    id: i64,
    input: R,
) -> Result<HttpResponse, ApiError> {
    let expected = if_match(req)?;
    store.save_record(partner.user_id(), partner.organization_id, id, expected, &input).await?;
    get::<R>(partner, store, id, StatusCode::OK).await
}

pub(super) async fn submit<R: Record>(partner: &Partner, store: &Store, id: i64) -> Result<HttpResponse, ApiError> {
    store.submit_record::<R>(partner.user_id(), partner.organization_id, id).await?;
    get::<R>(partner, store, id, StatusCode::OK).await
}

pub(super) async fn withdraw<R: Record>(req: &HttpRequest, partner: &Partner, store: &Store, id: i64) -> Result<HttpResponse, ApiError> {
    let expected = if_match(req)?;
    store.withdraw_record::<R>(partner.user_id(), partner.organization_id, id, expected).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The `{id}` of a cabinet path.
pub(super) fn id(path: web::Path<i64>) -> Result<i64, ApiError> {
    let id = path.into_inner();
    if id > 0 { Ok(id) } else { Err(ApiError::RecordNotFound("Запись")) }
}
