//! On a phone (390 × 844): the content in the first screen, the sections behind «Меню», the
//! catalogue's filters behind «Фильтры (N)».

use fantoccini::Locator;

use crate::helpers::{Browser, keys, open_browser};

/// A service of Serov with a phone of its own or its provider's.
async fn a_service_with_a_phone(browser: &Browser) -> socio_domain::api::ServiceDetail {
    let body =
        reqwest::get(format!("{}/api/v1/services?municipality=serov&per_page=50", browser.base)).await.unwrap().text().await.unwrap();
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    for item in list["items"].as_array().unwrap() {
        let key = socio_domain::IdOrSlug::Slug(socio_domain::Slug::parse(item["slug"].as_str().unwrap()).unwrap());
        let service = browser.store.service(&key).await.unwrap().unwrap();
        if service.contacts.phone.is_some() || service.locations.iter().any(|l| l.phone.is_some()) {
            return service;
        }
    }
    panic!("no service of Serov has a phone");
}

async fn displayed(browser: &Browser, css: &str) -> bool {
    browser.eval(&format!("getComputedStyle(document.querySelector({css:?})).display !== 'none'")).await == true
}

#[tokio::test]
async fn on_a_phone_the_first_screen_holds_the_service_and_the_first_result() {
    let Some(browser) = open_browser().await else { return };
    browser.phone().await;
    let service = a_service_with_a_phone(&browser).await;
    browser.open(&format!("/services/{}", service.slug)).await;
    assert_eq!(browser.heading().await, service.name);
    assert!(browser.in_first_screen("h1").await, "the name is in the first screen");
    assert!(browser.in_first_screen("main a[href^='tel:']").await, "a phone to call is in the first screen");
    assert!(!displayed(&browser, "#site-menu").await, "the sections are folded");
    let lines = "(() => { const r = document.createRange(); r.selectNodeContents(document.querySelector('.demo-banner .short')); \
                 return new Set([...r.getClientRects()].map(x => Math.round(x.bottom))).size; })()";
    assert_eq!(browser.eval(lines).await, 1, "the demo notice is one line");
    assert!(!displayed(&browser, ".demo-banner .long").await);
    browser.assert_accessible("service, phone").await;

    browser.open("/services?municipality=ekaterinburg").await;
    browser.text_when("#result-count", |t| t.starts_with("Найдено")).await;
    browser.find(".results > li").await;
    assert!(browser.in_first_screen("#result-count").await, "the count is in the first screen");
    let first = browser.eval("document.querySelector('.results > li').getBoundingClientRect().top < window.innerHeight").await;
    assert_eq!(first, true, "the first result begins in the first screen");
    assert!(!displayed(&browser, "#filters").await, "the filters are folded");
    let toggle = browser.find(".filters-toggle").await;
    assert_eq!(toggle.text().await.unwrap(), "Фильтры (1)", "one filter chosen: the city");
    assert_eq!(toggle.attr("aria-expanded").await.unwrap().as_deref(), Some("false"));
    browser.screenshot("catalogue", 390).await;
    toggle.click().await.unwrap();
    assert!(displayed(&browser, "#filters").await, "the filters open");
    assert_eq!(browser.find(".filters-toggle").await.attr("aria-expanded").await.unwrap().as_deref(), Some("true"));
    browser.choose("f-cost", "free").await;
    browser.url_when(|u| u.contains("cost=free")).await;
    browser.text_when(".filters-toggle", |t| t == "Фильтры (2)").await;
    let count = browser.text_when("#result-count", |t| t.starts_with("Найдено")).await;
    let shown = browser.text_when(".show-results", |t| t.starts_with("Показать ")).await;
    let number = |t: &str| t.split_whitespace().find_map(|w| w.parse::<u64>().ok());
    assert_eq!(number(&shown), number(&count), "«{shown}» says as many as «{count}»");
    browser.assert_accessible("catalogue filters open, phone").await;
    browser.find(".show-results").await.click().await.unwrap();
    assert!(!displayed(&browser, "#filters").await, "«Показать» folds the filters");
    browser.find(".filters-toggle").await.click().await.unwrap();
    browser.find(".filter-actions a").await.click().await.unwrap();
    browser.url_when(|u| u.ends_with("/services")).await;
    browser.text_when(".filters-toggle", |t| t == "Фильтры").await;

    // The low-vision mode keeps both in the first screen and stays clean.
    browser.find(".low-vision-switch").await.click().await.unwrap();
    browser.open(&format!("/services/{}", service.slug)).await;
    browser.heading().await;
    assert_eq!(browser.eval("document.documentElement.classList.contains('low-vision')").await, true);
    assert!(browser.in_first_screen("h1").await, "the name is in the first screen in the low-vision mode");
    browser.assert_accessible("service, phone, low vision").await;
    browser.close().await;
}

