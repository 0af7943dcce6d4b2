use socio_domain::api::{OrganizationFilter, ServiceFilter, SituationFilter};

use crate::{helpers::TestApp, on_both_databases};

on_both_databases!(meta_marks_the_demo_dataset_and_counts_what_the_lists_show);

async fn meta_marks_the_demo_dataset_and_counts_what_the_lists_show(app: TestApp) {
    let meta = app.client.meta().await.unwrap();
    assert!(meta.demo, "the seeded dataset is the demo");
    assert!(meta.dataset.unwrap().contains("вымышлены"));
    assert_eq!(meta.counts.municipalities, 14);
    assert_eq!(meta.counts.services, app.client.services(&ServiceFilter::default()).await.unwrap().total);
    assert_eq!(meta.counts.organizations, app.client.organizations(&OrganizationFilter::default()).await.unwrap().total);
    assert_eq!(meta.counts.situations, app.client.situations(&SituationFilter::default()).await.unwrap().total);
    assert!(meta.counts.services >= 200 && meta.counts.organizations >= 60 && meta.counts.situations >= 12, "{:?}", meta.counts);
}
