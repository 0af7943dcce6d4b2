//! The router: a personal route through a situation, suggestions for a person who does not know
//! their situation, and the candidate services the SPA needs to compute a route in the browser.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use socio_domain::{
    Slug,
    api::{
        FieldError, MunicipalityRef, PageRequest, Problem, RouteRequest, RouteResponse, ServiceCandidate, ServiceFilter, SuggestRequest,
        SuggestResponse, limits,
    },
    router::{self, NEEDS, RouteContext, WHO},
    text::fold,
    vocabulary::ServiceFormat,
};
use socio_store::{SituationUse, Store, StoreError};
use utoipa_actix_web::service_config::ServiceConfig;

use super::tags;
use crate::{ApiError, catalogue::Catalogue, http::cached_json, views::ViewCounter};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(build_route).service(suggest_situations).service(list_route_candidates);
}

fn invalid(field: &str, code: &str, detail: String) -> ApiError {
    ApiError::Validation(vec![FieldError::new(field, code, detail)])
}

fn slug(field: &str, raw: &str) -> Result<Slug, ApiError> {
    Slug::parse(raw).map_err(|e| invalid(field, "invalid_slug", format!("«{raw}»: {e}.")))
}

/// The service categories any step of the situation needs.
fn step_categories(situation: &socio_domain::api::SituationDetail) -> Vec<String> {
    let mut categories: Vec<String> = situation.steps.iter().flat_map(|s| s.categories.iter().cloned()).collect();
    categories.sort();
    categories.dedup();
    categories
}

/// Unknown references in a body are a 422 on that field.
fn unknown_to_422(error: StoreError) -> ApiError {
    match error {
        StoreError::UnknownValue { field, value } => {
            invalid(field, "unknown_value", format!("Значение «{value}» не найдено. Проверьте код по справочнику."))
        }
        other => other.into(),
    }
}

async fn municipality_ref(store: &Store, slug: &Slug) -> Result<MunicipalityRef, ApiError> {
    store
        .municipalities()
        .await?
        .into_iter()
        .find(|m| m.slug == slug.as_str())
        .map(|m| MunicipalityRef { slug: m.slug, name: m.name })
        .ok_or_else(|| invalid("municipality", "unknown_value", format!("Города «{slug}» нет в справочнике /api/v1/municipalities.")))
}

/// Построить маршрут
///
/// Человек ответил на вопросы ситуации — в ответ шаги, которые нужны именно ему, с услугами его
/// города для каждого шага (ближайшие первыми, если переданы координаты), общий список документов
/// и связанные ситуации. Ответы проверяются: неизвестный вариант, число вне диапазона или ответ на
/// вопрос, который при таких ответах не задаётся, — ошибка 422 с именем вопроса (`answers.<ключ>`).
#[utoipa::path(
    tag = tags::ROUTER,
    request_body = RouteRequest,
    responses(
        (status = 200, description = "Маршрут", body = RouteResponse),
        (status = 400, description = "Тело запроса не JSON или не по схеме", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Неверные ответы, неизвестная ситуация или город", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/router/route")]
async fn build_route(
    store: web::Data<Store>,
    views: web::Data<ViewCounter>,
    body: crate::http::PublicJson<RouteRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.0;
    if request.target_groups.len() > limits::TARGET_GROUPS {
        return Err(invalid("target_groups", "too_many", format!("Не больше {} категорий получателей.", limits::TARGET_GROUPS)));
    }
    if request.formats.len() > ServiceFormat::ALL.len() {
        return Err(invalid("formats", "too_many", format!("Не больше {} способов получения.", ServiceFormat::ALL.len())));
    }
    let situation_slug = slug("situation", &request.situation)?;
    let city = slug("municipality", &request.municipality)?;
    let situation = store
        .situation(&situation_slug)
        .await?
        .ok_or_else(|| invalid("situation", "unknown_value", format!("Ситуации «{situation_slug}» нет среди опубликованных.")))?;
    let municipality = municipality_ref(&store, &city).await?;
    router::validate_answers(&situation.questions, &request.answers).map_err(ApiError::Validation)?;
    let groups = store.target_groups().await?;
    if let Some(unknown) = request.target_groups.iter().find(|g| !groups.iter().any(|t| &t.slug == *g)) {
        return Err(invalid("target_groups", "unknown_value", format!("Категории получателей «{unknown}» нет в справочнике.")));
    }
    let categories = step_categories(&situation);
    let candidates = store.route_candidates(&city, &categories).await.map_err(unknown_to_422)?;
    let context =
        RouteContext { municipality, coordinates: request.coordinates, target_groups: request.target_groups, formats: request.formats };
    views.add_situation(situation_slug.as_str(), Some(city.as_str()), SituationUse::Route);
    Ok(HttpResponse::Ok().json(router::route(&situation, &request.answers, &context, &candidates)))
}

/// Подобрать ситуацию
///
/// Для человека, который не знает, с чего начать: короткие ответы («Кому нужна помощь?», «Есть ли
/// инвалидность?», «Что нужно?») и/или текст «Что случилось?» — в ответ подходящие жизненные
/// ситуации (лучшие первыми, с причинами) и услуги города, которые помогают напрямую.
#[utoipa::path(
    tag = tags::ROUTER,
    request_body = SuggestRequest,
    responses(
        (status = 200, description = "Подходящие ситуации и услуги", body = SuggestResponse),
        (status = 400, description = "Тело запроса не JSON или не по схеме", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Неизвестное значение who, needs или municipality; слишком длинный текст", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/router/suggest")]
