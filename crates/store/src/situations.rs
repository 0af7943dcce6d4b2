//! Life situations: one situation with its questionnaire and steps, and the summaries the search
//! feed carries (the list is the index's).

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use socio_domain::{
    Slug,
    api::{SituationDetail, SituationRef, SituationSummary},
    situation::{Question, QuestionOption, Step},
};

use crate::{
    PUBLISHED, Store, StoreError,
    entity::{situation, situation_question, situation_related, situation_step},
    links::{category_refs, slugs_through, string_list, target_groups},
};

fn json<T: serde::de::DeserializeOwned>(value: serde_json::Value, what: &str) -> Result<T, StoreError> {
    serde_json::from_value(value).map_err(|e| StoreError::corrupt(format!("{what}: {e}")))
}

impl Store {
    /// A published situation by slug, with questions, all steps and related situations.
    pub async fn situation(&self, slug: &Slug) -> Result<Option<SituationDetail>, StoreError> {
        let Some(row) = situation::Entity::find()
            .filter(situation::Column::Status.eq(PUBLISHED))
            .filter(situation::Column::Slug.eq(slug.as_str()))
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let ids = [row.id];
        let groups = slugs_through(&self.db, "situation_target_groups", "situation_id", "target_group_id", "target_groups", &ids)
            .await?
            .remove(&row.id);
        let categories =
            slugs_through(&self.db, "situation_categories", "situation_id", "category_id", "categories", &ids).await?.remove(&row.id);
        let questions = situation_question::Entity::find()
            .filter(situation_question::Column::SituationId.eq(row.id))
            .order_by_asc(situation_question::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|q| {
                Ok(Question {
                    kind: parse_stored_kind(&q.kind)?,
                    options: json::<Vec<QuestionOption>>(q.options, "question options")?,
                    ask_if: q.ask_if.map(|c| json(c, "question condition")).transpose()?,
                    key: q.key,
                    text: q.text,
                    help: q.help,
                    min: q.min,
                    max: q.max,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let steps = situation_step::Entity::find()
            .filter(situation_step::Column::SituationId.eq(row.id))
            .order_by_asc(situation_step::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| {
                Ok(Step {
                    position: u32::try_from(s.position).map_err(StoreError::corrupt)?,
                    documents: string_list(&s.documents, "step documents")?,
                    categories: string_list(&s.categories, "step categories")?,
                    condition: s.condition.map(|c| json(c, "step condition")).transpose()?,
                    title: s.title,
                    body: s.body,
                    deadline: s.deadline,
                    sources: s.sources.map(|v| json(v, "step sources")).transpose()?.unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let related_ids: Vec<i64> = situation_related::Entity::find()
            .filter(situation_related::Column::SituationId.eq(row.id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| r.related_id)
            .collect();
        let related = situation::Entity::find()
            .filter(situation::Column::Id.is_in(related_ids))
            .filter(situation::Column::Status.eq(PUBLISHED))
            .order_by_asc(situation::Column::Position)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| SituationRef { slug: s.slug, title: s.title })
            .collect();
        Ok(Some(SituationDetail {
            slug: row.slug,
            title: row.title,
            summary: row.summary,
            description: row.description,
            target_groups: target_groups(groups),
            categories: category_refs(categories),
            questions,
            steps,
            related,
            sources: row.sources.map(|v| json(v, "situation sources")).transpose()?.unwrap_or_default(),
            checked_on: row.checked_on,
        }))
    }
}

fn parse_stored_kind(kind: &str) -> Result<socio_domain::situation::QuestionKind, StoreError> {
    serde_json::from_value(serde_json::Value::String(kind.to_owned()))
        .map_err(|e| StoreError::corrupt(format!("question kind {kind}: {e}")))
}

/// Builds list DTOs for situation rows, loading their target groups and categories in batches.
pub(crate) async fn situation_summaries(
    db: &impl ConnectionTrait,
    rows: Vec<situation::Model>,
) -> Result<Vec<SituationSummary>, StoreError> {
    let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
    let mut groups = slugs_through(db, "situation_target_groups", "situation_id", "target_group_id", "target_groups", &ids).await?;
    let mut categories = slugs_through(db, "situation_categories", "situation_id", "category_id", "categories", &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| SituationSummary {
            target_groups: target_groups(groups.remove(&row.id)),
            categories: category_refs(categories.remove(&row.id)),
            slug: row.slug,
            title: row.title,
            summary: row.summary,
        })
        .collect())
}
