//! «Не знаю, с чего начать»: a short general questionnaire and free text, answered with the
//! situations that fit best and services of the city that help directly.

use leptos::prelude::*;
use socio_domain::{
    api::{SuggestRequest, SuggestResponse},
    router::{NEEDS, WHO},
};

use crate::{
    api::{Failure, client},
    components::{ServiceCard, Title},
    state::use_state,
};

/// The general questionnaire.
#[component]
pub fn HelpPage() -> impl IntoView {
    let state = use_state();
    let (who, set_who) = signal::<Option<String>>(None);
    let (disability, set_disability) = signal::<Option<bool>>(None);
    let (needs, set_needs) = signal(Vec::<String>::new());
    let (text, set_text) = signal(String::new());
    let (result, set_result) = signal::<Option<Result<SuggestResponse, Failure>>>(None);
    let (busy, set_busy) = signal(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = SuggestRequest {
            who: who.get_untracked(),
            disability: disability.get_untracked(),
            needs: needs.get_untracked(),
            municipality: state.city.get_untracked(),
            text: Some(text.get_untracked()).filter(|t| !t.trim().is_empty()),
        };
        set_busy.set(true);
        leptos::task::spawn_local(async move {
            set_result.set(Some(client().suggest(&request).await.map_err(Failure::from)));
            set_busy.set(false);
        });
    };
    view! {
        <Title text="Не знаю, с чего начать".to_string() />
        <p>"Ответьте на несколько вопросов — подскажем, какая ситуация ваша и кто поможет. Отвечать на все не обязательно."</p>
        <form class="wizard" on:submit=submit>
            <fieldset>
                <legend>"Кому нужна помощь?"</legend>
                {WHO.iter().map(|(value, label, _)| {
                    let id = format!("who-{value}");
                    let value = (*value).to_owned();
                    view! {
                        <div class="choice">
                            <input type="radio" name="who" id=id.clone() on:change=move |_| set_who.set(Some(value.clone())) />
                            <label for=id>{*label}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <fieldset>
                <legend>"Есть ли инвалидность?"</legend>
                <div class="choice"><input type="radio" name="disability" id="disability-yes" on:change=move |_| set_disability.set(Some(true)) /><label for="disability-yes">"Да"</label></div>
                <div class="choice"><input type="radio" name="disability" id="disability-no" on:change=move |_| set_disability.set(Some(false)) /><label for="disability-no">"Нет"</label></div>
            </fieldset>
            <fieldset>
                <legend>"Что нужно?"</legend>
                {NEEDS.iter().map(|(value, label, _)| {
                    let id = format!("need-{value}");
                    let value = (*value).to_owned();
                    view! {
                        <div class="choice">
                            <input type="checkbox" id=id.clone() on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                set_needs.update(|n| { n.retain(|x| x != &value); if on { n.push(value.clone()); } });
                            } />
                            <label for=id>{*label}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <label for="help-text">"Что случилось? Своими словами"</label>
            <textarea id="help-text" maxlength="200" prop:value=text on:input=move |ev| set_text.set(event_target_value(&ev))></textarea>
            <p class="actions"><button type="submit" disabled=move || busy.get()>{move || if busy.get() { "Подбираем…" } else { "Подобрать помощь" }}</button></p>
        </form>
        {move || result.get().map(|outcome| match outcome {
            Err(failure) => view! { <div class="error" role="alert"><p>{failure.message}</p></div> }.into_any(),
            Ok(found) => view! {
                <section aria-labelledby="suggested-title">
                    <h2 id="suggested-title">"Подходящие ситуации"</h2>
                    {if found.situations.is_empty() {
                        view! { <p class="panel">"Не нашли подходящую ситуацию. Посмотрите " <a href="/situations">"все ситуации"</a> " или обратитесь в " <a href="/centres">"центр СОЦИО"</a> "."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="tiles" id="suggested">
                                {found.situations.into_iter().map(|s| view! {
                                    <li><a class="tile" href=format!("/situations/{}", s.slug)><strong>{s.title}</strong>{s.reasons.join(". ")}</a></li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    {(!found.services.is_empty()).then(|| view! {
                        <h2>"Кто поможет в вашем городе"</h2>
                        <ul class="results">{found.services.into_iter().map(|s| view! { <ServiceCard service=s /> }).collect_view()}</ul>
                    })}
                </section>
            }.into_any(),
        })}
    }
}
