//! Running a search: words through tantivy, then filters, facet counts, order and snippets over
//! the records kept in memory.
//!
//! Facets are counted «disjunctively»: a value's count is what the search would return if that
//! value were chosen and every other filter stayed as it is, so the number shown is the number
//! you get.

use std::{cell::RefCell, cmp::Ordering, collections::HashSet, sync::Arc};

use socio_domain::{
    Coordinates,
    api::{
        Completion, CompletionRequest, Facets, NearbyCity, OrganizationFilter, OrganizationSummary, SearchAdvice, SearchRequest,
        SearchResults, SearchSort, ServiceFilter, ServiceHit, ServiceSummary, SituationFilter, SituationHit, SituationSummary, SnippetPart,
    },
};
use tantivy::{
    DocId, Score, SegmentReader, TERMINATED, Term,
    collector::{Collector, SegmentCollector},
    columnar::Column,
    query::{BooleanQuery, EnableScoring, FuzzyTermQuery, Occur, Query, TermQuery},
    schema::IndexRecordOption,
    tokenizer::TextAnalyzer,
};

use crate::{
    analyzer::{Word, distance_within, query_words, russian, spans, words},
    catalogue::{AGES, Interned},
    index::{FREE, Filters, KEY_BITS, KEY_MASK, Kind, SearchError, SearchIndex, ServiceEntry, Slot, Snapshot, stem_hash},
};

thread_local! {
    static ANALYZER: RefCell<TextAnalyzer> = RefCell::new(russian());
}

fn with_analyzer<R>(f: impl FnOnce(&mut TextAnalyzer) -> R) -> R {
    ANALYZER.with(|a| f(&mut a.borrow_mut()))
}

/// Words shorter than this get no typo tolerance: too many short words are one letter apart.
const FUZZY_FROM: usize = 6;
/// How many unknown words of one query are looked up in the vocabulary (each lookup scans it).
const MAX_CORRECTED: usize = 4;
const SNIPPET_CHARS: usize = 200;

/// A matching organization or situation (services are tallied as they are found).
#[derive(Clone, Copy)]
struct Hit {
    kind: Kind,
    id: i64,
    score: Score,
}

/// What one pass over the matches yields: services that pass the filters (by slot), facet
/// counts, and the other kinds of records.
///
/// The pass drives tantivy's scorer by hand rather than through a collector, so that BM25 is
/// computed only for services that pass the filters, not for every match.
struct Harvest {
    found: Vec<(u32, Score)>,
    counts: Counts,
    others: Vec<Hit>,
}

/// Checks one service against the filters: kept (and only then scored) if it passes all,
/// counted in a facet if it fails only that facet's filter.
#[inline]
fn tally(selected: &Selected, slot: u32, record: &Slot, score: impl FnOnce() -> Score, harvest: &mut Harvest) {
    if record.id == FREE || selected.organization.is_some_and(|o| o != record.organization) {
        return;
    }
    let failures = selected.failures(&record.filters);
    if failures == 0 {
        harvest.found.push((slot, score()));
        for dim in 0..DIMENSIONS {
            harvest.counts.add(dim, &record.filters);
        }
    } else if failures.is_power_of_two() {
        harvest.counts.add(failures.trailing_zeros() as usize, &record.filters);
    }
}

/// Every matching record with its score (for the organization and situation lists).
struct Hits;

struct SegmentHits {
    key: Column<u64>,
    hits: Vec<Hit>,
}

impl Collector for Hits {
    type Fruit = Vec<Hit>;
    type Child = SegmentHits;

