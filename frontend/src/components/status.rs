//! Waiting, failing and paging: every request shows an indicator, every error a way out.

use leptos::prelude::*;

use crate::api::{Failure, Fetched};

/// «Загрузка…», announced politely to screen readers.
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="status" role="status" aria-live="polite">"Загрузка…"</p> }
}

/// A failed request: what happened, a retry button, and a way home.
#[component]
pub fn ErrorPanel(
    /// What went wrong.
    failure: Failure,
    /// Repeats the request.
    #[prop(into)]
    retry: Callback<()>,
) -> impl IntoView {
    let title = if failure.is_not_found() { "Не найдено" } else { "Не удалось загрузить данные" };
    view! {
        <div class="error" role="alert">
            <h2>{title}</h2>
            <p>{failure.message.clone()}</p>
            <p>
                <button type="button" on:click=move |_| retry.run(())>"Попробовать ещё раз"</button>
                " "
                <a href="/">"На главную"</a>
            </p>
        </div>
    }
}

/// What [`loaded`] shows once a request has finished.
type Outcome = Option<Result<AnyView, Failure>>;

/// Renders a resource: the indicator while it loads, the error panel if it fails, `render` when
/// it arrives. While a new request runs the old content stays, with an indicator.
pub fn loaded<T, V>(resource: LocalResource<Fetched<T>>, render: impl Fn(T) -> V + Clone + Send + Sync + 'static) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let outcome = move || resource.get().map(|result| result.map(|data| render.clone()(data).into_any()));
    resource_shell(Box::new(outcome), Callback::new(move |_| resource.refetch()))
}

/// The part of [`loaded`] that does not depend on the data's type, compiled once for every page.
fn resource_shell(outcome: Box<dyn Fn() -> Outcome + Send + Sync>, retry: Callback<()>) -> AnyView {
    let (pending, set_pending) = signal(false);
    view! {
        <Show when=move || pending.get()>
            <p class="status" role="status" aria-live="polite">"Обновляем…"</p>
        </Show>
        <Transition fallback=|| view! { <Loading /> } set_pending>
            {move || {
                outcome()
                    .map(move |result| match result {
                        Ok(view) => view,
                        Err(failure) => view! { <ErrorPanel failure retry /> }.into_any(),
                    })
            }}
        </Transition>
    }
    .into_any()
}

/// The page's `<h1>`, which also names the browser tab and takes focus after navigation so a
/// screen reader announces the new page.
#[component]
pub fn Title(
    /// The heading text.
    #[prop(into)]
    text: Signal<String>,
) -> impl IntoView {
    let heading = NodeRef::<leptos::html::H1>::new();
    Effect::new(move |_| {
        document().set_title(&format!("{} — Социальный кластер", text.get()));
    });
    Effect::new(move |_| {
        if let Some(h1) = heading.get() {
            let _ = h1.focus();
        }
    });
    view! { <h1 id="page-title" tabindex="-1" node_ref=heading>{move || text.get()}</h1> }
}
