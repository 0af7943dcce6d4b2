//! Batch loading of the many-to-many links (categories, target groups, municipalities, formats,
//! locations) for a page of records: one query per link kind, never one per record.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Value,
    sea_query::{Expr, ExprTrait, Order, Query},
};
use socio_domain::{
    Coordinates, OpeningInterval,
    api::{CategoryRef, Location, MunicipalityRef, TargetGroup},
    vocabulary::AccessibilityFeature,
};

use crate::{
    StoreError,
    entity::{location, municipality},
};

/// A (slug, name) pair linked to an owner id.
pub(crate) type Linked = HashMap<i64, Vec<(String, String)>>;

/// Loads `(owner, target.slug, target.name)` through `link_table`, ordered by the target's
/// position, for the given owners. Through `locations`, only published addresses count.
pub(crate) async fn slugs_through(
    db: &impl ConnectionTrait,
    link_table: &'static str,
    owner_col: &'static str,
    target_col: &'static str,
    target_table: &'static str,
    owners: &[i64],
) -> Result<Linked, StoreError> {
    let mut linked = Linked::new();
    if owners.is_empty() {
        return Ok(linked);
    }
    let query = Query::select()
        .expr(Expr::col((link_table, owner_col)))
        .expr(Expr::col((target_table, "slug")))
        .expr(Expr::col((target_table, "name")))
        .from(link_table)
        .inner_join(target_table, Expr::col((target_table, "id")).equals((link_table, target_col)))
        .and_where(Expr::col((link_table, owner_col)).is_in(owners.iter().copied()))
        .and_where_option((link_table == "locations").then(|| Expr::col((link_table, "status")).eq(crate::PUBLISHED)))
        .order_by((target_table, "position"), Order::Asc)
        .take();
    for row in db.query_all(&query).await? {
        let owner: i64 = row.try_get_by_index(0)?;
        linked.entry(owner).or_default().push((row.try_get_by_index(1)?, row.try_get_by_index(2)?));
    }
    Ok(linked)
}

/// Loads plain string values of a link table (e.g. a service's formats).
pub(crate) async fn values_of(
    db: &impl ConnectionTrait,
    link_table: &'static str,
    owner_col: &'static str,
    value_col: &'static str,
    owners: &[i64],
) -> Result<HashMap<i64, Vec<String>>, StoreError> {
    let mut values: HashMap<i64, Vec<String>> = HashMap::new();
    if owners.is_empty() {
        return Ok(values);
    }
    let query = Query::select()
        .column(owner_col)
        .column(value_col)
        .from(link_table)
        .and_where(Expr::col(owner_col).is_in(owners.iter().copied()))
        .order_by(value_col, Order::Asc)
        .take();
    for row in db.query_all(&query).await? {
        let owner: i64 = row.try_get_by_index(0)?;
        values.entry(owner).or_default().push(row.try_get_by_index(1)?);
    }
    Ok(values)
}

pub(crate) fn municipality_refs(pairs: Option<Vec<(String, String)>>) -> Vec<MunicipalityRef> {
    pairs.unwrap_or_default().into_iter().map(|(slug, name)| MunicipalityRef { slug, name }).collect()
}

pub(crate) fn category_refs(pairs: Option<Vec<(String, String)>>) -> Vec<CategoryRef> {
    pairs.unwrap_or_default().into_iter().map(|(slug, name)| CategoryRef { slug, name }).collect()
}

pub(crate) fn target_groups(pairs: Option<Vec<(String, String)>>) -> Vec<TargetGroup> {
    pairs.unwrap_or_default().into_iter().map(|(slug, name)| TargetGroup { slug, name }).collect()
}

/// Reads a JSON column holding a list of strings.
pub(crate) fn string_list(value: &serde_json::Value, what: &str) -> Result<Vec<String>, StoreError> {
    serde_json::from_value(value.clone()).map_err(|e| StoreError::corrupt(format!("{what}: {e}")))
}

/// Turns location rows into DTOs, with their municipalities.
pub(crate) async fn locations(db: &impl ConnectionTrait, rows: Vec<location::Model>) -> Result<Vec<Location>, StoreError> {
    let ids: Vec<i64> = rows.iter().map(|l| l.municipality_id).collect();
    let municipalities: HashMap<i64, MunicipalityRef> = municipality::Entity::find()
        .filter(municipality::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, MunicipalityRef { slug: m.slug, name: m.name }))
        .collect();
    rows.into_iter()
        .map(|row| {
            let municipality = municipalities
                .get(&row.municipality_id)
                .cloned()
                .ok_or_else(|| StoreError::corrupt(format!("location {} has no municipality", row.id)))?;
            let opening_hours: Vec<OpeningInterval> = serde_json::from_value(row.opening_hours)
                .map_err(|e| StoreError::corrupt(format!("opening hours of location {}: {e}", row.id)))?;
            let accessibility: Vec<AccessibilityFeature> = serde_json::from_value(row.accessibility)
                .map_err(|e| StoreError::corrupt(format!("accessibility of location {}: {e}", row.id)))?;
            Ok(Location {
                id: row.id,
                name: row.name,
                municipality,
                address: row.address,
                coordinates: row.lat.zip(row.lon).map(|(lat, lon)| Coordinates { lat, lon }),
                phone: row.phone,
                opening_hours,
                accessibility,
            })
        })
        .collect()
}

/// Locations of the given ids, ordered by municipality then name.
pub(crate) async fn locations_by_ids(db: &impl ConnectionTrait, ids: Vec<i64>) -> Result<Vec<Location>, StoreError> {
    let rows = location::Entity::find()
        .filter(location::Column::Id.is_in(ids))
        .filter(location::Column::Status.eq(crate::PUBLISHED))
        .order_by_asc(location::Column::MunicipalityId)
        .order_by_asc(location::Column::Name)
        .all(db)
        .await?;
    locations(db, rows).await
}

/// The subquery `SELECT owner FROM link WHERE target IN (…)`, for filters; through
/// `locations`, only published addresses count.
pub(crate) fn owners_linked_to(
    link_table: &'static str,
    owner_col: &'static str,
    target_col: &'static str,
    targets: Vec<Value>,
) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(owner_col)
        .from(link_table)
        .and_where(Expr::col(target_col).is_in(targets))
        .and_where_option((link_table == "locations").then(|| Expr::col("status").eq(crate::PUBLISHED)))
        .take()
}
