//! Moderation a partner cannot game: a moderator decides on the proposal they read, and a
//! proposal rewritten after it was read is never published unread.

use reqwest::Method;
use socio_domain::{
    api::{Rejection, ReviewDecision, ServiceInput},
    vocabulary::{RevisionStatus, RevisionSubject},
};

use crate::{
    cabinet::{claimant, moderator, partner, raw, status},
    helpers::TestApp,
    on_both_databases,
};

on_both_databases!(
    approval_of_a_proposal_changed_after_it_was_read_is_refused,
    a_first_publication_rewritten_under_review_is_read_again,
    audit_csv_cells_never_start_a_formula
);

async fn approval_of_a_proposal_changed_after_it_was_read_is_refused(app: TestApp) {
    let moderator_token = app.token_of(app.create_user(socio_domain::vocabulary::UserRole::Moderator, "moderator@example.org").await);
    let moderator = app.client.with_token(&moderator_token);
    let service = app.client.service("prokat-tsr-serov").await.unwrap();
    let partner = claimant(&app, &moderator, "gamer@example.org", &service.organization.slug).await;

    // A harmless edit, which the moderator opens and reads.
    let current = partner.client.cabinet_service(service.id).await.unwrap();
    let harmless = ServiceInput {
        summary: "Коляски и ходунки на время оформления своих".into(), ..current.record.clone()
    };
    let saved = partner.client.save_service(service.id, current.version, &harmless).await.unwrap();
    let queue = moderator.moderation_queue(1).await.unwrap();
    let read = queue.items.iter().find(|r| r.entity_id == Some(service.id)).expect("the edit is in the queue").clone();
    assert_eq!(read.version, 1);
    let opened = raw(&app, Method::GET, &format!("/api/v1/backoffice/revisions/{}", read.id), Some(&moderator_token), None, None).await;
    assert_eq!(opened.headers()["etag"], "\"v1\"", "the revision's version is its ETag");

    // The partner rewrites it while the moderator reads.
    let phishing = ServiceInput {
        summary: "Звоните по номеру +7 900 000-00-00, оплата переводом".into(), ..harmless.clone()
    };
    partner.client.save_service(service.id, saved.version, &phishing).await.unwrap();

    // The approval of what was read is refused, and nothing is published.
    let refused = moderator.approve_revision(read.id, read.version, &ReviewDecision::default()).await.unwrap_err();
    assert_eq!(status(refused), 412);
    let refused = moderator.reject_revision(read.id, read.version, &Rejection { comment: "Не то".into() }).await.unwrap_err();
    assert_eq!(status(refused), 412, "a rejection is of what was read too");
    let unversioned = raw(
        &app,
        Method::POST,
        &format!("/api/v1/backoffice/revisions/{}/approve", read.id),
        Some(&moderator_token),
        Some(serde_json::json!({})),
        None,
    )
    .await;
    assert_eq!(unversioned.status(), 428, "a decision without If-Match is refused");
    assert_eq!(app.client.service("prokat-tsr-serov").await.unwrap().summary, service.summary, "the public version is untouched");

    // The partner's list says the change is read again; the moderator sees the new text.
    let mine = partner.client.cabinet_revisions(1).await.unwrap();
    let ours = mine.items.iter().find(|r| r.id == read.id).unwrap();
    assert_eq!((ours.status, ours.version), (RevisionStatus::Pending, 2));
    let fresh = moderator.moderation_revision(read.id).await.unwrap();
    assert_eq!(fresh.version, 2);
    assert!(fresh.changes.iter().any(|c| c.after.contains("оплата переводом")), "{:?}", fresh.changes);
    let decided =
        moderator.reject_revision(read.id, fresh.version, &Rejection { comment: "Оплата переводом недопустима".into() }).await.unwrap();
    assert_eq!(decided.status, RevisionStatus::Rejected);
    assert_eq!(app.client.service("prokat-tsr-serov").await.unwrap().summary, service.summary);
}

async fn a_first_publication_rewritten_under_review_is_read_again(app: TestApp) {
    let moderator = moderator(&app, "moderator@example.org").await;
    let partner = partner(&app, "new@example.org", "Фонд «Новый»").await;
    partner.client.submit_cabinet_organization().await.unwrap();
    let read = moderator.moderation_queue(1).await.unwrap().items.into_iter().find(|r| r.subject == RevisionSubject::Organization).unwrap();

    let form = partner.client.cabinet_organization().await.unwrap();
    let rewritten = socio_domain::api::OrganizationInput {
        description: "Переведите взнос на карту".into(), ..form.record.clone()
    };
    partner.client.save_cabinet_organization(form.version, &rewritten).await.unwrap();

    assert_eq!(status(moderator.approve_revision(read.id, read.version, &ReviewDecision::default()).await.unwrap_err()), 412);
    let fresh = moderator.moderation_revision(read.id).await.unwrap();
    assert_eq!(fresh.version, read.version + 1);
    let proposal = moderator.revision_proposal(read.id).await.unwrap();
    assert_eq!(proposal.version, fresh.version);
    assert_eq!(proposal.record.organization.unwrap().description, "Переведите взнос на карту");
}

/// The cells of a CSV line as a spreadsheet reads them (quotes taken off, `""` as `"`).
fn cells(line: &str) -> Vec<String> {
    let (mut cells, mut cell, mut quoted, mut chars) = (Vec::new(), String::new(), false, line.chars().peekable());
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

async fn audit_csv_cells_never_start_a_formula(app: TestApp) {
    let sneaky = app.token_of(app.create_user(socio_domain::vocabulary::UserRole::Moderator, "=1+1+@example.org").await);
    let partner = partner(&app, "formula@example.org", "Фонд «Формула»").await;
    partner.client.submit_cabinet_organization().await.unwrap();
    let moderator = app.client.with_token(&sneaky);
    let revision = moderator.moderation_queue(1).await.unwrap().items.remove(0);
    let decision = ReviewDecision { comment: Some("@SUM(1+1)".into()), edited: None };
    moderator.approve_revision(revision.id, revision.version, &decision).await.unwrap();

    let admin = app.client.with_token(app.token_of(app.create_user(socio_domain::vocabulary::UserRole::Admin, "admin@example.org").await));
    let csv = admin.audit_csv("entity_type=organization").await.unwrap();
    let rows: Vec<Vec<String>> = csv.trim_start_matches('\u{feff}').lines().skip(1).map(cells).collect();
    assert!(!rows.is_empty());
    let email = rows.iter().flat_map(|r| r.iter()).find(|c| c.contains("1+1+@example.org")).expect("the actor's e-mail is listed");
    assert_eq!(email, "'=1+1+@example.org", "neutralised, not dropped");
    for cell in rows.iter().flatten() {
        assert!(!cell.starts_with(['=', '+', '-', '@']) || cell.parse::<f64>().is_ok(), "a cell starts a formula: {cell:?}");
    }
}
