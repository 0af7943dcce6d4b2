//! What a search for one common word reuses within a snapshot, so that a page of «помощь» is the
//! first lines met walking its services best first, not a scoring and a sort of 100 000 matches.
//!
//! A one-word query's scores depend only on the snapshot (the word's rarity, each service's text
//! length and whether the word is in its name or summary), not on the filters, so the word's
//! services in score order are made once, by the first such search, and kept with the snapshot.
//! The filters then only skip, and with no city chosen the first service met of each name group
//! is the one the line shows. Scoring every match stays the way for everything else (several
//! words, typos, other orders), and is what the tests compare this with.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock},
};

use crate::{facets::Counts, index::FREE, index::Snapshot, memory::Heap, slots::SlotSet};

/// What the words kept in order may take, in slots per service of the snapshot (each word holds
/// one `u32` per service having it): a request naming one common word after another cannot grow
/// the snapshot past four times its slots; words past that are scored as any other query.
const SLOTS_KEPT_PER_SERVICE: usize = 4;

/// The common words ranked so far in one snapshot, and the services of each name group.
#[derive(Default)]
pub(crate) struct Ranked {
    words: Mutex<HashMap<String, Arc<RankedWord>>>,
    groups: OnceLock<Groups>,
}

/// The services having one common word.
pub(crate) struct RankedWord {
    /// Their slots, best first.
    pub order: Vec<u32>,
    /// How many they are, in how many name groups, and the facet counts: what a search for the
    /// word with no filter shows.
    pub services: u64,
    pub lines: u64,
    pub counts: Counts,
}

impl Heap for Ranked {
    fn heap(&self) -> usize {
        let words = self.words.lock().unwrap_or_else(|e| e.into_inner());
        let groups = self.groups.get().map_or(0, |g| g.of_slot.heap() + g.starts.heap() + g.members.heap());
        groups + words.iter().map(|(stem, word)| stem.heap() + word.order.heap()).sum::<usize>()
    }
}

impl Ranked {
    /// The services having `stem`, if a search has already put them in order.
    pub(crate) fn word(&self, stem: &str) -> Option<Arc<RankedWord>> {
        self.words.lock().unwrap_or_else(|e| e.into_inner()).get(stem).cloned()
    }

    /// Whether a word having `services` services still fits the budget of a snapshot of `slots`.
    pub(crate) fn has_room(&self, services: usize, slots: usize) -> bool {
        let words = self.words.lock().unwrap_or_else(|e| e.into_inner());
        words.values().map(|w| w.order.len()).sum::<usize>() + services <= SLOTS_KEPT_PER_SERVICE * slots
    }

    /// Keeps `stem`'s services.
    pub(crate) fn keep(&self, stem: &str, word: RankedWord) -> Arc<RankedWord> {
        let word = Arc::new(word);
        let mut words = self.words.lock().unwrap_or_else(|e| e.into_inner());
        words.entry(stem.to_owned()).or_insert_with(|| word.clone()).clone()
    }

    pub(crate) fn groups(&self, snap: &Snapshot) -> &Groups {
        self.groups.get_or_init(|| Groups::new(snap))
    }
}

/// The name group of each slot holding a service, and the slots of each group in ascending order.
pub(crate) struct Groups {
    /// [`Groups::NONE`] for a free slot or one without an entry.
    of_slot: Vec<u32>,
    /// The members of group `g` are `members[starts[g]..starts[g + 1]]`.
    starts: Vec<u32>,
    members: Vec<u32>,
    count: usize,
}

impl Groups {
    const NONE: u32 = u32::MAX;

    fn new(snap: &Snapshot) -> Self {
        let count = snap.groups;
        let of_slot: Vec<u32> = snap
            .slots
            .iter()
            .enumerate()
            .map(|(s, slot)| {
                let held = slot.id != FREE && snap.entries.get(s).is_some_and(Option::is_some);
                if held { slot.group } else { Self::NONE }
            })
            .collect();
        let mut starts = vec![0u32; count + 1];
        for &g in &of_slot {
            if (g as usize) < count {
                starts[g as usize + 1] += 1;
            }
        }
        for g in 0..count {
            starts[g + 1] += starts[g];
        }
        let mut next = starts.clone();
        let mut members = vec![0u32; starts[count] as usize];
        for (slot, &g) in of_slot.iter().enumerate() {
            if (g as usize) < count {
                members[next[g as usize] as usize] = slot as u32;
                next[g as usize] += 1;
            }
        }
        Groups { of_slot, starts, members, count }
    }

    /// The group of `slot`, if it is one of the snapshot's (a service outside every group is a
    /// line of its own).
    pub(crate) fn of(&self, slot: u32) -> Option<u32> {
        self.of_slot.get(slot as usize).copied().filter(|&g| (g as usize) < self.count)
    }

    /// The services of group `g`, ascending.
    pub(crate) fn members(&self, g: u32) -> &[u32] {
        let (from, to) = (self.starts[g as usize] as usize, self.starts[g as usize + 1] as usize);
        &self.members[from..to]
    }

    /// How many services of `kept` hold an entry, and how many lines they make when each name
    /// group is one line.
    pub(crate) fn count(&self, kept: &SlotSet) -> (u64, u64) {
        let mut seen = SlotSet::empty(self.count);
        let (mut services, mut lines) = (0, 0);
        for slot in kept.iter() {
            match self.of_slot.get(slot as usize).copied().unwrap_or(Self::NONE) {
                Self::NONE => continue,
                g if (g as usize) < self.count => {
                    if !seen.contains(g) {
                        seen.insert(g);
                        lines += 1;
                    }
                }
                _ => lines += 1,
            }
            services += 1;
        }
        (services, lines)
    }

    /// A set able to hold every group, for marking those met.
    pub(crate) fn none_seen(&self) -> SlotSet {
        SlotSet::empty(self.count)
    }
}
