//! The SPA's built files. A file whose name carries its content's hash never changes, so it is
//! cached for a year (`immutable`) and a returning visitor on a slow phone downloads nothing;
//! `cargo xtask spa` writes brotli and gzip copies beside each one, sent to browsers that accept
//! them, so no CPU is spent compressing the same wasm for every visitor. Everything else the
//! build serves (its HTML) is `no-cache`: asked again each time, answered 304 by its ETag.
//!
//! The server may start before the build exists (`cargo xtask run` serves the API and the
//! server-drawn pages while the SPA is still being built): [`follow_build`] notices a build that
//! appears or is replaced and has the pages and the Content-Security-Policy follow it, with no
//! restart.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use actix_files::NamedFile;
use actix_web::{
    Error,
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{
        Method,
        header::{self, CacheControl, CacheDirective, ContentEncoding, HeaderValue},
    },
    middleware::Next,
};

/// The built SPA, when there is one.
#[derive(Debug, Clone)]
pub struct Assets {
    dir: Option<PathBuf>,
}

/// The compressed copies, best first: (file suffix, encoding name, encoding).
const COPIES: [(&str, &str, ContentEncoding); 2] = [("br", "br", ContentEncoding::Brotli), ("gz", "gzip", ContentEncoding::Gzip)];

impl Assets {
    pub fn new(dir: Option<&Path>) -> Self {
        Self { dir: dir.map(Path::to_path_buf) }
    }

    /// The middleware: `app.wrap(from_fn(move |req, next| assets.clone().serve(req, next)))`.
    pub async fn serve(
        self: Arc<Self>,
        req: ServiceRequest,
        next: Next<impl MessageBody + 'static>,
    ) -> Result<ServiceResponse<BoxBody>, Error> {
        let hashed = is_hashed(req.path());
        if hashed
            && matches!(*req.method(), Method::GET | Method::HEAD)
            && let Some(response) = self.precompressed(&req)
        {
            let (http, _) = req.into_parts();
            let mut response = ServiceResponse::new(http.clone(), response.into_response(&http));
            forever(&mut response);
            return Ok(response);
        }
        let api = req.path().starts_with("/api/");
        let mut response = next.call(req).await?.map_into_boxed_body();
        if hashed && response.status().is_success() {
            forever(&mut response);
        } else if !api && !response.headers().contains_key(header::CACHE_CONTROL) {
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        }
        Ok(response)
    }

    /// The best compressed copy of the requested file that the browser accepts.
    fn precompressed(&self, req: &ServiceRequest) -> Option<NamedFile> {
        let dir = self.dir.as_ref()?;
        let relative = req.path().trim_start_matches('/');
        if relative.split('/').any(|part| part.is_empty() || part.starts_with('.')) {
            return None;
        }
        let original = dir.join(relative);
        let accepted = req.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or_default();
        let (suffix, _, encoding) = COPIES.into_iter().find(|(_, name, _)| accepts(accepted, name))?;
        let copy = PathBuf::from(format!("{}.{suffix}", original.display()));
        let file = NamedFile::open(&copy).ok()?;
        let mime = actix_files::file_extension_to_mime(original.extension().and_then(|e| e.to_str()).unwrap_or_default());
        Some(file.set_content_type(mime).set_content_encoding(encoding))
    }
}

/// A year, never revalidated, and the answer differs by `Accept-Encoding`.
fn forever(response: &mut ServiceResponse<BoxBody>) {
    let headers = response.headers_mut();
    let value =
        CacheControl(vec![CacheDirective::Public, CacheDirective::MaxAge(31_536_000), CacheDirective::Extension("immutable".into(), None)]);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_str(&value.to_string()).unwrap_or(HeaderValue::from_static("public")));
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
}

/// Does `Accept-Encoding: {header}` accept `name` (and not with `q=0`)?
fn accepts(header: &str, name: &str) -> bool {
    header.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let coding = parts.next().unwrap_or_default();
        let weight = parts.find_map(|p| p.strip_prefix("q=")).and_then(|q| q.trim().parse::<f32>().ok()).unwrap_or(1.0);
        coding.eq_ignore_ascii_case(name) && weight > 0.0
    })
}

/// Is this a file of a build whose name carries a content hash, as `cargo xtask spa` names them
/// (`socio-frontend-0123456789abcdef_bg.wasm`, `style-0123456789abcdef.css`)?
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let Some((stem, extension)) = name.rsplit_once('.') else { return false };
    if !matches!(extension, "wasm" | "js" | "css") {
        return false;
    }
    stem.trim_end_matches("_bg").rsplit_once('-').is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// What the build's pages look like now (each names its bundle's hashed files): their sizes and
/// modification times.
fn build_stamp(dir: &Path) -> Vec<Option<(u64, std::time::SystemTime)>> {
    crate::page_headers::PAGES
        .iter()
        .map(|page| std::fs::metadata(dir.join(page)).ok().and_then(|m| Some((m.len(), m.modified().ok()?))))
        .collect()
}

/// Looks at the build in `dir` every `every`; when it has changed, the pages are drawn into its
/// documents and the CSP names its loaders. Runs until the server stops.
pub async fn follow_build(
    dir: PathBuf,
    every: std::time::Duration,
    headers: Arc<crate::page_headers::PageHeaders>,
    site: Arc<crate::pages::Site>,
) {
    let mut seen = build_stamp(&dir);
    let mut ticker = tokio::time::interval(every);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        let now = build_stamp(&dir);
        if now == seen {
            continue;
        }
        seen = now;
        site.reload();
        match headers.reload() {
            Ok(()) => tracing::info!(dir = %dir.display(), "the SPA build changed: pages and the CSP follow it"),
            Err(error) => tracing::error!(%error, "the SPA build changed but its loaders could not be read"),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_the_builds() {
        assert!(is_hashed("/socio-frontend-0123456789abcdef_bg.wasm"));
        assert!(is_hashed("/route/socio-route-0123456789abcdef.js"));
        assert!(is_hashed("/style-89abcdef01234567.css"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/style.css"));
        assert!(!is_hashed("/socio-frontend-0123_bg.wasm"));
        assert!(!is_hashed("/api/v1/services"));
    }

    #[test]
    fn accept_encoding_is_read_with_its_weights() {
        assert!(accepts("gzip, deflate, br", "br"));
        assert!(accepts("gzip;q=0.5, br;q=1.0", "br"));
        assert!(!accepts("gzip, br;q=0", "br"));
        assert!(!accepts("gzip", "br"));
        assert!(accepts("GZIP", "gzip"));
        assert!(!accepts("", "gzip"));
    }
}
