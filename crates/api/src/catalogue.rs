//! Every list a client can ask for (the services, organizations and situations, with or without
//! words, every filter, order and page) answered from this replica's in-memory index. The
//! database answers writes, single records and what the index is built from (DESIGN.md, Scale):
//! a list costs no query, and replicas answer lists as fast as they answer a fixed page.
//!
//! A list without words is a walk over the filters' sets in an order made once per snapshot,
//! cheap and bounded, so it runs on the HTTP worker; anything with words goes to the search
//! threads, whose line is bounded ([`CpuQueue`]).

use std::{future::Ready, sync::Arc};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use socio_domain::api::{
    OrganizationFilter, OrganizationSummary, SearchRequest, SearchResults, ServiceFilter, ServiceSummary, SituationFilter, SituationSummary,
};
use socio_search::{SearchError, SearchIndex};

use crate::{ApiError, cpu::CpuQueue};

/// The lists, for handlers: take it as an argument like `web::Data`.
#[derive(Clone)]
pub struct Catalogue {
    index: Arc<SearchIndex>,
    cpu: web::Data<CpuQueue>,
}

impl Catalogue {
    /// A page of published services and their total: by name without words, best match first
    /// with them.
    pub async fn services(&self, mut filter: ServiceFilter) -> Result<(Vec<ServiceSummary>, u64), ApiError> {
        filter.q = self.words(filter.q);
        let words = filter.q.is_some();
        self.list(filter, words, SearchIndex::services).await
    }

    /// A page of published organizations and their total: by name without words, best match
    /// first with them.
    pub async fn organizations(&self, mut filter: OrganizationFilter) -> Result<(Vec<OrganizationSummary>, u64), ApiError> {
        filter.q = self.words(filter.q);
        let words = filter.q.is_some();
        self.list(filter, words, SearchIndex::organizations).await
    }

    /// A page of published situations and their total: in the editors' order without words,
    /// best match first with them.
    pub async fn situations(&self, mut filter: SituationFilter) -> Result<(Vec<SituationSummary>, u64), ApiError> {
        filter.q = self.words(filter.q);
        let words = filter.q.is_some();
        self.list(filter, words, SearchIndex::situations).await
    }

    /// `q` if it has a word to search for (not only stop words such as «для» or punctuation).
    fn words(&self, q: Option<String>) -> Option<String> {
        q.filter(|q| self.index.has_words(q))
    }

    /// `answer` on this worker for a list without words, on the search threads for one with.
    async fn list<F: Send + 'static, T: Send + 'static>(
        &self,
        filter: F,
        words: bool,
        answer: fn(&SearchIndex, &F) -> Result<T, SearchError>,
    ) -> Result<T, ApiError> {
        if !words {
            return Ok(answer(&self.index, &filter)?);
        }
        let index = self.index.clone();
        self.cpu.run(move || answer(&index, &filter)).await?.map_err(ApiError::from)
    }

    /// Which snapshot of the index answers now: equal numbers, equal answers (for caches).
    pub fn generation(&self) -> u64 {
        self.index.generation()
    }

    /// The search page's answer: services with facets and snippets, situations, organizations.
    pub async fn search(&self, request: SearchRequest) -> Result<SearchResults, ApiError> {
        let index = self.index.clone();
        self.cpu.run(move || index.search(&request)).await?.map_err(ApiError::from)
    }

    /// The situations a person's own words point at, best first, with how well each matches
    /// (the router's «Что случилось?»); none for words that are all stop words.
    pub async fn situations_for_story(&self, text: String) -> Result<Vec<(String, f32)>, ApiError> {
        if !self.index.has_words(&text) {
            return Ok(Vec::new());
        }
        let index = self.index.clone();
        self.cpu.run(move || index.situations_for_story(&text)).await?.map_err(ApiError::from)
    }
}

impl FromRequest for Catalogue {
    type Error = ApiError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let catalogue = match (req.app_data::<web::Data<SearchIndex>>(), req.app_data::<web::Data<CpuQueue>>()) {
            (Some(index), Some(cpu)) => Ok(Catalogue { index: index.clone().into_inner(), cpu: cpu.clone() }),
            _ => Err(ApiError::Internal(anyhow::anyhow!("the search index is not part of the app"))),
        };
        std::future::ready(catalogue)
    }
}
