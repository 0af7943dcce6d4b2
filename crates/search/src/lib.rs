//! Full-text search over services, organizations and situations.
//!
//! Reserved for the search issue (a tantivy index with Russian stemming, typo tolerance, facets
//! and geo sorting). Until then the catalogue's `q` filter matches folded, lightly stemmed text
//! in the database (`socio_domain::text`).
