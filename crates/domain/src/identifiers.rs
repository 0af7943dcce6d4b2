//! ИНН and ОГРН of organizations, with their check digits.
//!
//! A typo in a tax number is the commonest data-entry mistake in registries; the checksum catches
//! nearly all of them before a record is saved.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a string is not a valid ИНН or ОГРН.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("должен состоять из {0} цифр")]
    Length(&'static str),
    #[error("неверная контрольная цифра")]
    Checksum,
}

fn digits(raw: &str) -> Option<Vec<u32>> {
    raw.chars().map(|c| c.to_digit(10)).collect()
}

fn weighted(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11 % 10
}

/// ИНН: 10 digits for a legal entity, 12 for an individual entrepreneur.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Inn(String);

impl Inn {
    /// Parses and checks the control digit(s).
    pub fn parse(raw: &str) -> Result<Self, IdentifierError> {
        let d = digits(raw).ok_or(IdentifierError::Length("10 или 12"))?;
        let ok = match d.len() {
            10 => weighted(&d[..9], &[2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[9],
            12 => {
                weighted(&d[..10], &[7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[10]
                    && weighted(&d[..11], &[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]) == d[11]
            }
            _ => return Err(IdentifierError::Length("10 или 12")),
        };
        if ok { Ok(Self(raw.to_owned())) } else { Err(IdentifierError::Checksum) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// ОГРН (13 digits) or ОГРНИП (15 digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Ogrn(String);

impl Ogrn {
    /// Parses and checks the control digit: the number without it, modulo 11 (13 digits) or
    /// 13 (15 digits), last digit.
    pub fn parse(raw: &str) -> Result<Self, IdentifierError> {
        let d = digits(raw).ok_or(IdentifierError::Length("13 или 15"))?;
        let (body, modulus) = match d.len() {
            13 => (&raw[..12], 11u64),
            15 => (&raw[..14], 13u64),
            _ => return Err(IdentifierError::Length("13 или 15")),
        };
        let number: u64 = body.parse().map_err(|_| IdentifierError::Checksum)?;
        let control = (number % modulus % 10) as u32;
        if d.last() == Some(&control) { Ok(Self(raw.to_owned())) } else { Err(IdentifierError::Checksum) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_newtype_impls {
    ($($t:ty),*) => {$(
        impl TryFrom<String> for $t {
            type Error = IdentifierError;
            fn try_from(value: String) -> Result<Self, Self::Error> { Self::parse(&value) }
        }
        impl From<$t> for String {
            fn from(value: $t) -> Self { value.0 }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(&self.0) }
        }
    )*};
}
string_newtype_impls!(Inn, Ogrn);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_numbers_pass() {
        // Публичные реквизиты ФНС России: ИНН 7707329152, ОГРН 1047707030513.
        assert!(Inn::parse("7707329152").is_ok());
        assert!(Ogrn::parse("1047707030513").is_ok());
        // ИНН физического лица из примеров ФНС.
        assert!(Inn::parse("500100732259").is_ok());
    }

    #[test]
    fn one_wrong_digit_is_caught() {
        assert_eq!(Inn::parse("7707329153"), Err(IdentifierError::Checksum));
        assert_eq!(Ogrn::parse("1047707030514"), Err(IdentifierError::Checksum));
    }

    #[test]
    fn wrong_length_or_letters_are_rejected() {
        assert!(matches!(Inn::parse("123"), Err(IdentifierError::Length(_))));
        assert!(matches!(Inn::parse("77073291a2"), Err(IdentifierError::Length(_))));
        assert!(matches!(Ogrn::parse("104770703051"), Err(IdentifierError::Length(_))));
    }
}
