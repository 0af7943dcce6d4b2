//! Query parameters of the list endpoints: the raw strings as they arrive, and the typed filters
//! they parse into.
//!
//! Parameters arrive as text and are parsed here rather than by serde so that every bad value
//! gets its own Russian message naming the parameter (`FieldError`), not a generic 400.

use serde::{Deserialize, Serialize};

pub use crate::vocabulary::SearchSort;

use super::{FieldError, MAX_PER_PAGE, PageRequest};
use crate::{
    Coordinates, Slug,
    text::echoed,
    vocabulary::{Cost, OrganizationKind, Sector, ServiceFormat},
};

/// Longest free-text query accepted.
pub const MAX_QUERY_LEN: usize = 200;

/// Collects field errors while parsing a query.
#[derive(Default)]
struct Parser {
    errors: Vec<FieldError>,
}

impl Parser {
    fn slug(&mut self, field: &str, raw: Option<&str>) -> Option<Slug> {
        let raw = raw?;
        match Slug::parse(raw) {
            Ok(slug) => Some(slug),
            Err(e) => {
                self.errors.push(FieldError::new(field, "invalid_slug", format!("Параметр «{field}»: {e}.")));
                None
            }
        }
    }

    fn vocabulary<T: std::str::FromStr<Err = crate::vocabulary::UnknownValue>>(&mut self, field: &str, raw: Option<&str>) -> Option<T> {
        match raw?.parse() {
            Ok(value) => Some(value),
            Err(e) => {
                self.errors.push(FieldError::new(field, "unknown_value", format!("Параметр «{field}»: {e}.")));
                None
            }
        }
    }

    fn number<T: std::str::FromStr + Copy + PartialOrd + std::fmt::Display>(
        &mut self,
        field: &str,
        raw: Option<&str>,
        min: T,
        max: T,
    ) -> Option<T> {
        let raw = raw?;
        match raw.trim().parse::<T>() {
            Ok(n) if n >= min && n <= max => Some(n),
            _ => {
                self.errors.push(FieldError::new(
                    field,
                    "out_of_range",
                    format!("Параметр «{field}» должен быть целым числом от {min} до {max}, а не «{}».", echoed(raw)),
                ));
                None
            }
        }
    }

    fn coordinate(&mut self, field: &str, raw: Option<&str>, limit: f64) -> Option<f64> {
        let raw = raw?;
        match raw.trim().parse::<f64>() {
            Ok(n) if n.is_finite() && n.abs() <= limit => Some(n),
            _ => {
                self.errors.push(FieldError::new(
                    field,
                    "out_of_range",
                    format!("Параметр «{field}» должен быть числом от −{limit} до {limit} (градусы), а не «{}».", echoed(raw)),
                ));
                None
            }
        }
    }

    fn text(&mut self, field: &str, raw: Option<&str>) -> Option<String> {
        let trimmed = raw?.trim();
        if trimmed.chars().count() > MAX_QUERY_LEN {
            self.errors.push(FieldError::new(field, "too_long", format!("Параметр «{field}» длиннее {MAX_QUERY_LEN} символов.")));
            return None;
        }
        (!trimmed.is_empty()).then(|| trimmed.to_owned())
    }

    fn page(&mut self, page: Option<&str>, per_page: Option<&str>) -> PageRequest {
        let default = PageRequest::default();
        PageRequest {
            page: self.number("page", page, 1, 1_000_000).unwrap_or(default.page),
            per_page: self.number("per_page", per_page, 1, MAX_PER_PAGE).unwrap_or(default.per_page),
        }
    }

    fn finish<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty() { Ok(value) } else { Err(self.errors) }
    }
}

fn page_params(page: PageRequest) -> (Option<String>, Option<String>) {
    let default = PageRequest::default();
    ((page.page != default.page).then(|| page.page.to_string()), (page.per_page != default.per_page).then(|| page.per_page.to_string()))
}

