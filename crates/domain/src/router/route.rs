//! Computing a person's route: the steps their answers call for, each with the services in their
//! city that can carry it out, nearest first.

use super::{Answers, age_from};
use crate::{
    Coordinates,
    api::{CandidateLocation, MunicipalityRef, RouteResponse, RouteStep, RoutedService, ServiceCandidate, SituationDetail, SituationRef},
    situation::Step,
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
    /// Formats the person can use; empty means any.
    pub formats: Vec<ServiceFormat>,
}

/// A candidate eligible for this person, with its nearest address in their city.
struct Fit<'a> {
    service: &'a ServiceCandidate,
    distance_km: Option<f64>,
    location: Option<&'a CandidateLocation>,
}

/// Eligibility does not depend on the step, so it is decided once per route.
fn eligible<'a>(service: &'a ServiceCandidate, context: &RouteContext, age: Option<u8>, cos_lat: f64) -> Option<Fit<'a>> {
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
    if !context.formats.is_empty() && !service.formats.iter().any(|f| context.formats.contains(f)) {
        return None;
    }
    let mut local = service.locations.iter().filter(|l| l.municipality == context.municipality.slug);
    let (distance_km, location) = match context.coordinates {
        Some(here) => local
            .filter_map(|l| l.coordinates.map(|c| (here.local_distance_km(cos_lat, &c), l)))
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map_or((None, None), |(d, l)| (Some(d), Some(l))),
        None => (None, local.next()),
    };
    Some(Fit { service, distance_km, location })
}

/// Nearest first, then those with an address here, then by name and id (deterministic).
fn nearest_first(a: &&Fit<'_>, b: &&Fit<'_>) -> std::cmp::Ordering {
    let key = |f: &Fit<'_>| (f.distance_km.unwrap_or(f64::INFINITY), f.location.is_none());
    let (ka, kb) = (key(a), key(b));
    ka.0.total_cmp(&kb.0).then(ka.1.cmp(&kb.1)).then_with(|| a.service.name.cmp(&b.service.name)).then(a.service.id.cmp(&b.service.id))
}

fn reasons(fit: &Fit<'_>, context: &RouteContext, age: Option<u8>) -> Vec<String> {
    let service = fit.service;
    let mut reasons = Vec::new();
    let remote = service.formats.iter().any(|f| matches!(f, ServiceFormat::Online | ServiceFormat::Phone | ServiceFormat::Gosuslugi));
    reasons.push(match (fit.location, remote) {
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
    let formats: Vec<&str> = service.formats.iter().filter(|f| context.formats.contains(f)).map(|f| f.label()).collect();
    if !formats.is_empty() {
        reasons.push(format!("Как вам удобно: {}", formats.join(", ").to_lowercase()));
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
    let steps_here: Vec<&Step> = situation.steps.iter().filter(|s| s.condition.as_ref().is_none_or(|c| c.holds(answers))).collect();
    let wanted: Vec<&String> = steps_here.iter().flat_map(|s| &s.categories).collect();
    let cos_lat = context.coordinates.map_or(1.0, |c| c.lat.to_radians().cos());
    let eligible: Vec<Fit<'_>> = candidates
        .iter()
        .filter(|c| c.categories.iter().any(|category| wanted.contains(&category)))
        .filter_map(|c| eligible(c, context, age, cos_lat))
        .collect();
    let mut documents: Vec<String> = Vec::new();
    let mut steps = Vec::new();
    for step in steps_here {
        let mut fits: Vec<&Fit<'_>> =
            eligible.iter().filter(|f| f.service.categories.iter().any(|c| step.categories.contains(c))).collect();
        if fits.len() > MAX_SERVICES_PER_STEP {
            fits.select_nth_unstable_by(MAX_SERVICES_PER_STEP, nearest_first);
            fits.truncate(MAX_SERVICES_PER_STEP);
        }
        fits.sort_by(nearest_first);
        let services = fits
            .iter()
            .map(|fit| RoutedService {
                id: fit.service.id,
                slug: fit.service.slug.clone(),
                name: fit.service.name.clone(),
                organization: fit.service.organization.clone(),
                phone: fit.service.phone.clone(),
                address: fit.location.map(|l| l.address.clone()),
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
            sources: step.sources.clone(),
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
