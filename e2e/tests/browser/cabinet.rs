//! The partner cabinet in a real browser, with the keyboard only: register an organization,
//! open the confirmation link from the outbox, sign in, add an address and a service, submit;
//! a moderator signs in, notes and approves them from the queue; citizens find the service;
//! «Данные актуальны» dates it.

use socio_client::{CabinetPath, Client};
use socio_domain::{
    api::{SearchRequest, ServiceFilter},
    vocabulary::UserRole,
};

use crate::helpers::{Browser, keys, open_browser_on};

const EMAIL: &str = "partner@fond-ryadom.example.org";
const PASSWORD: &str = "синий кит плывёт на север";
const MODERATOR_EMAIL: &str = "moderator@example.org";

#[tokio::test]
async fn a_partner_registers_adds_a_service_with_the_keyboard_and_citizens_find_it() {
    let Some(browser) = open_browser_on("frontend/dist").await else { return };
    for page in ["cabinet", "backoffice"] {
        if !std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../frontend/dist")).join(page).join("index.html").exists() {
            // The site was built without one of its pages: a build problem, reported loudly.
            panic!("frontend/dist/{page} is missing: run `cargo xtask spa`");
        }
    }

    browser.open("/cabinet/register").await;
    assert_eq!(browser.heading().await, "Регистрация организации");
    browser.assert_accessible("cabinet-register").await;
    browser.type_into("f-display-name", "Анна").await;
    browser.type_into("f-email", EMAIL).await;
    browser.type_into("f-password", PASSWORD).await;
    browser.type_into("f-organization-name", "Фонд «Рядом»").await;
    browser.type_into("f-organization-inn", "7707329152").await;
    browser.type_into("f-organization-contacts-phone", "+7 (343) 000-00-01").await;
    browser.press(keys::ENTER).await;
    browser.text_when("main", |t| t.contains("Проверьте почту")).await;

    browser.open(&format!("/cabinet/confirm?token={}", browser.letter_token(EMAIL))).await;
    browser.text_when("main", |t| t.contains("Почта подтверждена")).await;

    browser.assert_accessible("cabinet-confirm").await;
    browser.open("/cabinet/forgot").await;
    assert_eq!(browser.heading().await, "Восстановление пароля");
    browser.assert_accessible("cabinet-forgot").await;
    browser.open("/cabinet/reset?token=00").await;
    assert_eq!(browser.heading().await, "Новый пароль");
    browser.assert_accessible("cabinet-reset").await;
    browser.open("/cabinet/login").await;
    assert_eq!(browser.heading().await, "Вход в кабинет партнёра");
    browser.assert_accessible("cabinet-login").await;
    browser.type_into("f-email", EMAIL).await;
    browser.type_into("f-password", PASSWORD).await;
    browser.press(keys::ENTER).await;
    browser.url_when(|u| u.ends_with("/cabinet/organization")).await;
    browser.text_when("main", |t| t.contains("Черновик")).await;
    browser.assert_accessible("cabinet-organization").await;
    browser.press_on("header button[aria-pressed]", keys::ENTER).await;
    assert_eq!(
        browser.eval("document.documentElement.classList.contains('low-vision')").await,
        true,
        "the low-vision switch works here too"
    );
    browser.assert_accessible("cabinet-organization-low-vision").await;
    browser.press_on("header button[aria-pressed]", keys::ENTER).await;
    browser.press_on("main button[type=button]", keys::ENTER).await;
    browser.text_when("main", |t| t.contains("Отправлено на модерацию")).await;

    browser.open("/cabinet/locations/new").await;
    assert_eq!(browser.heading().await, "Новый адрес");
    browser.find("#f-municipality option[value='serov']").await;
    browser.type_into("f-name", "Главный офис").await;
    browser.type_into("f-municipality", "Серов").await;
    browser.type_into("f-address", "ул. Ленина, 1").await;
    browser.press_on("#f-accessibility-ramp", keys::SPACE).await;
    browser.press_on("#f-address", keys::ENTER).await;
    browser.text_when("main", |t| t.contains("Сохранено")).await;
    browser.assert_accessible("cabinet-location-form").await;
    browser.press_on("main > p > button[type=button]", keys::ENTER).await;
    browser.text_when("main", |t| t.contains("Отправлено на модерацию")).await;
    browser.open("/cabinet/locations").await;
    browser.text_when("main", |t| t.contains("Главный офис")).await;
    browser.assert_accessible("cabinet-locations").await;

    browser.open("/cabinet/services/new").await;
    assert_eq!(browser.heading().await, "Новая услуга");
    browser.find("#f-categories-tsr-rental").await;
    browser.press_on("#f-name", keys::ENTER).await;
    browser.text_when("#error-summary", |t| t.contains("Исправьте ошибки")).await;
    browser.assert_accessible("cabinet-service-form-errors").await;
    browser.type_into("f-name", "Прокат колясок «Рядом»").await;
    browser.type_into("f-summary", "Коляска на время, пока оформляется своя").await;
    browser.press_on("#f-categories-tsr-rental", keys::SPACE).await;
    browser.press_on("#f-target-groups-disabled", keys::SPACE).await;
    browser.press_on("#f-formats-in-person", keys::SPACE).await;
    browser.press_on("#f-locations input[type=checkbox]", keys::SPACE).await;
    browser.press_on("#f-municipalities-serov", keys::SPACE).await;
    browser.type_into("f-documents", "Паспорт\nСправка МСЭ").await;
    browser.press_on("#f-name", keys::ENTER).await;
    browser.text_when("main", |t| t.contains("Сохранено")).await;
    browser.screenshot("cabinet-service-form", 390).await;
    browser.screenshot("cabinet-service-form", 1280).await;
    browser.press_on("main > p > button[type=button]", keys::ENTER).await;
    browser.text_when("main", |t| t.contains("Отправлено на модерацию")).await;
    let service_url = browser.url_when(|u| u.rsplit('/').next().is_some_and(|id| id.parse::<i64>().is_ok())).await;
    let service_id: i64 = service_url.rsplit('/').next().unwrap().parse().unwrap();

    browser.open("/cabinet/revisions").await;
    browser.text_when("main", |t| t.contains("Прокат колясок «Рядом»") && t.contains("На модерации")).await;
    browser.assert_accessible("cabinet-revisions").await;
    browser.screenshot("cabinet-revisions", 1280).await;

    for (path, name) in [
        ("/cabinet/services", "cabinet-services"),
        ("/cabinet/reports", "cabinet-reports"),
        ("/cabinet/statistics", "cabinet-statistics"),
        ("/cabinet/colleagues", "cabinet-colleagues"),
    ] {
        browser.open(path).await;
        browser.text_when("main", |t| !t.contains("Загрузка")).await;
        browser.assert_accessible(name).await;
    }

    // The moderator signs in on the same page and approves the three proposals from the queue.
    let moderator = browser.operator(MODERATOR_EMAIL, PASSWORD, UserRole::Admin).await;
    browser.press_on("header .site-tools button.secondary", keys::ENTER).await;
    browser.url_when(|u| u.ends_with("/cabinet/login")).await;
    browser.sign_in(MODERATOR_EMAIL, PASSWORD).await;
    browser.url_when(|u| u.ends_with("/cabinet/backoffice")).await;
    browser.text_when("main", |t| t.contains("Ждут решения: 3")).await;
    assert!(
        browser.text_when("main", |t| t.contains("Прокат колясок «Рядом»")).await.contains("Справка МСЭ"),
        "the diff shows the fields, documents one per line"
    );
    browser.choose("queue-subject", "service").await;
    browser.text_when("main", |t| t.contains("Ждут решения: 1")).await;
    browser.choose("queue-city", "ekaterinburg").await;
    browser.text_when("main", |t| t.contains("Очередь пуста")).await;
    browser.choose("queue-city", "").await;
    browser.choose("queue-subject", "").await;
    browser.text_when("main", |t| t.contains("Ждут решения: 3")).await;
    browser.assert_accessible("backoffice-queue").await;
    browser.screenshot("backoffice-queue", 1280).await;
    browser.press_on("main details.notes summary", keys::ENTER).await;
    browser.find("main details.notes textarea").await.send_keys("Позвонили, ИНН сверили").await.unwrap();
    browser.eval("document.querySelector('main details.notes form button').focus()").await;
    browser.press(keys::ENTER).await;
    browser.text_when("main details.notes ul", |t| t.contains("ИНН сверили")).await;
    for left in [2, 1] {
        browser.press_on("main section.card button[type=button]", keys::ENTER).await;
        browser.text_when("main", |t| t.contains(&format!("Ждут решения: {left}"))).await;
    }
    // The service last: the moderator corrects its summary before approving it.
    browser.press_on("main details.correction summary", keys::ENTER).await;
    browser.find("#f-edited-service-summary").await.send_keys(" (бесплатно)").await.unwrap();
    browser.assert_accessible("backoffice-correction").await;
    browser.eval("document.querySelector('main details.correction form button[type=submit]').focus()").await;
    browser.press(keys::ENTER).await;
    browser.text_when("main", |t| t.contains("Очередь пуста") && t.contains("Одобрено с правками модератора")).await;
    for (path, heading, name) in [
        ("/cabinet/backoffice/usage", "Востребованность", "backoffice-usage"),
        ("/cabinet/backoffice/quality", "Качество данных", "backoffice-quality"),
        ("/cabinet/backoffice/audit", "Журнал изменений", "backoffice-audit"),
        ("/cabinet/backoffice/people", "Сотрудники оператора", "backoffice-people"),
    ] {
        browser.open(path).await;
        assert_eq!(browser.heading().await, heading);
        browser.text_when("main", |t| !t.contains("Загрузка")).await;
        browser.assert_accessible(name).await;
    }
    browser.text_when("main table", |t| t.contains(MODERATOR_EMAIL)).await;
    browser.open("/cabinet/backoffice/audit").await;
    browser.text_when("main table", |t| t.contains("approve") && t.contains(MODERATOR_EMAIL)).await;
    // One record's history: the service, created, submitted, approved with the correction.
    browser
        .eval("(() => { const s = document.querySelector('#audit-kind'); s.value = 'service'; return s.dispatchEvent(new Event('change')); })()")
        .await;
    browser.type_into("audit-entity", &service_id.to_string()).await;
    browser.press(keys::TAB).await;
    let this_service = format!("service № {service_id}");
    browser
        .text_when("main table tbody", |t| t.contains("approve") && t.lines().all(|l| l.trim().is_empty() || l.contains(&this_service)))
        .await;
    browser.assert_accessible("backoffice-audit-filtered").await;
    browser.press_on("header .site-tools button.secondary", keys::ENTER).await;
    browser.url_when(|u| u.ends_with("/cabinet/login")).await;

    let citizen = Client::new(browser.base.clone());
    let filter = ServiceFilter { q: Some("колясок Рядом".into()), ..Default::default() };
    let mut slug = None;
    for _ in 0..100 {
        let found = citizen.search(&SearchRequest { filter: filter.clone(), ..Default::default() }).await.unwrap();
        if let Some(hit) = found.items.into_iter().find(|h| h.service.name == "Прокат колясок «Рядом»") {
            slug = Some(hit.service.slug);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let slug = slug.expect("the approved service is found by search");
    let detail = citizen.service(&slug).await.unwrap();
    assert!(detail.summary.ends_with("(бесплатно)"), "the moderator's correction is published: {}", detail.summary);
    let catalogue = citizen
        .services(&ServiceFilter { organization: socio_domain::Slug::parse(&detail.organization.slug).ok(), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(catalogue.items.iter().map(|s| s.slug.as_str()).collect::<Vec<_>>(), [slug.as_str()], "the catalogue lists it");
    browser.open(&format!("/services/{slug}")).await;
    browser.text_when("h1", |t| t == "Прокат колясок «Рядом»").await;
    browser.text_when("main", |t| t.contains("ул. Ленина, 1")).await;

    // A year later the partner confirms the data is still true.
    let old = format!("UPDATE services SET last_verified = '2025-03-01' WHERE id = {service_id}");
    sea_orm_execute(&browser, &old).await;
    browser.sign_in(EMAIL, PASSWORD).await;
    browser.url_when(|u| u.ends_with("/cabinet/organization")).await;
    browser.open(&format!("/cabinet/services/{service_id}")).await;
    browser.text_when("main", |t| t.contains("Пора проверить данные")).await;
    browser.press_on("main > p > button.secondary", keys::ENTER).await;
    browser.text_when("main", |t| t.contains("Данные отмечены как актуальные")).await;
    let today = socio_domain::wording::date(&chrono::Utc::now().date_naive());
    browser.open(&format!("/services/{slug}")).await;
    browser.text_when("main", |t| t.contains(&format!("Сведения проверены {today}"))).await;
    assert!(citizen.service(&slug).await.unwrap().last_verified == Some(chrono::Utc::now().date_naive()));
    let listed = moderator.cabinet_list(CabinetPath::Services).await;
    assert!(listed.is_err(), "a moderator has no cabinet of an organization");
    browser.close().await;
}

async fn sea_orm_execute(browser: &Browser, sql: &str) {
    sea_orm::ConnectionTrait::execute_unprepared(browser.store.connection(), sql).await.unwrap();
}
