//! Web addresses partners publish: only `http(s)` URLs with a host, so nothing like
//! `javascript:` or `data:` can ever reach an `href` in the SPA.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest website address accepted.
pub const MAX_URL_LEN: usize = 500;

/// An absolute `http://` or `https://` URL with a host.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WebsiteUrl(String);

/// Why a string is not a website address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("адрес сайта должен начинаться с http:// или https://")]
    Scheme,
    #[error("в адресе сайта нет имени сайта")]
    Host,
    #[error("в адресе сайта есть пробелы или управляющие символы")]
    Character,
    #[error("адрес сайта длиннее {MAX_URL_LEN} символов")]
    TooLong,
}

impl WebsiteUrl {
    /// Parses `https://example.org/path`; a bare `example.org` gets `https://`.
    pub fn parse(raw: &str) -> Result<Self, UrlError> {
        let trimmed = raw.trim();
        if trimmed.len() > MAX_URL_LEN {
            return Err(UrlError::TooLong);
        }
        if trimmed.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\"'`\\".contains(c)) {
            return Err(UrlError::Character);
        }
        let lower = trimmed.to_ascii_lowercase();
        let (scheme_len, with_scheme) = if lower.starts_with("https://") {
            (8, trimmed.to_owned())
        } else if lower.starts_with("http://") {
            (7, trimmed.to_owned())
        } else if lower.contains(':') {
            // `javascript:`, `data:`, `mailto:`, `ftp://`: never a website.
            return Err(UrlError::Scheme);
        } else {
            (8, format!("https://{trimmed}"))
        };
        let rest = &with_scheme[scheme_len..];
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = host.rsplit('@').next().unwrap_or_default();
        let name = host.split(':').next().unwrap_or_default();
        if name.is_empty() || !name.contains('.') || name.starts_with('.') || name.ends_with('.') {
            return Err(UrlError::Host);
        }
        Ok(Self(with_scheme))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for WebsiteUrl {
    type Error = UrlError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<WebsiteUrl> for String {
    fn from(value: WebsiteUrl) -> Self {
        value.0
    }
}

impl fmt::Display for WebsiteUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_and_https_pass_and_a_bare_host_gets_https() {
        assert_eq!(WebsiteUrl::parse("https://kcson.example.org/uslugi").map(String::from), Ok("https://kcson.example.org/uslugi".into()));
        assert_eq!(WebsiteUrl::parse("HTTP://example.org").map(String::from), Ok("HTTP://example.org".into()));
        assert_eq!(WebsiteUrl::parse("соцкластер.рф").map(String::from), Ok("https://соцкластер.рф".into()));
    }

    #[test]
    fn scripts_and_other_schemes_never_pass() {
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " javascript:void(0)",
            "data:text/html,x",
            "mailto:a@b.ru",
            "ftp://x.org",
            "vbscript:x",
        ] {
            assert_eq!(WebsiteUrl::parse(bad), Err(UrlError::Scheme), "{bad}");
        }
        assert_eq!(WebsiteUrl::parse("https://"), Err(UrlError::Host));
        assert_eq!(WebsiteUrl::parse("https://localhost"), Err(UrlError::Host));
        assert_eq!(WebsiteUrl::parse("https://a.org/\"onmouseover"), Err(UrlError::Character));
    }
}
