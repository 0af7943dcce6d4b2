//! Running a search: the services having the words as a slot set, then filters, facet counts,
//! order and snippets over the records kept in memory; organizations and situations through
//! tantivy.
//!
//! Facets are counted «disjunctively»: a value's count is what the search would return if that
//! value were chosen and every other filter stayed as it is, so the number shown is the number
//! you get. With no city chosen, the copies of one service in several cities are one line, so
//! that «Социальный контракт» in 14 cities does not fill the first page.

use std::{
    borrow::Cow,
    cmp::Ordering,
    collections::{HashMap, HashSet},
    sync::Arc,
};

use socio_domain::{
    Coordinates,
    api::{
        Completion, CompletionRequest, NearbyCity, OrganizationFilter, OrganizationSummary, SearchAdvice, SearchRequest, SearchResults,
        SearchSort, ServiceCopy, ServiceFilter, ServiceHit, ServiceSummary, SituationFilter, SituationHit, SituationSummary,
    },
};
use tantivy::Score;

use crate::{
    analyzer::query_words,
    catalogue::Interned,
    facets::{CATEGORY, Counts, MUNICIPALITY, Selected, TARGET_GROUP, harvest},
    index::{KEY_BITS, KEY_MASK, Kind, SearchError, SearchIndex, ServiceEntry, SituationEntry, Slot, Snapshot},
    ranked::RankedWord,
    terms::each_match,
    understood::{ServiceMatch, Understood, with_analyzer},
};

/// A matching organization or situation.
#[derive(Clone, Copy)]
struct Hit {
    kind: Kind,
    id: i64,
    score: Score,
}

/// The organizations and situations matching all the words (or any), with their scores.
fn other_hits(snap: &Snapshot, understood: &Understood, all_words: bool) -> Result<Vec<Hit>, SearchError> {
    let mut hits = Vec::new();
    if !understood.is_empty() {
        each_match(&snap.searcher, &snap.keys, &*understood.query(snap, all_words), true, |key, score| {
            if let Some(kind) = Kind::from_u64(key >> KEY_BITS).filter(|k| *k != Kind::Service) {
                hits.push(Hit { kind, id: (key & KEY_MASK) as i64, score: score() });
            }
        })?;
    }
    Ok(hits)
}

/// A service that passed the filters, with what ordering needs.
#[derive(Clone, Copy)]
struct Found<'a> {
    slot: u32,
    entry: &'a ServiceEntry,
    name_key: u128,
    group: u32,
    score: Score,
    distance: Option<f64>,
}

fn distance(snap: &Snapshot, e: &ServiceEntry, origin: &Coordinates) -> Option<f64> {
    let own = e.points.iter().map(|p| origin.distance_km(p));
    let cities = e.filters.municipalities.iter().filter_map(|m| snap.catalogue.centres.get(usize::from(m))).map(|p| origin.distance_km(p));
    let nearest = if e.points.is_empty() { cities.fold(f64::INFINITY, f64::min) } else { own.fold(f64::INFINITY, f64::min) };
    nearest.is_finite().then_some(nearest)
}

/// By name: the slots' name keys decide most pairs, the names themselves the rest.
fn by_name(a: &Found, b: &Found) -> Ordering {
    a.name_key.cmp(&b.name_key).then_with(|| a.entry.sort_name.cmp(&b.entry.sort_name)).then(a.entry.id().cmp(&b.entry.id()))
}

fn by_score(a: &Found, b: &Found) -> Ordering {
    b.score.total_cmp(&a.score).then_with(|| by_name(a, b))
}

/// The filtered services and the facet counts of one search.
struct Outcome<'a> {
    found: Vec<Found<'a>>,
    counts: Counts,
}

/// What a search shows of its services: how many, in how many lines, the page's lines with the
/// copies each lists and how many copies it has, and the facet counts.
struct Lines<'a> {
    total: u64,
    lines: u64,
    page: Vec<(Found<'a>, Vec<Found<'a>>, u64)>,
    counts: Counts,
    all_words: bool,
}

/// Whether a query of one common word walks its services in the order kept with the snapshot
/// (see [`crate::ranked`]) or, as any other query, scores every match.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ranking {
    CommonWords,
    Exhaustive,
}