/// Параметры списка услуг.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ServiceQuery {
    /// Город: код из `/api/v1/municipalities`, например `pervouralsk`.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120))]
    pub municipality: Option<String>,
    /// Категория: код группы или категории из `/api/v1/categories` (группа включает все свои категории).
    #[cfg_attr(feature = "openapi", param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120))]
    pub category: Option<String>,
    /// Категория получателей: код из `/api/v1/target-groups`.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120))]
    pub target_group: Option<String>,
    /// Формат получения.
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::vocabulary::ServiceFormat>))]
    pub format: Option<String>,
    /// Стоимость.
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::vocabulary::Cost>))]
    pub cost: Option<String>,
    /// Возраст получателя, лет (0–120): только услуги, доступные в этом возрасте.
    #[cfg_attr(feature = "openapi", param(value_type = Option<u8>, minimum = 0, maximum = 120))]
    pub age: Option<String>,
    /// Организация: код организации.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120))]
    pub organization: Option<String>,
    /// Поиск по словам в названии и описании.
    pub q: Option<String>,
    /// Номер страницы, с 1.
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000))]
    pub page: Option<String>,
    /// Размер страницы, 1–100 (по умолчанию 20).
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 100))]
    pub per_page: Option<String>,
}

/// A parsed services filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceFilter {
    pub municipality: Option<Slug>,
    pub category: Option<Slug>,
    pub target_group: Option<Slug>,
    pub format: Option<ServiceFormat>,
    pub cost: Option<Cost>,
    pub age: Option<u8>,
    pub organization: Option<Slug>,
    pub q: Option<String>,
    pub page: PageRequest,
}

impl Parser {
    fn service_filter(&mut self, raw: &ServiceQuery) -> ServiceFilter {
        ServiceFilter {
            municipality: self.slug("municipality", raw.municipality.as_deref()),
            category: self.slug("category", raw.category.as_deref()),
            target_group: self.slug("target_group", raw.target_group.as_deref()),
            format: self.vocabulary("format", raw.format.as_deref()),
            cost: self.vocabulary("cost", raw.cost.as_deref()),
            age: self.number("age", raw.age.as_deref(), 0, 120),
            organization: self.slug("organization", raw.organization.as_deref()),
            q: self.text("q", raw.q.as_deref()),
            page: self.page(raw.page.as_deref(), raw.per_page.as_deref()),
        }
    }
}

impl TryFrom<&ServiceQuery> for ServiceFilter {
    type Error = Vec<FieldError>;
    fn try_from(raw: &ServiceQuery) -> Result<Self, Self::Error> {
        let mut p = Parser::default();
        let filter = p.service_filter(raw);
        p.finish(filter)
    }
}

impl From<&ServiceFilter> for ServiceQuery {
    fn from(f: &ServiceFilter) -> Self {
        let (page, per_page) = page_params(f.page);
        ServiceQuery {
            municipality: f.municipality.as_ref().map(ToString::to_string),
            category: f.category.as_ref().map(ToString::to_string),
            target_group: f.target_group.as_ref().map(ToString::to_string),
            format: f.format.map(|v| v.as_str().to_owned()),
            cost: f.cost.map(|v| v.as_str().to_owned()),
            age: f.age.map(|v| v.to_string()),
            organization: f.organization.as_ref().map(ToString::to_string),
            q: f.q.clone(),
            page,
            per_page,
        }
    }
}

/// Параметры списка организаций.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct OrganizationQuery {
    /// Город: код из `/api/v1/municipalities`; организации с адресом в этом городе.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120))]
    pub municipality: Option<String>,
    /// Вид организации.
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::vocabulary::OrganizationKind>))]
    pub kind: Option<String>,
    /// Сфера деятельности.
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::vocabulary::Sector>))]
    pub sector: Option<String>,
    /// Поиск по словам в названии и описании.
    pub q: Option<String>,
    /// Номер страницы, с 1.
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000))]
    pub page: Option<String>,
    /// Размер страницы, 1–100 (по умолчанию 20).
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 100))]
    pub per_page: Option<String>,
}

