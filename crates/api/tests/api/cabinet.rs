//! The partner cabinet end to end: registration, sign-in and sessions, drafts and revisions,
//! moderation, concurrency, validation, isolation between organizations, and the path of an
//! approved change into search on another replica.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use socio_client::{CabinetPath, Client};
use socio_domain::{
    api::{
        ContactsInput, Invitation, LocationInput, Login, NewPasswordWithToken, OrganizationInput, PasswordChange, Registration, Rejection,
        ReviewDecision, SearchRequest, ServiceFilter, ServiceInput,
    },
    vocabulary::{Cost, ModerationStatus, OrganizationKind, RevisionStatus, Sector, ServiceFormat, UserRole},
};

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(
    a_partner_registers_confirms_the_address_and_signs_in,
    forged_expired_and_foreign_tokens_are_refused,
    reusing_a_rotated_refresh_token_ends_the_session,
    logout_and_a_password_change_end_sessions,
    a_password_is_reset_by_letter_once,
    a_partner_cannot_reach_another_organizations_records,
    of_two_edits_from_one_version_exactly_one_wins,
    every_bad_field_of_the_service_form_is_named,
    sign_in_attempts_are_rate_limited,
    a_new_service_is_published_after_approval_and_confirmed_fresh,
    an_approved_address_edit_reaches_search_on_another_replica_and_a_withdrawal_leaves_it,
    two_moderators_cannot_apply_one_revision_twice,
    a_rejection_keeps_the_public_version_and_tells_the_partner_why,
    reports_reach_the_partner_and_views_are_counted,
    colleagues_are_invited_and_removed,
    stale_records_are_reminded_of_once_a_month,
);

pub const PASSWORD: &str = "синий кит плывёт на север";

/// A signed-in partner of a new (draft) organization.
pub struct Partner {
    pub client: Client,
    pub token: String,
    pub email: String,
    pub organization_id: i64,
}

pub fn organization(name: &str) -> OrganizationInput {
    OrganizationInput {
        name: name.to_owned(),
        short_name: None,
        kind: OrganizationKind::Ngo,
        sector: Sector::SocialPolicy,
        inn: Some("7707329152".to_owned()),
        ogrn: Some("1047707030513".to_owned()),
        description: "Помогаем семьям с детьми-инвалидами".to_owned(),
        contacts: ContactsInput {
            phone: Some("+7 (343) 000-00-01".to_owned()),
            email: None,
            website: Some("https://example.org".to_owned()),
        },
    }
}

pub fn location_form(address: &str) -> LocationInput {
    LocationInput {
        name: "Главный офис".to_owned(),
        municipality: "serov".to_owned(),
        address: address.to_owned(),
        coordinates: Some(socio_domain::Coordinates { lat: 59.6, lon: 60.57 }),
        phone: None,
        opening_hours: vec![socio_domain::OpeningInterval { days: vec![1, 2, 3, 4, 5], opens: "09:00".into(), closes: "18:00".into() }],
        accessibility: vec![socio_domain::vocabulary::AccessibilityFeature::Ramp],
    }
}

pub fn service_form(name: &str, locations: Vec<i64>) -> ServiceInput {
    ServiceInput {
        name: name.to_owned(),
        summary: "Даём коляску на время, пока оформляется своя".to_owned(),
        description: "Коляски для взрослых и детей.".to_owned(),
        categories: vec!["tsr-rental".to_owned()],
        target_groups: vec!["disabled".to_owned()],
        formats: vec![ServiceFormat::InPerson],
        form_442: None,
        cost: Cost::Free,
        cost_note: None,
        age_min: None,
        age_max: None,
        eligibility: "Люди с инвалидностью и их семьи".to_owned(),
        documents: vec!["Паспорт".to_owned()],
        how_to_apply: "Позвоните и приходите".to_owned(),
        contacts: ContactsInput::default(),
        locations,
        municipalities: vec!["serov".to_owned()],
    }
}

pub fn registration(email: &str, organization: Option<OrganizationInput>, claim: Option<&str>) -> Registration {
    Registration {
        email: email.to_owned(),
        password: PASSWORD.to_owned(),
        display_name: "Анна".to_owned(),
        organization,
        claim: claim.map(str::to_owned),
    }
}

/// Confirms the address from the latest letter to `email`.
pub async fn confirm(app: &TestApp, email: &str) {
    let letter = app.letters().into_iter().rev().find(|l| l.to.contains(email)).unwrap_or_else(|| panic!("no letter to {email}"));
    app.client.confirm_email(&letter.token().unwrap()).await.unwrap();
}

pub async fn sign_in(app: &TestApp, email: &str) -> (String, String) {
    let response = app
        .http
        .post(format!("{}/api/v1/auth/login", app.address))
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "login {email}");
    let cookie = refresh_cookie(&response);
    let body: Value = response.json().await.unwrap();
    (body["access_token"].as_str().unwrap().to_owned(), cookie)
}

pub fn refresh_cookie(response: &reqwest::Response) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("socio_refresh="))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no refresh cookie"))
}

/// Registers a partner with a new organization, confirms and signs in.
pub async fn partner(app: &TestApp, email: &str, name: &str) -> Partner {
    let me = app.client.register(&registration(email, Some(organization(name)), None)).await.unwrap();
    confirm(app, email).await;
    let (token, _) = sign_in(app, email).await;
    Partner { client: app.client.with_token(&token), token, email: email.to_owned(), organization_id: me.organization.unwrap().id }
}

