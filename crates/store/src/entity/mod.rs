//! sea-orm entities, one per table; the schema itself is owned by `migrations/`.

pub mod category;
pub mod dataset_meta;
pub mod location;
pub mod municipality;
pub mod organization;
pub mod report;
pub mod service;
pub mod service_category;
pub mod service_format;
pub mod service_location;
pub mod service_municipality;
pub mod service_target_group;
pub mod situation;
pub mod situation_category;
pub mod situation_question;
pub mod situation_related;
pub mod situation_step;
pub mod situation_target_group;
pub mod socio_centre;
pub mod target_group;
pub mod unmet_search;
