use actix_web::{HttpRequest, HttpResponse, get, web};
use socio_domain::api::{Page, Problem, ServiceFilter, ServiceQuery, ServiceSummary};
use socio_search::SearchIndex;
use socio_store::Store;

use crate::{
    ApiError,
    http::{cached_json, page, parse_filter},
    routes::tags,
};

/// Каталог услуг
///
/// Опубликованные услуги с фильтрами по городу, категории, категории получателей, формату,
/// стоимости, возрасту и словам; постранично, с общим количеством.
#[utoipa::path(
    tag = tags::SERVICES,
    params(ServiceQuery),
    responses(
        (status = 200, description = "Страница услуг", body = Page<ServiceSummary>),
        (status = 304, description = "Не изменилось с прошлого запроса (If-None-Match)"),
        (status = 400, description = "Неверный параметр: неизвестное значение, страница вне диапазона, неизвестный параметр", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/services")]
pub async fn list_services(
    req: HttpRequest,
    store: web::Data<Store>,
    index: web::Data<SearchIndex>,
    cpu: web::Data<crate::cpu::CpuQueue>,
    query: web::Query<ServiceQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter: ServiceFilter = parse_filter(&*query)?;
    let (items, total) = find(&store, index, &cpu, filter.clone()).await?;
    cached_json(&req, &page(filter.page, items, total)?)
}

/// The services matching `filter` and their total. Words go to the search index (stems, typos,
/// synonyms; best match first); plain filters, and a `q` of only stop words or punctuation, are
/// answered by the database in name order.
pub(crate) async fn find(
    store: &Store,
    index: web::Data<SearchIndex>,
    cpu: &crate::cpu::CpuQueue,
    mut filter: ServiceFilter,
) -> Result<(Vec<ServiceSummary>, u64), ApiError> {
    filter.q = filter.q.filter(|q| index.has_words(q));
    Ok(match filter.q {
        Some(_) => {
            let index = index.into_inner();
            cpu.run(move || index.services(&filter)).await??
        }
        None => store.list_services(&filter).await?,
    })
}