impl SearchIndex {
    fn run<'a>(
        &self,
        snap: &'a Snapshot,
        understood: &Understood,
        selected: &Selected,
        all_words: bool,
    ) -> Result<Outcome<'a>, SearchError> {
        if understood.is_empty() {
            let (kept, counts) = harvest(snap, selected, &snap.membership.live);
            let found = kept
                .iter()
                .filter_map(|slot| {
                    let (record, entry) = entry(snap, slot)?;
                    Some(Found { slot, entry, name_key: record.name_key, group: record.group, score: 0.0, distance: None })
                })
                .collect();
            return Ok(Outcome { found, counts });
        }
        let matched = understood.services(snap, all_words)?;
        let (kept, counts) = harvest(snap, selected, &matched.matched);
        let found = kept.iter().filter_map(|slot| scored(snap, understood, &matched, slot)).collect();
        Ok(Outcome { found, counts })
    }

    /// The services having the query's one common word, best first, from the snapshot if a
    /// search has ranked them already; `None` for any other query.
    fn ranked_word(&self, snap: &Snapshot, understood: &Understood) -> Result<Option<Arc<RankedWord>>, SearchError> {
        let Some(stem) = understood.common_word(snap) else { return Ok(None) };
        if let Some(ranked) = snap.ranked.word(stem) {
            return Ok(Some(ranked));
        }
        let having = snap.words.dense(stem).map_or(0, |set| set.len());
        if !snap.ranked.has_room(having, snap.slots.len()) {
            return Ok(None);
        }
        let (services, lines) = snap.ranked.groups(snap).count(&understood.services(snap, true)?.matched);
        let everything = Selected::new(snap, &ServiceFilter::default())?;
        let Outcome { mut found, counts } = self.run(snap, understood, &everything, true)?;
        found.sort_unstable_by(by_score);
        let order = found.iter().map(|f| f.slot).collect();
        Ok(Some(snap.ranked.keep(stem, RankedWord { order, services, lines, counts })))
    }

    /// The lines of a search for one common word: its ranked services walked as far as the page,
    /// skipping what the filters leave out and, when `grouped`, the copies of a name met before.
    fn lines_of_word<'a>(
        &self,
        snap: &'a Snapshot,
        understood: &Understood,
        selected: &Selected,
        ranked: &RankedWord,
        grouped: bool,
        (offset, per_page): (usize, usize),
    ) -> Result<Lines<'a>, SearchError> {
        let matched = understood.services(snap, true)?;
        let groups = snap.ranked.groups(snap);
        let (kept, counts, total, lines) = if selected.is_everything() {
            (Cow::Borrowed(&matched.matched), ranked.counts.clone(), ranked.services, ranked.lines)
        } else {
            let (kept, counts) = harvest(snap, selected, &matched.matched);
            let (total, lines) = groups.count(&kept);
            (Cow::Owned(kept), counts, total, lines)
        };
        let mut seen = groups.none_seen();
        let mut line = 0;
        let mut page = Vec::new();
        for &slot in &ranked.order {
            if page.len() >= per_page {
                break;
            }
            if !kept.contains(slot) {
                continue;
            }
            let group = if grouped { groups.of(slot) } else { None };
            if let Some(g) = group {
                if seen.contains(g) {
                    continue;
                }
                seen.insert(g);
            }
            line += 1;
            if line <= offset {
                continue;
            }
            let Some(found) = scored(snap, understood, &matched, slot) else { continue };
            // The copies as the exhaustive way lists them: the group's services in slot order,
            // each losing to the best so far (or making it a copy) in turn.
            let mut copies = Vec::new();
            let mut copies_total = 0;
            if let Some(g) = group {
                let mut best: Option<Found> = None;
                let members = || groups.members(g).iter().filter(|&&m| kept.contains(m));
                copies_total = members().count().saturating_sub(1) as u64;
                for &member in members() {
                    let Some(mut f) = scored(snap, understood, &matched, member) else { continue };
                    let Some(current) = best.as_mut() else {
                        best = Some(f);
                        continue;
                    };
                    if by_score(&f, current) == Ordering::Less {
                        std::mem::swap(current, &mut f);
                    }
                    copies.push(f);
                    // Each member after the first makes one copy: the first MAX_COPIES + 1
                    // members decide the list, whatever the rest are.
                    if copies.len() == MAX_COPIES {
                        break;
                    }
                }
            }
            page.push((found, copies, copies_total));
        }
        let lines = if grouped { lines } else { total };
        Ok(Lines { total, lines, page, counts, all_words: true })
    }

    /// The lines of any search: every match scored, one line per name group when `grouped`.
    fn lines_scored<'a>(
        &self,
        snap: &'a Snapshot,
        understood: &Understood,
        selected: &Selected,
        request: &SearchRequest,
        origin: Option<Coordinates>,
        (offset, per_page): (usize, usize),
    ) -> Result<Lines<'a>, SearchError> {
        let mut all_words = true;
        let mut outcome = self.run(snap, understood, selected, true)?;
        if outcome.found.is_empty() && understood.words.len() > 1 {
            outcome = self.run(snap, understood, selected, false)?;
            all_words = false;
        }
        let total = outcome.found.len() as u64;
        let mut found = outcome.found;
        if request.sort == SearchSort::Distance
            && let Some(origin) = origin
        {
            for f in &mut found {
                f.distance = distance(snap, f.entry, &origin);
            }
        }
        let order = |a: &Found, b: &Found| match request.sort {
            SearchSort::Relevance if understood.is_empty() => by_name(a, b),
            SearchSort::Relevance => by_score(a, b),
            SearchSort::Distance => a.distance.unwrap_or(f64::MAX).total_cmp(&b.distance.unwrap_or(f64::MAX)).then_with(|| by_score(a, b)),
            SearchSort::Fresh => b.entry.listing.last_verified.cmp(&a.entry.listing.last_verified).then_with(|| by_score(a, b)),
        };
        // With no city chosen, the copies of a service in other cities are one line: the copy
        // nearest to the person (or the best one) stands for them.
        let (mut shown, copies) = if selected.values[MUNICIPALITY].is_none() {
            let nearer = |a: &mut Found, b: &mut Found| match origin {
                Some(o) => {
                    let d = |f: &mut Found| {
                        if f.distance.is_none() {
                            f.distance = distance(snap, f.entry, &o);
                        }
                        f.distance.unwrap_or(f64::MAX)
                    };
                    d(a).total_cmp(&d(b)).then_with(|| order(a, b))
                }
                None => order(a, b),
            };
            one_per_group(found, snap.groups, nearer)
        } else {
            (found, Vec::new())
        };
        let lines = shown.len() as u64;
        let page_items = page_of(&mut shown, offset, per_page, order);
        let mut copies_of: HashMap<u32, (Vec<Found>, u64)> = page_items.iter().map(|f| (f.group, (Vec::new(), 0))).collect();
        for copy in &copies {
            if let Some((list, total)) = copies_of.get_mut(&copy.group) {
                if list.len() < MAX_COPIES {
                    list.push(*copy);
                }
                *total += 1;
            }
        }
        let page = page_items
            .iter()
            .map(|f| {
                let (list, total) = copies_of.get(&f.group).cloned().unwrap_or_default();
                (*f, list, total)
            })
            .collect();
        Ok(Lines { total, lines, page, counts: outcome.counts, all_words })
    }

    /// `GET /api/v1/search`: services with facets and snippets, plus situations, organizations
    /// and advice for the first page.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        self.search_ranked(request, Ranking::CommonWords)
    }

    /// [`Self::search`] scoring every match even for a common word: what the tests compare the
    /// ranked common words with.
    #[doc(hidden)]
    pub fn search_scoring_everything(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        self.search_ranked(request, Ranking::Exhaustive)
    }

    fn search_ranked(&self, request: &SearchRequest, ranking: Ranking) -> Result<SearchResults, SearchError> {
        let snap = self.snapshot();
        let filter = &request.filter;
        let selected = Selected::new(&snap, filter)?;
        let understood = Understood::new(&snap, filter.q.as_deref())?;
        let origin =
            request.origin.or_else(|| selected.values[MUNICIPALITY].and_then(|m| snap.catalogue.centres.get(usize::from(m)).copied()));
        let page = filter.page;
        let window = (usize::try_from(page.offset()).unwrap_or(usize::MAX), page.per_page as usize);
        // The best copy of a name stands for it unless the person's place decides.
        let grouped = selected.values[MUNICIPALITY].is_none();
        let ranked = match ranking {
            Ranking::CommonWords if request.sort == SearchSort::Relevance && (!grouped || request.origin.is_none()) => {
                self.ranked_word(&snap, &understood)?
            }
            _ => None,
        };
        let Lines { total, lines, page: shown, counts, all_words } = match ranked {
            Some(ranked) => self.lines_of_word(&snap, &understood, &selected, &ranked, grouped, window)?,
            None => self.lines_scored(&snap, &understood, &selected, request, origin, window)?,
        };
        let items: Vec<ServiceHit> = shown
            .iter()
            .map(|(f, copies, copies_total)| ServiceHit {
                snippet: if understood.is_empty() { Vec::new() } else { understood.snippet(&f.entry.text) },
                distance_km: f.distance.or_else(|| origin.and_then(|o| distance(&snap, f.entry, &o))).map(|d| (d * 10.0).round() / 10.0),
                service: f.entry.summary(),
                copies: copies_in_order(copies),
                copies_total: *copies_total,
            })
            .collect();
        let first_page = page.page == 1 && !understood.is_empty();
        let hits = if first_page { other_hits(&snap, &understood, all_words)? } else { Vec::new() };
        let mut situations = if first_page { self.top_situations(&snap, &understood, &hits, 3) } else { Vec::new() };
        // Browsing a theme (a category or a group of people, no words), or finding nothing: the
        // algorithms of that theme, so that a person who came for services finds the route too.
        let browsing = page.page == 1 && understood.is_empty();
        if situations.is_empty() && (total == 0 || browsing) {
            situations = related_situations(&snap, &selected, 3);
        }
        let organizations = if first_page {
            let city = selected.values[MUNICIPALITY].and_then(|m| snap.catalogue.municipality_ref(m));
            top(&hits, Kind::Organization, 5, |id| {
                snap.organizations
                    .get(&id)
                    .filter(|o| city.as_ref().is_none_or(|c| o.summary.municipalities.contains(c)))
                    .map(|o| o.summary.clone())
            })
        } else {
            Vec::new()
        };
        let facets = counts.facets(&snap, &selected);
        let mut advice =
            SearchAdvice { spelling: understood.respelled(), ignored_words: understood.ignored.clone(), ..SearchAdvice::default() };
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
            pages: page.pages(lines),
            all_words,
            facets,
            situations,
            organizations,
            advice,
        })
    }

    /// The situations to show above the results: those the query names in their title, summary
    /// or whom they concern («инвалидность ребенку», «умер родственник»), not any whose long
    /// description happens to have the words. Those with a word in the title come first (up to
    /// `limit` of them); if none has, only the best of the rest is shown, so that a common word
    /// («бесплатно») does not push the services down.
    fn top_situations(&self, snap: &Snapshot, understood: &Understood, hits: &[Hit], limit: usize) -> Vec<SituationHit> {
        let mut named: Vec<(usize, usize, Score, &SituationEntry)> = hits
            .iter()
            .filter(|h| h.kind == Kind::Situation)
            .filter_map(|h| snap.situations.get(&h.id).map(|s| (h.score, s.as_ref())))
            .filter(|(_, s)| understood.covers(&s.headline))
            .map(|(score, s)| (understood.covered(&s.title), understood.covered(&s.about), score, s))
            .collect();
        named.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(b.2.total_cmp(&a.2)).then(a.3.position.cmp(&b.3.position)));
        let titled = named.iter().take_while(|(in_title, ..)| *in_title > 0).count();
        named
            .into_iter()
            .take(if titled > 0 { titled.min(limit) } else { 1 })
            .map(|(.., s)| SituationHit { situation: s.summary.clone(), snippet: understood.snippet(&s.text) })
            .collect()
    }

    /// The `q` of `GET /services`: the same search, as a plain page of services.
    pub fn services(&self, filter: &ServiceFilter) -> Result<(Vec<ServiceSummary>, u64), SearchError> {
        self.services_ranked(filter, Ranking::CommonWords)
    }

    fn services_ranked(&self, filter: &ServiceFilter, ranking: Ranking) -> Result<(Vec<ServiceSummary>, u64), SearchError> {
        let snap = self.snapshot();
        let selected = Selected::new(&snap, filter)?;
        let understood = Understood::new(&snap, filter.q.as_deref())?;
        if understood.is_empty() {
            // No words: the filters' sets, walked in name order as far as the page.
            let kept = selected.narrowed(&snap.membership.live, None);
            let offset = usize::try_from(filter.page.offset()).unwrap_or(usize::MAX);
            let items = snap
                .listed
                .services
                .iter()
                .filter(|&&slot| kept.contains(slot))
                .skip(offset)
                .take(filter.page.per_page as usize)
                .filter_map(|&slot| Some(entry(&snap, slot)?.1.summary()))
                .collect();
            return Ok((items, kept.len() as u64));
        }
        let offset = usize::try_from(filter.page.offset()).unwrap_or(usize::MAX);
        let per_page = filter.page.per_page as usize;
        let ranked = if ranking == Ranking::CommonWords { self.ranked_word(&snap, &understood)? } else { None };
        if let Some(ranked) = ranked {
            let kept = selected.narrowed(&understood.services(&snap, true)?.matched, None);
            let total = if selected.is_everything() { ranked.services } else { snap.ranked.groups(&snap).count(&kept).0 };
            let items = ranked
                .order
                .iter()
                .filter(|&&slot| kept.contains(slot))
                .skip(offset)
                .take(per_page)
                .filter_map(|&slot| Some(entry(&snap, slot)?.1.summary()))
                .collect();
            return Ok((items, total));
        }
        let mut found = self.run(&snap, &understood, &selected, true)?.found;
        let total = found.len() as u64;
        let items = page_of(&mut found, offset, per_page, by_score).iter().map(|f| f.entry.summary()).collect();
        Ok((items, total))
    }

    /// [`Self::services`] scoring every match even for a common word (for the tests).
    #[doc(hidden)]
    pub fn services_scoring_everything(&self, filter: &ServiceFilter) -> Result<(Vec<ServiceSummary>, u64), SearchError> {
        self.services_ranked(filter, Ranking::Exhaustive)
    }

    /// The slugs of every service matching `q`, best first: the HSDS API's `search`, which
    /// pages and filters on its own.
    pub fn matching_services(&self, q: &str) -> Result<Vec<String>, SearchError> {
        let snap = self.snapshot();
        let filter = ServiceFilter { q: Some(q.to_owned()), ..ServiceFilter::default() };
        let selected = Selected::new(&snap, &filter)?;
        let understood = Understood::new(&snap, filter.q.as_deref())?;
        let mut found = self.run(&snap, &understood, &selected, true)?.found;
        found.sort_by(by_score);
        Ok(found.iter().map(|f| f.entry.listing.slug.to_string()).collect())
    }

    /// The slugs of every organization matching `q`, best first (HSDS `search`).
    pub fn matching_organizations(&self, q: &str) -> Result<Vec<String>, SearchError> {
        let snap = self.snapshot();
        let understood = Understood::new(&snap, Some(q))?;
        let hits = other_hits(&snap, &understood, true)?;
        Ok(ranked(&hits, Kind::Organization, |id| snap.organizations.get(&id).map(|o| o.summary.slug.clone())).collect())
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
        let wanted = |o: &OrganizationSummary| {
            city.as_ref().is_none_or(|c| o.municipalities.contains(c))
                && filter.kind.is_none_or(|k| o.kind == k)
                && filter.sector.is_none_or(|s| o.sector == s)
        };
        let understood = Understood::new(&snap, filter.q.as_deref())?;
        if understood.is_empty() {
            return Ok(listed_page(snap.listed.organizations.iter().map(|o| &o.summary).filter(|o| wanted(o)), filter.page));
        }
        let hits = other_hits(&snap, &understood, true)?;
        let matching: Vec<_> =
            ranked(&hits, Kind::Organization, |id| snap.organizations.get(&id).filter(|o| wanted(&o.summary)).map(|o| o.summary.clone()))
                .collect();
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
        let wanted = |s: &SituationSummary| {
            group.as_ref().is_none_or(|g| s.target_groups.iter().any(|t| &t.slug == g))
                && category.is_none_or(|wanted| c.categories_with_groups(s.categories.iter().map(|x| x.slug.as_str())).contains(wanted))
        };
        let understood = Understood::new(&snap, filter.q.as_deref())?;
        if understood.is_empty() {
            return Ok(listed_page(snap.listed.situations.iter().map(|s| &s.summary).filter(|s| wanted(s)), filter.page));
        }
        let hits = other_hits(&snap, &understood, true)?;
        let matching: Vec<_> =
            ranked(&hits, Kind::Situation, |id| snap.situations.get(&id).filter(|s| wanted(&s.summary)).map(|s| s.summary.clone()))
                .collect();
        Ok(paged(matching, filter.page))
    }

    /// «Что случилось?»: the situations a person's own words point at, best first, each with how
    /// well it matches. A story is not a query: any of its words may match, and the rarer a word
    /// among the situations, the more it weighs («пенсия» in «муж умер, как получить пенсию»
    /// outweighs «получить»). A word in a situation's title adds as much again as the best match
    /// of the text, half that in its summary or whom it concerns, each in proportion to its
    /// rarity; the text's own score orders the rest.
    pub fn situations_for_story(&self, text: &str) -> Result<Vec<(String, Score)>, SearchError> {
        let snap = self.snapshot();
        let understood = Understood::new(&snap, Some(text))?;
        let hits = other_hits(&snap, &understood, false)?;
        let matched: Vec<(&SituationEntry, Score)> = hits
            .iter()
            .filter(|h| h.kind == Kind::Situation)
            .filter_map(|h| snap.situations.get(&h.id).map(|s| (s.as_ref(), h.score)))
            .collect();
        let best = matched.iter().map(|(_, score)| *score).fold(0.0, Score::max);
        // Rarity: ln(N / n) of the n situations having the word, over ln(N), so 1 for a word one
        // situation has and 0 for a word every one has; for a title's word, the geometric mean of
        // its rarity among the titles and among the whole texts (and so for the headlines):
        // «инвалидность» names a few situations though most mention it, «дом» of «детский дом»
        // names one though many mention it, and «оформить» names none.
        let all = snap.situations.len().max(2) as Score;
        let rarity = |stems_of: &dyn Fn(&SituationEntry) -> &HashSet<String>| -> Vec<Score> {
            let mut having = vec![0usize; understood.words.len()];
            for s in snap.situations.values() {
                for (count, within) in having.iter_mut().zip(understood.each_covered(stems_of(s))) {
                    *count += usize::from(within);
                }
            }
            having.iter().map(|&n| (all / n.max(1) as Score).ln() / all.ln()).collect()
        };
        let in_texts = rarity(&|s| &s.about);
        let with_texts = |field: Vec<Score>| -> Vec<Score> { field.iter().zip(&in_texts).map(|(f, t)| (f * t).sqrt()).collect() };
        let (in_titles, in_headlines) = (with_texts(rarity(&|s| &s.title)), with_texts(rarity(&|s| &s.headline)));
        let weigh = |stems: &HashSet<String>, rarity: &[Score]| -> Score {
            understood.each_covered(stems).zip(rarity).filter(|(within, _)| *within).map(|(_, r)| *r).sum()
        };
        let mut scored: Vec<(&SituationEntry, Score)> = matched
            .into_iter()
            .map(|(s, score)| (s, score + best * (weigh(&s.title, &in_titles) + 0.5 * weigh(&s.headline, &in_headlines))))
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.position.cmp(&b.0.position)));
        Ok(scored.into_iter().map(|(s, score)| (s.summary.slug.clone(), score)).collect())
    }

    /// Whether `q` has a word to search for (not only stop words such as «для» or punctuation).
    pub fn has_words(&self, q: &str) -> bool {
        !with_analyzer(|a| query_words(a, q)).is_empty()
    }

    /// `GET /api/v1/search/complete`: completions for what has been typed so far.
    pub fn complete(&self, request: &CompletionRequest) -> Vec<Completion> {
        self.snapshot().completions.complete(&request.q, request.limit)
    }
}

