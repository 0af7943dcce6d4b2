//! `/api/hsds/`: the directory in the shapes of Open Referral HSDS 3.0, so that other
//! directories and referral systems read it with no integration of their own. Open to anyone
//! with no key (CORS `*`, ETag), described by the HSDS document itself
//! (`/api/hsds/openapi.json`), not by ours; errors are our problem+json.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use serde::Serialize;
use socio_hsds::{
    page::Page,
    query::{Listing, TaxonomiesQuery, TaxonomyTermsQuery, TermFilter, matches},
    taxonomy::Taxonomies,
};
use socio_store::Store;

use crate::{ApiError, http::cached_json, mail::Outgoing};

mod directory;

pub use directory::Snapshot;

/// The media type of `format=ndjson`.
const NDJSON: &str = "application/x-ndjson";

/// The HSDS API document as published with the specification, served with our address.
/// What `profile` points at: HSDS 3.0 itself, as we follow it with no profile of our own.
const PROFILE: &str = "https://docs.openreferral.org/en/v3.0/";

const DOCUMENT: &str = include_str!("../../../../hsds/schema/openapi.json");

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("", web::get().to(about))
        .route("/", web::get().to(about))
        .route("/openapi.json", web::get().to(document))
        .route("/taxonomies", web::get().to(list_taxonomies))
        .route("/taxonomies/{id}", web::get().to(get_taxonomy))
        .route("/taxonomy_terms", web::get().to(list_terms))
        .route("/taxonomy_terms/{id}", web::get().to(get_term))
        .route("/services", web::get().to(directory::list_services))
        .route("/services/{id}", web::get().to(directory::get_service))
        .route("/organizations", web::get().to(directory::list_organizations))
        .route("/organizations/{id}", web::get().to(directory::get_organization))
        .route("/service_at_locations", web::get().to(directory::list_service_at_locations))
        .route("/service_at_locations/{id}", web::get().to(directory::get_service_at_location))
        .route("/datapackage.zip", web::get().to(directory::datapackage));
}

#[derive(Serialize)]
struct About {
    version: &'static str,
    profile: String,
    openapi_url: String,
}

async fn about(req: HttpRequest, outgoing: web::Data<Outgoing>) -> Result<HttpResponse, ApiError> {
    let base = &outgoing.public_url;
    cached_json(
        &req,
        &About { version: socio_hsds::VERSION, profile: PROFILE.to_owned(), openapi_url: format!("{base}/api/hsds/openapi.json") },
    )
}

async fn document(req: HttpRequest, outgoing: web::Data<Outgoing>) -> Result<HttpResponse, ApiError> {
    let mut document: serde_json::Value = serde_json::from_str(DOCUMENT).map_err(|e| ApiError::Internal(e.into()))?;
    document["servers"] = serde_json::json!([{"url": format!("{}/api/hsds", outgoing.public_url)}]);
    cached_json(&req, &document)
}

async fn vocabulary(store: &Store) -> Result<Taxonomies, ApiError> {
    Ok(crate::export::vocabulary(store).await?)
}

/// A page in the HSDS envelope, or every item as NDJSON.
fn listed<T: Serialize>(req: &HttpRequest, listing: &Listing, items: Vec<T>) -> Result<HttpResponse, ApiError> {
    if !listing.ndjson {
        return cached_json(req, &Page::of(items, listing.page, listing.per_page));
    }
    let mut body = Vec::new();
    for item in &items {
        serde_json::to_writer(&mut body, item).map_err(|e| ApiError::Internal(e.into()))?;
        body.push(b'\n');
    }
    Ok(HttpResponse::Ok().insert_header((header::CONTENT_TYPE, NDJSON)).body(body))
}

fn parsed_id(raw: &str, what: &'static str) -> Result<uuid::Uuid, ApiError> {
    uuid::Uuid::try_parse(raw).map_err(|_| ApiError::NotFound(what))
}

async fn list_taxonomies(req: HttpRequest, query: web::Query<TaxonomiesQuery>, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    let listing = Listing::try_from(&*query).map_err(ApiError::InvalidParameters)?;
    let all = vocabulary(&store).await?.taxonomies;
    let found: Vec<_> = all.into_iter().filter(|t| matches(&listing.search, &format!("{} {}", t.name, t.description))).collect();
    listed(&req, &listing, found)
}

async fn get_taxonomy(req: HttpRequest, id: web::Path<String>, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    let id = parsed_id(&id, "Классификация")?;
    let taxonomy = vocabulary(&store).await?.taxonomies.into_iter().find(|t| t.id == id).ok_or(ApiError::NotFound("Классификация"))?;
    cached_json(&req, &taxonomy)
}

async fn list_terms(req: HttpRequest, query: web::Query<TaxonomyTermsQuery>, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    let filter = TermFilter::try_from(&*query).map_err(ApiError::InvalidParameters)?;
    let found: Vec<_> = vocabulary(&store)
        .await?
        .terms
        .into_iter()
        .filter(|t| filter.taxonomy_id.is_none_or(|id| t.taxonomy_id == id))
        .filter(|t| !filter.top_only || t.parent_id.is_none())
        .filter(|t| filter.parent_id.is_none_or(|id| t.parent_id == Some(id)))
        .filter(|t| matches(&filter.listing.search, &format!("{} {}", t.name, t.code)))
        .collect();
    listed(&req, &filter.listing, found)
}

async fn get_term(req: HttpRequest, id: web::Path<String>, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    let id = parsed_id(&id, "Рубрика")?;
    let term = vocabulary(&store).await?.terms.into_iter().find(|t| t.id == id).ok_or(ApiError::NotFound("Рубрика"))?;
    cached_json(&req, &term)
}
