//! The router's wizard: a page with its own bundle, reached from a situation's page.

use crate::helpers::{Browser, keys, open_browser_on};

const BUILD: &str = "frontend/dist";

/// Tabs until the focused element matches `css`; fails after 40 presses.
async fn tab_to(browser: &Browser, css: &str) {
    for _ in 0..40 {
        if browser.eval(&format!("document.activeElement.matches({css:?})")).await == true {
            return;
        }
        browser.press(keys::TAB).await;
    }
    panic!("{css} is not reachable with Tab");
}

/// Answers every question with the keyboard alone: the first option (Space), or the number 2.
async fn answer_everything_with_the_keyboard(browser: &Browser) {
    let mut last = String::new();
    for _ in 0..8 {
        let state = browser.text_when(".progress, #route-title", |t| !t.is_empty() && t != last).await;
        if state.starts_with("Ваш маршрут") {
            return;
        }
        last = state;
        // The first answer takes focus by itself once the question is drawn.
        let mut focused = false;
        for _ in 0..30 {
            if browser.eval("document.activeElement.matches('form.wizard input')").await == true {
                focused = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(focused, "{last}: the answer does not take focus");
        match browser.eval("document.activeElement.type").await.as_str().unwrap_or_default() {
            "number" => browser.press("2").await,
            _ => browser.press(" ").await,
        }
        tab_to(browser, "form.wizard button[type='submit']").await;
        let before = browser.client.current_url().await.unwrap().to_string();
        browser.press(keys::ENTER).await;
        browser.url_when(|u| u != before).await;
    }
    panic!("the wizard never finished");
}

#[tokio::test]
async fn a_route_is_built_with_the_keyboard_shared_by_link_and_printed() {
    let Some(browser) = open_browser_on(BUILD).await else { return };
    browser.open("/situations/disability-status").await;
    browser.find("#start-route").await;
    browser.eval("document.activeElement && document.activeElement.blur()").await;
    tab_to(&browser, "#start-route").await;
    browser.press(keys::ENTER).await;
    browser.url_when(|u| u.ends_with("/situations/disability-status/route")).await;
    browser.find("#route-city option[value='serov']").await;
    tab_to(&browser, "#route-city").await;
    for _ in 0..20 {
        if browser.eval("document.activeElement.value").await == "serov" {
            break;
        }
        browser.press("\u{e015}").await; // ArrowDown
    }
    assert_eq!(browser.eval("document.activeElement.value").await, "serov");
    tab_to(&browser, "form.wizard button[type='submit']").await;
    browser.press(keys::ENTER).await;
    browser.url_when(|u| u.contains("municipality=serov")).await;
    browser.text_when(".progress", |t| t.starts_with("Вопрос 1 из")).await;
    browser.assert_accessible("wizard question").await;
    answer_everything_with_the_keyboard(&browser).await;
    let title = browser.text_when("#route-title", |t| t.starts_with("Ваш маршрут")).await;
    let steps: Vec<String> = {
        let mut titles = Vec::new();
        for item in browser.client.find_all(fantoccini::Locator::Css("ol.route > li h3")).await.unwrap() {
            titles.push(item.text().await.unwrap());
        }
        titles
    };
    assert!(!steps.is_empty(), "{title}");
    browser.find("svg.qr path").await;
    browser.assert_accessible("route").await;
    let link = browser.client.current_url().await.unwrap().to_string();
    assert!(link.contains("who=") && link.contains("has_referral="), "the answers are in the link: {link}");

    // A document ticked stays ticked after a reload (stored in this browser only).
    browser.find("#doc-0").await.click().await.unwrap();
    browser.client.refresh().await.unwrap();
    browser.find("#route-title").await;
    assert_eq!(browser.eval("document.querySelector('#doc-0').checked").await, true);

    // The print view drops navigation and buttons but keeps the steps and the QR code.
    browser.emulate_print().await;
    assert_eq!(browser.eval("getComputedStyle(document.querySelector('header.site')).display").await, "none");
    assert_eq!(browser.eval("getComputedStyle(document.querySelector('footer.site')).display").await, "none");
    assert_eq!(browser.eval("getComputedStyle(document.querySelector('ol.route')).display").await, "block");
    assert_ne!(browser.eval("getComputedStyle(document.querySelector('svg.qr')).display").await, "none");
    browser.close().await;

    // The same link in a fresh browser (no history, no storage) shows the same route.
    let Some(fresh) = open_browser_on(BUILD).await else { return };
    let path = link.split_once("127.0.0.1").and_then(|(_, rest)| rest.split_once('/')).map(|(_, p)| format!("/{p}")).unwrap();
    fresh.open(&path).await;
    fresh.text_when("#route-title", |t| t == title).await;
    let mut again = Vec::new();
    for item in fresh.client.find_all(fantoccini::Locator::Css("ol.route > li h3")).await.unwrap() {
        again.push(item.text().await.unwrap());
    }
    assert_eq!(again, steps);
    assert_eq!(fresh.eval("document.querySelector('#doc-0').checked").await, false, "ticks are not shared");
    fresh.close().await;
}

#[tokio::test]
async fn going_back_and_a_tampered_link_are_handled() {
    let Some(browser) = open_browser_on(BUILD).await else { return };
    browser.open("/situations/disability-status/route?municipality=serov&who=child").await;
    browser.text_when(".progress", |t| t.starts_with("Вопрос 2 из")).await;
    browser.find("form.wizard a.button").await.click().await.unwrap();
    browser.text_when(".progress", |t| t.starts_with("Вопрос 1 из")).await;
    browser.find("form.wizard button[type='submit']").await.click().await.unwrap();
    browser.text_when("#question-error", |t| t.contains("Выберите ответ")).await;
    browser.open("/situations/disability-status/route?municipality=serov&who=child&child_age=40&has_referral=yes&can_come=yes").await;
    browser.text_when(".error", |t| t.contains("В ссылке неверные ответы")).await;
    browser.assert_accessible("tampered route").await;
    browser.close().await;
}

#[tokio::test]
async fn a_new_situation_shows_where_each_step_comes_from_and_when_it_was_checked() {
    let Some(browser) = open_browser_on(BUILD).await else { return };
    browser.open("/situations/old-age-pension").await;
    let checked = browser.text_when("#checked-on", |t| !t.is_empty()).await;
    assert!(checked.starts_with("Проверено: ") && checked.contains(" 20"), "{checked}");
    browser.open("/situations/old-age-pension/route?municipality=ekaterinburg").await;
    browser.text_when(".progress", |t| t.starts_with("Вопрос 1 из")).await;
    answer_everything_with_the_keyboard(&browser).await;
    browser.text_when("#route-title", |t| t.starts_with("Ваш маршрут")).await;
    let steps = browser.client.find_all(fantoccini::Locator::Css("ol.route > li")).await.unwrap();
    assert!(!steps.is_empty(), "the route has steps");
    for step in &steps {
        let title = step.find(fantoccini::Locator::Css("h3")).await.unwrap().text().await.unwrap();
        let sources = step.find(fantoccini::Locator::Css("p.sources")).await.unwrap_or_else(|_| panic!("«{title}» has no sources"));
        let text = sources.text().await.unwrap();
        assert!(text.starts_with("Основание: ") && text.len() > "Основание: ".len() + 10, "«{title}»: {text}");
    }
    assert_eq!(browser.text_when("#checked-on", |t| !t.is_empty()).await, checked, "the route says when its situation was checked");
    browser.assert_accessible("route of a new situation").await;
    browser.close().await;
}
