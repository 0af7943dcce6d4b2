//! Unmet demand: searches that found nothing, counted per query, city and day.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use socio_domain::api::{MunicipalityRef, UnmetSearch};

use crate::{Store, StoreError, entity::unmet_search};

impl Store {
    /// Counts one search that found nothing. `query` is already normalised by the caller.
    pub async fn record_unmet_search(&self, query: &str, municipality: Option<&str>, day: NaiveDate) -> Result<(), StoreError> {
        let row = unmet_search::ActiveModel {
            query: sea_orm::ActiveValue::Set(query.chars().take(200).collect()),
            municipality: sea_orm::ActiveValue::Set(municipality.unwrap_or_default().to_owned()),
            day: sea_orm::ActiveValue::Set(day),
            count: sea_orm::ActiveValue::Set(1),
        };
        unmet_search::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([unmet_search::Column::Query, unmet_search::Column::Municipality, unmet_search::Column::Day])
                    .value(unmet_search::Column::Count, Expr::col((unmet_search::Entity, unmet_search::Column::Count)).add(1))
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await?;
        Ok(())
    }

    /// The most frequent unmet searches since `since`, optionally in one city.
    pub async fn unmet_searches(&self, since: NaiveDate, municipality: Option<&str>, limit: u64) -> Result<Vec<UnmetSearch>, StoreError> {
        let mut select = unmet_search::Entity::find()
            .select_only()
            .column(unmet_search::Column::Query)
            .column(unmet_search::Column::Municipality)
            .column_as(Expr::cust("CAST(SUM(count) AS BIGINT)"), "total")
            .column_as(unmet_search::Column::Day.min(), "first_seen")
            .column_as(unmet_search::Column::Day.max(), "last_seen")
            .filter(unmet_search::Column::Day.gte(since))
            .group_by(unmet_search::Column::Query)
            .group_by(unmet_search::Column::Municipality)
            .order_by_desc(Expr::col("total"))
            .order_by_asc(unmet_search::Column::Query)
            .limit(limit);
        if let Some(slug) = municipality {
            select = select.filter(unmet_search::Column::Municipality.eq(slug));
        }
        let rows = select.into_tuple::<(String, String, i64, NaiveDate, NaiveDate)>().all(&self.db).await?;
        let cities: HashMap<String, String> = self.municipalities().await?.into_iter().map(|m| (m.slug, m.name)).collect();
        Ok(rows
            .into_iter()
            .map(|(query, city, count, first_seen, last_seen)| UnmetSearch {
                municipality: cities.get(&city).map(|name| MunicipalityRef { slug: city.clone(), name: name.clone() }),
                query,
                count: u64::try_from(count).unwrap_or_default(),
                first_seen,
                last_seen,
            })
            .collect())
    }
}
