use socio_domain::api::{OrganizationFilter, ServiceFilter};
use socio_store::seed;

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(seeding_twice_changes_nothing, synthetic_services_are_added_and_replaced);

async fn seeding_twice_changes_nothing(app: TestApp) {
    let before = app.client.meta().await.unwrap();
    let first = app.client.services(&ServiceFilter::default()).await.unwrap().items.remove(0);
    let detail = app.client.service(&first.slug).await.unwrap();
    seed::seed_demo(&app.store).await.unwrap();
    assert_eq!(app.client.meta().await.unwrap(), before);
    assert_eq!(app.client.service(&first.slug).await.unwrap(), detail, "same ids, same content");
}

async fn synthetic_services_are_added_and_replaced(app: TestApp) {
    let demo = app.client.meta().await.unwrap().counts;
    seed::seed_synthetic(&app.store, 250).await.unwrap();
    let once = app.client.meta().await.unwrap().counts;
    assert_eq!(once.services, demo.services + 250);
    seed::seed_synthetic(&app.store, 250).await.unwrap();
    let twice = app.client.meta().await.unwrap().counts;
    assert_eq!(twice, once, "a second run replaces, not adds");
    // Words are answered by the search index, which catches up with the database within moments.
    let mut synthetic = 0;
    for _ in 0..150 {
        synthetic = app.client.services(&ServiceFilter { q: Some("синтетическая".into()), ..Default::default() }).await.unwrap().total;
        if synthetic == 250 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(synthetic, 250);
    let orgs = app.client.organizations(&OrganizationFilter { q: Some("синтетический центр".into()), ..Default::default() }).await.unwrap();
    assert!(orgs.total > 0);
    // New records after a bulk load with explicit ids still get fresh ids.
    seed::seed_demo(&app.store).await.unwrap();
}
