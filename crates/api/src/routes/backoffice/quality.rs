//! Data quality for moderators: the lists of what may mislead citizens, and a reminder letter to
//! the organization from any of them.

use actix_web::{HttpResponse, get, http::StatusCode, post, web};
use socio_domain::{
    Slug,
    api::{FieldError, Page, PageQuery, PageRequest, Problem, QualityItem, QualityQuery, QualityReminder},
    vocabulary::QualityCheck,
};
use socio_store::Store;

use crate::{
    ApiError,
    auth::Moderator,
    http::{JsonBody, QueryParams, page, parse_filter, private_json},
    mail::{Outgoing, letters},
    routes::tags,
};

/// Качество данных
///
/// Списки того, что может подвести человека: давно не подтверждённые записи, сообщения граждан
/// без ответа, организации без опубликованных услуг, очные услуги без адреса в заявленном городе,
/// услуги без телефона или сайта. По городу, постранично.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    params(QualityQuery),
    responses(
        (status = 200, description = "Страница списка", body = Page<QualityItem>),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не модератор", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/backoffice/quality")]
pub async fn quality(_moderator: Moderator, store: web::Data<Store>, query: QueryParams<QualityQuery>) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner()?;
    let check: QualityCheck = query.check.parse().map_err(|_| {
        let allowed: Vec<&str> = QualityCheck::ALL.iter().map(|c| c.as_str()).collect();
        ApiError::parameter("check", "unknown_value", format!("Проверка «{}» не из списка: {}.", query.check, allowed.join(", ")))
    })?;
    let request: PageRequest = parse_filter(&PageQuery { page: query.page.clone(), per_page: query.per_page.clone() })?;
    let city = match &query.municipality {
        Some(raw) => Some(Slug::parse(raw).map_err(|e| ApiError::parameter("municipality", "invalid_slug", format!("Код города: {e}.")))?),
        None => None,
    };
    let today = chrono::Utc::now().date_naive();
    let (items, total) = store.quality(check, today, city.as_ref(), request).await?;
    Ok(private_json(StatusCode::OK, &page(request, items, total)?))
}

/// Напомнить организации
///
/// Письмо всем партнёрам организации со списком её записей по этой проверке и ссылкой на
/// кабинет. Одно напоминание об одной проверке в день; каждое записывается в журнал.
#[utoipa::path(
    tag = tags::BACKOFFICE,
    security(("bearer" = [])),
    request_body = QualityReminder,
    responses(
        (status = 202, description = "Письмо отправлено"),
        (status = 401, description = "Нет действующего токена", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Не модератор", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Сегодня уже напоминали, или некому написать", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "У организации нет записей по этой проверке", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/backoffice/quality/remind")]
pub async fn remind(
    moderator: Moderator,
    store: web::Data<Store>,
    mail: web::Data<Outgoing>,
    body: JsonBody<QualityReminder>,
) -> Result<HttpResponse, ApiError> {
    let reminder = body.into_inner()?;
    let today = chrono::Utc::now().date_naive();
    let findings = store.quality_of(reminder.check, today, reminder.organization_id).await?;
    let Some(organization) = findings.first().and_then(|f| f.organization_name.clone()) else {
        return Err(ApiError::Validation(vec![FieldError::new(
            "organization_id",
            "nothing_to_remind",
            "У этой организации нет записей по этой проверке.",
        )]));
    };
    let recipients = store.partner_addresses(reminder.organization_id).await?;
    if recipients.is_empty() {
        return Err(ApiError::Conflict {
            code: "no_recipients",
            detail: "У организации нет партнёров с подтверждённой почтой: напомнить некому.".into(),
        });
    }
    if !store.record_quality_reminder(moderator.user_id(), reminder.organization_id, reminder.check, today).await? {
        return Err(ApiError::Conflict {
            code: "already_reminded", detail: "Сегодня об этом уже напоминали.".into()
        });
    }
    let lines: Vec<String> = findings.iter().map(|f| format!("{}: {}", f.title, f.detail)).collect();
    for to in recipients {
        mail.send(letters::quality_reminder(&to, &organization, reminder.check.label(), &lines, &format!("{}/cabinet", mail.public_url)))
            .await?;
    }
    Ok(HttpResponse::Accepted().finish())
}
