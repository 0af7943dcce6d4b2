//! The data the search tests run on.

use socio_domain::feed::{Catalogue, Feed};
use socio_search::SearchIndex;
use socio_store::{
    Store,
    seed::{seed_demo, seed_synthetic},
};

/// The demo data, plus `synthetic` generated services, in a fresh SQLite: its reference data, the
/// feed of its records and the index built from them.
pub async fn dataset(synthetic: usize) -> (Catalogue, Feed, SearchIndex) {
    let store = Store::connect("sqlite::memory:").await.unwrap_or_else(|e| panic!("SQLite in memory: {e}"));
    store.migrate().await.unwrap_or_else(|e| panic!("migrations: {e}"));
    seed_demo(&store).await.unwrap_or_else(|e| panic!("the demo seed: {e}"));
    if synthetic > 0 {
        seed_synthetic(&store, synthetic).await.unwrap_or_else(|e| panic!("the synthetic seed: {e}"));
    }
    let catalogue = store.catalogue().await.unwrap_or_else(|e| panic!("reference data: {e}"));
    let feed = store.search_feed(None).await.unwrap_or_else(|e| panic!("the feed: {e}"));
    let index = SearchIndex::build(&catalogue, feed.clone()).unwrap_or_else(|e| panic!("the index: {e}"));
    (catalogue, feed, index)
}
