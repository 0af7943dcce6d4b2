//! A query of one common word («помощь») walks the word's services in the order kept with the
//! snapshot instead of scoring every match: its answers must be the ones scoring everything
//! gives, byte for byte, for every filter, page and order, with and without a city (one line per
//! name, with its copies) and from `GET /services` as from `GET /search`.

use std::collections::HashMap;

use socio_domain::{
    Coordinates, Slug,
    api::{PageRequest, SearchRequest, SearchSort, ServiceFilter},
    feed::Catalogue,
    vocabulary::{Cost, ServiceFormat},
};
use support::dataset;

mod support;

/// The words of the services' names and summaries met most often, as the people typing them
/// would write them.
fn frequent_words(feed: &socio_domain::feed::Feed, how_many: usize) -> Vec<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for service in &feed.services {
        let text = format!("{} {}", service.summary.name, service.summary.summary);
        for word in text.split(|c: char| !c.is_alphabetic()).filter(|w| w.chars().count() >= 5) {
            *counts.entry(word.to_lowercase()).or_default() += 1;
        }
    }
    let mut words: Vec<(String, usize)> = counts.into_iter().collect();
    words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    words.into_iter().take(how_many).map(|(w, _)| w).collect()
}

/// No filter, each filter alone with a few of its values, and a few pairs.
fn filters(catalogue: &Catalogue) -> Vec<ServiceFilter> {
    let slug = |s: &str| Slug::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    let with = |set: &dyn Fn(&mut ServiceFilter)| {
        let mut filter = ServiceFilter::default();
        set(&mut filter);
        filter
    };
    let categories: Vec<&str> = catalogue
        .categories
        .iter()
        .flat_map(|g| std::iter::once(g.slug.as_str()).chain(g.children.iter().map(|c| c.slug.as_str())))
        .collect();
    let mut filters = vec![ServiceFilter::default()];
    filters.extend(catalogue.municipalities.iter().map(|m| with(&|f| f.municipality = Some(slug(&m.slug)))));
    filters.extend(categories.iter().step_by(3).map(|c| with(&|f| f.category = Some(slug(c)))));
    filters.extend(catalogue.target_groups.iter().map(|t| with(&|f| f.target_group = Some(slug(&t.slug)))));
    filters.extend(ServiceFormat::ALL.iter().map(|&v| with(&|f| f.format = Some(v))));
    filters.extend(Cost::ALL.iter().map(|&v| with(&|f| f.cost = Some(v))));
    filters.extend([3u8, 18, 70].into_iter().map(|v| with(&|f| f.age = Some(v))));
    for m in catalogue.municipalities.iter().take(3) {
        for c in categories.iter().take(4) {
            filters.push(with(&|f| {
                f.municipality = Some(slug(&m.slug));
                f.category = Some(slug(c));
            }));
        }
    }
    for t in catalogue.target_groups.iter().take(3) {
        filters.push(with(&|f| {
            f.target_group = Some(slug(&t.slug));
            f.format = Some(ServiceFormat::ALL[0]);
        }));
    }
    filters
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| panic!("serializing: {e}"))
}

#[tokio::test]
async fn a_common_word_answers_as_scoring_every_match_does() {
    let (catalogue, feed, index) = dataset(3_000).await;
    let services = feed.services.len() as u64;
    let place = Coordinates { lat: 56.84, lon: 60.61 };
    let mut common = 0;
    let mut lines_with_copies = 0;
    for word in frequent_words(&feed, 10) {
        let everything = ServiceFilter { q: Some(word.clone()), ..ServiceFilter::default() };
        let (_, total) = index.services(&everything).unwrap_or_else(|e| panic!("{word}: {e}"));
        // A word in at least a 32nd of the services is kept as a set: only those take the walk.
        common += usize::from(total * 32 >= services);
        for filter in filters(&catalogue) {
            let filter = ServiceFilter { q: Some(word.clone()), ..filter };
            let (_, total) = index.services_scoring_everything(&filter).unwrap_or_else(|e| panic!("{word}: {e}"));
            let last = u32::try_from(total.div_ceil(20)).unwrap_or(1).max(1);
            for page in [
                PageRequest { page: 1, per_page: 20 },
                PageRequest { page: 2, per_page: 7 },
                PageRequest { page: last, per_page: 20 },
                PageRequest { page: last + 1, per_page: 20 },
            ] {
                let filter = ServiceFilter { page, ..filter.clone() };
                let walked = index.services(&filter).unwrap_or_else(|e| panic!("{filter:?}: {e}"));
                let scored = index.services_scoring_everything(&filter).unwrap_or_else(|e| panic!("{filter:?}: {e}"));
                assert_eq!((json(&walked.0), walked.1), (json(&scored.0), scored.1), "GET /services, {filter:?}");
                for (sort, origin) in
                    [(SearchSort::Relevance, None), (SearchSort::Relevance, Some(place)), (SearchSort::Distance, Some(place))]
                {
                    let request = SearchRequest { filter: filter.clone(), sort, origin };
                    let walked = index.search(&request).unwrap_or_else(|e| panic!("{request:?}: {e}"));
                    let scored = index.search_scoring_everything(&request).unwrap_or_else(|e| panic!("{request:?}: {e}"));
                    assert_eq!(json(&walked), json(&scored), "GET /search, {request:?}");
                    lines_with_copies += walked.items.iter().filter(|i| !i.copies.is_empty()).count();
                }
            }
        }
    }
    assert!(common >= 5, "most of the frequent words are common ones ({common})");
    assert!(lines_with_copies > 100, "lines listing copies were compared ({lines_with_copies})");
}
