//! What a query means against one snapshot of the index: its words (known, misspelt, typed
//! halfway), the services they match, the tantivy query for the rest, the bonus for words in a
//! name, the snippets that mark them, and the spelling to offer.

use std::{
    borrow::Cow,
    cell::RefCell,
    collections::{HashMap, HashSet},
};

use socio_domain::api::{MAX_QUERY_WORDS, SnippetPart};
use tantivy::{
    DocSet, Score, TERMINATED, Term,
    query::{BooleanQuery, FuzzyTermQuery, Occur, Query, TermQuery},
    schema::{Field, IndexRecordOption},
    tokenizer::TextAnalyzer,
};

use crate::{
    analyzer::{Word, distance_within, query_words, russian, spans, words},
    index::{SearchError, ServiceEntry, Slot, Snapshot, stem_hash, stem_mark},
    slots::SlotSet,
    terms::{idf, matching},
};

thread_local! {
    static ANALYZER: RefCell<TextAnalyzer> = RefCell::new(russian());
}

pub(crate) fn with_analyzer<R>(f: impl FnOnce(&mut TextAnalyzer) -> R) -> R {
    ANALYZER.with(|a| f(&mut a.borrow_mut()))
}

thread_local! {
    /// Stems of the words snippets have met: the texts of a catalogue repeat the same few
    /// thousand words, and stemming each anew was most of a snippet's cost.
    static STEMS: RefCell<HashMap<String, Option<String>>> = RefCell::new(HashMap::new());
}
/// Words remembered per thread before the memo starts afresh.
const STEMS_KEPT: usize = 50_000;

/// The stem of one lowercased word, as the analyzer makes it.
fn stem_of(lower: &str) -> Option<String> {
    STEMS.with(|memo| {
        if let Some(stem) = memo.borrow().get(lower) {
            return stem.clone();
        }
        let stem = with_analyzer(|a| words(a, lower)).pop().map(|w| w.stem);
        let mut memo = memo.borrow_mut();
        if memo.len() >= STEMS_KEPT {
            memo.clear();
        }
        memo.insert(lower.to_owned(), stem.clone());
        stem
    })
}

/// Lowercase with `ё` as `е`, without the Unicode tables for Russian and Latin letters.
fn lower(c: char) -> char {
    match c {
        'А'..='Я' => char::from_u32(c as u32 + 32).unwrap_or(c),
        'ё' | 'Ё' => 'е',
        'A'..='Z' => c.to_ascii_lowercase(),
        'а'..='я' => c,
        c if c.is_ascii() => c,
        c => c.to_lowercase().next().unwrap_or(c),
    }
}

/// Words shorter than this get no typo tolerance: too many short words are one letter apart.
const FUZZY_FROM: usize = 6;
/// How many unknown words of one query are corrected: each is looked up in the vocabulary and
/// matched with a fuzzy automaton, so a long query of gibberish stays cheap.
const MAX_CORRECTED: usize = 4;
const SNIPPET_CHARS: usize = 200;
/// A word's weight in the name and the summary, added to BM25's length factor of the whole
/// text (at most (k1 + 1) / (1 + k1 (1 − b)) ≈ 1.7, for the shortest texts).
const NAME_BOOST: Score = 4.0;
const SUMMARY_BOOST: Score = 2.0;
/// Letters of a word compared with the wanted stems before it is stemmed for a snippet.
const HEAD: usize = 3;

/// A query word and whether the index knows its stem (unknown ones are probably typos).
pub(crate) struct QueryWord {
    word: Word,
    known: bool,
    /// An unknown word among the first [`MAX_CORRECTED`] of them: only those are corrected.
    looked_up: bool,
    last: bool,
    /// For an unknown long word: stems of the known words one typo away from it. Typos near the
    /// end change how a word is stemmed, so the whole written form is compared, not the stem.
    corrections: Vec<String>,
    /// For an unknown word: the most frequent known word closest to it, offered as a spelling.
    spelling: Option<String>,
    /// How the word was typed, when it is searched as its spelling instead.
    typed: Option<String>,
}

impl QueryWord {
    fn fuzzy(&self) -> bool {
        self.looked_up && self.word.lower.chars().count() >= FUZZY_FROM
    }
    fn prefix(&self) -> bool {
        !self.known && self.last && self.word.lower.chars().count() >= 3
    }
    /// Whether the word matches only its own stem (no typo, correction or prefix forms).
    fn exact(&self) -> bool {
        !self.fuzzy() && self.corrections.is_empty() && !self.prefix()
    }
}