/// A parsed organizations filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrganizationFilter {
    pub municipality: Option<Slug>,
    pub kind: Option<OrganizationKind>,
    pub sector: Option<Sector>,
    pub q: Option<String>,
    pub page: PageRequest,
}

impl TryFrom<&OrganizationQuery> for OrganizationFilter {
    type Error = Vec<FieldError>;
    fn try_from(raw: &OrganizationQuery) -> Result<Self, Self::Error> {
        let mut p = Parser::default();
        let filter = OrganizationFilter {
            municipality: p.slug("municipality", raw.municipality.as_deref()),
            kind: p.vocabulary("kind", raw.kind.as_deref()),
            sector: p.vocabulary("sector", raw.sector.as_deref()),
            q: p.text("q", raw.q.as_deref()),
            page: p.page(raw.page.as_deref(), raw.per_page.as_deref()),
        };
        p.finish(filter)
    }
}

impl From<&OrganizationFilter> for OrganizationQuery {
    fn from(f: &OrganizationFilter) -> Self {
        let (page, per_page) = page_params(f.page);
        OrganizationQuery {
            municipality: f.municipality.as_ref().map(ToString::to_string),
            kind: f.kind.map(|v| v.as_str().to_owned()),
            sector: f.sector.map(|v| v.as_str().to_owned()),
            q: f.q.clone(),
            page,
            per_page,
        }
    }
}

/// Параметры списка жизненных ситуаций.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct SituationQuery {
    /// Категория получателей: код из `/api/v1/target-groups`.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120))]
    pub target_group: Option<String>,
    /// Категория услуг: код группы или категории из `/api/v1/categories`.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120))]
    pub category: Option<String>,
    /// Поиск по словам в названии и описании.
    pub q: Option<String>,
    /// Номер страницы, с 1.
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000))]
    pub page: Option<String>,
    /// Размер страницы, 1–100 (по умолчанию 20).
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 100))]
    pub per_page: Option<String>,
}

/// A parsed situations filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SituationFilter {
    pub target_group: Option<Slug>,
    pub category: Option<Slug>,
    pub q: Option<String>,
    pub page: PageRequest,
}

impl TryFrom<&SituationQuery> for SituationFilter {
    type Error = Vec<FieldError>;
    fn try_from(raw: &SituationQuery) -> Result<Self, Self::Error> {
        let mut p = Parser::default();
        let filter = SituationFilter {
            target_group: p.slug("target_group", raw.target_group.as_deref()),
            category: p.slug("category", raw.category.as_deref()),
            q: p.text("q", raw.q.as_deref()),
            page: p.page(raw.page.as_deref(), raw.per_page.as_deref()),
        };
        p.finish(filter)
    }
}

impl From<&SituationFilter> for SituationQuery {
    fn from(f: &SituationFilter) -> Self {
        let (page, per_page) = page_params(f.page);
        SituationQuery {
            target_group: f.target_group.as_ref().map(ToString::to_string),
            category: f.category.as_ref().map(ToString::to_string),
            q: f.q.clone(),
            page,
            per_page,
        }
    }
}

/// Параметры поиска.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    /// Что ищем, своими словами: «пособие многодетным», «логопед ребенку», «ТСР».
    pub q: Option<String>,
    /// Город: код из `/api/v1/municipalities`.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120))]
    pub municipality: Option<String>,
    /// Категория: код группы или категории из `/api/v1/categories`.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120))]
    pub category: Option<String>,
    /// Категория получателей: код из `/api/v1/target-groups`.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120))]
    pub target_group: Option<String>,
    /// Формат получения.
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::vocabulary::ServiceFormat>))]
    pub format: Option<String>,
    /// Стоимость.
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::vocabulary::Cost>))]
    pub cost: Option<String>,
    /// Возраст получателя, лет (0–120).
    #[cfg_attr(feature = "openapi", param(value_type = Option<u8>, minimum = 0, maximum = 120))]
    pub age: Option<String>,
    /// Организация: код организации.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120))]
    pub organization: Option<String>,
    /// Порядок (по умолчанию `relevance`); `distance` — от `lat`/`lon` или от центра города.
    #[cfg_attr(feature = "openapi", param(value_type = Option<crate::vocabulary::SearchSort>))]
    pub sort: Option<String>,
    /// Широта точки, от которой считать расстояние.
    #[cfg_attr(feature = "openapi", param(value_type = Option<f64>, minimum = -90, maximum = 90))]
    pub lat: Option<String>,
    /// Долгота точки, от которой считать расстояние.
    #[cfg_attr(feature = "openapi", param(value_type = Option<f64>, minimum = -180, maximum = 180))]
    pub lon: Option<String>,
    /// Номер страницы, с 1.
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000))]
    pub page: Option<String>,
    /// Размер страницы, 1–100 (по умолчанию 20).
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 100))]
    pub per_page: Option<String>,
}

