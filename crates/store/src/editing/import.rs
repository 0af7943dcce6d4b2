//! An operator's bulk import: records read from an HSDS package written through the same
//! checks and write functions as the cabinet's edits, in one transaction (all or nothing), as
//! published records keeping their HSDS ids. A record already there with the same content is
//! left alone, so importing the same file twice changes nothing; a dry run checks everything
//! and writes nothing.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseTransaction, EntityTrait,
    sea_query::{Expr, ExprTrait, Query},
};
use socio_domain::api::{LocationInput, ServiceInput};
use socio_domain::{api::FieldError, vocabulary::ModerationStatus};
use socio_hsds::{
    import::{Incoming, IncomingLocation, IncomingService, Origin, Problem},
    template::{TemplateRow, Vocabulary},
};
use uuid::Uuid;

use super::{Kind, Record, create_in, head, open_revision, organizations::insert_organization, own_head, proposal, save_in, submit_in};
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
    // An id names one record: one of another organization than the package names is not
    // rewritten (nor moved) by this row.
    if let (Some(id), Some(named)) = (existing, organization)
        && head(db, R::KIND, id).await?.is_some_and(|h| h.organization_id != named)
    {
        problems.push(Problem {
            file: origin.file.to_owned(),
            row: origin.row,
            column: "id".to_owned(),
            message: "Запись с этим id принадлежит другой организации, а не той, что указана в строке: такой id занят.".to_owned(),
        });
        return Ok(None);
    }
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
        let cities = cities(&txn).await?;
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

        // Records whose problems are already reported: what refers to them is left out quietly.
        let mut unusable: HashSet<Uuid> = incoming.refused.clone();
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
            if outcome.is_none() {
                unusable.insert(o.id);
            }
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
            if unusable.contains(&l.organization) {
                // Its organization's problems are reported; its own are checked all the same.
                unusable.insert(l.id);
                if let Some(input) = location_input(l, &cities, &mut problems)
                    && let Err(errors) = input.validate()
                {
                    problems.extend(problems_of(&l.origin, errors));
                }
                continue;
            }
            let Some(owner) = organization_row(&txn, &organizations, l.organization).await? else {
                problems.push(no_organization(&l.origin));
                continue;
            };
            let Some(input) = location_input(l, &cities, &mut problems) else {
                unusable.insert(l.id);
                continue;
            };
            let existing = row_of(&txn, "locations", l.id).await?;
            let outcome = upsert(&txn, existing, Some(owner), &input, &l.origin, &mut problems).await?;
            if outcome.is_none() {
                unusable.insert(l.id);
            }
            if let Some(outcome) = outcome {
                let changed = !matches!(outcome, Outcome::Unchanged(_));
                let id = count(&mut report, Kind::Location, &outcome);
                if changed {
                    publish(&txn, Kind::Location, id, l.id, None, changed_at.get(&l.id).copied().unwrap_or(now)).await?;
                }
                locations.insert(l.id, id);
            }
        }

        for s in &incoming.services {
            if unusable.contains(&s.organization) {
                let input = service_input(&txn, s, &cities, &locations, &unusable, &mut problems).await?;
                if let Err(errors) = input.validate() {
                    problems.extend(problems_of(&s.origin, errors));
                }
                continue;
            }
            let Some(owner) = organization_row(&txn, &organizations, s.organization).await? else {
                problems.push(no_organization(&s.origin));
                continue;
            };
            let input = service_input(&txn, s, &cities, &locations, &unusable, &mut problems).await?;
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
        let partner = Partner { actor, organization, id_column: "Код" };
        for row in rows {
            partner.write(&txn, row.id, &row.input, &row.origin, &mut report).await?;
        }
        for problem in &mut report.problems {
            problem.column = socio_hsds::template::column_title(&problem.column).to_owned();
        }
        finish(txn, report, dry_run).await
    }

    /// A partner's upload of an HSDS data package: the organization's own record, places and
    /// services, through the cabinet's flow as [`Store::import_for_partner`] does (drafts and
    /// revisions for the moderator, all or nothing, the same package twice changes nothing).
    /// A record of any other organization is a problem, not a write.
    pub async fn import_package_for_partner(
        &self,
        actor: i64,
        organization: i64,
        incoming: &Incoming,
        dry_run: bool,
    ) -> Result<ImportReport, StoreError> {
        let own = self.organization_hsds_id(organization).await?;
        let txn = self.write().await?;
        let mut report = ImportReport::default();
        let partner = Partner { actor, organization, id_column: "id" };
        let cities = cities(&txn).await?;
        let foreign = |origin: &Origin, column: &str| Problem {
            file: origin.file.to_owned(),
            row: origin.row,
            column: column.to_owned(),
            message: "Это запись другой организации: в кабинете загружаются только данные вашей.".to_owned(),
        };
        for o in &incoming.organizations {
            if o.id == own {
                partner.write(&txn, o.id, &o.input, &o.origin, &mut report).await?;
            } else {
                report.problems.push(foreign(&o.origin, "id"));
            }
        }
        let mut locations: HashMap<Uuid, i64> = HashMap::new();
        for l in &incoming.locations {
            if l.organization != own {
                report.problems.push(foreign(&l.origin, "organization_id"));
                continue;
            }
            let Some(input) = location_input(l, &cities, &mut report.problems) else { continue };
            if let Some(id) = partner.write(&txn, l.id, &input, &l.origin, &mut report).await? {
                locations.insert(l.id, id);
            }
        }
        for s in &incoming.services {
            if s.organization != own {
                report.problems.push(foreign(&s.origin, "organization_id"));
                continue;
            }
            let input = service_input(&txn, s, &cities, &locations, &incoming.refused, &mut report.problems).await?;
            partner.write(&txn, s.id, &input, &s.origin, &mut report).await?;
        }
        finish(txn, report, dry_run).await
    }
}

