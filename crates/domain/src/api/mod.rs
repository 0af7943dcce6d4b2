//! The public contract: request filters and response bodies of `/api/v1`.
//!
//! The server serialises these, the typed client and the SPA deserialise them, and the OpenAPI
//! document is generated from them; field docs are in Russian because people read them there.

mod auth;
mod authoring;
mod backoffice;
mod cabinet;
mod catalogue;
mod directory;
mod page;
mod problem;
mod query;
mod reports;
mod router;
mod search;
mod situations;

pub use auth::*;
pub use authoring::*;
pub use backoffice::*;
pub use cabinet::*;
pub use catalogue::*;
pub use directory::*;
pub use page::*;
pub use problem::*;
pub use query::*;
pub use reports::*;
pub use router::*;
pub use search::*;
pub use situations::*;