/// A parsed search: the catalogue filter plus order and origin.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchRequest {
    pub filter: ServiceFilter,
    pub sort: SearchSort,
    /// Where distances are measured from, when given.
    pub origin: Option<Coordinates>,
}

impl TryFrom<&SearchQuery> for SearchRequest {
    type Error = Vec<FieldError>;
    fn try_from(raw: &SearchQuery) -> Result<Self, Self::Error> {
        let mut p = Parser::default();
        let filter = p.service_filter(&ServiceQuery {
            municipality: raw.municipality.clone(),
            category: raw.category.clone(),
            target_group: raw.target_group.clone(),
            format: raw.format.clone(),
            cost: raw.cost.clone(),
            age: raw.age.clone(),
            organization: raw.organization.clone(),
            q: raw.q.clone(),
            page: raw.page.clone(),
            per_page: raw.per_page.clone(),
        });
        let sort = match raw.sort.as_deref().map(str::trim) {
            None | Some("" | "relevance") => SearchSort::Relevance,
            Some("distance") => SearchSort::Distance,
            Some("fresh") => SearchSort::Fresh,
            Some(other) => {
                p.errors.push(FieldError::new(
                    "sort",
                    "unknown_value",
                    format!("Параметр «sort»: неизвестный порядок «{}»; допустимы relevance, distance, fresh.", echoed(other)),
                ));
                SearchSort::Relevance
            }
        };
        let lat = p.coordinate("lat", raw.lat.as_deref(), 90.0);
        let lon = p.coordinate("lon", raw.lon.as_deref(), 180.0);
        let origin = match (raw.lat.is_some(), raw.lon.is_some(), lat, lon) {
            (_, _, Some(lat), Some(lon)) => Coordinates::parse(lat, lon).ok(),
            (true, false, ..) | (false, true, ..) => {
                let missing = if raw.lat.is_some() { "lon" } else { "lat" };
                p.errors.push(FieldError::new(missing, "required", "Укажите обе координаты: и «lat», и «lon»."));
                None
            }
            _ => None,
        };
        if sort == SearchSort::Distance && raw.lat.is_none() && raw.lon.is_none() && filter.municipality.is_none() {
            p.errors.push(FieldError::new(
                "sort",
                "origin_required",
                "Чтобы упорядочить по расстоянию, укажите точку («lat» и «lon») или город («municipality»).",
            ));
        }
        p.finish(SearchRequest { filter, sort, origin })
    }
}

impl From<&SearchRequest> for SearchQuery {
    fn from(r: &SearchRequest) -> Self {
        let f = ServiceQuery::from(&r.filter);
        SearchQuery {
            q: f.q,
            municipality: f.municipality,
            category: f.category,
            target_group: f.target_group,
            format: f.format,
            cost: f.cost,
            age: f.age,
            organization: f.organization,
            sort: (r.sort != SearchSort::Relevance).then(|| r.sort.as_str().to_owned()),
            lat: r.origin.map(|c| c.lat.to_string()),
            lon: r.origin.map(|c| c.lon.to_string()),
            page: f.page,
            per_page: f.per_page,
        }
    }
}

