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

/// A value as quoted back in an error message: at most 40 characters, then «…», so that an
/// error about a long value is not itself long.
pub fn echoed(value: &str) -> String {
    const SHOWN: usize = 40;
    match value.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

/// A citizen's free text with what could identify a person replaced by a mark: e-mail addresses
/// and numbers of seven digits or more (a phone, СНИЛС, a passport), written with or without
/// spaces, dashes, dots, brackets or `+`. Shorter numbers stay: a house, a room, hours
/// («с 9.00 до 18.00»), an age. Reports are stored in this form: they reach partners and
/// moderators, who need the problem, not the person.
pub fn scrubbed(text: &str) -> String {
    // Each piece is a word with the whitespace after it (a line break too), kept as written.
    let text: String = text
        .split_inclusive(char::is_whitespace)
        .map(|piece| {
            let core = piece.trim_matches(|c: char| !c.is_alphanumeric());
            match core.split_once('@') {
                Some((user, domain)) if !user.is_empty() && domain.contains('.') => piece.replace(core, "[почта скрыта]"),
                _ => piece.to_owned(),
            }
        })
        .collect();
    // Digits with what people write between them, across spaces and line breaks.
    let is_number_part = |c: char| c.is_ascii_digit() || c.is_whitespace() || "+-().".contains(c);
    let starts = |c: char| c.is_ascii_digit() || c == '+';
    each_number(&text, starts, is_number_part, |number, kept| {
        if digits(number) >= 7 {
            // Keep what follows the last digit: «звоните 8 912 000-00-00 вечером».
            let trimmed = number.trim_end_matches(|c: char| !c.is_ascii_digit());
            kept.push_str("[номер скрыт]");
            kept.push_str(&number[trimmed.len()..]);
        } else {
            kept.push_str(number);
        }
    })
}

fn digits(number: &str) -> usize {
    number.chars().filter(char::is_ascii_digit).count()
}

/// `text` with each run that begins where `starts` and goes on while `is_part` written by
/// `write` in its place (the rest copied as it is).
fn each_number(
    text: &str,
    starts: impl Fn(char) -> bool,
    is_part: impl Fn(char) -> bool,
    mut write: impl FnMut(&str, &mut String),
) -> String {
    let mut kept = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(&starts) {
        let (before, from) = rest.split_at(start);
        let end = from.find(|c: char| !is_part(c)).unwrap_or(from.len());
        let (number, after) = from.split_at(end);
        kept.push_str(before);
        write(number, &mut kept);
        rest = after;
    }
    kept.push_str(rest);
    kept
}

/// The folded query without what could identify a person: words with an `@` (e-mail) and runs
/// of digits and separators holding three or more digits (phone, СНИЛС, passport, date of birth)
/// are dropped; short numbers such as an age («пособие до 3 лет») stay. Unmet searches are kept
/// in this form.
pub fn anonymised(query: &str) -> String {
    let is_number_part = |c: char| c.is_ascii_digit() || " +-().,/".contains(c);
    let kept = each_number(
        query,
        |c| c.is_ascii_digit(),
        is_number_part,
        |number, kept| {
            kept.push(' ');
            if digits(number) < 3 {
                kept.push_str(number);
            }
        },
    );
    let words: Vec<&str> = kept.split_whitespace().filter(|word| !word.contains('@')).collect();
    fold(&words.join(" "))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbing_hides_phones_and_emails_and_keeps_the_rest() {
        assert_eq!(scrubbed("Звонила на +7 (343) 123-45-67, не отвечают"), "Звонила на [номер скрыт], не отвечают");
        assert_eq!(scrubbed("мой номер 89120000000 звоните"), "мой номер [номер скрыт] звоните");
        assert_eq!(scrubbed("пишите ivan.petrov@mail.ru."), "пишите [почта скрыта].");
        assert_eq!(scrubbed("СНИЛС 123-456-789 01"), "СНИЛС [номер скрыт]");
        assert_eq!(
            scrubbed("Переехали на Ленина, 12, каб. 305; часы с 9.00 до 18.00, ребёнку 3 года"),
            "Переехали на Ленина, 12, каб. 305; часы с 9.00 до 18.00, ребёнку 3 года"
        );
        assert_eq!(scrubbed("кабинет @ 2 этаж"), "кабинет @ 2 этаж", "a lone @ is not an address");
        assert_eq!(
            scrubbed("Закрыто.\nпишите ivan@mail.ru\n8 912\n000-00-00\nспасибо"),
            "Закрыто.\nпишите [почта скрыта]\n[номер скрыт]\nспасибо",
            "line breaks are kept and do not split a number"
        );
    }

    #[test]
    fn long_values_are_echoed_shortened() {
        assert_eq!(echoed("cheap"), "cheap");
        assert_eq!(echoed(&"я".repeat(40)), "я".repeat(40));
        assert_eq!(echoed(&"я".repeat(2000)), format!("{}…", "я".repeat(40)));
    }

    #[test]
    fn folds_case_yo_and_punctuation() {
        assert_eq!(fold("  Ребёнок-инвалид, ПОСОБИЕ!  "), "ребенок инвалид пособие");
    }

    #[test]
    fn anonymised_queries_keep_words_and_drop_contacts_and_numbers() {
        assert_eq!(anonymised("Пособие до 3 лет"), "пособие до 3 лет");
        assert_eq!(anonymised("юрист +7 (912) 345-67-89 ivan@mail.ru"), "юрист");
        assert_eq!(anonymised("СНИЛС 123-456-789 01 справка"), "снилс справка");
        assert_eq!(anonymised("пенсия4000"), "пенсия");
        assert_eq!(anonymised("12.03.1961"), "");
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
