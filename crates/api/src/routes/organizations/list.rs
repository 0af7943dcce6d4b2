use actix_web::{HttpRequest, HttpResponse, get, web};
use socio_domain::api::{OrganizationFilter, OrganizationQuery, OrganizationSummary, Page, Problem};
use socio_search::SearchIndex;
use socio_store::Store;

use crate::{
    ApiError,
    http::{cached_json, page, parse_filter},
    routes::tags,
};

/// Справочник организаций
///
/// Опубликованные организации с фильтрами по городу, виду, сфере и словам; постранично.
#[utoipa::path(
    tag = tags::ORGANIZATIONS,
    params(OrganizationQuery),
    responses(
        (status = 200, description = "Страница организаций", body = Page<OrganizationSummary>),
        (status = 304, description = "Не изменилось с прошлого запроса (If-None-Match)"),
        (status = 400, description = "Неверный параметр: неизвестное значение, страница вне диапазона, неизвестный параметр", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/organizations")]
pub async fn list_organizations(
    req: HttpRequest,
    store: web::Data<Store>,
    index: web::Data<SearchIndex>,
    cpu: web::Data<crate::cpu::CpuQueue>,
    query: web::Query<OrganizationQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter: OrganizationFilter = parse_filter(&*query)?;
    let (items, total) = find(&store, index, &cpu, filter.clone()).await?;
    cached_json(&req, &page(filter.page, items, total)?)
}

/// The organizations matching `filter` and their total. Words go to the search index (stems, typos,
/// synonyms; best match first); plain filters, and a `q` of only stop words or punctuation, are
/// answered by the database in name order.
pub(crate) async fn find(
    store: &Store,
    index: web::Data<SearchIndex>,
    cpu: &crate::cpu::CpuQueue,
    mut filter: OrganizationFilter,
) -> Result<(Vec<OrganizationSummary>, u64), ApiError> {
    filter.q = filter.q.filter(|q| index.has_words(q));
    Ok(match filter.q {
        Some(_) => {
            let index = index.into_inner();
            cpu.run(move || index.organizations(&filter)).await??
        }
        None => store.list_organizations(&filter).await?,
    })
}
