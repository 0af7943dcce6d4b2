//! Checking a submitted form field by field, collecting every error at once.
//!
//! The cabinet's forms show all mistakes together (an error summary at the top, each error next
//! to its field), so parsers here never stop at the first one. Text never carries NUL or other
//! control characters into the database; single-line fields refuse line breaks too.

use std::fmt::Display;

use crate::{Slug, api::FieldError};

/// Errors collected while parsing one form.
#[derive(Debug, Default)]
pub struct Form {
    errors: Vec<FieldError>,
}

fn has_control(text: &str, multiline: bool) -> bool {
    text.chars().any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\t')))
}

impl Form {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error.
    pub fn error(&mut self, field: impl Into<String>, code: &str, detail: impl Into<String>) {
        self.errors.push(FieldError::new(field, code, detail));
    }

    /// A trimmed single-line text of `min..=max` characters (`min == 0`: may be empty).
    pub fn line(&mut self, field: &str, label: &str, raw: &str, min: usize, max: usize) -> String {
        self.text(field, label, raw, min, max, false)
    }

    /// A trimmed text that may hold line breaks, of `min..=max` characters; `\r\n` becomes `\n`.
    pub fn paragraphs(&mut self, field: &str, label: &str, raw: &str, min: usize, max: usize) -> String {
        self.text(field, label, &raw.replace("\r\n", "\n"), min, max, true)
    }

    fn text(&mut self, field: &str, label: &str, raw: &str, min: usize, max: usize, multiline: bool) -> String {
        let value = raw.trim();
        let chars = value.chars().count();
        if has_control(value, multiline) {
            let what = if multiline {
                "управляющие символы"
            } else {
                "переводы строки или управляющие символы"
            };
            self.error(field, "control_character", format!("«{label}»: уберите {what}."));
        } else if chars == 0 && min > 0 {
            self.error(field, "required", format!("Заполните поле «{label}»."));
        } else if chars < min {
            self.error(field, "too_short", format!("«{label}»: не короче {min} символов."));
        } else if chars > max {
            self.error(field, "too_long", format!("«{label}»: не длиннее {max} символов (сейчас {chars})."));
        }
        value.to_owned()
    }

    /// An optional single-line text: empty is `None`.
    pub fn optional_line(&mut self, field: &str, label: &str, raw: &Option<String>, max: usize) -> Option<String> {
        let value = self.line(field, label, raw.as_deref().unwrap_or_default(), 0, max);
        (!value.is_empty()).then_some(value)
    }

    /// An optional value parsed by `parse`: absent or blank is `None`, a bad value an error.
    pub fn optional<T, E: Display>(
        &mut self,
        field: &str,
        label: &str,
        raw: &Option<String>,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Option<T> {
        let value = raw.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
        if has_control(value, false) {
            self.error(field, "control_character", format!("«{label}»: уберите управляющие символы."));
            return None;
        }
        match parse(value) {
            Ok(parsed) => Some(parsed),
            Err(e) => {
                self.error(field, "invalid", format!("«{label}»: {e}."));
                None
            }
        }
    }

    /// A list of `min..=max` distinct slugs (codes from a reference list).
    pub fn slugs(&mut self, field: &str, label: &str, raw: &[String], min: usize, max: usize) -> Vec<Slug> {
        self.count(field, label, raw.len(), min, max);
        let mut slugs: Vec<Slug> = Vec::with_capacity(raw.len().min(max));
        for (i, value) in raw.iter().enumerate().take(max) {
            match Slug::parse(value.trim()) {
                Ok(slug) if slugs.contains(&slug) => {
                    self.error(format!("{field}[{i}]"), "duplicate", format!("«{label}»: «{slug}» указано дважды."))
                }
                Ok(slug) => slugs.push(slug),
                Err(e) => self.error(format!("{field}[{i}]"), "invalid", format!("«{label}»: код «{value}» не подходит: {e}.")),
            }
        }
        slugs
    }

    /// A list of `min..=max` distinct values.
    pub fn distinct<T: PartialEq + Clone + Display>(&mut self, field: &str, label: &str, raw: &[T], min: usize, max: usize) -> Vec<T> {
        self.count(field, label, raw.len(), min, max);
        let mut values: Vec<T> = Vec::with_capacity(raw.len().min(max));
        for (i, value) in raw.iter().enumerate().take(max) {
            if values.contains(value) {
                self.error(format!("{field}[{i}]"), "duplicate", format!("«{label}»: «{value}» указано дважды."));
            } else {
                values.push(value.clone());
            }
        }
        values
    }

    /// Checks a list's length.
    pub fn count(&mut self, field: &str, label: &str, len: usize, min: usize, max: usize) {
        if len < min {
            let detail = if min == 1 {
                format!("«{label}»: выберите хотя бы одно значение.")
            } else {
                format!("«{label}»: не меньше {min}.")
            };
            self.error(field, "required", detail);
        } else if len > max {
            self.error(field, "too_many", format!("«{label}»: не больше {max} (сейчас {len})."));
        }
    }

    /// The collected errors, if any.
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// `value` when nothing was wrong, else every error.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty() { Ok(value) } else { Err(self.errors) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_is_collected_with_its_field() {
        let mut form = Form::new();
        form.line("name", "Название", "  ", 3, 10);
        form.line("summary", "Кратко", "строка\nвторая", 0, 100);
        form.paragraphs("description", "Описание", "абзац\r\nвторой", 0, 100);
        form.line("short", "Кратко", "a\u{0}b", 0, 100);
        form.slugs("categories", "Категории", &["rehab".into(), "rehab".into(), "Плохо".into()], 1, 5);
        let fields: Vec<(String, String)> = form.errors().iter().map(|e| (e.field.clone(), e.code.clone())).collect();
        assert_eq!(
            fields,
            [
                ("name".into(), "required".into()),
                ("summary".into(), "control_character".into()),
                ("short".into(), "control_character".into()),
                ("categories[1]".into(), "duplicate".into()),
                ("categories[2]".into(), "invalid".into()),
            ]
        );
    }

    #[test]
    fn long_lists_are_refused_without_reading_past_the_limit() {
        let mut form = Form::new();
        let many: Vec<String> = (0..1000).map(|i| format!("c{i}")).collect();
        let kept = form.slugs("categories", "Категории", &many, 1, 8);
        assert_eq!(kept.len(), 8);
        assert_eq!(form.errors().len(), 1);
        assert_eq!(form.errors()[0].code, "too_many");
    }
}
