//! The partner cabinet's contract: the forms a partner fills in (organization profile, an
//! address, a service), the checked forms the store writes, and the cabinet's views of its
//! records with their moderation state.
//!
//! Every `*Input` is what the form sends; `Valid*::try_from` parses it with the domain's
//! newtypes and returns every bad field at once. The SPA's forms call the same parsers.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::FieldError;
use crate::{
    Coordinates, Inn, Ogrn, OpeningHours, OpeningInterval, Phone, Slug,
    account::Email,
    form::Form,
    revision::{FieldChange, FieldValue, Fields},
    vocabulary::{
        AccessibilityFeature, Cost, Form442, ModerationStatus, OrganizationKind, RevisionStatus, RevisionSubject, Sector, ServiceFormat,
    },
    web::WebsiteUrl,
};

/// Limits of the forms, shared with the SPA.
pub mod limits {
    pub const NAME: usize = 300;
    pub const SHORT_NAME: usize = 100;
    pub const DESCRIPTION: usize = 5000;
    pub const SUMMARY: usize = 300;
    pub const LONG_TEXT: usize = 3000;
    pub const COST_NOTE: usize = 500;
    pub const DOCUMENT: usize = 300;
    pub const DOCUMENTS: usize = 30;
    pub const CATEGORIES: usize = 8;
    pub const TARGET_GROUPS: usize = 12;
    pub const LOCATIONS: usize = 50;
    pub const MUNICIPALITIES: usize = 14;
    pub const HOURS: usize = 14;
    pub const ADDRESS: usize = 300;
    pub const MAX_AGE: u8 = 120;
    pub const COMMENT: usize = 2000;
}

/// How many days a record stays fresh after it was last confirmed.
pub const STALE_AFTER_DAYS: i64 = 180;

/// Is a record last confirmed on `verified` stale on `today`?
pub fn is_stale(verified: Option<NaiveDate>, today: NaiveDate) -> bool {
    verified.is_none_or(|d| (today - d).num_days() >= STALE_AFTER_DAYS)
}

/// Contacts as typed in a form; each is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactsInput {
    /// Телефон: +7 или 8 и 10 цифр.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::phone))]
    pub phone: Option<String>,
    /// Электронная почта.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::email_optional))]
    pub email: Option<String>,
    /// Сайт: только http:// или https://.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::website))]
    pub website: Option<String>,
}

/// Checked contacts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidContacts {
    pub phone: Option<Phone>,
    pub email: Option<Email>,
    pub website: Option<WebsiteUrl>,
}

fn contacts(form: &mut Form, input: &ContactsInput) -> ValidContacts {
    ValidContacts {
        phone: form.optional("contacts.phone", "Телефон", &input.phone, Phone::parse),
        email: form.optional("contacts.email", "Электронная почта", &input.email, Email::parse),
        website: form.optional("contacts.website", "Сайт", &input.website, WebsiteUrl::parse),
    }
}

fn contact_fields(c: &ContactsInput, out: &mut Vec<FieldValue>) {
    out.push(FieldValue::new("contacts.phone", "Телефон", c.phone.clone().unwrap_or_default()));
    out.push(FieldValue::new("contacts.email", "Электронная почта", c.email.clone().unwrap_or_default()));
    out.push(FieldValue::new("contacts.website", "Сайт", c.website.clone().unwrap_or_default()));
}

/// The organization's profile as the partner edits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrganizationInput {
    /// Полное название (3–300 символов).
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 300))]
    pub name: String,
    /// Краткое название (до 100 символов).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub short_name: Option<String>,
    /// Вид организации.
    pub kind: OrganizationKind,
    /// Сфера деятельности.
    pub sector: Sector,
    /// ИНН: 10 или 12 цифр с верной контрольной цифрой.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::inn))]
    pub inn: Option<String>,
    /// ОГРН: 13 или 15 цифр с верной контрольной цифрой.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::ogrn))]
    pub ogrn: Option<String>,
    /// Чем занимается организация, простыми словами (до 5000 символов).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub description: String,
    /// Контакты.
    #[serde(default)]
    pub contacts: ContactsInput,
}

