//! The index against a small hand-made catalogue: Russian morphology, typos, abbreviations,
//! facets that agree with filters, live updates.

use chrono::{NaiveDate, TimeZone, Utc};
use socio_domain::{
    Coordinates, Slug,
    api::{
        CategoryGroup, CategoryRef, CompletionKind, CompletionRequest, Municipality, MunicipalityRef, OrganizationRef, PageRequest,
        SearchRequest, SearchResults, SearchSort, ServiceFilter, ServiceSummary, TargetGroup,
    },
    feed::{Catalogue, Feed, ServiceDocument},
    vocabulary::{Cost, ServiceFormat},
};
use socio_search::SearchIndex;

fn city(slug: &str, name: &str, lat: f64, lon: f64) -> Municipality {
    Municipality { slug: slug.into(), name: name.into(), coordinates: Coordinates { lat, lon }, socio_centre: None }
}

fn catalogue() -> Catalogue {
    let cat = |slug: &str, name: &str| CategoryRef { slug: slug.into(), name: name.into() };
    Catalogue {
        municipalities: vec![
            city("ekaterinburg", "Екатеринбург", 56.84, 60.61),
            city("pervouralsk", "Первоуральск", 56.91, 59.94),
            city("serov", "Серов", 59.60, 60.57),
        ],
        categories: vec![
            CategoryGroup {
                slug: "money".into(),
                name: "Деньги".into(),
                children: vec![cat("benefits", "Пособия и выплаты"), cat("compensation", "Компенсации")],
            },
            CategoryGroup {
                slug: "rehab".into(),
                name: "Реабилитация".into(),
                children: vec![cat("equipment", "Средства реабилитации"), cat("speech", "Логопед и дефектолог")],
            },
        ],
        target_groups: vec![
            TargetGroup { slug: "large-families".into(), name: "Многодетные семьи".into() },
            TargetGroup { slug: "disabled".into(), name: "Люди с инвалидностью".into() },
        ],
    }
}

struct Spec<'a> {
    id: i64,
    name: &'a str,
    summary: &'a str,
    city: (&'a str, &'a str),
    category: (&'a str, &'a str),
    group: (&'a str, &'a str),
    cost: Cost,
    formats: &'a [ServiceFormat],
}

fn service(s: Spec) -> ServiceDocument {
    ServiceDocument {
        summary: ServiceSummary {
            id: s.id,
            slug: format!("service-{}", s.id),
            name: s.name.into(),
            summary: s.summary.into(),
            organization: OrganizationRef {
                id: 1, slug: "org".into(), name: "Управление социальной политики".into(), short_name: None
            },
            categories: vec![CategoryRef { slug: s.category.0.into(), name: s.category.1.into() }],
            target_groups: vec![TargetGroup { slug: s.group.0.into(), name: s.group.1.into() }],
            formats: s.formats.to_vec(),
            cost: s.cost,
            age_min: None,
            age_max: None,
            municipalities: vec![MunicipalityRef { slug: s.city.0.into(), name: s.city.1.into() }],
            last_verified: NaiveDate::from_ymd_opt(2026, 1, u32::try_from(s.id).unwrap_or(1)),
        },
        body: String::new(),
        points: Vec::new(),
        updated_at: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).single().unwrap_or_default(),
    }
}

const EKB: (&str, &str) = ("ekaterinburg", "Екатеринбург");
const PERV: (&str, &str) = ("pervouralsk", "Первоуральск");
const SEROV: (&str, &str) = ("serov", "Серов");
const BENEFITS: (&str, &str) = ("benefits", "Пособия и выплаты");
const EQUIPMENT: (&str, &str) = ("equipment", "Средства реабилитации");
const SPEECH: (&str, &str) = ("speech", "Логопед и дефектолог");
const LARGE: (&str, &str) = ("large-families", "Многодетные семьи");
const DISABLED: (&str, &str) = ("disabled", "Люди с инвалидностью");