/// The service in `slot` with its score for the query's words.
fn scored<'a>(snap: &'a Snapshot, understood: &Understood, matched: &ServiceMatch, slot: u32) -> Option<Found<'a>> {
    let (record, entry) = entry(snap, slot)?;
    let length = snap.words.norms.get(slot as usize).copied().unwrap_or(1.0);
    let score = matched
        .words
        .iter()
        .enumerate()
        .filter(|(_, (set, _))| set.contains(slot))
        .map(|(i, (_, rarity))| rarity * (length + understood.boost(i, record, entry)))
        .sum();
    Some(Found { slot, entry, name_key: record.name_key, group: record.group, score, distance: None })
}

/// The service in `slot`: its record and its entry.
fn entry(snap: &Snapshot, slot: u32) -> Option<(&Slot, &ServiceEntry)> {
    Some((snap.slots.get(slot as usize)?, snap.entries.get(slot as usize)?.as_deref()?))
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

/// The most copies of one service a search line lists (it says how many there are): the
/// region's cities fit, and a longer list is read by no one on a phone.
const MAX_COPIES: usize = 15;

/// Splits `found` into one service per name group (the least by `better`) and the rest.
fn one_per_group<'a>(
    found: Vec<Found<'a>>,
    groups: usize,
    mut better: impl FnMut(&mut Found<'a>, &mut Found<'a>) -> Ordering,
) -> (Vec<Found<'a>>, Vec<Found<'a>>) {
    const NONE: u32 = u32::MAX;
    let mut chosen = vec![NONE; groups];
    let mut shown: Vec<Found> = Vec::with_capacity(found.len());
    let mut copies = Vec::new();
    for mut f in found {
        match chosen.get_mut(f.group as usize) {
            Some(place) if *place == NONE => {
                *place = u32::try_from(shown.len()).unwrap_or(NONE);
                shown.push(f);
            }
            Some(place) => {
                let current = &mut shown[*place as usize];
                if better(&mut f, current) == Ordering::Less {
                    std::mem::swap(current, &mut f);
                }
                copies.push(f);
            }
            None => shown.push(f),
        }
    }
    (shown, copies)
}

