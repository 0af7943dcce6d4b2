//! The benchmark's baseline for search: the same query as `GET /api/v1/search` (words, a city
//! and a format, facet counts, a ranked page with snippets) done the PostgreSQL way, with
//! `to_tsvector('russian')` over a GIN index. Only served when bench endpoints are enabled.

use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, Statement};
use serde_json::{Map, Value, json};

use crate::{Store, StoreError, entity::service, services::service_summaries};

/// The text expression the GIN index is built on (`cargo xtask bench-search` creates it).
pub const FULLTEXT: &str = "to_tsvector('russian', name || ' ' || summary || ' ' || description)";

impl Store {
    /// Runs the baseline query; PostgreSQL only.
    pub async fn bench_fulltext_search(&self, q: &str, municipality: &str, format: &str) -> Result<Value, StoreError> {
        if self.backend() != DbBackend::Postgres {
            return Err(StoreError::Seed("the full-text baseline needs PostgreSQL".into()));
        }
        let sql = format!(
            "WITH query AS (SELECT plainto_tsquery('russian', $1) AS q),
             m AS (SELECT s.id, s.cost, ts_rank({FULLTEXT}, query.q) AS rank FROM services s, query
                   WHERE s.status = 'published' AND {FULLTEXT} @@ query.q),
             in_city AS (SELECT sm.service_id FROM service_municipalities sm JOIN municipalities c ON c.id = sm.municipality_id WHERE c.slug = $2),
             in_format AS (SELECT service_id FROM service_formats WHERE format = $3),
             hits AS (SELECT m.* FROM m WHERE m.id IN (SELECT service_id FROM in_city) AND m.id IN (SELECT service_id FROM in_format)),
             page AS (SELECT id, rank FROM hits ORDER BY rank DESC, id LIMIT 20)
             SELECT 'page' AS facet, page.id::text AS value, page.rank::float8 AS n,
                    ts_headline('russian', s.summary || ' ' || s.description, query.q) AS snippet
               FROM page JOIN services s ON s.id = page.id, query
             UNION ALL SELECT 'total', '', count(*)::float8, NULL FROM hits
             UNION ALL SELECT 'municipality', c.slug, count(*)::float8, NULL FROM m
               JOIN service_municipalities sm ON sm.service_id = m.id JOIN municipalities c ON c.id = sm.municipality_id
               WHERE m.id IN (SELECT service_id FROM in_format) GROUP BY c.slug
             UNION ALL SELECT 'format', sf.format, count(*)::float8, NULL FROM m JOIN service_formats sf ON sf.service_id = m.id
               WHERE m.id IN (SELECT service_id FROM in_city) GROUP BY sf.format
             UNION ALL SELECT 'category', c.slug, count(*)::float8, NULL FROM hits
               JOIN service_categories sc ON sc.service_id = hits.id JOIN categories c ON c.id = sc.category_id GROUP BY c.slug
             UNION ALL SELECT 'target_group', t.slug, count(*)::float8, NULL FROM hits
               JOIN service_target_groups st ON st.service_id = hits.id JOIN target_groups t ON t.id = st.target_group_id GROUP BY t.slug
             UNION ALL SELECT 'cost', hits.cost, count(*)::float8, NULL FROM hits GROUP BY hits.cost"
        );
        let rows = self
            .db
            .query_all_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, [q.into(), municipality.into(), format.into()]))
            .await?;
        let mut facets: Map<String, Value> = Map::new();
        let mut page: Vec<(i64, String)> = Vec::new();
        let mut total = 0.0;
        for row in rows {
            let facet: String = row.try_get_by_index(0)?;
            let value: String = row.try_get_by_index(1)?;
            let n: f64 = row.try_get_by_index(2)?;
            match facet.as_str() {
                "page" => page.push((value.parse().unwrap_or_default(), row.try_get_by_index::<Option<String>>(3)?.unwrap_or_default())),
                "total" => total = n,
                _ => {
                    facets.entry(facet).or_insert_with(|| json!({})).as_object_mut().map(|o| o.insert(value, json!(n as u64)));
                }
            }
        }
        let ids: Vec<i64> = page.iter().map(|(id, _)| *id).collect();
        let rows = service::Entity::find().filter(service::Column::Id.is_in(ids.clone())).all(&self.db).await?;
        let mut summaries = service_summaries(&self.db, rows).await?;
        summaries.sort_by_key(|s| ids.iter().position(|id| *id == s.id));
        let items: Vec<Value> =
            summaries.into_iter().zip(page).map(|(s, (_, snippet))| json!({ "service": s, "snippet": snippet })).collect();
        Ok(json!({ "items": items, "total": total as u64, "facets": facets }))
    }
}