/// A checked organization profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidOrganization {
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrganizationKind,
    pub sector: Sector,
    pub inn: Option<Inn>,
    pub ogrn: Option<Ogrn>,
    pub description: String,
    pub contacts: ValidContacts,
}

impl TryFrom<&OrganizationInput> for ValidOrganization {
    type Error = Vec<FieldError>;
    fn try_from(input: &OrganizationInput) -> Result<Self, Self::Error> {
        let mut form = Form::new();
        let valid = ValidOrganization {
            name: form.line("name", "Полное название", &input.name, 3, limits::NAME),
            short_name: form.optional_line("short_name", "Краткое название", &input.short_name, limits::SHORT_NAME),
            kind: input.kind,
            sector: input.sector,
            inn: form.optional("inn", "ИНН", &input.inn, Inn::parse),
            ogrn: form.optional("ogrn", "ОГРН", &input.ogrn, Ogrn::parse),
            description: form.paragraphs("description", "Описание", &input.description, 0, limits::DESCRIPTION),
            contacts: contacts(&mut form, &input.contacts),
        };
        form.finish(valid)
    }
}

impl Fields for OrganizationInput {
    fn fields(&self) -> Vec<FieldValue> {
        let mut out = vec![
            FieldValue::new("name", "Полное название", self.name.clone()),
            FieldValue::new("short_name", "Краткое название", self.short_name.clone().unwrap_or_default()),
            FieldValue::new("kind", "Вид организации", self.kind.label()),
            FieldValue::new("sector", "Сфера деятельности", self.sector.label()),
            FieldValue::new("inn", "ИНН", self.inn.clone().unwrap_or_default()),
            FieldValue::new("ogrn", "ОГРН", self.ogrn.clone().unwrap_or_default()),
            FieldValue::new("description", "Описание", self.description.clone()),
        ];
        contact_fields(&self.contacts, &mut out);
        out
    }
}

/// An address as the partner edits it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    /// Название здания или отделения (1–300 символов).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub name: String,
    /// Код города.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::Slug))]
    pub municipality: String,
    /// Адрес без названия города (5–300 символов).
    #[cfg_attr(feature = "openapi", schema(min_length = 5, max_length = 300))]
    pub address: String,
    /// Координаты, если известны.
    #[serde(default)]
    pub coordinates: Option<Coordinates>,
    /// Телефон отделения, если отличается от телефона организации.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::phone))]
    pub phone: Option<String>,
    /// Часы работы (до 14 правил).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 14))]
    pub opening_hours: Vec<OpeningInterval>,
    /// Условия доступности для людей с инвалидностью, без повторов.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub accessibility: Vec<AccessibilityFeature>,
}

/// A checked address.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidLocation {
    pub name: String,
    pub municipality: Slug,
    pub address: String,
    pub coordinates: Option<Coordinates>,
    pub phone: Option<Phone>,
    pub opening_hours: OpeningHours,
    pub accessibility: Vec<AccessibilityFeature>,
}

impl TryFrom<&LocationInput> for ValidLocation {
    type Error = Vec<FieldError>;
    fn try_from(input: &LocationInput) -> Result<Self, Self::Error> {
        let mut form = Form::new();
        let name = form.line("name", "Название", &input.name, 1, limits::NAME);
        let municipality =
            Slug::parse(input.municipality.trim()).map_err(|_| form.error("municipality", "invalid", "Выберите город из списка.")).ok();
        let address = form.line("address", "Адрес", &input.address, 5, limits::ADDRESS);
        let coordinates = input.coordinates.and_then(|c| {
            Coordinates::parse(c.lat, c.lon).map_err(|e| form.error("coordinates", "invalid", format!("Координаты: {e}."))).ok()
        });
        let phone = form.optional("phone", "Телефон", &input.phone, Phone::parse);
        form.count("opening_hours", "Часы работы", input.opening_hours.len(), 0, limits::HOURS);
        let mut hours = Vec::new();
        for (i, interval) in input.opening_hours.iter().enumerate().take(limits::HOURS) {
            if interval.days.len() > 7 {
                form.error(format!("opening_hours[{i}].days"), "too_many", "Часы работы: в неделе семь дней.");
                continue;
            }
            match OpeningHours::parse(vec![interval.clone()]) {
                Ok(_) => hours.push(interval.clone()),
                Err(e) => form.error(format!("opening_hours[{i}]"), "invalid", format!("Часы работы, строка {}: {e}.", i + 1)),
            }
        }
        let accessibility = form.distinct("accessibility", "Доступность", &input.accessibility, 0, AccessibilityFeature::ALL.len());
        let valid = municipality.map(|municipality| ValidLocation {
            name,
            municipality,
            address,
            coordinates,
            phone,
            opening_hours: OpeningHours(hours),
            accessibility,
        });
        match valid {
            Some(valid) => form.finish(valid),
            None => Err(form.finish(()).err().unwrap_or_default()),
        }
    }
}

