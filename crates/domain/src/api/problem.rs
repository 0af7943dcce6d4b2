//! RFC 7807 problem details: the body of every error response.

use serde::{Deserialize, Serialize};

/// What went wrong with one field or parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// Имя поля или параметра запроса.
    pub field: String,
    /// Стабильный машинный код ошибки, например `unknown_value`.
    pub code: String,
    /// Объяснение по-русски.
    pub detail: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: impl Into<String>, detail: impl Into<String>) -> Self {
        Self { field: field.into(), code: code.into(), detail: detail.into() }
    }
}

/// An `application/problem+json` body (RFC 7807) with a stable `code` for programs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// URI типа ошибки.
    #[serde(rename = "type")]
    pub kind: String,
    /// Краткое название ошибки.
    pub title: String,
    /// HTTP-статус.
    pub status: u16,
    /// Стабильный машинный код, например `invalid_parameter`, `not_found`.
    pub code: String,
    /// Что случилось и что сделать, по-русски.
    pub detail: String,
    /// Ошибки по отдельным полям.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Номер запроса: тот же, что в заголовке `X-Request-Id` и в журнале сервера. Назовите его,
    /// когда пишете в поддержку.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}
