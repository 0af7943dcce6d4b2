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
