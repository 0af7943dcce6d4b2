use actix_web::{HttpRequest, HttpResponse, get, web};
use socio_domain::api::{Page, Problem, SituationFilter, SituationQuery, SituationSummary};
use socio_search::SearchIndex;
use socio_store::Store;

use crate::{
    ApiError,
    http::{cached_json, page, parse_filter},
    routes::tags,
};

/// Жизненные ситуации
///
/// Опубликованные жизненные ситуации («Рождение ребёнка», «Установление инвалидности» …) с
/// фильтрами по категории получателей, категории услуг и словам.
#[utoipa::path(
    tag = tags::SITUATIONS,
    params(SituationQuery),
    responses(
        (status = 200, description = "Страница ситуаций", body = Page<SituationSummary>),
        (status = 304, description = "Не изменилось с прошлого запроса (If-None-Match)"),
        (status = 400, description = "Неверный параметр: неизвестное значение, страница вне диапазона, неизвестный параметр", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/situations")]
pub async fn list_situations(
    req: HttpRequest,
    store: web::Data<Store>,
    index: web::Data<SearchIndex>,
    cpu: web::Data<crate::cpu::CpuQueue>,
    query: web::Query<SituationQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut filter: SituationFilter = parse_filter(&*query)?;
    // Words go to the search index (stems, typos, synonyms; best match first); plain filters,
    // and a `q` of only stop words or punctuation, are answered by the database in name order.
    filter.q = filter.q.filter(|q| index.has_words(q));
    let (items, total) = match filter.q {
        Some(_) => {
            let (index, asked) = (index.into_inner(), filter.clone());
            cpu.run(move || index.situations(&asked)).await??
        }
        None => store.list_situations(&filter).await?,
    };
    cached_json(&req, &page(filter.page, items, total)?)
}
