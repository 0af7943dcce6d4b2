//! The operator's view of how the platform is used, and their internal notes on records.
//!
//! Usage is kept as daily counters per situation, city and kind (opened, route built), added in
//! batches by the API like service views: no person, no answer, no address is ever stored.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use socio_domain::{
    api::{CityUsage, MunicipalityRef, ReviewerNote, SituationUsage, UsageReport},
    vocabulary::NoteSubject,
};

use crate::{
    Kind, Store, StoreError,
    editing::head,
    entity::{reviewer_note, situation, situation_use, unmet_search, user},
    error::parse_stored,
};

/// What a citizen did with a situation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SituationUse {
    /// Opened its page.
    Opened,
    /// Built a route through it (on the server or in the browser).
    Route,
}

impl SituationUse {
    fn as_str(self) -> &'static str {
        match self {
            SituationUse::Opened => "opened",
            SituationUse::Route => "route",
        }
    }
}

/// One counter of situation use: situation slug, city slug ('' for none), what, how many.
pub type SituationUses = ((String, String, SituationUse), u64);

/// Most situations a report lists.
const SITUATIONS: usize = 50;
/// Most unmet searches a report lists.
const UNMET: u64 = 20;
/// Most notes listed for one record.
const NOTES: u64 = 200;

fn note_kind(subject: NoteSubject) -> Kind {
    match subject {
        NoteSubject::Organization => Kind::Organization,
        NoteSubject::Service => Kind::Service,
        NoteSubject::Location => Kind::Location,
    }
}

impl Store {
    /// Adds the counted uses of situations on `day`.
    pub async fn add_situation_uses(&self, day: NaiveDate, uses: &[SituationUses]) -> Result<(), StoreError> {
        for chunk in uses.chunks(500) {
            let rows = chunk.iter().map(|((situation, city, kind), count)| situation_use::ActiveModel {
                situation: Set(situation.clone()),
                municipality: Set(city.clone()),
                kind: Set(kind.as_str().to_owned()),
                day: Set(day),
                count: Set(i64::try_from(*count).unwrap_or(i64::MAX)),
            });
            situation_use::Entity::insert_many(rows)
                .on_conflict(
                    OnConflict::columns([
                        situation_use::Column::Situation,
                        situation_use::Column::Municipality,
                        situation_use::Column::Kind,
                        situation_use::Column::Day,
                    ])
                    .value(
                        situation_use::Column::Count,
                        Expr::col((situation_use::Entity, situation_use::Column::Count)).add(Expr::cust("excluded.count")),
                    )
                    .to_owned(),
                )
                .exec_without_returning(&self.db)
                .await?;
        }
        Ok(())
    }

