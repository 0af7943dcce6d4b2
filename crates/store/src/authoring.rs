//! Life-situation authoring: versions of a situation (drafts, the published one, the earlier
//! ones) and publishing, which writes the version out to the tables citizens' pages and the
//! router read, in one transaction with the audit log and the change log. Until then a
//! citizen sees the version published before.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use serde_json::json;
use socio_domain::{
    api::{AuthoredSituation, FieldError, SituationDefinition, SituationVersion},
    text::fold,
    vocabulary::{ModerationStatus, VersionStatus},
};

use crate::{
    Store, StoreError,
    audit::{Actor, audit},
    change_log::{Changed, log_changes},
    entity::{
        category, situation, situation_category, situation_question, situation_related, situation_step, situation_target_group,
        situation_version, target_group, user,
    },
    seed::insert_links,
};

/// Writes a situation's definition into the tables citizens read (replacing what was there),
/// checked by an editor on `checked_on`; returns its id. `position` keeps the existing one when
/// `None`.
pub(crate) async fn write_situation(
    db: &impl ConnectionTrait,
    def: &SituationDefinition,
    checked_on: chrono::NaiveDate,
    position: Option<i32>,
    status: &str,
    categories: &HashMap<String, i64>,
    groups: &HashMap<String, i64>,
) -> Result<i64, StoreError> {
    let now = Utc::now();
    let existing = situation::Entity::find().filter(situation::Column::Slug.eq(def.slug.as_str())).one(db).await?;
    let is_new = existing.is_none();
    let next_position = match position {
        Some(p) => p,
        None if is_new => situation::Entity::find()
            .order_by_desc(situation::Column::Position)
            .one(db)
            .await?
            .map_or(0, |last| last.position.saturating_add(1)),
        None => existing.as_ref().map_or(0, |e| e.position),
    };
    let mut model = existing.map(IntoActiveModel::into_active_model).unwrap_or_default();
    model.slug = Set(def.slug.clone());
    model.title = Set(def.title.clone());
    model.summary = Set(def.summary.clone());
    model.description = Set(def.description.clone());
    model.status = Set(status.to_owned());
    model.position = Set(next_position);
    model.sources = Set(Some(json!(def.sources)));
    model.checked_on = Set(Some(checked_on));
    let steps_text: Vec<&str> = def.steps.iter().map(|s| s.title.as_str()).collect();
    model.search_text = Set(fold(&format!("{} {} {} {}", def.title, def.summary, def.description, steps_text.join(" "))));
    model.updated_at = Set(now);
    if is_new {
        model.version = Set(1);
        model.created_at = Set(now);
    }
    let id = *model.save(db).await?.id.as_ref();
    situation_target_group::Entity::delete_many().filter(situation_target_group::Column::SituationId.eq(id)).exec(db).await?;
    situation_category::Entity::delete_many().filter(situation_category::Column::SituationId.eq(id)).exec(db).await?;
    situation_question::Entity::delete_many().filter(situation_question::Column::SituationId.eq(id)).exec(db).await?;
    situation_step::Entity::delete_many().filter(situation_step::Column::SituationId.eq(id)).exec(db).await?;
    insert_links(
        db,
        def.target_groups
            .iter()
            .filter_map(|g| groups.get(g))
            .map(|g| situation_target_group::ActiveModel { situation_id: Set(id), target_group_id: Set(*g) }),
    )
    .await?;
    insert_links(
        db,
        def.categories
            .iter()
            .filter_map(|c| categories.get(c))
            .map(|c| situation_category::ActiveModel { situation_id: Set(id), category_id: Set(*c) }),
    )
    .await?;
    for (qi, question) in def.questions.iter().enumerate() {
        situation_question::ActiveModel {
            situation_id: Set(id),
            position: Set(i32::try_from(qi).unwrap_or(i32::MAX)),
            key: Set(question.key.clone()),
            text: Set(question.text.clone()),
            help: Set(question.help.clone()),
            kind: Set(serde_json::to_value(question.kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()),
            options: Set(json!(question.options)),
            min: Set(question.min),
            max: Set(question.max),
            ask_if: Set(question.ask_if.as_ref().map(|c| json!(c))),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    for (si, step) in def.steps.iter().enumerate() {
        situation_step::ActiveModel {
            situation_id: Set(id),
            position: Set(i32::try_from(si + 1).unwrap_or(i32::MAX)),
            title: Set(step.title.clone()),
            body: Set(step.body.clone()),
            documents: Set(json!(step.documents)),
            categories: Set(json!(step.categories)),
            deadline: Set(step.deadline.clone()),
            condition: Set(step.condition.as_ref().map(|c| json!(c))),
            sources: Set(Some(json!(step.sources))),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(id)
}

fn refuse_form_errors(def: &SituationDefinition) -> Result<(), StoreError> {
    let errors = def.form_errors();
    if errors.is_empty() { Ok(()) } else { Err(StoreError::Invalid(errors)) }
}

fn status_of(row: &situation_version::Model) -> Result<VersionStatus, StoreError> {
    crate::error::parse_stored(&row.status)
}

impl Store {
    async fn version_view(&self, row: situation_version::Model) -> Result<SituationVersion, StoreError> {
        let definition: SituationDefinition = serde_json::from_value(row.definition.clone())
            .map_err(|e| StoreError::corrupt(format!("situation version {}: {e}", row.id)))?;
        let mut problems = definition.problems();
        if problems.is_empty() {
            problems = self.reference_problems(&definition).await?;
        }
        let author_email = match row.created_by {
            Some(id) => user::Entity::find_by_id(id).one(&self.db).await?.map(|u| u.email),
            None => None,
        };
        Ok(SituationVersion {
            id: row.id,
            number: row.number,
            version: row.edit_version,
            status: status_of(&row)?,
            definition,
            problems,
            author_email,
            created_at: row.created_at,
            published_at: row.published_at,
        })
    }

    /// The definition's references to the directory: second-level categories, known target
    /// groups, related situations that are published and not itself.
    async fn reference_problems(&self, def: &SituationDefinition) -> Result<Vec<FieldError>, StoreError> {
        let leaves: Vec<String> = category::Entity::find()
            .filter(category::Column::ParentId.is_not_null())
            .all(&self.db)
            .await?
            .into_iter()
            .map(|c| c.slug)
            .collect();
        let groups: Vec<String> = target_group::Entity::find().all(&self.db).await?.into_iter().map(|g| g.slug).collect();
        let published: Vec<String> = situation::Entity::find()
            .filter(situation::Column::Status.eq(ModerationStatus::Published.as_str()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| s.slug)
            .collect();
        let unknown = |field: String, value: &str, known: &[String], what: &str| {
            (!known.iter().any(|k| k == value))
                .then(|| FieldError::new(field, "unknown_value", format!("{what} «{value}» нет в справочнике.")))
        };
        let mut problems = Vec::new();
        for (i, c) in def.categories.iter().enumerate() {
            problems.extend(unknown(format!("categories[{i}]"), c, &leaves, "Категории второго уровня"));
        }
        for (i, g) in def.target_groups.iter().enumerate() {
            problems.extend(unknown(format!("target_groups[{i}]"), g, &groups, "Категории получателей"));
        }
        for (i, r) in def.related.iter().enumerate() {
            if r == &def.slug {
                problems.push(FieldError::new(format!("related[{i}]"), "invalid", "Ситуация не может ссылаться на саму себя."));
            } else {
                problems.extend(unknown(format!("related[{i}]"), r, &published, "Опубликованной ситуации"));
            }
        }
        for (si, step) in def.steps.iter().enumerate() {
            for (i, c) in step.categories.iter().enumerate() {
                problems.extend(unknown(format!("steps[{si}].categories[{i}]"), c, &leaves, "Категории второго уровня"));
            }
        }
        Ok(problems)
    }

    /// Every situation with versions or published: the editor's list, by slug.
    pub async fn authored_situations(&self) -> Result<Vec<AuthoredSituation>, StoreError> {
        let rows = situation_version::Entity::find()
            .order_by_asc(situation_version::Column::Slug)
            .order_by_asc(situation_version::Column::Number)
            .all(&self.db)
            .await?;
        let mut list: Vec<AuthoredSituation> = Vec::new();
        for row in rows {
            let title = row.definition["title"].as_str().unwrap_or_default().to_owned();
            let published = (row.status == VersionStatus::Published.as_str()).then_some(row.number);
            match list.last_mut().filter(|s| s.slug == row.slug) {
                Some(entry) => {
                    entry.title = title;
                    entry.latest = row.number;
                    entry.latest_id = row.id;
                    entry.published = published.or(entry.published);
                }
                None => list.push(AuthoredSituation { slug: row.slug, title, published, latest: row.number, latest_id: row.id }),
            }
        }
        Ok(list)
    }

    /// The versions of a situation, newest first.
    pub async fn situation_versions(&self, slug: &str) -> Result<Vec<SituationVersion>, StoreError> {
        let rows = situation_version::Entity::find()
            .filter(situation_version::Column::Slug.eq(slug))
            .order_by_desc(situation_version::Column::Number)
            .limit(100)
            .all(&self.db)
            .await?;
        let mut views = Vec::with_capacity(rows.len());
        for row in rows {
            views.push(self.version_view(row).await?);
        }
        Ok(views)
    }

    /// One version and its edit counter (for `If-Match`).
    pub async fn situation_version(&self, id: i64) -> Result<(SituationVersion, i32), StoreError> {
        let row = situation_version::Entity::find_by_id(id).one(&self.db).await?.ok_or(StoreError::NotFound("Версия ситуации"))?;
        let edit = row.edit_version;
        Ok((self.version_view(row).await?, edit))
    }

    /// A new draft version of the situation `def.slug` (its first, or the next after the
    /// latest); returns its id. A draft may have problems: they are shown, not refused.
    pub async fn create_situation_version(&self, actor: i64, def: &SituationDefinition) -> Result<i64, StoreError> {
        refuse_form_errors(def)?;
        let txn = self.write().await?;
        let latest = situation_version::Entity::find()
            .filter(situation_version::Column::Slug.eq(def.slug.as_str()))
            .order_by_desc(situation_version::Column::Number)
            .one(&txn)
            .await?;
        let number = latest.map_or(1, |v| v.number + 1);
        let now = Utc::now();
        let saved = situation_version::ActiveModel {
            slug: Set(def.slug.clone()),
            number: Set(number),
            status: Set(VersionStatus::Draft.as_str().to_owned()),
            definition: Set(json!(def)),
            edit_version: Set(1),
            created_by: Set(Some(actor)),
            created_at: Set(now),
            updated_at: Set(now),
            published_at: Set(None),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit(&txn, Actor::User(actor), "create_version", "situation_version", saved.id, json!({ "slug": def.slug, "number": number }))
            .await?;
        txn.commit().await?;
        Ok(saved.id)
    }

    /// Saves a draft over version `expected` of its edit counter.
    pub async fn save_situation_version(&self, actor: i64, id: i64, expected: i32, def: &SituationDefinition) -> Result<(), StoreError> {
        refuse_form_errors(def)?;
        let txn = self.write().await?;
        let row = situation_version::Entity::find_by_id(id).one(&txn).await?.ok_or(StoreError::NotFound("Версия ситуации"))?;
        if row.status != VersionStatus::Draft.as_str() {
            return Err(StoreError::conflict("not_draft", "Менять можно только черновик: создайте новую версию или восстановите эту."));
        }
        if row.slug != def.slug {
            return Err(StoreError::invalid(
                "slug",
                "slug_changed",
                "У версий одной ситуации один код: создайте новую ситуацию с другим кодом.",
            ));
        }
        let updated = situation_version::Entity::update_many()
            .col_expr(situation_version::Column::Definition, Expr::value(json!(def)))
            .col_expr(situation_version::Column::EditVersion, Expr::value(expected + 1))
            .col_expr(situation_version::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(situation_version::Column::Id.eq(id))
            .filter(situation_version::Column::EditVersion.eq(expected))
            .exec(&txn)
            .await?;
        if updated.rows_affected != 1 {
            return Err(StoreError::StaleVersion { expected, current: row.edit_version });
        }
        audit(&txn, Actor::User(actor), "save_version", "situation_version", id, json!({ "before": row.definition, "after": def })).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Publishes a draft: refused (422, each problem at its part) when the definition has any;
    /// otherwise citizens see it from the commit on, and the version published before becomes
    /// an earlier one.
    pub async fn publish_situation_version(&self, actor: i64, id: i64) -> Result<(), StoreError> {
        let (view, _) = self.situation_version(id).await?;
        if view.status != VersionStatus::Draft {
            return Err(StoreError::conflict("not_draft", "Эта версия уже была опубликована: восстановите её как новый черновик."));
        }
        if !view.problems.is_empty() {
            return Err(StoreError::Invalid(view.problems));
        }
        let def = &view.definition;
        let txn = self.write().await?;
        let previous = situation_version::Entity::find()
            .filter(situation_version::Column::Slug.eq(def.slug.as_str()))
            .filter(situation_version::Column::Status.eq(VersionStatus::Published.as_str()))
            .one(&txn)
            .await?;
        let claimed = situation_version::Entity::update_many()
            .col_expr(situation_version::Column::Status, Expr::value(VersionStatus::Published.as_str()))
            .col_expr(situation_version::Column::PublishedAt, Expr::value(Some(Utc::now())))
            .filter(situation_version::Column::Id.eq(id))
            .filter(situation_version::Column::Status.eq(VersionStatus::Draft.as_str()))
            .exec(&txn)
            .await?;
        if claimed.rows_affected != 1 {
            return Err(StoreError::conflict("not_draft", "Эту версию только что опубликовал другой редактор."));
        }
        if let Some(previous) = &previous {
            situation_version::Entity::update_many()
                .col_expr(situation_version::Column::Status, Expr::value(VersionStatus::Archived.as_str()))
                .filter(situation_version::Column::Id.eq(previous.id))
                .exec(&txn)
                .await?;
        }
        let categories: HashMap<String, i64> = category::Entity::find().all(&txn).await?.into_iter().map(|c| (c.slug, c.id)).collect();
        let groups: HashMap<String, i64> = target_group::Entity::find().all(&txn).await?.into_iter().map(|g| (g.slug, g.id)).collect();
        let situation_id =
            write_situation(&txn, def, Utc::now().date_naive(), None, ModerationStatus::Published.as_str(), &categories, &groups).await?;
        situation_related::Entity::delete_many().filter(situation_related::Column::SituationId.eq(situation_id)).exec(&txn).await?;
        let related: Vec<i64> = situation::Entity::find()
            .filter(situation::Column::Slug.is_in(def.related.iter().map(String::as_str)))
            .all(&txn)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect();
        insert_links(
            &txn,
            related.into_iter().map(|r| situation_related::ActiveModel { situation_id: Set(situation_id), related_id: Set(r) }),
        )
        .await?;
        let details = json!({ "slug": def.slug, "before": previous.map(|p| p.number), "after": view.number });
        audit(&txn, Actor::User(actor), "publish", "situation", situation_id, details).await?;
        log_changes(&txn, &[(Changed::Situation, situation_id)]).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A new draft with the definition of version `id` (an earlier one, to bring it back).
    pub async fn restore_situation_version(&self, actor: i64, id: i64) -> Result<i64, StoreError> {
        let (view, _) = self.situation_version(id).await?;
        self.create_situation_version(actor, &view.definition).await
    }
}
