//! What a citizen reads on a public page, written once: the server renders these components to
//! HTML for search engines, link previews and a phone before the wasm has arrived, and the SPA
//! mounts the very same components, so the first screen does not change when the app starts.
//!
//! Every component here is pure: a DTO in, a view out, no requests, no browser state. What is
//! interactive (the report form, the filters, the printing button) stays in the SPA around them.

mod address;
mod cards;
mod directory;
mod frame;
mod situation;

pub use address::{href_with, query_from_pairs};
pub use cards::{LocationBlock, Pager, PhoneLink, ServiceCard, WebsiteLink};
pub use directory::{CategoryTiles, CentreList, OrganizationDetails, OrganizationItem, ServiceDetails};
pub use frame::{DemoBanner, SECTIONS, SiteFooter};
pub use situation::{
    CheckedOn, SituationQuestions, SituationSteps, SituationThemes, SituationTiles, SituationsAbove, SituationsOnHome, Sources,
    step_services_href,
};

/// The text of a page's `<title>`: the page's own name, then the site's.
pub fn title(page: &str) -> String {
    format!("{page} — Социальный кластер")
}