fn hours_text(hours: &[OpeningInterval]) -> String {
    hours.iter().map(|h| format!("{:?} {}–{}", h.days, h.opens, h.closes)).collect::<Vec<_>>().join("; ")
}

impl Fields for LocationInput {
    fn fields(&self) -> Vec<FieldValue> {
        vec![
            FieldValue::new("name", "Название", self.name.clone()),
            FieldValue::new("municipality", "Город", self.municipality.clone()),
            FieldValue::new("address", "Адрес", self.address.clone()),
            FieldValue::new("coordinates", "Координаты", self.coordinates.map(|c| format!("{}, {}", c.lat, c.lon)).unwrap_or_default()),
            FieldValue::new("phone", "Телефон", self.phone.clone().unwrap_or_default()),
            FieldValue::new("opening_hours", "Часы работы", hours_text(&self.opening_hours)),
            FieldValue::new("accessibility", "Доступность", self.accessibility.iter().map(|a| a.label()).collect::<Vec<_>>().join(", ")),
        ]
    }
}

/// A service as the partner edits it: every field of the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    /// Название услуги (3–300 символов).
    #[cfg_attr(feature = "openapi", schema(min_length = 3, max_length = 300))]
    pub name: String,
    /// Что человек получает, одним предложением (10–300 символов).
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 300))]
    pub summary: String,
    /// Подробное описание (до 5000 символов).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub description: String,
    /// Коды категорий (1–8).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::Slug>, min_items = 1, max_items = 8))]
    pub categories: Vec<String>,
    /// Коды категорий получателей (1–12).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::Slug>, min_items = 1, max_items = 12))]
    pub target_groups: Vec<String>,
    /// Как получить (1–5, без повторов).
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 5))]
    pub formats: Vec<ServiceFormat>,
    /// Форма социального обслуживания по 442-ФЗ.
    #[serde(default)]
    pub form_442: Option<Form442>,
    /// Стоимость.
    pub cost: Cost,
    /// Пояснение к стоимости (до 500 символов).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub cost_note: Option<String>,
    /// Возраст получателя от, лет (0–120).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 120))]
    pub age_min: Option<u8>,
    /// Возраст получателя до, лет (0–120, не меньше «от»).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 120))]
    pub age_max: Option<u8>,
    /// Кто может получить (до 3000 символов).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 3000))]
    pub eligibility: String,
    /// Какие документы нужны (до 30, каждый до 300 символов).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 30))]
    pub documents: Vec<String>,
    /// Как обратиться (до 3000 символов).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 3000))]
    pub how_to_apply: String,
    /// Контакты по услуге, если отличаются от контактов организации.
    #[serde(default)]
    pub contacts: ContactsInput,
    /// Идентификаторы адресов организации, где оказывают услугу (до 50).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 50))]
    pub locations: Vec<i64>,
    /// Коды городов, где доступна услуга (1–14).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::Slug>, min_items = 1, max_items = 14))]
    pub municipalities: Vec<String>,
}

/// A checked service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidService {
    pub name: String,
    pub summary: String,
    pub description: String,
    pub categories: Vec<Slug>,
    pub target_groups: Vec<Slug>,
    pub formats: Vec<ServiceFormat>,
    pub form_442: Option<Form442>,
    pub cost: Cost,
    pub cost_note: Option<String>,
    pub age_min: Option<u8>,
    pub age_max: Option<u8>,
    pub eligibility: String,
    pub documents: Vec<String>,
    pub how_to_apply: String,
    pub contacts: ValidContacts,
    pub locations: Vec<i64>,
    pub municipalities: Vec<Slug>,
}

