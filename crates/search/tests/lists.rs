//! The lists without words answered by the index, against a model: the records of the feed the
//! index is built from (the demo data, and the demo data with a synthetic set), each filter
//! checked on the record's own fields, in the documented order (services and organizations by
//! folded name, so case and «ё» do not count, then id; situations in the editors' order). Every
//! filter the API documents is tried alone with each of its values and in pairs; the totals and
//! the records, serialized byte for byte, must agree on any page.
//!
//! (The SQL lists these replaced were compared with the index the same way before they were
//! removed, in the commit that brought the index's lists.)

use socio_domain::{
    Slug,
    api::{
        CategoryGroup, OrganizationFilter, OrganizationSummary, PageRequest, ServiceFilter, ServiceSummary, SituationFilter,
        SituationSummary,
    },
    feed::Catalogue,
    text::fold,
    vocabulary::{Cost, OrganizationKind, Sector, ServiceFormat},
};
use socio_search::SearchIndex;
use support::dataset;

mod support;

/// Is `category` the wanted one, or a child of the wanted group?
fn in_category(taxonomy: &[CategoryGroup], category: &str, wanted: &Slug) -> bool {
    category == wanted.as_str() || taxonomy.iter().any(|g| g.slug == wanted.as_str() && g.children.iter().any(|c| c.slug == category))
}

/// The model of a service filter: the record's own fields.
fn keeps_service(taxonomy: &[CategoryGroup], filter: &ServiceFilter, s: &ServiceSummary) -> bool {
    filter.municipality.as_ref().is_none_or(|m| s.municipalities.iter().any(|x| x.slug == m.as_str()))
        && filter.category.as_ref().is_none_or(|c| s.categories.iter().any(|x| in_category(taxonomy, &x.slug, c)))
        && filter.target_group.as_ref().is_none_or(|t| s.target_groups.iter().any(|x| x.slug == t.as_str()))
        && filter.format.is_none_or(|f| s.formats.contains(&f))
        && filter.cost.is_none_or(|c| s.cost == c)
        && filter.age.is_none_or(|age| s.age_min.is_none_or(|min| min <= age) && s.age_max.is_none_or(|max| age <= max))
        && filter.organization.as_ref().is_none_or(|o| s.organization.slug == o.as_str())
}

fn keeps_organization(filter: &OrganizationFilter, o: &OrganizationSummary) -> bool {
    filter.municipality.as_ref().is_none_or(|m| o.municipalities.iter().any(|x| x.slug == m.as_str()))
        && filter.kind.is_none_or(|k| o.kind == k)
        && filter.sector.is_none_or(|s| o.sector == s)
}

fn keeps_situation(taxonomy: &[CategoryGroup], filter: &SituationFilter, s: &SituationSummary) -> bool {
    filter.target_group.as_ref().is_none_or(|t| s.target_groups.iter().any(|x| x.slug == t.as_str()))
        && filter.category.as_ref().is_none_or(|c| s.categories.iter().any(|x| in_category(taxonomy, &x.slug, c)))
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

/// `list` (a page of the index's list for `filter`) gives `expected`: the same total, and the same
/// records in order on the whole list and on pages cut in odd places.
fn assert_lists<T: serde::Serialize + Clone>(
    filter: &dyn std::fmt::Debug,
    expected: &[T],
    list: impl Fn(PageRequest) -> Result<(Vec<T>, u64), socio_search::SearchError>,
) {
    let expected_total = expected.len() as u64;
    let (all, total) = list(EVERYTHING).unwrap_or_else(|e| panic!("{filter:?}: {e}"));
    assert_eq!(total, expected_total, "{filter:?}: the totals");
    assert_eq!(json(&all), json(expected), "{filter:?}: the records, in order");
    for page in pages(total) {
        let (items, total) = list(page).unwrap_or_else(|e| panic!("{filter:?}: {e}"));
        assert_eq!(total, expected_total);
        assert_eq!(json(&items), json(&slice(expected, page)), "{filter:?}, {page:?}");
    }
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
fn service_filters(catalogue: &Catalogue, index: &SearchIndex) -> Vec<ServiceFilter> {
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
    let (catalogue, feed, index) = dataset(synthetic).await;
    let mut all_services: Vec<&ServiceSummary> = feed.services.iter().map(|d| &d.summary).collect();
    all_services.sort_by_cached_key(|s| (fold(&s.name), s.id));
    let mut nonempty = 0;
    for filter in service_filters(&catalogue, &index) {
        let expected: Vec<ServiceSummary> =
            all_services.iter().filter(|s| keeps_service(&catalogue.categories, &filter, s)).map(|&s| s.clone()).collect();
        assert_lists(&filter, &expected, |page| index.services(&ServiceFilter { page, ..filter.clone() }));
        nonempty += usize::from(!expected.is_empty());
    }
    assert!(nonempty > 100, "most filters find something ({nonempty})");
}

#[tokio::test]
async fn service_lists_agree_with_the_records_on_the_demo_data() {
    services_agree(0).await;
}

#[tokio::test]
async fn service_lists_agree_with_the_records_on_a_synthetic_set() {
    services_agree(3_000).await;
}

#[tokio::test]
async fn organization_and_situation_lists_agree_with_the_records() {
    for synthetic in [0, 1_000] {
        let (catalogue, feed, index) = dataset(synthetic).await;
        let mut all_organizations: Vec<&OrganizationSummary> = feed.organizations.iter().map(|d| &d.summary).collect();
        all_organizations.sort_by_cached_key(|o| (fold(&o.name), o.id));
        let mut all_situations: Vec<_> = feed.situations.iter().collect();
        all_situations.sort_by_key(|d| (d.position, d.id));
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
            let expected: Vec<OrganizationSummary> =
                all_organizations.iter().filter(|o| keeps_organization(&filter, o)).map(|&o| o.clone()).collect();
            assert_lists(&filter, &expected, |page| index.organizations(&OrganizationFilter { page, ..filter.clone() }));
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
                let expected: Vec<SituationSummary> = all_situations
                    .iter()
                    .filter(|d| keeps_situation(&catalogue.categories, &filter, &d.summary))
                    .map(|d| d.summary.clone())
                    .collect();
                assert_lists(&filter, &expected, |page| index.situations(&SituationFilter { page, ..filter.clone() }));
            }
        }
    }
}
