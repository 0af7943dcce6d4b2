//! Revisions: a partner's proposed change to a record, and what it changes field by field.
//!
//! The moderator reads a before/after table, not two JSON documents; the partner sees the same
//! table in the cabinet. Both are computed here from the records' own display forms, so the
//! diff is pure and the same on the server and in the browser.

use serde::{Deserialize, Serialize};

/// One field of a record in its display form, for the diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldValue {
    /// The field's name in the API (`name`, `opening_hours`).
    pub field: &'static str,
    /// The field's label in the form, in Russian.
    pub label: &'static str,
    /// The value as a person reads it; empty when not set.
    pub value: String,
}

impl FieldValue {
    pub fn new(field: &'static str, label: &'static str, value: impl Into<String>) -> Self {
        Self { field, label, value: value.into() }
    }
}

/// A record that can be compared field by field.
pub trait Fields {
    /// Every field in form order.
    fn fields(&self) -> Vec<FieldValue>;
}

/// A changed field: its name, label and the values before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    /// Поле в API.
    pub field: String,
    /// Название поля в форме.
    pub label: String,
    /// Было (пусто у новой записи или незаполненного поля).
    pub before: String,
    /// Стало.
    pub after: String,
}

/// The fields that differ between `before` (none for a new record) and `after`, in form order.
pub fn diff<T: Fields>(before: Option<&T>, after: &T) -> Vec<FieldChange> {
    let old = before.map(Fields::fields).unwrap_or_default();
    after
        .fields()
        .into_iter()
        .filter_map(|new| {
            let was = old.iter().find(|o| o.field == new.field).map(|o| o.value.as_str()).unwrap_or_default();
            (was != new.value).then(|| FieldChange {
                field: new.field.to_owned(),
                label: new.label.to_owned(),
                before: was.to_owned(),
                after: new.value,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Card {
        name: &'static str,
        phone: Option<&'static str>,
    }

    impl Fields for Card {
        fn fields(&self) -> Vec<FieldValue> {
            vec![FieldValue::new("name", "Название", self.name), FieldValue::new("phone", "Телефон", self.phone.unwrap_or_default())]
        }
    }

    #[test]
    fn only_changed_fields_are_listed_in_form_order() {
        let before = Card { name: "КЦСОН", phone: Some("8 343 000 00 00") };
        let after = Card { name: "КЦСОН «Осень»", phone: Some("8 343 000 00 00") };
        let changes = diff(Some(&before), &after);
        assert_eq!(changes.len(), 1);
        assert_eq!((changes[0].field.as_str(), changes[0].before.as_str(), changes[0].after.as_str()), ("name", "КЦСОН", "КЦСОН «Осень»"));
        assert!(diff(Some(&before), &before).is_empty(), "no change, no rows");
    }

    #[test]
    fn a_new_record_lists_every_filled_field() {
        let changes = diff(None, &Card { name: "КЦСОН", phone: None });
        assert_eq!(changes.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(), ["name"], "an empty field is no change");
    }
}
