//! The moderation queue: pending revisions with their diffs, and the decision on each.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, web};
use socio_domain::{
    Slug,
    api::{Page, PageQuery, PageRequest, Problem, QueueQuery, Rejection, ReviewDecision, RevisionProposal, RevisionView},
    vocabulary::RevisionSubject,
};
use socio_store::{RevisionScope, Store};

use crate::{
    ApiError,
    auth::Moderator,
    http::{JsonBody, QueryParams, if_match, page, parse_filter, private_json, versioned_json},
    mail::{Outgoing, letters},
    routes::tags,
};

fn revision_id(path: web::Path<i64>) -> Result<i64, ApiError> {
    let id = path.into_inner();
    if id > 0 { Ok(id) } else { Err(ApiError::RecordNotFound("Изменение")) }
}

/// Очередь модерации
///
/// Изменения и заявки партнёров, ждущие решения, старые первыми; у каждого — поле за полем,
/// было и стало. Фильтры: вид записи и город (организации с адресом или услугой в нём). Только
/// для модераторов и администраторов.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(QueueQuery),
    responses(
        (status = 200, description = "Страница очереди", body = Page<RevisionView>),
        (status = 400, description = "Неверный параметр или страница", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не модератор", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/backoffice/revisions")]
pub async fn pending_revisions(
    _moderator: Moderator,
    store: web::Data<Store>,
    query: QueryParams<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner()?;
    let request: PageRequest = parse_filter(&PageQuery { page: query.page.clone(), per_page: query.per_page.clone() })?;
    let subject = match &query.subject {
        Some(raw) => Some(raw.parse::<RevisionSubject>().map_err(|_| {
            let allowed: Vec<&str> = RevisionSubject::ALL.iter().map(|s| s.as_str()).collect();
            ApiError::parameter("subject", "unknown_value", format!("«{raw}» не из списка: {}.", allowed.join(", ")))
        })?),
        None => None,
    };
    let city = match &query.municipality {
        Some(raw) => Some(Slug::parse(raw).map_err(|e| ApiError::parameter("municipality", "invalid_slug", format!("Код города: {e}.")))?),
        None => None,
    };
    let (items, total) = store.revisions(RevisionScope::Pending { subject, city }, request).await?;
    Ok(private_json(StatusCode::OK, &page(request, items, total)?))
}

/// Изменение в очереди
///
/// ETag — версия предложения: передайте его в `If-Match`, одобряя или отклоняя.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Номер изменения")),
    responses(
        (status = 200, description = "Изменение", body = RevisionView, headers(("ETag" = String, description = "Версия предложения"))),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не модератор", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такого изменения", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/backoffice/revisions/{id}")]
pub async fn get_revision(_moderator: Moderator, store: web::Data<Store>, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let view = store.revision(revision_id(path)?, None).await?;
    Ok(versioned_json(StatusCode::OK, view.version, &view))
}

/// Предложенная запись
///
/// Запись целиком, как её предложил партнёр (или как её опубликовал модератор с правками), —
/// чтобы модератор мог исправить её перед одобрением. ETag — версия предложения: передайте его
/// в `If-Match` при одобрении (с правками или без) и отклонении.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Номер изменения")),
    responses(
        (status = 200, description = "Предложенная запись (пустой объект для заявки на управление)", body = RevisionProposal,
            headers(("ETag" = String, description = "Версия предложения"))),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не модератор", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такого изменения", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/backoffice/revisions/{id}/proposal")]
pub async fn get_proposal(_moderator: Moderator, store: web::Data<Store>, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let (record, version) = store.proposal(revision_id(path)?).await?;
    Ok(versioned_json(StatusCode::OK, version, &RevisionProposal { version, record }))
}

/// Одобрить
///
/// Применяет изменение одной транзакцией: запись публикуется в предложенном виде (или в
/// исправленном модератором: поле `edited`), её версия растёт, в журнал пишется кто, когда,
/// было и стало; каталог и поиск на всех репликах видят изменение через несколько секунд.
/// `If-Match` — версия предложения (ETag из `GET …/revisions/{id}` или поле `version` в
/// очереди): одобряется то, что модератор прочитал. Если партнёр изменил предложение после
/// этого — 412, и ничего не публикуется; если изменение уже рассмотрено — 409.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Номер изменения"),
        ("If-Match" = String, Header, description = "Версия предложения, которую прочитал модератор, например \"v2\""),
    ),
    request_body(content = ReviewDecision, description = "Комментарий (необязательно) и исправленная запись (необязательно)"),
    responses(
        (status = 200, description = "Одобрено и применено", body = RevisionView),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не модератор", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такого изменения", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Уже рассмотрено, запись снята или изменилась", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Партнёр изменил предложение после того, как модератор его открыл", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Данные изменения (или исправления) не проходят проверку", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "Нет If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/backoffice/revisions/{id}/approve")]
pub async fn approve_revision(
    req: HttpRequest,
    moderator: Moderator,
    store: web::Data<Store>,
    mail: web::Data<Outgoing>,
    path: web::Path<i64>,
    body: JsonBody<ReviewDecision>,
) -> Result<HttpResponse, ApiError> {
    let decision = body.into_inner()?;
    let comment = decision.comment(false).map_err(ApiError::Validation)?;
    let expected = if_match(&req)?;
    let view =
        store.approve_revision(moderator.user_id(), revision_id(path)?, expected, comment.as_deref(), decision.edited.as_ref()).await?;
    if view.subject == RevisionSubject::Claim {
        tell_admins_of_claim(&store, &mail, &view).await?;
    }
    Ok(private_json(StatusCode::OK, &view))
}

/// A claim approved: the organization's admins who were there before learn of the new one by
/// letter, so a takeover never goes unnoticed.
async fn tell_admins_of_claim(store: &Store, mail: &Outgoing, claim: &RevisionView) -> Result<(), ApiError> {
    let Some(organization) = claim.organization_id else { return Ok(()) };
    let newcomer = claim.author_email.clone().unwrap_or_default();
    let name = claim.organization_name.clone().unwrap_or_default();
    for admin in store.organization_admins(organization).await?.into_iter().filter(|a| *a != newcomer) {
        mail.send(letters::claim_approved(&admin, &name, &newcomer)).await?;
    }
    Ok(())
}

/// Отклонить
///
/// Нужен комментарий: партнёр увидит его в кабинете рядом с записью. Опубликованная версия не
/// меняется; новая запись возвращается в черновики. `If-Match` — версия предложения, как при
/// одобрении: отклоняется прочитанное.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Номер изменения"),
        ("If-Match" = String, Header, description = "Версия предложения, которую прочитал модератор"),
    ),
    request_body = Rejection,
    responses(
        (status = 200, description = "Отклонено", body = RevisionView),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не модератор", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такого изменения", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Уже рассмотрено", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Партнёр изменил предложение после того, как модератор его открыл", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Нет комментария", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "Нет If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/backoffice/revisions/{id}/reject")]
pub async fn reject_revision(
    req: HttpRequest,
    moderator: Moderator,
    store: web::Data<Store>,
    path: web::Path<i64>,
    body: JsonBody<Rejection>,
) -> Result<HttpResponse, ApiError> {
    let comment = body.into_inner()?.comment().map_err(ApiError::Validation)?;
    let expected = if_match(&req)?;
    let view = store.reject_revision(moderator.user_id(), revision_id(path)?, expected, &comment).await?;
    Ok(private_json(StatusCode::OK, &view))
}
