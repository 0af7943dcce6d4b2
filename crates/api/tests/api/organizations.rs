use std::collections::HashSet;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use socio_domain::{
    Slug,
    api::{OrganizationFilter, PageRequest},
    vocabulary::{OrganizationKind, Sector},
};
use socio_store::entity::organization;

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(
    organizations_of_a_city_have_an_address_there,
    kind_and_sector_filters_match,
    an_organization_profile_shows_locations_and_published_services,
    unpublished_organizations_stay_invisible,
    bad_organization_parameters_are_named,
);

async fn organizations_of_a_city_have_an_address_there(app: TestApp) {
    for city in app.client.municipalities().await.unwrap() {
        let page = app
            .client
            .organizations(&OrganizationFilter {
                municipality: Slug::parse(&city.slug).ok(),
                page: PageRequest { page: 1, per_page: 100 },
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(page.total >= 3, "{} has {} organizations", city.slug, page.total);
        for org in page.items {
            assert!(org.municipalities.iter().any(|m| m.slug == city.slug), "{} in {}", org.slug, city.slug);
        }
    }
}

async fn kind_and_sector_filters_match(app: TestApp) {
    let ngos = app
        .client
        .organizations(&OrganizationFilter {
            kind: Some(OrganizationKind::Ngo),
            page: PageRequest { page: 1, per_page: 100 },
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(ngos.total > 0 && ngos.items.iter().all(|o| o.kind == OrganizationKind::Ngo));
    let employment = app
        .client
        .organizations(&OrganizationFilter {
            sector: Some(Sector::Employment),
            page: PageRequest { page: 1, per_page: 100 },
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(employment.total >= 14, "a job centre in every city: {}", employment.total);
    assert!(employment.items.iter().all(|o| o.sector == Sector::Employment));
    let text = app.client.organizations(&OrganizationFilter { q: Some("центр занятости".into()), ..Default::default() }).await.unwrap();
    assert!(text.total > 0);
}

async fn an_organization_profile_shows_locations_and_published_services(app: TestApp) {
    let listed = app
        .client
        .organizations(&OrganizationFilter { municipality: Slug::parse("asbest").ok(), ..Default::default() })
        .await
        .unwrap()
        .items;
    for summary in listed {
        let by_slug = app.client.organization(&summary.slug).await.unwrap();
        assert_eq!(by_slug, app.client.organization(&summary.id.to_string()).await.unwrap());
        assert!(!by_slug.locations.is_empty());
        let cities: HashSet<&str> = by_slug.locations.iter().map(|l| l.municipality.slug.as_str()).collect();
        assert!(cities.contains("asbest"));
        assert!(by_slug.services.iter().all(|s| s.organization.id == by_slug.id));
    }
}

async fn unpublished_organizations_stay_invisible(app: TestApp) {
    let drafts = organization::Entity::find().filter(organization::Column::Status.ne("published")).all(app.db()).await.unwrap();
    assert_eq!(drafts.len(), 2);
    let all =
        app.client.organizations(&OrganizationFilter { page: PageRequest { page: 1, per_page: 100 }, ..Default::default() }).await.unwrap();
    let mut listed: HashSet<i64> = all.items.iter().map(|o| o.id).collect();
    for page in 2..=all.pages {
        let more = app
            .client
            .organizations(&OrganizationFilter { page: PageRequest { page, per_page: 100 }, ..Default::default() })
            .await
            .unwrap();
        listed.extend(more.items.iter().map(|o| o.id));
    }
    for draft in drafts {
        assert!(!listed.contains(&draft.id));
        app.get_problem(&format!("/api/v1/organizations/{}", draft.slug), 404).await;
        app.get_problem(&format!("/api/v1/organizations/{}", draft.id), 404).await;
    }
}

async fn bad_organization_parameters_are_named(app: TestApp) {
    for (query, field) in [
        ("kind=alien", "kind"),
        ("sector=space", "sector"),
        ("municipality=moscow", "municipality"),
        ("per_page=1000", "per_page"),
        ("city=serov", "city"),
    ] {
        let problem = app.get_problem(&format!("/api/v1/organizations?{query}"), 400).await;
        assert_eq!(problem.errors[0].field, field, "{query}");
    }
    app.get_problem("/api/v1/organizations/Not%20A%20Slug", 400).await;
    app.get_problem("/api/v1/organizations/no-such-organization", 404).await;
}
