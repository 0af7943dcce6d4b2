//! Many services at once in a real browser: the partner downloads the template, checks a file
//! with a mistake and sees it by row and column (and as a table for Excel), then uploads a good
//! file into moderation; the operator checks the directory's own HSDS package.

use socio_client::{CabinetPath, Client};
use socio_domain::{
    api::{ContactsInput, Login, OrganizationInput, Registration},
    vocabulary::{ModerationStatus, OrganizationKind, Sector, UserRole},
};

use crate::helpers::{keys, open_browser_on};

const EMAIL: &str = "bulk@fond-mnogo.example.org";
const PASSWORD: &str = "зелёный слон идёт домой";
const HEADER: &str = "Код;Название;Кратко;Категории;Кому помогаем;Как получить;Стоимость;Города;Адреса;Телефон\r\n";

#[tokio::test]
async fn a_partner_checks_a_file_sees_each_mistake_and_uploads_it_into_moderation() {
    let Some(browser) = open_browser_on("frontend/dist").await else { return };
    let api = Client::new(browser.base.clone());
    let registration = Registration {
        email: EMAIL.to_owned(),
        password: PASSWORD.to_owned(),
        display_name: "Ольга".to_owned(),
        organization: Some(OrganizationInput {
            name: "Фонд «Много услуг»".to_owned(),
            short_name: None,
            kind: OrganizationKind::Ngo,
            sector: Sector::SocialPolicy,
            inn: Some("7707329152".to_owned()),
            ogrn: None,
            description: "Помогаем пожилым людям".to_owned(),
            contacts: ContactsInput { phone: Some("+7 (343) 000-00-02".to_owned()), email: None, website: None },
        }),
        claim: None,
    };
    api.register(&registration).await.unwrap();
    api.confirm_email(&browser.letter_token(EMAIL)).await.unwrap();
    browser.allow_downloads().await;

    browser.sign_in(EMAIL, PASSWORD).await;
    browser.url_when(|u| u.ends_with("/cabinet/organization")).await;
    browser.open("/cabinet/services").await;
    browser.press_on("main a.button.secondary", keys::ENTER).await;
    browser.url_when(|u| u.ends_with("/cabinet/import")).await;
    assert_eq!(browser.heading().await, "Загрузка услуг из файла");
    browser.assert_accessible("cabinet-import").await;

    browser.press_on("main button.secondary", keys::ENTER).await;
    let template = String::from_utf8(browser.downloaded("uslugi-shablon.csv").await).unwrap();
    assert!(template.starts_with("\u{feff}\"Код\";\"Название\""), "Excel opens it as UTF-8: {template:.40}");

    // A file with a mistake: the check names the row and the column, and writes nothing.
    let bad = format!(
        "{HEADER}\"Б-1\";\"Консультация юриста\";\"Помогаем составить заявление\";\"Плавание в космосе\";\"Пенсионеры и пожилые люди\";\"По телефону\";\"Бесплатно\";\"Серов\";\"\";\"\"\r\n"
    );
    let file = browser.scratch_file("uslugi.csv", bad.as_bytes());
    browser.find("#upload-file").await.send_keys(&file.to_string_lossy()).await.unwrap();
    browser.text_when("main", |t| t.contains("Выбран файл: uslugi.csv")).await;
    browser.press_on("main button:not(.secondary):not([disabled])", keys::ENTER).await;
    let table = browser.text_when("main table", |t| t.contains("Категории")).await;
    assert!(table.contains("шаблон.csv") && table.contains("2") && table.contains("Плавание в космосе"), "{table}");
    browser.text_when("main [role=alert]", |t| t.contains("Ошибок в файле: 1. Ничего не загружено.")).await;
    browser.assert_accessible("cabinet-import-problems").await;
    browser.screenshot("cabinet-import-problems", 390).await;
    browser.screenshot("cabinet-import-problems", 1280).await;
    browser.press_on("main [aria-live] button.secondary", keys::ENTER).await;
    let problems = String::from_utf8(browser.downloaded("oshibki.csv").await).unwrap();
    assert!(problems.starts_with("\u{feff}Файл,Строка,Столбец,Что не так") && problems.contains("шаблон.csv,2,Категории,"), "{problems}");

    // The mistake mended: checked, then uploaded into moderation.
    let good = bad.replace("Плавание в космосе", "Бесплатная юридическая помощь");
    let file = browser.scratch_file("uslugi-ispravleno.csv", good.as_bytes());
    browser.find("#upload-file").await.send_keys(&file.to_string_lossy()).await.unwrap();
    browser.text_when("main", |t| t.contains("Выбран файл: uslugi-ispravleno.csv")).await;
    browser.press_on("main button:not(.secondary):not([disabled])", keys::ENTER).await;
    browser.text_when("main [aria-live]", |t| t.contains("Ошибок нет. После загрузки: новых записей — 1")).await;
    let partner = api.with_token(api.login(&Login { email: EMAIL.to_owned(), password: PASSWORD.to_owned() }).await.unwrap().access_token);
    assert!(partner.cabinet_list(CabinetPath::Services).await.unwrap().is_empty(), "a check writes nothing");
    browser.press_on("main [aria-live] button", keys::ENTER).await;
    browser.text_when("main [aria-live]", |t| t.contains("Загружено: новых записей — 1")).await;
    browser.assert_accessible("cabinet-import-done").await;
    let listed = partner.cabinet_list(CabinetPath::Services).await.unwrap();
    assert_eq!(
        listed.iter().map(|s| (s.name.as_str(), s.status)).collect::<Vec<_>>(),
        [("Консультация юриста", ModerationStatus::Pending)]
    );
    browser.press_on("main [aria-live] a", keys::ENTER).await;
    browser.url_when(|u| u.ends_with("/cabinet/revisions")).await;
    browser.text_when("main", |t| t.contains("Консультация юриста")).await;

    // The operator checks the directory's own package: every record already there.
    browser.press_on("header .site-tools button.secondary", keys::ENTER).await;
    browser.url_when(|u| u.ends_with("/cabinet/login")).await;
    browser.operator("moderator@example.org", PASSWORD, UserRole::Moderator).await;
    browser.sign_in("moderator@example.org", PASSWORD).await;
    browser.url_when(|u| u.ends_with("/cabinet/backoffice")).await;
    browser.open("/cabinet/backoffice/import").await;
    assert_eq!(browser.heading().await, "Загрузка данных в формате HSDS");
    let csv = browser.scratch_file("not-a-package.csv", good.as_bytes());
    browser.find("#upload-file").await.send_keys(&csv.to_string_lossy()).await.unwrap();
    browser.text_when("main [role=alert]", |t| t.contains("Нужен ZIP-архив")).await;
    let zip = reqwest::get(format!("{}/api/hsds/datapackage.zip", browser.base)).await.unwrap().bytes().await.unwrap();
    let package = browser.scratch_file("katalog.zip", &zip);
    browser.find("#upload-file").await.send_keys(&package.to_string_lossy()).await.unwrap();
    browser.text_when("main", |t| t.contains("Выбран файл: katalog.zip")).await;
    browser.press_on("main button:not([disabled])", keys::ENTER).await;
    browser.text_when("main [aria-live]", |t| t.contains("Ошибок нет. После загрузки: новых записей — 0, изменённых — 0")).await;
    browser.assert_accessible("backoffice-import").await;
    browser.close().await;
}
