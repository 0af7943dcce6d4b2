//! Browser tests of the SPA: headless Chromium against the real server and a seeded database.
//! Each test opens its own app and browser; each page it visits passes axe-core's serious and
//! critical rules; screenshots land in docs/screenshots for the README.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod helpers;

use helpers::{keys, open_browser};

mod authoring;
mod cabinet;
mod moderation;
mod offline;
mod pages;
mod phone;
mod upload;
mod wizard;

#[tokio::test]
async fn the_home_page_remembers_the_city_and_shows_its_centre() {
    let Some(browser) = open_browser().await else { return };
    browser.open("/").await;
    assert_eq!(browser.heading().await, "Что случилось?");
    assert_eq!(browser.client.title().await.unwrap(), "Что случилось? — Социальный кластер");
    browser.text_when(".demo-banner", |t| t.contains("Демонстрационные данные")).await;
    browser.find("#city-home option[value='ekaterinburg']").await;
    browser.choose("city-home", "ekaterinburg").await;
    browser.text_when("main", |t| t.contains("Малышева")).await;
    browser.client.refresh().await.unwrap();
    browser.text_when("main", |t| t.contains("Малышева")).await;
    assert_eq!(browser.eval("document.querySelector('#city-header').value").await, "ekaterinburg", "the choice is remembered");
    assert_eq!(browser.find("#city-chosen").await.text().await.unwrap(), "Екатеринбург", "and not asked again");
    browser.find("#change-city").await.click().await.unwrap();
    browser.choose("city-home", "serov").await;
    browser.text_when("main", |t| t.contains("открытие планируется")).await;
    let tiles = browser.client.find_all(fantoccini::Locator::Css("a.tile[href^='/situations/']")).await.unwrap();
    assert!(tiles.len() >= 12, "{} situation tiles", tiles.len());
    browser.find("a.tile[href*='category=']").await;
    browser.find("#change-city").await.click().await.unwrap();
    browser.choose("city-home", "ekaterinburg").await;
    browser.text_when("main", |t| t.contains("Малышева")).await;
    browser.assert_accessible("home").await;
    browser.client.set_window_size(320, 700).await.unwrap();
    browser.heading().await;
    let overflow = browser.eval("document.documentElement.scrollWidth - document.documentElement.clientWidth").await;
    assert_eq!(overflow, 0, "no horizontal scrolling at 320 px");
    browser.screenshot("home", 390).await;
    browser.screenshot("home", 1280).await;
    browser.close().await;
}

#[tokio::test]
async fn a_situation_opens_from_the_home_page_as_numbered_steps() {
    let Some(browser) = open_browser().await else { return };
    browser.open("/").await;
    browser.find("a.tile[href='/situations/disability-status']").await.click().await.unwrap();
    browser.url_when(|u| u.ends_with("/situations/disability-status")).await;
    assert_eq!(browser.text_when("h1", |t| t != "Жизненная ситуация").await, "Установление инвалидности");
    let steps = browser.client.find_all(fantoccini::Locator::Css("ol.steps > li")).await.unwrap();
    assert!(steps.len() >= 4, "{} steps", steps.len());
    assert!(steps[0].text().await.unwrap().len() > 20);
    browser.assert_accessible("situation").await;
    browser.open("/situations").await;
    browser.text_when("#result-count", |t| t.starts_with("Ситуаций:")).await;
    browser.assert_accessible("situations").await;
    browser.close().await;
}

fn count_of(text: &str) -> u64 {
    text.split_whitespace().find_map(|w| w.parse().ok()).unwrap_or_else(|| panic!("no number in {text:?}"))
}

