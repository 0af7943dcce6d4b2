//! The closed vocabularies of the model: organization kinds, sectors, formats, costs, …
//!
//! Each is an enum whose wire form is the slug (as in `shared/data/enums.json`) and which knows
//! its Russian label, so the API, the database and the SPA never disagree on spelling.

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// A value outside a closed vocabulary; carries the allowed values for the error message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("неизвестное значение «{value}»; допустимые: {allowed}")]
pub struct UnknownValue {
    pub value: String,
    pub allowed: String,
}

macro_rules! vocabulary {
    ($(#[doc = $doc:literal])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $slug:literal => $label:literal,)+ }) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $slug)] $variant,)+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire and database form.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $slug,)+ }
            }

            /// The Russian label for people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }
        }

        impl FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($slug => Ok($name::$variant),)+
                    _ => Err(UnknownValue {
                        value: crate::text::echoed(s),
                        allowed: [$($slug),+].join(", "),
                    }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        // The schema is written from the same slugs serde uses, so the document lists exactly
        // the values the API sends and accepts (utoipa's derive did not see the renames the
        // macro generates and listed the Rust names).
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let title = concat!($($doc),*).trim();
                let values = [$(format!("`{}` — {}", $slug, $label)),+].join("; ");
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(format!("{title} Значения: {values}.")))
                    .enum_values(Some([$($slug),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }
        }
    };
}

vocabulary! {
    /// Вид организации.
    OrganizationKind {
        State = "state" => "Государственная организация",
        Municipal = "municipal" => "Муниципальная организация",
        Federal = "federal" => "Федеральная служба",
        Ngo = "ngo" => "Социально ориентированная НКО",
        Charity = "charity" => "Благотворительный фонд",
        SocialBusiness = "social-business" => "Социальное предприятие",
        Business = "business" => "Коммерческая организация (социальная программа)",
        Volunteers = "volunteers" => "Волонтёрская группа",
    }
}

vocabulary! {
    /// Сфера деятельности организации.
    Sector {
        SocialPolicy = "social-policy" => "Социальная политика",
        Health = "health" => "Здравоохранение",
        Education = "education" => "Образование",
        Culture = "culture" => "Культура",
        Sport = "sport" => "Спорт",
        Employment = "employment" => "Занятость",
        Legal = "legal" => "Правовая помощь",
        PublicServices = "public-services" => "Госуслуги (МФЦ)",
        Charity = "charity" => "Благотворительность",
    }
}

vocabulary! {
    /// Форма социального обслуживания по 442-ФЗ.
    Form442 {
        Residential = "residential" => "Стационарная форма",
        SemiResidential = "semi-residential" => "Полустационарная форма",
        AtHome = "at-home" => "На дому",
    }
}

vocabulary! {
    /// Как получить услугу.
    ServiceFormat {
        InPerson = "in-person" => "Очно",
        AtHome = "at-home" => "На дому",
        Online = "online" => "Онлайн",
        Phone = "phone" => "По телефону",
        Gosuslugi = "gosuslugi" => "Через Госуслуги",
    }
}

vocabulary! {
    /// Стоимость услуги.
    Cost {
        Free = "free" => "Бесплатно",
        Partial = "partial" => "Частичная оплата",
        Paid = "paid" => "Платно",
    }
}

vocabulary! {
    /// Условия доступности здания для людей с инвалидностью.
    AccessibilityFeature {
        Ramp = "ramp" => "Пандус",
        Elevator = "elevator" => "Лифт",
        WideDoors = "wide-doors" => "Широкие двери",
        AccessibleToilet = "accessible-toilet" => "Доступный туалет",
        DisabledParking = "disabled-parking" => "Парковка для инвалидов",
        SignLanguage = "sign-language" => "Сурдопереводчик",
        Braille = "braille" => "Шрифт Брайля",
        TactileGuides = "tactile-guides" => "Тактильные указатели",
        InductionLoop = "induction-loop" => "Индукционная петля",
        Assistant = "assistant" => "Сопровождение сотрудником",
    }
}

vocabulary! {
    /// Статус модерации записи; публично видны только опубликованные.
    ModerationStatus {
        Draft = "draft" => "Черновик",
        Pending = "pending" => "На модерации",
        Published = "published" => "Опубликовано",
        Archived = "archived" => "В архиве",
    }
}

vocabulary! {
    /// Состояние центра СОЦИО.
    SocioCentreStatus {
        Open = "open" => "Работает",
        Planned = "planned" => "Открытие планируется",
    }
}

vocabulary! {
    /// Роль пользователя кабинета.
    UserRole {
        Partner = "partner" => "Партнёр (сотрудник организации)",
        Moderator = "moderator" => "Модератор",
        Editor = "editor" => "Редактор жизненных ситуаций",
        Admin = "admin" => "Администратор",
    }
}

vocabulary! {
    /// Проверка качества данных.
    QualityCheck {
        Stale = "stale" => "Давно не подтверждались (180 дней)",
        OpenReports = "open-reports" => "Сообщения граждан без ответа",
        NoServices = "no-services" => "Организации без опубликованных услуг",
        CityWithoutLocation = "city-without-location" => "Очная услуга без адреса в заявленном городе",
        NoContacts = "no-contacts" => "Услуги без телефона или сайта",
        UncheckedSituations = "unchecked-situations" => "Жизненные ситуации, не проверенные 12 месяцев",
    }
}

vocabulary! {
    /// Состояние версии жизненной ситуации.
    VersionStatus {
        Draft = "draft" => "Черновик",
        Published = "published" => "Опубликована сейчас",
        Archived = "archived" => "Была опубликована раньше",
    }
}

vocabulary! {
    /// Состояние предложенного изменения записи.
    RevisionStatus {
        Pending = "pending" => "На модерации",
        Approved = "approved" => "Принято",
        Rejected = "rejected" => "Отклонено",
        Withdrawn = "withdrawn" => "Отозвано",
    }
}

vocabulary! {
    /// Что меняет предложенное изменение.
    RevisionSubject {
        Organization = "organization" => "Организация",
        Location = "location" => "Адрес",
        Service = "service" => "Услуга",
        Claim = "claim" => "Заявка на управление организацией",
    }
}

vocabulary! {
    /// Состояние сообщения о неточности.
    ReportStatus {
        New = "new" => "Новое",
        Resolved = "resolved" => "Решено",
    }
}

vocabulary! {
    /// Порядок результатов поиска.
    SearchSort {
        Relevance = "relevance" => "сначала самые подходящие (без слов — по названию)",
        Distance = "distance" => "сначала ближайшие",
        Fresh = "fresh" => "сначала недавно проверенные",
    }
}

vocabulary! {
    /// О какой записи заметка.
    NoteSubject {
        Organization = "organization" => "Организация",
        Service = "service" => "Услуга",
        Location = "location" => "Адрес",
    }
}

// Written out: the macro derives no `Default` for the vocabularies that have none.
#[allow(clippy::derivable_impls)]
impl Default for SearchSort {
    fn default() -> Self {
        SearchSort::Relevance
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip_through_text_and_json() {
        for format in ServiceFormat::ALL {
            assert_eq!(format.as_str().parse::<ServiceFormat>(), Ok(*format));
            assert_eq!(serde_json::to_value(format).ok(), Some(serde_json::Value::from(format.as_str())));
        }
    }

    #[test]
    fn unknown_value_lists_the_allowed_ones() {
        let err = "cheap".parse::<Cost>().err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("неизвестное значение «cheap»; допустимые: free, partial, paid"));
    }
}
