//! Typed client for the «Социальный кластер» API, on reqwest, for native and wasm32.
//!
//! The SPA, the integration tests and third-party Rust apps call the API through this crate and
//! get the domain's DTOs back, so a change of contract breaks their build, not their users.
//!
//! ```no_run
//! # async fn demo() -> Result<(), socio_client::ClientError> {
//! use socio_client::Client;
//! use socio_domain::{Slug, api::ServiceFilter};
//!
//! let client = Client::new("http://localhost:8080");
//! let filter = ServiceFilter { municipality: Slug::parse("pervouralsk").ok(), ..Default::default() };
//! let page = client.services(&filter).await?;
//! println!("{} услуг в Первоуральске", page.total);
//! # Ok(()) }
//! ```

pub use cabinet::{CabinetPath, Upload};
use serde::{Serialize, de::DeserializeOwned};
use socio_domain::api::{
    CategoryGroup, Completion, Meta, Municipality, NewReport, OrganizationDetail, OrganizationFilter, OrganizationQuery,
    OrganizationSummary, Page, Problem, ReportReceipt, RouteRequest, RouteResponse, SearchQuery, SearchRequest, SearchResults,
    ServiceCandidate, ServiceDetail, ServiceFilter, ServiceQuery, ServiceSummary, SituationDetail, SituationFilter, SituationQuery,
    SituationSummary, SocioCentre, SuggestRequest, SuggestResponse, TargetGroup,
};

/// The API guide's Rust examples (docs/api.md), compiled as doctests so they stay true.
#[doc = include_str!("../../../docs/api.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// What a call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The API answered with an error (a problem+json body).
    #[error("{}: {}", problem.status, problem.detail)]
    Api { problem: Box<Problem> },
    /// The request did not complete.
    #[error("transport error: {0}")]
    Transport(#[from] reqwest::Error),
    /// The answer was not the JSON the contract promises.
    #[error("unexpected response body: {0}")]
    Decode(String),
}

impl ClientError {
    /// The problem document, when the API answered with one.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ClientError::Api { problem } => Some(problem.as_ref()),
            ClientError::Transport(_) | ClientError::Decode(_) => None,
        }
    }
}

/// A handle to one API server. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    /// The access token sent as `Authorization: Bearer …` (the cabinet's calls).
    token: Option<String>,
}

/// JSON in and out: serde_json natively, the browser's own `JSON` in wasm (also for the pages
/// that let a person write JSON, such as a situation's condition).
#[cfg(not(target_arch = "wasm32"))]
pub mod json {
    use super::ClientError;

    pub fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ClientError> {
        serde_json::from_str(text).map_err(|e| ClientError::Decode(e.to_string()))
    }

    pub fn encode<T: serde::Serialize>(value: &T) -> Result<String, ClientError> {
        serde_json::to_string(value).map_err(|e| ClientError::Decode(e.to_string()))
    }
}

#[cfg(target_arch = "wasm32")]
pub mod json {
    use super::ClientError;

    pub fn decode<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ClientError> {
        let value = js_sys::JSON::parse(text).map_err(|_| ClientError::Decode("not JSON".into()))?;
        serde_wasm_bindgen::from_value(value).map_err(|e| ClientError::Decode(e.to_string()))
    }

    pub fn encode<T: serde::Serialize>(value: &T) -> Result<String, ClientError> {
        let value = value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| ClientError::Decode(e.to_string()))?;
        js_sys::JSON::stringify(&value).map(String::from).map_err(|_| ClientError::Decode("cannot encode".into()))
    }
}

