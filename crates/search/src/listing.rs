//! A service's list record as the index keeps it, and made back into the API's
//! [`ServiceSummary`] when it is answered.
//!
//! A summary carries the names of its organization, categories, target groups and cities; kept as
//! they come, 100 000 services held 100 000 copies of «Екатеринбург» and of every category's
//! name, 42 % of the index's memory. Here each such reference is kept once, shared by every
//! service that has it (the exact value the feed gave, so an answer is the same byte for byte),
//! the strings of the service itself are boxed without spare capacity, and its summary is the
//! start of the text kept for snippets rather than a second copy.

use std::{collections::HashSet, hash::Hash, sync::Arc};

use chrono::NaiveDate;
use socio_domain::{
    api::{CategoryRef, MunicipalityRef, OrganizationRef, ServiceSummary, TargetGroup},
    vocabulary::{Cost, ServiceFormat},
};

/// One shared copy of each value seen.
#[derive(Debug)]
pub(crate) struct Interner<T>(HashSet<Arc<T>>);

impl<T> Default for Interner<T> {
    fn default() -> Self {
        Interner(HashSet::new())
    }
}

impl<T: Eq + Hash + Clone> Interner<T> {
    pub(crate) fn get(&mut self, value: &T) -> Arc<T> {
        if let Some(shared) = self.0.get(value) {
            return shared.clone();
        }
        let shared = Arc::new(value.clone());
        self.0.insert(shared.clone());
        shared
    }

    /// Forgets the values no record holds any more.
    pub(crate) fn prune(&mut self) {
        self.0.retain(|shared| Arc::strong_count(shared) > 1);
    }
}

/// The references services share, each kept once.
#[derive(Debug, Default)]
pub(crate) struct References {
    organizations: Interner<OrganizationRef>,
    categories: Interner<CategoryRef>,
    target_groups: Interner<TargetGroup>,
    municipalities: Interner<MunicipalityRef>,
}

impl References {
    /// Heap bytes of the values kept, each once.
    pub(crate) fn heap(&self) -> usize {
        use crate::memory::Heap;
        fn kept<T: Heap>(interner: &Interner<T>) -> usize {
            interner.0.capacity() * (std::mem::size_of::<Arc<T>>() + 1)
                + interner.0.iter().map(|v| 2 * std::mem::size_of::<usize>() + std::mem::size_of::<T>() + v.as_ref().heap()).sum::<usize>()
        }
        kept(&self.organizations) + kept(&self.categories) + kept(&self.target_groups) + kept(&self.municipalities)
    }

    pub(crate) fn prune(&mut self) {
        self.organizations.prune();
        self.categories.prune();
        self.target_groups.prune();
        self.municipalities.prune();
    }
}

/// A [`ServiceSummary`] but its summary, with the shared references.
#[derive(Debug)]
pub(crate) struct Listing {
    pub id: i64,
    pub slug: Box<str>,
    pub name: Box<str>,
    pub organization: Arc<OrganizationRef>,
    pub categories: Box<[Arc<CategoryRef>]>,
    pub target_groups: Box<[Arc<TargetGroup>]>,
    pub formats: Box<[ServiceFormat]>,
    pub cost: Cost,
    pub age_min: Option<u8>,
    pub age_max: Option<u8>,
    pub municipalities: Box<[Arc<MunicipalityRef>]>,
    pub last_verified: Option<NaiveDate>,
}

impl Listing {
    /// Keeps `summary` but its summary text (which the caller keeps elsewhere).
    pub(crate) fn new(summary: &ServiceSummary, shared: &mut References) -> Self {
        Listing {
            id: summary.id,
            slug: summary.slug.as_str().into(),
            name: summary.name.as_str().into(),
            organization: shared.organizations.get(&summary.organization),
            categories: summary.categories.iter().map(|c| shared.categories.get(c)).collect(),
            target_groups: summary.target_groups.iter().map(|t| shared.target_groups.get(t)).collect(),
            formats: summary.formats.as_slice().into(),
            cost: summary.cost,
            age_min: summary.age_min,
            age_max: summary.age_max,
            municipalities: summary.municipalities.iter().map(|m| shared.municipalities.get(m)).collect(),
            last_verified: summary.last_verified,
        }
    }

    /// The API's summary, with `summary` as its summary text.
    pub(crate) fn summary(&self, summary: &str) -> ServiceSummary {
        ServiceSummary {
            id: self.id,
            slug: self.slug.to_string(),
            name: self.name.to_string(),
            summary: summary.to_owned(),
            organization: self.organization.as_ref().clone(),
            categories: self.categories.iter().map(|c| c.as_ref().clone()).collect(),
            target_groups: self.target_groups.iter().map(|t| t.as_ref().clone()).collect(),
            formats: self.formats.to_vec(),
            cost: self.cost,
            age_min: self.age_min,
            age_max: self.age_max,
            municipalities: self.municipalities.iter().map(|m| m.as_ref().clone()).collect(),
            last_verified: self.last_verified,
        }
    }

    /// Whether `summary` says the same (the summary text aside), without building one.
    pub(crate) fn is(&self, summary: &ServiceSummary) -> bool {
        fn same<T: PartialEq>(a: &[Arc<T>], b: &[T]) -> bool {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.as_ref() == y)
        }
        self.id == summary.id
            && *self.slug == *summary.slug
            && *self.name == *summary.name
            && *self.organization == summary.organization
            && same(&self.categories, &summary.categories)
            && same(&self.target_groups, &summary.target_groups)
            && *self.formats == *summary.formats
            && self.cost == summary.cost
            && self.age_min == summary.age_min
            && self.age_max == summary.age_max
            && same(&self.municipalities, &summary.municipalities)
            && self.last_verified == summary.last_verified
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interner_shares_equal_values_and_forgets_unheld_ones() {
        let mut cities = Interner::default();
        let a = cities.get(&MunicipalityRef { slug: "serov".into(), name: "Серов".into() });
        let b = cities.get(&MunicipalityRef { slug: "serov".into(), name: "Серов".into() });
        assert!(Arc::ptr_eq(&a, &b));
        let other = cities.get(&MunicipalityRef { slug: "serov".into(), name: "Серов (город)".into() });
        assert!(!Arc::ptr_eq(&a, &other), "a different name is a different value");
        drop(other);
        cities.prune();
        assert_eq!(cities.0.len(), 1);
    }
}
