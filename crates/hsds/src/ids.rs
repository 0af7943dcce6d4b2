//! Stable ids for what HSDS names but we keep no row of (taxonomies, their terms, …): a UUID
//! derived from what the thing is, so it is the same in every installation and never changes
//! while the thing stays what it is.

use uuid::Uuid;

/// The namespace of every derived id. Never change it: every id given out would change with it.
pub const NAMESPACE: Uuid = uuid::uuid!("ad644eb1-1d02-4506-ae2c-abecfb29220f");

/// The id of the thing named `key` (`"taxonomy:category"`, `"taxonomy_term:cost:free"`).
pub fn derived(key: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, key.as_bytes())
}

/// The id an organization is given when it is created (stored, never recomputed).
pub fn organization(slug: &str) -> Uuid {
    derived(&format!("organization:{slug}"))
}

/// The id a service is given when it is created.
pub fn service(slug: &str) -> Uuid {
    derived(&format!("service:{slug}"))
}

/// The id a location is given when it is created: its key is unique within its organization.
pub fn location(organization_slug: &str, key: &str) -> Uuid {
    derived(&format!("location:{organization_slug}/{key}"))
}

/// A random (version 4) id from 16 random bytes, for records with no natural key.
pub fn random(bytes: [u8; 16]) -> Uuid {
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_depend_on_the_key_only() {
        assert_eq!(derived("taxonomy:cost"), derived("taxonomy:cost"));
        assert_ne!(derived("taxonomy:cost"), derived("taxonomy:sector"));
        assert_eq!(derived("taxonomy:cost").get_version_num(), 5);
        // Pinned: a change here would change every id already published.
        assert_eq!(derived("taxonomy:cost").to_string(), PINNED_COST);
    }

    // Computed independently: Python's uuid.uuid5(NAMESPACE, "taxonomy:cost").
    const PINNED_COST: &str = "3fc5f4b6-b7ca-5969-9766-909d4d9affd0";
}