impl TryFrom<&ServiceInput> for ValidService {
    type Error = Vec<FieldError>;
    fn try_from(input: &ServiceInput) -> Result<Self, Self::Error> {
        let mut form = Form::new();
        let name = form.line("name", "Название услуги", &input.name, 3, limits::NAME);
        let summary = form.line("summary", "Кратко", &input.summary, 10, limits::SUMMARY);
        let description = form.paragraphs("description", "Описание", &input.description, 0, limits::DESCRIPTION);
        let categories = form.slugs("categories", "Категории", &input.categories, 1, limits::CATEGORIES);
        let target_groups = form.slugs("target_groups", "Кому", &input.target_groups, 1, limits::TARGET_GROUPS);
        let formats = form.distinct("formats", "Как получить", &input.formats, 1, ServiceFormat::ALL.len());
        let cost_note = form.optional_line("cost_note", "Пояснение к стоимости", &input.cost_note, limits::COST_NOTE);
        for (field, age) in [("age_min", input.age_min), ("age_max", input.age_max)] {
            if age.is_some_and(|a| a > limits::MAX_AGE) {
                form.error(field, "out_of_range", format!("Возраст — от 0 до {} лет.", limits::MAX_AGE));
            }
        }
        if let (Some(min), Some(max)) = (input.age_min, input.age_max)
            && min > max
        {
            form.error("age_max", "out_of_range", format!("Возраст «до» ({max}) меньше возраста «от» ({min})."));
        }
        let eligibility = form.paragraphs("eligibility", "Кто может получить", &input.eligibility, 0, limits::LONG_TEXT);
        form.count("documents", "Документы", input.documents.len(), 0, limits::DOCUMENTS);
        let documents: Vec<String> = input
            .documents
            .iter()
            .take(limits::DOCUMENTS)
            .enumerate()
            .map(|(i, d)| form.line(&format!("documents[{i}]"), "Документ", d, 1, limits::DOCUMENT))
            .collect();
        let how_to_apply = form.paragraphs("how_to_apply", "Как обратиться", &input.how_to_apply, 0, limits::LONG_TEXT);
        let contacts = contacts(&mut form, &input.contacts);
        let locations = form.distinct("locations", "Адреса", &input.locations, 0, limits::LOCATIONS);
        if formats.contains(&ServiceFormat::InPerson) && input.locations.is_empty() {
            form.error("locations", "required", "Услугу оказывают очно: выберите хотя бы один адрес.");
        }
        let municipalities = form.slugs("municipalities", "Города", &input.municipalities, 1, limits::MUNICIPALITIES);
        let valid = ValidService {
            name,
            summary,
            description,
            categories,
            target_groups,
            formats,
            form_442: input.form_442,
            cost: input.cost,
            cost_note,
            age_min: input.age_min,
            age_max: input.age_max,
            eligibility,
            documents,
            how_to_apply,
            contacts,
            locations,
            municipalities,
        };
        form.finish(valid)
    }
}

