//! Small building blocks shared by the pages.

mod filter;
mod status;

pub use filter::{Completions, FilterSelect};
pub use socio_views::{Pager, PhoneLink, ServiceCard};
pub use status::{Title, loaded};
