//! Filters and facet counts as set algebra over slots: the services matching the words,
//! intersected with each filter's set, are the ones kept; intersected with every filter but
//! one, they are what that filter's facet counts.
//!
//! A count is either read off the records of the services in question (when they are few) or
//! taken as the size of an intersection with each value's set (when they are many), whichever
//! costs less; both give the same numbers.

use std::borrow::Cow;

use socio_domain::api::{FacetValue, Facets, ServiceFilter};

use crate::{
    catalogue::{AGES, Dimension},
    index::{FREE, Filters, SearchError, Slot, Snapshot},
    slots::SlotSet,
};

/// Indices of the faceted filters.
pub(crate) const MUNICIPALITY: usize = 0;
pub(crate) const CATEGORY: usize = 1;
pub(crate) const TARGET_GROUP: usize = 2;
const FORMAT: usize = 3;
const COST: usize = 4;
const AGE: usize = 5;
pub(crate) const DIMENSIONS: usize = 6;

/// Visiting one service's record costs about this many word operations of a set intersection.
const RECORD_COST: usize = 64;

/// For every value of every faceted dimension (for age: the typical ages offered), the slots of
/// the services that have it.
#[derive(Default)]
pub(crate) struct Membership {
    sets: [Vec<SlotSet>; DIMENSIONS],
    /// Slots that hold a service, not left by a withdrawn one.
    pub(crate) live: SlotSet,
}

impl crate::memory::Heap for Membership {
    fn heap(&self) -> usize {
        self.sets.iter().map(crate::memory::Heap::heap).sum::<usize>() + self.live.heap()
    }
}

impl Membership {
    pub(crate) fn build(slots: &[Slot], sizes: [usize; AGE]) -> Self {
        let [municipality, category, target_group, format, cost] = sizes;
        let mut sets = [municipality, category, target_group, format, cost, AGES.len()].map(|n| vec![SlotSet::empty(slots.len()); n]);
        for (slot, record) in slots.iter().enumerate().filter(|(_, r)| r.id != FREE) {
            let slot = slot as u32;
            let f = &record.filters;
            let mut mark = |dim: usize, id: u16| {
                if let Some(set) = sets[dim].get_mut(usize::from(id)) {
                    set.insert(slot);
                }
            };
            f.municipalities.iter().for_each(|id| mark(MUNICIPALITY, id));
            f.categories.iter().for_each(|id| mark(CATEGORY, id));
            f.target_groups.iter().for_each(|id| mark(TARGET_GROUP, id));
            f.formats.iter().for_each(|id| mark(FORMAT, id));
            mark(COST, f.cost);
            for (i, &(age, _)) in AGES.iter().enumerate() {
                if f.available_at(u16::from(age)) {
                    mark(AGE, i as u16);
                }
            }
        }
        let live = SlotSet::from_fn(slots.len(), |s| slots[s].id != FREE);
        Membership { sets, live }
    }
}

/// The filter with its values interned and the slots passing each part of it.
pub(crate) struct Selected<'a> {
    pub(crate) values: [Option<u16>; DIMENSIONS],
    /// The slots passing each faceted filter (`None`: that filter is not set).
    passing: [Option<Cow<'a, SlotSet>>; DIMENSIONS],
    /// The services of the chosen organization (not a facet).
    within: Option<SlotSet>,
}

impl<'a> Selected<'a> {
    pub(crate) fn new(snap: &'a Snapshot, filter: &ServiceFilter) -> Result<Self, SearchError> {
        let c = &snap.catalogue;
        let lookup = |field: &'static str, dimension: &Dimension, value: Option<&str>| match value {
            None => Ok(None),
            Some(v) => dimension.id(v).map(Some).ok_or_else(|| SearchError::UnknownValue { field, value: v.to_owned() }),
        };
        let within = match &filter.organization {
            None => None,
            Some(slug) => {
                let id = snap
                    .organizations
                    .values()
                    .find(|o| o.summary.slug == slug.as_str())
                    .map(|o| o.summary.id)
                    .ok_or_else(|| SearchError::UnknownValue { field: "organization", value: slug.to_string() })?;
                Some(SlotSet::from_fn(snap.slots.len(), |s| snap.slots[s].id != FREE && snap.slots[s].organization == id))
            }
        };
        let values = [
            lookup("municipality", &c.municipality, filter.municipality.as_ref().map(|s| s.as_str()))?,
            lookup("category", &c.category, filter.category.as_ref().map(|s| s.as_str()))?,
            lookup("target_group", &c.target_group, filter.target_group.as_ref().map(|s| s.as_str()))?,
            filter.format.and_then(|f| c.format.id(f.as_str())),
            filter.cost.and_then(|v| c.cost.id(v.as_str())),
            filter.age.map(u16::from),
        ];
        let sets = &snap.membership.sets;
        let mut passing: [Option<Cow<'a, SlotSet>>; DIMENSIONS] = Default::default();
        for (dim, pass) in passing.iter_mut().enumerate().take(AGE) {
            *pass = values[dim].map(|v| sets[dim].get(usize::from(v)).map_or_else(|| Cow::Owned(SlotSet::default()), Cow::Borrowed));
        }
        passing[AGE] = values[AGE].map(|age| match AGES.iter().position(|&(typical, _)| u16::from(typical) == age) {
            Some(i) => Cow::Borrowed(&sets[AGE][i]),
            None => Cow::Owned(SlotSet::from_fn(snap.slots.len(), |s| snap.slots[s].id != FREE && snap.slots[s].filters.available_at(age))),
        });
        Ok(Selected { values, passing, within })
    }