#[tokio::test]
async fn catalogue_filters_change_the_url_and_the_count() {
    let Some(browser) = open_browser().await else { return };
    browser.open("/services").await;
    let all = count_of(&browser.text_when("#result-count", |t| t.starts_with("Найдено")).await);
    browser.find("#f-municipality option[value='serov']").await;
    browser.choose("f-municipality", "serov").await;
    browser.url_when(|u| u.contains("municipality=serov")).await;
    let serov = count_of(&browser.text_when("#result-count", |t| t.starts_with("Найдено") && count_of(t) != all).await);
    assert!(serov < all && serov > 0);
    browser.choose("f-cost", "free").await;
    browser.url_when(|u| u.contains("municipality=serov") && u.contains("cost=free")).await;
    let free = count_of(&browser.text_when("#result-count", |t| count_of(t) != serov).await);
    assert!(free < serov && free > 0, "{free} free of {serov}");
    browser.client.refresh().await.unwrap();
    assert_eq!(count_of(&browser.text_when("#result-count", |t| t.starts_with("Найдено")).await), free, "the URL keeps the filters");
    browser.assert_accessible("catalogue").await;
    browser.open("/services?q=трансгалактический").await;
    browser.text_when("main", |t| t.contains("Ничего не нашлось")).await;
    browser.assert_accessible("catalogue, nothing found").await;
    browser.close().await;
}

#[tokio::test]
async fn a_service_page_says_what_to_do_and_takes_a_report() {
    let Some(browser) = open_browser().await else { return };
    browser.open("/services?municipality=nizhny-tagil&format=in-person").await;
    browser.find(".results a[href^='/services/']").await.click().await.unwrap();
    browser.url_when(|u| u.contains("/services/") && !u.contains('?')).await;
    browser
        .text_when("main", |t| t.contains("Какие документы нужны") && t.contains("Как обратиться") && t.contains("Кто может получить"))
        .await;
    let tel = browser.find("a[href^='tel:+7']").await;
    assert!(tel.attr("href").await.unwrap().unwrap().len() == "tel:+7".len() + 10);
    browser.text_when("main", |t| t.contains("Доступная среда")).await;
    browser.assert_accessible("service").await;
    browser.screenshot("service", 390).await;
    browser.screenshot("service", 1280).await;
    browser.client.set_window_size(1280, 900).await.unwrap();
    browser.find("section[aria-labelledby='report-title'] button").await.click().await.unwrap();
    browser.find("#problem-wrong_hours").await.click().await.unwrap();
    browser.find("#report-message").await.send_keys("По субботам закрыто").await.unwrap();
    browser.assert_accessible("report form").await;
    browser.find("section[aria-labelledby='report-title'] button[type='submit']").await.click().await.unwrap();
    browser.text_when(".success", |t| t.contains("Спасибо")).await;
    browser.close().await;
}

#[tokio::test]
async fn the_low_vision_mode_is_large_high_contrast_and_remembered() {
    let Some(browser) = open_browser().await else { return };
    browser.open("/").await;
    browser.heading().await;
    let normal = browser.eval("getComputedStyle(document.documentElement).fontSize").await;
    assert_eq!(normal, "18px");
    let toggle = browser.find("header button[aria-pressed]").await;
    assert_eq!(toggle.text().await.unwrap(), "Версия для слабовидящих");
    toggle.click().await.unwrap();
    browser.text_when("header button[aria-pressed='true']", |t| t == "Обычная версия").await;
    assert_eq!(browser.eval("getComputedStyle(document.documentElement).fontSize").await, "24px");
    browser.client.refresh().await.unwrap();
    browser.heading().await;
    assert_eq!(browser.eval("document.documentElement.classList.contains('low-vision')").await, true, "remembered after reload");
    browser.choose("city-home", "ekaterinburg").await;
    browser.text_when("main", |t| t.contains("Малышева")).await;
    browser.assert_accessible("home, low vision").await;
    browser.screenshot("low-vision", 390).await;
    browser.screenshot("low-vision", 1280).await;
    browser.find("header button[aria-pressed='true']").await.click().await.unwrap();
    browser.text_when("header button[aria-pressed='false']", |t| t == "Версия для слабовидящих").await;
    assert_eq!(browser.eval("getComputedStyle(document.documentElement).fontSize").await, "18px");
    browser.close().await;
}

