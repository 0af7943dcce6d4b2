//! The shapes of the seed files, and their parsing and cross-checks.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Deserialize;
use socio_domain::{
    Inn, Ogrn, OpeningHours, OpeningInterval, Phone, Slug,
    situation::{Condition, Question, QuestionKind},
    vocabulary::{AccessibilityFeature, Cost, Form442, ModerationStatus, OrganizationKind, Sector, ServiceFormat, SocioCentreStatus},
};

use crate::StoreError;

#[derive(Debug, Deserialize)]
pub struct MunicipalitySeed {
    pub slug: Slug,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Deserialize)]
pub struct CategorySeed {
    pub slug: Slug,
    pub name: String,
    #[serde(default)]
    pub children: Vec<CategorySeed>,
}

#[derive(Debug, Deserialize)]
pub struct TargetGroupSeed {
    pub slug: Slug,
    pub name: String,
}

#[derive(Debug, Deserialize)]
pub struct SocioCentreSeed {
    pub municipality: Slug,
    pub name: String,
    pub status: SocioCentreStatus,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub phone: Option<Phone>,
    pub opening_hours: Vec<OpeningInterval>,
    pub description: String,
}

#[derive(Debug, Deserialize)]
pub struct LocationSeed {
    pub key: String,
    pub name: String,
    pub municipality: Slug,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub phone: Option<Phone>,
    pub opening_hours: Vec<OpeningInterval>,
    pub accessibility: Vec<AccessibilityFeature>,
}

fn published() -> ModerationStatus {
    ModerationStatus::Published
}

#[derive(Debug, Deserialize)]
pub struct OrganizationSeed {
    pub slug: Slug,
    pub name: String,
    pub short_name: Option<String>,
    pub kind: OrganizationKind,
    pub sector: Sector,
    pub inn: Option<Inn>,
    pub ogrn: Option<Ogrn>,
    pub description: String,
    pub phone: Option<Phone>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub last_verified: Option<NaiveDate>,
    #[serde(default = "published")]
    pub status: ModerationStatus,
    pub locations: Vec<LocationSeed>,
}

#[derive(Debug, Deserialize)]
pub struct ServiceSeed {
    pub slug: Slug,
    pub organization: Slug,
    pub name: String,
    pub summary: String,
    pub description: String,
    pub categories: Vec<Slug>,
    pub target_groups: Vec<Slug>,
    pub formats: Vec<ServiceFormat>,
    pub form_442: Option<Form442>,
    pub cost: Cost,
    pub cost_note: Option<String>,
    pub age_min: Option<u8>,
    pub age_max: Option<u8>,
    pub eligibility: String,
    pub documents: Vec<String>,
    pub how_to_apply: String,
    pub locations: Vec<String>,
    pub municipalities: Vec<Slug>,
    pub phone: Option<Phone>,
    pub email: Option<String>,
    pub website: Option<String>,
    pub last_verified: Option<NaiveDate>,
    #[serde(default = "published")]
    pub status: ModerationStatus,
}

#[derive(Debug, Deserialize)]
pub struct StepSeed {
    pub title: String,
    pub body: String,
    pub documents: Vec<String>,
    pub categories: Vec<Slug>,
    pub deadline: Option<String>,
    pub condition: Option<Condition>,
    #[serde(default)]
    pub sources: Vec<socio_domain::situation::Source>,
}

#[derive(Debug, Deserialize)]
pub struct SituationSeed {
    pub slug: Slug,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub target_groups: Vec<Slug>,
    pub categories: Vec<Slug>,
    pub related: Vec<Slug>,
    pub questions: Vec<Question>,
    pub steps: Vec<StepSeed>,
    #[serde(default)]
    pub sources: Vec<socio_domain::situation::Source>,
    /// The day an editor last checked the situation (today when not given).
    #[serde(default)]
    pub checked_on: Option<NaiveDate>,
    #[serde(default = "published")]
    pub status: ModerationStatus,
}

