use leptos::prelude::*;

use crate::components::Title;

/// Any address the app does not know.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <Title text="Страница не найдена".to_string() />
        <p>"Такой страницы нет. Возможно, ссылка устарела или в адресе опечатка."</p>
        <ul>
            <li><a href="/">"Перейти на главную"</a></li>
            <li><a href="/services">"Найти услугу"</a></li>
            <li><a href="/situations">"Выбрать жизненную ситуацию"</a></li>
        </ul>
    }
}