fn services() -> Vec<ServiceDocument> {
    use ServiceFormat::*;
    vec![
        service(Spec {
            id: 1,
            name: "Ежемесячное пособие на ребёнка",
            summary: "Пособие для многодетных семей с низким доходом.",
            city: EKB,
            category: BENEFITS,
            group: LARGE,
            cost: Cost::Free,
            formats: &[InPerson, Gosuslugi],
        }),
        service(Spec {
            id: 2,
            name: "Выдача ТСР",
            summary: "Кресла-коляски, трости и ходунки людям с инвалидностью.",
            city: PERV,
            category: EQUIPMENT,
            group: DISABLED,
            cost: Cost::Free,
            formats: &[InPerson],
        }),
        service(Spec {
            id: 3,
            name: "Прокат реабилитационного оборудования",
            summary: "Технические средства реабилитации на время, пока не выдали свои.",
            city: EKB,
            category: EQUIPMENT,
            group: DISABLED,
            cost: Cost::Partial,
            formats: &[InPerson, AtHome],
        }),
        service(Spec {
            id: 4,
            name: "Занятия с логопедом",
            summary: "Логопед для детей с ОВЗ, занятия дома и онлайн.",
            city: SEROV,
            category: SPEECH,
            group: DISABLED,
            cost: Cost::Paid,
            formats: &[AtHome, Online],
        }),
        service(Spec {
            id: 5,
            name: "Компенсация за детский сад",
            summary: "Выплаты многодетным семьям на оплату детского сада.",
            city: PERV,
            category: ("compensation", "Компенсации"),
            group: LARGE,
            cost: Cost::Free,
            formats: &[Gosuslugi],
        }),
        service(Spec {
            id: 6,
            name: "Консультация пенсионеров",
            summary: "Помощь пенсионерам с оформлением льгот.",
            city: SEROV,
            category: BENEFITS,
            group: LARGE,
            cost: Cost::Free,
            formats: &[Phone],
        }),
    ]
}

fn index() -> SearchIndex {
    SearchIndex::build(&catalogue(), Feed { services: services(), ..Feed::default() }).unwrap_or_else(|e| panic!("{e}"))
}

fn search(index: &SearchIndex, filter: ServiceFilter) -> SearchResults {
    index.search(&SearchRequest { filter, ..SearchRequest::default() }).unwrap_or_else(|e| panic!("{e}"))
}

fn q(text: &str) -> ServiceFilter {
    ServiceFilter { q: Some(text.into()), ..ServiceFilter::default() }
}

fn ids(results: &SearchResults) -> Vec<i64> {
    let mut ids: Vec<i64> = results.items.iter().map(|h| h.service.id).collect();
    ids.sort_unstable();
    ids
}

