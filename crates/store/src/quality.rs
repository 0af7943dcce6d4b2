//! Data-quality lists for the operator: what citizens may be misled by (records nobody
//! confirmed for half a year, reports nobody answered, organizations with nothing published,
//! services given in person in a city where they have no address, services with no phone or
//! website to reach them, situations no editor has checked for a year), each a paged SQL query over published records, and the partners to
//! remind of a list.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use socio_domain::{
    Slug,
    api::{PageRequest, QualityItem, STALE_AFTER_DAYS},
    vocabulary::{QualityCheck, ReportStatus, ServiceFormat},
};

use crate::{
    PUBLISHED, Store, StoreError,
    entity::{municipality, organization, report, service, situation, user},
};

/// A situation's rules and amounts change yearly: one not checked for this long is listed.
const SITUATION_CHECK_DAYS: i64 = 365;

/// The rows of a check: `(subject, id, organization, municipality)`. Every value spliced in is
/// a constant or an integer, never a caller's text.
fn check_sql(check: QualityCheck, today: NaiveDate, city: Option<i64>) -> String {
    let cutoff = (today - chrono::Duration::days(STALE_AFTER_DAYS)).format("%Y-%m-%d");
    let service_in_city = city.map_or(String::new(), |c| {
        format!(" AND EXISTS (SELECT 1 FROM service_municipalities c WHERE c.service_id = s.id AND c.municipality_id = {c})")
    });
    let organization_in_city = city.map_or(String::new(), |c| {
        format!(" AND EXISTS (SELECT 1 FROM locations c WHERE c.organization_id = o.id AND c.municipality_id = {c})")
    });
    match check {
        QualityCheck::Stale => format!(
            "SELECT 'service' AS subject, s.id AS id, s.organization_id AS organization_id, 0 AS municipality_id FROM services s \
             WHERE s.status = '{PUBLISHED}' AND (s.last_verified IS NULL OR s.last_verified <= '{cutoff}'){service_in_city} \
             UNION ALL SELECT 'organization', o.id, o.id, 0 FROM organizations o \
             WHERE o.status = '{PUBLISHED}' AND (o.last_verified IS NULL OR o.last_verified <= '{cutoff}'){organization_in_city}"
        ),
        QualityCheck::OpenReports => {
            let in_city = city.map_or(String::new(), |c| {
                format!(
                    " AND ((r.entity_type = 'service' AND EXISTS (SELECT 1 FROM service_municipalities c WHERE c.service_id = r.entity_id AND c.municipality_id = {c})) \
                     OR (r.entity_type = 'organization' AND EXISTS (SELECT 1 FROM locations c WHERE c.organization_id = r.entity_id AND c.municipality_id = {c})))"
                )
            });
            format!(
                "SELECT 'report' AS subject, r.id AS id, r.organization_id AS organization_id, 0 AS municipality_id FROM reports r \
                 WHERE r.status = '{}'{in_city}",
                ReportStatus::New.as_str()
            )
        }
        QualityCheck::NoServices => format!(
            "SELECT 'organization' AS subject, o.id AS id, o.id AS organization_id, 0 AS municipality_id FROM organizations o \
             WHERE o.status = '{PUBLISHED}' AND NOT EXISTS (SELECT 1 FROM services s WHERE s.organization_id = o.id AND s.status = '{PUBLISHED}'){organization_in_city}"
        ),
        QualityCheck::CityWithoutLocation => format!(
            "SELECT 'service' AS subject, s.id AS id, s.organization_id AS organization_id, sm.municipality_id AS municipality_id \
             FROM services s JOIN service_municipalities sm ON sm.service_id = s.id \
             WHERE s.status = '{PUBLISHED}'{} \
             AND EXISTS (SELECT 1 FROM service_formats f WHERE f.service_id = s.id AND f.format = '{}') \
             AND NOT EXISTS (SELECT 1 FROM service_locations sl JOIN locations l ON l.id = sl.location_id \
                             WHERE sl.service_id = s.id AND l.municipality_id = sm.municipality_id AND l.status = '{PUBLISHED}')",
            city.map_or(String::new(), |c| format!(" AND sm.municipality_id = {c}")),
            ServiceFormat::InPerson.as_str()
        ),
        QualityCheck::UncheckedSituations => {
            let cutoff = (today - chrono::Duration::days(SITUATION_CHECK_DAYS)).format("%Y-%m-%d");
            format!(
                "SELECT 'situation' AS subject, s.id AS id, CAST(NULL AS BIGINT) AS organization_id, 0 AS municipality_id FROM situations s \
                 WHERE s.status = '{PUBLISHED}' AND (s.checked_on IS NULL OR s.checked_on <= '{cutoff}')"
            )
        }
        QualityCheck::NoContacts => format!(
            "SELECT 'service' AS subject, s.id AS id, s.organization_id AS organization_id, 0 AS municipality_id \
             FROM services s JOIN organizations o ON o.id = s.organization_id \
             WHERE s.status = '{PUBLISHED}' AND ((COALESCE(s.phone, '') = '' AND COALESCE(o.phone, '') = '') \
             OR (COALESCE(s.website, '') = '' AND COALESCE(o.website, '') = '')){service_in_city}"
        ),
    }
}

