//! Life situations (жизненные ситуации) as the API shows them.

use serde::{Deserialize, Serialize};

use super::{CategoryRef, TargetGroup};
use crate::situation::{Question, Source, Step};

/// A situation in short form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SituationRef {
    /// Код ситуации.
    pub slug: String,
    /// Название ситуации.
    pub title: String,
}

/// A situation in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SituationSummary {
    /// Код ситуации.
    pub slug: String,
    /// Название ситуации.
    pub title: String,
    /// О чём ситуация, одним предложением.
    pub summary: String,
    /// Кого касается.
    pub target_groups: Vec<TargetGroup>,
    /// Категории услуг, которые помогают.
    pub categories: Vec<CategoryRef>,
}

/// A situation with its questionnaire and the full algorithm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SituationDetail {
    /// Код ситуации.
    pub slug: String,
    /// Название ситуации.
    pub title: String,
    /// О чём ситуация, одним предложением.
    pub summary: String,
    /// Подробнее: для кого, что в итоге, сколько времени.
    pub description: String,
    /// Кого касается.
    pub target_groups: Vec<TargetGroup>,
    /// Категории услуг, которые помогают.
    pub categories: Vec<CategoryRef>,
    /// Вопросы, уточняющие маршрут.
    pub questions: Vec<Question>,
    /// Все шаги алгоритма по порядку; условия решают, какие нужны.
    pub steps: Vec<Step>,
    /// Связанные ситуации.
    pub related: Vec<SituationRef>,
    /// Основные законы и страницы ведомств.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Когда редактор последний раз проверял алгоритм.
    #[serde(default)]
    pub checked_on: Option<chrono::NaiveDate>,
}