/// Параметры подсказок для строки поиска (автодополнение).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct CompletionQuery {
    /// Начало запроса, как человек его набирает: «лог», «пособие мно».
    pub q: Option<String>,
    /// Сколько подсказок вернуть, 1–20 (по умолчанию 8).
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 20))]
    pub limit: Option<String>,
}

/// A parsed suggestions request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionRequest {
    pub q: String,
    pub limit: usize,
}

impl TryFrom<&CompletionQuery> for CompletionRequest {
    type Error = Vec<FieldError>;
    fn try_from(raw: &CompletionQuery) -> Result<Self, Self::Error> {
        let mut p = Parser::default();
        let q = p.text("q", raw.q.as_deref()).unwrap_or_default();
        let limit = p.number("limit", raw.limit.as_deref(), 1usize, 20).unwrap_or(8);
        p.finish(CompletionRequest { q, limit })
    }
}

/// Параметры отчёта о поисках без результата.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct UnmetSearchQuery {
    /// За сколько последних дней, 1–365 (по умолчанию 30).
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 365))]
    pub days: Option<String>,
    /// Город: код из `/api/v1/municipalities`.
    #[cfg_attr(feature = "openapi", param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120))]
    pub municipality: Option<String>,
}

/// A parsed unmet-demand request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmetSearchFilter {
    pub days: u16,
    pub municipality: Option<Slug>,
}

impl TryFrom<&UnmetSearchQuery> for UnmetSearchFilter {
    type Error = Vec<FieldError>;
    fn try_from(raw: &UnmetSearchQuery) -> Result<Self, Self::Error> {
        let mut p = Parser::default();
        let days = p.number("days", raw.days.as_deref(), 1u16, 365).unwrap_or(30);
        let municipality = p.slug("municipality", raw.municipality.as_deref());
        p.finish(UnmetSearchFilter { days, municipality })
    }
}

/// The categories a draft's route preview may ask for at once: more than the taxonomy has
/// leaves, far fewer than a request could carry.
pub const MAX_PREVIEW_CATEGORIES: usize = 100;

/// Параметры подбора услуг для черновика ситуации.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct PreviewCandidatesQuery {
    /// Город: код из `/api/v1/municipalities`.
    #[cfg_attr(feature = "openapi", param(required = true, pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 120))]
    pub municipality: Option<String>,
    /// Коды категорий шагов через запятую: до 100, каждый — код (до 120 символов), без повторов; неизвестные ничего не дают.
    #[cfg_attr(
        feature = "openapi",
        param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*(,[a-z0-9]+(-[a-z0-9]+)*)*$", max_length = 2000, example = "mse,assistive-tech")
    )]
    pub categories: Option<String>,
}

/// A parsed draft-preview request: one city, distinct category codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewCandidatesFilter {
    pub municipality: Slug,
    pub categories: Vec<Slug>,
}

