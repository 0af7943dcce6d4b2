//! Computing a person's route: the steps their answers call for, each with the services in their
//! city that can carry it out, nearest first.

use std::collections::HashSet;

use super::{Answers, age_from};
use crate::{
    Coordinates,
    api::{MunicipalityRef, RouteResponse, RouteStep, RoutedService, ServiceCandidate, SituationDetail, SituationRef},
    vocabulary::ServiceFormat,
    wording,
};

/// How many services a step lists at most.
pub const MAX_SERVICES_PER_STEP: usize = 5;

/// Who and where the person is.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteContext {
    pub municipality: MunicipalityRef,
    pub coordinates: Option<Coordinates>,
    /// Target groups the person belongs to (slugs); empty means "not said".
    pub target_groups: Vec<String>,
}

/// A candidate that fits a step, with its sort key.
struct Fit<'a> {
    service: &'a ServiceCandidate,
    distance_km: Option<f64>,
    address: Option<String>,
}

fn fits<'a>(service: &'a ServiceCandidate, categories: &HashSet<&str>, context: &RouteContext, age: Option<u8>) -> Option<Fit<'a>> {
    if !service.categories.iter().any(|c| categories.contains(c.as_str())) {
        return None;
    }
    if !service.municipalities.iter().any(|m| m == &context.municipality.slug) {
        return None;
    }
    if let Some(age) = age
        && (service.age_min.is_some_and(|min| age < min) || service.age_max.is_some_and(|max| age > max))
    {
        return None;
    }
    if !context.target_groups.is_empty() && !service.target_groups.iter().any(|g| context.target_groups.contains(&g.slug)) {
        return None;
    }
    let local = service.locations.iter().filter(|l| l.municipality == context.municipality.slug);
    let nearest = match context.coordinates {
        Some(here) => local
            .filter_map(|l| l.coordinates.map(|c| (here.distance_km(&c), l)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(d, l)| (Some(d), Some(l.address.clone()))),
        None => service.locations.iter().find(|l| l.municipality == context.municipality.slug).map(|l| (None, Some(l.address.clone()))),
    };
    let (distance_km, address) = nearest.unwrap_or((None, None));
    Some(Fit { service, distance_km, address })
}

fn reasons(fit: &Fit<'_>, context: &RouteContext, age: Option<u8>) -> Vec<String> {
    let service = fit.service;
    let mut reasons = Vec::new();
    let remote = service.formats.iter().any(|f| matches!(f, ServiceFormat::Online | ServiceFormat::Phone | ServiceFormat::Gosuslugi));
    reasons.push(match (&fit.address, remote) {
        (Some(_), _) => format!("Принимают в городе {}", context.municipality.name),
        (None, true) => format!("Доступна жителям города {} дистанционно", context.municipality.name),
        (None, false) => format!("Доступна жителям города {}", context.municipality.name),
    });
    if let Some(km) = fit.distance_km {
        reasons.push(format!("{km:.1} км от вас"));
    }
    let groups: Vec<&str> =
        service.target_groups.iter().filter(|g| context.target_groups.contains(&g.slug)).map(|g| g.name.as_str()).collect();
    if !groups.is_empty() {
        reasons.push(format!("Для категории: {}", groups.join(", ")));
    }
    if let (Some(age), Some(range)) = (age, wording::age_range(service.age_min, service.age_max)) {
        reasons.push(format!("Подходит по возрасту ({age}): {range}"));
    }
    reasons.push(service.cost.label().to_owned());
    reasons
}

/// The route for validated answers. Deterministic: the same inputs give the same route.
pub fn route(situation: &SituationDetail, answers: &Answers, context: &RouteContext, candidates: &[ServiceCandidate]) -> RouteResponse {
    let age = age_from(answers);
    let mut documents: Vec<String> = Vec::new();
    let mut steps = Vec::new();
    for step in situation.steps.iter().filter(|s| s.condition.as_ref().is_none_or(|c| c.holds(answers))) {
        let categories: HashSet<&str> = step.categories.iter().map(String::as_str).collect();
        let mut fits: Vec<Fit<'_>> =
            if categories.is_empty() { Vec::new() } else { candidates.iter().filter_map(|c| fits(c, &categories, context, age)).collect() };
        fits.sort_by(|a, b| {
            let key = |f: &Fit<'_>| (f.distance_km.unwrap_or(f64::INFINITY), f.address.is_none());
            let (ka, kb) = (key(a), key(b));
            ka.0.total_cmp(&kb.0)
                .then(ka.1.cmp(&kb.1))
                .then_with(|| a.service.name.cmp(&b.service.name))
                .then(a.service.id.cmp(&b.service.id))
        });
        let services = fits
            .iter()
            .take(MAX_SERVICES_PER_STEP)
            .map(|fit| RoutedService {
                id: fit.service.id,
                slug: fit.service.slug.clone(),
                name: fit.service.name.clone(),
                organization: fit.service.organization.clone(),
                phone: fit.service.phone.clone(),
                address: fit.address.clone(),
                distance_km: fit.distance_km.map(|d| (d * 10.0).round() / 10.0),
                cost: fit.service.cost,
                formats: fit.service.formats.clone(),
                reasons: reasons(fit, context, age),
            })
            .collect();
        for document in &step.documents {
            if !documents.contains(document) {
                documents.push(document.clone());
            }
        }
        steps.push(RouteStep {
            number: u32::try_from(steps.len() + 1).unwrap_or(u32::MAX),
            position: step.position,
            title: step.title.clone(),
            body: step.body.clone(),
            documents: step.documents.clone(),
            deadline: step.deadline.clone(),
            services,
        });
    }
    RouteResponse {
        situation: SituationRef { slug: situation.slug.clone(), title: situation.title.clone() },
        municipality: context.municipality.clone(),
        steps,
        documents,
        related: situation.related.clone(),
    }
}
