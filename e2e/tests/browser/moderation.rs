//! The moderation queue decides on what the moderator read: when the partner rewrites a
//! proposal while it is open on the moderator's screen, «Одобрить» publishes nothing, and the
//! card shows the new proposal with a notice.

use socio_client::Client;
use socio_domain::{
    api::{ContactsInput, Login, OrganizationInput, Registration},
    vocabulary::{ModerationStatus, OrganizationKind, Sector, UserRole},
};

use crate::helpers::{keys, open_browser_on};

const EMAIL: &str = "rewrite@fond-pozdno.example.org";
const PASSWORD: &str = "жёлтый трамвай едет в депо";
const MODERATOR_EMAIL: &str = "moderator@example.org";

#[tokio::test]
async fn a_proposal_rewritten_while_the_moderator_reads_it_is_shown_again_not_approved() {
    let Some(browser) = open_browser_on("frontend/dist").await else { return };
    let api = Client::new(browser.base.clone());
    let organization = OrganizationInput {
        name: "Фонд «Поздно»".to_owned(),
        short_name: None,
        kind: OrganizationKind::Ngo,
        sector: Sector::SocialPolicy,
        inn: Some("7707329152".to_owned()),
        ogrn: None,
        description: "Помогаем семьям с детьми".to_owned(),
        contacts: ContactsInput { phone: Some("+7 (343) 000-00-03".to_owned()), email: None, website: None },
    };
    let registration = Registration {
        email: EMAIL.to_owned(),
        password: PASSWORD.to_owned(),
        display_name: "Пётр".to_owned(),
        organization: Some(organization.clone()),
        claim: None,
    };
    api.register(&registration).await.unwrap();
    api.confirm_email(&browser.letter_token(EMAIL)).await.unwrap();
    let partner = api.with_token(api.login(&Login { email: EMAIL.to_owned(), password: PASSWORD.to_owned() }).await.unwrap().access_token);
    partner.submit_cabinet_organization().await.unwrap();

    // The moderator opens the queue and reads the proposal.
    browser.operator(MODERATOR_EMAIL, PASSWORD, UserRole::Moderator).await;
    browser.sign_in(MODERATOR_EMAIL, PASSWORD).await;
    browser.url_when(|u| u.ends_with("/cabinet/backoffice")).await;
    browser.text_when("main", |t| t.contains("Ждут решения: 1") && t.contains("Помогаем семьям с детьми")).await;

    // Meanwhile the partner rewrites it.
    let form = partner.cabinet_organization().await.unwrap();
    let rewritten = OrganizationInput {
        description: "Переведите взнос на карту по номеру в письме".to_owned(), ..organization
    };
    partner.save_cabinet_organization(form.version, &rewritten).await.unwrap();

    // «Одобрить» on what is on screen: refused, and the card shows the new text with a notice.
    browser.press_on("main section.card button[type=button]", keys::ENTER).await;
    let card = browser.text_when("main section.card", |t| t.contains("Партнёр изменил предложение")).await;
    browser.text_when("main section.card", |t| t.contains("Переведите взнос на карту")).await;
    assert!(card.contains("Решение не принято"), "{card}");
    browser.text_when("main", |t| t.contains("Ждут решения: 1")).await;
    assert_eq!(partner.me().await.unwrap().organization.unwrap().status, ModerationStatus::Pending, "nothing was published");
    browser.assert_accessible("backoffice-queue-rewritten").await;
    browser.screenshot("backoffice-queue-rewritten", 1280).await;

    // The partner's list says the change is read again.
    let revisions = partner.cabinet_revisions(1).await.unwrap();
    assert_eq!(revisions.items[0].version, 2);
    browser.close().await;
}