impl Fields for ServiceInput {
    fn fields(&self) -> Vec<FieldValue> {
        let join = |v: &[String]| v.join(", ");
        let age = |a: Option<u8>| a.map(|a| a.to_string()).unwrap_or_default();
        let mut out = vec![
            FieldValue::new("name", "Название услуги", self.name.clone()),
            FieldValue::new("summary", "Кратко", self.summary.clone()),
            FieldValue::new("description", "Описание", self.description.clone()),
            FieldValue::new("categories", "Категории", join(&self.categories)),
            FieldValue::new("target_groups", "Кому", join(&self.target_groups)),
            FieldValue::new("formats", "Как получить", self.formats.iter().map(|f| f.label()).collect::<Vec<_>>().join(", ")),
            FieldValue::new("form_442", "Форма по 442-ФЗ", self.form_442.map(|f| f.label()).unwrap_or_default()),
            FieldValue::new("cost", "Стоимость", self.cost.label()),
            FieldValue::new("cost_note", "Пояснение к стоимости", self.cost_note.clone().unwrap_or_default()),
            FieldValue::new("age_min", "Возраст от", age(self.age_min)),
            FieldValue::new("age_max", "Возраст до", age(self.age_max)),
            FieldValue::new("eligibility", "Кто может получить", self.eligibility.clone()),
            FieldValue::new("documents", "Документы", self.documents.join("; ")),
            FieldValue::new("how_to_apply", "Как обратиться", self.how_to_apply.clone()),
        ];
        contact_fields(&self.contacts, &mut out);
        out.push(FieldValue::new("locations", "Адреса", self.locations.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")));
        out.push(FieldValue::new("municipalities", "Города", join(&self.municipalities)));
        out
    }
}

/// The latest proposed change of a record, as its cabinet page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevisionSummary {
    /// Номер изменения.
    pub id: i64,
    /// Состояние.
    pub status: RevisionStatus,
    /// Когда отправлено.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Когда рассмотрено.
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Комментарий модератора (обязателен при отклонении).
    pub review_comment: Option<String>,
    /// Версия предложения: 1 при отправке, растёт при каждом изменении после неё (тогда
    /// модератор читает предложение заново).
    pub version: i32,
}

/// A cabinet record: the working copy (the pending proposal, if any, else what is stored), its
/// moderation state and the version to send back in `If-Match`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Editable<T> {
    /// Идентификатор записи.
    pub id: i64,
    /// Код записи в адресах сайта (у адресов — пусто).
    pub slug: String,
    /// Статус: черновик, на модерации, опубликовано, в архиве.
    pub status: ModerationStatus,
    /// Версия для заголовка If-Match (она же в ETag).
    pub version: i32,
    /// Текущие данные формы: предложенные, если изменение ждёт модерации.
    pub record: T,
    /// Последнее предложенное изменение и решение по нему.
    pub revision: Option<RevisionSummary>,
    /// Изменения относительно опубликованной версии (пусто, если их нет).
    pub changes: Vec<FieldChange>,
    /// Когда данные последний раз подтверждены.
    pub last_verified: Option<NaiveDate>,
    /// Данные не подтверждались больше 180 дней.
    pub stale: bool,
}

/// A row of the cabinet's lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CabinetListItem {
    /// Идентификатор записи.
    pub id: i64,
    /// Код записи (у адресов — пусто).
    pub slug: String,
    /// Название.
    pub name: String,
    /// Статус записи.
    pub status: ModerationStatus,
    /// Изменение ждёт модерации.
    pub pending_revision: bool,
    /// Последнее изменение отклонено: см. комментарий модератора.
    pub rejected_revision: bool,
    /// Когда данные последний раз подтверждены.
    pub last_verified: Option<NaiveDate>,
    /// Данные не подтверждались больше 180 дней.
    pub stale: bool,
}

/// A revision with its field-by-field diff, for the partner's list and the moderation queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevisionView {
    /// Номер изменения.
    pub id: i64,
    /// Что меняется.
    pub subject: RevisionSubject,
    /// Идентификатор записи (организации — для заявки на управление).
    pub entity_id: Option<i64>,
    /// Название записи.
    pub title: String,
    /// Организация.
    pub organization_id: Option<i64>,
    /// Название организации.
    pub organization_name: Option<String>,
    /// Состояние.
    pub status: RevisionStatus,
    /// Версия записи, от которой сделано изменение.
    pub base_version: Option<i32>,
    /// Кто предложил.
    pub author_email: Option<String>,
    /// Когда отправлено.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Когда рассмотрено.
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Комментарий модератора.
    pub review_comment: Option<String>,
    /// Поле за полем: было и стало.
    pub changes: Vec<FieldChange>,
    /// Модератор исправил предложенную запись перед одобрением: опубликовано исправленное.
    #[serde(default)]
    pub edited_by_moderator: bool,
    /// Версия предложения (она же ETag): 1 при отправке, растёт, когда партнёр меняет
    /// предложение. Одобрение и отклонение передают её в `If-Match`: решение принимается о
    /// прочитанном, а не о переписанном после.
    pub version: i32,
}

/// A record as a revision proposes it, or as a moderator corrected it before approving: the
/// one field of the revision's kind (none for a claim).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProposedRecord {
    /// Услуга (для изменения услуги).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<ServiceInput>,
    /// Адрес (для изменения адреса).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<LocationInput>,
    /// Организация (для изменения сведений об организации).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<OrganizationInput>,
}

