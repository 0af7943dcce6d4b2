//! Where the index's memory goes, structure by structure, so that making it smaller starts from
//! a measurement. The figures are the heap bytes each structure owns (capacities, not lengths,
//! and the allocations behind every string and list), counted by walking the snapshot; tantivy's
//! part is the size of its segments in RAM as it reports it. Allocator overhead is not counted,
//! so the total is somewhat under the process's resident memory.

use std::{collections::HashMap, mem::size_of};

use socio_domain::api::{CategoryRef, MunicipalityRef, OrganizationRef, OrganizationSummary, SituationSummary, TargetGroup};

use crate::{
    index::{SearchIndex, ServiceEntry, Snapshot},
    listing::Listing,
    slots::SlotSet,
};

/// Heap bytes owned by a value (not counting the value itself).
pub(crate) trait Heap {
    fn heap(&self) -> usize;
}

impl Heap for String {
    fn heap(&self) -> usize {
        self.capacity()
    }
}

impl<T: Heap> Heap for Option<T> {
    fn heap(&self) -> usize {
        self.as_ref().map_or(0, Heap::heap)
    }
}

impl<T: Heap> Heap for Vec<T> {
    fn heap(&self) -> usize {
        self.capacity() * size_of::<T>() + self.iter().map(Heap::heap).sum::<usize>()
    }
}

impl Heap for Box<str> {
    fn heap(&self) -> usize {
        self.len()
    }
}

impl<T: Heap> Heap for Box<[T]> {
    fn heap(&self) -> usize {
        self.len() * size_of::<T>() + self.iter().map(Heap::heap).sum::<usize>()
    }
}

impl<A: Heap, B: Heap> Heap for (A, B) {
    fn heap(&self) -> usize {
        self.0.heap() + self.1.heap()
    }
}

impl Heap for SlotSet {
    fn heap(&self) -> usize {
        self.words() * size_of::<u64>()
    }
}

/// Plain values owning nothing on the heap.
macro_rules! flat {
    ($($t:ty),*) => { $(impl Heap for $t { fn heap(&self) -> usize { 0 } })* };
}
flat!(u8, u16, u32, u64, i64, f32, socio_domain::Coordinates, socio_domain::vocabulary::ServiceFormat);

/// The references a record shares are counted where they are kept once
/// ([`crate::listing::References`]); the record holds a pointer to each.
impl Heap for Listing {
    fn heap(&self) -> usize {
        let pointers = self.categories.len() + self.target_groups.len() + self.municipalities.len();
        self.slug.heap() + self.name.heap() + self.formats.heap() + pointers * size_of::<usize>()
    }
}

impl Heap for MunicipalityRef {
    fn heap(&self) -> usize {
        self.slug.heap() + self.name.heap()
    }
}

impl Heap for CategoryRef {
    fn heap(&self) -> usize {
        self.slug.heap() + self.name.heap()
    }
}

impl Heap for TargetGroup {
    fn heap(&self) -> usize {
        self.slug.heap() + self.name.heap()
    }
}

impl Heap for OrganizationRef {
    fn heap(&self) -> usize {
        self.slug.heap() + self.name.heap() + self.short_name.heap()
    }
}

impl Heap for OrganizationSummary {
    fn heap(&self) -> usize {
        self.slug.heap() + self.name.heap() + self.short_name.heap() + self.municipalities.heap()
    }
}

impl Heap for SituationSummary {
    fn heap(&self) -> usize {
        self.slug.heap() + self.title.heap() + self.summary.heap() + self.target_groups.heap() + self.categories.heap()
    }
}

/// What a hash map's table takes: its buckets and a control byte each.
fn table<K, V>(map: &HashMap<K, V>) -> usize {
    map.capacity() * (size_of::<(K, V)>() + 1)
}

impl<K: Heap, V: Heap> Heap for HashMap<K, V> {
    fn heap(&self) -> usize {
        table(self) + self.iter().map(|(k, v)| k.heap() + v.heap()).sum::<usize>()
    }
}

/// An `Arc`'s allocation: its two counters and the value.
fn arc<T>() -> usize {
    2 * size_of::<usize>() + size_of::<T>()
}

/// One row of the breakdown.
#[derive(Debug, Clone)]
pub struct MemoryPart {
    pub structure: &'static str,
    pub bytes: u64,
}

impl SearchIndex {
    /// The current snapshot's memory, structure by structure, largest first.
    pub fn memory(&self) -> Vec<MemoryPart> {
        let snap = self.snapshot();
        let mut parts = breakdown(&snap);
        parts.push(MemoryPart {
            structure: "services' shared references (organizations, categories, groups, cities), once each",
            bytes: self.references_heap() as u64,
        });
        parts.sort_by_key(|part| std::cmp::Reverse(part.bytes));
        parts
    }
}

fn breakdown(snap: &Snapshot) -> Vec<MemoryPart> {
    let services = snap.services.values();
    let (mut summaries, mut texts, mut stems) = (0, 0, 0);
    for e in services {
        let ServiceEntry { listing, text, summary_len: _, filters: _, name_stems, summary_stems, points, sort_name, updated_at: _ } =
            e.as_ref();
        summaries += listing.heap();
        texts += text.heap();
        stems += name_stems.heap() + summary_stems.heap() + points.heap() + sort_name.heap();
    }
    let entries = snap.services.len() * arc::<ServiceEntry>() + table(&snap.services) + snap.entries.capacity() * size_of::<usize>();
    let organizations = snap.organizations.values().map(|o| arc::<crate::index::OrganizationEntry>() + o.summary.heap()).sum::<usize>()
        + table(&snap.organizations);
    let situations = snap
        .situations
        .values()
        .map(|s| {
            let words = |set: &std::collections::HashSet<String>| {
                set.capacity() * (size_of::<String>() + 1) + set.iter().map(String::heap).sum::<usize>()
            };
            arc::<crate::index::SituationEntry>()
                + s.summary.heap()
                + s.text.heap()
                + words(&s.title)
                + words(&s.headline)
                + words(&s.about)
        })
        .sum::<usize>()
        + table(&snap.situations);
    let tantivy = snap.searcher.space_usage().map_or(0, |usage| usage.total().get_bytes() as usize);
    let part = |structure, bytes: usize| MemoryPart { structure, bytes: bytes as u64 };
    vec![
        part("services: list records (their own strings; the references they share are counted once below)", summaries),
        part("services: texts kept for snippets (the summary is their start)", texts),
        part("services: stems of names and summaries, points, folded names", stems),
        part("services: entries, their Arcs and the maps by id and by slot", entries),
        part("services: slots (filters and order keys, dense)", snap.slots.capacity() * size_of::<crate::index::Slot>()),
        part("filter sets (a bit per service per value)", snap.membership.heap()),
        part("common words' sets and text lengths", snap.words.heap()),
        part("tantivy: terms, postings, positions, fast fields", tantivy),
        part("organizations", organizations),
        part("situations", situations),
        part("completions and vocabulary", snap.completions.heap() + snap.vocabulary.heap()),
        part("lists' order and ranked common words", snap.listed.heap() + snap.ranked.heap()),
    ]
}
