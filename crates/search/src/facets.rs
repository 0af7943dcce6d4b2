//! Filters and facet counts over the dense array of packed filter values: one pass decides, for
//! every matching service, whether it is kept, counted in the one facet whose filter it fails,
//! or dropped.
//!
//! Most matches of a search with filters fail two or more of them and are dropped. That is
//! decided from [`Membership`], a bit per slot for each filter value (small enough to stay in
//! the CPU cache), so the service's packed record is read only for the ones kept or counted.

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

/// For every value of the dimensions kept as bit sets (all faceted ones but age), the slots of
/// the services that have it, one bit per slot.
#[derive(Default)]
pub(crate) struct Membership([Vec<Vec<u64>>; AGE]);

impl Membership {
    pub(crate) fn build(slots: &[Slot], sizes: [usize; AGE]) -> Self {
        let words = slots.len().div_ceil(64);
        let mut sets = sizes.map(|n| vec![vec![0u64; words]; n]);
        for (slot, record) in slots.iter().enumerate().filter(|(_, r)| r.id != FREE) {
            let (word, bit) = (slot / 64, 1u64 << (slot % 64));
            let f = &record.filters;
            let mut mark = |dim: usize, id: u16| {
                if let Some(set) = sets[dim].get_mut(usize::from(id)) {
                    set[word] |= bit;
                }
            };
            f.municipalities.iter().for_each(|id| mark(MUNICIPALITY, id));
            f.categories.iter().for_each(|id| mark(CATEGORY, id));
            f.target_groups.iter().for_each(|id| mark(TARGET_GROUP, id));
            f.formats.iter().for_each(|id| mark(FORMAT, id));
            mark(COST, f.cost);
        }
        Membership(sets)
    }
}

/// The filter with its values interned.
#[derive(Clone, Copy)]
pub(crate) struct Selected<'a> {
    pub(crate) values: [Option<u16>; DIMENSIONS],
    pub(crate) organization: Option<i64>,
    /// The membership bits of each selected value (`None`: that filter is not set).
    members: [Option<&'a [u64]>; AGE],
}

impl<'a> Selected<'a> {
    pub(crate) fn new(snap: &'a Snapshot, filter: &ServiceFilter) -> Result<Self, SearchError> {
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
        let values = [
            lookup("municipality", &c.municipality, filter.municipality.as_ref().map(|s| s.as_str()))?,
            lookup("category", &c.category, filter.category.as_ref().map(|s| s.as_str()))?,
            lookup("target_group", &c.target_group, filter.target_group.as_ref().map(|s| s.as_str()))?,
            filter.format.and_then(|f| c.format.id(f.as_str())),
            filter.cost.and_then(|v| c.cost.id(v.as_str())),
            filter.age.map(u16::from),
        ];
        let mut members = [None; AGE];
        for (dim, member) in members.iter_mut().enumerate() {
            *member = values[dim].map(|v| snap.membership.0[dim].get(usize::from(v)).map_or(&[][..], Vec::as_slice));
        }
        Ok(Selected { values, organization, members })
    }

    /// Which of the filters kept as bit sets the slot fails, as a bit mask.
    #[inline]
    fn failures_by_membership(&self, slot: u32) -> u8 {
        let (word, bit) = (slot as usize / 64, 1u64 << (slot % 64));
        let mut failures = 0;
        for (dim, member) in self.members.iter().enumerate() {
            if let Some(set) = member
                && set.get(word).is_none_or(|w| w & bit == 0)
            {
                failures |= 1 << dim;
            }
        }
        failures
    }

    /// Whether the service fails the age filter, as the bit mask's `AGE` bit.
    #[inline]
    fn age_failure(&self, f: &Filters) -> u8 {
        u8::from(self.values[AGE].is_some_and(|v| !f.available_at(v))) << AGE
    }
}

/// Counters for every facet value.
pub(crate) struct Counts([Vec<u64>; DIMENSIONS]);

impl Counts {
    pub(crate) fn new(snap: &Snapshot) -> Self {
        let [municipality, category, target_group, format, cost] = snap.catalogue.membership_sizes();
        Counts([municipality, category, target_group, format, cost, AGES.len()].map(|n| vec![0; n]))
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
pub(crate) fn tally(selected: &Selected, slot: u32, slots: &[Slot], score: impl FnOnce() -> Score, harvest: &mut Harvest) {
    let failures = selected.failures_by_membership(slot);
    if failures.count_ones() > 1 {
        return;
    }
    let Some(record) = slots.get(slot as usize) else { return };
    if record.id == FREE || selected.organization.is_some_and(|o| o != record.organization) {
        return;
    }
    let failures = failures | selected.age_failure(&record.filters);
    if failures == 0 {
        harvest.found.push((slot, score()));
        for dim in 0..DIMENSIONS {
            harvest.counts.add(dim, &record.filters);
        }
    } else if failures.is_power_of_two() {
        harvest.counts.add(failures.trailing_zeros() as usize, &record.filters);
    }
}