/// Copies as a search line lists them: by city.
fn copies_in_order(list: &[Found]) -> Vec<ServiceCopy> {
    let mut copies: Vec<ServiceCopy> = list
        .iter()
        .map(|f| {
            let s = &f.entry.listing;
            ServiceCopy {
                id: s.id,
                slug: s.slug.to_string(),
                municipalities: s.municipalities.iter().map(|m| m.as_ref().clone()).collect(),
            }
        })
        .collect();
    copies.sort_by(|a, b| {
        a.municipalities.first().map(|m| &m.name).cmp(&b.municipalities.first().map(|m| &m.name)).then_with(|| a.slug.cmp(&b.slug))
    });
    copies
}

/// Sorts just enough of `found` to return the page at `offset`.
fn page_of<'f, 'a>(
    found: &'f mut Vec<Found<'a>>,
    offset: usize,
    per_page: usize,
    order: impl Fn(&Found, &Found) -> Ordering,
) -> &'f [Found<'a>] {
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

/// Records of one kind in score order; `lookup` (which may filter and builds the answer) runs
/// only as far as the caller takes.
fn ranked<T>(hits: &[Hit], kind: Kind, lookup: impl Fn(i64) -> Option<T>) -> impl Iterator<Item = T> {
    let mut of_kind: Vec<(i64, Score)> = hits.iter().filter(|h| h.kind == kind).map(|h| (h.id, h.score)).collect();
    of_kind.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    of_kind.into_iter().filter_map(move |(id, _)| lookup(id))
}

/// The first `limit` records of [`ranked`]'s order that `lookup` keeps, ordering only a few times
/// as many as wanted unless `lookup` leaves too many out (a common word matches thousands).
fn top<T>(hits: &[Hit], kind: Kind, limit: usize, lookup: impl Fn(i64) -> Option<T>) -> Vec<T> {
    let order = |a: &(i64, Score), b: &(i64, Score)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    let mut of_kind: Vec<(i64, Score)> = hits.iter().filter(|h| h.kind == kind).map(|h| (h.id, h.score)).collect();
    let window = (limit * 4).min(of_kind.len());
    if window < of_kind.len() {
        of_kind.select_nth_unstable_by(window, order);
    }
    of_kind[..window].sort_unstable_by(order);
    let mut taken: Vec<T> = of_kind[..window].iter().filter_map(|&(id, _)| lookup(id)).take(limit).collect();
    if taken.len() < limit && window < of_kind.len() {
        let rest = &mut of_kind[window..];
        rest.sort_unstable_by(order);
        taken.extend(rest.iter().filter_map(|&(id, _)| lookup(id)).take(limit - taken.len()));
    }
    taken
}

/// Page `page` of a list walked in order, and the list's length: only the page is cloned.
fn listed_page<'a, T: Clone + 'a>(list: impl Iterator<Item = &'a T>, page: socio_domain::api::PageRequest) -> (Vec<T>, u64) {
    let offset = usize::try_from(page.offset()).unwrap_or(usize::MAX);
    let mut items = Vec::new();
    let mut total = 0;
    for (i, item) in list.enumerate() {
        if i >= offset && items.len() < page.per_page as usize {
            items.push(item.clone());
        }
        total += 1;
    }
    (items, total)
}

fn paged<T>(all: Vec<T>, page: socio_domain::api::PageRequest) -> (Vec<T>, u64) {
    let total = all.len() as u64;
    let offset = usize::try_from(page.offset()).unwrap_or(usize::MAX);
    (all.into_iter().skip(offset).take(page.per_page as usize).collect(), total)
}
