//! Table tests of the engine on a small hand-written situation.

use super::{definition, *};
use crate::{
    Coordinates,
    api::{CandidateLocation, MunicipalityRef, ServiceCandidate, SituationDetail, TargetGroup},
    situation::{QuestionOption, Step},
    vocabulary::{Cost, ServiceFormat},
};

fn option(value: &str) -> QuestionOption {
    QuestionOption { value: value.into(), label: value.into() }
}

fn question(key: &str, kind: QuestionKind, options: &[&str]) -> Question {
    Question {
        key: key.into(),
        text: format!("Вопрос {key}"),
        help: None,
        kind,
        options: options.iter().map(|o| option(o)).collect(),
        min: None,
        max: None,
        ask_if: None,
    }
}

fn equals(question: &str, value: Scalar) -> Condition {
    Condition::Equals { question: question.into(), value }
}

fn step(position: u32, title: &str, categories: &[&str], documents: &[&str], condition: Option<Condition>) -> Step {
    Step {
        position,
        title: title.into(),
        body: "Что сделать.".into(),
        documents: documents.iter().map(|d| d.to_string()).collect(),
        categories: categories.iter().map(|c| c.to_string()).collect(),
        deadline: None,
        condition,
        sources: Vec::new(),
    }
}

/// «Установление инвалидности» in miniature.
fn situation() -> SituationDetail {
    let mut age = question("child_age", QuestionKind::Number, &[]);
    age.min = Some(0.0);
    age.max = Some(17.0);
    age.ask_if = Some(equals("who", Scalar::Text("child".into())));
    SituationDetail {
        slug: "disability-status".into(),
        title: "Установление инвалидности".into(),
        summary: String::new(),
        description: String::new(),
        target_groups: vec![],
        categories: vec![],
        questions: vec![question("who", QuestionKind::Single, &["self", "child"]), age, question("has_referral", QuestionKind::YesNo, &[])],
        steps: vec![
            step(1, "Обследования", &["medical"], &["Паспорт", "Полис ОМС"], Some(equals("has_referral", Scalar::Bool(false)))),
            step(2, "Экспертиза", &["mse"], &["Паспорт", "Направление"], None),
            step(
                3,
                "Ранняя помощь",
                &["early-help"],
                &["Свидетельство о рождении"],
                Some(Condition::Range { question: "child_age".into(), min: None, max: Some(3.0) }),
            ),
        ],
        related: vec![],
        sources: vec![],
        checked_on: None,
    }
}

