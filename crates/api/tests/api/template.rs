//! The partner's bulk upload: the template for Excel, a dry run that writes nothing, a real
//! upload through the cabinet's flow (drafts sent to moderation), the same file again changing
//! nothing, every mistake by row and column with nothing written, and each organization only
//! ever touching its own services.

use socio_client::CabinetPath;

use crate::{
    cabinet::{location_form, moderator, partner},
    helpers::TestApp,
    on_both_databases,
};

on_both_databases!(a_partner_uploads_services_from_the_template_all_or_nothing_and_twice_changes_nothing);

async fn upload(app: &TestApp, token: &str, body: Vec<u8>, dry_run: bool) -> reqwest::Response {
    app.http
        .post(format!("{}/api/v1/cabinet/import?dry_run={dry_run}", app.address))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap()
}

/// A template as Excel on a Russian Windows saves it: Windows-1251, `;` between cells.
fn excel(rows: &[[&str; 10]]) -> Vec<u8> {
    let mut text = String::from("Код;Название;Кратко;Категории;Кому помогаем;Как получить;Стоимость;Города;Адреса;Телефон\r\n");
    for row in rows {
        text.push_str(&row.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(";"));
        text.push_str("\r\n");
    }
    encoding_rs::WINDOWS_1251.encode(&text).0.into_owned()
}

async fn a_partner_uploads_services_from_the_template_all_or_nothing_and_twice_changes_nothing(app: TestApp) {
    let partner = partner(&app, "bulk@example.org", "Фонд «Много услуг»").await;
    partner.client.create_location(&location_form("ул. Заводская, 7")).await.unwrap();
    let template =
        app.http.get(format!("{}/api/v1/cabinet/import/template", app.address)).bearer_auth(&partner.token).send().await.unwrap();
    assert_eq!(template.status(), 200);
    assert!(template.text().await.unwrap().starts_with("\u{feff}\"Код\";\"Название\";\"Кратко\""));

    let rows = [
        [
            "R-1",
            "Прокат колясок",
            "Даём коляску на время, пока оформляется своя",
            "Прокат ТСР",
            "Люди с инвалидностью",
            "Очно",
            "Бесплатно",
            "Серов",
            "ул. Заводская, 7",
            "+7 343 000-00-55",
        ],
        [
            "R-2",
            "Консультация юриста",
            "Помогаем составить заявление и жалобу",
            "Бесплатная юридическая помощь",
            "Пенсионеры и пожилые люди",
            "По телефону",
            "бесплатно",
            "Серов",
            "",
            "",
        ],
    ];
    let file = excel(&rows);
    let dry = upload(&app, &partner.token, file.clone(), true).await;
    assert_eq!(dry.status(), 200, "{}", dry.text().await.unwrap());
    let dry: serde_json::Value = dry.json().await.unwrap();
    assert_eq!((dry["dry_run"].as_bool(), dry["created"].as_u64()), (Some(true), Some(2)));
    assert!(partner.client.cabinet_list(CabinetPath::Services).await.unwrap().is_empty(), "a dry run writes nothing");

    let real: serde_json::Value = upload(&app, &partner.token, file.clone(), false).await.json().await.unwrap();
    assert_eq!((real["created"].as_u64(), real["updated"].as_u64()), (Some(2), Some(0)));
    let listed = partner.client.cabinet_list(CabinetPath::Services).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|s| s.status == socio_domain::vocabulary::ModerationStatus::Pending), "sent to moderation");
    let moderator = moderator(&app, "moderator@example.org").await;
    assert!(moderator.moderation_queue(1).await.unwrap().total >= 2);

    let again: serde_json::Value = upload(&app, &partner.token, file, false).await.json().await.unwrap();
    assert_eq!((again["created"].as_u64(), again["updated"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(0), Some(2)));
    let mut changed = rows;
    changed[1][2] = "Помогаем составить заявление, жалобу и иск";
    let edited: serde_json::Value = upload(&app, &partner.token, excel(&changed), false).await.json().await.unwrap();
    assert_eq!((edited["created"].as_u64(), edited["updated"].as_u64(), edited["unchanged"].as_u64()), (Some(0), Some(1), Some(1)));
    assert_eq!(partner.client.cabinet_list(CabinetPath::Services).await.unwrap().len(), 2, "the code keeps it one service");

    // Every mistake named by row and column; not even the good row is written.
    let mut bad = rows;
    bad[0][0] = "R-3";
    bad[1] = [
        "R-4",
        "Ещё услуга",
        "Описание одним предложением",
        "Плавание в космосе",
        "Пенсионеры и пожилые люди",
        "Очно",
        "Бесплатно",
        "Серов",
        "ул. Несуществующая, 1",
        "12345",
    ];
    let refused = upload(&app, &partner.token, excel(&bad), false).await;
    assert_eq!(refused.status(), 422);
    let problem: socio_domain::api::Problem = refused.json().await.unwrap();
    let fields: Vec<&str> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert!(fields.contains(&"шаблон.csv:3:Категории") && fields.contains(&"шаблон.csv:3:Адреса"), "{fields:?}");
    assert!(problem.errors.iter().all(|e| e.detail.starts_with("Строка 3")), "{:?}", problem.errors);
    assert_eq!(partner.client.cabinet_list(CabinetPath::Services).await.unwrap().len(), 2, "nothing of a refused file is written");
    let table = app
        .http
        .post(format!("{}/api/v1/cabinet/import?dry_run=true&answer=csv", app.address))
        .bearer_auth(&partner.token)
        .body(excel(&bad))
        .send()
        .await
        .unwrap();
    assert_eq!(table.headers()["content-type"], "text/csv; charset=utf-8");
    let table = table.text().await.unwrap();
    assert!(table.starts_with("\u{feff}Файл,Строка,Столбец,Что не так\r\n") && table.contains("шаблон.csv,3,Категории,"), "{table}");
    let phone = upload(
        &app,
        &partner.token,
        excel(&[[
            "R-5",
            "Ещё услуга",
            "Описание одним предложением",
            "Прокат ТСР",
            "Пенсионеры и пожилые люди",
            "Очно",
            "Бесплатно",
            "Серов",
            "",
            "12345",
        ]]),
        false,
    )
    .await;
    let problem: socio_domain::api::Problem = phone.json().await.unwrap();
    assert!(problem.errors.iter().any(|e| e.field == "шаблон.csv:2:Телефон"), "{:?}", problem.errors);

    // Bounded, and each organization only ever reaches its own services.
    let huge = upload(&app, &partner.token, vec![b'a'; 3 * 1024 * 1024], false).await;
    assert_eq!(huge.status(), 400);
    let problem: socio_domain::api::Problem = huge.json().await.unwrap();
    assert!(problem.detail.contains("2 МБ"), "{}", problem.detail);
    let other = crate::cabinet::partner(&app, "other@example.org", "Фонд «Другой»").await;
    let theirs: serde_json::Value = upload(&app, &other.token, excel(&[rows[1]]), false).await.json().await.unwrap();
    assert_eq!(theirs["created"].as_u64(), Some(1), "the same code in another organization is another service");
    assert_eq!(partner.client.cabinet_list(CabinetPath::Services).await.unwrap().len(), 2);
    let anonymous = app.http.post(format!("{}/api/v1/cabinet/import", app.address)).body("x").send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
}
