//! Security headers on every answer: a Content-Security-Policy that lets a page run only the
//! site's own scripts and its wasm, no framing, no referrer to other sites, and HSTS when the
//! site is public over TLS.
//!
//! The SPA's build writes one small inline loader script into each page; rather than allowing inline
//! scripts, the policy names the SHA-256 of each loader found in the served build, so a script
//! injected through partner-controlled text would still not run. The API documentation (Swagger
//! UI, vendored) styles itself inline and gets its own, looser style rule. A build that appears
//! or changes while the server runs is followed ([`PageHeaders::reload`]).

use std::{
    path::{Path, PathBuf},
    sync::{Arc, RwLock},
};

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::header::{self, HeaderName, HeaderValue},
    middleware::Next,
};
use base64::Engine as _;
use sha2::{Digest, Sha256};

/// The pages of the built SPA, each with its own loader script.
pub(crate) const PAGES: [&str; 4] = ["index.html", "route/index.html", "cabinet/index.html", "backoffice/index.html"];

/// The headers added to answers, computed at start and again when the build changes.
#[derive(Debug)]
pub struct PageHeaders {
    static_dir: Option<PathBuf>,
    site_policy: RwLock<HeaderValue>,
    docs_policy: HeaderValue,
    hsts: bool,
}

impl PageHeaders {
    /// Policies for the build in `static_dir` (if any); `tls` when the public address is `https`.
    pub fn new(static_dir: Option<&Path>, tls: bool) -> anyhow::Result<Self> {
        let docs = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                    connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";
        Ok(Self {
            static_dir: static_dir.map(Path::to_path_buf),
            site_policy: RwLock::new(site_policy(static_dir)?),
            docs_policy: HeaderValue::from_static(docs),
            hsts: tls,
        })
    }

    /// Reads the build's loaders again (a build finished after the start, or was replaced).
    pub fn reload(&self) -> anyhow::Result<()> {
        let policy = site_policy(self.static_dir.as_deref())?;
        *self.site_policy.write().unwrap_or_else(|e| e.into_inner()) = policy;
        Ok(())
    }

    /// The middleware: `app.wrap(from_fn(move |req, next| headers.clone().add(req, next)))`.
    pub async fn add(
        self: Arc<Self>,
        req: ServiceRequest,
        next: Next<impl MessageBody>,
    ) -> Result<ServiceResponse<impl MessageBody>, Error> {
        let docs = req.path() == "/docs" || req.path().starts_with("/docs/");
        let mut response = next.call(req).await?;
        let headers = response.headers_mut();
        let policy = if docs { self.docs_policy.clone() } else { self.site_policy.read().unwrap_or_else(|e| e.into_inner()).clone() };
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
        headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
        headers.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
        if self.hsts {
            headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
        }
        Ok(response)
    }
}

/// The site's policy: the build's own scripts, its wasm, and the hash of each page's loader.
fn site_policy(static_dir: Option<&Path>) -> anyhow::Result<HeaderValue> {
    let mut hashes = Vec::new();
    for page in PAGES {
        let Some(dir) = static_dir else { break };
        let Ok(html) = std::fs::read_to_string(dir.join(page)) else { continue };
        for script in inline_scripts(&html) {
            let hash = format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes())));
            if !hashes.contains(&hash) {
                hashes.push(hash);
            }
        }
    }
    let site = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}{}; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
         frame-ancestors 'none'",
        if hashes.is_empty() { "" } else { " " },
        hashes.join(" "),
    );
    Ok(HeaderValue::from_str(&site)?)
}

/// The bodies of the `<script>` elements without `src` in `html`.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else { break };
        let tag = &after[..open_end];
        let body_and_rest = &after[open_end + 1..];
        let Some(close) = body_and_rest.find("</script>") else { break };
        if !tag.contains(" src=") {
            scripts.push(&body_and_rest[..close]);
        }
        rest = &body_and_rest[close..];
    }
    scripts
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_inline_scripts_are_hashed() {
        let html = r#"<head><script type="module">import init from '/a.js';
await init();</script><script src="/b.js"></script><script>x()</script></head>"#;
        assert_eq!(inline_scripts(html), vec!["import init from '/a.js';\nawait init();", "x()"]);
        let dir = std::env::temp_dir().join(format!("socio-csp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<script>x()</script>").unwrap();
        let headers = PageHeaders::new(Some(&dir), false).unwrap();
        let policy = || headers.site_policy.read().unwrap().to_str().unwrap().to_owned();
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"x()"));
        assert!(policy().contains(&format!("'sha256-{expected}'")));
        assert!(!policy().contains("unsafe-inline"));
        std::fs::write(dir.join("index.html"), "<script>y()</script>").unwrap();
        headers.reload().unwrap();
        let replaced = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"y()"));
        assert!(policy().contains(&replaced) && !policy().contains(&expected), "a new build's loader replaces the old one's");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
