//! The router's contract: a person's answers in, their route out; general answers and free text
//! in, matching situations out.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{MunicipalityRef, ServiceSummary, SituationRef, TargetGroup};
use crate::{
    Coordinates,
    router::Answer,
    vocabulary::{Cost, ServiceFormat},
};

/// A request for a personal route through a situation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RouteRequest {
    /// Код ситуации, например `disability-status`.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::Slug))]
    pub situation: String,
    /// Ответы на вопросы ситуации: ключ вопроса → ответ (`true`/`false`, число, значение варианта или список значений).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object, example = json!({"who": "child", "child_age": 7, "has_referral": false})))]
    pub answers: BTreeMap<String, Answer>,
    /// Город человека (код из `/api/v1/municipalities`).
    #[cfg_attr(feature = "openapi", schema(value_type = crate::Slug))]
    pub municipality: String,
    /// Где находится человек: тогда организации рядом будут первыми.
    #[serde(default)]
    pub coordinates: Option<Coordinates>,
    /// Категории получателей, к которым относится человек (коды); пусто — не учитывать.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::Slug>, max_items = 12))]
    pub target_groups: Vec<String>,
    /// Как человеку удобно получить помощь (например, только `online` или `at-home`); пусто — любым способом.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 5))]
    pub formats: Vec<ServiceFormat>,
}

/// A service that can carry out a step, with why it fits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoutedService {
    /// Идентификатор услуги.
    pub id: i64,
    /// Код услуги.
    pub slug: String,
    /// Название услуги.
    pub name: String,
    /// Организация.
    pub organization: String,
    /// Телефон.
    pub phone: Option<String>,
    /// Ближайший адрес в городе человека.
    pub address: Option<String>,
    /// Расстояние до ближайшего адреса, км (если переданы координаты).
    pub distance_km: Option<f64>,
    /// Стоимость.
    pub cost: Cost,
    /// Как получить.
    pub formats: Vec<ServiceFormat>,
    /// Почему услуга подходит, по-русски.
    pub reasons: Vec<String>,
}

/// One step of a personal route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteStep {
    /// Номер шага в маршруте (1, 2, …).
    pub number: u32,
    /// Номер шага в полном алгоритме ситуации.
    pub position: u32,
    /// Что сделать.
    pub title: String,
    /// Как это сделать.
    pub body: String,
    /// Документы для шага.
    pub documents: Vec<String>,
    /// Срок.
    pub deadline: Option<String>,
    /// Основание шага.
    #[serde(default)]
    pub sources: Vec<crate::situation::Source>,
    /// Кто поможет в городе человека: ближайшие первыми.
    pub services: Vec<RoutedService>,
}

/// A personal route.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteResponse {
    /// Ситуация.
    pub situation: SituationRef,
    /// Город.
    pub municipality: MunicipalityRef,
    /// Шаги, которые нужны именно этому человеку, по порядку.
    pub steps: Vec<RouteStep>,
    /// Все документы маршрута без повторов, по порядку шагов.
    pub documents: Vec<String>,
    /// Связанные ситуации.
    pub related: Vec<SituationRef>,
}

/// A service as the router needs it: enough to decide eligibility and show how to reach it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceCandidate {
    /// Идентификатор услуги.
    pub id: i64,
    /// Код услуги.
    pub slug: String,
    /// Название услуги.
    pub name: String,
    /// Организация (краткое название).
    pub organization: String,
    /// Коды категорий услуги.
    pub categories: Vec<String>,
    /// Кому предназначена.
    pub target_groups: Vec<TargetGroup>,
    /// Коды городов, где доступна.
    pub municipalities: Vec<String>,
    /// Как получить.
    pub formats: Vec<ServiceFormat>,
    /// Стоимость.
    pub cost: Cost,
    /// Возраст от, лет.
    pub age_min: Option<u8>,
    /// Возраст до, лет.
    pub age_max: Option<u8>,
    /// Телефон (услуги или организации).
    pub phone: Option<String>,
    /// Адреса, где оказывают услугу.
    pub locations: Vec<CandidateLocation>,
}

/// An address of a candidate service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateLocation {
    /// Код города.
    pub municipality: String,
    /// Адрес с названием города.
    pub address: String,
    /// Координаты.
    pub coordinates: Option<Coordinates>,
}

/// Answers of the general questionnaire and/or free text, for when a person does not know their situation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SuggestRequest {
    /// Кому нужна помощь: `self`, `child`, `elderly` (пожилому родственнику), `family` (семье).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::who))]
    pub who: Option<String>,
    /// Есть ли инвалидность.
    #[serde(default)]
    pub disability: Option<bool>,
    /// Что нужно: `money`, `care`, `treatment`, `work`, `housing`, `legal`, `psychological`, `education`, `family`, `food`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::needs))]
    pub needs: Vec<String>,
    /// Город (код): услуги будут из него.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::Slug>))]
    pub municipality: Option<String>,
    /// «Что случилось?» своими словами.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub text: Option<String>,
}

/// A situation that matches, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestedSituation {
    /// Код ситуации.
    pub slug: String,
    /// Название.
    pub title: String,
    /// О чём ситуация.
    pub summary: String,
    /// Насколько подходит (больше — лучше).
    pub score: u32,
    /// Почему подходит.
    pub reasons: Vec<String>,
}

/// Matching situations and directly relevant services.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuggestResponse {
    /// Подходящие ситуации, лучшие первыми.
    pub situations: Vec<SuggestedSituation>,
    /// Услуги, которые помогают напрямую (в выбранном городе).
    pub services: Vec<ServiceSummary>,
}