fn slug(s: &str) -> Slug {
    Slug::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn inflected_forms_find_each_other() {
    let index = index();
    for form in ["пособие", "пособия", "пособиями", "пособий"] {
        assert!(ids(&search(&index, q(form))).contains(&1), "«{form}» must find «пособие»");
    }
    let found = search(&index, q("пособия многодетным"));
    assert_eq!(ids(&found), [1, 5, 6], "the text of one, «выплаты» (a synonym) of another, the category and target group of the third");
    assert!(found.all_words);
}

#[test]
fn one_typo_in_a_long_word_still_finds_the_service() {
    let index = index();
    assert_eq!(ids(&search(&index, q("пенсионерв"))), [6]);
    assert_eq!(ids(&search(&index, q("лгопед"))), [4], "a missing letter");
    assert_eq!(ids(&search(&index, q("пенсионерум"))), [6], "a typo in the ending");
    assert_eq!(ids(&search(&index, q("пенсоинерам"))), [6], "swapped letters");
    let found = search(&index, q("пенсионерв"));
    assert_eq!(found.advice.spelling.as_deref(), Some("пенсионеров"));
    assert!(search(&index, q("лгпд")).items.is_empty(), "short garbage finds nothing");
}

#[test]
fn an_abbreviation_finds_the_full_form_and_back() {
    let index = index();
    assert_eq!(ids(&search(&index, q("ТСР"))), [2, 3], "ТСР finds «технические средства реабилитации»");
    assert!(ids(&search(&index, q("технические средства реабилитации"))).contains(&2), "the full form finds «ТСР»");
    assert_eq!(ids(&search(&index, q("ограниченные возможности здоровья"))), [4]);
}

#[test]
fn name_matches_rank_above_text_matches() {
    let index = index();
    let found = search(&index, q("логопед"));
    assert_eq!(found.items.first().map(|h| h.service.id), Some(4));
    let marked: Vec<&str> = found.items[0].snippet.iter().filter(|p| p.mark).map(|p| p.text.as_str()).collect();
    assert_eq!(marked, ["Логопед"]);
}

#[test]
fn facet_counts_are_the_counts_you_get() {
    let index = index();
    let base = ServiceFilter { cost: Some(Cost::Free), ..ServiceFilter::default() };
    let results = search(&index, base.clone());
    assert_eq!(results.total, 4);
    let facets = [
        ("municipality", results.facets.municipality.clone()),
        ("category", results.facets.category.clone()),
        ("target_group", results.facets.target_group.clone()),
        ("format", results.facets.format.clone()),
        ("cost", results.facets.cost.clone()),
        ("age", results.facets.age.clone()),
    ];
    for (dimension, values) in facets {
        assert!(!values.is_empty(), "{dimension} has values");
        for value in values {
            let mut filter = base.clone();
            match dimension {
                "municipality" => filter.municipality = Some(slug(&value.value)),
                "category" => filter.category = Some(slug(&value.value)),
                "target_group" => filter.target_group = Some(slug(&value.value)),
                "format" => filter.format = value.value.parse().ok(),
                "cost" => filter.cost = value.value.parse().ok(),
                _ => filter.age = value.value.parse().ok(),
            }
            assert_eq!(search(&index, filter).total, value.count, "{dimension}={} promised {}", value.value, value.count);
        }
    }
    let money = results.facets.category.iter().find(|v| v.value == "money").map(|v| v.count);
    assert_eq!(money, Some(3), "a group counts its categories");
}

#[test]
fn distance_orders_nearest_first_and_freshness_newest_first() {
    let index = index();
    let near_serov = SearchRequest {
        filter: ServiceFilter { page: PageRequest { page: 1, per_page: 10 }, ..ServiceFilter::default() },
        sort: SearchSort::Distance,
        origin: Some(Coordinates { lat: 59.6, lon: 60.5 }),
    };
    let found = index.search(&near_serov).unwrap_or_else(|e| panic!("{e}"));
    let cities: Vec<&str> = found.items.iter().map(|h| h.service.municipalities[0].slug.as_str()).collect();
    assert_eq!(&cities[..2], ["serov", "serov"]);
    let distances: Vec<f64> = found.items.iter().filter_map(|h| h.distance_km).collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    let fresh = index.search(&SearchRequest { sort: SearchSort::Fresh, ..SearchRequest::default() }).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fresh.items.first().map(|h| h.service.id), Some(6));
}

#[test]
fn nothing_found_in_a_city_points_to_nearby_cities() {
    let index = index();
    let found = search(&index, ServiceFilter { municipality: Some(slug("serov")), ..q("ТСР") });
    assert_eq!(found.total, 0);
    let nearby: Vec<&str> = found.advice.nearby.iter().map(|c| c.municipality.slug.as_str()).collect();
    assert_eq!(nearby, ["pervouralsk", "ekaterinburg"], "nearest first, only where something is found");
}

