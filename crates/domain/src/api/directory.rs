//! Reference data: municipalities, СОЦИО centres, the service taxonomy, target groups, meta.

use serde::{Deserialize, Serialize};

use crate::{Coordinates, OpeningInterval, vocabulary::SocioCentreStatus};

/// A municipality in short form, as embedded in other records.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MunicipalityRef {
    /// Код города, например `pervouralsk`.
    pub slug: String,
    /// Название города.
    pub name: String,
}

/// A municipality of the project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Municipality {
    /// Код города, например `pervouralsk`.
    pub slug: String,
    /// Название города.
    pub name: String,
    /// Координаты центра города.
    pub coordinates: Coordinates,
    /// Центр СОЦИО города, если он есть или планируется.
    pub socio_centre: Option<SocioCentre>,
}

/// An offline «СОЦИО» centre where a consultant helps in person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SocioCentre {
    /// Город центра.
    pub municipality: MunicipalityRef,
    /// Название центра.
    pub name: String,
    /// Работает или только планируется.
    pub status: SocioCentreStatus,
    /// Адрес (для работающих центров).
    pub address: Option<String>,
    /// Координаты здания.
    pub coordinates: Option<Coordinates>,
    /// Телефон.
    pub phone: Option<String>,
    /// Часы работы.
    pub opening_hours: Vec<OpeningInterval>,
    /// Коротко о центре.
    pub description: String,
}

/// A category of the service taxonomy in short form.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryRef {
    /// Код категории.
    pub slug: String,
    /// Название категории.
    pub name: String,
}

/// A first-level group of the taxonomy with its categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryGroup {
    /// Код группы; фильтр по нему включает все её категории.
    pub slug: String,
    /// Название группы.
    pub name: String,
    /// Категории второго уровня.
    pub children: Vec<CategoryRef>,
}

/// A category of people the platform serves (категория получателей).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetGroup {
    /// Код категории получателей.
    pub slug: String,
    /// Название категории получателей.
    pub name: String,
}

/// How many public records the platform holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    /// Городов.
    pub municipalities: u64,
    /// Опубликованных организаций.
    pub organizations: u64,
    /// Опубликованных услуг.
    pub services: u64,
    /// Опубликованных жизненных ситуаций.
    pub situations: u64,
}

/// What this installation is and holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Meta {
    /// Название платформы.
    pub name: String,
    /// Версия сервера.
    pub version: String,
    /// Загружены демонстрационные данные: контакты вымышлены, показывайте пометку «Демонстрационные данные».
    pub demo: bool,
    /// Описание набора данных.
    pub dataset: Option<String>,
    /// Количество записей.
    pub counts: Counts,
}

/// What `/readyz` found: the database answers and the search index is not far behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Readiness {
    /// `ready`.
    pub status: String,
    /// Поисковый индекс этой копии сервера.
    pub index: IndexReadiness,
}

/// How far this replica's search index has followed the change log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndexReadiness {
    /// Последняя запись журнала изменений, учтённая индексом.
    pub applied_change: i64,
    /// Последняя запись журнала изменений в базе.
    pub last_change: i64,
    /// Сколько секунд ждёт самое старое ещё не учтённое изменение (0 — индекс догнал базу).
    pub behind_seconds: u64,
    /// Предел отставания, после которого сервер не готов (`SOCIO_READY_MAX_LAG_S`).
    pub max_behind_seconds: u64,
    /// Услуг в индексе.
    pub services: u64,
    /// Сколько записей исправила сверка индекса с базой с запуска сервера (расхождения, не замеченные журналом).
    pub repaired: u64,
}