#[tokio::test]
async fn on_a_phone_the_sections_open_from_the_menu_and_close_by_keyboard() {
    let Some(browser) = open_browser().await else { return };
    browser.phone().await;
    browser.open("/").await;
    browser.heading().await;
    let menu = browser.find("header .menu-toggle").await;
    assert_eq!(menu.text().await.unwrap(), "Меню");
    assert_eq!(menu.prop("tagName").await.unwrap().as_deref(), Some("BUTTON"));
    assert_eq!(menu.attr("aria-controls").await.unwrap().as_deref(), Some("site-menu"));
    assert_eq!(menu.attr("aria-expanded").await.unwrap().as_deref(), Some("false"));
    assert_eq!(browser.find("#site-menu").await.attr("aria-label").await.unwrap().as_deref(), Some("Разделы сайта"));
    let switch = browser.find(".low-vision-switch").await;
    assert_eq!(switch.text().await.unwrap(), "Для слабовидящих", "the low-vision switch is one tap away");
    assert_eq!(switch.attr("aria-pressed").await.unwrap().as_deref(), Some("false"));
    assert!(browser.in_first_screen(".low-vision-switch").await);
    assert!(!displayed(&browser, "#site-menu").await);

    // From the top of the page, Tab to «Меню», open it with Enter, walk into the sections,
    // close with Escape.
    browser.eval("document.querySelector('.skip-link').focus()").await;
    let mut reached = false;
    let mut path = Vec::new();
    for _ in 0..12 {
        browser.press(keys::TAB).await;
        if browser.eval("document.activeElement.classList.contains('menu-toggle')").await == true {
            reached = true;
            break;
        }
        path.push(browser.eval("document.activeElement.outerHTML.slice(0, 60)").await);
    }
    assert!(reached, "«Меню» is reachable with Tab; went through {path:?}");
    browser.press(keys::ENTER).await;
    assert_eq!(browser.find("header .menu-toggle").await.attr("aria-expanded").await.unwrap().as_deref(), Some("true"));
    assert!(displayed(&browser, "#site-menu").await, "the sections are shown");
    browser.assert_accessible("menu open, phone").await;
    browser.screenshot("menu", 390).await;
    browser.press(keys::TAB).await;
    assert_eq!(
        browser.eval("document.querySelector('#site-menu').contains(document.activeElement)").await,
        true,
        "Tab goes into the sections"
    );
    browser.press(keys::ESCAPE).await;
    assert_eq!(browser.find("header .menu-toggle").await.attr("aria-expanded").await.unwrap().as_deref(), Some("false"));
    assert!(!displayed(&browser, "#site-menu").await, "Escape closes the sections");
    assert_eq!(browser.eval("document.activeElement.classList.contains('menu-toggle')").await, true, "and gives the focus back");

    // A section chosen closes the menu on the next page.
    browser.find("header .menu-toggle").await.click().await.unwrap();
    browser.client.find(Locator::Css("#site-menu a[href='/situations']")).await.unwrap().click().await.unwrap();
    browser.url_when(|u| u.ends_with("/situations")).await;
    browser.text_when("h1", |t| t == "Жизненные ситуации").await;
    assert_eq!(browser.eval("document.querySelector('header .menu-toggle').getAttribute('aria-expanded')").await, "false");

    // The city is asked once: once chosen, the home page says it and offers to change it.
    browser.open("/").await;
    browser.choose("city-home", "serov").await;
    browser.text_when("#city-chosen", |t| t == "Серов").await;
    browser.find("#change-city").await.click().await.unwrap();
    browser.find("#city-home").await;
    assert_eq!(browser.eval("document.activeElement.id").await, "city-home", "the list comes back focused");
    browser.close().await;
}
