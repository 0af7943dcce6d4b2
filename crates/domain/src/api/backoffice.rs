//! The operator's back office: accounts of the platform's own people and their roles, and the
//! audit log, which everyone of them reads and no one can change.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{FieldError, Invitation};
use crate::{
    account::Email,
    vocabulary::{NoteSubject, UserRole},
};

/// One entry of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Номер записи (растёт со временем).
    pub id: i64,
    /// Когда.
    pub at: DateTime<Utc>,
    /// Кто: идентификатор пользователя; пусто — сама платформа (плановая задача).
    pub actor_id: Option<i64>,
    /// Почта того, кто действовал.
    pub actor_email: Option<String>,
    /// Что сделано: `approve`, `reject`, `submit`, `create_draft`, `withdraw`, `confirm`, `register`, `invite`, `role_change`, `login`, …
    pub action: String,
    /// С чем: `service`, `location`, `organization`, `claim`, `user`, `report`.
    pub entity_type: String,
    /// Идентификатор записи.
    pub entity_id: i64,
    /// Подробности: значения до и после, комментарий.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: serde_json::Value,
}

/// Filters of the audit log; every one is optional, all combine.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Вид записи: `service`, `location`, `organization`, `claim`, `user`, `report`.
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>, pattern = r"^[a-z_]{1,40}$"))]
    pub entity_type: Option<String>,
    /// Идентификатор записи (вместе с `entity_type`).
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>, minimum = 1))]
    pub entity_id: Option<String>,
    /// Кто действовал: идентификатор пользователя.
    #[cfg_attr(feature = "openapi", param(value_type = Option<i64>, minimum = 1))]
    pub actor: Option<String>,
    /// С какого дня (включительно), ГГГГ-ММ-ДД.
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>, format = Date, pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"))]
    pub from: Option<String>,
    /// По какой день (включительно), ГГГГ-ММ-ДД.
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>, format = Date, pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"))]
    pub to: Option<String>,
    /// Номер страницы, с 1.
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000))]
    pub page: Option<String>,
    /// Размер страницы, 1–100 (по умолчанию 20).
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 100))]
    pub per_page: Option<String>,
}

/// A checked audit filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<i64>,
    pub actor: Option<i64>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl TryFrom<&AuditQuery> for AuditFilter {
    type Error = Vec<FieldError>;
    fn try_from(raw: &AuditQuery) -> Result<Self, Self::Error> {
        let mut errors = Vec::new();
        let mut id = |field: &str, value: &Option<String>| -> Option<i64> {
            let value = value.as_deref()?;
            match value.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    errors.push(FieldError::new(field, "invalid_id", format!("«{field}»: нужен идентификатор — число от 1.")));
                    None
                }
            }
        };
        let entity_id = id("entity_id", &raw.entity_id);
        let actor = id("actor", &raw.actor);
        let mut date = |field: &str, value: &Option<String>| -> Option<NaiveDate> {
            let value = value.as_deref()?;
            NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map_err(|_| {
                    errors.push(FieldError::new(field, "invalid_date", format!("«{field}»: дата в виде ГГГГ-ММ-ДД, например 2026-12-01.")))
                })
                .ok()
        };
        let from = date("from", &raw.from);
        let to = date("to", &raw.to);
        let entity_type = raw.entity_type.clone();
        if entity_type.as_deref().is_some_and(|t| t.is_empty() || t.len() > 40 || !t.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')) {
            errors.push(FieldError::new("entity_type", "invalid", "«entity_type»: строчные латинские буквы и «_», например `service`."));
        }
        if errors.is_empty() { Ok(AuditFilter { entity_type, entity_id, actor, from, to }) } else { Err(errors) }
    }
}

/// A person of the operator (a moderator, an editor or an admin) or a partner, as the admin sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Operator {
    /// Идентификатор пользователя.
    pub id: i64,
    /// Электронная почта.
    pub email: String,
    /// Имя.
    pub display_name: String,
    /// Роль.
    pub role: UserRole,
    /// Может входить (приглашение принято и доступ не закрыт).
    pub active: bool,
    /// Приглашение ещё не принято (пароль не задан); иначе `active: false` значит «доступ закрыт».
    pub invitation_pending: bool,
    /// Последний вход.
    pub last_login_at: Option<DateTime<Utc>>,
}

/// A new person of the operator: an invitation letter goes to the address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOperator {
    /// Электронная почта: на неё придёт приглашение.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::email))]
    pub email: String,
    /// Имя (1–100 символов).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub display_name: String,
    /// Роль: `moderator`, `editor` или `admin`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::operator_role))]
    pub role: UserRole,
}

impl NewOperator {
    /// The address, the name and the role; a partner is not made here.
    pub fn parse(&self) -> Result<(Email, String, UserRole), Vec<FieldError>> {
        let (email, name) = Invitation { email: self.email.clone(), display_name: self.display_name.clone() }.parse()?;
        if self.role == UserRole::Partner {
            return Err(vec![FieldError::new(
                "role",
                "not_operator",
                "Партнёры регистрируются сами; здесь — модератор, редактор или администратор.",
            )]);
        }
        Ok((email, name, self.role))
    }
}

