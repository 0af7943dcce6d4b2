//! Opened once, opened again with no connection: the service worker (`frontend/sw.js`; the list
//! of the build's files is written into it by `cargo xtask spa`) keeps the shell and the pages
//! and public answers a person has opened. It is registered from here, not from an inline
//! script, so that the Content-Security-Policy stays strict. When what is shown is a kept copy,
//! the worker says so (a `<meta>` in a kept page, a message for a kept answer) and the header
//! shows «Нет связи: показана сохранённая версия от 7 декабря, 14:05».

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue, closure::Closure};

/// Registers `/sw.js` for the whole site; where service workers are not available (an old
/// browser, a page not served over HTTPS or from this machine) the site works as before.
pub fn register() {
    if let Some(workers) = service_workers() {
        let _ = workers.register("/sw.js");
    }
}

/// The page's service workers, where the browser offers them (not over plain HTTP elsewhere
/// than this machine, nor in an old browser).
fn service_workers() -> Option<web_sys::ServiceWorkerContainer> {
    let navigator = window().navigator();
    let available = js_sys::Reflect::get(&navigator, &JsValue::from_str("serviceWorker")).is_ok_and(|w| !w.is_undefined());
    available.then(|| navigator.service_worker())
}

/// The moment the copy shown was saved, while what is shown is a copy; set from the page's
/// `<meta name="socio-saved-at">` and from the worker's messages.
pub fn saved_at() -> RwSignal<Option<String>> {
    let saved = RwSignal::new(
        document()
            .query_selector("meta[name='socio-saved-at']")
            .ok()
            .flatten()
            .and_then(|meta| meta.get_attribute("content"))
            .map(|iso| shown(&iso)),
    );
    if let Some(workers) = service_workers() {
        let on_message = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
            let iso = js_sys::Reflect::get(&event, &JsValue::from_str("data"))
                .and_then(|data| js_sys::Reflect::get(&data, &JsValue::from_str("savedAt")))
                .ok()
                .and_then(|v| v.as_string());
            if let Some(iso) = iso {
                saved.set(Some(shown(&iso)));
            }
        });
        workers.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
    }
    saved
}

/// «7 декабря, 14:05» in the person's own time zone.
fn shown(iso: &str) -> String {
    let date = js_sys::Date::new(&JsValue::from_str(iso));
    socio_domain::wording::day_and_time(date.get_date(), date.get_month(), date.get_hours(), date.get_minutes())
}

/// The notice under the header while a kept copy is shown.
#[component]
pub fn OfflineNotice(saved: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        saved.get().map(|when| {
            view! {
                <div class="offline-notice" role="status">
                    <div class="wrap"><strong>"Нет связи: "</strong>{format!("показана сохранённая версия от {when}")}</div>
                </div>
            }
        })
    }
}
