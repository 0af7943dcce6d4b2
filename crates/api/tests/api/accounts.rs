//! Accounts that hold: one-time links that work once and only the latest, sessions that end,
//! sign-in limits a stranger cannot turn against someone, invitations that do not phish, and
//! operators that can be switched off.

use reqwest::Method;
use serde_json::{Value, json};
use socio_client::Client;
use socio_domain::{
    api::{Invitation, NewPasswordWithToken, PasswordChange, ServiceFilter},
    vocabulary::UserRole,
};
use socio_store::{Refresh, SessionLifetimes};

use crate::{
    cabinet::{
        PASSWORD, approve_all, claimant, moderator, organization, partner, raw, refresh, refresh_cookie, registration, sign_in, status,
    },
    helpers::TestApp,
    on_both_databases,
};

on_both_databases!(
    setting_a_password_spends_every_other_reset_link,
    unapproved_organization_cannot_invite,
    invitations_have_a_daily_limit_per_organization,
    a_session_ends_after_its_absolute_lifetime,
    two_tabs_refreshing_at_once_keep_one_session,
    a_stranger_cannot_lock_someone_out,
    an_approved_claim_tells_the_admins_and_cannot_remove_them,
    a_nul_is_refused_before_the_database,
    a_one_time_password_must_be_changed_first,
    a_deactivated_operator_is_signed_out_at_once
);

/// A confirmed account of `role` with `password`, and its id.
async fn account_with_password(app: &TestApp, role: UserRole, email: &str, password: &str, one_time: bool) -> i64 {
    let new = socio_store::NewAccount {
        email: socio_domain::account::Email::parse(email).unwrap(),
        password_hash: socio_api::auth::PasswordHasher::new(1).unwrap().hash(password.to_owned()).await.unwrap(),
        display_name: "Оператор".to_owned(),
        role,
        organization_id: None,
        org_admin: false,
        email_confirmed: true,
    };
    if one_time { app.store.create_account_with_one_time_password(&new).await } else { app.store.create_account(&new).await }.unwrap()
}

async fn login(app: &TestApp, address: &str, from: &str, email: &str, password: &str) -> reqwest::Response {
    app.http
        .post(format!("{address}/api/v1/auth/login"))
        .header("x-forwarded-for", from)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
}

/// The tokens of every letter to `email` whose subject has `subject`, oldest first.
fn tokens(app: &TestApp, email: &str, subject: &str) -> Vec<String> {
    app.letters().into_iter().filter(|l| l.to.contains(email) && l.subject.contains(subject)).filter_map(|l| l.token()).collect()
}

async fn setting_a_password_spends_every_other_reset_link(app: TestApp) {
    partner(&app, "twice@example.org", "Фонд «Дважды»").await;
    app.client.request_password_reset("twice@example.org").await.unwrap();
    app.client.request_password_reset("twice@example.org").await.unwrap();
    let links = tokens(&app, "twice@example.org", "Восстановление");
    assert_eq!(links.len(), 2, "two letters");
    let new =
        |token: &str| NewPasswordWithToken { token: token.to_owned(), password: "жёлтый трамвай в Серове".into() };
    app.client.reset_password(&new(&links[1])).await.unwrap();
    let older = app.client.reset_password(&new(&links[0])).await.unwrap_err();
    assert_eq!(status(older), 422, "the other link is spent with the one used");
}

/// Moves every rotation of a refresh token `by` into the past.
pub async fn age_rotations(app: &TestApp, by: chrono::Duration) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    use socio_store::entity::refresh_token;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RotatedAt, Expr::value(Some(chrono::Utc::now() - by)))
        .filter(refresh_token::Column::RotatedAt.is_not_null())
        .exec(app.db())
        .await
        .unwrap();
}

/// Moves the start of every session `by` into the past.
async fn age_sessions(app: &TestApp, by: chrono::Duration) {
    use sea_orm::{EntityTrait, sea_query::Expr};
    use socio_store::entity::refresh_token;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::FamilyStartedAt, Expr::value(Some(chrono::Utc::now() - by)))
        .exec(app.db())
        .await
        .unwrap();
}