impl SituationSeed {
    /// The situation as an editor would have written it.
    pub fn definition(&self) -> socio_domain::api::SituationDefinition {
        let slugs = |list: &[Slug]| list.iter().map(ToString::to_string).collect();
        socio_domain::api::SituationDefinition {
            slug: self.slug.to_string(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            description: self.description.clone(),
            target_groups: slugs(&self.target_groups),
            categories: slugs(&self.categories),
            related: slugs(&self.related),
            questions: self.questions.clone(),
            steps: self
                .steps
                .iter()
                .map(|step| socio_domain::api::StepDefinition {
                    title: step.title.clone(),
                    body: step.body.clone(),
                    documents: step.documents.clone(),
                    categories: slugs(&step.categories),
                    deadline: step.deadline.clone(),
                    condition: step.condition.clone(),
                    sources: step.sources.clone(),
                })
                .collect(),
            sources: self.sources.clone(),
        }
    }

    /// The steps as the domain knows them, numbered from 1.
    pub fn steps(&self) -> Vec<socio_domain::situation::Step> {
        self.definition().engine_steps()
    }
}

/// The whole demo dataset, parsed and cross-checked.
#[derive(Debug)]
pub struct DemoData {
    pub municipalities: Vec<MunicipalitySeed>,
    pub categories: Vec<CategorySeed>,
    pub target_groups: Vec<TargetGroupSeed>,
    pub socio_centres: Vec<SocioCentreSeed>,
    pub organizations: Vec<OrganizationSeed>,
    pub services: Vec<ServiceSeed>,
    pub situations: Vec<SituationSeed>,
}

fn parse<T: serde::de::DeserializeOwned>(name: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Seed(format!("{name}: {e}")))
}

macro_rules! seed_file {
    ($name:literal) => {
        parse($name, include_str!(concat!("../../seed/", $name)))
    };
}

impl DemoData {
    /// Parses the compiled-in files and checks that they agree with each other.
    pub fn load() -> Result<Self, StoreError> {
        let data = Self {
            municipalities: seed_file!("municipalities.json")?,
            categories: seed_file!("categories.json")?,
            target_groups: seed_file!("target_groups.json")?,
            socio_centres: seed_file!("socio_centres.json")?,
            organizations: seed_file!("organizations.json")?,
            services: seed_file!("services.json")?,
            situations: seed_file!("situations.json")?,
        };
        let problems = data.problems();
        if problems.is_empty() { Ok(data) } else { Err(StoreError::Seed(problems.join("; "))) }
    }

