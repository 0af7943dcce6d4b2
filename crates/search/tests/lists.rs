//! The lists without words answered by the index, against the database's SQL lists they replace,
//! over the demo data and the demo data with a synthetic set: for every filter the API documents,
//! alone with each of its values and in pairs, the same total and the same records, serialized
//! byte for byte, in the index's order and on any page. The index orders services and
//! organizations by the folded name (case and «ё» do not count), the SQL by the database's own
//! collation (SQLite: code points), so the SQL side is put in the index's order before comparing;
//! situations are in the editors' order on both.

use socio_domain::{
    Slug,
    api::{OrganizationFilter, PageRequest, ServiceFilter, SituationFilter},
    text::fold,
    vocabulary::{Cost, OrganizationKind, Sector, ServiceFormat},
};
use socio_search::SearchIndex;
use socio_store::{
    Store,
    seed::{seed_demo, seed_synthetic},
};

/// The demo data, plus `synthetic` generated services, in a fresh SQLite, and its index.
async fn dataset(synthetic: usize) -> (Store, SearchIndex) {
    let store = Store::connect("sqlite::memory:").await.unwrap_or_else(|e| panic!("SQLite in memory: {e}"));
    store.migrate().await.unwrap_or_else(|e| panic!("migrations: {e}"));
    seed_demo(&store).await.unwrap_or_else(|e| panic!("the demo seed: {e}"));
    if synthetic > 0 {
        seed_synthetic(&store, synthetic).await.unwrap_or_else(|e| panic!("the synthetic seed: {e}"));
    }
    let catalogue = store.catalogue().await.unwrap_or_else(|e| panic!("reference data: {e}"));
    let feed = store.search_feed(None).await.unwrap_or_else(|e| panic!("the feed: {e}"));
    let index = SearchIndex::build(&catalogue, feed).unwrap_or_else(|e| panic!("the index: {e}"));
    (store, index)
}

const EVERYTHING: PageRequest = PageRequest { page: 1, per_page: 100_000 };

fn json<T: serde::Serialize>(items: &[T]) -> Vec<String> {
    items.iter().map(|item| serde_json::to_string(item).unwrap_or_else(|e| panic!("serializing: {e}"))).collect()
}

/// Pages that cut the list in odd places: the first, one in the middle, one past the end.
fn pages(total: u64) -> Vec<PageRequest> {
    let per_page = 7;
    let last = u32::try_from(total.div_ceil(7)).unwrap_or(1).max(1);
    vec![PageRequest { page: 1, per_page }, PageRequest { page: last.div_ceil(2), per_page }, PageRequest { page: last + 1, per_page }]
}

fn slice<T: Clone>(all: &[T], page: PageRequest) -> Vec<T> {
    all.iter().skip(usize::try_from(page.offset()).unwrap_or(usize::MAX)).take(page.per_page as usize).cloned().collect()
}

/// A filter with one field set.
fn with(set: impl FnOnce(&mut ServiceFilter)) -> ServiceFilter {
    let mut filter = ServiceFilter::default();
    set(&mut filter);
    filter
}

/// The fields set in either of two filters.
fn both(a: &ServiceFilter, b: &ServiceFilter) -> ServiceFilter {
    ServiceFilter {
        municipality: a.municipality.clone().or_else(|| b.municipality.clone()),
        category: a.category.clone().or_else(|| b.category.clone()),
        target_group: a.target_group.clone().or_else(|| b.target_group.clone()),
        format: a.format.or(b.format),
        cost: a.cost.or(b.cost),
        age: a.age.or(b.age),
        organization: a.organization.clone().or_else(|| b.organization.clone()),
        q: None,
        page: a.page,
    }
}

/// Every documented service filter with each of its values, alone, and every pair of filters
/// with up to three values of each.
async fn service_filters(store: &Store, index: &SearchIndex) -> Vec<ServiceFilter> {
    let catalogue = store.catalogue().await.unwrap_or_else(|e| panic!("reference data: {e}"));
    let slug = |s: &str| Slug::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    let (organizations, _) =
        index.organizations(&OrganizationFilter { page: EVERYTHING, ..OrganizationFilter::default() }).unwrap_or_else(|e| panic!("{e}"));
    let categories = catalogue.categories.iter().flat_map(|g| std::iter::once(&g.slug).chain(g.children.iter().map(|c| &c.slug)));
    let dimensions: Vec<Vec<ServiceFilter>> = vec![
        catalogue.municipalities.iter().map(|m| with(|f| f.municipality = Some(slug(&m.slug)))).collect(),
        categories.map(|c| with(|f| f.category = Some(slug(c)))).collect(),
        catalogue.target_groups.iter().map(|t| with(|f| f.target_group = Some(slug(&t.slug)))).collect(),
        ServiceFormat::ALL.iter().map(|&v| with(|f| f.format = Some(v))).collect(),
        Cost::ALL.iter().map(|&v| with(|f| f.cost = Some(v))).collect(),
        [0u8, 3, 7, 16, 18, 35, 60, 70, 120].into_iter().map(|v| with(|f| f.age = Some(v))).collect(),
        organizations.iter().step_by((organizations.len() / 12).max(1)).map(|o| with(|f| f.organization = Some(slug(&o.slug)))).collect(),
    ];
    let mut filters = vec![ServiceFilter::default()];
    filters.extend(dimensions.iter().flatten().cloned());
    for (i, first) in dimensions.iter().enumerate() {
        for second in &dimensions[i + 1..] {
            for a in first.iter().take(3) {
                for b in second.iter().rev().take(3) {
                    filters.push(both(a, b));
                }
            }
        }
    }
    filters
}