    /// Use of the situations and unmet searches since `since`, in one city or all.
    pub async fn usage(&self, days: u16, since: NaiveDate, municipality: Option<&str>) -> Result<UsageReport, StoreError> {
        let cities: HashMap<String, String> = self.municipalities().await?.into_iter().map(|m| (m.slug, m.name)).collect();
        let city_ref = |slug: &str| cities.get(slug).map(|name| MunicipalityRef { slug: slug.to_owned(), name: name.clone() });

        let mut uses = situation_use::Entity::find()
            .select_only()
            .column(situation_use::Column::Situation)
            .column(situation_use::Column::Municipality)
            .column(situation_use::Column::Kind)
            .column_as(Expr::cust("CAST(SUM(count) AS BIGINT)"), "total")
            .filter(situation_use::Column::Day.gte(since))
            .group_by(situation_use::Column::Situation)
            .group_by(situation_use::Column::Municipality)
            .group_by(situation_use::Column::Kind);
        if let Some(slug) = municipality {
            uses = uses.filter(situation_use::Column::Municipality.eq(slug));
        }
        let uses = uses.into_tuple::<(String, String, String, i64)>().all(&self.db).await?;

        let mut unmet_by_city = unmet_search::Entity::find()
            .select_only()
            .column(unmet_search::Column::Municipality)
            .column_as(Expr::cust("CAST(SUM(count) AS BIGINT)"), "total")
            .filter(unmet_search::Column::Day.gte(since))
            .group_by(unmet_search::Column::Municipality);
        if let Some(slug) = municipality {
            unmet_by_city = unmet_by_city.filter(unmet_search::Column::Municipality.eq(slug));
        }
        let unmet_by_city = unmet_by_city.into_tuple::<(String, i64)>().all(&self.db).await?;

        let titles: HashMap<String, String> =
            situation::Entity::find().all(&self.db).await?.into_iter().map(|s| (s.slug, s.title)).collect();
        let count = |n: i64| u64::try_from(n).unwrap_or_default();
        let mut by_situation: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        let mut by_city: BTreeMap<String, CityUsage> = BTreeMap::new();
        fn city<'a>(
            by_city: &'a mut BTreeMap<String, CityUsage>,
            slug: &str,
            city_ref: impl Fn(&str) -> Option<MunicipalityRef>,
        ) -> &'a mut CityUsage {
            by_city.entry(slug.to_owned()).or_insert_with(|| CityUsage {
                municipality: city_ref(slug),
                opened: 0,
                routes: 0,
                unmet_searches: 0,
            })
        }
        for (situation, municipality, kind, total) in uses {
            let (opened, routes) = by_situation.entry(situation).or_default();
            let entry = city(&mut by_city, &municipality, city_ref);
            if kind == SituationUse::Route.as_str() {
                *routes += count(total);
                entry.routes += count(total);
            } else {
                *opened += count(total);
                entry.opened += count(total);
            }
        }
        for (municipality, total) in unmet_by_city {
            city(&mut by_city, &municipality, city_ref).unmet_searches += count(total);
        }

        let mut situations: Vec<SituationUsage> = by_situation
            .into_iter()
            .filter_map(|(slug, (opened, routes))| {
                // A situation withdrawn since keeps its counters but is not listed by a code alone.
                titles.get(&slug).map(|title| SituationUsage { title: title.clone(), slug, opened, routes })
            })
            .collect();
        situations.sort_by(|a, b| (b.routes + b.opened).cmp(&(a.routes + a.opened)).then_with(|| a.title.cmp(&b.title)));
        situations.truncate(SITUATIONS);
        let mut cities: Vec<CityUsage> = by_city.into_values().collect();
        let activity = |c: &CityUsage| c.opened + c.routes + c.unmet_searches;
        cities.sort_by(|a, b| {
            activity(b).cmp(&activity(a)).then_with(|| {
                let name = |c: &CityUsage| c.municipality.as_ref().map(|m| m.name.clone()).unwrap_or_default();
                name(a).cmp(&name(b))
            })
        });
        Ok(UsageReport {
            days,
            municipality: municipality.and_then(city_ref),
            situations,
            cities,
            unmet_searches: self.unmet_searches(since, municipality, UNMET).await?,
        })
    }

    /// Adds a reviewer's note on a record; the record must exist.
    pub async fn add_note(&self, author: i64, subject: NoteSubject, entity_id: i64, body: &str) -> Result<ReviewerNote, StoreError> {
        if head(&self.db, note_kind(subject), entity_id).await?.is_none() {
            return Err(StoreError::invalid("entity_id", "unknown_value", format!("Записи «{}» № {entity_id} нет.", subject.label())));
        }
        let saved = reviewer_note::ActiveModel {
            entity_type: Set(subject.as_str().to_owned()),
            entity_id: Set(entity_id),
            author_id: Set(author),
            body: Set(body.to_owned()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        let email = user::Entity::find_by_id(author).one(&self.db).await?.map(|u| u.email);
        Ok(ReviewerNote { id: saved.id, subject, entity_id, author_email: email, body: saved.body, created_at: saved.created_at })
    }

    /// The notes on a record, newest first.
    pub async fn notes(&self, subject: NoteSubject, entity_id: i64) -> Result<Vec<ReviewerNote>, StoreError> {
        let rows = reviewer_note::Entity::find()
            .filter(reviewer_note::Column::EntityType.eq(subject.as_str()))
            .filter(reviewer_note::Column::EntityId.eq(entity_id))
            .order_by_desc(reviewer_note::Column::Id)
            .limit(NOTES)
            .all(&self.db)
            .await?;
        let authors: Vec<i64> = rows.iter().map(|r| r.author_id).collect();
        let emails: HashMap<i64, String> = user::Entity::find()
            .filter(user::Column::Id.is_in(authors))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.email))
            .collect();
        rows.into_iter()
            .map(|row| {
                Ok(ReviewerNote {
                    id: row.id,
                    subject: parse_stored(&row.entity_type)?,
                    entity_id: row.entity_id,
                    author_email: emails.get(&row.author_id).cloned(),
                    body: row.body,
                    created_at: row.created_at,
                })
            })
            .collect()
    }
}
