//! The operator's bulk import over HTTP: an HSDS tabular data package (a .zip of
//! `datapackage.json` and its CSVs, as `/api/hsds/datapackage.zip` gives) written as published
//! records, all or nothing, as `socio import` does.

use actix_web::{HttpResponse, post, web};
use socio_domain::api::{ImportOutcome, ImportQuery, Problem};
use socio_store::{Actor, Store};

use crate::{
    ApiError,
    auth::Moderator,
    routes::{
        cabinet::import::{answered, bounded_body},
        tags,
    },
};

/// Загрузить данные в формате HSDS
///
/// Тело — ZIP с табличным пакетом HSDS 3.0 (`datapackage.json` и CSV-файлы), до 20 МБ
/// (распакованный — до 50 МБ). Записи публикуются сразу и сохраняют свои идентификаторы HSDS:
/// повторная загрузка того же пакета ничего не меняет. Если хоть в одной строке ошибка, ничего
/// не записывается, а ответ 422 называет каждую: файл, строку и столбец.
#[utoipa::path(
    tag = tags::BACKOFFICE,
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
        (status = 403, description = "Только для модераторов и администраторов", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Ошибки в строках: каждая названа («services.csv:3:status»); ничего не записано", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Уже идёт загрузка этой организации или сервер занят другими загрузками (`busy`); см. Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/backoffice/import")]
pub async fn import_package(
    moderator: Moderator,
    store: web::Data<Store>,
    gate: web::Data<crate::imports::ImportGate>,
    query: web::Query<ImportQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let _permit = gate.into_inner().enter(None)?;
    let bytes = bounded_body(payload, socio_domain::api::MAX_PACKAGE_UPLOAD_BYTES).await?;
    let files = crate::imports::off_the_workers(move || crate::export::uploaded_zip(bytes)).await??;
    let dry_run = query.dry_run.unwrap_or(false);
    let report = crate::export::import(&store, files, Actor::User(moderator.user_id()), dry_run).await?;
    answered(report, dry_run, query.answer)
}
