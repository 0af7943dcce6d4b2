//! A labelled `<select>` filter: "any" first, then the options, the current value selected.

use leptos::prelude::*;

/// One filter of a list page.
#[component]
pub fn FilterSelect(
    /// Id of the `<select>` (tests and the label use it).
    id: &'static str,
    /// The visible label.
    label: &'static str,
    /// The first option, meaning "no filter".
    any: &'static str,
    /// `(value, label)` pairs.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    /// The current value.
    #[prop(into)]
    selected: Signal<Option<String>>,
    /// Called with the new value (`None` for "any").
    on_change: Callback<Option<String>>,
) -> impl IntoView {
    view! {
        <div>
            <label for=id>{label}</label>
            <select id=id on:change=move |ev| on_change.run(Some(event_target_value(&ev)).filter(|v| !v.is_empty()))>
                <option value="">{any}</option>
                {move || {
                    let current = selected.get();
                    options.get().into_iter().map(|(value, text)| {
                        let is = current.as_deref() == Some(value.as_str());
                        view! { <option value=value selected=is>{text}</option> }
                    }).collect_view()
                }}
            </select>
        </div>
    }
}

/// Completions for a search box, as a `<datalist>` the box names in its `list` attribute: the
/// browser shows them under the box, keyboard and screen readers included.
#[component]
pub fn Completions(
    /// Id of the `<datalist>`.
    id: &'static str,
    /// What has been typed so far.
    #[prop(into)]
    typed: Signal<String>,
) -> impl IntoView {
    let found = LocalResource::new(move || {
        let typed = typed.get();
        async move {
            if typed.trim().chars().count() < 2 {
                return Vec::new();
            }
            crate::api::client().complete(&typed, 8).await.unwrap_or_default()
        }
    });
    view! {
        <datalist id=id>
            {move || found.get().unwrap_or_default().into_iter().map(|c| view! { <option value=c.text /> }).collect_view()}
        </datalist>
    }
}
