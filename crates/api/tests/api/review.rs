//! The moderator's second look: correcting a proposal before approving it (and the partner and
//! the audit log told so), reviewer notes only the operator reads, and the usage report.

use reqwest::Method;
use serde_json::json;
use socio_client::{CabinetPath, ClientError};
use socio_domain::{
    api::{NewNote, ProposedRecord, ReviewDecision},
    vocabulary::{NoteSubject, RevisionSubject, UserRole},
};

use crate::{
    cabinet::{eventually, location_form, moderator, partner, raw, search_slugs, service_form, status},
    helpers::TestApp,
    on_both_databases,
};

on_both_databases!(
    a_moderator_corrects_a_proposal_before_approving_it,
    reviewer_notes_are_the_operators_own,
    usage_counts_situations_routes_and_unmet_searches_by_city
);

fn fields(error: ClientError) -> Vec<(String, String)> {
    error.problem().map(|p| p.errors.iter().map(|e| (e.field.clone(), e.code.clone())).collect()).unwrap_or_default()
}

async fn a_moderator_corrects_a_proposal_before_approving_it(app: TestApp) {
    let partner = partner(&app, "typo@example.org", "Фонд «Опечатка»").await;
    let moderator_token = app.token_of(app.create_user(UserRole::Moderator, "moderator@example.org").await);
    let moderator = app.client.with_token(&moderator_token);
    let location = partner.client.create_location(&location_form("ул. Садовая, 3")).await.unwrap();
    let draft = partner.client.create_service(&service_form("Прокат колясок колясок", vec![location.id])).await.unwrap();
    partner.client.submit(CabinetPath::Locations, location.id).await.unwrap();
    partner.client.submit(CabinetPath::Services, draft.id).await.unwrap();
    partner.client.submit_cabinet_organization().await.unwrap();
    let queue = moderator.moderation_queue(1).await.unwrap();
    let revision = queue.items.iter().find(|r| r.subject == RevisionSubject::Service && r.entity_id == Some(draft.id)).unwrap().id;
    for other in queue.items.iter().filter(|r| r.id != revision && r.organization_id == Some(partner.organization_id)) {
        moderator.approve_revision(other.id, other.version, &ReviewDecision::default()).await.unwrap();
    }

    let proposal = moderator.revision_proposal(revision).await.unwrap();
    let mut corrected = proposal.record.service.clone().expect("a service revision proposes a service");
    assert_eq!(corrected.name, "Прокат колясок колясок");
    corrected.name = "Прокат колясок".to_owned();
    let correction = |record: ProposedRecord| ReviewDecision {
        comment: Some("Убрали повтор в названии".into()), edited: Some(record)
    };

    // Not of the revision's kind, two records at once, no If-Match, an invalid record: refused,
    // and nothing is decided.
    let wrong = ProposedRecord { location: Some(location_form("ул. Садовая, 3")), ..Default::default() };
    assert_eq!(
        fields(moderator.approve_revision(revision, proposal.version, &correction(wrong)).await.unwrap_err()),
        [("edited".to_owned(), "wrong_subject".to_owned())]
    );
    let both =
        ProposedRecord { service: Some(corrected.clone()), location: Some(location_form("ул. Садовая, 3")), ..Default::default() };
    assert_eq!(status(moderator.approve_revision(revision, proposal.version, &correction(both)).await.unwrap_err()), 422);
    let unversioned = raw(
        &app,
        Method::POST,
        &format!("/api/v1/backoffice/revisions/{revision}/approve"),
        Some(&moderator_token),
        Some(json!({ "edited": { "service": corrected } })),
        None,
    )
    .await;
    assert_eq!(unversioned.status(), 428);
    let mut empty = corrected.clone();
    empty.name = " ".to_owned();
    empty.categories = vec!["no-such-category".to_owned()];
    let problems = fields(
        moderator
            .approve_revision(revision, proposal.version, &correction(ProposedRecord { service: Some(empty), ..Default::default() }))
            .await
            .unwrap_err(),
    );
    assert!(problems.iter().any(|(field, _)| field == "edited.service.name"), "{problems:?}");

    // The partner changes the proposal after the moderator opened it: the correction is stale.
    let editable = partner.client.cabinet_service(draft.id).await.unwrap();
    let mut resaved = editable.record.clone();
    resaved.summary = "Коляски на время оформления своей, бесплатно".to_owned();
    partner.client.save_service(draft.id, editable.version, &resaved).await.unwrap();
    let stale = ProposedRecord { service: Some(corrected.clone()), ..Default::default() };
    assert_eq!(status(moderator.approve_revision(revision, proposal.version, &correction(stale)).await.unwrap_err()), 412);
    assert!(moderator.moderation_queue(1).await.unwrap().items.iter().any(|r| r.id == revision), "still pending");

    // Read again, corrected, approved: what is published is the moderator's version.
    let fresh = moderator.revision_proposal(revision).await.unwrap();
    let mut corrected = fresh.record.service.clone().unwrap();
    assert_eq!(corrected.summary, "Коляски на время оформления своей, бесплатно", "the partner's latest");
    corrected.name = "Прокат колясок".to_owned();
    let decided = moderator
        .approve_revision(revision, fresh.version, &correction(ProposedRecord { service: Some(corrected), ..Default::default() }))
        .await
        .unwrap();
    assert!(decided.edited_by_moderator);
    assert!(decided.changes.iter().any(|c| c.field == "name" && c.after == "Прокат колясок"), "{:?}", decided.changes);
    let public = eventually("publication", async || app.client.service(&draft.slug).await.ok()).await;
    assert_eq!(public.name, "Прокат колясок");
    assert_eq!(public.summary, "Коляски на время оформления своей, бесплатно");
    eventually("search", async || search_slugs(&app.client, "колясок").await.contains(&draft.slug).then_some(())).await;

    let seen_by_partner = partner.client.cabinet_revisions(1).await.unwrap();
    let ours = seen_by_partner.items.iter().find(|r| r.id == revision).unwrap();
    assert!(ours.edited_by_moderator, "the partner sees the record was corrected");
    assert_eq!(ours.review_comment.as_deref(), Some("Убрали повтор в названии"));

    let admin = app.client.clone().with_token(app.token_of(app.create_user(UserRole::Admin, "admin@example.org").await));
    let log = admin.audit_log(&format!("entity_type=service&entity_id={}", draft.id)).await.unwrap();
    let approval = log.items.iter().find(|e| e.action == "approve").expect("the approval is audited");
    assert_eq!(approval.details["edited_by_moderator"], true);
    assert_eq!(approval.details["proposed"]["name"], "Прокат колясок колясок", "the partner's own proposal is kept");
    assert_eq!(approval.details["after"]["name"], "Прокат колясок");
    assert_eq!(status(moderator.approve_revision(revision, fresh.version, &ReviewDecision::default()).await.unwrap_err()), 409);
}

