//! Russian phone numbers.
//!
//! Kept as the organization wrote them (area codes make grouping irregular) but checked to be a
//! real ten-digit Russian number, so the SPA can always build a working `tel:` link.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A Russian phone number: `+7` or `8`, then ten digits, in any common grouping.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

/// Why a string is not a Russian phone number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("допустимы цифры, пробелы, скобки, дефисы и «+» в начале")]
    InvalidCharacter,
    #[error("нужен российский номер: +7 или 8 и ещё 10 цифр")]
    WrongLength,
}

impl Phone {
    /// Parses `+7 (343) 000-01-23`, `8 800 000 01 23`, `+73430000123`.
    pub fn parse(raw: &str) -> Result<Self, PhoneError> {
        let trimmed = raw.trim();
        let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
        if !body.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '(' | ')' | '-')) {
            return Err(PhoneError::InvalidCharacter);
        }
        let digits: String = body.chars().filter(char::is_ascii_digit).collect();
        let plus = trimmed.starts_with('+');
        let valid =
            digits.len() == 11 && ((plus && digits.starts_with('7')) || (!plus && (digits.starts_with('8') || digits.starts_with('7'))));
        if valid { Ok(Self(trimmed.to_owned())) } else { Err(PhoneError::WrongLength) }
    }

    /// The number as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `tel:+7XXXXXXXXXX`, for a «Позвонить» link.
    pub fn tel_uri(&self) -> String {
        let digits: String = self.0.chars().filter(char::is_ascii_digit).collect();
        format!("tel:+7{}", &digits[1..])
    }
}

impl TryFrom<String> for Phone {
    type Error = PhoneError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Phone> for String {
    fn from(value: Phone) -> Self {
        value.0
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_groupings_parse_to_the_same_tel_link() {
        for raw in ["+7 (343) 000-01-23", "8 343 000 01 23", "+73430000123", "8(343)0000123"] {
            assert_eq!(Phone::parse(raw).map(|p| p.tel_uri()), Ok("tel:+73430000123".to_owned()), "{raw}");
        }
    }

    #[test]
    fn non_russian_or_short_numbers_are_rejected() {
        assert_eq!(Phone::parse("+1 (343) 000-01-23"), Err(PhoneError::WrongLength));
        assert_eq!(Phone::parse("000-01-23"), Err(PhoneError::WrongLength));
        assert_eq!(Phone::parse("+7 343 000 01 23 доб. 5"), Err(PhoneError::InvalidCharacter));
    }
}
