//! Life-situation authoring for editors: drafts with every problem named at its part, versioned
//! publishing (citizens keep the published version until the next one is published), earlier
//! versions viewed and restored as a new draft.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, post, put, web};
use socio_domain::api::{
    AuthoredSituation, PreviewCandidatesFilter, PreviewCandidatesQuery, Problem, ServiceCandidate, SituationDefinition, SituationVersion,
};
use socio_store::Store;

use crate::{
    ApiError,
    auth::Editor,
    http::{JsonBody, QueryParams, if_match, parse_filter, private_json, versioned_json},
    routes::tags,
};

async fn version_response(store: &Store, id: i64, status: StatusCode) -> Result<HttpResponse, ApiError> {
    let (view, edit) = store.situation_version(id).await?;
    Ok(versioned_json(status, edit, &view))
}

/// Ситуации для редактора
///
/// Все ситуации, у которых есть версии: последняя версия и опубликованная.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Ситуации", body = Vec<AuthoredSituation>),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не редактор", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/backoffice/situations")]
pub async fn authored_situations(_editor: Editor, store: web::Data<Store>) -> Result<HttpResponse, ApiError> {
    Ok(private_json(StatusCode::OK, &store.authored_situations().await?))
}

/// Новая версия ситуации
///
/// Черновик новой ситуации или следующей версии существующей (по коду). Черновик сохраняется и с
/// ошибками: в ответе `problems` называет каждую часть, которую нужно исправить перед публикацией.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    request_body = SituationDefinition,
    responses(
        (status = 201, description = "Черновик; ETag — версия для If-Match", body = SituationVersion),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не редактор", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Тело не по схеме: длины, количества, коды", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/backoffice/situations")]
pub async fn create_version(
    editor: Editor,
    store: web::Data<Store>,
    body: JsonBody<SituationDefinition>,
) -> Result<HttpResponse, ApiError> {
    let definition = body.into_inner()?;
    let id = store.create_situation_version(editor.user_id(), &definition).await?;
    version_response(&store, id, StatusCode::CREATED).await
}

/// Версии ситуации
///
/// Новые первыми: черновики, опубликованная сейчас и опубликованные раньше.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "Код ситуации")),
    responses(
        (status = 200, description = "Версии", body = Vec<SituationVersion>),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не редактор", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/backoffice/situations/{slug}/versions")]
pub async fn versions(_editor: Editor, store: web::Data<Store>, path: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let slug = socio_domain::Slug::parse(&path).map_err(|e| {
        ApiError::InvalidParameters(vec![socio_domain::api::FieldError::new("slug", "invalid_slug", format!("Код ситуации: {e}."))])
    })?;
    Ok(private_json(StatusCode::OK, &store.situation_versions(slug.as_str()).await?))
}

/// Версия ситуации
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Идентификатор версии")),
    responses(
        (status = 200, description = "Версия; ETag — для If-Match", body = SituationVersion),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не редактор", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такой версии", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/backoffice/situation-versions/{id}")]
pub async fn get_version(_editor: Editor, store: web::Data<Store>, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    version_response(&store, path.into_inner(), StatusCode::OK).await
}

/// Сохранить черновик
///
/// Нужен If-Match с ETag последнего GET: если черновик за это время сохранил другой редактор,
/// ответ 412 и ничего не перезаписывается. Опубликованные версии не меняются (409).
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Идентификатор версии"),
        ("If-Match" = String, Header, description = "ETag версии из последнего GET"),
    ),
    request_body = SituationDefinition,
    responses(
        (status = 200, description = "Сохранено", body = SituationVersion),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не редактор", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такой версии", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Версия уже опубликована", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Черновик изменился", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Тело не по схеме или другой код ситуации", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "Нет If-Match", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/backoffice/situation-versions/{id}")]
pub async fn save_version(
    req: HttpRequest,
    editor: Editor,
    store: web::Data<Store>,
    path: web::Path<i64>,
    body: JsonBody<SituationDefinition>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let expected = if_match(&req)?;
    let definition = body.into_inner()?;
    store.save_situation_version(editor.user_id(), id, expected, &definition).await?;
    version_response(&store, id, StatusCode::OK).await
}

/// Опубликовать
///
/// Проверяет определение целиком (поля, ссылки на справочники, условия, достижимость шагов,
/// пустые маршруты) и при ошибках отвечает 422, называя каждую часть. Иначе граждане видят эту
/// версию с этого момента, а прежняя становится предыдущей.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Идентификатор версии")),
    responses(
        (status = 200, description = "Опубликовано", body = SituationVersion),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не редактор", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такой версии", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Уже опубликована", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Ошибки определения, каждая у своей части", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/backoffice/situation-versions/{id}/publish")]
pub async fn publish(editor: Editor, store: web::Data<Store>, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    store.publish_situation_version(editor.user_id(), id).await?;
    version_response(&store, id, StatusCode::OK).await
}

/// Восстановить
///
/// Новый черновик с определением этой версии (например, опубликованной раньше); опубликовать его —
/// обычным порядком.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Идентификатор версии")),
    responses(
        (status = 201, description = "Новый черновик", body = SituationVersion),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не редактор", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Нет такой версии", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/backoffice/situation-versions/{id}/restore")]
pub async fn restore(editor: Editor, store: web::Data<Store>, path: web::Path<i64>) -> Result<HttpResponse, ApiError> {
    let id = store.restore_situation_version(editor.user_id(), path.into_inner()).await?;
    version_response(&store, id, StatusCode::CREATED).await
}

/// Услуги для проверки черновика
///
/// Те же кандидаты, что `GET /router/candidates` даёт опубликованной ситуации, но для
/// категорий шагов черновика: редактор видит в предпросмотре организации города до публикации.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(PreviewCandidatesQuery),
    responses(
        (status = 200, description = "Услуги-кандидаты", body = Vec<ServiceCandidate>),
        (status = 400, description = "Нет города, неизвестный или неверный код, повтор или слишком много категорий", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не редактор", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/backoffice/situations/preview-candidates")]
pub async fn preview_candidates(
    _editor: Editor,
    store: web::Data<Store>,
    query: QueryParams<PreviewCandidatesQuery>,
) -> Result<HttpResponse, ApiError> {
    let filter: PreviewCandidatesFilter = parse_filter(&query.into_inner()?)?;
    let categories: Vec<String> = filter.categories.iter().map(ToString::to_string).collect();
    let candidates = store.route_candidates(&filter.municipality, &categories).await?;
    Ok(private_json(StatusCode::OK, &candidates))
}
