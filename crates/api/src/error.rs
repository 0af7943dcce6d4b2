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
    /// 404: no such route.
    #[error("no such route")]
    NoRoute,
    /// 503: the database does not answer.
    #[error("database unavailable")]
    Unavailable(#[source] StoreError),
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
                "Этот раздел — для модераторов. Передайте действующий токен в заголовке Authorization: Bearer ….".to_owned(),
                vec![],
            ),
            ApiError::Forbidden => ("forbidden", "Нет доступа", "У вашей учётной записи нет прав на этот раздел.".to_owned(), vec![]),
            ApiError::NotFound(what) => ("not_found", "Не найдено", format!("{what} не найдена или ещё не опубликована."), vec![]),
            ApiError::NoRoute => {
                ("no_route", "Адрес не найден", "Такого адреса в API нет. Список адресов — в /api/openapi.json.".to_owned(), vec![])
            }
            ApiError::Unavailable(_) => {
                ("unavailable", "Сервис временно недоступен", "База данных не отвечает. Повторите попытку через минуту.".to_owned(), vec![])
            }
            ApiError::Internal(_) => (
                "internal_error",
                "Внутренняя ошибка",
                "Что-то пошло не так на сервере. Мы уже знаем об этом; повторите попытку позже.".to_owned(),
                vec![],
            ),
        };
        Problem { kind: format!("/problems/{code}"), title: title.to_owned(), status, code: code.to_owned(), detail, errors }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::InvalidParameters(_) | ApiError::InvalidBody(_) | ApiError::PageOutOfRange { .. } => StatusCode::BAD_REQUEST,
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) | ApiError::NoRoute => StatusCode::NOT_FOUND,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
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
        if matches!(self, ApiError::Unauthorized) {
            response.insert_header((actix_web::http::header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.content_type(PROBLEM_JSON).json(self.problem())
    }
}
