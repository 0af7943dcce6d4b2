//! Route computation on the demo situations with 10 000 candidate services in the city.
//!
//! `cargo bench -p socio-store --bench route` (or `cargo xtask bench-route`): first prints
//! p50/p99 over every way through every demo questionnaire, measured directly, then criterion's
//! statistics for one typical route.

use std::{hint::black_box, time::Instant};

use criterion::Criterion;
use socio_domain::{
    Coordinates,
    api::{CandidateLocation, MunicipalityRef, ServiceCandidate, SituationDetail, TargetGroup},
    router::{Answers, RouteContext, definition, route},
    vocabulary::{Cost, ServiceFormat},
};
use socio_store::seed::DemoData;

const SERVICES: usize = 10_000;

fn candidates(data: &DemoData) -> Vec<ServiceCandidate> {
    let leaves: Vec<String> = data.categories.iter().flat_map(|g| g.children.iter().map(|c| c.slug.to_string())).collect();
    let groups: Vec<TargetGroup> =
        data.target_groups.iter().map(|g| TargetGroup { slug: g.slug.to_string(), name: g.name.clone() }).collect();
    let mut rng = fastrand::Rng::with_seed(7);
    (0..SERVICES)
        .map(|i| ServiceCandidate {
            id: i as i64 + 1,
            slug: format!("bench-{i}"),
            name: format!("Услуга {i}"),
            organization: "Организация".into(),
            categories: vec![leaves[rng.usize(..leaves.len())].clone(), leaves[rng.usize(..leaves.len())].clone()],
            target_groups: vec![groups[rng.usize(..groups.len())].clone()],
            municipalities: vec!["ekaterinburg".into()],
            formats: vec![ServiceFormat::InPerson],
            cost: Cost::Free,
            age_min: if rng.bool() { Some(18) } else { None },
            age_max: None,
            phone: None,
            locations: vec![CandidateLocation {
                municipality: "ekaterinburg".into(),
                address: format!("Екатеринбург, ул. Тестовая, {i}"),
                coordinates: Some(Coordinates { lat: 56.8 + rng.f64() * 0.1, lon: 60.55 + rng.f64() * 0.1 }),
            }],
        })
        .collect()
}

fn situations(data: &DemoData) -> Vec<(SituationDetail, Vec<Answers>)> {
    // The published ones, as citizens meet them (drafts wait for an editor).
    data.situations
        .iter()
        .filter(|s| s.status == socio_domain::vocabulary::ModerationStatus::Published)
        .map(|s| {
            let steps = s.steps();
            let paths = definition::paths(&s.questions, &steps);
            let detail = SituationDetail {
                slug: s.slug.to_string(),
                title: s.title.clone(),
                summary: s.summary.clone(),
                description: s.description.clone(),
                target_groups: vec![],
                categories: vec![],
                questions: s.questions.clone(),
                steps,
                related: vec![],
                sources: s.sources.clone(),
                checked_on: s.checked_on,
            };
            (detail, paths)
        })
        .collect()
}

fn main() {
    let data = DemoData::load().unwrap_or_else(|e| panic!("{e}"));
    let candidates = candidates(&data);
    let situations = situations(&data);
    let context = RouteContext {
        municipality: MunicipalityRef { slug: "ekaterinburg".into(), name: "Екатеринбург".into() },
        coordinates: Some(Coordinates { lat: 56.8389, lon: 60.6057 }),
        target_groups: vec![],
        formats: vec![],
    };

    let mut samples = Vec::new();
    for _ in 0..5 {
        for (situation, paths) in &situations {
            for answers in paths {
                let started = Instant::now();
                black_box(route(situation, answers, &context, &candidates));
                samples.push(started.elapsed());
            }
        }
    }
    samples.sort_unstable();
    let at = |p: f64| samples[((samples.len() as f64 * p) as usize).min(samples.len() - 1)].as_secs_f64() * 1e3;
    println!(
        "route over {} situations × every path ({} routes), {SERVICES} services in the city: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        situations.len(),
        samples.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    );

    let mut criterion = Criterion::default().configure_from_args();
    let (typical, paths) = &situations[0];
    criterion.bench_function("route disability-status, 10 000 services", |b| b.iter(|| route(typical, &paths[0], &context, &candidates)));
    criterion.final_summary();
}
