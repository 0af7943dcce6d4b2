//! The audit log for the operator: read by record, actor and period, exported as CSV. There is
//! deliberately no route that changes or deletes an entry, and the database refuses it too.

use actix_web::{HttpResponse, get, http::StatusCode, web};
use futures::stream;
use socio_domain::api::{AuditEntry, AuditFilter, AuditQuery, Page, PageQuery, PageRequest, Problem};
use socio_store::Store;

use crate::{
    ApiError,
    auth::Staff,
    http::{QueryParams, page, parse_filter, private_json},
    routes::tags,
};

/// How many entries one read of the export takes.
const EXPORT_BATCH: u64 = 1_000;

fn filter_and_page(query: &AuditQuery) -> Result<(AuditFilter, PageRequest), ApiError> {
    let filter: AuditFilter = parse_filter(query)?;
    let page: PageRequest = parse_filter(&PageQuery { page: query.page.clone(), per_page: query.per_page.clone() })?;
    Ok((filter, page))
}

/// Журнал изменений
///
/// Каждое изменение опубликованных записей, каждое решение модератора, смена роли и вход
/// сотрудника оператора: кто, когда, что, значения до и после. Новые первыми. Журнал только
/// пополняется: ни один запрос не меняет и не удаляет записи.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "Страница журнала", body = Page<AuditEntry>),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не сотрудник оператора", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/backoffice/audit")]
pub async fn audit_log(_staff: Staff, store: web::Data<Store>, query: QueryParams<AuditQuery>) -> Result<HttpResponse, ApiError> {
    let (filter, request) = filter_and_page(&query.into_inner()?)?;
    let (entries, total) = store.audit_entries(&filter, request).await?;
    Ok(private_json(StatusCode::OK, &page(request, entries, total)?))
}

/// One entry as a spreadsheet line (no cell starts a formula: the actor's e-mail and the details
/// are anyone's text).
fn csv_row(out: &mut Vec<u8>, entry: &AuditEntry) {
    let fields = [
        entry.id.to_string(),
        entry.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        entry.actor_id.map(|id| id.to_string()).unwrap_or_default(),
        entry.actor_email.clone().unwrap_or_default(),
        entry.action.clone(),
        entry.entity_type.clone(),
        entry.entity_id.to_string(),
        entry.details.to_string(),
    ];
    socio_hsds::tabular::spreadsheet_line(out, &fields.each_ref().map(String::as_str));
}

/// Журнал в CSV
///
/// Те же фильтры, весь период одним файлом, старые записи первыми: UTF-8 с BOM, чтобы Excel открыл
/// его по-русски. Столбцы: номер, время (UTC), кто (номер и почта), действие, вид записи, номер
/// записи, подробности (JSON).
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "CSV", content_type = "text/csv", body = String),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не сотрудник оператора", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/backoffice/audit.csv")]
pub async fn audit_csv(_staff: Staff, store: web::Data<Store>, query: QueryParams<AuditQuery>) -> Result<HttpResponse, ApiError> {
    let (filter, _) = filter_and_page(&query.into_inner()?)?;
    let header = "\u{feff}номер,время,кто,почта,действие,запись,номер записи,подробности\r\n".to_owned();
    // Batches are read as the client downloads, so the file may be as long as the log while the
    // server holds one batch at a time.
    let store = store.into_inner();
    let rows = stream::unfold(Some((0_i64, Some(header))), move |state| {
        let (store, filter) = (store.clone(), filter.clone());
        async move {
            let (after, header) = state?;
            if let Some(header) = header {
                return Some((Ok::<_, ApiError>(web::Bytes::from(header)), Some((after, None))));
            }
            match store.audit_batch(&filter, after, EXPORT_BATCH).await {
                Ok(batch) if batch.is_empty() => None,
                Ok(batch) => {
                    let last = batch.last().map_or(after, |e| e.id);
                    let mut text = Vec::new();
                    batch.iter().for_each(|entry| csv_row(&mut text, entry));
                    Some((Ok(web::Bytes::from(text)), Some((last, None))))
                }
                Err(e) => Some((Err(e.into()), None)),
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"audit.csv\""))
        .insert_header(("Cache-Control", "no-store"))
        .streaming(rows))
}
