//! What the store reads for HSDS: the published directory as flat records, every reference
//! already resolved to what HSDS names it by (the stored `hsds_id`s, slugs and names), so the
//! mapping needs no lookups of its own.

use chrono::{DateTime, NaiveDate, Utc};
use socio_domain::{
    OpeningInterval,
    vocabulary::{AccessibilityFeature, Cost, Form442, OrganizationKind, Sector, ServiceFormat},
};
use uuid::Uuid;

/// Every published organization, its published locations and its published services.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Directory {
    pub organizations: Vec<OrganizationRecord>,
    pub locations: Vec<LocationRecord>,
    pub services: Vec<ServiceRecord>,
    /// Changes that became public, oldest first.
    pub changes: Vec<ChangeRecord>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationRecord {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrganizationKind,
    pub sector: Sector,
    pub inn: Option<String>,
    pub ogrn: Option<String>,
    pub description: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub last_verified: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LocationRecord {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub name: String,
    /// The street address, without the city.
    pub address: String,
    /// The city's name.
    pub city: String,
    pub coordinates: Option<(f64, f64)>,
    pub phone: Option<String>,
    pub opening_hours: Vec<OpeningInterval>,
    pub accessibility: Vec<AccessibilityFeature>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRecord {
    pub id: Uuid,
    pub organization_id: Uuid,
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub description: String,
    pub form_442: Option<Form442>,
    pub cost: Cost,
    pub cost_note: Option<String>,
    pub age_min: Option<i16>,
    pub age_max: Option<i16>,
    pub eligibility: String,
    pub documents: Vec<String>,
    pub how_to_apply: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub last_verified: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
    /// Category slugs (groups or categories).
    pub categories: Vec<String>,
    /// Target group slugs.
    pub target_groups: Vec<String>,
    pub formats: Vec<ServiceFormat>,
    /// Covered cities: (slug, name).
    pub municipalities: Vec<(String, String)>,
    /// Ids of the published locations the service is given at.
    pub locations: Vec<Uuid>,
}

/// What kind of record a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Organization,
    Service,
    Location,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Organization => "organization",
            RecordKind::Service => "service",
            RecordKind::Location => "location",
        }
    }
}

/// One field of a record that changed publicly (an approved revision or a confirmation), from
/// the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRecord {
    /// The audit entry's id: with `field`, what the metadata id is derived from.
    pub audit_id: i64,
    pub kind: RecordKind,
    pub record: Uuid,
    pub date: NaiveDate,
    /// `create`, `update` or `verify`.
    pub action: &'static str,
    /// Our field name (as the cabinet's forms name it).
    pub field: String,
    pub before: String,
    pub after: String,
    /// Who, as a role (never a person's name).
    pub by: &'static str,
}