    /// `matched` narrowed by every set filter but `except` (and the organization's).
    /// Whether no filter is set: every match is kept.
    pub(crate) fn is_everything(&self) -> bool {
        self.within.is_none() && self.passing.iter().all(Option::is_none)
    }

    pub(crate) fn narrowed(&self, matched: &SlotSet, except: Option<usize>) -> SlotSet {
        let mut set = matched.clone();
        if let Some(within) = &self.within {
            set.intersect(within);
        }
        for (dim, pass) in self.passing.iter().enumerate() {
            if let Some(pass) = pass
                && Some(dim) != except
            {
                set.intersect(pass);
            }
        }
        set
    }
}

/// Counters for every facet value.
#[derive(Clone)]
pub(crate) struct Counts([Vec<u64>; DIMENSIONS]);

impl Counts {
    pub(crate) fn new(snap: &Snapshot) -> Self {
        let [municipality, category, target_group, format, cost] = snap.catalogue.membership_sizes();
        Counts([municipality, category, target_group, format, cost, AGES.len()].map(|n| vec![0; n]))
    }

    /// Counts the services of `base` for each value of `dim`: from their records, or as the
    /// size of `base` intersected with each value's set.
    fn count(&mut self, dim: usize, base: &SlotSet, sets: &[SlotSet], slots: &[Slot], by_records: bool) {
        if by_records {
            for slot in base.iter() {
                if let Some(record) = slots.get(slot as usize) {
                    self.add(dim, &record.filters);
                }
            }
        } else {
            for (count, set) in self.0[dim].iter_mut().zip(sets) {
                *count = base.common(set);
            }
        }
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

/// The services of `matched` (live ones, matching the words) that pass every filter, and the
/// facet counts: for each value, how many would be found if it were chosen instead.
pub(crate) fn harvest(snap: &Snapshot, selected: &Selected, matched: &SlotSet) -> (SlotSet, Counts) {
    let kept = selected.narrowed(matched, None);
    let mut counts = Counts::new(snap);
    for dim in 0..DIMENSIONS {
        let base = if selected.passing[dim].is_some() { Cow::Owned(selected.narrowed(matched, Some(dim))) } else { Cow::Borrowed(&kept) };
        let sets = &snap.membership.sets[dim];
        let by_records = base.len() * RECORD_COST < sets.len() * base.words();
        counts.count(dim, &base, sets, &snap.slots, by_records);
    }
    (kept, counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Bits;

    /// Services spread over values by simple arithmetic, so every value gets some and some none.
    fn slots() -> Vec<Slot> {
        (0..300u16)
            .map(|i| Slot {
                id: if i % 17 == 0 { FREE } else { i64::from(i) },
                organization: 1,
                filters: Filters {
                    municipalities: Bits::of([i % 5, (i / 7) % 5]),
                    categories: Bits::of([i % 11]),
                    target_groups: Bits::of([i % 3, 3]),
                    formats: Bits::of([i % 2]),
                    cost: i % 3,
                    age_min: (i % 40) as u8,
                    age_max: if i % 4 == 0 { u8::MAX } else { (i % 40 + 30) as u8 },
                },
                ..Slot::default()
            })
            .collect()
    }

    #[test]
    fn counting_from_records_and_from_sets_agree() {
        let slots = slots();
        let sizes = [5, 11, 4, 2, 3];
        let membership = Membership::build(&slots, sizes);
        let base = SlotSet::from_fn(slots.len(), |s| s % 3 != 1 && slots[s].id != FREE);
        let values = [5, 11, 4, 2, 3, AGES.len()];
        for dim in 0..DIMENSIONS {
            let mut from_records = Counts(values.map(|n| vec![0; n]));
            let mut from_sets = Counts(values.map(|n| vec![0; n]));
            from_records.count(dim, &base, &membership.sets[dim], &slots, true);
            from_sets.count(dim, &base, &membership.sets[dim], &slots, false);
            assert_eq!(from_records.0[dim], from_sets.0[dim], "dimension {dim}");
            assert!(from_sets.0[dim].iter().sum::<u64>() > 0, "dimension {dim} counts something");
        }
        assert_eq!(membership.live.len(), slots.iter().filter(|s| s.id != FREE).count());
    }
}
