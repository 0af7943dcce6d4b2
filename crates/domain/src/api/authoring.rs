//! Life-situation authoring: an editor's definition of a situation, its versions, and the checks
//! that name every problem at its part (a field for a form, the engine's findings for the
//! questionnaire and the steps), so the editor sees each next to what to fix.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::FieldError;
use crate::{
    Slug,
    form::Form,
    router::definition,
    situation::{Condition, Question, Source, Step},
    vocabulary::VersionStatus,
};

/// Limits of a definition (a person answers a few questions, not a census).
pub mod situation_limits {
    pub const TITLE: usize = 200;
    pub const SUMMARY: usize = 500;
    pub const DESCRIPTION: usize = 5000;
    pub const QUESTIONS: usize = 20;
    pub const OPTIONS: usize = 12;
    pub const STEPS: usize = 30;
    pub const STEP_BODY: usize = 3000;
    pub const DOCUMENTS: usize = 30;
    pub const LINKS: usize = 12;
    pub const TEXT: usize = 300;
    pub const SOURCES: usize = 10;
    pub const URL: usize = 500;
}

/// A step as the editor writes it (numbered by its place).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StepDefinition {
    /// Что сделать, коротко (1–300 символов).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 300))]
    pub title: String,
    /// Как это сделать, простыми словами (до 3000 символов).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 3000))]
    pub body: String,
    /// Документы для этого шага (до 30).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 30))]
    pub documents: Vec<String>,
    /// Коды категорий услуг, которые помогают выполнить шаг (до 12).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::Slug>, max_items = 12))]
    pub categories: Vec<String>,
    /// Срок или длительность шага.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 300))]
    pub deadline: Option<String>,
    /// Шаг нужен, только если выполнено это условие.
    #[serde(default)]
    pub condition: Option<Condition>,
    /// Основание шага (до 10): закон, постановление, страница ведомства.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub sources: Vec<Source>,
}

/// A situation as the editor writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SituationDefinition {
    /// Код ситуации в адресе (`/situations/{slug}`); у версий одной ситуации он один.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::Slug))]
    pub slug: String,
    /// Название (1–200 символов).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub title: String,
    /// Коротко, о чём ситуация (до 500 символов).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub summary: String,
    /// Подробно (до 5000 символов).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 5000))]
    pub description: String,
    /// Коды категорий получателей (до 12).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::Slug>, max_items = 12))]
    pub target_groups: Vec<String>,
    /// Коды категорий услуг (до 12).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::Slug>, max_items = 12))]
    pub categories: Vec<String>,
    /// Коды связанных опубликованных ситуаций (до 12).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::Slug>, max_items = 12))]
    pub related: Vec<String>,
    /// Вопросы по порядку (до 20).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub questions: Vec<Question>,
    /// Шаги по порядку (до 30).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 30))]
    pub steps: Vec<StepDefinition>,
    /// Основные законы и страницы ведомств ситуации (до 10).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub sources: Vec<Source>,
}

impl SituationDefinition {
    /// The steps as the engine reads them, numbered from 1.
    pub fn engine_steps(&self) -> Vec<Step> {
        self.steps
            .iter()
            .enumerate()
            .map(|(index, s)| Step {
                position: u32::try_from(index + 1).unwrap_or(u32::MAX),
                title: s.title.clone(),
                body: s.body.clone(),
                documents: s.documents.clone(),
                categories: s.categories.clone(),
                deadline: s.deadline.clone(),
                condition: s.condition.clone(),
                sources: s.sources.clone(),
            })
            .collect()
    }

    /// What no draft may have (the form's checks: lengths, codes, counts, the ones the document
    /// states); a definition with any is refused, not saved.
    pub fn form_errors(&self) -> Vec<FieldError> {
        use situation_limits as l;
        let mut form = Form::new();
        if Slug::parse(&self.slug).is_err() {
            form.error("slug", "invalid_slug", "Код: строчная латиница, цифры и дефисы между ними.");
        }
        form.line("title", "Название", &self.title, 1, l::TITLE);
        form.line("summary", "Коротко", &self.summary, 0, l::SUMMARY);
        form.paragraphs("description", "Подробно", &self.description, 0, l::DESCRIPTION);
        form.slugs("target_groups", "Кому", &self.target_groups, 0, l::LINKS);
        form.slugs("categories", "Категории", &self.categories, 0, l::LINKS);
        form.slugs("related", "Связанные ситуации", &self.related, 0, l::LINKS);
        form.count("questions", "Вопросы", self.questions.len(), 0, l::QUESTIONS);
        form.count("steps", "Шаги", self.steps.len(), 0, l::STEPS);
        for (i, q) in self.questions.iter().enumerate().take(l::QUESTIONS) {
            if Slug::parse(&q.key.replace('_', "-")).is_err() {
                form.error(format!("questions[{i}].key"), "invalid", "Ключ вопроса: строчная латиница, цифры и «_».");
            }
            form.line(&format!("questions[{i}].text"), "Вопрос", &q.text, 1, l::TEXT);
            if let Some(help) = &q.help {
                form.paragraphs(&format!("questions[{i}].help"), "Подсказка", help, 0, l::TEXT);
            }
            form.count(&format!("questions[{i}].options"), "Варианты", q.options.len(), 0, l::OPTIONS);
            for (j, option) in q.options.iter().enumerate().take(l::OPTIONS) {
                form.line(&format!("questions[{i}].options[{j}].label"), "Вариант", &option.label, 1, l::TEXT);
                if Slug::parse(&option.value.replace('_', "-")).is_err() {
                    form.error(
                        format!("questions[{i}].options[{j}].value"),
                        "invalid",
                        "Значение варианта: строчная латиница, цифры и «_».",
                    );
                }
            }
        }
        for (i, step) in self.steps.iter().enumerate().take(l::STEPS) {
            form.line(&format!("steps[{i}].title"), "Шаг", &step.title, 1, l::TEXT);
            form.paragraphs(&format!("steps[{i}].body"), "Как сделать", &step.body, 0, l::STEP_BODY);
            if let Some(deadline) = &step.deadline {
                form.line(&format!("steps[{i}].deadline"), "Срок", deadline, 0, l::TEXT);
            }
            form.slugs(&format!("steps[{i}].categories"), "Категории шага", &step.categories, 0, l::LINKS);
            form.count(&format!("steps[{i}].documents"), "Документы", step.documents.len(), 0, l::DOCUMENTS);
            for (j, document) in step.documents.iter().enumerate().take(l::DOCUMENTS) {
                form.line(&format!("steps[{i}].documents[{j}]"), "Документ", document, 1, l::TEXT);
            }
            sources(&mut form, &format!("steps[{i}].sources"), &step.sources);
        }
        sources(&mut form, "sources", &self.sources);
        form.finish(()).err().unwrap_or_default()
    }