/// A moderator's client.
pub async fn moderator(app: &TestApp, email: &str) -> Client {
    let id = app.create_user(UserRole::Moderator, email).await;
    app.client.with_token(app.token_of(id))
}

pub async fn raw(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
    if_match: Option<&str>,
) -> reqwest::Response {
    let mut request = app.http.request(method, format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(tag) = if_match {
        request = request.header("if-match", tag);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

pub fn status(error: socio_client::ClientError) -> u16 {
    error.problem().map(|p| p.status).unwrap_or_default()
}

/// Approves every pending revision and claim.
pub async fn approve_all(moderator: &Client) {
    for revision in moderator.moderation_queue(1).await.unwrap().items {
        moderator.approve_revision(revision.id, revision.version, &ReviewDecision::default()).await.unwrap();
    }
}

async fn a_partner_registers_confirms_the_address_and_signs_in(app: TestApp) {
    let email = "anna@kcson.example.org";
    let me = app.client.register(&registration(email, Some(organization("Фонд «Рядом»")), None)).await.unwrap();
    assert_eq!(me.organization.as_ref().map(|o| o.status), Some(ModerationStatus::Draft), "a new organization is a draft");
    assert!(me.org_admin && !me.email_confirmed);
    let early = raw(&app, Method::POST, "/api/v1/auth/login", None, Some(json!({ "email": email, "password": PASSWORD })), None).await;
    assert_eq!(early.status(), 403, "no sign-in before the address is confirmed");
    assert_eq!(early.json::<Value>().await.unwrap()["code"], "email_not_confirmed");

    let letters = app.letters();
    let letter = letters.iter().find(|l| l.to.contains(email)).unwrap();
    assert!(
        letter.body.contains("Подтвердите") || letter.subject.contains("Подтвердите") || letter.body.contains("подтвердить"),
        "{letter:?}"
    );
    let token = letter.token().unwrap();
    app.client.confirm_email(&token).await.unwrap();
    assert_eq!(status(app.client.confirm_email(&token).await.unwrap_err()), 422, "a confirmation link works once");

    let response =
        raw(&app, Method::POST, "/api/v1/auth/login", None, Some(json!({ "email": "ANNA@kcson.example.org", "password": PASSWORD })), None)
            .await;
    assert_eq!(response.status(), 200);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("socio_refresh="))
        .unwrap()
        .to_owned();
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/api/v1/auth"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    let session: Value = response.json().await.unwrap();
    assert_eq!(session["expires_in"], 900);
    assert!(session.get("refresh_token").is_none(), "the refresh token never travels in the body");
    let me = app.client.with_token(session["access_token"].as_str().unwrap()).me().await.unwrap();
    assert!(me.email_confirmed);

    let wrong =
        raw(&app, Method::POST, "/api/v1/auth/login", None, Some(json!({ "email": email, "password": "неверный пароль тут" })), None).await;
    let unknown =
        raw(&app, Method::POST, "/api/v1/auth/login", None, Some(json!({ "email": "nobody@example.org", "password": PASSWORD })), None)
            .await;
    assert_eq!((wrong.status(), unknown.status()), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED));
    let (mut wrong, mut unknown): (Value, Value) = (wrong.json().await.unwrap(), unknown.json().await.unwrap());
    assert_ne!(wrong["request_id"], unknown["request_id"], "each answer names its own request");
    (wrong["request_id"], unknown["request_id"]) = (Value::Null, Value::Null);
    assert_eq!(wrong, unknown, "the same answer for an unknown e-mail and a wrong password");

    let again = app.client.register(&registration(email, Some(organization("Другой фонд")), None)).await.unwrap_err();
    assert_eq!(again.problem().unwrap().errors[0].field, "email");
    let weak = app
        .client
        .register(&Registration {
            password: "qwerty123456".into(), ..registration("b@example.org", Some(organization("Фонд Б")), None)
        })
        .await
        .unwrap_err();
    assert_eq!(weak.problem().unwrap().errors[0].code, "common_password");
}

async fn forged_expired_and_foreign_tokens_are_refused(app: TestApp) {
    let partner = partner(&app, "tokens@example.org", "Фонд «Токены»").await;
    assert!(partner.client.me().await.is_ok());
    let claims = |claims: Value| {
        let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        let key = jsonwebtoken::EncodingKey::from_secret(crate::helpers::TEST_JWT_SECRET.as_bytes());
        jsonwebtoken::encode(&header, &claims, &key).unwrap()
    };
    let now = chrono::Utc::now().timestamp();
    let id = partner.client.me().await.unwrap().id.to_string();
    let good = json!({ "sub": id, "iss": "socio", "aud": "socio-api", "iat": now, "exp": now + 600 });
    assert!(app.client.with_token(claims(good.clone())).me().await.is_ok(), "the hand-made token is well formed");

    // A changed claim under the original signature (the user id of someone else).
    let (head, rest) = partner.token.split_once('.').unwrap();
    let (_, signature) = rest.split_once('.').unwrap();
    let b64 = |v: &Value| {
        use std::fmt::Write;
        let bytes = serde_json::to_vec(v).unwrap();
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
            for i in 0..=chunk.len() {
                let _ = out.write_char(char::from(alphabet[((n >> (18 - 6 * i)) & 63) as usize]));
            }
        }
        out
    };
    let alg_none = format!("{}.{}.", b64(&json!({ "alg": "none", "typ": "JWT" })), b64(&good));
    let mut other_user = good.clone();
    other_user["sub"] = json!("1");
    let tampered = format!("{head}.{}.{signature}", b64(&other_user));
    let foreign = {
        let key = jsonwebtoken::EncodingKey::from_secret(b"another-secret-of-at-least-32-bytes!!");
        jsonwebtoken::encode(&jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256), &good, &key).unwrap()
    };
    let mut expired = good.clone();
    expired["exp"] = json!(now - 120);
    expired["iat"] = json!(now - 1200);
    let mut wrong_audience = good.clone();
    wrong_audience["aud"] = json!("someone-else");
    let mut wrong_issuer = good.clone();
    wrong_issuer["iss"] = json!("evil");
    let mut no_such_user = good.clone();
    no_such_user["sub"] = json!("999999");
    for (what, token) in [
        ("tampered", tampered),
        ("alg none", alg_none),
        ("wrongly signed", foreign),
        ("expired", claims(expired)),
        ("wrong audience", claims(wrong_audience)),
        ("wrong issuer", claims(wrong_issuer)),
        ("a user that does not exist", claims(no_such_user)),
        ("not a token", "garbage".to_owned()),
    ] {
        for path in ["/api/v1/auth/me", "/api/v1/cabinet/organization", "/api/v1/backoffice/revisions"] {
            let response = raw(&app, Method::GET, path, Some(&token), None, None).await;
            assert_eq!(response.status(), 401, "{what} on {path}");
            assert_eq!(response.headers()["content-type"], "application/problem+json");
        }
    }
    let anonymous = raw(&app, Method::GET, "/api/v1/cabinet/organization", None, None, None).await;
    assert_eq!(anonymous.status(), 401);
    let forbidden = raw(&app, Method::GET, "/api/v1/backoffice/revisions", Some(&partner.token), None, None).await;
    assert_eq!(forbidden.status(), 403, "a partner is not a moderator");
}

