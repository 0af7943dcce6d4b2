//! Russian text normalisation for matching: case folding, ё→е, and a light suffix stripper.
//!
//! The catalogue's `q` filter uses it until the full-text index (crates/search) takes over; the
//! stripper is deliberately crude (it only has to make «пособия» meet «пособие»), and the same
//! function runs when a record is stored and when a query arrives, so both sides agree.

/// Lowercases and replaces ё with е, keeping letters, digits and single spaces.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.chars().flat_map(char::to_lowercase) {
        let c = if c == 'ё' { 'е' } else { c };
        if c.is_alphanumeric() {
            out.push(c);
            last_space = false;
        } else if !last_space {
            out.push(' ');
            last_space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Common Russian inflectional endings, longest first.
const ENDINGS: &[&str] = &[
    "иями", "ями", "ами", "ого", "его", "ому", "ему", "ыми", "ими", "иях", "ией", "ов", "ев", "ей", "ам", "ям", "ах", "ях", "ым", "им",
    "ых", "их", "ой", "ий", "ый", "ая", "яя", "ое", "ее", "ые", "ие", "ую", "юю", "ом", "ем", "ия", "ию", "а", "я", "о", "е", "ы", "и",
    "у", "ю", "ь", "й",
];

/// Strips one inflectional ending from a folded word, keeping at least four letters.
pub fn stem(word: &str) -> &str {
    for ending in ENDINGS {
        if let Some(base) = word.strip_suffix(ending)
            && base.chars().count() >= 4
        {
            return base;
        }
    }
    word
}

/// The stems of a query's words, for `LIKE '%stem%'` matching.
pub fn query_stems(query: &str) -> Vec<String> {
    fold(query).split(' ').filter(|w| !w.is_empty()).map(|w| stem(w).to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_yo_and_punctuation() {
        assert_eq!(fold("  Ребёнок-инвалид, ПОСОБИЕ!  "), "ребенок инвалид пособие");
    }

    #[test]
    fn inflected_forms_share_a_stem() {
        let stems: Vec<_> = ["пособие", "пособия", "пособиями", "пособий"].iter().map(|w| stem(w)).collect();
        assert!(stems.iter().all(|s| "пособие".starts_with(s)), "{stems:?}");
        assert_eq!(stem("многодетным"), "многодетн");
        assert!("многодетных".starts_with(stem("многодетным")));
    }

    #[test]
    fn short_words_are_kept_whole() {
        assert_eq!(stem("мсэ"), "мсэ");
        assert_eq!(stem("тср"), "тср");
    }
}