    /// What keeps a saved draft from being published, each at its part: the engine's findings
    /// (a condition on an unknown question, a step no answers need, answers that leave the
    /// route empty). References to the directory are the store's to check.
    pub fn problems(&self) -> Vec<FieldError> {
        definition::problems(&self.questions, &self.engine_steps())
            .into_iter()
            .map(|(part, message)| FieldError::new(part, "definition", capitalized(&message)))
            .collect()
    }
}

/// Checks a list of sources: a title each, a link only to a web page.
fn sources(form: &mut Form, field: &str, sources: &[Source]) {
    use situation_limits as l;
    form.count(field, "Основания", sources.len(), 0, l::SOURCES);
    for (j, source) in sources.iter().enumerate().take(l::SOURCES) {
        form.line(&format!("{field}[{j}].title"), "Основание", &source.title, 1, l::TEXT);
        if let Some(url) = &source.url {
            let url = form.line(&format!("{field}[{j}].url"), "Ссылка", url, 1, l::URL);
            let lower = url.to_ascii_lowercase();
            if !(url.is_empty() || lower.starts_with("https://") || lower.starts_with("http://")) {
                form.error(format!("{field}[{j}].url"), "invalid_url", "Ссылка на основание начинается с https:// или http://.");
            }
        }
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// One version of a situation, as the editor sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SituationVersion {
    /// Идентификатор версии.
    pub id: i64,
    /// Номер версии ситуации (1, 2, …).
    pub number: i32,
    /// Версия черновика для `If-Match` (то же, что ETag): растёт с каждым сохранением.
    pub version: i32,
    /// Черновик, опубликована сейчас или была раньше.
    pub status: VersionStatus,
    /// Определение.
    pub definition: SituationDefinition,
    /// Что мешает опубликовать, у каждой части; пусто — можно публиковать.
    pub problems: Vec<FieldError>,
    /// Кто создал.
    pub author_email: Option<String>,
    /// Когда создана.
    pub created_at: DateTime<Utc>,
    /// Когда опубликована.
    pub published_at: Option<DateTime<Utc>>,
}

/// A situation in the editor's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthoredSituation {
    /// Код ситуации.
    pub slug: String,
    /// Название последней версии.
    pub title: String,
    /// Номер опубликованной версии; пусто — ещё не опубликована.
    pub published: Option<i32>,
    /// Последняя версия и её идентификатор.
    pub latest: i32,
    pub latest_id: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::situation::QuestionKind;

    #[test]
    fn every_text_of_a_definition_is_bounded_and_free_of_control_characters() {
        let question = Question {
            key: "who".into(),
            text: "Кому?".into(),
            help: Some("п".repeat(situation_limits::TEXT + 1)),
            kind: QuestionKind::YesNo,
            options: Vec::new(),
            min: None,
            max: None,
            ask_if: None,
        };
        let step = StepDefinition {
            title: "Шаг".into(),
            body: String::new(),
            documents: vec!["Паспорт".into()],
            categories: Vec::new(),
            deadline: Some("в течение\u{0} месяца".into()),
            condition: None,
            sources: vec![
                Source {
                    title: "Федеральный закон № 181-ФЗ, ст. 7".into(),
                    url: Some("https://www.consultant.ru/document/cons_doc_LAW_8559/".into()),
                },
                Source { title: String::new(), url: Some("javascript:alert(1)".into()) },
            ],
        };
        let definition = SituationDefinition {
            slug: "test".into(),
            title: "Проверка".into(),
            summary: String::new(),
            description: String::new(),
            target_groups: Vec::new(),
            categories: Vec::new(),
            related: Vec::new(),
            questions: vec![question],
            steps: vec![step],
            sources: vec![Source { title: "Закон".into(), url: None }; situation_limits::SOURCES + 1],
        };
        let errors: Vec<(String, String)> = definition.form_errors().into_iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            errors,
            [
                ("questions[0].help".to_owned(), "too_long".to_owned()),
                ("steps[0].deadline".to_owned(), "control_character".to_owned()),
                ("steps[0].sources[1].title".to_owned(), "required".to_owned()),
                ("steps[0].sources[1].url".to_owned(), "invalid_url".to_owned()),
                ("sources".to_owned(), "too_many".to_owned()),
            ]
        );
    }
}