    fn for_segment(&self, _ord: u32, segment: &SegmentReader) -> tantivy::Result<SegmentHits> {
        Ok(SegmentHits { key: segment.fast_fields().u64("key")?, hits: Vec::new() })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Hit>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentHits {
    type Fruit = Vec<Hit>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(key) = self.key.first(doc)
            && let Some(kind) = Kind::from_u64(key >> KEY_BITS).filter(|k| *k != Kind::Service)
        {
            self.hits.push(Hit { kind, id: (key & KEY_MASK) as i64, score });
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.hits
    }
}

/// A query word and whether the index knows its stem (unknown ones are probably typos).
struct QueryWord {
    word: Word,
    known: bool,
    last: bool,
    /// For an unknown long word: stems of the known words one typo away from it. Typos near the
    /// end change how a word is stemmed, so the whole written form is compared, not the stem.
    corrections: Vec<String>,
}

impl QueryWord {
    fn fuzzy(&self) -> bool {
        !self.known && self.word.lower.chars().count() >= FUZZY_FROM
    }
    fn prefix(&self) -> bool {
        !self.known && self.last && self.word.lower.chars().count() >= 3
    }
}

/// The words of a query, understood against one snapshot.
struct Understood {
    words: Vec<QueryWord>,
    /// Hashes of the query's own stems.
    hashes: Vec<u64>,
    /// Stems to highlight: the query's own and those of its synonyms.
    stems: HashSet<String>,
}

impl Understood {
    fn new(snap: &Snapshot, q: Option<&str>) -> Result<Self, SearchError> {
        let found = with_analyzer(|a| query_words(a, q.unwrap_or_default()));
        let count = found.len();
        let mut stems: HashSet<String> = found.iter().map(|w| w.stem.clone()).collect();
        stems.extend(snap.synonyms.related_stems(&found));
        let mut understood_words = Vec::with_capacity(count);
        let mut unknown = 0;
        for (i, word) in found.into_iter().enumerate() {
            let known = snap.searcher.doc_freq(&Term::from_field_text(snap.fields.all, &word.stem))? > 0;
            unknown += usize::from(!known);
            let corrections = if known || word.lower.chars().count() < FUZZY_FROM || unknown > MAX_CORRECTED {
                Vec::new()
            } else {
                let close: Vec<&str> =
                    snap.vocabulary.keys().filter(|v| distance_within(&word.lower, v, 1).is_some()).map(String::as_str).collect();
                let mut stems_of: Vec<String> = with_analyzer(|a| close.iter().flat_map(|c| words(a, c)).map(|w| w.stem).collect());
                stems_of.sort_unstable();
                stems_of.dedup();
                stems_of
            };
            stems.extend(corrections.iter().cloned());
            understood_words.push(QueryWord { word, known, last: i + 1 == count, corrections });
        }
        let hashes = understood_words.iter().map(|w| stem_hash(&w.word.stem)).collect();
        Ok(Understood { words: understood_words, hashes, stems })
    }

    fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    fn query(&self, snap: &Snapshot, all_words: bool) -> Box<dyn Query> {
        let f = snap.fields;
        let term = |field, stem: &str| Term::from_field_text(field, stem);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for w in &self.words {
            let stem = &w.word.stem;
            let mut options: Vec<(Occur, Box<dyn Query>)> =
                vec![(Occur::Should, Box::new(TermQuery::new(term(f.all, stem), IndexRecordOption::WithFreqs)))];
            if w.fuzzy() {
                options.push((Occur::Should, Box::new(FuzzyTermQuery::new(term(f.all, stem), 1, true))));
            }
            for correction in &w.corrections {
                options.push((Occur::Should, Box::new(TermQuery::new(term(f.all, correction), IndexRecordOption::WithFreqs))));
            }
            if w.prefix() {
                options.push((Occur::Should, Box::new(FuzzyTermQuery::new_prefix(term(f.all, stem), 0, true))));
            }
            let clause: Box<dyn Query> = if options.len() == 1 {
                options.pop().map_or_else(|| Box::new(BooleanQuery::new(Vec::new())) as Box<dyn Query>, |(_, q)| q)
            } else {
                Box::new(BooleanQuery::new(options))
            };
            clauses.push((if all_words { Occur::Must } else { Occur::Should }, clause));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Extra weight for query words found in the name (most) or the summary: BM25 over the whole
    /// text decides among records that match equally there.
    fn bonus(&self, e: &ServiceEntry) -> Score {
        self.hashes
            .iter()
            .map(|h| {
                if e.name_stems.binary_search(h).is_ok() {
                    3.0
                } else if e.summary_stems.binary_search(h).is_ok() {
                    1.0
                } else {
                    0.0
                }
            })
            .sum()
    }

    fn matches(&self, word: &Word) -> bool {
        self.stems.contains(&word.stem)
            || self.words.iter().any(|q| {
                (q.fuzzy() && distance_within(&word.stem, &q.word.stem, 1).is_some()) || (q.prefix() && word.stem.starts_with(&q.word.stem))
            })
    }

    /// A window of `text` around the first match, split into marked and plain parts.
    fn snippet(&self, text: &str) -> Vec<SnippetPart> {
        // Only words that begin like some wanted stem are worth lowercasing and stemming.
        let heads: Vec<[char; 2]> = self
            .stems
            .iter()
            .chain(self.words.iter().map(|w| &w.word.stem))
            .filter_map(|s| {
                let mut chars = s.chars();
                Some([chars.next()?, chars.next()?])
            })
            .collect();
        let lower = |c: char| if c == 'ё' || c == 'Ё' { 'е' } else { c.to_lowercase().next().unwrap_or(c) };
        let mut found = Vec::new();
        for (from, to) in spans(text) {
            let mut chars = text[from..to].chars().map(lower);
            let head = [chars.next().unwrap_or(' '), chars.next().unwrap_or(' ')];
            if !heads.contains(&head) {
                continue;
            }
            let word = text[from..to].to_lowercase().replace('ё', "е");
            if let Some(stemmed) = with_analyzer(|a| words(a, &word)).pop() {
                found.push(Word { from, to, lower: word, stem: stemmed.stem });
            }
        }
        let matched: Vec<&Word> = found.iter().filter(|w| self.matches(w)).collect();
        let first = matched.first().map_or(0, |w| w.from);
        let mut start = first.saturating_sub(60);
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        if start > 0 {
            start = text[start..first].find(' ').map_or(start, |i| start + i + 1);
        }
        let mut end = text[start..].char_indices().nth(SNIPPET_CHARS).map_or(text.len(), |(i, _)| start + i);
        if end < text.len() {
            end = text[start..end].rfind(' ').map_or(end, |i| start + i);
        }
        let mut parts = Vec::new();
        let mut cursor = start;
        let plain = |parts: &mut Vec<SnippetPart>, s: &str| {
            if !s.is_empty() {
                parts.push(SnippetPart { text: s.to_owned(), mark: false });
            }
        };
        for w in matched.into_iter().filter(|w| w.from >= start && w.to <= end) {
            plain(&mut parts, &text[cursor..w.from]);
            parts.push(SnippetPart { text: text[w.from..w.to].to_owned(), mark: true });
            cursor = w.to;
        }
        plain(&mut parts, &text[cursor..end]);
        if start > 0 {
            parts.insert(0, SnippetPart { text: "…".into(), mark: false });
        }
        if end < text.len() {
            parts.push(SnippetPart { text: "…".into(), mark: false });
        }
        parts
    }

    /// The query with each unknown word replaced by the closest known one, if any changed.
    fn respelled(&self, snap: &Snapshot, q: &str) -> Option<String> {
        let mut out = q.to_lowercase().replace('ё', "е");
        let mut changed = false;
        for w in self.words.iter().filter(|w| !w.known).take(MAX_CORRECTED) {
            let len = w.word.lower.chars().count();
            if len < 4 {
                continue;
            }
            let max = if len >= FUZZY_FROM { 2 } else { 1 };
            let best = snap
                .vocabulary
                .iter()
                .filter_map(|(word, count)| distance_within(&w.word.lower, word, max).map(|d| (d, std::cmp::Reverse(*count), word)))
                .min();
            if let Some((_, _, word)) = best {
                out = out.replacen(&w.word.lower, word, 1);
                changed = true;
            }
        }
        changed.then_some(out)
    }
}

/// Indices of the faceted filters.
const MUNICIPALITY: usize = 0;
const CATEGORY: usize = 1;
const TARGET_GROUP: usize = 2;
const FORMAT: usize = 3;
const COST: usize = 4;
const AGE: usize = 5;
const DIMENSIONS: usize = 6;

/// The filter with its values interned.
#[derive(Clone, Copy)]
struct Selected {
    values: [Option<u16>; DIMENSIONS],
    organization: Option<i64>,
}

impl Selected {
    fn new(snap: &Snapshot, filter: &ServiceFilter) -> Result<Self, SearchError> {
        let c = &snap.catalogue;
        let lookup = |field: &'static str, dimension: &crate::catalogue::Dimension, value: Option<&str>| match value {
            None => Ok(None),
            Some(v) => dimension.id(v).map(Some).ok_or_else(|| SearchError::UnknownValue { field, value: v.to_owned() }),
        };
        let organization = match &filter.organization {
            None => None,
            Some(slug) => Some(
                snap.organizations
                    .values()
                    .find(|o| o.summary.slug == slug.as_str())
                    .map(|o| o.summary.id)
                    .ok_or_else(|| SearchError::UnknownValue { field: "organization", value: slug.to_string() })?,
            ),
        };
        Ok(Selected {
            values: [
                lookup("municipality", &c.municipality, filter.municipality.as_ref().map(|s| s.as_str()))?,
                lookup("category", &c.category, filter.category.as_ref().map(|s| s.as_str()))?,
                lookup("target_group", &c.target_group, filter.target_group.as_ref().map(|s| s.as_str()))?,
                filter.format.and_then(|f| c.format.id(f.as_str())),
                filter.cost.and_then(|v| c.cost.id(v.as_str())),
                filter.age.map(u16::from),
            ],
            organization,
        })
    }

    /// Which filters the service fails, as a bit mask.
    #[inline]
    fn failures(&self, f: &Filters) -> u8 {
        let [municipality, category, target_group, format, cost, age] = self.values;
        let fails = |selected: Option<u16>, ok: bool| u8::from(selected.is_some() && !ok);
        fails(municipality, municipality.is_some_and(|v| f.municipalities.contains(v))) << MUNICIPALITY
            | fails(category, category.is_some_and(|v| f.categories.contains(v))) << CATEGORY
            | fails(target_group, target_group.is_some_and(|v| f.target_groups.contains(v))) << TARGET_GROUP
            | fails(format, format.is_some_and(|v| f.formats.contains(v))) << FORMAT
            | fails(cost, cost == Some(f.cost)) << COST
            | fails(age, age.is_some_and(|v| f.available_at(v))) << AGE
    }
}

/// Counters for every facet value.
struct Counts([Vec<u64>; DIMENSIONS]);

impl Counts {
    fn new(snap: &Snapshot) -> Self {
        let c = &snap.catalogue;
        let sizes = [
            c.municipality.values.len(),
            c.category.values.len(),
            c.target_group.values.len(),
            c.format.values.len(),
            c.cost.values.len(),
            AGES.len(),
        ];
        Counts(sizes.map(|n| vec![0; n]))
    }

    fn add(&mut self, dim: usize, e: &Filters) {
        let counts = &mut self.0[dim];
        let mut bump = |v: u16| {
            if let Some(c) = counts.get_mut(usize::from(v)) {
                *c += 1;
            }
        };
        match dim {
            MUNICIPALITY => e.municipalities.iter().for_each(bump),
            CATEGORY => e.categories.iter().for_each(bump),
            TARGET_GROUP => e.target_groups.iter().for_each(bump),
            FORMAT => e.formats.iter().for_each(bump),
            COST => bump(e.cost),
            _ => {
                for (i, &(age, _)) in AGES.iter().enumerate() {
                    if e.available_at(u16::from(age)) {
                        bump(u16::try_from(i).unwrap_or_default());
                    }
                }
            }
        }
    }

    fn facets(&self, snap: &Snapshot, selected: &Selected) -> Facets {
        let c = &snap.catalogue;
        let v = &selected.values;
        Facets {
            municipality: c.municipality.facet(&self.0[MUNICIPALITY], v[MUNICIPALITY]),
            category: c.category.facet(&self.0[CATEGORY], v[CATEGORY]),
            target_group: c.target_group.facet(&self.0[TARGET_GROUP], v[TARGET_GROUP]),
            format: c.format.facet(&self.0[FORMAT], v[FORMAT]),
            cost: c.cost.facet(&self.0[COST], v[COST]),
            age: AGES
                .iter()
                .enumerate()
                .filter(|(i, (age, _))| self.0[AGE][*i] > 0 || v[AGE] == Some(u16::from(*age)))
                .map(|(i, (age, name))| socio_domain::api::FacetValue {
                    value: age.to_string(),
                    name: (*name).to_owned(),
                    count: self.0[AGE][i],
                    selected: v[AGE] == Some(u16::from(*age)),
                    parent: None,
                })
                .collect(),
        }
    }
}

/// A service that passed the filters, with what ordering needs.
struct Found {
    entry: Arc<ServiceEntry>,
    score: Score,
    distance: Option<f64>,
}

fn distance(snap: &Snapshot, e: &ServiceEntry, origin: &Coordinates) -> Option<f64> {
    let own = e.points.iter().map(|p| origin.distance_km(p));
    let cities = e.filters.municipalities.iter().filter_map(|m| snap.catalogue.centres.get(usize::from(m))).map(|p| origin.distance_km(p));
    let nearest = if e.points.is_empty() { cities.fold(f64::INFINITY, f64::min) } else { own.fold(f64::INFINITY, f64::min) };
    nearest.is_finite().then_some(nearest)
}

fn by_name(a: &Found, b: &Found) -> Ordering {
    a.entry.sort_name.cmp(&b.entry.sort_name).then(a.entry.summary.id.cmp(&b.entry.summary.id))
}

fn by_score(a: &Found, b: &Found) -> Ordering {
    b.score.total_cmp(&a.score).then_with(|| by_name(a, b))
}

/// The filtered, ordered services and the facet counts of one search.
struct Outcome {
    found: Vec<Found>,
    counts: Counts,
    hits: Vec<Hit>,
}

impl SearchIndex {
    fn run(&self, snap: &Snapshot, understood: &Understood, selected: &Selected, all_words: bool) -> Result<Outcome, SearchError> {
        let mut harvest = Harvest { found: Vec::new(), counts: Counts::new(snap), others: Vec::new() };
        if understood.is_empty() {
            for (slot, record) in snap.slots.iter().enumerate() {
                tally(selected, slot as u32, record, || 0.0, &mut harvest);
            }
        } else {
            let weight = understood.query(snap, all_words).weight(EnableScoring::enabled_from_searcher(&snap.searcher))?;
            for segment in snap.searcher.segment_readers() {
                let keys = segment.fast_fields().u64("key")?;
                let alive = segment.alive_bitset();
                let mut scorer = weight.scorer(segment, 1.0)?;
                let mut doc = scorer.doc();
                while doc != TERMINATED {
                    if alive.is_none_or(|a| a.is_alive(doc))
                        && let Some(key) = keys.first(doc)
                    {
                        match Kind::from_u64(key >> KEY_BITS) {
                            Some(Kind::Service) => {
                                let slot = (key & KEY_MASK) as u32;
                                if let Some(record) = snap.slots.get(slot as usize) {
                                    tally(selected, slot, record, || scorer.score(), &mut harvest);
                                }
                            }
                            Some(kind) => harvest.others.push(Hit { kind, id: (key & KEY_MASK) as i64, score: scorer.score() }),
                            None => {}
                        }
                    }
                    doc = scorer.advance();
                }
            }
        }
        let found = harvest
            .found
            .into_iter()
            .filter_map(|(slot, score)| {
                let entry = snap.services.get(&snap.slots.get(slot as usize)?.id)?;
                let score = if understood.is_empty() { score } else { score + understood.bonus(entry) };
                Some(Found { entry: entry.clone(), score, distance: None })
            })
            .collect();
        let (counts, hits) = (harvest.counts, harvest.others);
        Ok(Outcome { found, counts, hits })
    }

    /// `GET /api/v1/search`: services with facets and snippets, plus situations, organizations
    /// and advice for the first page.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        let snap = self.snapshot();
        let filter = &request.filter;
        let selected = Selected::new(&snap, filter)?;
        let understood = Understood::new(&snap, filter.q.as_deref())?;
        let mut all_words = true;
        let mut outcome = self.run(&snap, &understood, &selected, true)?;
        if outcome.found.is_empty() && understood.words.len() > 1 {
            outcome = self.run(&snap, &understood, &selected, false)?;
            all_words = false;
        }
        let origin =
            request.origin.or_else(|| selected.values[MUNICIPALITY].and_then(|m| snap.catalogue.centres.get(usize::from(m)).copied()));
        let total = outcome.found.len() as u64;
        let page = filter.page;
        let offset = usize::try_from(page.offset()).unwrap_or(usize::MAX);
        let per_page = page.per_page as usize;
        let mut found = outcome.found;
        if request.sort == SearchSort::Distance
            && let Some(origin) = origin
        {
            for f in &mut found {
                f.distance = distance(&snap, &f.entry, &origin);
            }
        }
        let order = |a: &Found, b: &Found| match request.sort {
            SearchSort::Relevance if understood.is_empty() => by_name(a, b),
            SearchSort::Relevance => by_score(a, b),
            SearchSort::Distance => a.distance.unwrap_or(f64::MAX).total_cmp(&b.distance.unwrap_or(f64::MAX)).then_with(|| by_score(a, b)),
            SearchSort::Fresh => b.entry.summary.last_verified.cmp(&a.entry.summary.last_verified).then_with(|| by_score(a, b)),
        };
        let items: Vec<ServiceHit> = page_of(&mut found, offset, per_page, order)
            .iter()
            .map(|f| ServiceHit {
                snippet: if understood.is_empty() { Vec::new() } else { understood.snippet(&f.entry.text) },
                distance_km: f.distance.or_else(|| origin.and_then(|o| distance(&snap, &f.entry, &o))).map(|d| (d * 10.0).round() / 10.0),
                service: f.entry.summary.clone(),
            })
            .collect();
        let first_page = page.page == 1 && !understood.is_empty();
        let mut situations = if first_page { self.top_situations(&snap, &understood, &outcome.hits, 3) } else { Vec::new() };
        if total == 0 && situations.is_empty() {
            situations = related_situations(&snap, &selected, 3);
        }
        let organizations = if first_page {
            let city = selected.values[MUNICIPALITY].and_then(|m| snap.catalogue.municipality_ref(m));
            top(&outcome.hits, Kind::Organization, 5, |id| {
                snap.organizations
                    .get(&id)
                    .filter(|o| city.as_ref().is_none_or(|c| o.summary.municipalities.contains(c)))
                    .map(|o| o.summary.clone())
            })
        } else {
            Vec::new()
        };
        let facets = outcome.counts.facets(&snap, &selected);
        let mut advice = SearchAdvice::default();
        if let Some(q) = &filter.q {
            advice.spelling = understood.respelled(&snap, q);
        }
        if total == 0
            && let Some(m) = selected.values[MUNICIPALITY]
            && let Some(centre) = snap.catalogue.centres.get(usize::from(m))
        {
            let mut nearby: Vec<NearbyCity> = facets
                .municipality
                .iter()
                .filter(|v| v.count > 0)
                .filter_map(|v| {
                    let id = snap.catalogue.municipality.id(&v.value)?;
                    Some(NearbyCity {
                        municipality: snap.catalogue.municipality_ref(id)?,
                        count: v.count,
                        distance_km: (centre.distance_km(snap.catalogue.centres.get(usize::from(id))?)).round(),
                    })
                })
                .collect();
            nearby.sort_by(|a, b| a.distance_km.total_cmp(&b.distance_km));
            nearby.truncate(3);
            advice.nearby = nearby;
        }
        Ok(SearchResults {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
            pages: page.pages(total),
            all_words,
            facets,
            situations,
            organizations,
            advice,
        })
    }

    fn top_situations(&self, snap: &Snapshot, understood: &Understood, hits: &[Hit], limit: usize) -> Vec<SituationHit> {
        top(hits, Kind::Situation, limit, |id| {
            snap.situations.get(&id).map(|s| SituationHit { situation: s.summary.clone(), snippet: understood.snippet(&s.text) })
        })
    }

    /// The `q` of `GET /services`: the same search, as a plain page of services.
    pub fn services(&self, filter: &ServiceFilter) -> Result<(Vec<ServiceSummary>, u64), SearchError> {
        let snap = self.snapshot();
        let selected = Selected::new(&snap, filter)?;
        let understood = Understood::new(&snap, filter.q.as_deref())?;
        let mut found = self.run(&snap, &understood, &selected, true)?.found;
        let total = found.len() as u64;
        let offset = usize::try_from(filter.page.offset()).unwrap_or(usize::MAX);
        let order = if understood.is_empty() { by_name } else { by_score };
        let items = page_of(&mut found, offset, filter.page.per_page as usize, order).iter().map(|f| f.entry.summary.clone()).collect();
        Ok((items, total))
    }

    /// The `q` of `GET /organizations`: best matches first.
    pub fn organizations(&self, filter: &OrganizationFilter) -> Result<(Vec<OrganizationSummary>, u64), SearchError> {
        let snap = self.snapshot();
        let city = match &filter.municipality {
            None => None,
            Some(slug) => Some(
                snap.catalogue
                    .municipality
                    .id(slug.as_str())
                    .and_then(|id| snap.catalogue.municipality_ref(id))
                    .ok_or_else(|| SearchError::UnknownValue { field: "municipality", value: slug.to_string() })?,
            ),
        };
        let understood = Understood::new(&snap, filter.q.as_deref())?;
        let hits = if understood.is_empty() { Vec::new() } else { snap.searcher.search(&*understood.query(&snap, true), &Hits)? };
        let matching = ranked(&hits, Kind::Organization, |id| {
            snap.organizations
                .get(&id)
                .filter(|o| city.as_ref().is_none_or(|c| o.summary.municipalities.contains(c)))
                .filter(|o| filter.kind.is_none_or(|k| o.summary.kind == k))
                .filter(|o| filter.sector.is_none_or(|s| o.summary.sector == s))
                .map(|o| o.summary.clone())
        });
        Ok(paged(matching, filter.page))
    }

    /// The `q` of `GET /situations`: best matches first.
    pub fn situations(&self, filter: &SituationFilter) -> Result<(Vec<SituationSummary>, u64), SearchError> {
        let snap = self.snapshot();
        let c = &snap.catalogue;
        let group = match &filter.target_group {
            None => None,
            Some(slug) => Some(
                c.target_group
                    .id(slug.as_str())
                    .map(|_| slug.to_string())
                    .ok_or_else(|| SearchError::UnknownValue { field: "target_group", value: slug.to_string() })?,
            ),
        };
        let category = match &filter.category {
            None => None,
            Some(slug) => {
                Some(c.category.id(slug.as_str()).ok_or_else(|| SearchError::UnknownValue { field: "category", value: slug.to_string() })?)
            }
        };
        let understood = Understood::new(&snap, filter.q.as_deref())?;
        let hits = if understood.is_empty() { Vec::new() } else { snap.searcher.search(&*understood.query(&snap, true), &Hits)? };
        let matching = ranked(&hits, Kind::Situation, |id| {
            snap.situations
                .get(&id)
                .filter(|s| group.as_ref().is_none_or(|g| s.summary.target_groups.iter().any(|t| &t.slug == g)))
                .filter(|s| {
                    category.is_none_or(|wanted| {
                        c.categories_with_groups(s.summary.categories.iter().map(|x| x.slug.as_str())).contains(wanted)
                    })
                })
                .map(|s| s.summary.clone())
        });
        Ok(paged(matching, filter.page))
    }

    /// `GET /api/v1/search/complete`: completions for what has been typed so far.
    pub fn complete(&self, request: &CompletionRequest) -> Vec<Completion> {
        self.snapshot().completions.complete(&request.q, request.limit)
    }
}

/// When nothing is found: the situations of the chosen target group or category, in their order.
fn related_situations(snap: &Snapshot, selected: &Selected, limit: usize) -> Vec<SituationHit> {
    let c = &snap.catalogue;
    let (group, category) = (selected.values[TARGET_GROUP], selected.values[CATEGORY]);
    if group.is_none() && category.is_none() {
        return Vec::new();
    }
    let mut related: Vec<_> = snap
        .situations
        .values()
        .filter(|s| {
            let groups = Interned::ids(&c.target_group, s.summary.target_groups.iter().map(|t| t.slug.as_str()));
            let categories = c.categories_with_groups(s.summary.categories.iter().map(|x| x.slug.as_str()));
            group.is_some_and(|g| groups.contains(g)) || category.is_some_and(|k| categories.contains(k))
        })
        .collect();
    related.sort_by_key(|s| s.position);
    related.into_iter().take(limit).map(|s| SituationHit { situation: s.summary.clone(), snippet: Vec::new() }).collect()
}

/// Sorts just enough of `found` to return the page at `offset`.
fn page_of(found: &mut Vec<Found>, offset: usize, per_page: usize, order: impl Fn(&Found, &Found) -> Ordering) -> &[Found] {
    let end = offset.saturating_add(per_page).min(found.len());
    if offset >= found.len() {
        return &[];
    }
    if end < found.len() {
        found.select_nth_unstable_by(end, &order);
        found.truncate(end);
    }
    found.sort_by(&order);
    &found[offset..end]
}

/// Records of one kind in score order.
fn ranked<T>(hits: &[Hit], kind: Kind, lookup: impl Fn(i64) -> Option<T>) -> Vec<T> {
    let mut of_kind: Vec<(i64, Score)> = hits.iter().filter(|h| h.kind == kind).map(|h| (h.id, h.score)).collect();
    of_kind.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    of_kind.into_iter().filter_map(|(id, _)| lookup(id)).collect()
}

fn top<T>(hits: &[Hit], kind: Kind, limit: usize, lookup: impl Fn(i64) -> Option<T>) -> Vec<T> {
    let mut all = ranked(hits, kind, lookup);
    all.truncate(limit);
    all
}

fn paged<T>(all: Vec<T>, page: socio_domain::api::PageRequest) -> (Vec<T>, u64) {
    let total = all.len() as u64;
    let offset = usize::try_from(page.offset()).unwrap_or(usize::MAX);
    (all.into_iter().skip(offset).take(page.per_page as usize).collect(), total)
}
