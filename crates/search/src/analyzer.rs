//! The Russian analyzer: words, lowercase, ё→е, Snowball stems. Records and queries go through
//! the same function, so «пособия», «пособие» and «пособиями» meet on one stem.

use tantivy::tokenizer::{Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer, TokenStream};

/// The name the analyzer is registered under in the index.
pub(crate) const ANALYZER: &str = "ru_stem";

/// Words that carry no meaning in a query («для», «и», «в»): a search for «логопед для ребёнка»
/// must not require «для» in the text.
const STOP_WORDS: &[&str] = &[
    "а",
    "без",
    "в",
    "во",
    "где",
    "да",
    "для",
    "до",
    "же",
    "за",
    "и",
    "из",
    "или",
    "как",
    "к",
    "ко",
    "ли",
    "мне",
    "на",
    "над",
    "не",
    "нет",
    "но",
    "о",
    "об",
    "от",
    "по",
    "под",
    "при",
    "про",
    "с",
    "со",
    "у",
    "что",
    "чтобы",
    "это",
    "я",
];

/// The forms of «свой», left out of records and queries alike: their stem «сво» is the stem of
/// «СВО» (специальная военная операция), and «своего дела» must not answer a search for it.
const OWN: &[&str] = &["свой", "своя", "свое", "свои", "своего", "своей", "своему", "своим", "своих", "свою", "своими", "своем"];

pub(crate) fn russian() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(OWN.iter().map(|w| (*w).to_owned())))
        .filter(Stemmer::new(Language::Russian))
        .build()
}

/// ё→е keeps byte offsets (both letters take two bytes in UTF-8), so offsets into the prepared
/// text are offsets into the original.
pub(crate) fn prepare(text: &str) -> String {
    text.replace('ё', "е").replace('Ё', "Е")
}

/// A word of a text: where it is, how it was written (lowercased) and its stem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub from: usize,
    pub to: usize,
    pub lower: String,
    pub stem: String,
}

/// The words of `text` with their stems.
pub(crate) fn words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Word> {
    let prepared = prepare(text);
    let mut stream = analyzer.token_stream(&prepared);
    let mut out = Vec::new();
    while stream.advance() {
        let token = stream.token();
        let lower = prepared.get(token.offset_from..token.offset_to).unwrap_or_default().to_lowercase();
        out.push(Word { from: token.offset_from, to: token.offset_to, lower, stem: token.text.clone() });
    }
    out
}

/// Letters and digits, with a fast path for ASCII and Cyrillic (the general Unicode table
/// lookup dominated snippet building).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || ('\u{0410}'..='\u{044F}').contains(&c) || c == 'ё' || c == 'Ё' || (!c.is_ascii() && c.is_alphanumeric())
}

/// Byte ranges of the runs of letters and digits in `text` (the tokenizer's idea of a word).
pub(crate) fn spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let (from, _) = chars.by_ref().find(|(_, c)| is_word_char(*c))?;
        let mut to = text.len();
        while let Some(&(i, c)) = chars.peek() {
            if !is_word_char(c) {
                to = i;
                break;
            }
            chars.next();
        }
        Some((from, to))
    })
}

/// The meaningful words of a query.
pub(crate) fn query_words(analyzer: &mut TextAnalyzer, query: &str) -> Vec<Word> {
    words(analyzer, query).into_iter().filter(|w| !STOP_WORDS.contains(&w.lower.as_str())).collect()
}

/// Edit distance with adjacent transpositions, giving up above `max`.
pub(crate) fn distance_within(a: &str, b: &str, max: usize) -> Option<usize> {
    if a.chars().count().abs_diff(b.chars().count()) > max {
        return None;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        let mut best = usize::MAX;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1).min(rows[i][j - 1] + 1).min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
            best = best.min(d);
        }
        if best > max {
            return None;
        }
    }
    Some(rows[a.len()][b.len()]).filter(|&d| d <= max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        words(&mut russian(), text).into_iter().map(|w| w.stem).collect()
    }

    #[test]
    fn inflected_forms_share_a_stem() {
        let forms = stems("пособие пособия пособиями пособий");
        assert!(forms.iter().all(|s| s == &forms[0]), "{forms:?}");
        assert_eq!(stems("Многодетным"), stems("многодетных"));
    }

    #[test]
    fn yo_is_e_and_offsets_point_into_the_original() {
        let text = "Ребёнок, ёлка";
        let found = words(&mut russian(), text);
        assert_eq!(found[0].lower, "ребенок");
        assert_eq!(&text[found[1].from..found[1].to], "ёлка");
    }

    #[test]
    fn spans_are_the_words() {
        let text = "ТСР: коляски, ходунки!";
        let found: Vec<&str> = spans(text).map(|(a, b)| &text[a..b]).collect();
        assert_eq!(found, ["ТСР", "коляски", "ходунки"]);
    }

    #[test]
    fn the_forms_of_svoj_are_not_svo() {
        assert_eq!(stems("Помощь в открытии своего дела"), ["помощ", "в", "открыт", "дел"]);
        assert_eq!(stems("СВО"), ["сво"]);
    }

    #[test]
    fn stop_words_are_dropped_from_queries() {
        let found: Vec<String> = query_words(&mut russian(), "логопед для ребенка").into_iter().map(|w| w.lower).collect();
        assert_eq!(found, ["логопед", "ребенка"]);
    }

    #[test]
    fn distance_counts_one_typo_and_transpositions() {
        assert_eq!(distance_within("пенсионерв", "пенсионеров", 2), Some(1));
        assert_eq!(distance_within("пособеи", "пособие", 1), Some(1));
        assert_eq!(distance_within("юрист", "логопед", 2), None);
    }
}