/// Percent-encodes a path segment (keys come from users and links).
fn segment(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl Client {
    /// A client for the server at `base_url` (absolute, e.g. `http://localhost:8080`).
    pub fn new(base_url: impl Into<String>) -> Self {
        Self::with_http(reqwest::Client::new(), base_url)
    }

    /// A client over a configured reqwest client.
    pub fn with_http(http: reqwest::Client, base_url: impl Into<String>) -> Self {
        let base = base_url.into().trim_end_matches('/').to_owned();
        Self { http, base, token: None }
    }

    /// The same client, signed in with `access_token` (from [`Client::login`]).
    pub fn with_token(&self, access_token: impl Into<String>) -> Self {
        Self { token: Some(access_token.into()), ..self.clone() }
    }

    /// Sends a request with the token, `If-Match: "v{version}"` when given, and a JSON body.
    async fn send<B: Serialize>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
        version: Option<i32>,
    ) -> Result<reqwest::Response, ClientError> {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = &self.token {
            request = request.header(reqwest::header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(version) = version {
            request = request.header(reqwest::header::IF_MATCH, format!("\"v{version}\""));
        }
        if let Some(body) = body {
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(json::encode(body)?);
        }
        Ok(request.send().await?)
    }

    async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
        version: Option<i32>,
    ) -> Result<T, ClientError> {
        Self::decode(self.send(method, path, body, version).await?).await
    }

    /// A call answered with no body (204, 202).
    async fn call_empty<B: Serialize>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
        version: Option<i32>,
    ) -> Result<(), ClientError> {
        let response = self.send(method, path, body, version).await?;
        if response.status().is_success() {
            return Ok(());
        }
        Self::decode::<()>(response).await
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// GETs `path` (starting with `/`) with query parameters and decodes the JSON answer.
    pub async fn get<T: DeserializeOwned>(&self, path: &str, query: &(impl Serialize + ?Sized)) -> Result<T, ClientError> {
        let mut request = self.http.get(format!("{}{path}", self.base)).query(query);
        if let Some(token) = &self.token {
            request = request.header(reqwest::header::AUTHORIZATION, format!("Bearer {token}"));
        }
        Self::decode(request.send().await?).await
    }

    /// POSTs a JSON body to `path` and decodes the JSON answer.
    pub async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T, ClientError> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(json::encode(body)?)
            .send()
            .await?;
        Self::decode(response).await
    }

    /// `POST /api/v1/reports`: «Сообщить о неточности».
    pub async fn file_report(&self, report: &NewReport) -> Result<ReportReceipt, ClientError> {
        self.post("/api/v1/reports", report).await
    }

    /// `POST /api/v1/router/route`: a personal route through a situation.
    pub async fn route(&self, request: &RouteRequest) -> Result<RouteResponse, ClientError> {
        self.post("/api/v1/router/route", request).await
    }

    /// `POST /api/v1/router/suggest`: situations for general answers and free text.
    pub async fn suggest(&self, request: &SuggestRequest) -> Result<SuggestResponse, ClientError> {
        self.post("/api/v1/router/suggest", request).await
    }

    /// `GET /api/v1/router/candidates`: the services a route in this city can use, for computing
    /// the route on the device.
    pub async fn route_candidates(&self, situation: &str, municipality: &str) -> Result<Vec<ServiceCandidate>, ClientError> {
        self.get("/api/v1/router/candidates", &[("situation", situation), ("municipality", municipality)]).await
    }

    async fn decode<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, ClientError> {
        let status = response.status();
        let text = response.text().await?;
        if status.is_success() {
            return json::decode(&text);
        }
        let status = status.as_u16();
        let problem = json::decode(&text).unwrap_or_else(|_| Problem {
            kind: "about:blank".into(),
            title: "Ошибка сервера".into(),
            status,
            code: "unexpected_response".into(),
            detail: text,
            errors: Vec::new(),
            request_id: None,
        });
        Err(ClientError::Api { problem: Box::new(problem) })
    }

    /// `/readyz`: the index's progress when the server, its database and its search index are
    /// ready; the problem otherwise.
    pub async fn ready(&self) -> Result<socio_domain::api::Readiness, ClientError> {
        let response = self.http.get(format!("{}/readyz", self.base)).send().await?;
        let success = response.status().is_success();
        let text = response.text().await?;
        if success {
            return json::decode(&text);
        }
        Err(ClientError::Api { problem: Box::new(json::decode(&text)?) })
    }

    /// `/api/v1/meta`: what the installation holds, and whether it is a demo.
    pub async fn meta(&self) -> Result<Meta, ClientError> {
        self.get("/api/v1/meta", &()).await
    }

    /// `/api/v1/municipalities`.
    pub async fn municipalities(&self) -> Result<Vec<Municipality>, ClientError> {
        self.get("/api/v1/municipalities", &()).await
    }

    /// `/api/v1/socio-centres`.
    pub async fn socio_centres(&self) -> Result<Vec<SocioCentre>, ClientError> {
        self.get("/api/v1/socio-centres", &()).await
    }

    /// `/api/v1/categories`: the two-level taxonomy.
    pub async fn categories(&self) -> Result<Vec<CategoryGroup>, ClientError> {
        self.get("/api/v1/categories", &()).await
    }

    /// `/api/v1/target-groups`.
    pub async fn target_groups(&self) -> Result<Vec<TargetGroup>, ClientError> {
        self.get("/api/v1/target-groups", &()).await
    }

    /// `/api/v1/services` with a filter.
    pub async fn services(&self, filter: &ServiceFilter) -> Result<Page<ServiceSummary>, ClientError> {
        self.get("/api/v1/services", &ServiceQuery::from(filter)).await
    }

    /// `/api/v1/search`: services with facets, situations, organizations and advice.
    pub async fn search(&self, request: &SearchRequest) -> Result<SearchResults, ClientError> {
        self.search_query(&SearchQuery::from(request)).await
    }

    /// `/api/v1/search` with the parameters as given (the server validates them): the SPA passes
    /// its URL through, which spares the browser the float parsing and formatting code.
    pub async fn search_query(&self, query: &SearchQuery) -> Result<SearchResults, ClientError> {
        self.get("/api/v1/search", query).await
    }

    /// `/api/v1/search/complete`: completions for the search box.
    pub async fn complete(&self, q: &str, limit: usize) -> Result<Vec<Completion>, ClientError> {
        self.get("/api/v1/search/complete", &[("q", q), ("limit", &limit.to_string())]).await
    }

    /// `/api/v1/services/{id_or_slug}`.
    pub async fn service(&self, id_or_slug: &str) -> Result<ServiceDetail, ClientError> {
        self.get(&format!("/api/v1/services/{}", segment(id_or_slug)), &()).await
    }

    /// `/api/v1/organizations` with a filter.
    pub async fn organizations(&self, filter: &OrganizationFilter) -> Result<Page<OrganizationSummary>, ClientError> {
        self.get("/api/v1/organizations", &OrganizationQuery::from(filter)).await
    }

    /// `/api/v1/organizations/{id_or_slug}`.
    pub async fn organization(&self, id_or_slug: &str) -> Result<OrganizationDetail, ClientError> {
        self.get(&format!("/api/v1/organizations/{}", segment(id_or_slug)), &()).await
    }

    /// `/api/v1/situations` with a filter.
    pub async fn situations(&self, filter: &SituationFilter) -> Result<Page<SituationSummary>, ClientError> {
        self.get("/api/v1/situations", &SituationQuery::from(filter)).await
    }

    /// `/api/v1/situations/{slug}`.
    pub async fn situation(&self, slug: &str) -> Result<SituationDetail, ClientError> {
        self.get(&format!("/api/v1/situations/{}", segment(slug)), &()).await
    }
}

mod cabinet;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(segment("kcson-osen"), "kcson-osen");
        assert_eq!(segment("a/b?c"), "a%2Fb%3Fc");
        assert_eq!(segment("я"), "%D1%8F");
    }
}