pub async fn refresh(app: &TestApp, cookie: &str) -> reqwest::Response {
    app.http.post(format!("{}/api/v1/auth/refresh", app.address)).header("cookie", cookie).send().await.unwrap()
}

async fn reusing_a_rotated_refresh_token_ends_the_session(app: TestApp) {
    let partner = partner(&app, "refresh@example.org", "Фонд «Обновление»").await;
    let (access, first) = sign_in(&app, &partner.email).await;
    let rotated = refresh(&app, &first).await;
    assert_eq!(rotated.status(), 200);
    let second = refresh_cookie(&rotated);
    assert_ne!(first, second, "every refresh hands out a new token");
    let fresh_access: Value = rotated.json().await.unwrap();
    let fresh_access = fresh_access["access_token"].as_str().unwrap().to_owned();

    // Past the grace window another tab of the same browser has, a rotated token is a copy.
    crate::accounts::age_rotations(&app, chrono::Duration::minutes(5)).await;
    let reused = refresh(&app, &first).await;
    assert_eq!(reused.status(), 401, "an already-rotated token is refused");
    assert_eq!(refresh(&app, &second).await.status(), 401, "…and its whole family is revoked");
    assert_eq!(raw(&app, Method::GET, "/api/v1/auth/me", Some(&fresh_access), None, None).await.status(), 401, "so are its access tokens");
    assert_eq!(raw(&app, Method::GET, "/api/v1/auth/me", Some(&access), None, None).await.status(), 401);
    assert!(partner.client.me().await.is_ok(), "another session of the same user lives on");
    assert_eq!(refresh(&app, "socio_refresh=0123").await.status(), 401);
    assert_eq!(app.http.post(format!("{}/api/v1/auth/refresh", app.address)).send().await.unwrap().status(), 401);
}

async fn logout_and_a_password_change_end_sessions(app: TestApp) {
    let partner = partner(&app, "sessions@example.org", "Фонд «Сеансы»").await;
    let (laptop, laptop_cookie) = sign_in(&app, &partner.email).await;
    let logout = app.http.post(format!("{}/api/v1/auth/logout", app.address)).header("cookie", &laptop_cookie).send().await.unwrap();
    assert_eq!(logout.status(), 204);
    assert!(logout.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().contains("Max-Age=0")), "the cookie is removed");
    assert_eq!(refresh(&app, &laptop_cookie).await.status(), 401);
    assert_eq!(
        raw(&app, Method::GET, "/api/v1/auth/me", Some(&laptop), None, None).await.status(),
        401,
        "logout ends the access token too"
    );

    let (phone, phone_cookie) = sign_in(&app, &partner.email).await;
    let (desk, desk_cookie) = sign_in(&app, &partner.email).await;
    let wrong = app
        .client
        .with_token(&desk)
        .change_password(&PasswordChange {
            current_password: "не тот пароль вовсе".into(), new_password: "новый длинный пароль".into()
        })
        .await
        .unwrap_err();
    assert_eq!(wrong.problem().unwrap().errors[0].field, "current_password");
    let changed = app
        .client
        .with_token(&desk)
        .change_password(&PasswordChange {
            current_password: PASSWORD.into(), new_password: "зелёный слон идёт домой".into()
        })
        .await
        .unwrap();
    assert!(app.client.with_token(&changed.access_token).me().await.is_ok(), "this session goes on with the new token");
    assert_eq!(refresh(&app, &desk_cookie).await.status(), 200, "…and its cookie");
    assert_eq!(refresh(&app, &phone_cookie).await.status(), 401, "every other session ends");
    assert_eq!(raw(&app, Method::GET, "/api/v1/auth/me", Some(&phone), None, None).await.status(), 401);
    assert_eq!(raw(&app, Method::GET, "/api/v1/auth/me", Some(&partner.token), None, None).await.status(), 401);
    let old =
        raw(&app, Method::POST, "/api/v1/auth/login", None, Some(json!({ "email": partner.email, "password": PASSWORD })), None).await;
    assert_eq!(old.status(), 401, "the old password no longer works");
}

