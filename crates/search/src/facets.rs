//! Filters and facet counts over the dense array of packed filter values: one pass decides, for
//! every matching service, whether it is kept, counted in the one facet whose filter it fails,
//! or dropped.

use socio_domain::api::{FacetValue, Facets, ServiceFilter};
use tantivy::Score;

use crate::{
    catalogue::{AGES, Dimension},
    index::{FREE, Filters, Kind, SearchError, Slot, Snapshot},
};

/// Indices of the faceted filters.
pub(crate) const MUNICIPALITY: usize = 0;
pub(crate) const CATEGORY: usize = 1;
pub(crate) const TARGET_GROUP: usize = 2;
const FORMAT: usize = 3;
const COST: usize = 4;
const AGE: usize = 5;
pub(crate) const DIMENSIONS: usize = 6;

/// The filter with its values interned.
#[derive(Clone, Copy)]
pub(crate) struct Selected {
    pub(crate) values: [Option<u16>; DIMENSIONS],
    pub(crate) organization: Option<i64>,
}

impl Selected {
    pub(crate) fn new(snap: &Snapshot, filter: &ServiceFilter) -> Result<Self, SearchError> {
        let c = &snap.catalogue;
        let lookup = |field: &'static str, dimension: &Dimension, value: Option<&str>| match value {
            None => Ok(None),
            Some(v) => dimension.id(v).map(Some).ok_or_else(|| SearchError::UnknownValue { field, value: v.to_owned() }),
        };
        let organization = match &filter.organization {
            None => None,
            Some(slug) => Some(
                snap.organizations
                    .values()
                    .find(|o| o.summary.slug == slug.as_str())
                    .map(|o| o.summary.id)
                    .ok_or_else(|| SearchError::UnknownValue { field: "organization", value: slug.to_string() })?,
            ),
        };
        Ok(Selected {
            values: [
                lookup("municipality", &c.municipality, filter.municipality.as_ref().map(|s| s.as_str()))?,
                lookup("category", &c.category, filter.category.as_ref().map(|s| s.as_str()))?,
                lookup("target_group", &c.target_group, filter.target_group.as_ref().map(|s| s.as_str()))?,
                filter.format.and_then(|f| c.format.id(f.as_str())),
                filter.cost.and_then(|v| c.cost.id(v.as_str())),
                filter.age.map(u16::from),
            ],
            organization,
        })
    }

    /// Which filters the service fails, as a bit mask.
    #[inline]
    fn failures(&self, f: &Filters) -> u8 {
        let [municipality, category, target_group, format, cost, age] = self.values;
        let fails = |selected: Option<u16>, ok: bool| u8::from(selected.is_some() && !ok);
        fails(municipality, municipality.is_some_and(|v| f.municipalities.contains(v))) << MUNICIPALITY
            | fails(category, category.is_some_and(|v| f.categories.contains(v))) << CATEGORY
            | fails(target_group, target_group.is_some_and(|v| f.target_groups.contains(v))) << TARGET_GROUP
            | fails(format, format.is_some_and(|v| f.formats.contains(v))) << FORMAT
            | fails(cost, cost == Some(f.cost)) << COST
            | fails(age, age.is_some_and(|v| f.available_at(v))) << AGE
    }
}

/// Counters for every facet value.
pub(crate) struct Counts([Vec<u64>; DIMENSIONS]);

impl Counts {
    pub(crate) fn new(snap: &Snapshot) -> Self {
        let c = &snap.catalogue;
        let sizes = [
            c.municipality.values.len(),
            c.category.values.len(),
            c.target_group.values.len(),
            c.format.values.len(),
            c.cost.values.len(),
            AGES.len(),
        ];
        Counts(sizes.map(|n| vec![0; n]))
    }

    fn add(&mut self, dim: usize, e: &Filters) {
        let counts = &mut self.0[dim];
        let mut bump = |v: u16| {
            if let Some(c) = counts.get_mut(usize::from(v)) {
                *c += 1;
            }
        };
        match dim {
            MUNICIPALITY => e.municipalities.iter().for_each(bump),
            CATEGORY => e.categories.iter().for_each(bump),
            TARGET_GROUP => e.target_groups.iter().for_each(bump),
            FORMAT => e.formats.iter().for_each(bump),
            COST => bump(e.cost),
            _ => {
                for (i, &(age, _)) in AGES.iter().enumerate() {
                    if e.available_at(u16::from(age)) {
                        bump(u16::try_from(i).unwrap_or_default());
                    }
                }
            }
        }
    }

    pub(crate) fn facets(&self, snap: &Snapshot, selected: &Selected) -> Facets {
        let c = &snap.catalogue;
        let v = &selected.values;
        Facets {
            municipality: c.municipality.facet(&self.0[MUNICIPALITY], v[MUNICIPALITY]),
            category: c.category.facet(&self.0[CATEGORY], v[CATEGORY]),
            target_group: c.target_group.facet(&self.0[TARGET_GROUP], v[TARGET_GROUP]),
            format: c.format.facet(&self.0[FORMAT], v[FORMAT]),
            cost: c.cost.facet(&self.0[COST], v[COST]),
            age: AGES
                .iter()
                .enumerate()
                .filter(|(i, (age, _))| self.0[AGE][*i] > 0 || v[AGE] == Some(u16::from(*age)))
                .map(|(i, (age, name))| FacetValue {
                    value: age.to_string(),
                    name: (*name).to_owned(),
                    count: self.0[AGE][i],
                    selected: v[AGE] == Some(u16::from(*age)),
                    parent: None,
                })
                .collect(),
        }
    }
}

/// A matching organization or situation (services are tallied as they are found).
#[derive(Clone, Copy)]
pub(crate) struct Hit {
    pub(crate) kind: Kind,
    pub(crate) id: i64,
    pub(crate) score: Score,
}

/// What one pass over the matches yields: services that pass the filters (by slot), facet
/// counts, and the other kinds of records.
pub(crate) struct Harvest {
    pub(crate) found: Vec<(u32, Score)>,
    pub(crate) counts: Counts,
    pub(crate) others: Vec<Hit>,
}

/// Checks one service against the filters: kept (and only then scored) if it passes all,
/// counted in a facet if it fails only that facet's filter.
#[inline]
pub(crate) fn tally(selected: &Selected, slot: u32, record: &Slot, score: impl FnOnce() -> Score, harvest: &mut Harvest) {
    if record.id == FREE || selected.organization.is_some_and(|o| o != record.organization) {
        return;
    }
    let failures = selected.failures(&record.filters);
    if failures == 0 {
        harvest.found.push((slot, score()));
        for dim in 0..DIMENSIONS {
            harvest.counts.add(dim, &record.filters);
        }
    } else if failures.is_power_of_two() {
        harvest.counts.add(failures.trailing_zeros() as usize, &record.filters);
    }
}
