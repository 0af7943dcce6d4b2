//! What the search endpoints answer: ranked services with snippets, facet counts, and advice for
//! the case when nothing is found.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{MunicipalityRef, OrganizationSummary, ServiceSummary, SituationSummary};

/// A piece of a snippet; `mark` pieces are the words that matched the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SnippetPart {
    /// Текст.
    pub text: String,
    /// Совпало со словами запроса (выделить).
    pub mark: bool,
}

/// A service found by the search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceHit {
    /// Услуга.
    pub service: ServiceSummary,
    /// Отрывок текста услуги с выделенными совпадениями (пусто, если искали без слов).
    pub snippet: Vec<SnippetPart>,
    /// Расстояние до ближайшего адреса услуги, км (если задана точка или город).
    pub distance_km: Option<f64>,
    /// Та же услуга в других городах, когда город не выбран: в списке она показана один раз
    /// (ближайшая к точке или самая подходящая копия), остальные — здесь («ещё в 5 городах»),
    /// не больше 15; сколько их всего — в `copies_total`.
    #[serde(default)]
    pub copies: Vec<ServiceCopy>,
    /// Сколько всего копий в других городах (может быть больше, чем перечислено в `copies`).
    #[serde(default)]
    pub copies_total: u64,
}

/// Another city's copy of a found service: the same name, its own page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServiceCopy {
    /// Идентификатор услуги.
    pub id: i64,
    /// Код услуги (для ссылки на её страницу).
    pub slug: String,
    /// Где она доступна.
    pub municipalities: Vec<MunicipalityRef>,
}

/// One value of a facet with the number of results it would give.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacetValue {
    /// Значение параметра фильтра (код).
    pub value: String,
    /// Название для человека.
    pub name: String,
    /// Сколько услуг найдётся, если выбрать это значение (остальные фильтры — как сейчас).
    pub count: u64,
    /// Значение выбрано сейчас.
    pub selected: bool,
    /// Для категорий: код группы, в которую входит категория.
    pub parent: Option<String>,
}

/// Counts for every filter of the search.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Facets {
    /// По городам.
    pub municipality: Vec<FacetValue>,
    /// По группам и категориям услуг.
    pub category: Vec<FacetValue>,
    /// По категориям получателей.
    pub target_group: Vec<FacetValue>,
    /// По формату.
    pub format: Vec<FacetValue>,
    /// По стоимости.
    pub cost: Vec<FacetValue>,
    /// По возрасту: типичные возрасты (значение — возраст в годах).
    pub age: Vec<FacetValue>,
}

/// A life situation found by the search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SituationHit {
    /// Ситуация.
    pub situation: SituationSummary,
    /// Отрывок с выделенными совпадениями.
    pub snippet: Vec<SnippetPart>,
}

/// A city where the same search finds something.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NearbyCity {
    /// Город.
    pub municipality: MunicipalityRef,
    /// Сколько услуг найдётся там.
    pub count: u64,
    /// Расстояние от выбранного города, км.
    pub distance_km: f64,
}

/// Advice when a search finds nothing (or little): other spelling, nearby cities, situations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchAdvice {
    /// Запрос с исправленным написанием, если слова похожи на опечатку.
    pub spelling: Option<String>,
    /// Ближайшие города, где по этому запросу что-то есть.
    pub nearby: Vec<NearbyCity>,
    /// Слова запроса, которые не учитывались: поиск берёт первые 8 разных слов, повторы
    /// (в том числе в другой форме: «логопед логопеда») считаются одним словом.
    #[serde(default)]
    pub ignored_words: Vec<String>,
}

/// How many different words of a query a search takes; the rest are named in
/// [`SearchAdvice::ignored_words`].
pub const MAX_QUERY_WORDS: usize = 8;

/// The answer of `GET /api/v1/search`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchResults {
    /// Найденные услуги этой страницы.
    pub items: Vec<ServiceHit>,
    /// Сколько всего услуг найдено.
    pub total: u64,
    /// Номер страницы, с 1.
    pub page: u32,
    /// Размер страницы.
    pub per_page: u32,
    /// Сколько всего страниц. Без выбранного города копии одной услуги в разных городах — одна
    /// строка списка (см. `copies`), поэтому страниц может быть меньше, чем `total / per_page`.
    pub pages: u32,
    /// Нашлись ли услуги со всеми словами запроса; `false` — показаны услуги, где есть часть слов.
    pub all_words: bool,
    /// Счётчики для фильтров.
    pub facets: Facets,
    /// Подходящие жизненные ситуации (до 3, только на первой странице).
    pub situations: Vec<SituationHit>,
    /// Подходящие организации (до 5, только на первой странице).
    pub organizations: Vec<OrganizationSummary>,
    /// Советы, что попробовать, если найдено мало.
    pub advice: SearchAdvice,
}

/// What a suggestion in the search box stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum CompletionKind {
    /// Жизненная ситуация (ведёт на её страницу).
    Situation,
    /// Категория услуг.
    Category,
    /// Категория получателей.
    TargetGroup,
    /// Название услуги.
    Service,
    /// Термин или сокращение.
    Term,
}

/// A completion for the search box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Completion {
    /// Текст подсказки.
    pub text: String,
    /// Что это.
    pub kind: CompletionKind,
    /// Код ситуации или категории, если подсказка ведёт на них.
    pub slug: Option<String>,
}

/// A search that found nothing, as the operator sees it: no personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnmetSearch {
    /// Текст запроса (в нижнем регистре, без лишних знаков).
    pub query: String,
    /// Город, в котором искали (если выбран).
    pub municipality: Option<MunicipalityRef>,
    /// Сколько раз так искали за период.
    pub count: u64,
    /// Первый день за период, когда так искали.
    pub first_seen: NaiveDate,
    /// Последний день, когда так искали.
    pub last_seen: NaiveDate,
}
