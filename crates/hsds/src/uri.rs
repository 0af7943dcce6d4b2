//! Website addresses as RFC 3986 URIs, which HSDS's `format: uri` requires: a Cyrillic host
//! (`соцкластер.рф`) in punycode (RFC 3492), everything outside the URI alphabet
//! percent-encoded. Written here rather than taken from `url`, because the workspace pins
//! `idna` to its ASCII-only adapter to keep Unicode tables out of the SPA's wasm.

/// `website` (an `http(s)` address as partners type it) as an ASCII URI.
pub fn ascii_uri(website: &str) -> Option<String> {
    let (scheme, rest) = website.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (userinfo, host_port) = match authority.rsplit_once('@') {
        Some((user, host)) => (Some(user), host),
        None => (None, authority),
    };
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => (host, Some(port)),
        _ => (host_port, None),
    };
    let host = host.split('.').map(label).collect::<Option<Vec<_>>>()?.join(".");
    let mut uri = format!("{}://", scheme.to_ascii_lowercase());
    if let Some(user) = userinfo {
        uri.push_str(&escaped(user));
        uri.push('@');
    }
    uri.push_str(&host);
    if let Some(port) = port {
        uri.push(':');
        uri.push_str(port);
    }
    uri.push_str(&escaped(tail));
    Some(uri)
}

/// One label of a host name, lower-cased, in punycode when it is not ASCII.
fn label(raw: &str) -> Option<String> {
    let lower = raw.to_lowercase();
    if lower.is_ascii() {
        return Some(lower);
    }
    Some(format!("xn--{}", punycode(&lower.chars().collect::<Vec<_>>())?))
}

/// Percent-encodes every byte that may not appear in a URI as it is.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        let allowed = byte.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&byte);
        if allowed {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;

fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

fn digit(d: u32) -> char {
    // 0..25 are a..z, 26..35 are 0..9.
    let code = if d < 26 { u32::from(b'a') + d } else { u32::from(b'0') + d - 26 };
    char::from_u32(code).unwrap_or('a')
}

/// RFC 3492's encoding of `input`; `None` on overflow (a label no host name has).
fn punycode(input: &[char]) -> Option<String> {
    let mut output: String = input.iter().filter(|c| c.is_ascii()).collect();
    let basic = u32::try_from(output.len()).ok()?;
    if basic > 0 {
        output.push('-');
    }
    let (mut n, mut delta, mut bias, mut handled) = (128u32, 0u32, 72u32, basic);
    let total = u32::try_from(input.len()).ok()?;
    while handled < total {
        let m = input.iter().map(|&c| u32::from(c)).filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(handled + 1)?)?;
        n = m;
        for &c in input {
            let c = u32::from(c);
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = if k <= bias {
                        T_MIN
                    } else if k >= bias + T_MAX {
                        T_MAX
                    } else {
                        k - bias
                    };
                    if q < t {
                        break;
                    }
                    output.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                output.push(digit(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n += 1;
    }
    Some(output)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hosts_follow_rfc_3492_and_paths_are_percent_encoded() {
        // RFC 3492's own sample (Russian) and the IANA test domain пример.испытание.
        let russian: Vec<char> = "почемужеонинеговорятпорусски".chars().collect();
        assert_eq!(punycode(&russian).unwrap(), "b1abfaaepdrnnbgefbadotcwatmq2g4l");
        assert_eq!(ascii_uri("https://Пример.Испытание").unwrap(), "https://xn--e1afmkfd.xn--80akhbyknj4f");
        assert_eq!(
            ascii_uri("https://пример.рф/услуги?q=да").unwrap(),
            "https://xn--e1afmkfd.xn--p1ai/%D1%83%D1%81%D0%BB%D1%83%D0%B3%D0%B8?q=%D0%B4%D0%B0"
        );
        assert_eq!(ascii_uri("http://example.org:8080/a|b").unwrap(), "http://example.org:8080/a%7Cb");
        assert_eq!(ascii_uri("HTTPS://Example.ORG").unwrap(), "https://example.org");
        assert!(ascii_uri("example.org").is_none());
    }
}