async fn unapproved_organization_cannot_invite(app: TestApp) {
    let admin = partner(&app, "draft@example.org", "Фонд «Черновик»").await;
    let before = app.letters().len();
    let invitation = |email: &str| Invitation {
        email: email.into(),
        display_name: "Срочно подтвердите данные: https://evil.example".into(),
    };
    let problem = admin.client.invite_colleague(&invitation("victim@example.org")).await.unwrap_err().problem().cloned().unwrap();
    assert_eq!((problem.status, problem.code.as_str()), (403, "organization_not_approved"), "{}", problem.detail);
    assert_eq!(app.letters().len(), before, "no letter from an unmoderated organization");

    admin.client.submit_cabinet_organization().await.unwrap();
    approve_all(&moderator(&app, "moderator@example.org").await).await;
    let listed = admin.client.invite_colleague(&invitation("victim@example.org")).await.unwrap();
    assert!(listed.iter().any(|c| c.email == "victim@example.org" && c.invitation && !c.active), "{listed:?}");
    let letter = app.letters().into_iter().rev().find(|l| l.to.contains("victim@example.org")).unwrap();
    assert!(!letter.subject.contains("Черновик") && !letter.subject.contains("Срочно"), "our subject only: {}", letter.subject);
    assert!(!letter.body.contains("Срочно") && !letter.body.contains("evil"), "the name the partner typed is not quoted: {}", letter.body);

    // No account was made: the address registers an organization of its own, and the
    // invitation can no longer make a second account for it.
    app.client.register(&registration("victim@example.org", Some(organization("Фонд «Свой»")), None)).await.unwrap();
    let late = NewPasswordWithToken { token: letter.token().unwrap(), password: PASSWORD.into() };
    let problem = app.client.accept_invitation(&late).await.unwrap_err().problem().cloned().unwrap();
    assert_eq!((problem.status, problem.errors[0].code.as_str()), (422, "taken"));
}

async fn invitations_have_a_daily_limit_per_organization(app: TestApp) {
    let admin = partner(&app, "many@example.org", "Фонд «Много»").await;
    admin.client.submit_cabinet_organization().await.unwrap();
    approve_all(&moderator(&app, "moderator@example.org").await).await;
    let address = app.spawn_replica_with(|s| s.accounts.invitations_per_day = 2).await;
    let client = Client::new(address).with_token(&admin.token);
    for n in 1..=2 {
        client.invite_colleague(&Invitation { email: format!("c{n}@example.org"), display_name: "Коллега".into() }).await.unwrap();
    }
    let problem = client
        .invite_colleague(&Invitation { email: "c3@example.org".into(), display_name: "Коллега".into() })
        .await
        .unwrap_err()
        .problem()
        .cloned()
        .unwrap();
    assert_eq!((problem.status, problem.code.as_str()), (429, "invitation_limit"), "{}", problem.detail);
    assert!(!app.letters().iter().any(|l| l.to.contains("c3@example.org")));
    let invited = client.colleagues().await.unwrap();
    assert_eq!(invited.iter().filter(|c| c.invitation).count(), 2);

    // Accepting makes the account then, confirmed and in the organization.
    let letter = app.letters().into_iter().rev().find(|l| l.to.contains("c1@example.org")).unwrap();
    app.client.accept_invitation(&NewPasswordWithToken { token: letter.token().unwrap(), password: PASSWORD.into() }).await.unwrap();
    let (token, _) = sign_in(&app, "c1@example.org").await;
    assert_eq!(app.client.with_token(&token).me().await.unwrap().organization.unwrap().id, admin.organization_id);
}

async fn a_session_ends_after_its_absolute_lifetime(app: TestApp) {
    let partner = partner(&app, "long@example.org", "Фонд «Долго»").await;
    let (_, cookie) = sign_in(&app, &partner.email).await;
    age_sessions(&app, chrono::Duration::days(29)).await;
    let refreshed = refresh(&app, &cookie).await;
    assert_eq!(refreshed.status(), 200, "within 30 days a partner's session is refreshed");
    let cookie = refresh_cookie(&refreshed);
    age_sessions(&app, chrono::Duration::days(31)).await;
    assert_eq!(refresh(&app, &cookie).await.status(), 401, "past 30 days the partner signs in again");

    // An operator's session lasts 12 hours; a partner's would still be alive at 13.
    let lifetimes = SessionLifetimes::default();
    for (role, email, alive) in [(UserRole::Moderator, "m@example.org", false), (UserRole::Partner, "p@example.org", true)] {
        let account = app.store.account(app.create_user(role, email).await).await.unwrap().unwrap();
        app.store.start_session(&account, &format!("family-{email}"), &format!("first-{email}"), &lifetimes).await.unwrap();
        age_sessions(&app, chrono::Duration::hours(13)).await;
        let outcome = app.store.rotate_session(&format!("first-{email}"), &format!("next-{email}"), &lifetimes).await.unwrap();
        assert_eq!(matches!(outcome, Refresh::Rotated { .. }), alive, "{role:?}: {outcome:?}");
        assert_eq!(outcome == Refresh::Ended, !alive, "{role:?}: {outcome:?}");
    }
}

