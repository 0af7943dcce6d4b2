//! Small building blocks shared by the pages.

mod cards;
mod filter;
mod status;

pub use cards::{LocationBlock, PhoneLink, ServiceCard, WebsiteLink};
pub use filter::{Completions, FilterSelect};
pub use status::{Pager, Title, loaded};
