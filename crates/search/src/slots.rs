//! Sets of services as bits over their slots: what matches a word, a filter value or a whole
//! query. Intersecting two of them for 100 000 services is 1 563 word ANDs, far less than
//! walking two posting lists of tens of thousands of documents each.

/// A set of slots, one bit each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SlotSet(Vec<u64>);

impl SlotSet {
    /// An empty set able to hold slots `0..len`.
    pub(crate) fn empty(len: usize) -> Self {
        SlotSet(vec![0; len.div_ceil(64)])
    }

    /// Slots `0..len` whose word `keep` says so, built one slot at a time.
    pub(crate) fn from_fn(len: usize, mut keep: impl FnMut(usize) -> bool) -> Self {
        let mut set = SlotSet::empty(len);
        for slot in (0..len).filter(|&s| keep(s)) {
            set.0[slot / 64] |= 1 << (slot % 64);
        }
        set
    }

    pub(crate) fn insert(&mut self, slot: u32) {
        let word = slot as usize / 64;
        if word >= self.0.len() {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << (slot % 64);
    }

    pub(crate) fn contains(&self, slot: u32) -> bool {
        self.0.get(slot as usize / 64).is_some_and(|w| w >> (slot % 64) & 1 == 1)
    }

    /// Keeps only the slots also in `other`.
    pub(crate) fn intersect(&mut self, other: &SlotSet) {
        for (i, w) in self.0.iter_mut().enumerate() {
            *w &= other.0.get(i).copied().unwrap_or(0);
        }
    }

    /// Adds the slots of `other`.
    pub(crate) fn unite(&mut self, other: &SlotSet) {
        if other.0.len() > self.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (w, o) in self.0.iter_mut().zip(&other.0) {
            *w |= o;
        }
    }

    /// How many slots the set holds.
    pub(crate) fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// How many slots are in both sets, without building the intersection.
    pub(crate) fn common(&self, other: &SlotSet) -> u64 {
        self.0.iter().zip(&other.0).map(|(a, b)| u64::from((a & b).count_ones())).sum()
    }

    /// Words of 64 slots: what one intersection or count costs.
    pub(crate) fn words(&self) -> usize {
        self.0.len()
    }

    /// The slots in ascending order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().enumerate().flat_map(|(i, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                Some(i as u32 * 64 + bit)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(slots: &[u32]) -> SlotSet {
        let mut s = SlotSet::empty(200);
        slots.iter().for_each(|&x| s.insert(x));
        s
    }

    #[test]
    fn set_algebra_matches_the_slots_put_in() {
        let (a, b) = (set(&[0, 5, 63, 64, 130, 199]), set(&[5, 64, 100, 199]));
        assert_eq!(a.iter().collect::<Vec<_>>(), [0, 5, 63, 64, 130, 199]);
        assert_eq!((a.len(), b.len(), a.common(&b)), (6, 4, 3));
        let mut both = a.clone();
        both.intersect(&b);
        assert_eq!(both.iter().collect::<Vec<_>>(), [5, 64, 199]);
        let mut either = a.clone();
        either.unite(&b);
        assert_eq!(either.iter().collect::<Vec<_>>(), [0, 5, 63, 64, 100, 130, 199]);
        assert!(a.contains(130) && !a.contains(131) && !a.contains(10_000));
        assert_eq!(SlotSet::from_fn(130, |s| s % 64 == 0).iter().collect::<Vec<_>>(), [0, 64, 128]);
    }

    #[test]
    fn a_slot_past_the_end_grows_the_set() {
        let mut s = SlotSet::empty(10);
        s.insert(300);
        assert!(s.contains(300));
        assert_eq!(s.len(), 1);
    }
}
