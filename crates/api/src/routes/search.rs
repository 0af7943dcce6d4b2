//! Search: one query over services with facets, situations and organizations; completions for
//! the search box. Answered from the replica's in-memory index, never from the database.
//!
//! A search that finds nothing is counted for the operator (normalised text without contacts or
//! long numbers, city, day; nothing about the person), off the request path so it never slows
//! the answer.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use actix_web::{HttpRequest, HttpResponse, get, web};
use socio_domain::{
    api::{Completion, CompletionQuery, CompletionRequest, Problem, SearchQuery, SearchRequest, SearchResults},
    text::anonymised,
};
use socio_search::SearchIndex;
use socio_store::Store;
use utoipa_actix_web::service_config::ServiceConfig;

use super::tags;
use crate::{
    ApiError,
    catalogue::Catalogue,
    cpu::SearchCache,
    http::{cached_json, parse_filter},
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(search).service(complete);
}

/// Поиск услуг
///
/// Ищет по словам с учётом окончаний («пособия» найдёт «пособие»), одной опечатки в длинных
/// словах и сокращений (ОВЗ, ТСР, МСЭ, МФЦ … в обе стороны). Сочетается со всеми фильтрами
/// каталога; для каждого фильтра возвращает счётчики: сколько услуг найдётся, если выбрать это
/// значение. Порядок: по совпадению, по расстоянию или по свежести данных. На первой странице
/// также подходящие жизненные ситуации и организации, а если найдено мало — советы: другое
/// написание, ближайшие города, где что-то есть.
#[utoipa::path(
    tag = tags::SEARCH,
    params(SearchQuery),
    responses(
        (status = 200, description = "Результаты поиска", body = SearchResults),
        (status = 304, description = "Не изменилось с прошлого запроса (If-None-Match)"),
        (status = 400, description = "Неверный параметр: неизвестное значение фильтра, координаты вне диапазона, страница вне диапазона", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Слишком много поисков одновременно (`busy`) или база недоступна; см. Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/search")]
async fn search(
    req: HttpRequest,
    catalogue: Catalogue,
    store: web::Data<Store>,
    cache: web::Data<SearchCache>,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let request: SearchRequest = parse_filter(&*query)?;
    let generation = catalogue.generation();
    let results = match cache.get(generation, req.query_string()) {
        Some(results) => results,
        None => {
            let results = Arc::new(catalogue.search(request.clone()).await?);
            cache.put(generation, req.query_string(), results.clone());
            results
        }
    };
    if results.page > results.pages.max(1) {
        return Err(ApiError::PageOutOfRange { page: results.page, pages: results.pages });
    }
    if (results.total == 0 || !results.all_words) && results.page == 1 {
        count_unmet(&store, &request);
    }
    cached_json(&req, &*results)
}

/// Unmet searches being written now; beyond [`MAX_UNMET_WRITES`] a flood of them is not counted
/// rather than queued without bound.
static UNMET_WRITES: AtomicUsize = AtomicUsize::new(0);
const MAX_UNMET_WRITES: usize = 16;

fn count_unmet(store: &web::Data<Store>, request: &SearchRequest) {
    let Some(query) = request.filter.q.as_deref().map(anonymised).filter(|q| !q.is_empty()) else { return };
    if UNMET_WRITES.fetch_add(1, Ordering::Relaxed) >= MAX_UNMET_WRITES {
        UNMET_WRITES.fetch_sub(1, Ordering::Relaxed);
        return;
    }
    let store = store.clone();
    let municipality = request.filter.municipality.as_ref().map(ToString::to_string);
    let day = chrono::Utc::now().date_naive();
    actix_web::rt::spawn(async move {
        if let Err(error) = store.record_unmet_search(&query, municipality.as_deref(), day).await {
            tracing::warn!(%error, "could not count an unmet search");
        }
        UNMET_WRITES.fetch_sub(1, Ordering::Relaxed);
    });
}

/// Подсказки для строки поиска
///
/// По началу запроса («лог», «пособие мно») — до 20 подсказок: жизненные ситуации, категории
/// услуг и получателей, расшифровки сокращений, названия услуг. Для поиска по мере набора.
#[utoipa::path(
    tag = tags::SEARCH,
    params(CompletionQuery),
    responses(
        (status = 200, description = "Подсказки, лучшие первыми", body = Vec<Completion>),
        (status = 400, description = "Неверный параметр", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/search/complete")]
async fn complete(req: HttpRequest, index: web::Data<SearchIndex>, query: web::Query<CompletionQuery>) -> Result<HttpResponse, ApiError> {
    let request: CompletionRequest = parse_filter(&*query)?;
    cached_json(&req, &index.complete(&request))
}
