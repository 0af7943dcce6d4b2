//! Slugs: the stable, human-readable keys of records in URLs (`/services/{slug}`).
//!
//! Parsed once at the edge so nothing downstream has to wonder whether a key is safe to put in a
//! URL or a query.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest slug we accept; keeps URLs short and indexes small.
pub const MAX_SLUG_LEN: usize = 120;

/// A lowercase latin key: letters, digits and single hyphens, not starting or ending with one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

/// Why a string is not a slug.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugError {
    #[error("пустое значение")]
    Empty,
    #[error("длиннее {MAX_SLUG_LEN} символов")]
    TooLong,
    #[error("допустимы только строчные латинские буквы, цифры и дефис")]
    InvalidCharacter,
    #[error("дефис не может стоять в начале, в конце или дважды подряд")]
    MisplacedHyphen,
    #[error("идентификатор — число от 1 до 9223372036854775807")]
    IdOutOfRange,
}

impl Slug {
    /// Parses a slug, rejecting anything that is not `[a-z0-9]+(-[a-z0-9]+)*`.
    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        if raw.is_empty() {
            return Err(SlugError::Empty);
        }
        if raw.len() > MAX_SLUG_LEN {
            return Err(SlugError::TooLong);
        }
        if !raw.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            return Err(SlugError::InvalidCharacter);
        }
        if raw.starts_with('-') || raw.ends_with('-') || raw.contains("--") {
            return Err(SlugError::MisplacedHyphen);
        }
        Ok(Self(raw.to_owned()))
    }

    /// The slug as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Slug {
    /// A slug for a new record from its Russian title: transliterated (ГОСТ 7.79-2000 system
    /// Б, simplified), lowercased, words joined by hyphens, at most 60 characters; `fallback`
    /// when nothing latin remains.
    pub fn from_title(title: &str, fallback: &str) -> Self {
        let mut out = String::new();
        for c in title.chars().flat_map(char::to_lowercase) {
            let latin = match c {
                'а' => "a",
                'б' => "b",
                'в' => "v",
                'г' => "g",
                'д' => "d",
                'е' | 'ё' | 'э' => "e",
                'ж' => "zh",
                'з' => "z",
                'и' => "i",
                'й' => "y",
                'к' => "k",
                'л' => "l",
                'м' => "m",
                'н' => "n",
                'о' => "o",
                'п' => "p",
                'р' => "r",
                'с' => "s",
                'т' => "t",
                'у' => "u",
                'ф' => "f",
                'х' => "kh",
                'ц' => "ts",
                'ч' => "ch",
                'ш' => "sh",
                'щ' => "shch",
                'ы' => "y",
                'ю' => "yu",
                'я' => "ya",
                'ъ' | 'ь' => "",
                c if c.is_ascii_alphanumeric() => {
                    out.push(c);
                    continue;
                }
                _ => "-",
            };
            out.push_str(latin);
        }
        let mut slug = String::with_capacity(out.len());
        for part in out.split('-').filter(|p| !p.is_empty()) {
            if slug.len() + part.len() + 1 > 60 {
                break;
            }
            if !slug.is_empty() {
                slug.push('-');
            }
            slug.push_str(part);
        }
        Slug::parse(&slug).or_else(|_| Slug::parse(fallback)).unwrap_or_else(|_| Slug("record".to_owned()))
    }
}

impl TryFrom<String> for Slug {
    type Error = SlugError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Slug> for String {
    fn from(value: Slug) -> Self {
        value.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A path key that names a record either by its numeric id or by its slug.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdOrSlug {
    Id(i64),
    Slug(Slug),
}

impl IdOrSlug {
    /// Digits only means an id; anything else must be a valid slug.
    pub fn parse(raw: &str) -> Result<Self, SlugError> {
        if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
            return raw.parse::<i64>().ok().filter(|id| *id > 0).map(Self::Id).ok_or(SlugError::IdOutOfRange);
        }
        Slug::parse(raw).map(Self::Slug)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_latin_with_hyphens() {
        assert_eq!(Slug::parse("kamensk-uralsky").map(|s| s.to_string()), Ok("kamensk-uralsky".into()));
        assert!(Slug::parse("usp-17").is_ok());
    }

    #[test]
    fn rejects_everything_else() {
        for (raw, err) in [
            ("", SlugError::Empty),
            ("Serov", SlugError::InvalidCharacter),
            ("серов", SlugError::InvalidCharacter),
            ("a b", SlugError::InvalidCharacter),
            ("-serov", SlugError::MisplacedHyphen),
            ("serov-", SlugError::MisplacedHyphen),
            ("a--b", SlugError::MisplacedHyphen),
        ] {
            assert_eq!(Slug::parse(raw), Err(err), "{raw:?}");
        }
        assert_eq!(Slug::parse(&"a".repeat(MAX_SLUG_LEN + 1)), Err(SlugError::TooLong));
    }

    #[test]
    fn titles_are_transliterated() {
        assert_eq!(Slug::from_title("Прокат колясок в Серове!", "service").as_str(), "prokat-kolyasok-v-serove");
        assert_eq!(Slug::from_title("«Ёлка» — 2027", "service").as_str(), "elka-2027");
        assert_eq!(Slug::from_title("…", "service-7").as_str(), "service-7");
        assert!(Slug::from_title(&"очень длинное название ".repeat(10), "x").as_str().len() <= 60);
    }

    #[test]
    fn id_or_slug_tells_them_apart() {
        assert_eq!(IdOrSlug::parse("42"), Ok(IdOrSlug::Id(42)));
        assert!(matches!(IdOrSlug::parse("kcson-42"), Ok(IdOrSlug::Slug(_))));
        assert!(IdOrSlug::parse("0").is_err());
        assert!(IdOrSlug::parse("99999999999999999999999").is_err());
        assert!(IdOrSlug::parse("услуга").is_err());
    }
}
