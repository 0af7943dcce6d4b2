//! What the search index is fed: every published record with the text to match and the points
//! to measure distance from, and which records left the public catalogue.
//!
//! The store produces a feed (everything at start, then what changed since a watermark) and the
//! search crate consumes it; neither knows the other, both know these types.

use chrono::{DateTime, Utc};

use crate::{
    Coordinates,
    api::{CategoryGroup, Municipality, OrganizationSummary, ServiceSummary, SituationSummary, TargetGroup},
};

/// A published service as the index sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDocument {
    pub summary: ServiceSummary,
    /// Description, eligibility and how to apply: matched and quoted in snippets.
    pub body: String,
    /// Coordinates of the addresses where the service is delivered.
    pub points: Vec<Coordinates>,
    pub updated_at: DateTime<Utc>,
}

/// A published organization as the index sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationDocument {
    pub summary: OrganizationSummary,
    pub description: String,
    pub updated_at: DateTime<Utc>,
}

/// A published life situation as the index sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct SituationDocument {
    pub id: i64,
    /// The editors' order of situations.
    pub position: i32,
    pub summary: SituationSummary,
    /// Description and step titles.
    pub body: String,
    pub updated_at: DateTime<Utc>,
}

/// Records to (re)index and records to drop, by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feed {
    pub services: Vec<ServiceDocument>,
    pub removed_services: Vec<i64>,
    pub organizations: Vec<OrganizationDocument>,
    pub removed_organizations: Vec<i64>,
    pub situations: Vec<SituationDocument>,
    pub removed_situations: Vec<i64>,
}

/// The kinds of records the index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    Service,
    Organization,
    Situation,
}

impl Feed {
    pub fn is_empty(&self) -> bool {
        self.services.is_empty()
            && self.removed_services.is_empty()
            && self.organizations.is_empty()
            && self.removed_organizations.is_empty()
            && self.situations.is_empty()
            && self.removed_situations.is_empty()
    }
}

/// Reference data the index needs for facet names, category groups and city centres.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalogue {
    pub municipalities: Vec<Municipality>,
    pub categories: Vec<CategoryGroup>,
    pub target_groups: Vec<TargetGroup>,
}