/// Commits an upload, or (on a dry run, or with any problem) leaves nothing behind.
async fn finish(txn: DatabaseTransaction, report: ImportReport, dry_run: bool) -> Result<ImportReport, StoreError> {
    if dry_run || !report.problems.is_empty() {
        txn.rollback().await?;
    } else {
        txn.commit().await?;
    }
    Ok(report)
}

/// The cities by name, as a package names them: their codes.
async fn cities(txn: &DatabaseTransaction) -> Result<HashMap<String, String>, StoreError> {
    Ok(municipality::Entity::find().all(txn).await?.into_iter().map(|m| (m.name, m.slug)).collect())
}

fn no_organization(origin: &Origin) -> Problem {
    Problem {
        file: origin.file.to_owned(),
        row: origin.row,
        column: "organization_id".into(),
        message: "Организации с таким идентификатором нет ни в пакете, ни в справочнике.".into(),
    }
}

fn unknown_city(origin: &Origin, column: &str, name: &str) -> Problem {
    let message = format!("Города «{}» нет в справочнике.", socio_domain::text::echoed(name));
    Problem { file: origin.file.to_owned(), row: origin.row, column: column.to_owned(), message }
}

/// A package's place as the cabinet's form: its city by code.
fn location_input(l: &IncomingLocation, cities: &HashMap<String, String>, problems: &mut Vec<Problem>) -> Option<LocationInput> {
    let mut input = l.input.clone();
    match cities.get(&input.municipality) {
        Some(slug) => input.municipality.clone_from(slug),
        None => {
            problems.push(unknown_city(&l.origin, "city", &input.municipality));
            return None;
        }
    }
    Some(input)
}

