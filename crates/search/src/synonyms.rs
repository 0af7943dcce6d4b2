//! Abbreviations and synonyms (ОВЗ, ТСР, МСЭ …), kept as data in `data/synonyms.txt`.
//!
//! They are applied when a record is indexed: a text that says «ТСР» also gets the words of
//! «технические средства реабилитации», and the other way round, so a query with either form
//! finds both and queries stay simple and fast.

use std::collections::{HashMap, HashSet};

use tantivy::tokenizer::TextAnalyzer;

use crate::analyzer::{Word, words};

const DATA: &str = include_str!("../data/synonyms.txt");

/// One way of saying something: its text and the stems it is made of.
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    pub text: String,
    pub stems: Vec<String>,
}

/// All synonym groups, with a lookup by the first stem of each variant.
pub(crate) struct Synonyms {
    pub groups: Vec<Vec<Variant>>,
    by_first_stem: HashMap<String, Vec<(usize, usize)>>,
}

impl Synonyms {
    pub(crate) fn load(analyzer: &mut TextAnalyzer) -> Self {
        let groups: Vec<Vec<Variant>> = DATA
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(|line| {
                line.split('=')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(|text| Variant { text: text.to_owned(), stems: words(analyzer, text).into_iter().map(|w| w.stem).collect() })
                    .filter(|v| !v.stems.is_empty())
                    .collect()
            })
            .filter(|group: &Vec<Variant>| group.len() > 1)
            .collect();
        let mut by_first_stem: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (g, group) in groups.iter().enumerate() {
            for (v, variant) in group.iter().enumerate() {
                by_first_stem.entry(variant.stems[0].clone()).or_default().push((g, v));
            }
        }
        Synonyms { groups, by_first_stem }
    }

    /// The groups any of whose variants occurs in the word sequence.
    pub(crate) fn groups_in(&self, words: &[Word]) -> Vec<usize> {
        let mut found = Vec::new();
        for (i, word) in words.iter().enumerate() {
            for &(g, v) in self.by_first_stem.get(&word.stem).into_iter().flatten() {
                let stems = &self.groups[g][v].stems;
                let matches = stems.iter().enumerate().all(|(k, stem)| words.get(i + k).is_some_and(|w| &w.stem == stem));
                if matches && !found.contains(&g) {
                    found.push(g);
                }
            }
        }
        found
    }

    /// The text to add to a record so that every variant of the groups it mentions matches it.
    pub(crate) fn expansion(&self, words: &[Word]) -> String {
        let mut out = String::new();
        for g in self.groups_in(words) {
            for variant in &self.groups[g] {
                out.push_str(&variant.text);
                out.push(' ');
            }
        }
        out
    }

    /// The stems of a text's words and of every variant of the groups it mentions.
    pub(crate) fn stems_with_synonyms(&self, analyzer: &mut TextAnalyzer, text: &str) -> HashSet<String> {
        let found = words(analyzer, text);
        let related = self.related_stems(&found);
        found.into_iter().map(|w| w.stem).chain(related).collect()
    }

    /// Every stem of every variant of the groups the query mentions: highlighted in snippets.
    pub(crate) fn related_stems(&self, words: &[Word]) -> Vec<String> {
        self.groups_in(words).into_iter().flat_map(|g| self.groups[g].iter().flat_map(|v| v.stems.clone())).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyzer::russian;

    #[test]
    fn the_data_file_parses_into_groups_of_at_least_two() {
        let synonyms = Synonyms::load(&mut russian());
        assert!(synonyms.groups.len() >= 20);
        for abbreviation in ["ОВЗ", "ТСР", "МСЭ", "ИПРА", "КЦСОН", "СФР", "МФЦ", "ТЖС", "СВО"] {
            assert!(synonyms.groups.iter().any(|g| g.iter().any(|v| v.text == abbreviation)), "{abbreviation} is missing");
        }
    }

    #[test]
    fn an_abbreviation_expands_to_the_full_form_and_back() {
        let mut analyzer = russian();
        let synonyms = Synonyms::load(&mut analyzer);
        let short = synonyms.expansion(&words(&mut analyzer, "Выдача ТСР бесплатно"));
        assert!(short.contains("технические средства реабилитации"), "{short}");
        let long = synonyms.expansion(&words(&mut analyzer, "обеспечение техническими средствами реабилитации"));
        assert!(long.contains("ТСР"), "{long}");
        assert!(synonyms.expansion(&words(&mut analyzer, "средства гигиены")).is_empty());
    }
}