async fn two_tabs_refreshing_at_once_keep_one_session(app: TestApp) {
    let partner = partner(&app, "tabs@example.org", "Фонд «Вкладки»").await;
    let (_, cookie) = sign_in(&app, &partner.email).await;
    let (first, second) = tokio::join!(refresh(&app, &cookie), refresh(&app, &cookie));
    assert_eq!((first.status(), second.status()), (reqwest::StatusCode::OK, reqwest::StatusCode::OK), "neither tab is signed out");
    let (first, second) = (refresh_cookie(&first), refresh_cookie(&second));
    assert_ne!(first, second);
    assert_eq!(refresh(&app, &first).await.status(), 200);
    assert_eq!(refresh(&app, &second).await.status(), 200, "both tabs go on in the same session");
    let families: std::collections::HashSet<String> = {
        use sea_orm::EntityTrait;
        socio_store::entity::refresh_token::Entity::find().all(app.db()).await.unwrap().into_iter().map(|t| t.family_id).collect()
    };
    assert_eq!(families.len(), 2, "the partner's sign-in in the helper and this one: {families:?}");
}

async fn a_stranger_cannot_lock_someone_out(app: TestApp) {
    let victim = partner(&app, "victim@example.org", "Фонд «Жертва»").await;
    let trusted = vec![socio_api::rate_limit::Network::parse("127.0.0.1").unwrap()];
    let address = app.spawn_replica_with(|s| s.rate_limits.trusted_proxies = trusted).await;
    for _ in 0..10 {
        assert_eq!(login(&app, &address, "203.0.113.5", &victim.email, "неправильный пароль").await.status(), 401);
    }
    assert_eq!(login(&app, &address, "203.0.113.5", &victim.email, "неправильный пароль").await.status(), 429, "the guesser is stopped");
    let own = login(&app, &address, "198.51.100.7", &victim.email, PASSWORD).await;
    assert_eq!(own.status(), 200, "the owner signs in from their own address");
}

async fn an_approved_claim_tells_the_admins_and_cannot_remove_them(app: TestApp) {
    let moderator = moderator(&app, "moderator@example.org").await;
    let first = partner(&app, "first@example.org", "Фонд «Первый»").await;
    first.client.submit_cabinet_organization().await.unwrap();
    approve_all(&moderator).await;
    let slug = first.client.me().await.unwrap().organization.unwrap().slug;
    let newcomer = claimant(&app, &moderator, "newcomer@example.org", &slug).await;

    let letter = app.letters().into_iter().rev().find(|l| l.to.contains("first@example.org")).expect("the first admin is told");
    assert!(letter.subject.contains("новый администратор"), "{}", letter.subject);
    assert!(letter.body.contains("newcomer@example.org"), "{}", letter.body);
    assert!(!app.letters().iter().any(|l| l.to.contains("newcomer@example.org") && l.subject.contains("новый администратор")));

    let first_id = first.client.me().await.unwrap().id;
    let problem = newcomer.client.remove_colleague(first_id).await.unwrap_err().problem().cloned().unwrap();
    assert_eq!((problem.status, problem.code.as_str()), (403, "admin_was_first"));
    assert!(first.client.me().await.is_ok(), "the first admin keeps the cabinet");
    first.client.remove_colleague(newcomer.client.me().await.unwrap().id).await.unwrap();
    assert_eq!(status(newcomer.client.me().await.unwrap_err()), 401, "the one who was there first may remove the newcomer");
}

