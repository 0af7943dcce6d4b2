//! An operator's bulk import: records read from an HSDS package written through the same
//! checks and write functions as the cabinet's edits, in one transaction (all or nothing), as
//! published records keeping their HSDS ids. A record already there with the same content is
//! left alone, so importing the same file twice changes nothing; a dry run checks everything
//! and writes nothing.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, EntityTrait,
    sea_query::{Expr, ExprTrait, Query},
};
use socio_domain::api::ServiceInput;
use socio_domain::{api::FieldError, vocabulary::ModerationStatus};
use socio_hsds::{
    import::{Incoming, Origin, Problem},
    template::{TemplateRow, Vocabulary},
};
use uuid::Uuid;

use super::{Kind, Record, create_in, organizations::insert_organization, own_head, save_in, submit_in};
use crate::{
    Store, StoreError,
    audit::{Actor, audit},
    change_log::log_changes,
    entity::municipality,
};

/// What an import did, or would do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Every problem found, by file, row and column; nothing is written when there is one.
    pub problems: Vec<Problem>,
}

fn problems_of(origin: &Origin, errors: Vec<FieldError>) -> impl Iterator<Item = Problem> + '_ {
    errors.into_iter().map(move |e| Problem { file: origin.file.to_owned(), row: origin.row, column: e.field, message: e.detail })
}

fn store_problem(origin: &Origin, error: StoreError) -> Result<Vec<Problem>, StoreError> {
    match error {
        StoreError::Invalid(errors) => Ok(problems_of(origin, errors).collect()),
        StoreError::UnknownValue { field, value } => Ok(vec![Problem {
            file: origin.file.to_owned(),
            row: origin.row,
            column: field.to_owned(),
            message: format!("Неизвестное значение «{}».", socio_domain::text::echoed(&value)),
        }]),
        StoreError::Conflict { detail, .. } => {
            Ok(vec![Problem { file: origin.file.to_owned(), row: origin.row, column: String::new(), message: detail }])
        }
        other => Err(other),
    }
}

/// The row id of the record published under `hsds_id` in `table`.
async fn row_of(db: &DatabaseTransaction, table: &'static str, hsds_id: Uuid) -> Result<Option<i64>, StoreError> {
    let query = Query::select().column("id").from(table).and_where(Expr::col("hsds_id").eq(hsds_id.to_string())).take();
    Ok(match db.query_one(&query).await? {
        Some(row) => Some(row.try_get_by_index(0)?),
        None => None,
    })
}

/// Publishes a written record under its HSDS id, checked as of `verified`, changed at `at`.
async fn publish(
    db: &DatabaseTransaction,
    kind: Kind,
    id: i64,
    hsds_id: Uuid,
    verified: Option<chrono::NaiveDate>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut update = Query::update();
    update
        .table(kind.table())
        .value("status", ModerationStatus::Published.as_str())
        .value("hsds_id", hsds_id.to_string())
        .value("updated_at", at)
        .and_where(Expr::col("id").eq(id));
    if kind.has_freshness() {
        update.value("last_verified", verified);
    }
    db.execute(&update).await?;
    Ok(())
}

enum Outcome {
    Created(i64),
    Updated(i64),
    Unchanged(i64),
}

/// Writes one record: over the one with its id, or as a new one.
async fn upsert<R: Record>(
    db: &DatabaseTransaction,
    existing: Option<i64>,
    organization: Option<i64>,
    input: &R,
    origin: &Origin,
    problems: &mut Vec<Problem>,
) -> Result<Option<Outcome>, StoreError>
where
    R::Valid: PartialEq,
{
    let valid = match input.validate() {
        Ok(valid) => valid,
        Err(errors) => {
            problems.extend(problems_of(origin, errors));
            return Ok(None);
        }
    };
    let owner = organization.or(existing).unwrap_or_default();
    if let Err(e) = R::check(db, owner, &valid).await {
        problems.extend(store_problem(origin, e)?);
        return Ok(None);
    }
    let outcome = match existing {
        // Compared as checked, so what the checks normalise (spaces, line breaks) is no change.
        Some(id) if R::load(db, id).await?.validate().ok().as_ref() == Some(&valid) => Outcome::Unchanged(id),
        Some(id) => {
            R::write(db, id, owner, &valid).await?;
            Outcome::Updated(id)
        }
        None => match R::insert(db, owner, &valid).await {
            Ok(id) => Outcome::Created(id),
            Err(e) => {
                problems.extend(store_problem(origin, e)?);
                return Ok(None);
            }
        },
    };
    Ok(Some(outcome))
}

