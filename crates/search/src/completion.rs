//! Autocomplete for the search box: situations, categories, target groups, terms and service
//! names whose words start with what the person has typed so far.
//!
//! A sorted list of (word, phrase) pairs answers a prefix with two binary searches, so a
//! suggestion costs microseconds even with a hundred thousand services.

use std::collections::HashMap;

use socio_domain::{
    api::{Completion, CompletionKind},
    text::fold,
};

use crate::{
    catalogue::Interned,
    index::{ServiceEntry, SituationEntry},
    synonyms::Synonyms,
};

struct Phrase {
    text: String,
    kind: CompletionKind,
    slug: Option<String>,
    words: Vec<String>,
    weight: u64,
}

impl crate::memory::Heap for Phrase {
    fn heap(&self) -> usize {
        self.text.heap() + self.slug.heap() + self.words.heap()
    }
}

impl crate::memory::Heap for Completions {
    fn heap(&self) -> usize {
        self.phrases.heap() + self.words.heap()
    }
}

/// The completion dictionary of one snapshot.
#[derive(Default)]
pub(crate) struct Completions {
    phrases: Vec<Phrase>,
    words: Vec<(String, u32)>,
}

fn rank(kind: CompletionKind) -> u8 {
    match kind {
        CompletionKind::Situation => 0,
        CompletionKind::Category => 1,
        CompletionKind::TargetGroup => 2,
        CompletionKind::Term => 3,
        CompletionKind::Service => 4,
    }
}

impl Completions {
    pub(crate) fn build(
        catalogue: &Interned,
        synonyms: &Synonyms,
        services: &HashMap<i64, std::sync::Arc<ServiceEntry>>,
        situations: &HashMap<i64, std::sync::Arc<SituationEntry>>,
    ) -> Self {
        let mut phrases = Vec::new();
        let mut push = |text: &str, kind, slug: Option<&str>, weight| {
            let words: Vec<String> = fold(text).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect();
            if !words.is_empty() {
                phrases.push(Phrase { text: text.to_owned(), kind, slug: slug.map(str::to_owned), words, weight });
            }
        };
        for s in situations.values() {
            push(&s.summary.title, CompletionKind::Situation, Some(&s.summary.slug), 0);
        }
        let mut per_category = vec![0u64; catalogue.category.values.len()];
        let mut per_group = vec![0u64; catalogue.target_group.values.len()];
        let mut names: HashMap<&str, u64> = HashMap::new();
        for s in services.values() {
            for c in s.filters.categories.iter() {
                per_category[usize::from(c)] += 1;
            }
            for t in s.filters.target_groups.iter() {
                per_group[usize::from(t)] += 1;
            }
            *names.entry(&s.listing.name).or_default() += 1;
        }
        for (i, (slug, name, _)) in catalogue.category.values.iter().enumerate() {
            push(name, CompletionKind::Category, Some(slug), per_category[i]);
        }
        for (i, (slug, name, _)) in catalogue.target_group.values.iter().enumerate() {
            push(name, CompletionKind::TargetGroup, Some(slug), per_group[i]);
        }
        for group in &synonyms.groups {
            let full = group.iter().max_by_key(|v| v.text.len()).map(|v| v.text.as_str()).unwrap_or_default();
            for variant in group {
                let text = if variant.text == full { full.to_owned() } else { format!("{} — {full}", variant.text) };
                push(&text, CompletionKind::Term, None, 0);
            }
        }
        for (name, count) in names {
            push(name, CompletionKind::Service, None, count);
        }
        let mut words: Vec<(String, u32)> = phrases
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.words.iter().map(move |w| (w.clone(), u32::try_from(i).unwrap_or(u32::MAX))))
            .collect();
        words.sort_unstable();
        words.dedup();
        Completions { phrases, words }
    }

    /// Up to `limit` completions of `query`: every typed word must begin a word of the phrase.
    pub(crate) fn complete(&self, query: &str, limit: usize) -> Vec<Completion> {
        let typed: Vec<String> = fold(query).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect();
        let Some(last) = typed.last() else { return Vec::new() };
        let start = self.words.partition_point(|(w, _)| w.as_str() < last.as_str());
        let mut candidates: Vec<u32> =
            self.words[start..].iter().take_while(|(w, _)| w.starts_with(last.as_str())).map(|&(_, phrase)| phrase).collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut found: Vec<&Phrase> = candidates
            .into_iter()
            .filter_map(|i| self.phrases.get(i as usize))
            .filter(|p| typed.iter().all(|t| p.words.iter().any(|w| w.starts_with(t.as_str()))))
            .collect();
        found.sort_by(|a, b| {
            rank(a.kind).cmp(&rank(b.kind)).then(b.weight.cmp(&a.weight)).then(a.text.len().cmp(&b.text.len())).then(a.text.cmp(&b.text))
        });
        let mut seen = Vec::new();
        found
            .into_iter()
            .filter(|p| {
                let key = fold(&p.text);
                let fresh = !seen.contains(&key);
                seen.push(key);
                fresh
            })
            .take(limit)
            .map(|p| Completion { text: p.text.clone(), kind: p.kind, slug: p.slug.clone() })
            .collect()
    }
}