/// A change of a person's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    /// Новая роль: `moderator`, `editor` или `admin`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::operator_role))]
    pub role: UserRole,
}

/// Opening or closing a person of the operator's access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccessChange {
    /// `false` — закрыть доступ: сеансы завершаются, со следующего запроса ответ 401; `true` —
    /// открыть снова.
    pub active: bool,
}

/// Which data-quality list, and where.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct QualityQuery {
    /// Проверка.
    #[cfg_attr(feature = "openapi", param(value_type = crate::vocabulary::QualityCheck))]
    pub check: String,
    /// Город: только записи этого города.
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::Slug>))]
    pub municipality: Option<String>,
    /// Номер страницы, с 1.
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000))]
    pub page: Option<String>,
    /// Размер страницы, 1–100 (по умолчанию 20).
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 100))]
    pub per_page: Option<String>,
}

/// One finding of a data-quality list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualityItem {
    /// О чём: `service`, `organization` или `report`.
    pub subject: String,
    /// Идентификатор записи.
    pub id: i64,
    /// Название записи (для сообщения — название услуги или организации, о которой оно).
    pub title: String,
    /// Организация, которой напомнить.
    pub organization_id: Option<i64>,
    /// Её название.
    pub organization_name: Option<String>,
    /// Что не так, по-русски.
    pub detail: String,
}

/// A reminder to an organization about one list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct QualityReminder {
    /// Организация.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub organization_id: i64,
    /// О какой проверке напомнить.
    pub check: crate::vocabulary::QualityCheck,
}

/// Filters of the moderation queue.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// Вид записи: услуга, адрес, организация или заявка на организацию.
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::vocabulary::RevisionSubject>))]
    pub subject: Option<String>,
    /// Город: изменения организаций, у которых в нём адрес или услуга.
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::Slug>))]
    pub municipality: Option<String>,
    /// Номер страницы, с 1.
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000))]
    pub page: Option<String>,
    /// Размер страницы, 1–100 (по умолчанию 20).
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 100))]
    pub per_page: Option<String>,
}

/// A reviewer's note on a record: internal to the operator, never shown to the partner or to
/// citizens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    /// О какой записи.
    pub subject: NoteSubject,
    /// Идентификатор записи.
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub entity_id: i64,
    /// Текст заметки (1–2000 символов, не одни пробелы).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub body: String,
}

impl NewNote {
    /// The note's text, checked.
    pub fn body(&self) -> Result<String, Vec<FieldError>> {
        let mut form = crate::form::Form::new();
        let body = form.paragraphs("body", "Заметка", &self.body, 1, super::limits::COMMENT);
        form.finish(body)
    }
}

/// A reviewer's note, as the operator's people read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewerNote {
    /// Номер заметки.
    pub id: i64,
    /// О какой записи.
    pub subject: NoteSubject,
    /// Идентификатор записи.
    pub entity_id: i64,
    /// Кто написал.
    pub author_email: Option<String>,
    /// Текст.
    pub body: String,
    /// Когда.
    pub created_at: DateTime<Utc>,
}

/// Which record's notes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct NotesQuery {
    /// О какой записи.
    #[cfg_attr(feature = "openapi", param(value_type = NoteSubject))]
    pub subject: String,
    /// Идентификатор записи.
    #[cfg_attr(feature = "openapi", param(value_type = i64, minimum = 1))]
    pub entity_id: String,
}

/// How citizens used the platform over a period: aggregates only, nothing about anyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageReport {
    /// За сколько последних дней.
    pub days: u16,
    /// Город, если отчёт по одному городу.
    pub municipality: Option<super::MunicipalityRef>,
    /// Жизненные ситуации, самые востребованные первыми (до 50).
    pub situations: Vec<SituationUsage>,
    /// По городам: сколько открывали ситуации, строили маршруты и искали без результата.
    pub cities: Vec<CityUsage>,
    /// Самые частые поиски без результата (до 20).
    pub unmet_searches: Vec<super::UnmetSearch>,
}

/// One situation's use over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SituationUsage {
    /// Код ситуации.
    pub slug: String,
    /// Название.
    pub title: String,
    /// Сколько раз открывали.
    pub opened: u64,
    /// Сколько раз строили маршрут.
    pub routes: u64,
}

/// One city's use over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CityUsage {
    /// Город; пусто — город не был выбран.
    pub municipality: Option<super::MunicipalityRef>,
    /// Сколько раз открывали ситуации.
    pub opened: u64,
    /// Сколько раз строили маршрут.
    pub routes: u64,
    /// Сколько раз искали и не нашли.
    pub unmet_searches: u64,
}
