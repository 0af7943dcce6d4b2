//! Many services at once: the partner downloads the template, fills it in Excel and uploads
//! it; a dry run lists every problem by row and column before anything is written, and a real
//! upload is all or nothing through the cabinet's usual flow (drafts and revisions for the
//! moderator).

use actix_web::{HttpResponse, get, http::header, post, web};
use futures::StreamExt;
use socio_domain::api::{FieldError, ImportAnswer, ImportOutcome, ImportQuery, Problem};
use socio_hsds::template::{blank, read_template};
use socio_store::Store;

use crate::{
    ApiError,
    auth::Partner,
    imports::{ImportGate, off_the_workers},
    routes::tags,
};

/// Шаблон для загрузки услуг
///
/// CSV для Excel (UTF-8 с BOM, через точку с запятой): заголовки столбцов и строка с
/// пояснением, что писать в каждом.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Шаблон", body = String, content_type = "text/csv"),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации или организация ещё не подтверждена", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/cabinet/import/template")]
pub async fn template(_partner: Partner) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"uslugi-shablon.csv\""))
        .body(blank())
}

/// Загрузить услуги из шаблона
///
/// Тело — заполненный шаблон (CSV в UTF-8 или Windows-1251, через запятую или точку с
/// запятой), до 2 МБ. Новые услуги становятся черновиками и уходят на модерацию, изменённые —
/// ждут модератора, как при правке в кабинете; строки с тем же кодом, что уже загружены, ничего
/// не меняют. Если хоть в одной строке ошибка, ничего не записывается, а ответ 422 называет
/// каждую: строку и столбец.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    params(ImportQuery),
    request_body(content = String, content_type = "text/csv", description = "Заполненный шаблон"),
    responses(
        (status = 200, description = "Загружено (или при dry_run=true — проверено); с answer=csv — список ошибок таблицей, ничего не записано, если он не пуст", content(
            (ImportOutcome = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "Файл больше 2 МБ или пустой", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации или организация ещё не подтверждена", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Ошибки в строках: каждая названа («шаблон.csv:3:Название»); ничего не записано", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Уже идёт загрузка этой организации или сервер занят другими загрузками (`busy`); см. Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cabinet/import")]
pub async fn upload(
    partner: Partner,
    store: web::Data<Store>,
    gate: web::Data<ImportGate>,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let _permit = gate.into_inner().enter(Some(partner.organization_id))?;
    let bytes = bounded_body(payload, socio_domain::api::MAX_TEMPLATE_BYTES).await?;
    let dry_run = query.dry_run.unwrap_or(false);
    let organization = store.organization_hsds_id(partner.organization_id).await?;
    let vocabulary = store.template_vocabulary(partner.organization_id).await?;
    let read = off_the_workers(move || read_template(&bytes, organization, &vocabulary)).await?;
    let report = match read {
        Ok(rows) => store.import_for_partner(partner.user_id(), partner.organization_id, &rows, dry_run).await?,
        Err(problems) => socio_store::ImportReport { problems, ..Default::default() },
    };
    answered(report, dry_run, query.answer)
}

/// Загрузить данные организации в формате HSDS
///
/// Тело — ZIP с табличным пакетом HSDS 3.0 (`datapackage.json` и CSV-файлы, как их выгружает
/// другой каталог или `/api/hsds/datapackage.zip`), до 20 МБ. В пакете должна быть только ваша
/// организация, её адреса и услуги: записи другой организации — ошибка. Новые адреса и услуги
/// становятся черновиками на модерации, изменённые записи ждут модератора; то, что не
/// изменилось, не трогается, поэтому повторная загрузка того же пакета ничего не меняет. Если
/// хоть в одной строке ошибка, ничего не записывается, а ответ 422 называет каждую.
#[utoipa::path(
    tag = tags::CABINET,
    security(("bearer" = [])),
    params(ImportQuery),
    request_body(content = String, content_type = "application/zip", description = "Пакет HSDS"),
    responses(
        (status = 200, description = "Загружено (или при dry_run=true — проверено); с answer=csv — список ошибок таблицей", content(
            (ImportOutcome = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "Не ZIP, пустой или слишком большой файл", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не партнёр организации или организация ещё не подтверждена", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Ошибки в строках: каждая названа («services.csv:3:name»); ничего не записано", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Уже идёт загрузка этой организации или сервер занят другими загрузками (`busy`); см. Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/cabinet/import/package")]
pub async fn upload_package(
    partner: Partner,
    store: web::Data<Store>,
    gate: web::Data<ImportGate>,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let _permit = gate.into_inner().enter(Some(partner.organization_id))?;
    let bytes = bounded_body(payload, socio_domain::api::MAX_PACKAGE_UPLOAD_BYTES).await?;
    let files = off_the_workers(move || crate::export::uploaded_zip(bytes)).await??;
    let dry_run = query.dry_run.unwrap_or(false);
    let report = crate::export::import_for_partner(&store, files, partner.user_id(), partner.organization_id, dry_run).await?;
    answered(report, dry_run, query.answer)
}

/// The answer to an upload: the outcome, the problems as 422 problem+json, or (`answer=csv`)
/// the problems as a table for Excel.
pub(crate) fn answered(report: socio_store::ImportReport, dry_run: bool, answer: Option<ImportAnswer>) -> Result<HttpResponse, ApiError> {
    if answer == Some(ImportAnswer::Csv) {
        return Ok(HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
            .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"oshibki.csv\""))
            .body(crate::export::problems_csv(&report.problems)));
    }
    if !report.problems.is_empty() {
        let errors = report
            .problems
            .into_iter()
            .map(|p| {
                FieldError::new(
                    format!("{}:{}:{}", p.file, p.row, p.column),
                    "invalid_row",
                    format!("Строка {}, «{}»: {}", p.row, p.column, p.message),
                )
            })
            .collect();
        return Err(ApiError::Validation(errors));
    }
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(HttpResponse::Ok().json(ImportOutcome {
        dry_run,
        created: count(report.created),
        updated: count(report.updated),
        unchanged: count(report.unchanged),
    }))
}

/// The request's body, refused past `limit` bytes or when empty.
pub(crate) async fn bounded_body(mut payload: web::Payload, limit: usize) -> Result<Vec<u8>, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::InvalidBody(e.to_string()))?;
        if bytes.len() + chunk.len() > limit {
            return Err(ApiError::InvalidBody(format!("файл больше {} МБ: разделите его на части", limit / 1024 / 1024)));
        }
        bytes.extend_from_slice(&chunk);
    }
    if bytes.is_empty() {
        return Err(ApiError::InvalidBody("файл пустой: пришлите заполненный файл".to_owned()));
    }
    Ok(bytes)
}
