//! Reference data interned for counting: every filter value gets a small number, so a facet is
//! a vector of counters rather than a map of strings.

use std::collections::HashMap;

use socio_domain::{
    Coordinates,
    api::{FacetValue, MunicipalityRef},
    feed::Catalogue,
    vocabulary::{Cost, ServiceFormat},
};

/// Values of one dimension a record has, as a bit set: a filter check is one AND.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bits(u128);

/// Values per dimension the bit sets hold (14 cities, ~20 target groups, ~70 categories).
pub(crate) const MAX_VALUES: usize = 128;

impl Bits {
    pub(crate) fn of(ids: impl IntoIterator<Item = u16>) -> Self {
        Bits(ids.into_iter().filter(|&i| usize::from(i) < MAX_VALUES).fold(0, |bits, i| bits | 1 << i))
    }

    pub(crate) fn contains(&self, id: u16) -> bool {
        usize::from(id) < MAX_VALUES && (self.0 >> id) & 1 == 1
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        let mut rest = self.0;
        std::iter::from_fn(move || {
            if rest == 0 {
                return None;
            }
            let bit = rest.trailing_zeros();
            rest &= rest - 1;
            u16::try_from(bit).ok()
        })
    }
}

/// One filter's possible values, in display order.
#[derive(Debug, Default)]
pub(crate) struct Dimension {
    pub values: Vec<(String, String, Option<String>)>,
    index: HashMap<String, u16>,
}

impl Dimension {
    fn push(&mut self, value: &str, name: &str, parent: Option<&str>) -> u16 {
        debug_assert!(self.values.len() < MAX_VALUES, "more reference values than the bit sets hold");
        let id = u16::try_from(self.values.len()).unwrap_or(u16::MAX);
        self.index.insert(value.to_owned(), id);
        self.values.push((value.to_owned(), name.to_owned(), parent.map(str::to_owned)));
        id
    }

    pub(crate) fn id(&self, value: &str) -> Option<u16> {
        self.index.get(value).copied()
    }

    /// Facet values with a count, or selected; in reference order.
    pub(crate) fn facet(&self, counts: &[u64], selected: Option<u16>) -> Vec<FacetValue> {
        self.values
            .iter()
            .enumerate()
            .filter_map(|(i, (value, name, parent))| {
                let count = counts.get(i).copied().unwrap_or(0);
                let is_selected = selected.is_some_and(|s| usize::from(s) == i);
                (count > 0 || is_selected).then(|| FacetValue {
                    value: value.clone(),
                    name: name.clone(),
                    count,
                    selected: is_selected,
                    parent: parent.clone(),
                })
            })
            .collect()
    }
}

/// Typical ages offered as the age facet: a count means «available at this age».
pub(crate) const AGES: &[(u8, &str)] = &[
    (3, "Малышам (3 года)"),
    (10, "Школьникам (10 лет)"),
    (16, "Подросткам (16 лет)"),
    (35, "Взрослым (35 лет)"),
    (70, "Пожилым (70 лет)"),
];

/// The interned catalogue.
#[derive(Debug, Default)]
pub(crate) struct Interned {
    pub municipality: Dimension,
    pub category: Dimension,
    pub target_group: Dimension,
    pub format: Dimension,
    pub cost: Dimension,
    /// City centres by municipality id.
    pub centres: Vec<Coordinates>,
    /// The group of each leaf category.
    pub parent_of: HashMap<u16, u16>,
}

impl Interned {
    /// How many values each dimension but age has, in the facets' order.
    pub(crate) fn membership_sizes(&self) -> [usize; 5] {
        [
            self.municipality.values.len(),
            self.category.values.len(),
            self.target_group.values.len(),
            self.format.values.len(),
            self.cost.values.len(),
        ]
    }

    pub(crate) fn new(catalogue: &Catalogue) -> Self {
        let mut interned = Interned::default();
        for m in &catalogue.municipalities {
            interned.municipality.push(&m.slug, &m.name, None);
            interned.centres.push(m.coordinates);
        }
        for group in &catalogue.categories {
            let g = interned.category.push(&group.slug, &group.name, None);
            for child in &group.children {
                let c = interned.category.push(&child.slug, &child.name, Some(&group.slug));
                interned.parent_of.insert(c, g);
            }
        }
        for t in &catalogue.target_groups {
            interned.target_group.push(&t.slug, &t.name, None);
        }
        for f in ServiceFormat::ALL {
            interned.format.push(f.as_str(), f.label(), None);
        }
        for c in Cost::ALL {
            interned.cost.push(c.as_str(), c.label(), None);
        }
        interned
    }

    /// Ids of the categories (and their groups) a record is in.
    pub(crate) fn categories_with_groups<'a>(&self, slugs: impl IntoIterator<Item = &'a str>) -> Bits {
        let mut ids = Vec::new();
        for slug in slugs {
            if let Some(id) = self.category.id(slug) {
                ids.push(id);
                if let Some(&group) = self.parent_of.get(&id) {
                    ids.push(group);
                }
            }
        }
        Bits::of(ids)
    }

    pub(crate) fn ids<'a>(dimension: &Dimension, slugs: impl IntoIterator<Item = &'a str>) -> Bits {
        Bits::of(slugs.into_iter().filter_map(|s| dimension.id(s)))
    }

    pub(crate) fn municipality_ref(&self, id: u16) -> Option<MunicipalityRef> {
        self.municipality.values.get(usize::from(id)).map(|(slug, name, _)| MunicipalityRef { slug: slug.clone(), name: name.clone() })
    }
}
