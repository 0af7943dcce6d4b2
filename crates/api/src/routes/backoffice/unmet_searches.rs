//! Unmet demand: what people searched for and did not find, by query and city.

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use socio_domain::api::{Problem, UnmetSearch, UnmetSearchFilter, UnmetSearchQuery};
use socio_store::Store;

use crate::{
    ApiError,
    auth::Moderator,
    http::{QueryParams, parse_filter},
    routes::tags,
};

/// The period and city of an unmet-demand or usage report, checked; and its first day.
pub(super) async fn period(store: &Store, query: &UnmetSearchQuery) -> Result<(UnmetSearchFilter, NaiveDate), ApiError> {
    let filter: UnmetSearchFilter = parse_filter(query)?;
    if let Some(slug) = &filter.municipality
        && !store.municipalities().await?.iter().any(|m| m.slug == slug.as_str())
    {
        return Err(socio_store::StoreError::UnknownValue { field: "municipality", value: slug.to_string() }.into());
    }
    let since = chrono::Utc::now().date_naive() - chrono::Duration::days(i64::from(filter.days) - 1);
    Ok((filter, since))
}

/// Поиски без результата
///
/// Что люди искали и не нашли: текст запроса, город, сколько раз и когда — чтобы понять, каких
/// услуг не хватает. Личных данных нет. Только для модераторов (токен в `Authorization: Bearer`).
#[utoipa::path(
    tag = tags::BACKOFFICE,
    params(UnmetSearchQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "До 100 запросов, самые частые первыми", body = Vec<UnmetSearch>),
        (status = 400, description = "Неверный параметр", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Нет токена или он недействителен", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Токен не модератора", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/backoffice/unmet-searches")]
pub async fn unmet_searches(
    _moderator: Moderator,
    store: web::Data<Store>,
    query: QueryParams<UnmetSearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let (filter, since) = period(&store, &query.into_inner()?).await?;
    let rows = store.unmet_searches(since, filter.municipality.as_ref().map(|s| s.as_str()), 100).await?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(rows))
}