#[tokio::test]
async fn a_keyboard_alone_reaches_a_service() {
    let Some(browser) = open_browser().await else { return };
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.open("/").await;
    browser.heading().await;
    browser.find("a.tile").await;
    // Tab from the top of the page to the search box: the skip link comes first.
    browser.eval("document.activeElement && document.activeElement.blur()").await;
    let mut reached = false;
    for _ in 0..12 {
        browser.press(keys::TAB).await;
        if browser.eval("document.activeElement.id").await == "what-happened" {
            reached = true;
            break;
        }
    }
    assert!(reached, "the search box is reachable with Tab");
    browser.press("логопед").await;
    browser.press(keys::ENTER).await;
    browser.url_when(|u| u.contains("/services?") && u.contains("q=")).await;
    browser.text_when("#result-count", |t| t.starts_with("Найдено") && count_of(t) > 0).await;
    let mut on_result = false;
    for _ in 0..60 {
        browser.press(keys::TAB).await;
        let href = browser.eval("document.activeElement.getAttribute('href') || ''").await;
        let in_results = browser.eval("!!document.activeElement.closest('.results')").await;
        if in_results == true && href.as_str().is_some_and(|h| h.starts_with("/services/")) {
            on_result = true;
            break;
        }
    }
    assert!(on_result, "a result link is reachable with Tab");
    let focused_outline = browser.eval("getComputedStyle(document.activeElement).outlineStyle").await;
    assert_eq!(focused_outline, "solid", "focus is visible");
    browser.press(keys::ENTER).await;
    browser.url_when(|u| u.contains("/services/") && !u.contains('?')).await;
    browser.text_when("main", |t| t.contains("Какие документы нужны")).await;
    assert_eq!(browser.eval("document.activeElement.tagName").await, "H1", "focus moves to the new page's heading");
    browser.close().await;
}

#[tokio::test]
async fn unknown_addresses_get_the_404_page_and_missing_records_an_error_with_a_way_out() {
    let Some(browser) = open_browser().await else { return };
    browser.open("/no/such/page").await;
    assert_eq!(browser.heading().await, "Страница не найдена");
    browser.find("main a[href='/']").await;
    browser.assert_accessible("404").await;
    browser.open("/services/no-such-service").await;
    browser.text_when(".error", |t| t.contains("Не найдено")).await;
    browser.find(".error button").await;
    browser.find(".error a[href='/']").await;
    browser.assert_accessible("missing service").await;
    browser.close().await;
}

#[tokio::test]
async fn the_directory_pages_are_accessible() {
    let Some(browser) = open_browser().await else { return };
    browser.open("/organizations?municipality=revda").await;
    let count = browser.text_when("#result-count", |t| t.starts_with("Найдено")).await;
    assert!(count_of(&count) >= 3);
    browser.assert_accessible("organizations").await;
    browser.find(".results a[href^='/organizations/']").await.click().await.unwrap();
    browser.text_when("main", |t| t.contains("Адреса") && t.contains("Услуги (")).await;
    browser.assert_accessible("organization").await;
    browser.open("/centres").await;
    browser.text_when("main", |t| t.contains("Екатеринбург — Работает")).await;
    browser.assert_accessible("centres").await;
    browser.close().await;
}

#[tokio::test]
async fn a_person_who_does_not_know_their_situation_gets_suggestions() {
    let Some(browser) = open_browser().await else { return };
    browser.open("/situations/elderly-care/route?municipality=revda").await;
    browser.find("a[href='/help']").await.click().await.unwrap();
    browser.url_when(|u| u.ends_with("/help")).await;
    assert_eq!(browser.text_when("h1", |t| t.contains("начать")).await, "Не знаю, с чего начать");
    browser.find("#city-header option[value='revda']").await;
    browser.choose("city-header", "revda").await;
    browser.find("#who-elderly").await.click().await.unwrap();
    browser.find("#need-care").await.click().await.unwrap();
    browser.find("form.wizard button[type='submit']").await.click().await.unwrap();
    browser.find("#suggested a[href='/situations/elderly-care']").await;
    browser.text_when("main", |t| t.contains("Кто поможет в вашем городе")).await;
    browser.assert_accessible("suggestions").await;
    browser.close().await;
}

