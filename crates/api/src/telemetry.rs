//! Structured logging with `tracing`.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Installs the global subscriber (once; later calls are ignored, which suits tests).
pub fn init(filter: &str, json: bool) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new(crate::settings::DEFAULT_LOG));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = if json { registry.with(fmt::layer().json()).try_init() } else { registry.with(fmt::layer().with_target(false)).try_init() };
}

use actix_web::{
    HttpMessage,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    http::Uri,
};
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};

use crate::metrics::RequestId;

/// The root span of every request: tracing-actix-web's default fields, but the target as
/// [`logged_target`] gives it, so the one-time token of a link from a letter (a password reset,
/// a confirmation, an invitation) never reaches the log, and the request id ours (the
/// balancer's when it sent one), the one the answer's header and problem body carry.
pub struct RequestSpan;

impl RootSpanBuilder for RequestSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request.extensions().get::<RequestId>().map(|id| id.0.clone()).unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %request.match_pattern().unwrap_or_default(),
            http.target = %logged_target(request.uri()),
            request_id = %request_id,
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, actix_web::Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// The path and query as the log keeps them: the cabinet's pages (whose links from letters
/// carry tokens) without their query, and any `token` parameter elsewhere without its value.
pub fn logged_target(uri: &Uri) -> String {
    let path = uri.path();
    match uri.query() {
        None => path.to_owned(),
        Some(_) if path == "/cabinet" || path.starts_with("/cabinet/") => path.to_owned(),
        Some(query) => {
            let pairs: Vec<&str> = query
                .split('&')
                .map(|pair| if pair.split('=').next().is_some_and(|k| k.eq_ignore_ascii_case("token")) { "token=…" } else { pair })
                .collect();
            format!("{path}?{}", pairs.join("&"))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::{Arc, Mutex};

    use actix_web::{App, web};
    use tracing_actix_web::TracingLogger;

    use super::*;

    /// A log written into memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// What the request log says of two requests carrying tokens, through `B`'s root span.
    async fn log_of<B: RootSpanBuilder + 'static>() -> String {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = actix_web::test::init_service(
            App::new().wrap(TracingLogger::<B>::new()).default_service(web::to(|| async { actix_web::HttpResponse::Ok().finish() })),
        )
        .await;
        for uri in ["/cabinet/reset?token=SECRET-RESET", "/api/v1/auth/other?page=2&token=SECRET-QUERY"] {
            actix_web::test::call_service(&app, actix_web::test::TestRequest::get().uri(uri).to_request()).await;
        }
        String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
    }

    #[actix_web::test]
    async fn a_reset_token_never_reaches_the_request_log() {
        let default = log_of::<DefaultRootSpanBuilder>().await;
        assert!(default.contains("SECRET-RESET"), "the default span would log it: {default}");
        let ours = log_of::<RequestSpan>().await;
        assert!(ours.contains("/cabinet/reset") && ours.contains("page=2&token=…"), "{ours}");
        assert!(!ours.contains("SECRET"), "{ours}");
    }
}
