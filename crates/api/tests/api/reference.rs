use socio_domain::vocabulary::SocioCentreStatus;

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(
    municipalities_are_the_fourteen_cities_with_their_centres,
    the_taxonomy_is_two_levels_deep,
    target_groups_are_listed_in_order,
    open_socio_centres_come_first
);

async fn municipalities_are_the_fourteen_cities_with_their_centres(app: TestApp) {
    let cities = app.client.municipalities().await.unwrap();
    assert_eq!(cities.len(), 14);
    assert_eq!(cities[0].slug, "ekaterinburg");
    assert_eq!(cities[0].name, "Екатеринбург");
    let centre = cities[0].socio_centre.as_ref().unwrap();
    assert_eq!(centre.status, SocioCentreStatus::Open);
    assert!(centre.address.as_deref().unwrap().contains("Малышева"));
    assert!(cities.iter().all(|c| c.socio_centre.is_some()));
    assert!(cities.iter().any(|c| c.slug == "serov" && c.name == "Серов"));
}

async fn the_taxonomy_is_two_levels_deep(app: TestApp) {
    let groups = app.client.categories().await.unwrap();
    assert!(groups.len() >= 8, "{} groups", groups.len());
    let social = groups.iter().find(|g| g.slug == "social-services").unwrap();
    assert!(social.children.iter().any(|c| c.slug == "household" && c.name == "Социально-бытовые услуги"));
    assert!(groups.iter().all(|g| !g.children.is_empty()));
}

async fn target_groups_are_listed_in_order(app: TestApp) {
    let groups = app.client.target_groups().await.unwrap();
    assert_eq!(groups.len(), 16);
    assert_eq!(groups[0].slug, "disabled");
    assert_eq!(groups[0].name, "Люди с инвалидностью");
}

async fn open_socio_centres_come_first(app: TestApp) {
    let centres = app.client.socio_centres().await.unwrap();
    assert_eq!(centres.len(), 14);
    assert_eq!(centres[0].status, SocioCentreStatus::Open);
    assert_eq!(centres[0].municipality.slug, "ekaterinburg");
    assert!(centres[1..].iter().all(|c| c.status == SocioCentreStatus::Planned && c.address.is_none()));
}