#[test]
fn nothing_found_for_a_target_group_offers_its_situations() {
    let catalogue = catalogue();
    let situation = socio_domain::feed::SituationDocument {
        id: 1,
        position: 1,
        summary: socio_domain::api::SituationSummary {
            slug: "large-family-status".into(),
            title: "Статус многодетной семьи".into(),
            summary: "Как получить удостоверение.".into(),
            target_groups: vec![TargetGroup { slug: "large-families".into(), name: "Многодетные семьи".into() }],
            categories: Vec::new(),
        },
        body: String::new(),
        updated_at: Utc::now(),
    };
    let index = SearchIndex::build(&catalogue, Feed { services: services(), situations: vec![situation], ..Feed::default() })
        .unwrap_or_else(|e| panic!("{e}"));
    let found = search(&index, ServiceFilter { target_group: Some(slug("large-families")), ..q("вертолёт") });
    assert_eq!(found.total, 0);
    let titles: Vec<&str> = found.situations.iter().map(|s| s.situation.title.as_str()).collect();
    assert_eq!(titles, ["Статус многодетной семьи"]);
}

#[test]
fn several_words_fall_back_to_some_of_them() {
    let index = index();
    let found = search(&index, q("логопед вертолёт"));
    assert!(!found.all_words);
    assert_eq!(ids(&found), [4]);
}

#[test]
fn a_change_is_searchable_at_once_and_a_withdrawn_service_disappears() {
    let index = index();
    assert!(search(&index, q("сурдопереводчик")).items.is_empty());
    let mut changed = services().remove(3);
    changed.summary.name = "Сурдопереводчик на приём".into();
    changed.updated_at = Utc::now();
    index.apply(Feed { services: vec![changed], ..Feed::default() }).unwrap_or_else(|e| panic!("{e}"));
    let found = search(&index, q("сурдопереводчика"));
    assert_eq!(found.items.iter().map(|h| h.service.name.as_str()).collect::<Vec<_>>(), ["Сурдопереводчик на приём"]);
    assert!(search(&index, q("занятия с логопедом")).items.iter().all(|h| h.service.name != "Занятия с логопедом"), "the old name is gone");

    index.apply(Feed { removed_services: vec![2], ..Feed::default() }).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids(&search(&index, q("ТСР"))), [3]);
    assert_eq!(index.service_count(), 5);
}

#[test]
fn unknown_filter_values_are_named() {
    let index = index();
    let error = index.search(&SearchRequest {
        filter: ServiceFilter { municipality: Some(slug("moskva")), ..ServiceFilter::default() },
        ..SearchRequest::default()
    });
    assert!(matches!(error, Err(socio_search::SearchError::UnknownValue { field: "municipality", .. })));
}

#[test]
fn completions_follow_the_typed_prefix() {
    let index = index();
    let complete = |q: &str| index.complete(&CompletionRequest { q: q.into(), limit: 5 });
    let found = complete("лог");
    assert_eq!(found.first().map(|c| (c.kind, c.text.as_str())), Some((CompletionKind::Category, "Логопед и дефектолог")));
    assert!(found.iter().any(|c| c.text == "Занятия с логопедом"));
    assert!(complete("тс").iter().any(|c| c.kind == CompletionKind::Term && c.text.starts_with("ТСР")));
    assert!(complete("пособие мно").iter().all(|c| c.text.to_lowercase().contains("мно")));
    assert!(complete("").is_empty());
}

#[test]
fn a_slot_left_by_a_withdrawn_service_is_reused_without_its_words() {
    let index = index();
    index.apply(Feed { removed_services: vec![2], ..Feed::default() }).unwrap_or_else(|e| panic!("{e}"));
    let newcomer = service(Spec {
        id: 7,
        name: "Бесплатный юрист",
        summary: "Консультация юриста по жилищным вопросам.",
        city: PERV,
        category: BENEFITS,
        group: LARGE,
        cost: Cost::Free,
        formats: &[ServiceFormat::Phone],
    });
    index.apply(Feed { services: vec![newcomer], ..Feed::default() }).unwrap_or_else(|e| panic!("{e}"));
    assert!(search(&index, q("кресла-коляски")).items.is_empty(), "the withdrawn service's words do not find its successor");
    let found = search(&index, q("юрист"));
    assert_eq!(ids(&found), [7]);
    let perv = found.facets.municipality.iter().find(|v| v.value == "pervouralsk").map(|v| v.count);
    assert_eq!(perv, Some(1));
}

