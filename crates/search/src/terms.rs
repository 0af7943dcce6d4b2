//! The words of services as slot sets, read out of tantivy's postings once per snapshot.
//!
//! Most searches are made of common words («поддержка», «семьи», «ребенок»), each in tens of
//! thousands of services. Walking and intersecting those posting lists was half the time of a
//! search; a word in at least [`DENSE_SHARE`]th of the services is therefore kept as a
//! [`SlotSet`], and a search intersects sets instead. Rarer words are read from tantivy as they
//! are asked for, which costs little because their lists are short.

use std::collections::HashMap;

use tantivy::{
    DocSet, Score, Searcher, TERMINATED,
    query::{EnableScoring, Query},
    schema::{Field, IndexRecordOption},
};

use crate::{
    index::{KEY_BITS, KEY_MASK, Kind, SearchError},
    slots::SlotSet,
};

/// A word is kept as a set when at least one service in this many has it.
const DENSE_SHARE: usize = 32;
/// BM25's parameters, as tantivy has them.
const K1: f32 = 1.2;
const B: f32 = 0.75;

/// The common words of services and what ranking needs of each service's text.
#[derive(Debug, Default)]
pub(crate) struct ServiceWords {
    dense: HashMap<String, SlotSet>,
    /// BM25's length factor of each slot's text: shorter texts rank higher.
    pub norms: Vec<f32>,
}

impl crate::memory::Heap for ServiceWords {
    fn heap(&self) -> usize {
        self.dense.heap() + self.norms.heap()
    }
}

impl ServiceWords {
    /// Reads the common words of `field` (which holds only services) and the text lengths.
    pub(crate) fn build(searcher: &Searcher, field: Field, keys: &[Vec<u64>], slots: usize) -> Result<Self, SearchError> {
        let mut frequency: HashMap<Vec<u8>, u32> = HashMap::new();
        for segment in searcher.segment_readers() {
            let inverted = segment.inverted_index(field)?;
            let mut terms = inverted.terms().stream()?;
            while terms.advance() {
                *frequency.entry(terms.key().to_vec()).or_default() += terms.value().doc_freq;
            }
        }
        let threshold = u32::try_from((slots / DENSE_SHARE).max(1)).unwrap_or(u32::MAX);
        let mut dense: HashMap<String, SlotSet> = frequency
            .into_iter()
            .filter(|(_, n)| *n >= threshold)
            .filter_map(|(word, _)| String::from_utf8(word).ok())
            .map(|word| (word, SlotSet::empty(slots)))
            .collect();
        let mut lengths = vec![0u32; slots];
        for (segment, keys) in searcher.segment_readers().iter().zip(keys) {
            let alive = segment.alive_bitset();
            let slot_of = |doc: u32| {
                alive
                    .is_none_or(|a| a.is_alive(doc))
                    .then(|| keys.get(doc as usize).copied())
                    .flatten()
                    .filter(|key| Kind::from_u64(key >> KEY_BITS) == Some(Kind::Service))
                    .map(|key| (key & KEY_MASK) as u32)
            };
            let fieldnorms = segment.get_fieldnorms_reader(field)?;
            for doc in 0..segment.max_doc() {
                if let Some(length) = slot_of(doc).and_then(|slot| lengths.get_mut(slot as usize)) {
                    *length = fieldnorms.fieldnorm(doc);
                }
            }
            let inverted = segment.inverted_index(field)?;
            let mut terms = inverted.terms().stream()?;
            while terms.advance() {
                let Some(set) = std::str::from_utf8(terms.key()).ok().and_then(|word| dense.get_mut(word)) else { continue };
                let mut postings = inverted.read_block_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)?;
                while !postings.docs().is_empty() {
                    postings.docs().iter().filter_map(|&doc| slot_of(doc)).for_each(|slot| set.insert(slot));
                    postings.advance();
                }
            }
        }
        let counted: Vec<f32> = lengths.iter().filter(|&&l| l > 0).map(|&l| l as f32).collect();
        let average = if counted.is_empty() { 1.0 } else { counted.iter().sum::<f32>() / counted.len() as f32 };
        let norms = lengths.iter().map(|&l| (K1 + 1.0) / (1.0 + K1 * (1.0 - B + B * l as f32 / average))).collect();
        Ok(ServiceWords { dense, norms })
    }

    /// The services having the common word `stem`, if it is one.
    pub(crate) fn dense(&self, stem: &str) -> Option<&SlotSet> {
        self.dense.get(stem)
    }
}

/// Visits every live match of `query` with its `key` and a way to score it (BM25 is prepared
/// only if `scored`).
pub(crate) fn each_match(
    searcher: &Searcher,
    keys: &[Vec<u64>],
    query: &dyn Query,
    scored: bool,
    mut visit: impl FnMut(u64, &mut dyn FnMut() -> Score),
) -> Result<(), SearchError> {
    let scoring = if scored { EnableScoring::enabled_from_searcher(searcher) } else { EnableScoring::disabled_from_searcher(searcher) };
    let weight = query.weight(scoring)?;
    debug_assert_eq!(searcher.segment_readers().len(), keys.len(), "keys are read from the snapshot's own searcher");
    for (segment, keys) in searcher.segment_readers().iter().zip(keys) {
        let alive = segment.alive_bitset();
        let mut scorer = weight.scorer(segment, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc))
                && let Some(&key) = keys.get(doc as usize)
            {
                visit(key, &mut || scorer.score());
            }
            doc = scorer.advance();
        }
    }
    Ok(())
}

/// The services matching `query` (over the services' field), read from tantivy.
pub(crate) fn matching(searcher: &Searcher, query: &dyn Query, keys: &[Vec<u64>], slots: usize) -> Result<SlotSet, SearchError> {
    let mut set = SlotSet::empty(slots);
    each_match(searcher, keys, query, false, |key, _| {
        if Kind::from_u64(key >> KEY_BITS) == Some(Kind::Service) {
            set.insert((key & KEY_MASK) as u32);
        }
    })?;
    Ok(set)
}

/// BM25's rarity weight of a word (or a group of words) found in `n` of `total` services.
pub(crate) fn idf(n: usize, total: usize) -> f32 {
    let (n, total) = (n as f32, total as f32);
    (1.0 + (total - n + 0.5) / (n + 0.5)).ln()
}
