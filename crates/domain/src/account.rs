//! Accounts of the cabinet: e-mail addresses and the password policy.
//!
//! The policy follows NIST SP 800-63B rather than composition rules: long enough (12–128
//! characters), not one of the passwords attackers try first, not the e-mail itself. The same
//! parser runs in the cabinet's form, so a person learns why before anything is sent.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password accepted: hashing cost must not depend on what a stranger sends.
pub const MAX_PASSWORD_CHARS: usize = 128;
/// Longest e-mail address (RFC 5321 path limit).
pub const MAX_EMAIL_LEN: usize = 254;

/// Passwords of 12+ characters found in public breach lists, lowercased (one per line).
const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

/// A syntactically valid e-mail address, lowercased.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

/// Why a string is not an e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("укажите адрес электронной почты")]
    Empty,
    #[error("адрес длиннее {MAX_EMAIL_LEN} символов")]
    TooLong,
    #[error("нужен адрес вида имя@домен.рф")]
    Shape,
}

impl Email {
    /// Parses `Name@Example.org` into `name@example.org`.
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        if trimmed.len() > MAX_EMAIL_LEN {
            return Err(EmailError::TooLong);
        }
        let lower = trimmed.to_lowercase();
        let (local, domain) = lower.rsplit_once('@').ok_or(EmailError::Shape)?;
        // The local part is a dot-atom (RFC 5322: no leading, trailing or double dots), the
        // domain dot-separated labels of letters, digits and inner hyphens: what the mailer sends.
        let atext = |c: char| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
        let local_ok = local.split('.').all(|atom| !atom.is_empty() && atom.chars().all(atext));
        let labels_ok = domain.split('.').all(|l| {
            !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_alphanumeric() || c == '-')
        });
        if local.is_empty() || local.len() > 64 || !local_ok {
            return Err(EmailError::Shape);
        }
        if !domain.contains('.') || !labels_ok {
            return Err(EmailError::Shape);
        }
        Ok(Self(lower))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> Self {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the policy. Never serialised, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a password is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("пароль короче {MIN_PASSWORD_CHARS} символов")]
    TooShort,
    #[error("пароль длиннее {MAX_PASSWORD_CHARS} символов")]
    TooLong,
    #[error("этот пароль слишком распространён, его подбирают первым; придумайте фразу из нескольких слов")]
    Common,
    #[error("пароль не должен совпадать с адресом почты")]
    SameAsEmail,
    #[error("в пароле есть управляющие символы")]
    ControlCharacter,
}

impl PasswordError {
    /// A stable code for programs.
    pub fn code(&self) -> &'static str {
        match self {
            PasswordError::TooShort => "too_short",
            PasswordError::TooLong => "too_long",
            PasswordError::Common => "common_password",
            PasswordError::SameAsEmail => "same_as_email",
            PasswordError::ControlCharacter => "control_character",
        }
    }
}

impl Password {
    /// Checks a new password against the policy; `email` is the account's address, if known.
    pub fn parse(raw: &str, email: Option<&Email>) -> Result<Self, PasswordError> {
        let chars = raw.chars().count();
        if raw.chars().any(char::is_control) {
            return Err(PasswordError::ControlCharacter);
        }
        if chars < MIN_PASSWORD_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(PasswordError::TooLong);
        }
        let lower = raw.to_lowercase();
        if let Some(email) = email
            && (lower == email.as_str() || email.as_str().split('@').next().is_some_and(|local| lower == local))
        {
            return Err(PasswordError::SameAsEmail);
        }
        if is_common(&lower) {
            return Err(PasswordError::Common);
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// In the shipped list, or one character repeated, or a run of one keyboard row or of digits.
fn is_common(lower: &str) -> bool {
    let first = lower.chars().next();
    if lower.chars().all(|c| Some(c) == first) {
        return true;
    }
    const RUNS: [&str; 5] = [
        "12345678901234567890",
        "09876543210987654321",
        "qwertyuiopasdfghjklzxcvbnm",
        "йцукенгшщзхъфывапролджэячсмитьбю",
        "abcdefghijklmnopqrstuvwxyz",
    ];
    if RUNS.iter().any(|run| run.contains(lower)) {
        return true;
    }
    COMMON_PASSWORDS.lines().map(str::trim).any(|line| line == lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_lowercased_and_checked() {
        assert_eq!(Email::parse("  Partner@Example.ORG ").map(|e| e.to_string()), Ok("partner@example.org".to_owned()));
        assert!(Email::parse("оператор@соцкластер.рф").is_ok());
        for bad in ["", "no-at.example.org", "a@b", "a b@example.org", "@example.org", "a@-x.org", "a@x..org"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_policy_is_length_and_commonness_not_composition() {
        let email = Email::parse("anna@example.org").ok();
        assert!(Password::parse("синий кит плывёт на север", email.as_ref()).is_ok());
        assert!(Password::parse("correct horse battery", email.as_ref()).is_ok());
        assert_eq!(Password::parse("короткий", None), Err(PasswordError::TooShort));
        assert_eq!(Password::parse(&"я".repeat(129), None), Err(PasswordError::TooLong));
        assert_eq!(Password::parse("123456789012", None), Err(PasswordError::Common));
        assert_eq!(Password::parse("qwertyuiopas", None), Err(PasswordError::Common));
        assert_eq!(Password::parse("aaaaaaaaaaaaaa", None), Err(PasswordError::Common));
        assert_eq!(Password::parse("Password1234", None), Err(PasswordError::Common));
        assert_eq!(Password::parse("anna@example.org", email.as_ref()), Err(PasswordError::SameAsEmail));
        assert_eq!(Password::parse("tab\tinside-password", None), Err(PasswordError::ControlCharacter));
    }

    #[test]
    fn a_password_never_prints() {
        let password = Password::parse("синий кит плывёт на север", None).unwrap_or_else(|e| panic!("{e}"));
        assert!(!format!("{password:?}").contains("кит"));
    }
}
