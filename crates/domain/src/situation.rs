//! Life situations as data: a short questionnaire and ordered steps with conditions.
//!
//! Situations are authored by editors, not programmers (the GOV.UK smart-answers model), so the
//! definition is plain serialisable data; the router engine that evaluates it lives beside it.

use serde::{Deserialize, Serialize};

/// The kind of answer a question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// Один вариант из списка.
    Single,
    /// Несколько вариантов из списка.
    Multiple,
    /// Да или нет.
    YesNo,
    /// Число в пределах `min`…`max` (например, возраст ребёнка).
    Number,
}

/// One option of a choice question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionOption {
    /// Машинное значение варианта.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[a-z0-9]+([_-][a-z0-9]+)*$", max_length = 120))]
    pub value: String,
    /// Текст варианта для человека.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub label: String,
}

/// A question of a situation's questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    /// Ключ вопроса, на него ссылаются условия.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[a-z0-9]+([_-][a-z0-9]+)*$", max_length = 120))]
    pub key: String,
    /// Вопрос простыми словами.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub text: String,
    /// Подсказка к вопросу.
    #[serde(default)]
    pub help: Option<String>,
    /// Тип ответа.
    pub kind: QuestionKind,
    /// Варианты ответа (для single и multiple, до 12).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 12))]
    pub options: Vec<QuestionOption>,
    /// Наименьшее допустимое число (для number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Наибольшее допустимое число (для number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Вопрос задаётся, только если выполнено это условие.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_if: Option<Condition>,
}

/// An answer value a condition compares with: `true`/`false`, a number, or an option's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Number(f64),
    Text(String),
}

/// By hand rather than `#[serde(untagged)]`: the derived version buffers every value and costs
/// the SPA's wasm several kilobytes for three cases.
impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a boolean, a number or a string")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Number(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_owned()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A condition over the answers; decides whether a question is asked or a step applies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Выполнены все условия.
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    All(Vec<Condition>),
    /// Выполнено хотя бы одно условие.
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    Any(Vec<Condition>),
    /// Условие не выполнено.
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    Not(Box<Condition>),
    /// Ответ равен значению (для multiple: среди выбранных есть значение).
    Equals { question: String, value: Scalar },
    /// Ответ — одно из значений.
    In { question: String, values: Vec<Scalar> },
    /// Числовой ответ в пределах (границы включительно).
    Range {
        question: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
}

impl Condition {
    /// Points every comparison on question `from` at `to`: an editor renamed the question.
    pub fn rename_question(&mut self, from: &str, to: &str) {
        match self {
            Condition::All(parts) | Condition::Any(parts) => parts.iter_mut().for_each(|c| c.rename_question(from, to)),
            Condition::Not(inner) => inner.rename_question(from, to),
            Condition::Equals { question, .. } | Condition::In { question, .. } | Condition::Range { question, .. } => {
                if question == from {
                    to.clone_into(question);
                }
            }
        }
    }

    /// Replaces the option value `from` by `to` in comparisons on `key`: an editor changed the
    /// option's value.
    pub fn rename_value(&mut self, key: &str, from: &str, to: &str) {
        let rename = |value: &mut Scalar| {
            if let Scalar::Text(text) = value
                && text == from
            {
                to.clone_into(text);
            }
        };
        match self {
            Condition::All(parts) | Condition::Any(parts) => parts.iter_mut().for_each(|c| c.rename_value(key, from, to)),
            Condition::Not(inner) => inner.rename_value(key, from, to),
            Condition::Equals { question, value } if question == key => rename(value),
            Condition::In { question, values } if question == key => values.iter_mut().for_each(rename),
            Condition::Equals { .. } | Condition::In { .. } | Condition::Range { .. } => {}
        }
    }
}

/// A step of a situation's algorithm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Step {
    /// Номер шага (1, 2, …) в полном алгоритме.
    pub position: u32,
    /// Что сделать, коротко.
    pub title: String,
    /// Как это сделать, простыми словами.
    pub body: String,
    /// Документы для этого шага.
    pub documents: Vec<String>,
    /// Категории услуг, которые помогают выполнить шаг.
    pub categories: Vec<String>,
    /// Срок или длительность шага.
    pub deadline: Option<String>,
    /// Шаг нужен, только если выполнено это условие.
    pub condition: Option<Condition>,
    /// Основание шага: закон, постановление или страница ведомства.
    #[serde(default)]
    pub sources: Vec<Source>,
}

/// Where a step or a situation comes from: the law or resolution with its number and article,
/// or the official body's page, shown as «Основание: …».
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Название: «Федеральный закон от 28.12.2013 № 400-ФЗ, ст. 8».
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub title: String,
    /// Ссылка на текст (`https://…`), если есть.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500, pattern = r"^https?://"))]
    pub url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renaming_a_question_or_an_option_follows_into_conditions() {
        let json = r#"{"any": [{"not": {"equals": {"question": "who", "value": "child"}}}, {"in": {"question": "who", "values": ["child", "self"]}},
            {"equals": {"question": "other", "value": "child"}}]}"#;
        let mut condition: Condition = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        condition.rename_value("who", "child", "kid");
        condition.rename_question("who", "whom");
        let expected = r#"{"any": [{"not": {"equals": {"question": "whom", "value": "kid"}}}, {"in": {"question": "whom", "values": ["kid", "self"]}},
            {"equals": {"question": "other", "value": "child"}}]}"#;
        assert_eq!(condition, serde_json::from_str::<Condition>(expected).unwrap_or_else(|e| panic!("{e}")));
    }

    #[test]
    fn conditions_read_the_documented_grammar() {
        let json = r#"{"all": [{"equals": {"question": "who", "value": "child"}}, {"not": {"equals": {"question": "has_referral", "value": true}}},
            {"range": {"question": "age", "min": 0, "max": 3}}, {"in": {"question": "who", "values": ["child", 2]}}]}"#;
        let condition: Condition = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"));
        let Condition::All(parts) = &condition else { panic!("{condition:?}") };
        assert_eq!(parts[0], Condition::Equals { question: "who".into(), value: Scalar::Text("child".into()) });
        assert_eq!(parts[1], Condition::Not(Box::new(Condition::Equals { question: "has_referral".into(), value: Scalar::Bool(true) })));
        assert_eq!(parts[3], Condition::In { question: "who".into(), values: vec![Scalar::Text("child".into()), Scalar::Number(2.0)] });
        let back: Condition =
            serde_json::from_str(&serde_json::to_string(&condition).unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, condition);
    }
}
