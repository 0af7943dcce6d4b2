//! Opened once, opened again with no connection: the service worker keeps the route, the service
//! and the situation a person opened, says it is a kept copy, and never keeps the cabinet's,
//! the back office's or the sign-in's answers.

use socio_domain::vocabulary::UserRole;

use crate::helpers::{Browser, open_browser};

const ROUTE: &str = "/situations/disability-status/route?municipality=serov&who=child&child_age=5&has_referral=yes&can_come=yes";
const MODERATOR_EMAIL: &str = "moderator@example.org";
const PASSWORD: &str = "синий кит плывёт на север";

/// Every address the service worker's caches hold.
async fn kept(browser: &Browser) -> Vec<String> {
    let script = r#"
        const done = arguments[arguments.length - 1];
        (async () => {
            const urls = [];
            for (const name of await caches.keys()) {
                const cache = await caches.open(name);
                for (const request of await cache.keys()) urls.push(new URL(request.url).pathname + new URL(request.url).search);
            }
            return urls;
        })().then(done, e => done(['failed: ' + e]));
    "#;
    serde_json::from_value(browser.client.execute_async(script, vec![]).await.unwrap()).unwrap()
}

/// What is never to be kept.
fn private(url: &str) -> bool {
    ["/cabinet", "/backoffice", "/api/v1/auth", "/api/v1/cabinet", "/api/v1/backoffice"].iter().any(|p| url.starts_with(p))
}

async fn step_titles(browser: &Browser) -> Vec<String> {
    let mut titles = Vec::new();
    for step in browser.client.find_all(fantoccini::Locator::Css("ol.route > li h3")).await.unwrap() {
        titles.push(step.text().await.unwrap());
    }
    titles
}

#[tokio::test]
async fn a_route_and_a_service_opened_once_open_again_with_no_connection() {
    let Some(browser) = open_browser().await else { return };
    browser.open("/").await;
    browser.controlled_by_the_service_worker().await;
    browser.open(ROUTE).await;
    let title = browser.text_when("#route-title", |t| t.starts_with("Ваш маршрут")).await;
    let steps = step_titles(&browser).await;
    assert!(!steps.is_empty());
    let body = reqwest::get(format!("{}/api/v1/services?municipality=serov&per_page=1", browser.base)).await.unwrap().text().await.unwrap();
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    let (slug, name) = (list["items"][0]["slug"].as_str().unwrap().to_owned(), list["items"][0]["name"].as_str().unwrap().to_owned());
    browser.open(&format!("/services/{slug}")).await;
    assert_eq!(browser.heading().await, name);
    browser.open("/cabinet/login").await;
    browser.find("#f-email").await;
    assert!(browser.client.find(fantoccini::Locator::Css(".offline-notice")).await.is_err(), "online, no notice");

    browser.stop_server().await;
    assert!(reqwest::get(format!("{}/", browser.base)).await.is_err(), "the server is gone");

    browser.open(ROUTE).await;
    browser.text_when("#route-title", |t| t == title).await;
    assert_eq!(step_titles(&browser).await, steps, "the same steps, kept");
    let notice = browser.text_when(".offline-notice", |t| !t.is_empty()).await;
    assert!(notice.starts_with("Нет связи: показана сохранённая версия от "), "{notice}");
    assert!(notice.contains(':') && notice.split_whitespace().count() >= 8, "a day, a month and a time: {notice}");
    browser.assert_accessible("route, kept copy").await;
    browser.screenshot("offline-route", 390).await;

    browser.open(&format!("/services/{slug}")).await;
    assert_eq!(browser.heading().await, name);
    browser.text_when(".offline-notice", |t| t.starts_with("Нет связи")).await;

    browser.client.goto(&format!("{}/cabinet/login", browser.base)).await.unwrap();
    let said = browser.text_when("#offline", |t| !t.is_empty()).await;
    assert!(said.contains("работает только при подключении к интернету"), "the cabinet needs a connection: {said}");
    assert!(browser.client.find(fantoccini::Locator::Css("#f-email")).await.is_err(), "no stale cabinet");

    let urls = kept(&browser).await;
    assert!(urls.iter().any(|u| u.starts_with(&format!("/services/{slug}"))), "{urls:?}");
    assert!(urls.iter().any(|u| u.starts_with("/api/v1/router/candidates?situation=disability-status")), "{urls:?}");
    let leaked: Vec<&String> = urls.iter().filter(|u| private(u)).collect();
    assert!(leaked.is_empty(), "kept: {leaked:?}");
    browser.close().await;
}

#[tokio::test]
async fn nothing_of_the_cabinet_the_back_office_or_the_sign_in_is_ever_kept() {
    let Some(browser) = open_browser().await else { return };
    browser.open("/").await;
    browser.controlled_by_the_service_worker().await;
    browser.operator(MODERATOR_EMAIL, PASSWORD, UserRole::Admin).await;
    browser.sign_in(MODERATOR_EMAIL, PASSWORD).await;
    browser.url_when(|u| u.ends_with("/cabinet/backoffice")).await;
    browser.text_when("main", |t| t.contains("Очередь модерации")).await;
    for path in ["/cabinet/backoffice/people", "/cabinet/backoffice/quality", "/cabinet"] {
        browser.client.goto(&format!("{}{path}", browser.base)).await.unwrap();
        browser.text_when("main", |t| !t.is_empty() && !t.contains("Загрузка")).await;
    }
    browser.open("/services?municipality=serov").await;
    browser.text_when("#result-count", |t| t.starts_with("Найдено")).await;
    let urls = kept(&browser).await;
    assert!(urls.iter().any(|u| u.starts_with("/api/v1/search")), "public answers are kept: {urls:?}");
    let leaked: Vec<&String> = urls.iter().filter(|u| private(u)).collect();
    assert!(leaked.is_empty(), "kept: {leaked:?}");
    browser.close().await;
}