/// The services matching a query's words, and each word's set with its weight for ranking.
pub(crate) struct ServiceMatch<'a> {
    pub(crate) matched: SlotSet,
    pub(crate) words: Vec<(Cow<'a, SlotSet>, Score)>,
}

/// The words of a query, understood against one snapshot.
pub(crate) struct Understood {
    pub(crate) words: Vec<QueryWord>,
    /// Hashes of the query's own stems.
    hashes: Vec<u64>,
    /// Stems to highlight: the query's own and those of its synonyms.
    stems: HashSet<String>,
    /// Words left out: past [`MAX_QUERY_WORDS`] different ones.
    pub(crate) ignored: Vec<String>,
    /// The query as searched: typed in the wrong keyboard layout, it is switched to Russian.
    query: String,
    switched: bool,
}

impl Understood {
    pub(crate) fn new(snap: &Snapshot, q: Option<&str>) -> Result<Self, SearchError> {
        let (query, switched) = switch_layout(snap, q.unwrap_or_default())?;
        let written = with_analyzer(|a| query_words(a, &query));
        let count = written.len();
        // A repeated word (in any form) counts once; past the cap, words are named, not searched.
        let (mut found, mut ignored, mut seen) = (Vec::new(), Vec::new(), HashSet::new());
        for (i, word) in written.into_iter().enumerate() {
            if !seen.insert(word.stem.clone()) {
                continue;
            }
            if found.len() < MAX_QUERY_WORDS {
                found.push((i, word));
            } else {
                ignored.push(word.lower.clone());
            }
        }
        let mut understood_words: Vec<QueryWord> = Vec::with_capacity(count);
        let mut unknown = 0;
        for (i, mut word) in found {
            let last = i + 1 == count;
            let mut known = in_index(snap, &word.stem)?;
            // A form no record has, whose stem the index knows, may still be a typo of another
            // word («едиое» is stemmed as «еда»): it counts against the same budget.
            let unseen = known && !last && !snap.vocabulary.contains_key(&word.lower);
            unknown += usize::from(!known || unseen);
            let looked_up = !known && unknown <= MAX_CORRECTED;
            let Closest { mut corrections, mut spelling, continued } =
                if looked_up { closest(snap, &word.lower, last)? } else { Closest::default() };
            if unseen && unknown <= MAX_CORRECTED {
                spelling = real_word_error(snap, &word)?;
            }
            // A misspelt word is searched as its spelling, so that it ranks as the corrected
            // query does; a last word that some known word begins with is being typed, not
            // misspelt, and stays a prefix.
            let mut typed = None;
            if let Some(better) = spelling.as_deref().filter(|_| !continued)
                && let Some(stem) = with_analyzer(|a| words(a, better)).pop().map(|w| w.stem)
            {
                typed = Some(std::mem::replace(&mut word.lower, better.to_owned()));
                word.stem = stem;
                known = true;
                corrections.clear();
                if understood_words.iter().any(|w| w.word.stem == word.stem) {
                    continue;
                }
            }
            let looked_up = looked_up && typed.is_none();
            understood_words.push(QueryWord { word, known, looked_up, last, corrections, spelling, typed });
        }
        let kept: Vec<Word> = understood_words.iter().map(|w| w.word.clone()).collect();
        let mut stems: HashSet<String> = kept.iter().map(|w| w.stem.clone()).collect();
        stems.extend(snap.synonyms.related_stems(&kept));
        stems.extend(understood_words.iter().flat_map(|w| w.corrections.iter().cloned()));
        let hashes = understood_words.iter().map(|w| stem_hash(&w.word.stem)).collect();
        Ok(Understood { words: understood_words, hashes, stems, ignored, query: query.into_owned(), switched })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// What one query word matches in `field`: its stem and, where they apply, its typo forms,
    /// corrections and completions.
    fn word_query(w: &QueryWord, field: Field) -> Box<dyn Query> {
        let term = |stem: &str| Term::from_field_text(field, stem);
        // Without term frequencies: a word repeated in a long description does not outrank it
        // named once; what ranks is rarity, text length and the bonus for the name and summary.
        let stem = &w.word.stem;
        let mut options: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Should, Box::new(TermQuery::new(term(stem), IndexRecordOption::Basic)))];
        if w.fuzzy() {
            options.push((Occur::Should, Box::new(FuzzyTermQuery::new(term(stem), 1, true))));
        }
        for correction in &w.corrections {
            options.push((Occur::Should, Box::new(TermQuery::new(term(correction), IndexRecordOption::Basic))));
        }
        if w.prefix() {
            options.push((Occur::Should, Box::new(FuzzyTermQuery::new_prefix(term(stem), 0, true))));
        }
        if options.len() == 1
            && let Some((_, only)) = options.pop()
        {
            return only;
        }
        Box::new(BooleanQuery::new(options))
    }

    /// The query over organizations and situations: every word (or, if not `all_words`, any).
    pub(crate) fn query(&self, snap: &Snapshot, all_words: bool) -> Box<dyn Query> {
        let occur = if all_words { Occur::Must } else { Occur::Should };
        Box::new(BooleanQuery::new(self.words.iter().map(|w| (occur, Self::word_query(w, snap.fields.other))).collect()))
    }

    /// The services having every word (or, if not `all_words`, any): a common word's set is
    /// taken as it is, the others are read from the postings.
    pub(crate) fn services<'s>(&self, snap: &'s Snapshot, all_words: bool) -> Result<ServiceMatch<'s>, SearchError> {
        let slots = snap.slots.len();
        let mut words = Vec::with_capacity(self.words.len());
        for w in &self.words {
            let set = match snap.words.dense(&w.word.stem).filter(|_| w.exact()) {
                Some(set) => Cow::Borrowed(set),
                None => Cow::Owned(matching(&snap.searcher, &*Self::word_query(w, snap.fields.all), &snap.keys, slots)?),
            };
            let weight = idf(set.len(), snap.services.len());
            words.push((set, weight));
        }
        let mut sets = words.iter().map(|(set, _)| set);
        let mut matched = sets.next().map_or_else(|| SlotSet::empty(slots), |first| first.as_ref().clone());
        for set in sets {
            if all_words { matched.intersect(set) } else { matched.unite(set) }
        }
        Ok(ServiceMatch { matched, words })
    }

    /// The stem of the query's only word, when it is exactly a common word of services: such a
    /// query ranks them the same whatever the filters (see [`crate::ranked`]).
    pub(crate) fn common_word(&self, snap: &Snapshot) -> Option<&str> {
        match self.words.as_slice() {
            [w] if w.exact() && snap.words.dense(&w.word.stem).is_some() => Some(&w.word.stem),
            _ => None,
        }
    }

    /// How much more than the rest of the text the name and the summary weigh for query word
    /// `i`: a word named there outranks the same word deep in a description, whatever the
    /// lengths. The slot's marks rule most words out without reading the entry.
    pub(crate) fn boost(&self, i: usize, slot: &Slot, e: &ServiceEntry) -> Score {
        let Some(&h) = self.hashes.get(i) else { return 0.0 };
        let bit = stem_mark(h);
        if slot.name_marks & bit != 0 && e.name_stems.binary_search(&h).is_ok() {
            NAME_BOOST
        } else if slot.summary_marks & bit != 0 && e.summary_stems.binary_search(&h).is_ok() {
            SUMMARY_BOOST
        } else {
            0.0
        }
    }

    /// Whether every query word is among `stems`.
    pub(crate) fn covers(&self, stems: &HashSet<String>) -> bool {
        self.covered(stems) == self.words.len()
    }

    /// How many query words are among `stems` (as themselves, a correction, a typo of one or
    /// the beginning of one).
    pub(crate) fn covered(&self, stems: &HashSet<String>) -> usize {
        self.each_covered(stems).filter(|within| *within).count()
    }

    /// For each query word, in order, whether it is among `stems` (as [`Self::covered`] counts).
    pub(crate) fn each_covered<'a>(&'a self, stems: &'a HashSet<String>) -> impl Iterator<Item = bool> + 'a {
        self.words.iter().map(|q| {
            stems.contains(&q.word.stem)
                || q.corrections.iter().any(|c| stems.contains(c))
                || stems
                    .iter()
                    .any(|s| (q.fuzzy() && distance_within(s, &q.word.stem, 1).is_some()) || (q.prefix() && s.starts_with(&q.word.stem)))
        })
    }

    fn matches(&self, word: &Word) -> bool {
        self.stems.contains(&word.stem)
            || self.words.iter().any(|q| {
                (q.fuzzy() && distance_within(&word.stem, &q.word.stem, 1).is_some()) || (q.prefix() && word.stem.starts_with(&q.word.stem))
            })
    }

    /// A window of `text` around the first match, split into marked and plain parts.
    pub(crate) fn snippet(&self, text: &str) -> Vec<SnippetPart> {
        // Only words that begin like some wanted stem (its first three letters, or two for a
        // two-letter stem) are worth lowercasing and stemming. Misspelt query words are covered
        // by their corrections, which are among the wanted stems.
        let head = |word: &str| {
            let mut head = [' '; HEAD];
            let mut len = 0;
            for (slot, c) in head.iter_mut().zip(word.chars().map(lower)) {
                *slot = c;
                len += 1;
            }
            (head, len)
        };
        let heads: Vec<([char; HEAD], usize)> =
            self.stems.iter().chain(self.words.iter().map(|w| &w.word.stem)).map(|s| head(s)).filter(|(_, len)| *len >= 2).collect();
        let mut matched = Vec::new();
        // Past this byte no word can be in the window (a char is at most four bytes).
        let mut beyond = usize::MAX;
        for (from, to) in spans(text) {
            if from > beyond {
                break;
            }
            let (start, _) = head(&text[from..to]);
            if !heads.iter().any(|(wanted, len)| wanted[..*len] == start[..*len]) {
                continue;
            }
            let word: String = text[from..to].chars().map(lower).collect();
            if let Some(stem) = stem_of(&word)
                && let word = (Word { from, to, lower: word, stem })
                && self.matches(&word)
            {
                if matched.is_empty() {
                    beyond = from + SNIPPET_CHARS * 4;
                }
                matched.push(word);
            }
        }
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
        for w in matched.iter().filter(|w| w.from >= start && w.to <= end) {
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

    /// The query as searched, if it is not what was typed: in the Russian layout, with each
    /// misspelt word replaced by its spelling (and, for a word being typed, the spelling offered).
    pub(crate) fn respelled(&self) -> Option<String> {
        let mut out = self.query.to_lowercase().replace('ё', "е");
        let mut changed = self.switched;
        for w in &self.words {
            let typed = w.typed.as_deref().unwrap_or(&w.word.lower);
            if let Some(better) = &w.spelling {
                out = out.replacen(typed, better, 1);
                changed = true;
            }
        }
        changed.then_some(out)
    }
}

/// What one scan of the vocabulary finds for an unknown word.
#[derive(Default)]
struct Closest {
    /// Stems of known words one edit away (for words of 6+ letters).
    corrections: Vec<String>,
    /// The most frequent closest word (two edits allowed for long words, one for shorter;
    /// nothing under four letters).
    spelling: Option<String>,
    /// For the last word of a query: some known word begins with it (it is being typed).
    continued: bool,
}

/// One scan of the vocabulary for an unknown word.
///
/// The vocabulary only ever grows (a word is not forgotten when the last record using it is
/// withdrawn), so a word is offered only if its stem is still in the index.
fn closest(snap: &Snapshot, lower: &str, last: bool) -> Result<Closest, SearchError> {
    let len = lower.chars().count();
    if len < 4 {
        let continued = last && len >= 3 && snap.vocabulary.keys().any(|word| word.starts_with(lower));
        return Ok(Closest { continued, ..Closest::default() });
    }
    let max = if len >= FUZZY_FROM { 2 } else { 1 };
    let mut continued = false;
    let mut candidates: Vec<(usize, std::cmp::Reverse<u32>, &str)> = snap
        .vocabulary
        .iter()
        .filter_map(|(word, count)| {
            continued |= last && word.starts_with(lower);
            distance_within(lower, word, max).map(|d| (d, std::cmp::Reverse(*count), word.as_str()))
        })
        .collect();
    candidates.sort_unstable();
    let mut found = Closest { continued, ..Closest::default() };
    for (d, _, word) in candidates {
        let Some(stem) = with_analyzer(|a| words(a, word)).pop().map(|w| w.stem) else { continue };
        if !in_index(snap, &stem)? {
            continue;
        }
        found.spelling.get_or_insert_with(|| word.to_owned());
        if d <= 1 && len >= FUZZY_FROM {
            found.corrections.push(stem);
        }
    }
    found.corrections.sort_unstable();
    found.corrections.dedup();
    Ok(found)
}

/// For a form no record has, whose stem the index knows: a known word of another stem one edit
/// from it, when no form of its own stem is as close («едиое» is one letter from «единое» and
/// three from «еда»; «ребенку» is one from «ребенка», the same stem, and stays as it is).
fn real_word_error(snap: &Snapshot, typed: &Word) -> Result<Option<String>, SearchError> {
    if typed.lower.chars().count() < 5 || !typed.lower.chars().all(char::is_alphabetic) {
        return Ok(None);
    }
    let mut near: Vec<(std::cmp::Reverse<u32>, &str)> = Vec::new();
    for (word, count) in snap.vocabulary.iter() {
        if distance_within(&typed.lower, word, 1).is_some() {
            near.push((std::cmp::Reverse(*count), word.as_str()));
        }
    }
    near.sort_unstable();
    let mut other = None;
    for (_, word) in near {
        let Some(stem) = with_analyzer(|a| words(a, word)).pop().map(|w| w.stem) else { continue };
        if stem == typed.stem {
            return Ok(None);
        }
        if other.is_none() && in_index(snap, &stem)? {
            other = Some(word.to_owned());
        }
    }
    Ok(other)
}

/// The keys of the Latin layout and the Russian letters on them (ЙЦУКЕН over QWERTY).
const LAYOUT: [(char, char); 33] = [
    ('q', 'й'),
    ('w', 'ц'),
    ('e', 'у'),
    ('r', 'к'),
    ('t', 'е'),
    ('y', 'н'),
    ('u', 'г'),
    ('i', 'ш'),
    ('o', 'щ'),
    ('p', 'з'),
    ('[', 'х'),
    (']', 'ъ'),
    ('a', 'ф'),
    ('s', 'ы'),
    ('d', 'в'),
    ('f', 'а'),
    ('g', 'п'),
    ('h', 'р'),
    ('j', 'о'),
    ('k', 'л'),
    ('l', 'д'),
    (';', 'ж'),
    ('\'', 'э'),
    ('z', 'я'),
    ('x', 'ч'),
    ('c', 'с'),
    ('v', 'м'),
    ('b', 'и'),
    ('n', 'т'),
    ('m', 'ь'),
    (',', 'б'),
    ('.', 'ю'),
    ('`', 'ё'),
];

/// The Russian letter on a Latin key, if the character is on one.
fn russian_key(c: char) -> Option<char> {
    let lower = c.to_ascii_lowercase();
    LAYOUT.iter().find(|(latin, _)| *latin == lower).map(|(_, russian)| *russian)
}

/// The query with each word typed in the Latin layout by mistake («gjcj,bt») in Russian
/// («пособие»): a word of Latin keys that the index does not know, whose Russian reading it
/// does. Whether anything was switched comes second.
fn switch_layout<'q>(snap: &Snapshot, q: &'q str) -> Result<(Cow<'q, str>, bool), SearchError> {
    let mut out = String::with_capacity(q.len() * 2);
    let mut switched = false;
    for (i, chunk) in q.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let on_keys = chunk.chars().any(|c| c.is_ascii_alphabetic()) && chunk.chars().all(|c| russian_key(c).is_some());
        if on_keys && !knows_any(snap, chunk)? {
            let russian: String = chunk.chars().filter_map(russian_key).collect();
            if knows_any(snap, &russian)? {
                out.push_str(&russian);
                switched = true;
                continue;
            }
        }
        out.push_str(chunk);
    }
    Ok(if switched { (Cow::Owned(out), true) } else { (Cow::Borrowed(q), false) })
}

/// Whether the index knows a stem of the text's words.
fn knows_any(snap: &Snapshot, text: &str) -> Result<bool, SearchError> {
    for word in with_analyzer(|a| query_words(a, text)) {
        if in_index(snap, &word.stem)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether some live record has the stem (services, organizations or situations). Document
/// frequencies would count withdrawn records until their segment is merged away.
fn in_index(snap: &Snapshot, stem: &str) -> Result<bool, SearchError> {
    for field in [snap.fields.all, snap.fields.other] {
        let term = Term::from_field_text(field, stem);
        for segment in snap.searcher.segment_readers() {
            let Some(mut postings) = segment.inverted_index(field)?.read_postings(&term, IndexRecordOption::Basic)? else { continue };
            let alive = segment.alive_bitset();
            while postings.doc() != TERMINATED {
                if alive.is_none_or(|a| a.is_alive(postings.doc())) {
                    return Ok(true);
                }
                postings.advance();
            }
        }
    }
    Ok(false)
}