async fn a_nul_is_refused_before_the_database(app: TestApp) {
    use sea_orm::{EntityTrait, QueryOrder};
    let service = app.client.services(&ServiceFilter::default()).await.unwrap().items.remove(0);
    let report = |message: &str| json!({ "subject": "service", "slug": service.slug, "problem": "moved", "message": message });
    let post = async |body: Value| app.http.post(format!("{}/api/v1/reports", app.address)).json(&body).send().await.unwrap();
    let refused = post(report("Переехали\u{0}на Ленина")).await;
    assert_eq!(refused.status(), 422, "not an outage");
    let problem: socio_domain::api::Problem = refused.json().await.unwrap();
    assert_eq!((problem.errors[0].field.as_str(), problem.errors[0].code.as_str()), ("message", "control_character"));

    let accepted = post(report("Переехали\u{7}на\u{1b}Ленина,\nдом 5")).await;
    assert_eq!(accepted.status(), 201);
    let stored = socio_store::entity::report::Entity::find().order_by_desc(socio_store::entity::report::Column::Id).one(app.db()).await;
    assert_eq!(stored.unwrap().unwrap().message, "Переехали на Ленина,\nдом 5", "a space, not glued words; line breaks kept");

    for path in ["/api/v1/services?q=%00", "/api/v1/search?q=%D0%BB%00", "/api/v1/organizations?municipality=serov%01"] {
        let problem = app.get_problem(path, 400).await;
        assert_eq!(problem.errors[0].code, "control_character", "{path}");
    }
    let partner = partner(&app, "nul@example.org", "Фонд «Ноль»").await;
    let form = crate::cabinet::service_form("Прокат\u{0}колясок", Vec::new());
    let problem = partner.client.create_service(&form).await.unwrap_err().problem().cloned().unwrap();
    assert_eq!((problem.status, problem.errors[0].field.as_str()), (422, "name"));
}

async fn a_one_time_password_must_be_changed_first(app: TestApp) {
    let once = "одноразовый-пароль-7731";
    account_with_password(&app, UserRole::Moderator, "new-moderator@example.org", once, true).await;
    let signed_in = login(&app, &app.address, "127.0.0.1", "new-moderator@example.org", once).await;
    assert_eq!(signed_in.status(), 200);
    let session: Value = signed_in.json().await.unwrap();
    assert_eq!(session["user"]["must_change_password"], true);
    let token = session["access_token"].as_str().unwrap().to_owned();
    let queue = raw(&app, Method::GET, "/api/v1/backoffice/revisions", Some(&token), None, None).await;
    assert_eq!(queue.status(), 403);
    assert_eq!(queue.json::<Value>().await.unwrap()["code"], "password_change_required");

    let changed = app
        .client
        .with_token(&token)
        .change_password(&PasswordChange {
            current_password: once.into(), new_password: "свой длинный пароль модератора".into()
        })
        .await
        .unwrap();
    assert!(!changed.user.must_change_password);
    let moderator = app.client.with_token(&changed.access_token);
    assert!(moderator.moderation_queue(1).await.is_ok(), "after the change the account works");
}

async fn a_deactivated_operator_is_signed_out_at_once(app: TestApp) {
    let admin_id = app.create_user(UserRole::Admin, "admin@example.org").await;
    let admin = app.client.with_token(app.token_of(admin_id));
    let password = "пароль модератора на год";
    let id = account_with_password(&app, UserRole::Moderator, "leaving@example.org", password, false).await;
    let signed_in = login(&app, &app.address, "127.0.0.1", "leaving@example.org", password).await;
    let cookie = refresh_cookie(&signed_in);
    let token = signed_in.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned();
    assert!(app.client.with_token(&token).moderation_queue(1).await.is_ok());

    let closed = admin.set_operator_active(id, false).await.unwrap();
    assert!(!closed.active);
    assert!(!closed.invitation_pending, "closed, which the People screen tells apart from an invitation not yet accepted");
    assert_eq!(raw(&app, Method::GET, "/api/v1/backoffice/revisions", Some(&token), None, None).await.status(), 401, "the next request");
    assert_eq!(refresh(&app, &cookie).await.status(), 401, "the session is over");
    assert_eq!(login(&app, &app.address, "127.0.0.1", "leaving@example.org", password).await.status(), 401);
    assert_eq!(status(admin.set_operator_active(admin_id, false).await.unwrap_err()), 409, "not oneself");
    let log = admin.audit_log(&format!("entity_type=user&entity_id={id}")).await.unwrap();
    assert!(log.items.iter().any(|e| e.action == "deactivate"), "audited");

    admin.set_operator_active(id, true).await.unwrap();
    assert_eq!(login(&app, &app.address, "127.0.0.1", "leaving@example.org", password).await.status(), 200, "opened again");
}