/// A package's service as the cabinet's form: its cities by code, its places by row id (from
/// this package's places, or ones already stored).
async fn service_input(
    txn: &DatabaseTransaction,
    s: &IncomingService,
    cities: &HashMap<String, String>,
    locations: &HashMap<Uuid, i64>,
    unusable: &HashSet<Uuid>,
    problems: &mut Vec<Problem>,
) -> Result<ServiceInput, StoreError> {
    let mut input = s.input.clone();
    input.municipalities = Vec::new();
    for name in &s.input.municipalities {
        match cities.get(name) {
            Some(slug) => input.municipalities.push(slug.clone()),
            None => problems.push(unknown_city(&s.origin, "service_areas", name)),
        }
    }
    for place in s.locations.iter().filter(|place| !unusable.contains(place)) {
        match locations.get(place) {
            Some(row) => input.locations.push(*row),
            None => match row_of(txn, "locations", *place).await? {
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
    Ok(input)
}

/// Who uploads, and what the column of a record's id is called in their file.
struct Partner {
    actor: i64,
    organization: i64,
    id_column: &'static str,
}

impl Partner {
    /// Writes one uploaded record through the cabinet's flow: over the partner's record with
    /// the same id (unless it already says the same, counting what waits for the moderator),
    /// or as a new draft sent to moderation. Returns the record's row id, or `None` with the
    /// problems noted.
    async fn write<R: Record>(
        &self,
        txn: &DatabaseTransaction,
        hsds_id: Uuid,
        input: &R,
        origin: &Origin,
        report: &mut ImportReport,
    ) -> Result<Option<i64>, StoreError>
    where
        R::Valid: PartialEq,
    {
        let (actor, organization) = (self.actor, self.organization);
        let problem = |message: &str| Problem {
            file: origin.file.to_owned(),
            row: origin.row,
            column: self.id_column.to_owned(),
            message: message.to_owned(),
        };
        let outcome = match row_of(txn, R::KIND.table(), hsds_id).await? {
            Some(id) => {
                // Another organization's record under the same id is not this partner's.
                let head = match own_head(txn, R::KIND, organization, id).await {
                    Ok(head) => head,
                    Err(StoreError::NotFound(_)) => {
                        report.problems.push(problem("Этот код занят записью другой организации."));
                        return Ok(None);
                    }
                    Err(e) => return Err(e),
                };
                let valid = match input.validate() {
                    Ok(valid) => valid,
                    Err(errors) => {
                        report.problems.extend(problems_of(origin, errors));
                        return Ok(None);
                    }
                };
                if proposed::<R>(txn, id).await?.validate().ok().as_ref() == Some(&valid) {
                    report.unchanged += 1;
                    return Ok(Some(id));
                }
                save_in(txn, actor, organization, id, head.edit_version, input).await.map(|_| {
                    report.updated += 1;
                    id
                })
            }
            None if R::KIND == Kind::Organization => {
                report.problems.push(problem("Это не ваша организация: в кабинете загружаются только её данные."));
                return Ok(None);
            }
            None => match create_in(txn, actor, organization, input).await {
                Ok(id) => {
                    let update = Query::update()
                        .table(R::KIND.table())
                        .value("hsds_id", hsds_id.to_string())
                        .and_where(Expr::col("id").eq(id))
                        .take();
                    txn.execute(&update).await?;
                    submit_in::<R>(txn, actor, organization, id).await.map(|_| {
                        report.created += 1;
                        id
                    })
                }
                Err(e) => Err(e),
            },
        };
        match outcome {
            Ok(id) => Ok(Some(id)),
            Err(e) => {
                report.problems.extend(store_problem(origin, e)?);
                Ok(None)
            }
        }
    }
}

/// What the record will be once the moderator approves what waits: the open revision's
/// proposal, or the record as stored.
async fn proposed<R: Record>(txn: &DatabaseTransaction, id: i64) -> Result<R, StoreError> {
    match open_revision(txn, R::KIND, id).await? {
        Some(open) => Ok(proposal::<R>(&open)?.after),
        None => R::load(txn, id).await,
    }
}
