//! Checking an editor's situation definition, and enumerating every way through its questionnaire.

use std::collections::HashSet;

use super::{Answer, Answers, is_asked};
use crate::situation::{Condition, Question, QuestionKind, Scalar, Step};

/// Upper bound on enumerated answer combinations; a questionnaire that needs more is too complex
/// for a person anyway.
pub const MAX_PATHS: usize = 20_000;

/// Every problem with a definition, each naming the question or step.
pub fn validate(questions: &[Question], steps: &[Step]) -> Result<(), Vec<String>> {
    let problems = problems(questions, steps);
    if problems.is_empty() { Ok(()) } else { Err(problems.into_iter().map(|(_, message)| message).collect()) }
}

/// Every problem with a definition as (part, message): the part is where an editor fixes it
/// (`questions[1].ask_if`, `steps[2].condition`, `steps`), the message is Russian.
pub fn problems(questions: &[Question], steps: &[Step]) -> Vec<(String, String)> {
    let mut problems: Vec<(String, String)> = Vec::new();
    let mut keys = HashSet::new();
    for (index, q) in questions.iter().enumerate() {
        let part = |field: &str| format!("questions[{index}]{field}");
        if !keys.insert(q.key.as_str()) {
            problems.push((part(".key"), format!("вопрос «{}» задан дважды", q.key)));
        }
        match q.kind {
            QuestionKind::Single | QuestionKind::Multiple => {
                let values: HashSet<&str> = q.options.iter().map(|o| o.value.as_str()).collect();
                if q.options.len() < 2 {
                    problems.push((part(".options"), format!("у вопроса «{}» меньше двух вариантов", q.key)));
                }
                if values.len() != q.options.len() {
                    problems.push((part(".options"), format!("у вопроса «{}» повторяются значения вариантов", q.key)));
                }
            }
            QuestionKind::Number => match (q.min, q.max) {
                (Some(min), Some(max)) if min <= max => {}
                _ => problems.push((part(".max"), format!("у числового вопроса «{}» нужны min ≤ max", q.key))),
            },
            QuestionKind::YesNo => {}
        }
        if let Some(condition) = &q.ask_if {
            let earlier = &questions[..index];
            let mut found = Vec::new();
            check_condition(condition, earlier, &format!("условие вопроса «{}»", q.key), &mut found);
            problems.extend(found.into_iter().map(|m| (part(".ask_if"), m)));
        }
    }
    for (index, step) in steps.iter().enumerate() {
        if let Some(condition) = &step.condition {
            let mut found = Vec::new();
            check_condition(condition, questions, &format!("условие шага {} «{}»", step.position, step.title), &mut found);
            problems.extend(found.into_iter().map(|m| (format!("steps[{index}].condition"), m)));
        }
    }
    if steps.is_empty() {
        problems.push(("steps".into(), "в ситуации нет шагов".into()));
    }
    if problems.is_empty() {
        let paths = paths(questions, steps);
        for (index, q) in questions.iter().enumerate() {
            if !paths.iter().any(|answers| is_asked(q, answers)) {
                problems.push((format!("questions[{index}].ask_if"), format!("вопрос «{}» не задаётся ни при каких ответах", q.key)));
            }
        }
        for (index, step) in steps.iter().enumerate() {
            if !paths.iter().any(|answers| step.condition.as_ref().is_none_or(|c| c.holds(answers))) {
                problems.push((
                    format!("steps[{index}].condition"),
                    format!("шаг {} «{}» не нужен ни при каких ответах", step.position, step.title),
                ));
            }
        }
        for answers in &paths {
            if !steps.iter().any(|s| s.condition.as_ref().is_none_or(|c| c.holds(answers))) {
                problems.push(("steps".into(), format!("при ответах {} маршрут пуст: ни один шаг не подходит", describe(answers))));
                break;
            }
        }
    }
    problems
}