/// What a revision proposes, for the moderator's correction form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevisionProposal {
    /// Версия предложения (та же, что в ETag): её передают в `If-Match` при одобрении и
    /// отклонении.
    pub version: i32,
    /// Запись целиком.
    pub record: ProposedRecord,
}

/// A moderator's decision on a revision.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewDecision {
    /// Комментарий для партнёра: обязателен при отклонении (до 2000 символов).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub comment: Option<String>,
    /// Исправленная модератором запись, если она публикуется не в том виде, как предложил
    /// партнёр: ровно одно поле того же вида, что и изменение (`service`, `location` или
    /// `organization`), иначе 422 `edited` / `wrong_subject`. Нужен `If-Match` с ETag из
    /// `GET …/proposal`: если партнёр успел изменить предложение — 412.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited: Option<ProposedRecord>,
}

impl ReviewDecision {
    /// The comment, checked; `required` for a rejection.
    pub fn comment(&self, required: bool) -> Result<Option<String>, Vec<FieldError>> {
        let mut form = Form::new();
        let comment =
            form.paragraphs("comment", "Комментарий", self.comment.as_deref().unwrap_or_default(), usize::from(required), limits::COMMENT);
        form.finish((!comment.is_empty()).then_some(comment))
    }
}

/// A moderator's rejection: the comment is what the partner reads next to the record.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    /// Что исправить: партнёр увидит это в кабинете (1–2000 символов, не одни пробелы).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub comment: String,
}

impl Rejection {
    /// The comment, checked.
    pub fn comment(&self) -> Result<String, Vec<FieldError>> {
        ReviewDecision { comment: Some(self.comment.clone()), edited: None }.comment(true).map(Option::unwrap_or_default)
    }
}

/// A citizen's report about one of the partner's records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CabinetReport {
    /// Номер сообщения.
    pub id: i64,
    /// О чём: услуга или организация.
    pub subject: super::ReportSubject,
    /// Идентификатор записи.
    pub entity_id: i64,
    /// Название записи.
    pub title: String,
    /// Что не так.
    pub problem: super::ReportProblem,
    /// Текст сообщения.
    pub message: String,
    /// Состояние.
    pub status: crate::vocabulary::ReportStatus,
    /// Когда получено.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Когда решено.
    pub resolved_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Что сделано (комментарий партнёра).
    pub resolution_comment: Option<String>,
}

/// Marking a report resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResolveReport {
    /// Что сделано (1–2000 символов).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub comment: String,
}

impl ResolveReport {
    pub fn comment(&self) -> Result<String, Vec<FieldError>> {
        let mut form = Form::new();
        let comment = form.paragraphs("comment", "Что сделано", &self.comment, 1, limits::COMMENT);
        form.finish(comment)
    }
}

/// Views of one service on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyViews {
    /// День.
    pub day: NaiveDate,
    /// Просмотров страницы услуги.
    pub views: u64,
}