/// One row of a check, before names are added.
struct Finding {
    subject: String,
    id: i64,
    organization_id: Option<i64>,
    municipality_id: i64,
}

impl Store {
    async fn findings(&self, sql: String) -> Result<Vec<Finding>, StoreError> {
        let backend = self.db.get_database_backend();
        let rows = self.db.query_all_raw(Statement::from_string(backend, sql)).await?;
        rows.into_iter()
            .map(|row| {
                Ok(Finding {
                    subject: row.try_get("", "subject")?,
                    id: row.try_get("", "id")?,
                    organization_id: row.try_get("", "organization_id")?,
                    municipality_id: row.try_get::<i64>("", "municipality_id").unwrap_or(0),
                })
            })
            .collect::<Result<Vec<_>, sea_orm::DbErr>>()
            .map_err(Into::into)
    }

    /// A page of one data-quality list (in `city` when given), and its total.
    pub async fn quality(
        &self,
        check: QualityCheck,
        today: NaiveDate,
        city: Option<&Slug>,
        page: PageRequest,
    ) -> Result<(Vec<QualityItem>, u64), StoreError> {
        let city = match city {
            Some(slug) => Some(self.municipality_id("municipality", slug).await?),
            None => None,
        };
        let base = check_sql(check, today, city);
        let backend = self.db.get_database_backend();
        let total: i64 = self
            .db
            .query_one_raw(Statement::from_string(backend, format!("SELECT COUNT(*) AS n FROM ({base}) q")))
            .await?
            .map(|row| row.try_get("", "n"))
            .transpose()?
            .unwrap_or(0);
        let paged = format!(
            "SELECT * FROM ({base}) q ORDER BY q.subject, q.id, q.municipality_id LIMIT {} OFFSET {}",
            page.per_page,
            page.offset()
        );
        let findings = self.findings(paged).await?;
        Ok((self.describe(check, findings).await?, u64::try_from(total).unwrap_or(0)))
    }

    /// Every finding of `check` for one organization (at most 100), for a reminder letter.
    pub async fn quality_of(&self, check: QualityCheck, today: NaiveDate, organization_id: i64) -> Result<Vec<QualityItem>, StoreError> {
        let sql = format!(
            "SELECT * FROM ({}) q WHERE q.organization_id = {organization_id} ORDER BY q.subject, q.id LIMIT 100",
            check_sql(check, today, None)
        );
        let findings = self.findings(sql).await?;
        self.describe(check, findings).await
    }