/// Answers as an editor reads them: `who = child, child_age = 7`.
fn describe(answers: &Answers) -> String {
    answers
        .iter()
        .map(|(key, answer)| {
            let value = match answer {
                Answer::Bool(true) => "да".to_owned(),
                Answer::Bool(false) => "нет".to_owned(),
                Answer::Number(n) => n.to_string(),
                Answer::Choice(c) => c.clone(),
                Answer::Choices(c) => format!("[{}]", c.join(", ")),
            };
            format!("{key} = {value}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_condition(condition: &Condition, questions: &[Question], place: &str, problems: &mut Vec<String>) {
    let check_value = |question: &Question, value: &Scalar, problems: &mut Vec<String>| match (question.kind, value) {
        (QuestionKind::YesNo, Scalar::Bool(_)) | (QuestionKind::Number, Scalar::Number(_)) => {}
        (QuestionKind::Single | QuestionKind::Multiple, Scalar::Text(v)) if question.options.iter().any(|o| &o.value == v) => {}
        (QuestionKind::Single | QuestionKind::Multiple, Scalar::Text(v)) => {
            problems.push(format!("{place}: у вопроса «{}» нет варианта «{v}»", question.key))
        }
        _ => problems.push(format!("{place}: значение {value:?} не подходит к вопросу «{}»", question.key)),
    };
    match condition {
        Condition::All(parts) | Condition::Any(parts) => parts.iter().for_each(|c| check_condition(c, questions, place, problems)),
        Condition::Not(inner) => check_condition(inner, questions, place, problems),
        Condition::Equals { question, value } => match questions.iter().find(|q| &q.key == question) {
            Some(q) => check_value(q, value, problems),
            None => problems.push(format!("{place}: нет (более раннего) вопроса «{question}»")),
        },
        Condition::In { question, values } => match questions.iter().find(|q| &q.key == question) {
            Some(q) => values.iter().for_each(|v| check_value(q, v, problems)),
            None => problems.push(format!("{place}: нет (более раннего) вопроса «{question}»")),
        },
        Condition::Range { question, .. } => match questions.iter().find(|q| &q.key == question) {
            Some(q) if q.kind == QuestionKind::Number => {}
            Some(_) => problems.push(format!("{place}: диапазон задан для нечислового вопроса «{question}»")),
            None => problems.push(format!("{place}: нет (более раннего) вопроса «{question}»")),
        },
    }
}

/// The numbers worth trying for a number question: its bounds and both sides of every range
/// boundary the definition uses for it.
fn interesting_numbers(question: &Question, steps: &[Step], questions: &[Question]) -> Vec<f64> {
    fn collect(condition: &Condition, key: &str, out: &mut Vec<f64>) {
        match condition {
            Condition::All(parts) | Condition::Any(parts) => parts.iter().for_each(|c| collect(c, key, out)),
            Condition::Not(inner) => collect(inner, key, out),
            Condition::Range { question, min, max } if question == key => {
                for bound in [*min, *max].into_iter().flatten() {
                    out.extend([bound - 1.0, bound, bound + 1.0]);
                }
            }
            Condition::Equals { question, value: Scalar::Number(n) } if question == key => out.push(*n),
            _ => {}
        }
    }
    let (min, max) = (question.min.unwrap_or(0.0), question.max.unwrap_or(0.0));
    let mut numbers = vec![min, max];
    for condition in steps.iter().filter_map(|s| s.condition.as_ref()).chain(questions.iter().filter_map(|q| q.ask_if.as_ref())) {
        collect(condition, &question.key, &mut numbers);
    }
    let mut numbers: Vec<f64> = numbers.into_iter().filter(|n| (min..=max).contains(n)).collect();
    numbers.sort_by(f64::total_cmp);
    numbers.dedup();
    numbers
}

/// Every complete set of answers a person can give (numbers at their interesting values, multiple
/// choice as each single option, none and all), up to [`MAX_PATHS`].
pub fn paths(questions: &[Question], steps: &[Step]) -> Vec<Answers> {
    let mut paths = vec![Answers::new()];
    for question in questions {
        let choices: Vec<Answer> = match question.kind {
            QuestionKind::YesNo => vec![Answer::Bool(true), Answer::Bool(false)],
            QuestionKind::Single => question.options.iter().map(|o| Answer::Choice(o.value.clone())).collect(),
            QuestionKind::Multiple => {
                let mut sets: Vec<Answer> = question.options.iter().map(|o| Answer::Choices(vec![o.value.clone()])).collect();
                sets.push(Answer::Choices(Vec::new()));
                sets.push(Answer::Choices(question.options.iter().map(|o| o.value.clone()).collect()));
                sets
            }
            QuestionKind::Number => interesting_numbers(question, steps, questions).into_iter().map(Answer::Number).collect(),
        };
        let mut next = Vec::new();
        for answers in paths {
            if !is_asked(question, &answers) {
                next.push(answers);
                continue;
            }
            for choice in &choices {
                if next.len() >= MAX_PATHS {
                    break;
                }
                let mut extended = answers.clone();
                extended.insert(question.key.clone(), choice.clone());
                next.push(extended);
            }
        }
        paths = next;
    }
    paths
}