async fn suggest_situations(
    store: web::Data<Store>,
    catalogue: Catalogue,
    body: crate::http::PublicJson<SuggestRequest>,
) -> Result<HttpResponse, ApiError> {
    let request = body.0;
    let mut errors = Vec::new();
    if let Some(who) = &request.who
        && !WHO.iter().any(|(key, ..)| key == who)
    {
        let allowed: Vec<&str> = WHO.iter().map(|(key, ..)| *key).collect();
        errors.push(FieldError::new("who", "unknown_value", format!("Неизвестное значение «{who}»; допустимые: {}.", allowed.join(", "))));
    }
    if request.needs.len() > NEEDS.len() {
        errors.push(FieldError::new("needs", "too_many", format!("Выберите не больше {} потребностей.", NEEDS.len())));
    } else if let Some(repeated) = request.needs.iter().enumerate().find(|(i, n)| request.needs[..*i].contains(n)) {
        errors.push(FieldError::new(format!("needs[{}]", repeated.0), "duplicate", format!("«{}» указано дважды.", repeated.1)));
    }
    // One error for all unknown needs: the allowed values are listed once, whatever was sent.
    let unknown: Vec<String> = request
        .needs
        .iter()
        .take(NEEDS.len())
        .filter(|n| !NEEDS.iter().any(|(key, ..)| key == *n))
        .map(|n| format!("«{}»", n.chars().take(40).collect::<String>()))
        .collect();
    if !unknown.is_empty() {
        let allowed: Vec<&str> = NEEDS.iter().map(|(key, ..)| *key).collect();
        errors.push(FieldError::new(
            "needs",
            "unknown_value",
            format!("Неизвестные потребности: {}; допустимые: {}.", unknown.join(", "), allowed.join(", ")),
        ));
    }
    if request.text.as_ref().is_some_and(|t| t.chars().count() > socio_domain::api::MAX_QUERY_LEN) {
        errors.push(FieldError::new("text", "too_long", "Текст длиннее 200 символов: опишите ситуацию короче."));
    }
    let city = match &request.municipality {
        Some(raw) => match Slug::parse(raw) {
            Ok(city) => Some(city),
            Err(e) => {
                errors.push(FieldError::new("municipality", "invalid_slug", format!("«{raw}»: {e}.")));
                None
            }
        },
        None => None,
    };
    if request.who.is_none()
        && request.disability.is_none()
        && request.needs.is_empty()
        && request.text.as_deref().is_none_or(|t| fold(t).is_empty())
    {
        errors.push(FieldError::new("text", "required", "Ответьте хотя бы на один вопрос или опишите, что случилось."));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    if let Some(city) = &city {
        municipality_ref(&store, city).await?;
    }
    let story = match request.text.clone() {
        Some(text) => catalogue.situations_for_story(text).await?,
        None => Vec::new(),
    };
    let digests = store.situation_digests().await?;
    let taxonomy = store.categories().await?;
    let situations = router::suggest(&digests, &taxonomy, &request, &story).into_iter().take(5).collect();
    let mut services = Vec::new();
    if let Some(city) = city {
        for group in router::needed_groups(&request) {
            let filter = ServiceFilter {
                municipality: Some(city.clone()),
                category: Slug::parse(group).ok(),
                page: PageRequest { page: 1, per_page: 5 },
                ..Default::default()
            };
            let (found, _) = catalogue.services(filter).await?;
            for service in found {
                if !services.iter().any(|s: &socio_domain::api::ServiceSummary| s.id == service.id) {
                    services.push(service);
                }
            }
        }
    }
    Ok(HttpResponse::Ok().json(SuggestResponse { situations, services }))
}

/// Параметры подбора услуг для маршрута.
#[derive(Debug, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CandidatesQuery {
    /// Код ситуации.
    #[param(value_type = socio_domain::Slug)]
    pub situation: String,
    /// Код города.
    #[param(value_type = socio_domain::Slug)]
    pub municipality: String,
}

/// Услуги для маршрута (расчёт в браузере)
///
/// Все опубликованные услуги города, которые могут выполнить шаги ситуации. Веб-приложение
/// строит маршрут у себя тем же кодом, что и сервер, поэтому ответы человека (инвалидность,
/// доход, возраст ребёнка) не покидают его устройство.
#[utoipa::path(
    tag = tags::ROUTER,
    params(CandidatesQuery),
    responses(
        (status = 200, description = "Услуги-кандидаты", body = Vec<ServiceCandidate>),
        (status = 304, description = "Не изменилось с прошлого запроса (If-None-Match)"),
        (status = 400, description = "Неизвестная ситуация, город или параметр", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/router/candidates")]
async fn list_route_candidates(
    req: HttpRequest,
    store: web::Data<Store>,
    views: web::Data<ViewCounter>,
    query: web::Query<CandidatesQuery>,
) -> Result<HttpResponse, ApiError> {
    let bad = |field: &str, detail: String| ApiError::InvalidParameters(vec![FieldError::new(field, "unknown_value", detail)]);
    let situation_slug = Slug::parse(&query.situation).map_err(|e| bad("situation", format!("«{}»: {e}.", query.situation)))?;
    let city = Slug::parse(&query.municipality).map_err(|e| bad("municipality", format!("«{}»: {e}.", query.municipality)))?;
    let situation = store
        .situation(&situation_slug)
        .await?
        .ok_or_else(|| bad("situation", format!("Ситуации «{situation_slug}» нет среди опубликованных.")))?;
    let categories = step_categories(&situation);
    let candidates = store.route_candidates(&city, &categories).await?;
    // The browser builds the route itself from these: fetching them is building a route.
    views.add_situation(situation_slug.as_str(), Some(city.as_str()), SituationUse::Route);
    cached_json(&req, &candidates)
}