    /// Names and a Russian explanation for each finding.
    async fn describe(&self, check: QualityCheck, findings: Vec<Finding>) -> Result<Vec<QualityItem>, StoreError> {
        let ids = |subject: &str| findings.iter().filter(|f| f.subject == subject).map(|f| f.id).collect::<Vec<_>>();
        let reports: HashMap<i64, report::Model> = report::Entity::find()
            .filter(report::Column::Id.is_in(ids("report")))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let mut service_ids = ids("service");
        service_ids.extend(reports.values().filter(|r| r.entity_type == "service").map(|r| r.entity_id));
        let services: HashMap<i64, service::Model> = service::Entity::find()
            .filter(service::Column::Id.is_in(service_ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let mut organization_ids: Vec<i64> = findings.iter().filter_map(|f| f.organization_id).collect();
        organization_ids.extend(reports.values().filter(|r| r.entity_type == "organization").map(|r| r.entity_id));
        let organizations: HashMap<i64, organization::Model> = organization::Entity::find()
            .filter(organization::Column::Id.is_in(organization_ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let situations: HashMap<i64, situation::Model> = situation::Entity::find()
            .filter(situation::Column::Id.is_in(ids("situation")))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let cities: HashMap<i64, String> = municipality::Entity::find().all(&self.db).await?.into_iter().map(|m| (m.id, m.name)).collect();
        let name_of = |subject: &str, id: i64| match subject {
            "service" => services.get(&id).map(|s| s.name.clone()),
            _ => organizations.get(&id).map(|o| o.name.clone()),
        };
        let mut items = Vec::with_capacity(findings.len());
        for finding in findings {
            let (title, detail) = match (check, finding.subject.as_str()) {
                (QualityCheck::OpenReports, _) => {
                    let report = reports.get(&finding.id);
                    let title = report.and_then(|r| name_of(&r.entity_type, r.entity_id)).unwrap_or_default();
                    let since = report.map(|r| r.created_at.format("%d.%m.%Y").to_string()).unwrap_or_default();
                    (title, format!("Сообщение от {since} без ответа: {}", report.map(|r| r.kind.as_str()).unwrap_or_default()))
                }
                (QualityCheck::Stale, subject) => {
                    let verified = match subject {
                        "service" => services.get(&finding.id).and_then(|s| s.last_verified),
                        _ => organizations.get(&finding.id).and_then(|o| o.last_verified),
                    };
                    let detail = verified.map_or("Данные ни разу не подтверждались".to_owned(), |d| {
                        format!("Подтверждено {}", d.format("%d.%m.%Y"))
                    });
                    (name_of(subject, finding.id).unwrap_or_default(), detail)
                }
                (QualityCheck::UncheckedSituations, _) => {
                    let situation = situations.get(&finding.id);
                    let detail = situation.and_then(|s| s.checked_on).map_or("Ни разу не проверялась".to_owned(), |d| {
                        format!("Проверена {}: правила и суммы могли измениться", d.format("%d.%m.%Y"))
                    });
                    (situation.map(|s| s.title.clone()).unwrap_or_default(), detail)
                }
                (QualityCheck::NoServices, _) => {
                    (name_of("organization", finding.id).unwrap_or_default(), "Нет ни одной опубликованной услуги".to_owned())
                }
                (QualityCheck::CityWithoutLocation, _) => {
                    let city = cities.get(&finding.municipality_id).cloned().unwrap_or_default();
                    (name_of("service", finding.id).unwrap_or_default(), format!("Очная услуга в городе {city}, но адреса там нет"))
                }
                (QualityCheck::NoContacts, _) => {
                    let service = services.get(&finding.id);
                    let organization = service.and_then(|s| organizations.get(&s.organization_id));
                    let missing = |own: Option<&String>, fallback: Option<&String>| own.or(fallback).is_none_or(|v| v.is_empty());
                    let mut gaps = Vec::new();
                    if missing(service.and_then(|s| s.phone.as_ref()), organization.and_then(|o| o.phone.as_ref())) {
                        gaps.push("телефона");
                    }
                    if missing(service.and_then(|s| s.website.as_ref()), organization.and_then(|o| o.website.as_ref())) {
                        gaps.push("сайта");
                    }
                    (name_of("service", finding.id).unwrap_or_default(), format!("Нет {} ни у услуги, ни у организации", gaps.join(" и ")))
                }
            };
            let organization_name = finding.organization_id.and_then(|o| organizations.get(&o)).map(|o| o.name.clone());
            items.push(QualityItem {
                subject: finding.subject,
                id: finding.id,
                title,
                organization_id: finding.organization_id,
                organization_name,
                detail,
            });
        }
        Ok(items)
    }

    /// Active partners of the organization with a confirmed address: who reads a reminder.
    pub async fn partner_addresses(&self, organization_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(user::Entity::find()
            .filter(user::Column::OrganizationId.eq(organization_id))
            .filter(user::Column::IsActive.eq(true))
            .filter(user::Column::EmailConfirmedAt.is_not_null())
            .all(&self.db)
            .await?
            .into_iter()
            .map(|u| u.email)
            .collect())
    }

    /// Notes a reminder in the audit log; `false` when this organization was already reminded of
    /// this check today (so a double click sends one letter).
    pub async fn record_quality_reminder(
        &self,
        actor: i64,
        organization_id: i64,
        check: QualityCheck,
        today: NaiveDate,
    ) -> Result<bool, StoreError> {
        use crate::entity::audit_log;
        let txn = self.write().await?;
        let earlier = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("remind"))
            .filter(audit_log::Column::EntityType.eq("organization"))
            .filter(audit_log::Column::EntityId.eq(organization_id))
            .filter(audit_log::Column::CreatedAt.gte(today.and_time(chrono::NaiveTime::MIN).and_utc()))
            .all(&txn)
            .await?;
        if earlier.iter().any(|e| e.details["check"] == check.as_str()) {
            return Ok(false);
        }
        crate::audit::audit(
            &txn,
            crate::Actor::User(actor),
            "remind",
            "organization",
            organization_id,
            serde_json::json!({ "check": check.as_str() }),
        )
        .await?;
        txn.commit().await?;
        Ok(true)
    }
}
