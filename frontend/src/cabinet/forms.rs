//! Form parts in the GOV.UK manner: an error summary at the top linking to each field, the
//! error next to its field, a label and a hint on every control. Errors come from the same
//! domain parsers the API runs, and from the API's 422 when it knows more (an unknown code).

use leptos::prelude::*;
use socio_domain::api::FieldError;

/// The element id of a field's control (`contacts.phone` → `f-contacts-phone`).
pub fn field_id(field: &str) -> String {
    let mut id = String::from("f-");
    for c in field.chars() {
        id.push(if c.is_ascii_alphanumeric() { c } else { '-' });
    }
    id.trim_end_matches('-').to_owned()
}

/// The first error of `field` or of its parts (`documents` also shows `documents[2]`).
pub fn error_of(errors: &[FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field || e.field.strip_prefix(field).is_some_and(|rest| rest.starts_with('[') || rest.starts_with('.')))
        .map(|e| e.detail.clone())
}

/// «Исправьте ошибки»: every error, each a link to its field; focused when it appears.
#[component]
pub fn ErrorSummary(errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    Effect::new(move |_| {
        if !errors.get().is_empty() {
            request_animation_frame(|| {
                if let Some(el) = document().get_element_by_id("error-summary")
                    && let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el)
                {
                    let _ = el.focus();
                }
            });
        }
    });
    move || {
        let list = errors.get();
        (!list.is_empty()).then(|| {
            view! {
                <div class="error" id="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
                    <h2 id="error-summary-title">"Исправьте ошибки"</h2>
                    <ul>
                        {list.into_iter().map(|e| {
                            let href = format!("#{}", field_id(e.field.split(['[', '.']).next().unwrap_or(&e.field)));
                            view! { <li><a href=href>{e.detail}</a></li> }
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// A labelled text box (or text area) with its hint and error.
#[component]
pub fn TextField(
    /// The API field it edits, for its id and errors (`title`, `steps[2].deadline`).
    #[prop(into)]
    field: String,
    /// The label.
    #[prop(into)]
    label: String,
    /// The current value.
    value: Signal<String>,
    /// Called on every input.
    on_input: Callback<String>,
    errors: RwSignal<Vec<FieldError>>,
    /// A hint under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// A text area rather than a single line.
    #[prop(optional)]
    multiline: bool,
    /// The input's type (`text`, `email`, `password`, `tel`, `url`, `number`).
    #[prop(default = "text")]
    kind: &'static str,
    /// `autocomplete` hint for the browser.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
) -> impl IntoView {
    let id = field_id(&field);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let error = {
        let field = field.clone();
        move || error_of(&errors.get(), &field)
    };
    let described = {
        let (hint_id, error_id, error) = (hint_id.clone(), error_id.clone(), error.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if error().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = {
        let error = error.clone();
        move || error().is_some().to_string()
    };
    let control = if multiline {
        view! {
            <textarea id=id.clone() name=field aria-describedby=described.clone() aria-invalid=invalid
                prop:value=move || value.get() on:input=move |ev| on_input.run(event_target_value(&ev))></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() name=field type=kind autocomplete=autocomplete aria-describedby=described aria-invalid=invalid
                prop:value=move || value.get() on:input=move |ev| on_input.run(event_target_value(&ev)) />
        }
        .into_any()
    };
    let class = {
        let error = error.clone();
        move || if error().is_some() { "field field-invalid" } else { "field" }
    };
    view! {
        <div class=class>
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            {move || error().map(|e| view! { <p class="field-error" id=error_id.clone()>{e}</p> })}
            {control}
        </div>
    }
}

/// A group of checkboxes: `options` are (code, label); `selected` the chosen codes.
#[component]
pub fn Checkboxes(
    #[prop(into)] field: String,
    #[prop(into)] legend: String,
    options: Vec<(String, String)>,
    selected: Signal<Vec<String>>,
    on_change: Callback<Vec<String>>,
    errors: RwSignal<Vec<FieldError>>,
    #[prop(optional)] hint: Option<&'static str>,
) -> impl IntoView {
    let id = field_id(&field);
    let error = move || error_of(&errors.get(), &field);
    let class = {
        let error = error.clone();
        move || if error().is_some() { "field field-invalid" } else { "field" }
    };
    view! {
        <fieldset id=id.clone() class=class>
            <legend>{legend}</legend>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            {move || error().map(|e| view! { <p class="field-error">{e}</p> })}
            {options.into_iter().map(|(code, label)| {
                let box_id = format!("{id}-{code}");
                let (checked_code, toggled_code) = (code.clone(), code.clone());
                view! {
                    <div class="check">
                        <input type="checkbox" id=box_id.clone() value=code.clone()
                            prop:checked=move || selected.get().contains(&checked_code)
                            on:change=move |ev| {
                                let mut now = selected.get_untracked();
                                if event_target_checked(&ev) {
                                    if !now.contains(&toggled_code) { now.push(toggled_code.clone()); }
                                } else {
                                    now.retain(|c| c != &toggled_code);
                                }
                                on_change.run(now);
                            } />
                        <label for=box_id>{label}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// The errors of a failed save: the API's field errors, or one general error.
pub fn errors_of(failure: &socio_client::ClientError) -> Vec<FieldError> {
    match failure.problem() {
        Some(problem) if !problem.errors.is_empty() => problem.errors.clone(),
        Some(problem) => vec![FieldError::new("form", &problem.code, problem.detail.clone())],
        None => vec![FieldError::new("form", "transport", "Не удалось связаться с сервером. Проверьте интернет и попробуйте ещё раз.")],
    }
}
