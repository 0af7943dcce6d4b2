//! The server-rendered pages in a real browser: read with JavaScript off (a search engine, an
//! old phone, a blocked script), and taken over by the app with JavaScript on, without a second
//! copy of the content, a second request for the embedded record or a CSP violation.

use fantoccini::Locator;
use socio_domain::IdOrSlug;

use crate::helpers::{Cdp, open_browser};

/// The first service of Serov's catalogue, as the API gives it.
async fn a_service_of_serov(browser: &crate::helpers::Browser) -> socio_domain::api::ServiceDetail {
    let body = reqwest::get(format!("{}/api/v1/services?municipality=serov&per_page=1", browser.base)).await.unwrap().text().await.unwrap();
    let list: serde_json::Value = serde_json::from_str(&body).unwrap();
    let slug = list["items"][0]["slug"].as_str().unwrap().to_owned();
    let key = IdOrSlug::Slug(socio_domain::Slug::parse(&slug).unwrap());
    browser.store.service(&key).await.unwrap().unwrap()
}

#[tokio::test]
async fn without_javascript_a_service_page_reads_and_the_catalogue_pages_on() {
    let Some(browser) = open_browser().await else { return };
    browser.open("/").await;
    browser
        .client
        .issue_cmd(Cdp(serde_json::json!({"cmd": "Emulation.setScriptExecutionDisabled", "params": {"value": true}})))
        .await
        .unwrap();
    let service = a_service_of_serov(&browser).await;

    browser.client.goto(&format!("{}/services/{}", browser.base, service.slug)).await.unwrap();
    browser.find("#ssr").await;
    assert_eq!(browser.find("h1").await.text().await.unwrap(), service.name);
    let main = browser.find("main").await.text().await.unwrap();
    let location = &service.locations[0];
    assert!(main.contains(&location.address), "the address is on the page: {main}");
    let phone = location.phone.as_ref().or(service.contacts.phone.as_ref());
    let call = browser.find("main a[href^='tel:']").await;
    if let Some(phone) = phone {
        assert!(main.contains(phone.as_str()), "the phone {phone} is on the page");
    }
    assert!(call.attr("href").await.unwrap().is_some_and(|h| h.starts_with("tel:+")));
    let report = browser.client.find_all(Locator::Css("#report-title")).await.unwrap();
    assert!(report.is_empty(), "the app did not start: scripts are off");

    browser.client.goto(&format!("{}/services?municipality=ekaterinburg", browser.base)).await.unwrap();
    let first = browser.find("#result-count").await.text().await.unwrap();
    assert!(first.starts_with("Найдено"), "{first}");
    let on_first: Vec<String> = links(&browser, ".results a[href^='/services/']").await;
    browser.find("a[rel='next']").await.click().await.unwrap();
    browser.url_when(|u| u.contains("page=2") && u.contains("municipality=ekaterinburg")).await;
    let on_second = links(&browser, ".results a[href^='/services/']").await;
    assert!(!on_second.is_empty() && on_second.iter().all(|s| !on_first.contains(s)), "the next page has other services");
    // axe is a script: let scripts run again, which does not start the app in a page already loaded.
    browser
        .client
        .issue_cmd(Cdp(serde_json::json!({"cmd": "Emulation.setScriptExecutionDisabled", "params": {"value": false}})))
        .await
        .unwrap();
    assert_eq!(browser.eval("document.getElementById('ssr') !== null").await, true, "still the server's page");
    browser.assert_accessible("catalogue, page 2, without JavaScript").await;
    browser.close().await;
}

async fn links(browser: &crate::helpers::Browser, css: &str) -> Vec<String> {
    let mut hrefs = Vec::new();
    for link in browser.client.find_all(Locator::Css(css)).await.unwrap() {
        hrefs.extend(link.attr("href").await.unwrap());
    }
    hrefs
}

#[tokio::test]
async fn with_javascript_the_app_takes_over_the_page_it_was_drawn_from() {
    let Some(browser) = open_browser().await else { return };
    let service = a_service_of_serov(&browser).await;
    let pages = [
        (format!("/services/{}", service.slug), format!("/api/v1/services/{}", service.slug), "#report-title"),
        ("/situations/disability-status".to_owned(), "/api/v1/situations/disability-status".to_owned(), "ol.steps"),
        ("/situations/disability-status/route".to_owned(), "/api/v1/situations/disability-status".to_owned(), "#route-city"),
        ("/centres".to_owned(), "/api/v1/socio-centres".to_owned(), "main li"),
    ];
    for (page, record, drawn_by_the_app) in pages {
        browser.open(&page).await;
        browser.find(drawn_by_the_app).await;
        let gone = browser.eval("document.getElementById('ssr') === null && document.getElementById('page-data') === null").await;
        assert_eq!(gone, true, "{page}: the app replaced the server's markup and took its record");
        assert_eq!(browser.eval("document.querySelectorAll('h1').length").await, 1, "{page}: one heading");
        assert_eq!(browser.eval("document.querySelectorAll('main').length").await, 1, "{page}: one copy of the content");
        let asked = browser
            .eval(&format!("performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname === '{record}').length"))
            .await;
        assert_eq!(asked, 0, "{page}: the app started from the embedded record, not from {record}");
        browser.assert_accessible(&page).await;
    }
    assert_eq!(browser.heading().await, "Центры СОЦИО");
    browser.close().await;
}
