//! The router (маршрутизатор): from a situation's definition and a person's answers to their own
//! algorithm of actions, with the services in their city that carry each step out.
//!
//! Pure and deterministic, so the same code runs on the server (`/api/v1/router/route`) and in
//! the browser, where a person's answers (disability, income, a child's age) never leave the
//! device. Situations are data; [`definition::validate`] checks an editor's definition.

pub mod definition;
mod route;
mod suggest;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use route::{MAX_SERVICES_PER_STEP, RouteContext, route};
pub use suggest::{NEEDS, SituationDigest, StoryMatch, WHO, needed_groups, suggest};

use crate::{
    api::FieldError,
    situation::{Condition, Question, QuestionKind, Scalar},
};

/// A person's answer to one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Answer {
    /// Да/нет.
    Bool(bool),
    /// Число (например, возраст).
    Number(f64),
    /// Один вариант.
    Choice(String),
    /// Несколько вариантов.
    Choices(Vec<String>),
}

/// By hand rather than `#[serde(untagged)]`, which buffers every value (see [`Scalar`]).
impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Answer;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("true/false, a number, an option's value or a list of them")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Answer, E> {
                Ok(Answer::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Answer, E> {
                Ok(Answer::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Answer, E> {
                Ok(Answer::Number(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Answer, E> {
                Ok(Answer::Number(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Answer, E> {
                Ok(Answer::Choice(v.to_owned()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Answer, A::Error> {
                let mut values = Vec::new();
                while let Some(value) = seq.next_element::<String>()? {
                    values.push(value);
                }
                Ok(Answer::Choices(values))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Answers by question key; ordered, so everything derived from them is deterministic.
pub type Answers = BTreeMap<String, Answer>;

impl Scalar {
    fn matches(&self, answer: &Answer) -> bool {
        match (self, answer) {
            (Scalar::Bool(a), Answer::Bool(b)) => a == b,
            (Scalar::Number(a), Answer::Number(b)) => (a - b).abs() < f64::EPSILON,
            (Scalar::Text(a), Answer::Choice(b)) => a == b,
            (Scalar::Text(a), Answer::Choices(b)) => b.contains(a),
            _ => false,
        }
    }
}

impl Condition {
    /// Does the condition hold for these answers? A missing answer satisfies no comparison.
    pub fn holds(&self, answers: &Answers) -> bool {
        match self {
            Condition::All(parts) => parts.iter().all(|c| c.holds(answers)),
            Condition::Any(parts) => parts.iter().any(|c| c.holds(answers)),
            Condition::Not(inner) => !inner.holds(answers),
            Condition::Equals { question, value } => answers.get(question).is_some_and(|a| value.matches(a)),
            Condition::In { question, values } => answers.get(question).is_some_and(|a| values.iter().any(|v| v.matches(a))),
            Condition::Range { question, min, max } => match answers.get(question) {
                Some(Answer::Number(n)) => min.is_none_or(|m| *n >= m) && max.is_none_or(|m| *n <= m),
                _ => false,
            },
        }
    }

    /// The question keys the condition reads.
    pub fn questions(&self) -> Vec<&str> {
        match self {
            Condition::All(parts) | Condition::Any(parts) => parts.iter().flat_map(Condition::questions).collect(),
            Condition::Not(inner) => inner.questions(),
            Condition::Equals { question, .. } | Condition::In { question, .. } | Condition::Range { question, .. } => {
                vec![question.as_str()]
            }
        }
    }
}

/// Is the question asked, given the answers so far?
pub fn is_asked(question: &Question, answers: &Answers) -> bool {
    question.ask_if.as_ref().is_none_or(|c| c.holds(answers))
}

/// The questions asked for these answers, in order.
pub fn asked<'q>(questions: &'q [Question], answers: &Answers) -> Vec<&'q Question> {
    questions.iter().filter(|q| is_asked(q, answers)).collect()
}

fn field(key: &str) -> String {
    format!("answers.{key}")
}

/// Checks a person's answers against the questionnaire: every asked question answered with a
/// value of the right kind, nothing answered that is not asked. Errors name the question.
pub fn validate_answers(questions: &[Question], answers: &Answers) -> Result<(), Vec<FieldError>> {
    // Answers to questions the situation does not have: the first few named, the rest counted.
    const NAMED_UNKNOWN: usize = 3;
    let mut errors = Vec::new();
    let mut unknown = 0;
    for key in answers.keys() {
        match questions.iter().find(|q| &q.key == key) {
            None => {
                unknown += 1;
                if unknown <= NAMED_UNKNOWN {
                    let key = crate::text::echoed(key);
                    errors.push(FieldError::new(field(&key), "unknown_question", format!("В этой ситуации нет вопроса «{key}».")));
                }
            }
            Some(q) if !is_asked(q, answers) => errors.push(FieldError::new(
                field(key),
                "not_applicable",
                format!("Вопрос «{}» не задаётся при таких ответах: уберите ответ на него.", q.text),
            )),
            Some(_) => {}
        }
    }
    if unknown > NAMED_UNKNOWN {
        errors.push(FieldError::new(
            "answers",
            "unknown_question",
            format!("Ещё {} ответов — на вопросы, которых в этой ситуации нет.", unknown - NAMED_UNKNOWN),
        ));
    }
    for question in asked(questions, answers) {
        let Some(answer) = answers.get(&question.key) else {
            errors.push(FieldError::new(field(&question.key), "required", format!("Ответьте на вопрос «{}».", question.text)));
            continue;
        };
        let has_option = |value: &String| question.options.iter().any(|o| &o.value == value);
        let problem = match (question.kind, answer) {
            (QuestionKind::YesNo, Answer::Bool(_)) => None,
            (QuestionKind::Single, Answer::Choice(value)) if has_option(value) => None,
            (QuestionKind::Multiple, Answer::Choices(values)) if values.iter().all(has_option) => None,
            (QuestionKind::Single, Answer::Choice(_)) | (QuestionKind::Multiple, Answer::Choices(_)) => Some((
                "unknown_option",
                format!(
                    "В вопросе «{}» нет варианта «{}». Варианты: {}.",
                    question.text,
                    match answer {
                        Answer::Choices(values) =>
                            values.iter().find(|v| !has_option(v)).map(|v| crate::text::echoed(v)).unwrap_or_default(),
                        _ => crate::text::echoed(&value_text(answer)),
                    },
                    question.options.iter().map(|o| o.value.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )),
            (QuestionKind::Number, Answer::Number(n)) => {
                let (min, max) = (question.min.unwrap_or(f64::MIN), question.max.unwrap_or(f64::MAX));
                (*n < min || *n > max || n.fract() != 0.0)
                    .then(|| ("out_of_range", format!("Ответ на вопрос «{}» — целое число от {min} до {max}.", question.text)))
            }
            (kind, _) => Some((
                "wrong_type",
                format!(
                    "На вопрос «{}» нужен ответ {}.",
                    question.text,
                    match kind {
                        QuestionKind::YesNo => "true или false",
                        QuestionKind::Number => "числом",
                        QuestionKind::Single => "одним значением варианта",
                        QuestionKind::Multiple => "списком значений вариантов",
                    }
                ),
            )),
        };
        if let Some((code, detail)) = problem {
            errors.push(FieldError::new(field(&question.key), code, detail));
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

fn value_text(answer: &Answer) -> String {
    match answer {
        Answer::Bool(b) => b.to_string(),
        Answer::Number(n) => n.to_string(),
        Answer::Choice(c) => c.clone(),
        Answer::Choices(c) => c.join(", "),
    }
}

/// The recipient's age, when the questionnaire asks for it (a number question named `age` or
/// ending in `_age`): used to check services' age ranges.
pub fn age_from(answers: &Answers) -> Option<u8> {
    answers.iter().find_map(|(key, answer)| match answer {
        Answer::Number(n) if (key == "age" || key.ends_with("_age")) && (0.0..=120.0).contains(n) => Some(*n as u8),
        _ => None,
    })
}

#[cfg(test)]
mod tests;
