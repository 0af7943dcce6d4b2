//! `/services`, `/organizations` and `/service_at_locations`: the published directory, read
//! once per change of the data (the change log's sequence) and served from memory, so a
//! harvester paging through everything costs one load, not one per page.

use std::sync::Arc;

use actix_web::{
    HttpRequest, HttpResponse,
    http::header::{self, ETag, EntityTag, IfNoneMatch},
    web,
};
use futures::StreamExt;
use serde::Serialize;
use socio_hsds::{
    mapping::{OrganizationDepth, Published, ServiceDepth},
    page::Page,
    query::{Listing, OrganizationFilter, OrganizationsQuery, ServiceFilter, ServicesEndpoint, ServicesQuery},
    records::ServiceRecord,
};
use socio_search::SearchIndex;
use socio_store::Store;
use tokio::sync::Mutex;
use uuid::Uuid;

use super::{NDJSON, parsed_id, vocabulary};
use crate::{ApiError, cpu::CpuQueue, http::cached_json};

/// The directory as last read, and the change-log sequence it was read at; the data package
/// made of it, once asked for.
#[derive(Default)]
pub struct Snapshot {
    published: Mutex<Option<(i64, Arc<Published>)>>,
    datapackage: Mutex<Option<(i64, web::Bytes)>>,
}

impl Snapshot {
    /// The directory as of now: read again only when something was logged since.
    pub async fn current(&self, store: &Store) -> Result<Current, ApiError> {
        let seq = store.last_change().await?;
        // Held while reading, so concurrent first requests wait for one read instead of each
        // doing their own.
        let mut held = self.published.lock().await;
        if let Some((at, published)) = held.as_ref()
            && *at == seq
        {
            return Ok(Current { seq, published: published.clone() });
        }
        let published = Arc::new(crate::export::published(store).await?.0);
        *held = Some((seq, published.clone()));
        Ok(Current { seq, published })
    }

    /// The data package of the directory as of now: made at most once per change of the data.
    async fn datapackage(&self, store: &Store, cpu: &CpuQueue) -> Result<(i64, web::Bytes), ApiError> {
        let current = self.current(store).await?;
        let mut held = self.datapackage.lock().await;
        if let Some((at, zip)) = held.as_ref()
            && *at == current.seq
        {
            return Ok((*at, zip.clone()));
        }
        let vocabulary = vocabulary(store).await?;
        let published = current.published.clone();
        let zip = cpu
            .run(move || crate::export::datapackage_tables(&published, &vocabulary).and_then(|t| crate::export::datapackage_zip(&t)))
            .await?
            .map_err(ApiError::Internal)?;
        let zip = web::Bytes::from(zip);
        *held = Some((current.seq, zip.clone()));
        Ok((current.seq, zip))
    }
}

/// `GET /datapackage.zip`: the whole directory as the HSDS tabular data package.
pub async fn datapackage(
    req: HttpRequest,
    store: web::Data<Store>,
    snapshot: web::Data<Snapshot>,
    cpu: web::Data<CpuQueue>,
) -> Result<HttpResponse, ApiError> {
    let (seq, zip) = snapshot.datapackage(&store, &cpu).await?;
    let tag = EntityTag::new_strong(format!("datapackage-{seq}"));
    if let Ok(IfNoneMatch::Items(tags)) = <IfNoneMatch as header::Header>::parse(&req)
        && tags.iter().any(|t| t.weak_eq(&tag))
    {
        return Ok(HttpResponse::NotModified().insert_header(ETag(tag)).finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header(ETag(tag))
        .insert_header((header::CONTENT_TYPE, "application/zip"))
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"socio-hsds-datapackage.zip\""))
        .body(zip))
}

/// The directory and the sequence it is current at (what a streamed answer's tag is made of).
pub struct Current {
    pub seq: i64,
    pub published: Arc<Published>,
}

/// The slugs matching `search` (the same search as `/api/v1/search`), best first, or `None` when
/// nothing was asked.
async fn searched(
    words: &[String],
    index: web::Data<SearchIndex>,
    cpu: &CpuQueue,
    organizations: bool,
) -> Result<Option<Vec<String>>, ApiError> {
    let q = words.join(" ");
    if q.is_empty() || !index.has_words(&q) {
        return Ok(None);
    }
    let index = index.into_inner();
    let found = if organizations {
        cpu.run(move || index.matching_organizations(&q)).await??
    } else {
        cpu.run(move || index.matching_services(&q)).await??
    };
    Ok(Some(found))
}