async fn reviewer_notes_are_the_operators_own(app: TestApp) {
    let moderator = moderator(&app, "moderator@example.org").await;
    let editor = app.client.clone().with_token(app.token_of(app.create_user(UserRole::Editor, "editor@example.org").await));
    let partner = partner(&app, "notes@example.org", "Фонд «Заметки»").await;
    let note = NewNote {
        subject: NoteSubject::Organization,
        entity_id: partner.organization_id,
        body: "Звонили 1 декабря: телефон меняется с марта.".to_owned(),
    };
    let saved = moderator.add_note(&note).await.unwrap();
    assert_eq!(saved.author_email.as_deref(), Some("moderator@example.org"));
    editor.add_note(&NewNote { body: "Вторая заметка".to_owned(), ..note.clone() }).await.unwrap();
    let notes = editor.notes(NoteSubject::Organization, partner.organization_id).await.unwrap();
    assert_eq!(notes.iter().map(|n| n.body.as_str()).collect::<Vec<_>>(), ["Вторая заметка", note.body.as_str()], "newest first");
    assert!(moderator.notes(NoteSubject::Service, partner.organization_id).await.unwrap().is_empty(), "notes belong to one record");

    assert_eq!(status(partner.client.notes(NoteSubject::Organization, partner.organization_id).await.unwrap_err()), 403);
    assert_eq!(status(partner.client.add_note(&note).await.unwrap_err()), 403);
    assert_eq!(status(app.client.notes(NoteSubject::Organization, partner.organization_id).await.unwrap_err()), 401);
    assert_eq!(
        fields(moderator.add_note(&NewNote { body: "  ".to_owned(), ..note.clone() }).await.unwrap_err()),
        [("body".to_owned(), "required".to_owned())]
    );
    let missing = NewNote { entity_id: 999_999, ..note.clone() };
    assert_eq!(fields(moderator.add_note(&missing).await.unwrap_err()), [("entity_id".to_owned(), "unknown_value".to_owned())]);
    let cabinet = app.http.get(format!("{}/api/v1/cabinet/organization", app.address)).bearer_auth(&partner.token).send().await.unwrap();
    assert!(!cabinet.text().await.unwrap().contains("телефон меняется"), "the partner never sees a note");
}

