//! Small building blocks shared by the pages.

mod cards;
mod status;

pub use cards::{LocationBlock, PhoneLink, ServiceCard};
pub use status::{Pager, Title, loaded};