/// Records in the order of `ranked` slugs (the search's), or as they are when none was given.
fn in_order<T>(all: Vec<&T>, ranked: Option<Vec<String>>, slug: impl Fn(&T) -> &str) -> Vec<&T> {
    let Some(ranked) = ranked else { return all };
    let position: std::collections::HashMap<&str, usize> = ranked.iter().enumerate().map(|(i, s)| (s.as_str(), i)).collect();
    let mut found: Vec<(usize, &T)> = all.into_iter().filter_map(|r| Some((*position.get(slug(r))?, r))).collect();
    found.sort_by_key(|(i, _)| *i);
    found.into_iter().map(|(_, r)| r).collect()
}

/// The services every filter of `filter` admits.
fn admitted<'a>(published: &'a Published, filter: &ServiceFilter, ranked: Option<Vec<String>>) -> Vec<&'a ServiceRecord> {
    let all: Vec<&ServiceRecord> = published
        .directory()
        .services
        .iter()
        .filter(|s| filter.organization_id.is_none_or(|o| s.organization_id == o))
        .filter(|s| filter.modified_after.is_none_or(|at| published.last_modified(s) >= at))
        .filter(|s| {
            let terms =
                if filter.taxonomy_term_id.is_some() || filter.taxonomy_id.is_some() { published.service_terms(s) } else { Vec::new() };
            filter.taxonomy_term_id.is_none_or(|t| terms.contains(&t))
                && filter.taxonomy_id.is_none_or(|x| terms.iter().any(|t| published.taxonomy_of(*t) == Some(x)))
        })
        .collect();
    in_order(all, ranked, |s| &s.slug)
}

pub async fn list_services(
    req: HttpRequest,
    query: web::Query<ServicesQuery>,
    store: web::Data<Store>,
    snapshot: web::Data<Snapshot>,
    index: web::Data<SearchIndex>,
    cpu: web::Data<CpuQueue>,
) -> Result<HttpResponse, ApiError> {
    let filter = ServiceFilter::parse(&query, ServicesEndpoint::Services).map_err(ApiError::InvalidParameters)?;
    let ranked = searched(&filter.listing.search, index, &cpu, false).await?;
    let current = snapshot.current(&store).await?;
    let found: Vec<Uuid> = admitted(&current.published, &filter, ranked).into_iter().map(|s| s.id).collect();
    let depth = match (filter.minimal, filter.full) {
        (true, _) => ServiceDepth::Minimal,
        (_, true) => ServiceDepth::Full,
        _ => ServiceDepth::List,
    };
    let mut listing = filter.listing.clone();
    // A minimal list is meant to come in one call.
    if filter.minimal && !filter.per_page_given {
        listing.per_page = u32::try_from(found.len()).unwrap_or(u32::MAX).max(1);
    }
    listed_lazily(&req, &listing, current, found, move |p, id| Some(p.service(p.service_record(id)?, depth)))
}

pub async fn get_service(
    req: HttpRequest,
    id: web::Path<String>,
    store: web::Data<Store>,
    snapshot: web::Data<Snapshot>,
) -> Result<HttpResponse, ApiError> {
    const WHAT: &str = "Услуга";
    let id = parsed_id(&id, WHAT)?;
    let published = snapshot.current(&store).await?.published;
    let record = published.service_record(id).ok_or(ApiError::NotFound(WHAT))?;
    cached_json(&req, &published.service(record, ServiceDepth::Full))
}

pub async fn list_organizations(
    req: HttpRequest,
    query: web::Query<OrganizationsQuery>,
    store: web::Data<Store>,
    snapshot: web::Data<Snapshot>,
    index: web::Data<SearchIndex>,
    cpu: web::Data<CpuQueue>,
) -> Result<HttpResponse, ApiError> {
    let filter = OrganizationFilter::try_from(&*query).map_err(ApiError::InvalidParameters)?;
    let ranked = searched(&filter.listing.search, index, &cpu, true).await?;
    let current = snapshot.current(&store).await?;
    let found: Vec<Uuid> =
        in_order(current.published.directory().organizations.iter().collect(), ranked, |o| &o.slug).into_iter().map(|o| o.id).collect();
    let depth = match (filter.full_service, filter.full) {
        (true, _) => OrganizationDepth::FullServices,
        (_, true) => OrganizationDepth::Full,
        _ => OrganizationDepth::List,
    };
    listed_lazily(&req, &filter.listing, current, found, move |p, id| Some(p.organization(p.organization_record(id)?, depth)))
}