impl TryFrom<&PreviewCandidatesQuery> for PreviewCandidatesFilter {
    type Error = Vec<FieldError>;
    fn try_from(raw: &PreviewCandidatesQuery) -> Result<Self, Self::Error> {
        let mut p = Parser::default();
        let municipality = p.slug("municipality", raw.municipality.as_deref());
        if raw.municipality.is_none() {
            p.errors.push(FieldError::new("municipality", "required", "Укажите город."));
        }
        let listed = raw.categories.as_deref().unwrap_or_default();
        let codes: Vec<&str> = listed.split(',').filter(|c| !c.is_empty()).collect();
        if listed.chars().count() > 2000 || codes.len() > MAX_PREVIEW_CATEGORIES {
            // One error for the list, not one per entry.
            p.errors.push(FieldError::new("categories", "too_many", format!("Не больше {MAX_PREVIEW_CATEGORIES} категорий.")));
        }
        let mut categories: Vec<Slug> = Vec::new();
        for code in codes.into_iter().take(MAX_PREVIEW_CATEGORIES) {
            match p.slug("categories", Some(code)) {
                Some(slug) if categories.contains(&slug) => {
                    p.errors.push(FieldError::new("categories", "duplicate", format!("«{code}» указана дважды.")));
                }
                Some(slug) => categories.push(slug),
                None => {}
            }
        }
        match municipality {
            Some(municipality) => p.finish(PreviewCandidatesFilter { municipality, categories }),
            None => Err(p.errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_survives_the_round_trip_through_query_parameters() {
        let raw = ServiceQuery {
            municipality: Some("serov".into()),
            format: Some("online".into()),
            age: Some("7".into()),
            q: Some(" логопед ".into()),
            page: Some("2".into()),
            ..Default::default()
        };
        let filter = ServiceFilter::try_from(&raw).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(filter.q.as_deref(), Some("логопед"));
        assert_eq!(filter.page, PageRequest { page: 2, per_page: 20 });
        assert_eq!(ServiceFilter::try_from(&ServiceQuery::from(&filter)), Ok(filter));
    }

    #[test]
    fn a_preview_asks_for_one_city_and_distinct_bounded_categories() {
        let query = |municipality: Option<&str>, categories: &str| PreviewCandidatesQuery {
            municipality: municipality.map(str::to_owned),
            categories: Some(categories.to_owned()),
        };
        let parsed = PreviewCandidatesFilter::try_from(&query(Some("serov"), "mse,assistive-tech")).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(parsed.categories.iter().map(Slug::as_str).collect::<Vec<_>>(), ["mse", "assistive-tech"]);
        let codes = |q: &PreviewCandidatesQuery| {
            PreviewCandidatesFilter::try_from(q).err().unwrap_or_default().into_iter().map(|e| (e.field, e.code)).collect::<Vec<_>>()
        };
        let pair = |f: &str, c: &str| (f.to_owned(), c.to_owned());
        assert_eq!(codes(&query(None, "mse")), [pair("municipality", "required")]);
        assert_eq!(codes(&query(Some("serov"), "mse,mse")), [pair("categories", "duplicate")]);
        assert_eq!(codes(&query(Some("serov"), "Ё")), [pair("categories", "invalid_slug")]);
        let many = (0..1000).map(|n| format!("c{n}")).collect::<Vec<_>>().join(",");
        assert_eq!(codes(&query(Some("serov"), &many)), [pair("categories", "too_many")], "one error for the list");
    }

    #[test]
    fn every_bad_parameter_is_named() {
        let raw = ServiceQuery {
            municipality: Some("Серов".into()),
            format: Some("email".into()),
            cost: Some("cheap".into()),
            age: Some("-1".into()),
            page: Some("0".into()),
            per_page: Some("101".into()),
            q: Some("я".repeat(MAX_QUERY_LEN + 1)),
            ..Default::default()
        };
        let errors = ServiceFilter::try_from(&raw).err().unwrap_or_default();
        let fields: Vec<_> = errors.iter().map(|e| (e.field.as_str(), e.code.as_str())).collect();
        assert_eq!(
            fields,
            [
                ("municipality", "invalid_slug"),
                ("format", "unknown_value"),
                ("cost", "unknown_value"),
                ("age", "out_of_range"),
                ("q", "too_long"),
                ("page", "out_of_range"),
                ("per_page", "out_of_range"),
            ]
        );
    }
}

/// Параметры страницы списка (кабинет, очередь модерации).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// Номер страницы, с 1.
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 1_000_000))]
    pub page: Option<String>,
    /// Размер страницы, 1–100 (по умолчанию 20).
    #[cfg_attr(feature = "openapi", param(value_type = Option<u32>, minimum = 1, maximum = 100))]
    pub per_page: Option<String>,
}

impl TryFrom<&PageQuery> for PageRequest {
    type Error = Vec<FieldError>;
    fn try_from(raw: &PageQuery) -> Result<Self, Self::Error> {
        let mut p = Parser::default();
        let page = p.page(raw.page.as_deref(), raw.per_page.as_deref());
        p.finish(page)
    }
}
