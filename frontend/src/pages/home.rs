use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use socio_domain::{
    api::{PageRequest, ServiceQuery, SituationFilter},
    vocabulary::SocioCentreStatus,
};

use super::href_with;
use crate::{
    api::client,
    app::CitySelect,
    components::{Completions, PhoneLink, Title, loaded},
    state::use_state,
};

/// «Что случилось?»: search, city, life situations, categories, the city's СОЦИО centre.
#[component]
pub fn HomePage() -> impl IntoView {
    let state = use_state();
    let navigate = use_navigate();
    let (text, set_text) = signal(String::new());
    let situations = LocalResource::new(|| async {
        client()
            .situations(&SituationFilter { page: PageRequest { page: 1, per_page: 100 }, ..Default::default() })
            .await
            .map_err(Into::into)
    });
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let query = ServiceQuery {
            q: Some(text.get_untracked()).filter(|q| !q.trim().is_empty()),
            municipality: state.city.get_untracked(),
            ..Default::default()
        };
        navigate(&href_with("/services", &query), Default::default());
    };

    // The city is asked once: once chosen (here, in the header or in the catalogue) it is a line
    // with «Сменить город», which brings the list back, focused.
    let (changing, set_changing) = signal(false);
    Effect::new(move |_| {
        state.city.track();
        set_changing.set(false);
    });
    Effect::new(move |_| {
        if changing.get() {
            request_animation_frame(|| {
                if let Some(select) = document().get_element_by_id("city-home") {
                    let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(select).focus();
                }
            });
        }
    });

    view! {
        <Title text="Что случилось?".to_string() />
        <form class="search-box" role="search" on:submit=search>
            <label for="what-happened" class="visually-hidden">"Опишите, что случилось или что нужно"</label>
            <input
                id="what-happened"
                type="search"
                placeholder="Например: пособие многодетным, логопед ребёнку"
                autocomplete="off"
                list="home-completions"
                prop:value=text
                on:input=move |ev| set_text.set(event_target_value(&ev))
            />
            <Completions id="home-completions" typed=text />
            <button type="submit">"Найти помощь"</button>
        </form>
        <p class="hint">"Напишите простыми словами. Мы покажем услуги и организации вашего города."</p>
        <p><a href="/help">"Не знаю, с чего начать: подобрать помощь по нескольким вопросам"</a></p>

        {move || {
            let chosen = state.city.get().filter(|_| !changing.get());
            match chosen {
                Some(city) => {
                    let name = state.municipalities.get().and_then(Result::ok).unwrap_or_default().into_iter()
                        .find(|m| m.slug == city).map_or(city, |m| m.name);
                    view! {
                        <p class="city-chosen">
                            "Ваш город: " <strong id="city-chosen">{name}</strong> " "
                            <button type="button" class="secondary" id="change-city" on:click=move |_| set_changing.set(true)>"Сменить город"</button>
                        </p>
                    }.into_any()
                }
                None => view! {
                    <div class="panel">
                        <CitySelect id="city-home" />
                        <p class="hint">"Город запоминается в этом браузере."</p>
                    </div>
                }.into_any(),
            }
        }}

        <h2>"Жизненные ситуации"</h2>
        <p>"Выберите ситуацию — получите пошаговый алгоритм: что сделать, куда обратиться, какие документы взять."</p>
        {loaded(situations, |page| view! { <socio_views::SituationsOnHome situations=page.items /> })}

        <h2>"Услуги по темам"</h2>
        {move || loaded(state.categories, move |groups| view! { <socio_views::CategoryTiles groups city=state.city.get() /> })}

        <h2>"Центр СОЦИО вашего города"</h2>
        {move || match state.city.get() {
            None => view! { <p>"Выберите город выше, чтобы увидеть ближайший центр СОЦИО. " <a href="/centres">"Все центры"</a></p> }.into_any(),
            Some(city) => loaded(state.municipalities, move |cities| {
                let centre = cities.into_iter().find(|m| m.slug == city).and_then(|m| m.socio_centre);
                match centre {
                    Some(c) if c.status == SocioCentreStatus::Open => view! {
                        <div class="panel">
                            <h3>{c.name}</h3>
                            <p>{c.description}</p>
                            {c.address.map(|a| view! { <p><strong>"Адрес: "</strong>{a}</p> })}
                            {c.phone.map(|p| view! { <p><strong>"Телефон: "</strong><PhoneLink number=p /></p> })}
                        </div>
                    }.into_any(),
                    Some(c) => view! {
                        <div class="panel">
                            <h3>{c.name}</h3>
                            <p>"Центр в вашем городе ещё не открыт — открытие планируется. Пока помогут в центре СОЦИО Екатеринбурга и в организациях ниже."</p>
                            <p><a href="/centres">"Все центры СОЦИО"</a></p>
                        </div>
                    }.into_any(),
                    None => view! { <p><a href="/centres">"Все центры СОЦИО"</a></p> }.into_any(),
                }
            }).into_any(),
        }}
    }
}