/// Enough services that common words are kept as sets and rare ones read from the postings: the
/// counts must agree either way.
#[test]
fn common_and_rare_words_count_alike_in_a_larger_index() {
    use ServiceFormat::*;
    let cities = [EKB, PERV, SEROV];
    let names: Vec<String> =
        (0..300).map(|i| if i % 50 == 0 { format!("Пособие и сурдоперевод {i}") } else { format!("Пособие {i}") }).collect();
    let docs: Vec<ServiceDocument> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            service(Spec {
                id: i as i64 + 1,
                name,
                summary: if i % 3 == 0 { "Доплата семьям." } else { "Помощь людям." },
                city: cities[i % 3],
                category: if i % 2 == 0 { BENEFITS } else { EQUIPMENT },
                group: if i % 5 == 0 { DISABLED } else { LARGE },
                cost: Cost::Free,
                formats: if i % 4 == 0 { &[Online] } else { &[InPerson] },
            })
        })
        .collect();
    let index = SearchIndex::build(&catalogue(), Feed { services: docs, ..Feed::default() }).unwrap_or_else(|e| panic!("{e}"));
    for words in ["пособия", "пособие доплата", "сурдоперевод", "пособие сурдоперевод"]
    {
        let all = search(&index, q(words));
        let expected = |i: usize| match words {
            "пособия" => true,
            "пособие доплата" => i.is_multiple_of(3),
            _ => i.is_multiple_of(50),
        };
        assert_eq!(all.total, (0..300).filter(|&i| expected(i)).count() as u64, "«{words}»");
        for (i, (city, _)) in cities.iter().enumerate() {
            let in_city = ServiceFilter { municipality: Some(slug(city)), format: Some(Online), ..q(words) };
            let counted = search(&index, ServiceFilter { format: Some(Online), ..q(words) })
                .facets
                .municipality
                .iter()
                .find(|v| v.value == *city)
                .map_or(0, |v| v.count);
            let wanted = (0..300).filter(|&n| expected(n) && n % 3 == i && n % 4 == 0).count() as u64;
            let found = search(&index, in_city);
            // Nothing with all the words falls back to some of them; that is not what was counted.
            let total = if found.all_words { found.total } else { 0 };
            assert_eq!((total, counted), (wanted, wanted), "«{words}» online in {city}");
        }
    }
}

#[test]
fn a_snippet_marks_the_matches_in_its_window_of_a_long_text() {
    let mut long = service(Spec {
        id: 9,
        name: "Сиделка",
        summary: "Помощь на дому.",
        city: EKB,
        category: BENEFITS,
        group: DISABLED,
        cost: Cost::Paid,
        formats: &[ServiceFormat::AtHome],
    });
    let filler = "Сотрудник приходит в удобное время и помогает по хозяйству. ".repeat(40);
    long.body = format!("Сиделки работают ежедневно. Сиделку можно вызвать на ночь. {filler} Сиделка в конце.");
    let index = SearchIndex::build(&catalogue(), Feed { services: vec![long], ..Feed::default() }).unwrap_or_else(|e| panic!("{e}"));
    let found = search(&index, q("сиделка"));
    let snippet = &found.items[0].snippet;
    let marked: Vec<&str> = snippet.iter().filter(|p| p.mark).map(|p| p.text.as_str()).collect();
    assert_eq!(marked, ["Сиделки", "Сиделку"], "{snippet:?}");
    assert_eq!(snippet.last().map(|p| p.text.as_str()), Some("…"), "the long rest is cut");
}