async fn services_agree(synthetic: usize) {
    let (store, index) = dataset(synthetic).await;
    let filters = service_filters(&store, &index).await;
    let mut nonempty = 0;
    for filter in filters {
        let everything = ServiceFilter { page: EVERYTHING, ..filter.clone() };
        let (mut expected, sql_total) = store.list_services(&everything).await.unwrap_or_else(|e| panic!("{filter:?}: {e}"));
        expected.sort_by(|a, b| fold(&a.name).cmp(&fold(&b.name)).then(a.id.cmp(&b.id)));
        let (all, total) = index.services(&everything).unwrap_or_else(|e| panic!("{filter:?}: {e}"));
        assert_eq!(total, sql_total, "{filter:?}: the totals");
        assert_eq!(json(&all), json(&expected), "{filter:?}: the records, in order");
        for page in pages(total) {
            let (items, total) = index.services(&ServiceFilter { page, ..filter.clone() }).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(total, sql_total);
            assert_eq!(json(&items), json(&slice(&expected, page)), "{filter:?}, {page:?}");
        }
        nonempty += usize::from(total > 0);
    }
    assert!(nonempty > 100, "most filters find something ({nonempty})");
}

#[tokio::test]
async fn service_lists_agree_with_the_database_on_the_demo_data() {
    services_agree(0).await;
}

#[tokio::test]
async fn service_lists_agree_with_the_database_on_a_synthetic_set() {
    services_agree(3_000).await;
}

#[tokio::test]
async fn organization_and_situation_lists_agree_with_the_database() {
    for synthetic in [0, 1_000] {
        let (store, index) = dataset(synthetic).await;
        let catalogue = store.catalogue().await.unwrap_or_else(|e| panic!("reference data: {e}"));
        let slug = |s: &str| Slug::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        let mut organization_filters = vec![OrganizationFilter::default()];
        for municipality in catalogue.municipalities.iter().map(|m| Some(slug(&m.slug))).chain([None]) {
            for kind in OrganizationKind::ALL.iter().map(|&k| Some(k)).chain([None]) {
                for sector in Sector::ALL.iter().map(|&s| Some(s)).chain([None]) {
                    organization_filters.push(OrganizationFilter {
                        municipality: municipality.clone(),
                        kind,
                        sector,
                        ..OrganizationFilter::default()
                    });
                }
            }
        }
        for filter in organization_filters {
            let everything = OrganizationFilter { page: EVERYTHING, ..filter.clone() };
            let (mut expected, sql_total) = store.list_organizations(&everything).await.unwrap_or_else(|e| panic!("{filter:?}: {e}"));
            expected.sort_by(|a, b| fold(&a.name).cmp(&fold(&b.name)).then(a.id.cmp(&b.id)));
            let (all, total) = index.organizations(&everything).unwrap_or_else(|e| panic!("{filter:?}: {e}"));
            assert_eq!(total, sql_total, "{filter:?}: the totals");
            assert_eq!(json(&all), json(&expected), "{filter:?}: the records, in order");
            for page in pages(total) {
                let (items, _) = index.organizations(&OrganizationFilter { page, ..filter.clone() }).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(json(&items), json(&slice(&expected, page)), "{filter:?}, {page:?}");
            }
        }
        let groups = catalogue.target_groups.iter().map(|t| Some(slug(&t.slug))).chain([None]);
        let categories: Vec<Option<Slug>> = catalogue
            .categories
            .iter()
            .flat_map(|g| std::iter::once(g.slug.clone()).chain(g.children.iter().map(|c| c.slug.clone())))
            .map(|s| Some(slug(&s)))
            .chain([None])
            .collect();
        for target_group in groups {
            for category in &categories {
                let filter =
                    SituationFilter { target_group: target_group.clone(), category: category.clone(), ..SituationFilter::default() };
                let everything = SituationFilter { page: EVERYTHING, ..filter.clone() };
                let (expected, sql_total) = store.list_situations(&everything).await.unwrap_or_else(|e| panic!("{filter:?}: {e}"));
                let (all, total) = index.situations(&everything).unwrap_or_else(|e| panic!("{filter:?}: {e}"));
                assert_eq!(total, sql_total, "{filter:?}: the totals");
                assert_eq!(json(&all), json(&expected), "{filter:?}: the records, in order");
                for page in pages(total) {
                    let (items, _) = index.situations(&SituationFilter { page, ..filter.clone() }).unwrap_or_else(|e| panic!("{e}"));
                    assert_eq!(json(&items), json(&slice(&expected, page)), "{filter:?}, {page:?}");
                }
            }
        }
    }
}
