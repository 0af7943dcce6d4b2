//! Citizens' reports of inaccuracies («Сообщить о неточности»).
//!
//! Anonymous by construction: the report names the record and what is wrong, never the person.

use serde::{Deserialize, Serialize};

use super::FieldError;
use crate::Slug;

/// Longest report text accepted.
pub const MAX_REPORT_MESSAGE: usize = 2000;

/// What kind of record the report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportSubject {
    /// Услуга.
    Service,
    /// Организация.
    Organization,
}

/// What is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportProblem {
    /// Организация закрылась или услугу больше не оказывают.
    Closed,
    /// Переехали: адрес неверный.
    Moved,
    /// Телефон не отвечает или неверный.
    WrongPhone,
    /// Неверные часы работы.
    WrongHours,
    /// Неверные условия, документы или стоимость.
    WrongInfo,
    /// Другое (опишите в сообщении).
    Other,
}

impl ReportProblem {
    /// Every value with its Russian label, for the form.
    pub const ALL: &'static [(ReportProblem, &'static str)] = &[
        (ReportProblem::Closed, "Закрылись или больше не оказывают услугу"),
        (ReportProblem::Moved, "Неверный адрес"),
        (ReportProblem::WrongPhone, "Телефон не отвечает или неверный"),
        (ReportProblem::WrongHours, "Неверные часы работы"),
        (ReportProblem::WrongInfo, "Неверные условия, документы или стоимость"),
        (ReportProblem::Other, "Другое"),
    ];

    /// The wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportProblem::Closed => "closed",
            ReportProblem::Moved => "moved",
            ReportProblem::WrongPhone => "wrong_phone",
            ReportProblem::WrongHours => "wrong_hours",
            ReportProblem::WrongInfo => "wrong_info",
            ReportProblem::Other => "other",
        }
    }
}

/// A report as sent by the SPA or a third-party app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewReport {
    /// О чём сообщение: услуга или организация.
    pub subject: ReportSubject,
    /// Код услуги или организации.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120))]
    pub slug: String,
    /// Что не так.
    pub problem: ReportProblem,
    /// Подробности (до 2000 символов; обязательны для «Другое»). Номера из 7 и более цифр и адреса
    /// почты заменяются пометкой «[номер скрыт]», «[почта скрыта]»: сообщение видят партнёр и модератор.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub message: String,
}

/// A report that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidReport {
    pub subject: ReportSubject,
    pub slug: Slug,
    pub problem: ReportProblem,
    pub message: String,
}

impl TryFrom<NewReport> for ValidReport {
    type Error = Vec<FieldError>;
    fn try_from(report: NewReport) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let slug = Slug::parse(report.slug.trim())
            .map_err(|e| errors.push(FieldError::new("slug", "invalid_slug", format!("Код записи: {e}."))))
            .ok();
        let message = crate::text::scrubbed(report.message.trim());
        if report.message.trim().chars().count() > MAX_REPORT_MESSAGE {
            errors.push(FieldError::new("message", "too_long", format!("Сообщение длиннее {MAX_REPORT_MESSAGE} символов; сократите его.")));
        }
        if report.problem == ReportProblem::Other && message.is_empty() {
            errors.push(FieldError::new("message", "required", "Опишите, что не так: без этого мы не сможем исправить."));
        }
        match slug {
            Some(slug) if errors.is_empty() => Ok(Self { subject: report.subject, slug, problem: report.problem, message }),
            _ => Err(errors),
        }
    }
}

/// The answer to an accepted report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportReceipt {
    /// Номер сообщения.
    pub id: i64,
    /// Что будет дальше, по-русски.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(problem: ReportProblem, slug: &str, message: &str) -> NewReport {
        NewReport { subject: ReportSubject::Service, slug: slug.into(), problem, message: message.into() }
    }

    #[test]
    fn a_plain_report_is_accepted_and_trimmed() {
        let valid =
            ValidReport::try_from(report(ReportProblem::WrongPhone, " kcson-osen ", "  не отвечают  ")).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((valid.slug.as_str(), valid.message.as_str()), ("kcson-osen", "не отвечают"));
    }

    #[test]
    fn every_problem_is_named() {
        let errors = ValidReport::try_from(report(ReportProblem::Other, "Плохой код", "")).err().unwrap_or_default();
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(fields, [("slug", "invalid_slug"), ("message", "required")]);
        let long = "я".repeat(MAX_REPORT_MESSAGE + 1);
        assert_eq!(
            ValidReport::try_from(report(ReportProblem::Moved, "ok", &long)).err().map(|e| e[0].code.clone()).as_deref(),
            Some("too_long")
        );
    }
}
