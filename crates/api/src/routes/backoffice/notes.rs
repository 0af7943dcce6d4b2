//! Reviewer notes: what one moderator wants the next to know about a record («звонили, телефон
//! меняется с 1 марта»). Internal to the operator: no partner or public route shows them.

use actix_web::{HttpResponse, get, http::StatusCode, post, web};
use socio_domain::{
    api::{NewNote, NotesQuery, Problem, ReviewerNote},
    vocabulary::NoteSubject,
};
use socio_store::Store;

use crate::{
    ApiError,
    auth::Staff,
    http::{JsonBody, QueryParams, private_json},
    routes::tags,
};

/// Заметки о записи
///
/// Внутренние заметки сотрудников оператора об организации, услуге или адресе, новые первыми
/// (до 200). Партнёр и граждане их не видят.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(NotesQuery),
    responses(
        (status = 200, description = "Заметки", body = Vec<ReviewerNote>),
        (status = 400, description = "Неверный параметр", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не сотрудник оператора", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/backoffice/notes")]
pub async fn notes(_staff: Staff, store: web::Data<Store>, query: QueryParams<NotesQuery>) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner()?;
    let subject: NoteSubject = query.subject.parse().map_err(|e: socio_domain::vocabulary::UnknownValue| {
        ApiError::parameter("subject", "unknown_value", format!("Вид записи «{}» не из списка: {}.", e.value, e.allowed))
    })?;
    let entity_id = query
        .entity_id
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError::parameter("entity_id", "invalid_number", "Идентификатор записи — целое число от 1.".to_owned()))?;
    Ok(private_json(StatusCode::OK, &store.notes(subject, entity_id).await?))
}

/// Добавить заметку
///
/// Заметка сотрудника оператора о записи: видна только сотрудникам оператора, изменить или
/// удалить её нельзя.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    request_body = NewNote,
    responses(
        (status = 201, description = "Заметка добавлена", body = ReviewerNote),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не сотрудник оператора", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Пустой текст или нет такой записи", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/backoffice/notes")]
pub async fn add_note(staff: Staff, store: web::Data<Store>, body: JsonBody<NewNote>) -> Result<HttpResponse, ApiError> {
    let note = body.into_inner()?;
    let text = note.body().map_err(ApiError::Validation)?;
    let saved = store.add_note(staff.user_id(), note.subject, note.entity_id, &text).await?;
    Ok(private_json(StatusCode::CREATED, &saved))
}
