//! One error type for every handler, rendered as RFC 7807 `application/problem+json`.
//!
//! Variants say which status they map to; database and unexpected errors become a logged 500
//! whose body never leaks the cause.

use actix_web::{HttpResponse, ResponseError, http::StatusCode};
use socio_domain::api::{FieldError, Problem};
use socio_search::SearchError;
use socio_store::StoreError;

/// Media type of error bodies.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: query parameters or path segments that do not parse or name nothing known.
    #[error("invalid parameters")]
    InvalidParameters(Vec<FieldError>),
    /// 400: a request body that is not the expected JSON.
    #[error("invalid body")]
    InvalidBody(String),
    /// 422: a well-formed body whose values are not acceptable.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 400: a page past the last one.
    #[error("page out of range")]
    PageOutOfRange { page: u32, pages: u32 },
    /// 401: no valid token where one is needed.
    #[error("unauthorized")]
    Unauthorized,
    /// 403: a valid token without the right role.
    #[error("forbidden")]
    Forbidden,
    /// 404: no public record under this key.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 404: no such record in the caller's cabinet (another organization's records included).
    #[error("{0}: no such record")]
    RecordNotFound(&'static str),
    /// 404: no such route.
    #[error("no such route")]
    NoRoute,
    /// 401: sign-in failed; the same answer for an unknown e-mail and a wrong password.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// 403: the e-mail address is not confirmed yet.
    #[error("e-mail not confirmed")]
    EmailNotConfirmed,
    /// 403: not allowed in the caller's present state (an unapproved organization invites).
    #[error("refused: {code}")]
    Refused { code: &'static str, detail: String },
    /// 429: a limit of this kind of action (not of requests) is used up for now.
    #[error("limit reached: {code}")]
    LimitReached { code: &'static str, detail: String, retry_after: u64 },
    /// 403: a partner whose organization (or claim) is not approved yet.
    #[error("no organization")]
    NoOrganization,
    /// 409: the action does not fit the record's state.
    #[error("conflict: {code}")]
    Conflict { code: &'static str, detail: String },
    /// 412: `If-Match` names an older version than the stored one.
    #[error("precondition failed")]
    PreconditionFailed { expected: i32, current: i32 },
    /// 428: a write without `If-Match`.
    #[error("precondition required")]
    PreconditionRequired,
    /// 429: too many requests of this kind from this address or for this account.
    #[error("too many requests")]
    TooManyRequests { retry_after: u64 },
    /// 503: the password-hashing queue is full; try again shortly.
    #[error("busy")]
    Busy,
    /// 503: the database does not answer.
    #[error("database unavailable")]
    Unavailable(#[source] StoreError),
    /// 503: this replica's search index is further behind the database than `/readyz` allows.
    #[error("the search index is {seconds} s behind")]
    IndexBehind { seconds: u64 },
    /// 500: a bug or an outage; logged, never shown.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::UnknownValue { field, value } => ApiError::InvalidParameters(vec![FieldError::new(
                field,
                "unknown_value",
                format!("Параметр «{field}»: значение «{value}» не найдено. Проверьте код по справочнику."),
            )]),
            StoreError::NotFound(what) => ApiError::RecordNotFound(what),
            StoreError::StaleVersion { expected, current } => ApiError::PreconditionFailed { expected, current },
            StoreError::Conflict { code, detail } => ApiError::Conflict { code, detail },
            StoreError::Invalid(errors) => ApiError::Validation(errors),
            StoreError::Refused { code, detail } => ApiError::Refused { code, detail },
            StoreError::Limited { code, detail, retry_after } => ApiError::LimitReached { code, detail, retry_after },
            other if other.is_unavailable() => ApiError::Unavailable(other),
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<SearchError> for ApiError {
    fn from(error: SearchError) -> Self {
        match error {
            SearchError::UnknownValue { field, value } => StoreError::UnknownValue { field, value }.into(),
            other => ApiError::Internal(other.into()),
        }
    }
}

impl ApiError {
    /// A 400 naming one bad query or path parameter.
    pub fn parameter(field: &str, code: &str, detail: String) -> Self {
        ApiError::InvalidParameters(vec![FieldError::new(field, code, detail)])
    }

    /// The problem document for this error.
    pub fn problem(&self) -> Problem {
        let status = self.status_code().as_u16();
        let (code, title, detail, errors) = match self {
            ApiError::InvalidParameters(errors) => (
                "invalid_parameter",
                "Неверные параметры запроса",
                errors.iter().map(|e| e.detail.as_str()).collect::<Vec<_>>().join(" "),
                errors.clone(),
            ),
            ApiError::InvalidBody(reason) => (
                "invalid_body",
                "Неверное тело запроса",
                format!("Тело запроса должно быть JSON по схеме из /api/openapi.json: {reason}"),
                vec![],
            ),
            ApiError::Validation(errors) => (
                "validation_failed",
                "Проверьте введённые данные",
                errors.iter().map(|e| e.detail.as_str()).collect::<Vec<_>>().join(" "),
                errors.clone(),
            ),
            ApiError::PageOutOfRange { page, pages } => (
                "page_out_of_range",
                "Такой страницы нет",
                format!("Страницы {page} нет: всего страниц {pages}. Откройте страницу от 1 до {pages}."),
                vec![FieldError::new("page", "out_of_range", format!("Допустимы страницы от 1 до {pages}."))],
            ),
            ApiError::Unauthorized => (
                "unauthorized",
                "Нужен вход",
                "Войдите заново: нужен действующий токен в заголовке Authorization: Bearer … (он живёт 15 минут).".to_owned(),
                vec![],
            ),
            ApiError::InvalidCredentials => (
                "invalid_credentials",
                "Не удалось войти",
                "Неверная почта или пароль. Проверьте раскладку клавиатуры или восстановите пароль.".to_owned(),
                vec![],
            ),
            ApiError::EmailNotConfirmed => (
                "email_not_confirmed",
                "Почта не подтверждена",
                "Откройте ссылку из письма, которое мы отправили при регистрации. Письма нет — запросите новое.".to_owned(),
                vec![],
            ),
            ApiError::NoOrganization => (
                "no_organization",
                "Организация ещё не подтверждена",
                "Заявка на управление организацией ждёт модератора. Когда её одобрят, кабинет организации откроется.".to_owned(),
                vec![],
            ),
            ApiError::RecordNotFound(what) => ("not_found", "Не найдено", format!("{what}: такой записи в вашем кабинете нет."), vec![]),
            ApiError::Conflict { code, detail } => (*code, "Действие сейчас невозможно", detail.clone(), vec![]),
            ApiError::PreconditionFailed { expected, current } => (
                "version_mismatch",
                "Запись уже изменилась",
                format!(
                    "Пока вы редактировали, запись изменили (ваша версия {expected}, текущая {current}). Обновите страницу и внесите изменения снова."
                ),
                vec![],
            ),
            ApiError::PreconditionRequired => (
                "if_match_required",
                "Нужна версия записи",
                "Передайте заголовок If-Match с ETag записи из последнего GET: так ничьи изменения не потеряются.".to_owned(),
                vec![],
            ),
            ApiError::TooManyRequests { retry_after } => (
                "too_many_requests",
                "Слишком много запросов",
                if *retry_after < 60 {
                    format!("Слишком много запросов подряд с вашего адреса. Повторите через {retry_after} с.")
                } else {
                    format!("Слишком много запросов подряд с вашего адреса. Повторите через {} мин.", retry_after.div_ceil(60))
                },
                vec![],
            ),
            ApiError::Busy => {
                ("busy", "Сервер занят", "Сейчас слишком много запросов одновременно. Повторите через несколько секунд.".to_owned(), vec![])
            }
            ApiError::Forbidden => ("forbidden", "Нет доступа", "У вашей учётной записи нет прав на этот раздел.".to_owned(), vec![]),
            ApiError::Refused { code, detail } => (*code, "Пока нельзя", detail.clone(), vec![]),
            ApiError::LimitReached { code, detail, .. } => (*code, "Лимит исчерпан", detail.clone(), vec![]),
            ApiError::NotFound(what) => ("not_found", "Не найдено", format!("{what} не найдена или ещё не опубликована."), vec![]),
            ApiError::NoRoute => {
                ("no_route", "Адрес не найден", "Такого адреса в API нет. Список адресов — в /api/openapi.json.".to_owned(), vec![])
            }
            ApiError::Unavailable(_) => (
                "unavailable",
                "Сервис временно недоступен",
                "База данных не отвечает или перегружена. Повторите попытку через несколько секунд.".to_owned(),
                vec![],
            ),
            ApiError::IndexBehind { seconds } => (
                "index_behind",
                "Поиск отстаёт от базы",
                format!(
                    "Поисковый индекс этой копии сервера не учёл изменения последних {seconds} с. Повторите попытку через несколько секунд."
                ),
                vec![],
            ),
            ApiError::Internal(_) => (
                "internal_error",
                "Внутренняя ошибка",
                "Что-то пошло не так на сервере. Мы уже знаем об этом; повторите попытку позже.".to_owned(),
                vec![],
            ),
        };
        Problem {
            kind: format!("/problems/{code}"),
            title: title.to_owned(),
            status,
            code: code.to_owned(),
            detail,
            errors,
            request_id: crate::metrics::current_request_id(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::InvalidParameters(_) | ApiError::InvalidBody(_) | ApiError::PageOutOfRange { .. } => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized | ApiError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::EmailNotConfirmed | ApiError::NoOrganization | ApiError::Refused { .. } => {
                StatusCode::FORBIDDEN
            }
            ApiError::NotFound(_) | ApiError::RecordNotFound(_) | ApiError::NoRoute => StatusCode::NOT_FOUND,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::TooManyRequests { .. } | ApiError::LimitReached { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::Busy | ApiError::IndexBehind { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            ApiError::Internal(source) => tracing::error!(error = ?source, "request failed"),
            ApiError::Unavailable(source) => tracing::warn!(error = %source, "database unavailable"),
            _ => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        match self {
            ApiError::Unauthorized => {
                response.insert_header((actix_web::http::header::WWW_AUTHENTICATE, "Bearer"));
            }
            ApiError::TooManyRequests { retry_after } | ApiError::LimitReached { retry_after, .. } => {
                response.insert_header((actix_web::http::header::RETRY_AFTER, retry_after.to_string()));
            }
            ApiError::Busy => {
                response.insert_header((actix_web::http::header::RETRY_AFTER, "5"));
            }
            ApiError::Unavailable(_) | ApiError::IndexBehind { .. } => {
                response.insert_header((actix_web::http::header::RETRY_AFTER, "10"));
            }
            _ => {}
        }
        response.insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"));
        response.content_type(PROBLEM_JSON).json(self.problem())
    }
}