#[tokio::test]
async fn search_answers_as_you_type_with_counts_in_every_filter() {
    let Some(browser) = open_browser().await else { return };
    browser.open("/services").await;
    let all = count_of(&browser.text_when("#result-count", |t| t.starts_with("Найдено")).await);
    browser.find("#services-q").await.send_keys("пособия многодетным").await.unwrap();
    browser.url_when(|u| u.contains("q=")).await;
    let found = count_of(&browser.text_when("#result-count", |t| t.starts_with("Найдено") && count_of(t) != all).await);
    assert!(found > 0 && found < all, "{found} of {all}");
    assert!(!browser.find(".results mark").await.text().await.unwrap().is_empty(), "matched words are marked");
    browser.find("#found-situations").await;
    let option = browser.find("#f-municipality option[value='serov']").await.text().await.unwrap();
    let promised = count_of(option.rsplit(" — ").next().unwrap_or_default());
    browser.choose("f-municipality", "serov").await;
    browser.url_when(|u| u.contains("municipality=serov")).await;
    let got = count_of(&browser.text_when("#result-count", |t| count_of(t) != found).await);
    assert_eq!(got, promised, "the count in the filter is the count you get");
    let completions = browser.eval("document.querySelectorAll('#search-completions option').length").await;
    assert!(completions.as_u64().unwrap_or(0) > 0, "completions are offered for the typed words");
    browser.assert_accessible("search").await;
    browser.eval("document.querySelector('#result-count').scrollIntoView()").await;
    browser.screenshot("search", 390).await;
    browser.client.set_window_size(1280, 900).await.unwrap();

    browser.open("/services?q=многодетнвм").await;
    browser.text_when("#spelling", |t| t == "многодетным").await;
    browser.find("#spelling").await.click().await.unwrap();
    browser
        .url_when(|u| u.contains("q=%D0%BC%D0%BD%D0%BE%D0%B3%D0%BE%D0%B4%D0%B5%D1%82%D0%BD%D1%8B%D0%BC") || u.contains("q=многодетным"))
        .await;
    assert_eq!(browser.eval("document.querySelector('#services-q').value").await, "многодетным", "the box follows the URL");
    // Typing and leaving at once: the pending words do not pull the person back to the search.
    browser.find("#services-q").await.send_keys(" семьям").await.unwrap();
    browser.find("a[href='/situations']").await.click().await.unwrap();
    browser.url_when(|u| u.ends_with("/situations")).await;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert!(browser.eval("location.pathname").await == "/situations", "still on the situations page");
    browser.text_when("h1", |t| t.contains("ситуации")).await;
    browser.close().await;
}

#[tokio::test]
async fn the_site_runs_under_a_policy_that_refuses_injected_scripts() {
    let Some(browser) = open_browser().await else { return };
    browser.open("/services").await;
    browser.text_when("#result-count", |t| t.starts_with("Найдено")).await;
    // What a partner's text could smuggle in if it ever reached the page unescaped: an inline
    // script and a handler attribute. The policy refuses both and the browser says so.
    browser
        .eval(
            "(() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1'; document.body.append(s); \
             document.body.insertAdjacentHTML('beforeend', '<img src=\"/no-such-image.png\" onerror=\"window.injected = 2\">'); return 0; })()",
        )
        .await;
    let mut seen = serde_json::Value::Null;
    for _ in 0..50 {
        seen = browser.eval("sessionStorage.getItem('csp-violations')").await;
        if seen.as_str().is_some_and(|s| s.contains("script-src-elem") && s.contains("script-src-attr")) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(seen.as_str().is_some_and(|s| s.contains("script-src-elem") && s.contains("script-src-attr")), "reported: {seen}");
    assert!(browser.eval("window.injected").await.is_null(), "neither injected script ran");
    browser.eval("sessionStorage.removeItem('csp-violations')").await;
    browser.close().await;
}