#[test]
fn a_withdrawn_services_words_are_no_longer_offered_as_spellings() {
    let index = index();
    assert_eq!(search(&index, q("пенсионерв")).advice.spelling.as_deref(), Some("пенсионеров"));
    index.apply(Feed { removed_services: vec![6], ..Feed::default() }).unwrap_or_else(|e| panic!("{e}"));
    let found = search(&index, q("пенсионерв"));
    assert!(found.items.is_empty());
    assert_eq!(found.advice.spelling, None, "no spelling that would find nothing");
}

/// A name offered by more providers than a line lists: the line lists some of its copies and
/// says how many there are, whether the common word is walked in order or every match scored.
#[test]
fn a_line_with_many_copies_lists_some_and_counts_all() {
    let cities = [EKB, PERV, SEROV];
    let docs: Vec<ServiceDocument> = (0..40)
        .map(|i| {
            service(Spec {
                id: i + 1,
                name: if i < 30 { "Социальное такси" } else { "Пособие на ребёнка" },
                summary: "Помощь людям.",
                city: cities[i as usize % 3],
                category: EQUIPMENT,
                group: DISABLED,
                cost: Cost::Free,
                formats: &[ServiceFormat::InPerson],
            })
        })
        .collect();
    let index = SearchIndex::build(&catalogue(), Feed { services: docs, ..Feed::default() }).unwrap_or_else(|e| panic!("{e}"));
    for words in ["такси", "помощь"] {
        let request = SearchRequest { filter: q(words), ..SearchRequest::default() };
        let found = index.search(&request).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(found, index.search_scoring_everything(&request).unwrap_or_else(|e| panic!("{e}")), "«{words}»");
        let taxi = found.items.iter().find(|h| h.service.name == "Социальное такси").unwrap_or_else(|| panic!("«{words}»: no taxi"));
        assert_eq!((taxi.copies.len(), taxi.copies_total), (15, 29), "«{words}»: 15 of the 29 other taxis are listed");
        let listed: std::collections::HashSet<i64> = taxi.copies.iter().map(|c| c.id).chain([taxi.service.id]).collect();
        assert_eq!(listed.len(), 16, "«{words}»: the line and its copies are different services");
        let line_count = if words == "такси" { 1 } else { 2 };
        assert_eq!((found.total, found.items.len()), (if words == "такси" { 30 } else { 40 }, line_count));
    }
}

/// The memory breakdown names every structure and grows with the services it holds.
#[test]
fn the_memory_breakdown_grows_with_the_services() {
    let small = index().memory();
    let larger = {
        let docs: Vec<ServiceDocument> = (0..200)
            .map(|i| {
                service(Spec {
                    id: i + 1,
                    name: "Социальное такси",
                    summary: "Поездки к врачу и в МФЦ для людей на колясках.",
                    city: EKB,
                    category: EQUIPMENT,
                    group: DISABLED,
                    cost: Cost::Free,
                    formats: &[ServiceFormat::InPerson],
                })
            })
            .collect();
        SearchIndex::build(&catalogue(), Feed { services: docs, ..Feed::default() }).unwrap_or_else(|e| panic!("{e}")).memory()
    };
    let bytes = |parts: &[socio_search::MemoryPart], name: &str| {
        parts.iter().find(|p| p.structure.starts_with(name)).map(|p| p.bytes).unwrap_or_else(|| panic!("no «{name}» row"))
    };
    assert_eq!(small.len(), larger.len());
    for name in ["services: list records", "services: texts", "services: slots", "tantivy"] {
        assert!(bytes(&larger, name) > bytes(&small, name), "{name}: {} ≤ {}", bytes(&larger, name), bytes(&small, name));
    }
    assert!(larger.windows(2).all(|w| w[0].bytes >= w[1].bytes), "largest first");
}