async fn a_password_is_reset_by_letter_once(app: TestApp) {
    let partner = partner(&app, "reset@example.org", "Фонд «Сброс»").await;
    app.client.request_password_reset("reset@example.org").await.unwrap();
    app.client.request_password_reset("nobody@example.org").await.unwrap();
    let letter =
        app.letters().into_iter().rev().find(|l| l.to.contains("reset@example.org") && l.subject.contains("Восстановление")).unwrap();
    assert!(!app.letters().iter().any(|l| l.to.contains("nobody")), "no letter to an unknown address, the same answer");
    let weak = app
        .client
        .reset_password(&NewPasswordWithToken { token: letter.token().unwrap(), password: "123456789012".into() })
        .await
        .unwrap_err();
    assert_eq!(weak.problem().unwrap().errors[0].field, "password");
    app.client
        .reset_password(&NewPasswordWithToken {
            token: letter.token().unwrap(), password: "жёлтый трамвай в Серове".into()
        })
        .await
        .unwrap();
    let again = app
        .client
        .reset_password(&NewPasswordWithToken {
            token: letter.token().unwrap(), password: "жёлтый трамвай в Серове".into()
        })
        .await;
    assert_eq!(status(again.unwrap_err()), 422, "a reset link works once");
    assert!(partner.client.me().await.is_err(), "a reset ends every session");
    let login = app.client.login(&Login { email: "reset@example.org".into(), password: "жёлтый трамвай в Серове".into() }).await;
    assert!(login.is_ok());
}

/// Every cabinet route with a record id, filled with A's records, called by B: 403 or 404 and
/// nothing changes. The routes come from the OpenAPI document, so a new route must be listed
/// here (with the kind of id it takes) or this test fails.
async fn a_partner_cannot_reach_another_organizations_records(app: TestApp) {
    let a = partner(&app, "a@example.org", "Фонд «А»").await;
    let b = partner(&app, "b@example.org", "Фонд «Б»").await;
    let location = a.client.create_location(&location_form("ул. Ленина, 1")).await.unwrap();
    let service = a.client.create_service(&service_form("Прокат колясок «А»", vec![location.id])).await.unwrap();
    a.client.submit(CabinetPath::Services, service.id).await.unwrap();
    let revision = a.client.cabinet_revisions(1).await.unwrap().items[0].id;
    // A's colleague, with an account (invitations are sent once a moderator approved A).
    let colleague = app
        .store
        .create_account(&socio_store::NewAccount {
            email: socio_domain::account::Email::parse("a2@example.org").unwrap(),
            password_hash: "!no-password".into(),
            display_name: "Коллега".into(),
            role: UserRole::Partner,
            organization_id: Some(a.organization_id),
            org_admin: false,
            email_confirmed: true,
        })
        .await
        .unwrap();
    let before = (a.client.cabinet_location(location.id).await.unwrap(), a.client.cabinet_service(service.id).await.unwrap());

    let document: Value = serde_json::from_str(&socio_api::openapi::document_json().unwrap()).unwrap();
    let bodies = json!({
        "locations": location_form("ул. Чужая, 2"),
        "services": service_form("Чужая услуга", vec![]),
        "reports": { "comment": "решено" },
        "colleagues": { "email": "x@example.org", "display_name": "X" },
    });
    let mut checked = 0;
    for (path, operations) in document["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/cabinet/") || !path.contains("{id}") {
            continue;
        }
        let kind = path.trim_start_matches("/api/v1/cabinet/").split('/').next().unwrap();
        let id = match kind {
            "locations" => location.id,
            "services" => service.id,
            "revisions" => revision,
            "reports" => 1,
            "colleagues" => colleague,
            other => panic!("{path}: a cabinet route over «{other}» ids; add it to this test with one of A's records"),
        };
        for method in operations.as_object().unwrap().keys() {
            let method: Method = method.to_uppercase().parse().unwrap();
            let body = matches!(method, Method::POST | Method::PUT).then(|| bodies.get(kind).cloned().unwrap_or(json!({})));
            let response = raw(&app, method.clone(), &path.replace("{id}", &id.to_string()), Some(&b.token), body, Some("\"v1\"")).await;
            assert!(matches!(response.status().as_u16(), 403 | 404), "{method} {path} by B: {}", response.status());
            checked += 1;
        }
    }
    assert!(checked >= 12, "only {checked} routes checked");
    let after = (a.client.cabinet_location(location.id).await.unwrap(), a.client.cabinet_service(service.id).await.unwrap());
    assert_eq!(before, after, "nothing of A's changed");
    assert_eq!(a.client.colleagues().await.unwrap().len(), 2);
    assert!(b.client.cabinet_list(CabinetPath::Services).await.unwrap().is_empty(), "B's lists show none of A's");
    assert!(b.client.cabinet_revisions(1).await.unwrap().items.is_empty());
    assert_eq!(b.client.cabinet_organization().await.unwrap().id, b.organization_id, "the organization routes act on one's own");
}

