//! Organizations, their locations, and the services they provide.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{CategoryRef, MunicipalityRef, TargetGroup};
use crate::{
    Coordinates, OpeningInterval,
    vocabulary::{AccessibilityFeature, Cost, Form442, OrganizationKind, Sector, ServiceFormat},
};

/// Ways to contact an organization or about a service.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contacts {
    /// Телефон.
    pub phone: Option<String>,
    /// Электронная почта.
    pub email: Option<String>,
    /// Сайт.
    pub website: Option<String>,
}

/// An organization in short form, as embedded in a service.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationRef {
    /// Идентификатор организации.
    pub id: i64,
    /// Код организации.
    pub slug: String,
    /// Полное название.
    pub name: String,
    /// Краткое название.
    pub short_name: Option<String>,
}

/// An organization in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationSummary {
    /// Идентификатор организации.
    pub id: i64,
    /// Код организации.
    pub slug: String,
    /// Полное название.
    pub name: String,
    /// Краткое название.
    pub short_name: Option<String>,
    /// Вид организации.
    pub kind: OrganizationKind,
    /// Сфера деятельности.
    pub sector: Sector,
    /// Города, где у организации есть адреса.
    pub municipalities: Vec<MunicipalityRef>,
    /// Дата последней проверки данных.
    pub last_verified: Option<NaiveDate>,
}

/// An organization with its addresses and published services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationDetail {
    /// Идентификатор организации.
    pub id: i64,
    /// Код организации.
    pub slug: String,
    /// Полное название.
    pub name: String,
    /// Краткое название.
    pub short_name: Option<String>,
    /// Вид организации.
    pub kind: OrganizationKind,
    /// Сфера деятельности.
    pub sector: Sector,
    /// ИНН.
    pub inn: Option<String>,
    /// ОГРН.
    pub ogrn: Option<String>,
    /// Чем занимается организация, простыми словами.
    pub description: String,
    /// Контакты.
    pub contacts: Contacts,
    /// Адреса.
    pub locations: Vec<Location>,
    /// Опубликованные услуги.
    pub services: Vec<ServiceSummary>,
    /// Дата последней проверки данных.
    pub last_verified: Option<NaiveDate>,
}

/// An address where an organization receives people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Location {
    /// Идентификатор адреса.
    pub id: i64,
    /// Название здания или отделения.
    pub name: String,
    /// Город.
    pub municipality: MunicipalityRef,
    /// Адрес без названия города.
    pub address: String,
    /// Координаты.
    pub coordinates: Option<Coordinates>,
    /// Телефон отделения, если отличается.
    pub phone: Option<String>,
    /// Часы работы.
    pub opening_hours: Vec<OpeningInterval>,
    /// Условия доступности для людей с инвалидностью.
    pub accessibility: Vec<AccessibilityFeature>,
}

/// A service in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceSummary {
    /// Идентификатор услуги.
    pub id: i64,
    /// Код услуги.
    pub slug: String,
    /// Название услуги.
    pub name: String,
    /// Что человек получает, одним предложением.
    pub summary: String,
    /// Организация, которая оказывает услугу.
    pub organization: OrganizationRef,
    /// Категории услуги.
    pub categories: Vec<CategoryRef>,
    /// Кому предназначена.
    pub target_groups: Vec<TargetGroup>,
    /// Как получить.
    pub formats: Vec<ServiceFormat>,
    /// Стоимость.
    pub cost: Cost,
    /// Возраст получателя от, лет.
    pub age_min: Option<u8>,
    /// Возраст получателя до, лет (включительно).
    pub age_max: Option<u8>,
    /// Города, где доступна услуга.
    pub municipalities: Vec<MunicipalityRef>,
    /// Дата последней проверки данных.
    pub last_verified: Option<NaiveDate>,
}

/// Everything a person needs to act on a service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceDetail {
    /// Идентификатор услуги.
    pub id: i64,
    /// Код услуги.
    pub slug: String,
    /// Название услуги.
    pub name: String,
    /// Что человек получает, одним предложением.
    pub summary: String,
    /// Подробное описание.
    pub description: String,
    /// Организация, которая оказывает услугу.
    pub organization: OrganizationRef,
    /// Категории услуги.
    pub categories: Vec<CategoryRef>,
    /// Кому предназначена.
    pub target_groups: Vec<TargetGroup>,
    /// Как получить.
    pub formats: Vec<ServiceFormat>,
    /// Форма социального обслуживания по 442-ФЗ.
    pub form_442: Option<Form442>,
    /// Стоимость.
    pub cost: Cost,
    /// Пояснение к стоимости.
    pub cost_note: Option<String>,
    /// Возраст получателя от, лет.
    pub age_min: Option<u8>,
    /// Возраст получателя до, лет (включительно).
    pub age_max: Option<u8>,
    /// Кто может получить.
    pub eligibility: String,
    /// Какие документы нужны.
    pub documents: Vec<String>,
    /// Как обратиться.
    pub how_to_apply: String,
    /// Контакты по услуге (если не указаны — контакты организации).
    pub contacts: Contacts,
    /// Адреса, где оказывают услугу.
    pub locations: Vec<Location>,
    /// Города, где доступна услуга.
    pub municipalities: Vec<MunicipalityRef>,
    /// Дата последней проверки данных.
    pub last_verified: Option<NaiveDate>,
}