/// Views of a service over the last 30 days: daily counters, nothing about the visitors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceStatistics {
    /// Идентификатор услуги.
    pub service_id: i64,
    /// Название услуги.
    pub name: String,
    /// Всего просмотров за 30 дней.
    pub total: u64,
    /// По дням, только дни с просмотрами.
    pub days: Vec<DailyViews>,
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn service() -> ServiceInput {
        ServiceInput {
            name: "Прокат колясок".into(),
            summary: "Коляска на время, пока оформляется своя".into(),
            description: String::new(),
            categories: vec!["rehabilitation".into()],
            target_groups: vec!["disabled".into()],
            formats: vec![ServiceFormat::InPerson],
            form_442: None,
            cost: Cost::Free,
            cost_note: None,
            age_min: None,
            age_max: None,
            eligibility: String::new(),
            documents: vec!["Паспорт".into()],
            how_to_apply: String::new(),
            contacts: ContactsInput::default(),
            locations: vec![1],
            municipalities: vec!["serov".into()],
        }
    }

    fn fields(result: Result<ValidService, Vec<FieldError>>) -> Vec<String> {
        result.err().unwrap_or_default().into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn a_complete_service_passes() {
        assert_eq!(fields(ValidService::try_from(&service())), Vec::<String>::new());
    }

    #[test]
    fn each_bad_field_is_named() {
        let mut bad = service();
        bad.name = "x".into();
        bad.summary = String::new();
        bad.categories = vec![];
        bad.age_min = Some(10);
        bad.age_max = Some(5);
        bad.documents = vec!["".into()];
        bad.contacts.website = Some("javascript:alert(1)".into());
        bad.contacts.phone = Some("12345".into());
        bad.locations = vec![];
        bad.municipalities = vec!["Серов".into()];
        assert_eq!(
            fields(ValidService::try_from(&bad)),
            [
                "name",
                "summary",
                "categories",
                "age_max",
                "documents[0]",
                "contacts.phone",
                "contacts.website",
                "locations",
                "municipalities[0]"
            ]
        );
    }

    #[test]
    fn an_organization_checks_its_tax_numbers() {
        let org = OrganizationInput {
            name: "КЦСОН «Осень»".into(),
            short_name: None,
            kind: OrganizationKind::State,
            sector: Sector::SocialPolicy,
            inn: Some("7707329153".into()),
            ogrn: Some("1047707030513".into()),
            description: String::new(),
            contacts: ContactsInput::default(),
        };
        let errors = ValidOrganization::try_from(&org).err().unwrap_or_default();
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["inn"]);
    }

    #[test]
    fn a_location_names_the_bad_row_of_its_hours() {
        let location = LocationInput {
            name: "Отделение".into(),
            municipality: "serov".into(),
            address: "ул. Ленина, 1".into(),
            coordinates: Some(Coordinates { lat: 91.0, lon: 60.0 }),
            phone: None,
            opening_hours: vec![
                OpeningInterval { days: vec![1], opens: "09:00".into(), closes: "18:00".into() },
                OpeningInterval { days: vec![2], opens: "18:00".into(), closes: "09:00".into() },
            ],
            accessibility: vec![AccessibilityFeature::Ramp, AccessibilityFeature::Ramp],
        };
        let errors = ValidLocation::try_from(&location).err().unwrap_or_default();
        assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["coordinates", "opening_hours[1]", "accessibility[1]"]);
    }

    #[test]
    fn stale_after_half_a_year() {
        let today = NaiveDate::from_ymd_opt(2027, 3, 12).unwrap_or_default();
        assert!(is_stale(None, today));
        assert!(is_stale(today.checked_sub_days(chrono::Days::new(180)), today));
        assert!(!is_stale(today.checked_sub_days(chrono::Days::new(179)), today));
    }
}

/// The largest services template a partner uploads, in bytes (a few thousand services).
pub const MAX_TEMPLATE_BYTES: usize = 2 * 1024 * 1024;

/// The largest HSDS package (a ZIP) uploaded over HTTP, in bytes.
pub const MAX_PACKAGE_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// What an upload (the services template or an HSDS package) did (or, on a dry run, would
/// do). A file with any problem writes nothing and is answered 422, each problem named by
/// file, row and column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportOutcome {
    /// Только проверка: ничего не записано.
    pub dry_run: bool,
    /// Новых записей (у партнёра — черновики, отправленные на модерацию).
    pub created: u32,
    /// Изменённых записей (у партнёра — черновики изменены или изменения ждут модератора).
    pub updated: u32,
    /// Записей без изменений.
    pub unchanged: u32,
}

/// The query of an upload.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[serde(deny_unknown_fields)]
pub struct ImportQuery {
    /// `true`: только проверить файл и показать ошибки, ничего не записывая.
    #[serde(default)]
    pub dry_run: Option<bool>,
    /// `csv`: ответить списком ошибок в CSV для Excel (файл, строка, столбец, что не так; пустой,
    /// если ошибок нет) вместо JSON.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", param(value_type = Option<ImportAnswer>))]
    pub answer: Option<ImportAnswer>,
}

/// How an upload is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ImportAnswer {
    /// Итог в JSON, ошибки — 422 problem+json.
    Json,
    /// Ошибки таблицей CSV (200).
    Csv,
}