async fn of_two_edits_from_one_version_exactly_one_wins(app: TestApp) {
    let partner = partner(&app, "race@example.org", "Фонд «Гонка»").await;
    let location = partner.client.create_location(&location_form("ул. Ленина, 1")).await.unwrap();
    let draft = partner.client.create_service(&service_form("Прокат колясок", vec![location.id])).await.unwrap();
    let first = ServiceInput { name: "Прокат колясок — версия Анны".into(), ..draft.record.clone() };
    let second = ServiceInput { name: "Прокат колясок — версия Бориса".into(), ..draft.record.clone() };
    let (one, two) = tokio::join!(
        partner.client.save_service(draft.id, draft.version, &first),
        partner.client.save_service(draft.id, draft.version, &second)
    );
    let (winner, loser) = match (one, two) {
        (Ok(w), Err(l)) => (w, l),
        (Err(l), Ok(w)) => (w, l),
        (a, b) => panic!("exactly one must win: {:?} / {:?}", a.map(|e| e.record.name), b.map(|e| e.record.name)),
    };
    assert_eq!(status(loser), 412);
    let stored = partner.client.cabinet_service(draft.id).await.unwrap();
    assert_eq!(stored.record, winner.record, "the stored record is the winner's");
    assert_eq!(stored.version, draft.version + 1);

    let stale = partner.client.save_service(draft.id, draft.version, &first).await.unwrap_err();
    assert_eq!(status(stale), 412, "a stale version never overwrites");
    let path = format!("/api/v1/cabinet/services/{}", draft.id);
    let missing = raw(&app, Method::PUT, &path, Some(&partner.token), Some(serde_json::to_value(&first).unwrap()), None).await;
    assert_eq!(missing.status(), 428);
    let tagged = raw(&app, Method::GET, &path, Some(&partner.token), None, None).await;
    assert_eq!(tagged.headers()["etag"], format!("\"v{}\"", stored.version));
    assert_eq!(tagged.headers()["cache-control"], "no-store");
    let withdraw_stale = partner.client.withdraw(CabinetPath::Services, draft.id, draft.version).await.unwrap_err();
    assert_eq!(status(withdraw_stale), 412);
    assert_eq!(partner.client.cabinet_service(draft.id).await.unwrap().record, winner.record);
}

async fn every_bad_field_of_the_service_form_is_named(app: TestApp) {
    let partner = partner(&app, "form@example.org", "Фонд «Форма»").await;
    let location = partner.client.create_location(&location_form("ул. Ленина, 1")).await.unwrap();
    let good = serde_json::to_value(service_form("Прокат колясок", vec![location.id])).unwrap();
    let cases: Vec<(&str, Value, &str)> = vec![
        ("name", json!(""), "name"),
        ("name", json!("x".repeat(301)), "name"),
        ("name", json!("строка\u{0}с нулём"), "name"),
        ("summary", json!("коротко"), "summary"),
        ("description", json!("я".repeat(5001)), "description"),
        ("categories", json!([]), "categories"),
        ("categories", json!(["no-such-category"]), "categories[0]"),
        ("categories", json!(["tsr-rental", "tsr-rental"]), "categories[1]"),
        ("target_groups", json!(["Инвалиды"]), "target_groups[0]"),
        ("formats", json!([]), "formats"),
        ("formats", json!(["teleport"]), "formats[0]"),
        ("form_442", json!("hospital"), "form_442"),
        ("cost", json!("cheap"), "cost"),
        ("cost_note", json!("я".repeat(501)), "cost_note"),
        ("age_min", json!(130), "age_min"),
        ("age_min", json!(-1), "age_min"),
        ("age_max", json!("десять"), "age_max"),
        ("eligibility", json!("я".repeat(3001)), "eligibility"),
        ("documents", json!([""]), "documents[0]"),
        ("documents", json!(vec!["Паспорт"; 31]), "documents"),
        ("how_to_apply", json!("я".repeat(3001)), "how_to_apply"),
        ("contacts", json!({ "phone": "12345" }), "contacts.phone"),
        ("contacts", json!({ "email": "не почта" }), "contacts.email"),
        ("contacts", json!({ "website": "javascript:alert(1)" }), "contacts.website"),
        ("contacts", json!({ "website": "data:text/html,<script>" }), "contacts.website"),
        ("locations", json!([]), "locations"),
        ("locations", json!([999999]), "locations[0]"),
        ("municipalities", json!([]), "municipalities"),
        ("municipalities", json!(["moskva"]), "municipalities[0]"),
        ("unknown", json!(1), "unknown"),
    ];
    for (field, value, named) in cases {
        let mut body = good.clone();
        body[field] = value.clone();
        let response = raw(&app, Method::POST, "/api/v1/cabinet/services", Some(&partner.token), Some(body), None).await;
        assert_eq!(response.status(), 422, "{field} = {value}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        let problem: Value = response.json().await.unwrap();
        let fields: Vec<&str> = problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert!(fields.contains(&named), "{field} = {value}: {problem}");
        let detail = problem["errors"][0]["detail"].as_str().unwrap();
        assert!(detail.chars().any(|c| ('а'..='я').contains(&c)), "Russian detail: {detail}");
    }
    let mut age = good.clone();
    age["age_min"] = json!(10);
    age["age_max"] = json!(5);
    let problem: Value =
        raw(&app, Method::POST, "/api/v1/cabinet/services", Some(&partner.token), Some(age), None).await.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "age_max");
    let not_json = app
        .http
        .post(format!("{}/api/v1/cabinet/services", app.address))
        .bearer_auth(&partner.token)
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    assert!(partner.client.cabinet_list(CabinetPath::Services).await.unwrap().is_empty(), "nothing was stored");
}