pub async fn get_organization(
    req: HttpRequest,
    id: web::Path<String>,
    query: web::Query<OrganizationsQuery>,
    store: web::Data<Store>,
    snapshot: web::Data<Snapshot>,
) -> Result<HttpResponse, ApiError> {
    const WHAT: &str = "Организация";
    let filter = OrganizationFilter::try_from(&*query).map_err(ApiError::InvalidParameters)?;
    let id = parsed_id(&id, WHAT)?;
    let published = snapshot.current(&store).await?.published;
    let record = published.organization_record(id).ok_or(ApiError::NotFound(WHAT))?;
    let depth = if filter.full_service { OrganizationDepth::FullServices } else { OrganizationDepth::Full };
    cached_json(&req, &published.organization(record, depth))
}

pub async fn list_service_at_locations(
    req: HttpRequest,
    query: web::Query<ServicesQuery>,
    store: web::Data<Store>,
    snapshot: web::Data<Snapshot>,
    index: web::Data<SearchIndex>,
    cpu: web::Data<CpuQueue>,
) -> Result<HttpResponse, ApiError> {
    let filter = ServiceFilter::parse(&query, ServicesEndpoint::ServiceAtLocations).map_err(ApiError::InvalidParameters)?;
    let ranked = searched(&filter.listing.search, index, &cpu, false).await?;
    let current = snapshot.current(&store).await?;
    let published = &current.published;
    let pairs: Vec<(Uuid, Uuid)> = admitted(published, &filter, ranked)
        .into_iter()
        .flat_map(|s| s.locations.iter().filter(|l| published.location_record(**l).is_some()).map(|l| (s.id, *l)))
        .collect();
    let full = filter.full;
    listed_lazily(&req, &filter.listing, current, pairs, move |p, (s, l)| {
        Some(p.service_at_location(p.service_record(s)?, p.location_record(l)?, full))
    })
}

pub async fn get_service_at_location(
    req: HttpRequest,
    id: web::Path<String>,
    store: web::Data<Store>,
    snapshot: web::Data<Snapshot>,
) -> Result<HttpResponse, ApiError> {
    const WHAT: &str = "Услуга по адресу";
    let id: Uuid = parsed_id(&id, WHAT)?;
    let published = snapshot.current(&store).await?.published;
    let (service, location) = published.pair(id).ok_or(ApiError::NotFound(WHAT))?;
    cached_json(&req, &published.service_at_location(service, location, true))
}

/// Items per chunk of a streamed answer.
const STREAM_CHUNK: usize = 64;

/// A page of the records `keys` name, made HSDS objects only for that page, in the envelope; or
/// with `format=ndjson` every one, one a line, streamed as they are made.
fn listed_lazily<K, T>(
    req: &HttpRequest,
    listing: &Listing,
    current: Current,
    keys: Vec<K>,
    make: impl Fn(&Published, K) -> Option<T> + 'static,
) -> Result<HttpResponse, ApiError>
where
    K: Copy + 'static,
    T: Serialize,
{
    let published = current.published;
    if !listing.ndjson {
        let page = Page::of(keys, listing.page, listing.per_page);
        return cached_json(req, &page.map_contents(|keys| keys.into_iter().filter_map(|k| make(&published, k)).collect()));
    }
    // The same data and the same question give the same lines.
    let tag = EntityTag::new_weak(format!("{}-{:016x}", current.seq, xxhash_rust::xxh3::xxh3_64(req.query_string().as_bytes())));
    if let Ok(IfNoneMatch::Items(tags)) = <IfNoneMatch as header::Header>::parse(req)
        && tags.iter().any(|t| t.weak_eq(&tag))
    {
        return Ok(HttpResponse::NotModified().insert_header(ETag(tag)).finish());
    }
    let chunks: Vec<Vec<K>> = keys.chunks(STREAM_CHUNK).map(<[K]>::to_vec).collect();
    let lines = futures::stream::iter(chunks).map(move |chunk| {
        let mut body = Vec::new();
        for item in chunk.into_iter().filter_map(|k| make(&published, k)) {
            serde_json::to_writer(&mut body, &item).map_err(actix_web::error::ErrorInternalServerError)?;
            body.push(b'\n');
        }
        Ok::<_, actix_web::Error>(web::Bytes::from(body))
    });
    Ok(HttpResponse::Ok().insert_header(ETag(tag)).insert_header((header::CONTENT_TYPE, NDJSON)).streaming(lines))
}