async fn usage_counts_situations_routes_and_unmet_searches_by_city(app: TestApp) {
    let moderator = moderator(&app, "moderator@example.org").await;
    for _ in 0..2 {
        app.client.situation("elderly-care").await.unwrap();
    }
    app.client.route_candidates("elderly-care", "serov").await.unwrap();
    app.client.route_candidates("elderly-care", "serov").await.unwrap();
    app.client.route_candidates("child-ovz", "pervouralsk").await.unwrap();
    let nothing = socio_domain::api::ServiceFilter {
        q: Some("дельтаплан".to_owned()),
        municipality: Some(socio_domain::Slug::parse("serov").unwrap()),
        ..Default::default()
    };
    let found = app.client.search(&socio_domain::api::SearchRequest { filter: nothing, ..Default::default() }).await.unwrap();
    assert_eq!(found.total, 0);

    // The counters reach the database in batches: wait until the last of them has.
    let report = eventually("the usage counters", async || {
        let report = moderator.usage(30, None).await.unwrap();
        let elderly = report.situations.iter().find(|s| s.slug == "elderly-care")?;
        let child = report.situations.iter().find(|s| s.slug == "child-ovz")?;
        let unmet = report.unmet_searches.iter().any(|u| u.query == "дельтаплан");
        (elderly.routes == 2 && elderly.opened == 2 && child.routes == 1 && unmet).then_some(report)
    })
    .await;
    assert_eq!(report.situations[0].slug, "elderly-care", "the most used first: {:?}", report.situations);
    let city = |slug: &str| report.cities.iter().find(|c| c.municipality.as_ref().is_some_and(|m| m.slug == slug)).cloned();
    let serov = city("serov").expect("Serov has routes");
    assert_eq!((serov.routes, serov.unmet_searches), (2, 1));
    assert_eq!(city("pervouralsk").map(|c| c.routes), Some(1));
    assert!(report.unmet_searches.iter().any(|u| u.query == "дельтаплан"));

    let serov_only = moderator.usage(30, Some("serov")).await.unwrap();
    assert_eq!(serov_only.municipality.map(|m| m.name), Some("Серов".to_owned()));
    assert!(serov_only.situations.iter().all(|s| s.slug != "child-ovz"), "Pervouralsk's route is not Serov's");
    assert_eq!(serov_only.situations.iter().find(|s| s.slug == "elderly-care").map(|s| s.routes), Some(2));

    assert_eq!(status(moderator.usage(30, Some("atlantis")).await.unwrap_err()), 400);
    assert_eq!(status(moderator.usage(0, None).await.unwrap_err()), 400);
    let partner = partner(&app, "usage@example.org", "Фонд «Отчёт»").await;
    assert_eq!(status(partner.client.usage(30, None).await.unwrap_err()), 403);
}
