//! Full-text search over services, organizations and life situations.
//!
//! People type «пособия многодетным», «логопед ребенку», «ТСР», often with a typo. The index
//! stems Russian words, expands abbreviations, forgives one typo in longer words, and answers
//! from memory with facet counts, distances and snippets. Each API replica keeps its own index,
//! built from the database at start and kept fresh from the store's change feed.

mod analyzer;
mod catalogue;
mod completion;
mod facets;
mod index;
mod listing;
mod memory;
mod query;
mod ranked;
mod slots;
mod synonyms;
mod terms;
mod understood;

pub use index::{SearchError, SearchIndex};
pub use memory::MemoryPart;