impl Store {
    /// Imports `incoming` as published records (see the module's docs); `by` is the operator.
    pub async fn import_published(&self, incoming: &Incoming, by: Actor, dry_run: bool) -> Result<ImportReport, StoreError> {
        let txn = self.write().await?;
        let mut report = ImportReport::default();
        let mut problems = Vec::new();
        let cities: HashMap<String, String> = municipality::Entity::find().all(&txn).await?.into_iter().map(|m| (m.name, m.slug)).collect();
        let mut written: Vec<(Kind, i64, &'static str)> = Vec::new();
        let mut count = |report: &mut ImportReport, kind: Kind, outcome: &Outcome| {
            let (id, action) = match outcome {
                Outcome::Created(id) => {
                    report.created += 1;
                    (*id, Some("import_create"))
                }
                Outcome::Updated(id) => {
                    report.updated += 1;
                    (*id, Some("import_update"))
                }
                Outcome::Unchanged(id) => {
                    report.unchanged += 1;
                    (*id, None)
                }
            };
            if let Some(action) = action {
                written.push((kind, id, action));
            }
            id
        };

        // When the records last changed, as the package says: a service's own date, and for an
        // organization or a place the earliest of its services' (so what HSDS shows as a
        // service's last change reads back the same).
        let mut changed_at: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
        for s in &incoming.services {
            let at = s.last_modified.unwrap_or_else(Utc::now);
            for owner in std::iter::once(s.organization).chain(s.locations.iter().copied()) {
                changed_at.entry(owner).and_modify(|t| *t = Ord::min(*t, at)).or_insert(at);
            }
        }
        let now = Utc::now();

        let mut organizations: HashMap<Uuid, i64> = HashMap::new();
        for o in &incoming.organizations {
            let outcome = match row_of(&txn, "organizations", o.id).await? {
                Some(existing) => upsert(&txn, Some(existing), None, &o.input, &o.origin, &mut problems).await?,
                // A new organization is inserted as registration inserts one.
                None => match o.input.validate() {
                    Ok(valid) => Some(Outcome::Created(insert_organization(&txn, &valid).await?)),
                    Err(errors) => {
                        problems.extend(problems_of(&o.origin, errors));
                        None
                    }
                },
            };
            if let Some(outcome) = outcome {
                let changed = !matches!(outcome, Outcome::Unchanged(_));
                let id = count(&mut report, Kind::Organization, &outcome);
                if changed {
                    publish(&txn, Kind::Organization, id, o.id, Some(now.date_naive()), changed_at.get(&o.id).copied().unwrap_or(now))
                        .await?;
                }
                organizations.insert(o.id, id);
            }
        }
        let organization_row = async |txn: &DatabaseTransaction, known: &HashMap<Uuid, i64>, id: Uuid| -> Result<Option<i64>, StoreError> {
            match known.get(&id) {
                Some(row) => Ok(Some(*row)),
                None => row_of(txn, "organizations", id).await,
            }
        };

        let mut locations: HashMap<Uuid, i64> = HashMap::new();
        for l in &incoming.locations {
            let Some(owner) = organization_row(&txn, &organizations, l.organization).await? else {
                problems.push(Problem {
                    file: l.origin.file.to_owned(),
                    row: l.origin.row,
                    column: "organization_id".into(),
                    message: "Организации с таким идентификатором нет ни в пакете, ни в справочнике.".into(),
                });
                continue;
            };
            let mut input = l.input.clone();
            match cities.get(&input.municipality) {
                Some(slug) => input.municipality.clone_from(slug),
                None => {
                    let message = format!("Города «{}» нет в справочнике.", socio_domain::text::echoed(&input.municipality));
                    problems.push(Problem { file: l.origin.file.to_owned(), row: l.origin.row, column: "city".into(), message });
                    continue;
                }
            }
            let existing = row_of(&txn, "locations", l.id).await?;
            if let Some(outcome) = upsert(&txn, existing, Some(owner), &input, &l.origin, &mut problems).await? {
                let changed = !matches!(outcome, Outcome::Unchanged(_));
                let id = count(&mut report, Kind::Location, &outcome);
                if changed {
                    publish(&txn, Kind::Location, id, l.id, None, changed_at.get(&l.id).copied().unwrap_or(now)).await?;
                }
                locations.insert(l.id, id);
            }
        }

        for s in &incoming.services {
            let Some(owner) = organization_row(&txn, &organizations, s.organization).await? else {
                problems.push(Problem {
                    file: s.origin.file.to_owned(),
                    row: s.origin.row,
                    column: "organization_id".into(),
                    message: "Организации с таким идентификатором нет ни в пакете, ни в справочнике.".into(),
                });
                continue;
            };
            let mut input = s.input.clone();
            input.municipalities = Vec::new();
            for name in &s.input.municipalities {
                match cities.get(name) {
                    Some(slug) => input.municipalities.push(slug.clone()),
                    None => problems.push(Problem {
                        file: s.origin.file.to_owned(),
                        row: s.origin.row,
                        column: "service_areas".into(),
                        message: format!("Города «{}» нет в справочнике.", socio_domain::text::echoed(name)),
                    }),
                }
            }
            for place in &s.locations {
                match locations.get(place) {
                    Some(row) => input.locations.push(*row),
                    None => match row_of(&txn, "locations", *place).await? {
                        Some(row) => input.locations.push(row),
                        None => problems.push(Problem {
                            file: s.origin.file.to_owned(),
                            row: s.origin.row,
                            column: "service_at_locations".into(),
                            message: format!("Адреса {place} нет ни в пакете, ни в справочнике."),
                        }),
                    },
                }
            }
            let existing = row_of(&txn, "services", s.id).await?;
            if let Some(outcome) = upsert(&txn, existing, Some(owner), &input, &s.origin, &mut problems).await? {
                let changed = !matches!(outcome, Outcome::Unchanged(_));
                let id = count(&mut report, Kind::Service, &outcome);
                if changed {
                    publish(&txn, Kind::Service, id, s.id, s.last_verified, s.last_modified.unwrap_or(now)).await?;
                }
            }
        }

        report.problems = problems;
        if dry_run || !report.problems.is_empty() {
            txn.rollback().await?;
            return Ok(report);
        }
        let changes: Vec<_> = written.iter().map(|(kind, id, _)| (kind.changed(), *id)).collect();
        for (kind, id, action) in &written {
            audit(&txn, by, action, kind.subject().as_str(), *id, serde_json::json!({ "source": "hsds" })).await?;
        }
        log_changes(&txn, &changes).await?;
        txn.commit().await?;
        Ok(report)
    }
}

impl Store {
    /// The HSDS id of an organization (what its template rows' ids are derived from).
    pub async fn organization_hsds_id(&self, organization: i64) -> Result<Uuid, StoreError> {
        let row = crate::entity::organization::Entity::find_by_id(organization)
            .one(&self.db)
            .await?
            .ok_or(StoreError::NotFound("Организация"))?;
        row.hsds_id
            .as_deref()
            .and_then(|id| Uuid::try_parse(id).ok())
            .ok_or_else(|| StoreError::corrupt("an organization without an hsds_id"))
    }

