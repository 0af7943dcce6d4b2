use socio_domain::{
    Slug,
    api::{PageRequest, SituationFilter},
};

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(
    situations_are_listed_with_their_groups,
    a_situation_carries_its_questionnaire_and_steps,
    situation_filters_match,
    bad_situation_requests_are_named
);

async fn situations_are_listed_with_their_groups(app: TestApp) {
    let page =
        app.client.situations(&SituationFilter { page: PageRequest { page: 1, per_page: 100 }, ..Default::default() }).await.unwrap();
    assert!(page.total >= 12);
    assert!(page.items.iter().all(|s| !s.target_groups.is_empty() && !s.summary.is_empty()));
    assert!(page.items.iter().any(|s| s.slug == "disability-status"));
}

async fn a_situation_carries_its_questionnaire_and_steps(app: TestApp) {
    let page =
        app.client.situations(&SituationFilter { page: PageRequest { page: 1, per_page: 100 }, ..Default::default() }).await.unwrap();
    for summary in page.items {
        let situation = app.client.situation(&summary.slug).await.unwrap();
        assert!((2..=6).contains(&situation.questions.len()), "{}: {} questions", situation.slug, situation.questions.len());
        assert!(situation.steps.len() >= 4, "{}", situation.slug);
        let positions: Vec<u32> = situation.steps.iter().map(|s| s.position).collect();
        assert_eq!(positions, (1..=situation.steps.len() as u32).collect::<Vec<_>>(), "steps are numbered in order");
        // A step shown only for some answers names questions the situation asks.
        let asked: Vec<&str> = situation.questions.iter().map(|q| q.key.as_str()).collect();
        for step in situation.steps.iter().filter(|s| s.condition.is_some()) {
            let mut named = Vec::new();
            questions_named(&serde_json::to_value(&step.condition).unwrap(), &mut named);
            assert!(
                !named.is_empty() && named.iter().all(|q| asked.contains(&q.as_str())),
                "{}: «{}» asks {named:?}",
                situation.slug,
                step.title
            );
        }
        assert!(situation.related.iter().all(|r| r.slug != situation.slug));
    }
}

/// The questions a step's condition names, however nested.
fn questions_named(condition: &serde_json::Value, into: &mut Vec<String>) {
    match condition {
        serde_json::Value::Object(fields) => {
            for (key, value) in fields {
                match (key.as_str(), value.as_str()) {
                    ("question", Some(question)) => into.push(question.to_owned()),
                    _ => questions_named(value, into),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|item| questions_named(item, into)),
        _ => {}
    }
}

async fn situation_filters_match(app: TestApp) {
    let all = app.client.situations(&SituationFilter { page: PageRequest { page: 1, per_page: 100 }, ..Default::default() }).await.unwrap();
    let for_disabled =
        app.client.situations(&SituationFilter { target_group: Slug::parse("disabled").ok(), ..Default::default() }).await.unwrap();
    let expected = all.items.iter().filter(|s| s.target_groups.iter().any(|g| g.slug == "disabled")).count();
    assert_eq!(for_disabled.total as usize, expected);
    assert!(expected > 0 && expected < all.items.len());
    let text = app.client.situations(&SituationFilter { q: Some("инвалидности".into()), ..Default::default() }).await.unwrap();
    assert!(text.items.iter().any(|s| s.slug == "disability-status"));
}

async fn bad_situation_requests_are_named(app: TestApp) {
    assert_eq!(app.get_problem("/api/v1/situations?target_group=aliens", 400).await.errors[0].field, "target_group");
    assert_eq!(app.get_problem("/api/v1/situations?category=magic", 400).await.errors[0].field, "category");
    assert_eq!(app.get_problem("/api/v1/situations/Bad%20Slug", 400).await.errors[0].field, "slug");
    assert_eq!(app.get_problem("/api/v1/situations/no-such-situation", 404).await.code, "not_found");
}