async fn sign_in_attempts_are_rate_limited(app: TestApp) {
    let partner = partner(&app, "limits@example.org", "Фонд «Лимит»").await;
    let mut limited = None;
    for _ in 0..12 {
        let response = raw(
            &app,
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({ "email": partner.email, "password": "неправильный пароль" })),
            None,
        )
        .await;
        if response.status() == 429 {
            limited = Some(response);
            break;
        }
        assert_eq!(response.status(), 401);
    }
    let limited = limited.expect("the 11th attempt within 15 minutes is refused");
    let retry: u64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    assert_eq!(limited.headers()["content-type"], "application/problem+json");
    let problem: Value = limited.json().await.unwrap();
    assert_eq!(problem["code"], "too_many_requests");
    let right =
        raw(&app, Method::POST, "/api/v1/auth/login", None, Some(json!({ "email": partner.email, "password": PASSWORD })), None).await;
    assert_eq!(right.status(), 429, "the account stays locked for the window, even with the right password");
}

pub async fn eventually<T>(what: &str, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    for _ in 0..150 {
        if let Some(value) = check().await {
            return value;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what} did not happen within 15 s");
}

pub async fn search_slugs(client: &Client, q: &str) -> Vec<String> {
    let filter = ServiceFilter { q: Some(q.to_owned()), ..Default::default() };
    client.search(&SearchRequest { filter, ..Default::default() }).await.unwrap().items.into_iter().map(|h| h.service.slug).collect()
}

async fn a_new_service_is_published_after_approval_and_confirmed_fresh(app: TestApp) {
    let partner = partner(&app, "new@example.org", "Фонд «Новый»").await;
    let moderator = moderator(&app, "moderator@example.org").await;
    let location = partner.client.create_location(&location_form("ул. Заводская, 7")).await.unwrap();
    let draft = partner.client.create_service(&service_form("Прокат вертикализаторов", vec![location.id])).await.unwrap();
    assert_eq!(draft.status, ModerationStatus::Draft);
    assert!(app.client.service(&draft.slug).await.is_err(), "a draft is not public");
    partner.client.submit(CabinetPath::Locations, location.id).await.unwrap();
    partner.client.submit(CabinetPath::Services, draft.id).await.unwrap();
    partner.client.submit_cabinet_organization().await.unwrap();
    let queue = moderator.moderation_queue(1).await.unwrap();
    assert_eq!(queue.total, 3);
    let changes = &queue.items.iter().find(|r| r.entity_id == Some(draft.id)).unwrap().changes;
    assert!(changes.iter().any(|c| c.field == "name" && c.before.is_empty() && c.after == "Прокат вертикализаторов"), "{changes:?}");
    let named = |field: &str| changes.iter().find(|c| c.field == field).map(|c| c.after.clone()).unwrap_or_default();
    assert_eq!(named("municipalities"), "Серов", "codes are shown by name");
    assert_eq!(named("locations"), "Главный офис, ул. Заводская, 7");
    assert!(!named("categories").contains("tsr-rental") && !named("categories").is_empty(), "{}", named("categories"));
    approve_all(&moderator).await;

    let public = eventually("publication", async || app.client.service(&draft.slug).await.ok()).await;
    assert_eq!(public.locations.len(), 1, "the approved address is shown");
    assert_eq!(public.last_verified, Some(chrono::Utc::now().date_naive()), "an approved record was checked today");
    eventually("search", async || search_slugs(&app.client, "вертикализаторов").await.contains(&draft.slug).then_some(())).await;
    let organization = app.client.organization(&public.organization.slug).await.unwrap();
    assert_eq!(organization.services.len(), 1);

    let mut stale = partner.client.cabinet_service(draft.id).await.unwrap();
    assert!(!stale.stale);
    sea_orm::ConnectionTrait::execute_unprepared(
        app.db(),
        &format!("UPDATE services SET last_verified = '2025-01-15' WHERE id = {}", draft.id),
    )
    .await
    .unwrap();
    stale = partner.client.cabinet_service(draft.id).await.unwrap();
    assert!(stale.stale, "half a year without a confirmation");
    assert!(partner.client.cabinet_list(CabinetPath::Services).await.unwrap()[0].stale);
    let confirmed = partner.client.confirm_service(draft.id).await.unwrap();
    assert_eq!(confirmed.last_verified, Some(chrono::Utc::now().date_naive()));
    assert!(!confirmed.stale);
    assert_eq!(app.client.service(&draft.slug).await.unwrap().last_verified, Some(chrono::Utc::now().date_naive()));
}

/// A partner of an organization from the directory: registered with a claim, approved.
pub async fn claimant(app: &TestApp, moderator: &Client, email: &str, slug: &str) -> Partner {
    let me = app.client.register(&registration(email, None, Some(slug))).await.unwrap();
    assert!(me.organization.is_none() && me.claim_pending);
    confirm(app, email).await;
    let (token, _) = sign_in(app, email).await;
    let waiting = raw(app, Method::GET, "/api/v1/cabinet/organization", Some(&token), None, None).await;
    assert_eq!(waiting.status(), 403, "nothing to edit before the claim is approved");
    approve_all(moderator).await;
    let client = app.client.with_token(&token);
    let me = client.me().await.unwrap();
    Partner { client, token, email: email.to_owned(), organization_id: me.organization.unwrap().id }
}

async fn an_approved_address_edit_reaches_search_on_another_replica_and_a_withdrawal_leaves_it(app: TestApp) {
    let replica = app.spawn_replica().await;
    let moderator = moderator(&app, "moderator@example.org").await;
    let service = app.client.service("prokat-tsr-serov").await.unwrap();
    let organization = app.client.organization(&service.organization.slug).await.unwrap();
    let partner = claimant(&app, &moderator, "claim@example.org", &organization.slug).await;
    assert_eq!(partner.organization_id, organization.id);

    let address = service.locations[0].id;
    let current = partner.client.cabinet_location(address).await.unwrap();
    let moved =
        LocationInput { address: "ул. Гагарина, 5, Вертолётная площадка".into(), ..current.record.clone() };
    let saved = partner.client.save_location(address, current.version, &moved).await.unwrap();
    assert_eq!(saved.status, ModerationStatus::Published);
    assert_eq!(saved.revision.as_ref().map(|r| r.status), Some(RevisionStatus::Pending));
    assert!(saved.changes.iter().any(|c| c.field == "address"), "{:?}", saved.changes);
    let public = app.client.service("prokat-tsr-serov").await.unwrap();
    assert_eq!(public.locations[0].address, current.record.address, "the public version stays until approval");

    approve_all(&moderator).await;
    eventually("the new address on the replica", async || {
        search_slugs(&replica, "Вертолётная площадка").await.contains(&"prokat-tsr-serov".to_owned()).then_some(())
    })
    .await;
    assert_eq!(replica.service("prokat-tsr-serov").await.unwrap().locations[0].address, moved.address);

    let record = partner.client.cabinet_service(service.id).await.unwrap();
    partner.client.withdraw(CabinetPath::Services, service.id, record.version).await.unwrap();
    eventually("the withdrawal on the replica", async || {
        (!search_slugs(&replica, "Вертолётная площадка").await.contains(&"prokat-tsr-serov".to_owned())).then_some(())
    })
    .await;
    assert!(replica.service("prokat-tsr-serov").await.is_err());
    // Each replica's index follows the change log on its own: this one may be a poll behind.
    eventually("the withdrawal on this replica", async || {
        (!search_slugs(&app.client, "ТСР").await.contains(&"prokat-tsr-serov".to_owned())).then_some(())
    })
    .await;
}

async fn two_moderators_cannot_apply_one_revision_twice(app: TestApp) {
    let partner = partner(&app, "twice@example.org", "Фонд «Дважды»").await;
    let (first, second) = (moderator(&app, "m1@example.org").await, moderator(&app, "m2@example.org").await);
    partner.client.submit_cabinet_organization().await.unwrap();
    let id = first.moderation_queue(1).await.unwrap().items[0].id;
    let decision = ReviewDecision::default();
    let (one, two) = tokio::join!(first.approve_revision(id, 1, &decision), second.approve_revision(id, 1, &decision));
    let outcomes = [one.map(|_| 200).unwrap_or_else(status), two.map(|_| 200).unwrap_or_else(status)];
    assert!(outcomes.contains(&200) && outcomes.contains(&409), "{outcomes:?}");
    let rejected = first.reject_revision(id, 1, &Rejection { comment: "поздно".into() }).await.unwrap_err();
    assert_eq!(status(rejected), 409);
    let audit: Vec<(String,)> = {
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
        socio_store::entity::audit_log::Entity::find()
            .select_only()
            .column(socio_store::entity::audit_log::Column::Action)
            .filter(socio_store::entity::audit_log::Column::Action.eq("approve"))
            .into_tuple()
            .all(app.db())
            .await
            .unwrap()
    };
    assert_eq!(audit.len(), 1, "applied once");
    assert_eq!(partner.client.me().await.unwrap().organization.unwrap().status, ModerationStatus::Published);
}

async fn a_rejection_keeps_the_public_version_and_tells_the_partner_why(app: TestApp) {
    let moderator = moderator(&app, "moderator@example.org").await;
    let service = app.client.service("prokat-tsr-serov").await.unwrap();
    let partner = claimant(&app, &moderator, "reject@example.org", &service.organization.slug).await;
    let current = partner.client.cabinet_service(service.id).await.unwrap();
    let proposal = ServiceInput { name: "Прокат ТСР — бесплатно навсегда".into(), ..current.record.clone() };
    partner.client.save_service(service.id, current.version, &proposal).await.unwrap();
    let id = moderator.moderation_queue(1).await.unwrap().items[0].id;
    let without = moderator.reject_revision(id, 1, &Rejection { comment: "   ".into() }).await.unwrap_err();
    assert_eq!(without.problem().unwrap().errors[0].field, "comment", "a rejection needs a comment");
    moderator.reject_revision(id, 1, &Rejection { comment: "Уточните условия: бесплатно только для инвалидов".into() }).await.unwrap();
    let seen = partner.client.cabinet_revisions(1).await.unwrap();
    assert_eq!(seen.items[0].status, RevisionStatus::Rejected);
    assert_eq!(partner.client.cabinet_revision(id).await.unwrap(), moderator.moderation_revision(id).await.unwrap());
    assert!(seen.items[0].changes.iter().any(|c| c.field == "name" && c.after == "Прокат ТСР — бесплатно навсегда"));
    assert_eq!(seen.items[0].review_comment.as_deref(), Some("Уточните условия: бесплатно только для инвалидов"));
    let record = partner.client.cabinet_service(service.id).await.unwrap();
    assert_eq!(record.record.name, service.name, "the form shows the public version again");
    assert!(partner.client.cabinet_list(CabinetPath::Services).await.unwrap().iter().any(|i| i.id == service.id && i.rejected_revision));
    assert_eq!(app.client.service("prokat-tsr-serov").await.unwrap().name, service.name);
}

async fn reports_reach_the_partner_and_views_are_counted(app: TestApp) {
    let moderator = moderator(&app, "moderator@example.org").await;
    let service = app.client.service("prokat-tsr-serov").await.unwrap();
    for _ in 0..3 {
        app.client.service("prokat-tsr-serov").await.unwrap();
    }
    let partner = claimant(&app, &moderator, "reports@example.org", &service.organization.slug).await;
    let report = socio_domain::api::NewReport {
        subject: socio_domain::api::ReportSubject::Service,
        slug: "prokat-tsr-serov".into(),
        problem: socio_domain::api::ReportProblem::WrongPhone,
        message: "Не отвечают".into(),
    };
    let receipt = app.client.file_report(&report).await.unwrap();
    let reports = partner.client.cabinet_reports().await.unwrap();
    assert_eq!(reports.iter().map(|r| r.id).collect::<Vec<_>>(), [receipt.id]);
    assert_eq!(reports[0].title, service.name);
    assert_eq!(status(partner.client.resolve_report(receipt.id, " ").await.unwrap_err()), 422);
    partner.client.resolve_report(receipt.id, "Исправили номер").await.unwrap();
    assert_eq!(status(partner.client.resolve_report(receipt.id, "ещё раз").await.unwrap_err()), 409);
    assert_eq!(partner.client.cabinet_reports().await.unwrap()[0].resolution_comment.as_deref(), Some("Исправили номер"));

    let views = eventually("the view counters", async || {
        let stats = partner.client.cabinet_statistics().await.unwrap();
        stats.into_iter().find(|s| s.service_id == service.id && s.total == 4)
    })
    .await;
    assert_eq!(views.days.len(), 1);
    assert_eq!(views.days[0].day, chrono::Utc::now().date_naive());
}

async fn colleagues_are_invited_and_removed(app: TestApp) {
    let admin = partner(&app, "admin@example.org", "Фонд «Команда»").await;
    admin.client.submit_cabinet_organization().await.unwrap();
    approve_all(&moderator(&app, "moderator@example.org").await).await;
    admin.client.invite_colleague(&Invitation { email: "colleague@example.org".into(), display_name: "Борис".into() }).await.unwrap();
    let letter = app.letters().into_iter().rev().find(|l| l.to.contains("colleague@example.org")).unwrap();
    assert!(letter.body.contains("Фонд «Команда»"), "{}", letter.body);
    app.client.accept_invitation(&NewPasswordWithToken { token: letter.token().unwrap(), password: PASSWORD.into() }).await.unwrap();
    let (token, _) = sign_in(&app, "colleague@example.org").await;
    let colleague = app.client.with_token(&token);
    assert_eq!(colleague.cabinet_organization().await.unwrap().id, admin.organization_id, "the colleague works in the same cabinet");
    let forbidden = colleague.invite_colleague(&Invitation { email: "third@example.org".into(), display_name: "Третий".into() }).await;
    assert_eq!(status(forbidden.unwrap_err()), 403, "only the cabinet's admin invites");
    let id = colleague.me().await.unwrap().id;
    assert_eq!(status(admin.client.remove_colleague(admin.client.me().await.unwrap().id).await.unwrap_err()), 409);
    admin.client.remove_colleague(id).await.unwrap();
    assert_eq!(status(colleague.me().await.unwrap_err()), 401, "a removed colleague is signed out at once");
    assert_eq!(admin.client.colleagues().await.unwrap().len(), 1);
}

async fn stale_records_are_reminded_of_once_a_month(app: TestApp) {
    let moderator = moderator(&app, "moderator@example.org").await;
    let service = app.client.service("prokat-tsr-serov").await.unwrap();
    let partner = claimant(&app, &moderator, "stale@example.org", &service.organization.slug).await;
    let old = format!("UPDATE services SET last_verified = '2025-01-15' WHERE id = {}", service.id);
    sea_orm::ConnectionTrait::execute_unprepared(app.db(), &old).await.unwrap();
    let mail = socio_api::mail::Outgoing {
        mailer: socio_api::mail::Mailer::Outbox(app.outbox()),
        from: "Социальный кластер <noreply@example.org>".to_owned(),
        public_url: "http://localhost:8080".to_owned(),
        letters: Default::default(),
    };
    let sent = socio_api::reminders::remind_stale(&app.store, &mail).await.unwrap();
    assert!(sent >= 1);
    let letter = app.letters().into_iter().rev().find(|l| l.to.contains(&partner.email)).unwrap();
    assert!(letter.body.contains(&service.name), "{}", letter.body);
    assert!(letter.body.contains("Данные актуальны"));
    let before = app.letters().len();
    socio_api::reminders::remind_stale(&app.store, &mail).await.unwrap();
    assert_eq!(app.letters().len(), before, "no second reminder in the same month");
    let listed = partner.client.cabinet_list(CabinetPath::Services).await.unwrap();
    assert!(listed.iter().take_while(|i| i.stale).any(|i| i.id == service.id), "stale records come first in the cabinet");
}