    /// What the names of a partner's template stand for: the reference data and the
    /// organization's own places.
    pub async fn template_vocabulary(&self, organization: i64) -> Result<Vocabulary, StoreError> {
        use sea_orm::{ColumnTrait, QueryFilter};
        let mut categories = Vec::new();
        for group in self.categories().await? {
            categories.push((group.slug.clone(), group.name.clone()));
            categories.extend(group.children.into_iter().map(|c| (c.slug, c.name)));
        }
        let places = crate::entity::location::Entity::find()
            .filter(crate::entity::location::Column::OrganizationId.eq(organization))
            .filter(crate::entity::location::Column::Status.ne(ModerationStatus::Archived.as_str()))
            .all(&self.db)
            .await?;
        Ok(Vocabulary {
            categories,
            target_groups: self.target_groups().await?.into_iter().map(|t| (t.slug, t.name)).collect(),
            cities: self.municipalities().await?.into_iter().map(|m| (m.slug.to_string(), m.name)).collect(),
            places: places.into_iter().map(|l| (l.id, l.address)).collect(),
        })
    }

    /// A partner's upload of the template, for its own organization only, through the
    /// cabinet's flow in one transaction: a new service becomes a draft sent to moderation, a
    /// changed one a draft edit or a revision waiting for the moderator; an unchanged one is
    /// left alone. Nothing is written when any row has a problem, or on a dry run.
    pub async fn import_for_partner(
        &self,
        actor: i64,
        organization: i64,
        rows: &[TemplateRow],
        dry_run: bool,
    ) -> Result<ImportReport, StoreError> {
        let txn = self.write().await?;
        let mut report = ImportReport::default();
        for row in rows {
            let existing = row_of(&txn, "services", row.id).await?;
            let outcome = match existing {
                Some(id) => {
                    // Another organization's service under the same id is not this partner's.
                    let head = match own_head(&txn, Kind::Service, organization, id).await {
                        Ok(head) => head,
                        Err(StoreError::NotFound(_)) => {
                            report.problems.push(Problem {
                                file: row.origin.file.to_owned(),
                                row: row.origin.row,
                                column: "Код".into(),
                                message: "Этот код занят услугой другой организации.".into(),
                            });
                            continue;
                        }
                        Err(e) => return Err(e),
                    };
                    let valid = match row.input.validate() {
                        Ok(valid) => valid,
                        Err(errors) => {
                            report.problems.extend(problems_of(&row.origin, errors));
                            continue;
                        }
                    };
                    if ServiceInput::load(&txn, id).await?.validate().ok().as_ref() == Some(&valid) {
                        report.unchanged += 1;
                        continue;
                    }
                    save_in(&txn, actor, organization, id, head.edit_version, &row.input).await.map(|_| {
                        report.updated += 1;
                    })
                }
                None => match create_in(&txn, actor, organization, &row.input).await {
                    Ok(id) => {
                        let update =
                            Query::update().table("services").value("hsds_id", row.id.to_string()).and_where(Expr::col("id").eq(id)).take();
                        txn.execute(&update).await?;
                        submit_in::<ServiceInput>(&txn, actor, organization, id).await.map(|_| {
                            report.created += 1;
                        })
                    }
                    Err(e) => Err(e),
                },
            };
            if let Err(e) = outcome {
                report.problems.extend(store_problem(&row.origin, e)?);
            }
        }
        for problem in &mut report.problems {
            problem.column = socio_hsds::template::column_title(&problem.column).to_owned();
        }
        if dry_run || !report.problems.is_empty() {
            txn.rollback().await?;
        } else {
            txn.commit().await?;
        }
        Ok(report)
    }
}
