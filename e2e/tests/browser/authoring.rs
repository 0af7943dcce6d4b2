//! An editor writes a new life situation in the browser: two questions and a step only some
//! people need, each problem shown at its part while they type; the preview shows both
//! branches; publishing puts it before citizens, whose wizard asks the questions and shows
//! the conditional step only on its branch. A second version waits as a draft until published.

use socio_domain::vocabulary::UserRole;

use crate::helpers::{Browser, keys, open_browser};

const EDITOR_EMAIL: &str = "editor@example.org";
const PASSWORD: &str = "редактор пишет алгоритмы";
const CONDITIONAL_STEP: &str = "Взять коляску напрокат, пока оформляется своя";

/// Replaces the text of the control with this id.
async fn retype(browser: &Browser, id: &str, text: &str) {
    let field = browser.find(&format!("#{id}")).await;
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Answers the wizard's current question with the option `id` and goes on.
async fn answer(browser: &Browser, id: &str) {
    browser.press_on(&format!("#{id}"), keys::SPACE).await;
    let before = browser.client.current_url().await.unwrap().to_string();
    browser.press_on("form.wizard button[type='submit']", keys::ENTER).await;
    browser.url_when(|u| u != before).await;
}

#[tokio::test]
async fn an_editor_writes_previews_and_publishes_a_situation_that_citizens_then_follow() {
    let Some(browser) = open_browser().await else { return };
    let editor = browser.operator(EDITOR_EMAIL, PASSWORD, UserRole::Editor).await;
    browser.sign_in(EDITOR_EMAIL, PASSWORD).await;
    browser.url_when(|u| u.ends_with("/cabinet/backoffice/situations")).await;
    assert_eq!(browser.heading().await, "Жизненные ситуации");
    browser.text_when("main table", |t| t.contains("Установление инвалидности")).await;
    browser.assert_accessible("backoffice-situations").await;

    browser.type_into("f-title", "Коляска для ребёнка").await;
    assert_eq!(browser.eval("document.querySelector('#f-slug').value").await, "kolyaska-dlya-rebenka", "the code follows the title");
    browser.press(keys::ENTER).await;
    let url = browser.url_when(|u| u.ends_with("/cabinet/backoffice/situations/kolyaska-dlya-rebenka")).await;
    let slug = url.rsplit('/').next().unwrap().to_owned();
    browser.text_when("#problem-summary", |t| t.contains("В ситуации нет шагов")).await;
    assert_eq!(browser.eval("document.querySelector('#publish').disabled").await, true, "a broken definition is not published");

    // The first question: whom the wheelchair is for. Its problem shows at its options until
    // it has two.
    browser.press_on("#add-question", keys::ENTER).await;
    browser.type_into("f-questions-0--text", "Кому нужна коляска?").await;
    retype(&browser, "f-questions-0--key", "who").await;
    browser.choose("f-questions-0--kind", "single").await;
    browser.text_when("#f-questions-0--options", |t| t.contains("меньше двух вариантов")).await;
    for (n, label) in ["Мне", "Ребёнку"].into_iter().enumerate() {
        browser.press_on("#q0-add-option", keys::ENTER).await;
        browser.type_into(&format!("f-questions-0--options-{n}--label"), label).await;
    }
    browser.text_when("#f-questions-0--options", |t| !t.contains("меньше двух вариантов")).await;
    assert_eq!(browser.eval("document.querySelector('#f-questions-0--options-1--value').value").await, "rebenku");

    browser.press_on("#add-question", keys::ENTER).await;
    browser.type_into("f-questions-1--text", "Коляска нужна срочно?").await;
    retype(&browser, "f-questions-1--key", "urgent").await;

    // Two steps: one for everyone, one only for a child.
    browser.press_on("#add-step", keys::ENTER).await;
    browser.type_into("f-steps-0--title", "Получить индивидуальную программу реабилитации").await;
    browser.type_into("f-steps-0--documents", "Паспорт\nСНИЛС").await;
    browser.press_on("#f-steps-0 details summary", keys::ENTER).await;
    browser.press_on("#f-steps-0--categories-mse", keys::SPACE).await;
    browser.press_on("#add-step", keys::ENTER).await;
    browser.type_into("f-steps-1--title", CONDITIONAL_STEP).await;
    browser.choose("f-steps-1--condition-mode", "all").await;
    browser.choose("f-steps-1--condition-0-question", "urgent").await;
    browser.find("#f-steps-1--condition-0-value option[value='yes']").await;
    browser.choose("f-steps-1--condition-0-question", "who").await;
    browser.choose("f-steps-1--condition-0-value", "rebenku").await;
    browser.find("#no-problems").await;
    // Renaming the question takes its conditions along.
    retype(&browser, "f-questions-0--key", "recipient").await;
    browser.find("#f-steps-1--condition-0-question option[value='recipient']").await;
    browser.find("#no-problems").await;
    browser.assert_accessible("backoffice-situation-editor").await;

    // The preview: the child's branch has the step, the adult's has not.
    browser.press_on("#preview-q0-rebenku", keys::SPACE).await;
    browser.text_when("#preview-steps", |t| t.contains(CONDITIONAL_STEP)).await;
    browser.press_on("#preview-q0-mne", keys::SPACE).await;
    let adult = browser.text_when("#preview-steps", |t| !t.contains(CONDITIONAL_STEP)).await;
    assert!(adult.contains("Паспорт, СНИЛС"), "the step's documents are in the preview: {adult}");
    browser.press_on("#preview-q0-rebenku", keys::SPACE).await;
    browser.text_when("#preview-steps", |t| t.contains(CONDITIONAL_STEP)).await;
    // With a city, the steps list its services, as the citizen's route will.
    browser.choose("preview-city", "serov").await;
    browser.find("#preview-steps .preview-services li").await;
    browser.eval("document.querySelector('#f-steps-1--condition').scrollIntoView({block: 'center'})").await;
    browser.screenshot("backoffice-situation-editor", 1280).await;

    browser.press_on("#publish", keys::ENTER).await;
    browser.text_when("#editor-status", |t| t.contains("Опубликовано: граждане видят версию 1")).await;
    browser.text_when("main table", |t| t.contains("Опубликована сейчас")).await;

    // A second version is a draft: citizens keep the first until it is published.
    browser.press_on("#restore-opened", keys::ENTER).await;
    browser.text_when("#editor-status", |t| t.contains("Создан черновик: версия 2")).await;
    retype(&browser, "f-summary", "Кресло-коляска для ребёнка: справки, программа, прокат").await;
    browser.press_on("#save-draft", keys::ENTER).await;
    browser.text_when("#editor-status", |t| t.contains("Черновик сохранён (версия 2)")).await;
    let citizen = socio_client::Client::new(browser.base.clone());
    assert_eq!(citizen.situation(&slug).await.unwrap().summary, "", "the draft is not published yet");
    let versions = editor.situation_versions(&slug).await.unwrap();
    assert_eq!(versions.iter().map(|v| (v.number, v.status.as_str())).collect::<Vec<_>>(), [(2, "draft"), (1, "published")]);
    browser.assert_accessible("backoffice-situation-draft").await;

    // The citizen completes the wizard on each branch.
    browser.open(&format!("/situations/{slug}/route?municipality=serov")).await;
    answer(&browser, "q-recipient-rebenku").await;
    answer(&browser, "q-urgent-yes").await;
    let child = browser.text_when("main", |t| t.contains("Ваш маршрут")).await;
    assert!(child.contains(CONDITIONAL_STEP), "the child's route has the step: {child}");
    browser.open(&format!("/situations/{slug}/route?municipality=serov")).await;
    answer(&browser, "q-recipient-mne").await;
    answer(&browser, "q-urgent-no").await;
    let adult = browser.text_when("main", |t| t.contains("Ваш маршрут")).await;
    assert!(adult.contains("индивидуальную программу") && !adult.contains(CONDITIONAL_STEP), "the adult's has not: {adult}");
    browser.close().await;
}