fn answers(pairs: &[(&str, Answer)]) -> Answers {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn candidate(
    id: i64,
    categories: &[&str],
    city: &str,
    coordinates: Option<(f64, f64)>,
    ages: (Option<u8>, Option<u8>),
) -> ServiceCandidate {
    ServiceCandidate {
        id,
        slug: format!("service-{id}"),
        name: format!("Услуга {id}"),
        organization: "Организация".into(),
        categories: categories.iter().map(|c| c.to_string()).collect(),
        target_groups: vec![TargetGroup { slug: "disabled".into(), name: "Люди с инвалидностью".into() }],
        municipalities: vec![city.into()],
        formats: vec![ServiceFormat::InPerson],
        cost: Cost::Free,
        age_min: ages.0,
        age_max: ages.1,
        phone: None,
        locations: coordinates
            .map(|(lat, lon)| CandidateLocation {
                municipality: city.into(),
                address: format!("Адрес {id}"),
                coordinates: Some(Coordinates { lat, lon }),
            })
            .into_iter()
            .collect(),
    }
}

fn context(coordinates: Option<Coordinates>) -> RouteContext {
    RouteContext {
        municipality: MunicipalityRef { slug: "serov".into(), name: "Серов".into() },
        coordinates,
        target_groups: vec![],
        formats: vec![],
    }
}

#[test]
fn conditions_evaluate_as_documented() {
    let a =
        answers(&[("who", Answer::Choice("child".into())), ("age", Answer::Number(2.0)), ("needs", Answer::Choices(vec!["money".into()]))]);
    let cases = [
        (equals("who", Scalar::Text("child".into())), true),
        (equals("who", Scalar::Text("self".into())), false),
        (equals("missing", Scalar::Bool(true)), false),
        (Condition::Not(Box::new(equals("missing", Scalar::Bool(true)))), true),
        (Condition::In { question: "who".into(), values: vec![Scalar::Text("self".into()), Scalar::Text("child".into())] }, true),
        (Condition::Range { question: "age".into(), min: Some(0.0), max: Some(3.0) }, true),
        (Condition::Range { question: "age".into(), min: Some(3.0), max: None }, false),
        (Condition::Range { question: "who".into(), min: Some(0.0), max: None }, false),
        (equals("needs", Scalar::Text("money".into())), true),
        (Condition::All(vec![equals("who", Scalar::Text("child".into())), equals("needs", Scalar::Text("care".into()))]), false),
        (Condition::Any(vec![equals("who", Scalar::Text("self".into())), equals("needs", Scalar::Text("money".into()))]), true),
    ];
    for (condition, expected) in cases {
        assert_eq!(condition.holds(&a), expected, "{condition:?}");
    }
}

#[test]
fn bad_answers_are_named() {
    let s = situation();
    let cases: Vec<(Answers, &str, &str)> = vec![
        (answers(&[("who", Answer::Choice("self".into()))]), "answers.has_referral", "required"),
        (answers(&[("who", Answer::Choice("alien".into())), ("has_referral", Answer::Bool(true))]), "answers.who", "unknown_option"),
        (answers(&[("who", Answer::Bool(true)), ("has_referral", Answer::Bool(true))]), "answers.who", "wrong_type"),
        (
            answers(&[("who", Answer::Choice("child".into())), ("child_age", Answer::Number(18.0)), ("has_referral", Answer::Bool(true))]),
            "answers.child_age",
            "out_of_range",
        ),
        (
            answers(&[("who", Answer::Choice("self".into())), ("child_age", Answer::Number(5.0)), ("has_referral", Answer::Bool(true))]),
            "answers.child_age",
            "not_applicable",
        ),
        (
            answers(&[
                ("who", Answer::Choice("self".into())),
                ("has_referral", Answer::Bool(true)),
                ("colour", Answer::Choice("red".into())),
            ]),
            "answers.colour",
            "unknown_question",
        ),
    ];
    for (a, field, code) in cases {
        let errors = validate_answers(&s.questions, &a).err().unwrap_or_default();
        assert!(errors.iter().any(|e| e.field == field && e.code == code), "{a:?}: {errors:?}");
        assert!(errors.iter().all(|e| e.detail.chars().any(|c| ('а'..='я').contains(&c))));
    }
    let good =
        answers(&[("who", Answer::Choice("child".into())), ("child_age", Answer::Number(2.0)), ("has_referral", Answer::Bool(false))]);
    assert_eq!(validate_answers(&s.questions, &good), Ok(()));
}

#[test]
fn answers_change_the_route() {
    let s = situation();
    let titles = |a: &Answers| route(&s, a, &context(None), &[]).steps.into_iter().map(|s| s.title).collect::<Vec<_>>();
    let adult = answers(&[("who", Answer::Choice("self".into())), ("has_referral", Answer::Bool(true))]);
    let baby =
        answers(&[("who", Answer::Choice("child".into())), ("child_age", Answer::Number(2.0)), ("has_referral", Answer::Bool(false))]);
    assert_eq!(titles(&adult), ["Экспертиза"]);
    assert_eq!(titles(&baby), ["Обследования", "Экспертиза", "Ранняя помощь"]);
    let plan = route(&s, &baby, &context(None), &[]);
    assert_eq!(plan.steps.iter().map(|s| s.number).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(plan.documents, ["Паспорт", "Полис ОМС", "Направление", "Свидетельство о рождении"], "merged without repeats");
}

#[test]
fn services_are_eligible_local_and_nearest_first() {
    let s = situation();
    let here = Coordinates { lat: 59.60, lon: 60.57 };
    let candidates = vec![
        candidate(1, &["mse"], "serov", Some((59.70, 60.57)), (None, None)),
        candidate(2, &["mse"], "serov", Some((59.61, 60.57)), (None, None)),
        candidate(3, &["mse"], "revda", Some((59.60, 60.57)), (None, None)),
        candidate(4, &["mse"], "serov", Some((59.60, 60.57)), (Some(18), None)),
        candidate(5, &["medical"], "serov", None, (None, None)),
        candidate(6, &["mse"], "serov", None, (None, None)),
    ];
    let baby =
        answers(&[("who", Answer::Choice("child".into())), ("child_age", Answer::Number(2.0)), ("has_referral", Answer::Bool(true))]);
    let plan = route(&s, &baby, &context(Some(here)), &candidates);
    let ids: Vec<i64> = plan.steps[0].services.iter().map(|s| s.id).collect();
    assert_eq!(ids, [2, 1, 6], "nearest first, other cities and adults-only left out, no address last");
    assert!(plan.steps[0].services[0].reasons.iter().any(|r| r.contains("км от вас")));
    assert_eq!(plan, route(&s, &baby, &context(Some(here)), &candidates), "deterministic");
    let mut groups = context(None);
    groups.target_groups = vec!["elderly".into()];
    assert!(route(&s, &baby, &groups, &candidates).steps[0].services.is_empty(), "target groups must overlap when given");
    let mut online = context(None);
    online.formats = vec![ServiceFormat::Online];
    assert!(route(&s, &baby, &online, &candidates).steps[0].services.is_empty(), "none of them is online");
    online.formats.push(ServiceFormat::InPerson);
    assert_eq!(route(&s, &baby, &online, &candidates).steps[0].services.len(), 3);
}

#[test]
fn definitions_are_validated_with_the_problem_named() {
    let good = situation();
    assert_eq!(definition::validate(&good.questions, &good.steps), Ok(()));
    let broken = |edit: &dyn Fn(&mut SituationDetail), expected: &str| {
        let mut s = situation();
        edit(&mut s);
        let problems = definition::validate(&s.questions, &s.steps).err().unwrap_or_default().join("; ");
        assert!(problems.contains(expected), "expected «{expected}» in «{problems}»");
    };
    broken(&|s| s.steps[0].condition = Some(equals("nope", Scalar::Bool(true))), "нет (более раннего) вопроса «nope»");
    broken(&|s| s.steps[0].condition = Some(equals("who", Scalar::Text("alien".into()))), "нет варианта «alien»");
    broken(
        &|s| s.steps[0].condition = Some(Condition::Range { question: "who".into(), min: None, max: None }),
        "нечислового вопроса «who»",
    );
    broken(
        &|s| {
            s.steps[0].condition =
                Some(Condition::All(vec![equals("has_referral", Scalar::Bool(true)), equals("has_referral", Scalar::Bool(false))]))
        },
        "шаг 1 «Обследования» не нужен ни при каких ответах",
    );
    broken(&|s| s.questions[1].ask_if = Some(equals("has_referral", Scalar::Bool(true))), "нет (более раннего) вопроса «has_referral»");
    broken(
        &|s| {
            s.questions[1].ask_if =
                Some(Condition::All(vec![equals("who", Scalar::Text("child".into())), equals("who", Scalar::Text("self".into()))]))
        },
        "вопрос «child_age» не задаётся ни при каких ответах",
    );
    broken(&|s| s.questions[2].key = "who".into(), "вопрос «who» задан дважды");
    broken(&|s| s.questions[0].options.truncate(1), "меньше двух вариантов");
    broken(&|s| s.questions[1].max = None, "нужны min ≤ max");
    broken(
        &|s| {
            for step in &mut s.steps {
                step.condition = Some(equals("has_referral", Scalar::Bool(true)));
            }
        },
        "маршрут пуст",
    );
}

#[test]
fn paths_cover_every_branch_and_boundary() {
    let s = situation();
    let paths = definition::paths(&s.questions, &s.steps);
    // self × 2 referral answers + child × ages {0, 2, 3, 4, 17} × 2.
    assert_eq!(paths.len(), 2 + 5 * 2);
    assert!(paths.iter().any(|a| a.get("child_age") == Some(&Answer::Number(4.0))));
    assert!(paths.iter().all(|a| validate_answers(&s.questions, a).is_ok()));
}

#[test]
fn answers_read_from_json() {
    let a: Answers =
        serde_json::from_str(r#"{"who": "child", "child_age": 7, "has_referral": false, "needs": ["money", "care"]}"#).unwrap_or_default();
    assert_eq!(a.get("child_age"), Some(&Answer::Number(7.0)));
    assert_eq!(a.get("needs"), Some(&Answer::Choices(vec!["money".into(), "care".into()])));
    assert_eq!(age_from(&a), Some(7));
}