    /// Every inconsistency between the files (empty when the data is sound).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let cities: HashSet<&Slug> = self.municipalities.iter().map(|m| &m.slug).collect();
        let leaf_categories: HashSet<&Slug> = self.categories.iter().flat_map(|c| c.children.iter().map(|c| &c.slug)).collect();
        let groups: HashSet<&Slug> = self.target_groups.iter().map(|t| &t.slug).collect();
        let mut orgs: HashMap<&Slug, &OrganizationSeed> = HashMap::new();
        for org in &self.organizations {
            if orgs.insert(&org.slug, org).is_some() {
                problems.push(format!("organization {} is listed twice", org.slug));
            }
            let mut keys = HashSet::new();
            for location in &org.locations {
                if !keys.insert(&location.key) {
                    problems.push(format!("organization {}: location key {} repeats", org.slug, location.key));
                }
                if !cities.contains(&location.municipality) {
                    problems.push(format!("organization {}: unknown municipality {}", org.slug, location.municipality));
                }
                if let Err(e) = OpeningHours::parse(location.opening_hours.clone()) {
                    problems.push(format!("organization {}: location {}: {e}", org.slug, location.key));
                }
            }
        }
        for centre in &self.socio_centres {
            if !cities.contains(&centre.municipality) {
                problems.push(format!("СОЦИО centre in unknown municipality {}", centre.municipality));
            }
        }
        let mut service_slugs = HashSet::new();
        for service in &self.services {
            let s = &service.slug;
            if !service_slugs.insert(s) {
                problems.push(format!("service {s} is listed twice"));
            }
            let Some(org) = orgs.get(&service.organization) else {
                problems.push(format!("service {s}: unknown organization {}", service.organization));
                continue;
            };
            for category in service.categories.iter().filter(|c| !leaf_categories.contains(c)) {
                problems.push(format!("service {s}: {category} is not a second-level category"));
            }
            for group in service.target_groups.iter().filter(|g| !groups.contains(g)) {
                problems.push(format!("service {s}: unknown target group {group}"));
            }
            for city in service.municipalities.iter().filter(|c| !cities.contains(c)) {
                problems.push(format!("service {s}: unknown municipality {city}"));
            }
            for key in &service.locations {
                match org.locations.iter().find(|l| &l.key == key) {
                    None => problems.push(format!("service {s}: organization has no location {key}")),
                    Some(location) if !service.municipalities.contains(&location.municipality) => {
                        problems.push(format!("service {s}: location {key} is in {}, not among its municipalities", location.municipality))
                    }
                    Some(_) => {}
                }
            }
            if service.formats.contains(&ServiceFormat::InPerson) && service.locations.is_empty() {
                problems.push(format!("service {s}: in person but no location"));
            }
            if let (Some(min), Some(max)) = (service.age_min, service.age_max)
                && min > max
            {
                problems.push(format!("service {s}: age {min}–{max}"));
            }
            if service.categories.is_empty()
                || service.target_groups.is_empty()
                || service.formats.is_empty()
                || service.municipalities.is_empty()
            {
                problems.push(format!("service {s}: categories, target groups, formats and municipalities must not be empty"));
            }
        }
        let situations: HashSet<&Slug> = self.situations.iter().map(|s| &s.slug).collect();
        for situation in &self.situations {
            let s = &situation.slug;
            for related in situation.related.iter().filter(|r| !situations.contains(r)) {
                problems.push(format!("situation {s}: unknown related situation {related}"));
            }
            for category in situation.categories.iter().chain(situation.steps.iter().flat_map(|st| st.categories.iter())) {
                if !leaf_categories.contains(category) {
                    problems.push(format!("situation {s}: {category} is not a second-level category"));
                }
            }
            for group in situation.target_groups.iter().filter(|g| !groups.contains(g)) {
                problems.push(format!("situation {s}: unknown target group {group}"));
            }
            for question in &situation.questions {
                let choice = matches!(question.kind, QuestionKind::Single | QuestionKind::Multiple);
                if choice && question.options.len() < 2 {
                    problems.push(format!("situation {s}: question {} needs at least two options", question.key));
                }
                if question.kind == QuestionKind::Number && (question.min.is_none() || question.max.is_none()) {
                    problems.push(format!("situation {s}: number question {} needs min and max", question.key));
                }
            }
            if let Err(definition) = socio_domain::router::definition::validate(&situation.questions, &situation.steps()) {
                problems.push(format!("situation {s}: {}", definition.join("; ")));
            }
        }
        problems
    }

    /// Flattened categories with their parent slug, in display order.
    pub(crate) fn flat_categories(&self) -> Vec<(Option<&Slug>, &CategorySeed)> {
        self.categories
            .iter()
            .flat_map(|group| std::iter::once((None, group)).chain(group.children.iter().map(move |c| (Some(&group.slug), c))))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_dataset_is_consistent_and_large_enough() {
        let data = DemoData::load().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(data.municipalities.len(), 14);
        assert_eq!(data.socio_centres.len(), 14);
        assert!(data.organizations.len() >= 60, "{} organizations", data.organizations.len());
        assert!(data.services.len() >= 200, "{} services", data.services.len());
        assert!(data.situations.len() >= 12, "{} situations", data.situations.len());
        for city in &data.municipalities {
            let orgs = data.organizations.iter().filter(|o| o.locations.iter().any(|l| l.municipality == city.slug)).count();
            let services = data.services.iter().filter(|s| s.municipalities.contains(&city.slug)).count();
            assert!(orgs >= 3 && services >= 10, "{}: {orgs} organizations, {services} services", city.slug);
        }
    }

    #[test]
    fn demo_contacts_are_visibly_fictional() {
        let data = DemoData::load().unwrap_or_else(|e| panic!("{e}"));
        let emails =
            data.organizations.iter().filter_map(|o| o.email.as_deref()).chain(data.services.iter().filter_map(|s| s.email.as_deref()));
        for email in emails {
            assert!(email.ends_with("@example.org"), "{email}");
        }
        let sites =
            data.organizations.iter().filter_map(|o| o.website.as_deref()).chain(data.services.iter().filter_map(|s| s.website.as_deref()));
        for site in sites {
            assert!(site.trim_end_matches('/').ends_with(".example.org"), "{site}");
        }
        let phones =
            data.organizations.iter().filter_map(|o| o.phone.as_ref()).chain(data.services.iter().filter_map(|s| s.phone.as_ref()));
        for phone in phones {
            let digits: String = phone.as_str().chars().filter(char::is_ascii_digit).collect();
            assert!(digits[1..].contains("000") || digits[4..].starts_with('0'), "{phone} does not look fictional");
        }
    }

    #[test]
    fn every_way_through_every_demo_questionnaire_gives_a_route() {
        use socio_domain::router::{definition, validate_answers};
        let data = DemoData::load().unwrap_or_else(|e| panic!("{e}"));
        for situation in &data.situations {
            assert!((2..=6).contains(&situation.questions.len()), "{}: {} questions", situation.slug, situation.questions.len());
            let steps = situation.steps();
            let paths = definition::paths(&situation.questions, &steps);
            assert!(paths.len() >= 2, "{}", situation.slug);
            let mut routes = std::collections::HashSet::new();
            for answers in &paths {
                assert_eq!(validate_answers(&situation.questions, answers), Ok(()), "{}: {answers:?}", situation.slug);
                let taken: Vec<_> = steps.iter().filter(|s| s.condition.as_ref().is_none_or(|c| c.holds(answers))).collect();
                let route: Vec<u32> = taken.iter().map(|s| s.position).collect();
                assert!(!route.is_empty(), "{}: empty route for {answers:?}", situation.slug);
                assert!(taken.iter().any(|s| !s.documents.is_empty()), "{}: no documents on the route for {answers:?}", situation.slug);
                routes.insert(route);
            }
            assert!(routes.len() >= 2, "{}: the answers never change the route", situation.slug);
        }
    }

    /// Does the text name an amount of money or a share («12 792 руб.», «50 %», «450 тыс.»)?
    fn names_an_amount(text: &str) -> bool {
        let words: Vec<&str> = text.split_whitespace().collect();
        words.iter().enumerate().any(|(i, word)| {
            let numeric = word.chars().any(|c| c.is_ascii_digit());
            let unit = |w: &str| ["руб", "₽", "тыс", "%"].iter().any(|u| w.starts_with(u));
            numeric && (word.ends_with('%') || word.ends_with('₽') || words.get(i + 1).is_some_and(|next| unit(next)))
        })
    }

    #[test]
    fn every_step_with_an_amount_or_a_deadline_has_a_source_and_every_category_a_service_in_ekaterinburg() {
        let data = DemoData::load().unwrap_or_else(|e| panic!("{e}"));
        assert!(data.situations.len() >= 40, "{} situations", data.situations.len());
        let leaves: HashSet<&str> = data.categories.iter().flat_map(|g| g.children.iter().map(|c| c.slug.as_str())).collect();
        let in_ekaterinburg: HashSet<&str> = data
            .services
            .iter()
            .filter(|s| s.municipalities.iter().any(|m| m.as_str() == "ekaterinburg"))
            .flat_map(|s| s.categories.iter().map(Slug::as_str))
            .collect();
        for situation in &data.situations {
            assert!(situation.checked_on.is_some(), "{}: the day it was checked", situation.slug);
            let referenced = situation.categories.iter().chain(situation.steps.iter().flat_map(|s| s.categories.iter()));
            for category in referenced {
                assert!(leaves.contains(category.as_str()), "{}: {category} is not a category", situation.slug);
                assert!(in_ekaterinburg.contains(category.as_str()), "{}: no service of {category} in Екатеринбург", situation.slug);
            }
            for step in &situation.steps {
                if step.deadline.is_some() || names_an_amount(&step.body) {
                    assert!(
                        !step.sources.is_empty(),
                        "{}: «{}» names a deadline or an amount without a source",
                        situation.slug,
                        step.title
                    );
                }
            }
        }
        assert!(
            names_an_amount("выплата 12 792 руб. в месяц") && names_an_amount("скидка 50% на оплату") && !names_an_amount("через 10 дней")
        );
    }

    #[test]
    fn problems_are_reported_by_name() {
        let mut data = DemoData::load().unwrap_or_else(|e| panic!("{e}"));
        data.services[0].locations.push("nowhere".into());
        data.services[1].categories.push(Slug::parse("benefits").unwrap_or_else(|e| panic!("{e}")));
        let problems = data.problems().join("\n");
        assert!(problems.contains("organization has no location nowhere"), "{problems}");
        assert!(problems.contains("benefits is not a second-level category"), "{problems}");
    }
}
