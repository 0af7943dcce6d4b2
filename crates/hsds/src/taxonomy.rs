//! Our vocabularies as HSDS taxonomies: the categories of services (groups and their
//! categories), the categories of people served, and the closed vocabularies a service or an
//! organization is described by. Services point at the terms through `attributes`.
//!
//! A term's `code` is unique across all taxonomies (the tabular profile requires it, and our
//! slugs repeat between vocabularies: `legal` is a category and a sector), so it is the slug
//! prefixed with its taxonomy's key: `category:legal`, `sector:legal`.

use serde::{Deserialize, Serialize};
use socio_domain::{
    api::{CategoryGroup, TargetGroup},
    vocabulary::{AccessibilityFeature, Cost, Form442, OrganizationKind, Sector, ServiceFormat},
};
use uuid::Uuid;

use crate::ids::derived;

/// An HSDS taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taxonomy {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub version: String,
}

/// An HSDS taxonomy term, with its taxonomy in `taxonomy_detail`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxonomyTerm {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<Uuid>,
    /// The taxonomy's name.
    pub taxonomy: String,
    pub taxonomy_id: Uuid,
    pub taxonomy_detail: Taxonomy,
    pub language: String,
}

/// Every taxonomy and every term, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxonomies {
    pub taxonomies: Vec<Taxonomy>,
    pub terms: Vec<TaxonomyTerm>,
}

/// The taxonomies' keys (the prefix of their terms' codes), names and descriptions.
const TAXONOMIES: &[(&str, &str, &str)] = &[
    ("category", "Категории услуг", "Группы услуг «Социального кластера» и категории в них: группа включает все свои категории."),
    ("target-group", "Категории получателей", "Кому помогает услуга: люди с инвалидностью и их семьи, многодетные, пенсионеры и другие."),
    (
        "organization-kind",
        "Вид организации",
        "Государственная, муниципальная, некоммерческая, благотворительная и другие виды организаций.",
    ),
    ("sector", "Сфера деятельности", "Чем занимается организация: социальная защита, здравоохранение, образование и другие сферы."),
    ("form-442", "Форма социального обслуживания", "Форма социального обслуживания по Федеральному закону № 442-ФЗ."),
    ("format", "Как получить услугу", "Очно, на дому, онлайн, по телефону или через Госуслуги."),
    ("cost", "Стоимость", "Бесплатно, частично платно или платно."),
    ("accessibility", "Доступная среда", "Что есть в помещении для людей с инвалидностью."),
];

/// The term id of `slug` in the taxonomy `key`: what services' attributes point at.
pub fn term_id(key: &str, slug: &str) -> Uuid {
    derived(&format!("taxonomy_term:{key}:{slug}"))
}

/// The id of the taxonomy `key`.
pub fn taxonomy_id(key: &str) -> Uuid {
    derived(&format!("taxonomy:{key}"))
}

/// Builds every taxonomy from the reference data the store holds and the closed vocabularies.
pub fn taxonomies(categories: &[CategoryGroup], target_groups: &[TargetGroup]) -> Taxonomies {
    let taxonomies: Vec<Taxonomy> = TAXONOMIES
        .iter()
        .map(|(key, name, description)| Taxonomy {
            id: taxonomy_id(key),
            name: (*name).to_owned(),
            description: (*description).to_owned(),
            version: "1".to_owned(),
        })
        .collect();
    let mut terms = Vec::new();
    let mut add = |key: &str, slug: &str, name: &str, parent: Option<Uuid>| {
        let Some(taxonomy) = taxonomies.iter().zip(TAXONOMIES).find(|(_, (k, ..))| *k == key).map(|(t, _)| t.clone()) else {
            return;
        };
        terms.push(TaxonomyTerm {
            id: term_id(key, slug),
            code: format!("{key}:{slug}"),
            name: name.to_owned(),
            description: format!("{}: {}.", taxonomy.name, name),
            parent_id: parent,
            taxonomy: taxonomy.name.clone(),
            taxonomy_id: taxonomy.id,
            taxonomy_detail: taxonomy,
            language: "ru".to_owned(),
        });
    };
    for group in categories {
        add("category", &group.slug, &group.name, None);
        for category in &group.children {
            add("category", &category.slug, &category.name, Some(term_id("category", &group.slug)));
        }
    }
    for group in target_groups {
        add("target-group", &group.slug, &group.name, None);
    }
    macro_rules! closed {
        ($key:literal, $vocabulary:ty) => {
            for value in <$vocabulary>::ALL {
                add($key, value.as_str(), value.label(), None);
            }
        };
    }
    closed!("organization-kind", OrganizationKind);
    closed!("sector", Sector);
    closed!("form-442", Form442);
    closed!("format", ServiceFormat);
    closed!("cost", Cost);
    closed!("accessibility", AccessibilityFeature);
    Taxonomies { taxonomies, terms }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use socio_domain::api::CategoryRef;

    use super::*;

    #[test]
    fn codes_and_ids_are_unique_and_children_point_at_their_group() {
        let groups = vec![CategoryGroup {
            slug: "legal".into(),
            name: "Право".into(),
            children: vec![CategoryRef { slug: "legal-aid".into(), name: "Юридическая помощь".into() }],
        }];
        let all = taxonomies(&groups, &[TargetGroup { slug: "elderly".into(), name: "Пожилые".into() }]);
        let mut codes: Vec<&str> = all.terms.iter().map(|t| t.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.terms.len(), "codes are unique although `legal` is a category and a sector");
        assert!(codes.contains(&"category:legal") && codes.contains(&"sector:legal"));
        let child = all.terms.iter().find(|t| t.code == "category:legal-aid").unwrap();
        assert_eq!(child.parent_id, Some(term_id("category", "legal")));
        assert!(all.terms.iter().all(|t| all.taxonomies.iter().any(|x| x.id == t.taxonomy_id)));
        assert!(all.terms.iter().all(|t| !t.description.is_empty()));
    }
}
