//! The index itself: a tantivy index in RAM for the words, and the records it points to kept in
//! memory next to it, so a search is answered without touching the database.
//!
//! Readers take an immutable [`Snapshot`] (an `Arc`); a change builds the next snapshot and swaps
//! it in, so searches never wait for indexing and always see one consistent state.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex, RwLock},
};

use chrono::{DateTime, Utc};
use socio_domain::{
    Coordinates,
    api::{OrganizationSummary, ServiceSummary, SituationSummary},
    feed::{Catalogue, Feed, OrganizationDocument, Record, ServiceDocument, SituationDocument},
    text::fold,
};
use tantivy::{
    Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
    schema::{FAST, Field, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions},
    tokenizer::TextAnalyzer,
};

use crate::{
    analyzer::{ANALYZER, prepare, russian, words},
    catalogue::{Bits, Interned},
    completion::Completions,
    facets::Membership,
    listing::{Listing, References},
    ranked::Ranked,
    synonyms::Synonyms,
    terms::ServiceWords,
};

/// What can go wrong inside the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// A filter names a value that does not exist.
    #[error("unknown value «{value}» of {field}")]
    UnknownValue { field: &'static str, value: String },
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index: reading postings: {0}")]
    Read(#[from] std::io::Error),
}

/// Record kinds, stored in the top bits of the `key` fast field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Service = 0,
    Organization = 1,
    Situation = 2,
}

impl Kind {
    fn uid(self, id: i64) -> String {
        let prefix = match self {
            Kind::Service => 's',
            Kind::Organization => 'o',
            Kind::Situation => 'c',
        };
        format!("{prefix}{id}")
    }

    /// The `key` of a record: its kind and, for a service, its slot, for others their id.
    pub(crate) fn key(self, value: u64) -> u64 {
        (self as u64) << KEY_BITS | (value & KEY_MASK)
    }

    pub(crate) fn from_u64(value: u64) -> Option<Self> {
        match value {
            0 => Some(Kind::Service),
            1 => Some(Kind::Organization),
            2 => Some(Kind::Situation),
            _ => None,
        }
    }
}

pub(crate) const KEY_BITS: u32 = 40;
pub(crate) const KEY_MASK: u64 = (1 << KEY_BITS) - 1;

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub uid: Field,
    /// Kind and slot (services) or id (others), one column so a match costs one read.
    pub key: Field,
    /// A service's name, summary, categories, target groups, organization, cities, description
    /// and the synonyms of what they mention: every query word must match here.
    pub all: Field,
    /// The same for organizations and situations, kept apart so that finding services never
    /// walks their postings, nor finding them the services'.
    pub other: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(TextFieldIndexing::default().set_tokenizer(ANALYZER).set_index_option(IndexRecordOption::WithFreqs));
    let fields = Fields {
        uid: builder.add_text_field("uid", STRING),
        key: builder.add_u64_field("key", FAST),
        all: builder.add_text_field("all", text.clone()),
        other: builder.add_text_field("other", text),
    };
    (builder.build(), fields)
}

/// A service's filter values, interned and packed: searches check these for every match, so
/// they sit in one dense array (in index order) rather than behind a pointer per service.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Filters {
    pub municipalities: Bits,
    pub categories: Bits,
    pub target_groups: Bits,
    pub formats: Bits,
    pub cost: u16,
    pub age_min: u8,
    /// 255 when there is no upper limit.
    pub age_max: u8,
}

impl Filters {
    pub(crate) fn available_at(&self, age: u16) -> bool {
        u16::from(self.age_min) <= age && age <= u16::from(self.age_max)
    }
}

/// A service's place in the dense array; `id == FREE` marks a slot left by a withdrawn service.
/// Besides the filters it holds what ordering a long list of matches needs, so that most of them
/// are ranked without reading their entry.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Slot {
    pub id: i64,
    pub organization: i64,
    pub filters: Filters,
    /// The first bytes of the folded name, in the order of the whole names.
    pub name_key: u128,
    /// A bit per stem hash (modulo 64) of the name and of the summary: a query word whose bit is
    /// not set is surely not there.
    pub name_marks: u64,
    pub summary_marks: u64,
    /// Services with the same name (copies of one service in several cities) share a group:
    /// with no city chosen, a search shows each group once.
    pub group: u32,
}

impl Slot {
    fn of(entry: &ServiceEntry, group: u32) -> Self {
        let marks = |hashes: &[u64]| hashes.iter().fold(0, |marks, &h| marks | stem_mark(h));
        let mut key = [0u8; 16];
        for (byte, name) in key.iter_mut().zip(entry.sort_name.bytes()) {
            *byte = name;
        }
        Slot {
            id: entry.id(),
            organization: entry.listing.organization.id,
            filters: entry.filters,
            name_key: u128::from_be_bytes(key),
            name_marks: marks(&entry.name_stems),
            summary_marks: marks(&entry.summary_stems),
            group,
        }
    }
}

pub(crate) const FREE: i64 = -1;

/// A service as searches need it: its list record, the text to quote, and interned filter values.
#[derive(Debug)]
pub(crate) struct ServiceEntry {
    pub listing: Listing,
    /// The summary, a space and the rest of the text: snippets quote it, and its first
    /// `summary_len` bytes are the list record's summary.
    pub text: Box<str>,
    pub summary_len: usize,
    pub filters: Filters,
    /// Hashes of the stems of the name and the summary: matches there rank higher.
    pub name_stems: Box<[u64]>,
    pub summary_stems: Box<[u64]>,
    pub points: Box<[Coordinates]>,
    pub sort_name: Box<str>,
    pub updated_at: DateTime<Utc>,
}

impl ServiceEntry {
    pub(crate) fn id(&self) -> i64 {
        self.listing.id
    }

    pub(crate) fn summary_text(&self) -> &str {
        self.text.get(..self.summary_len).unwrap_or_default()
    }

    /// The list record as the API answers it.
    pub(crate) fn summary(&self) -> ServiceSummary {
        self.listing.summary(self.summary_text())
    }
}

#[derive(Debug)]
pub(crate) struct OrganizationEntry {
    pub summary: OrganizationSummary,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug)]
pub(crate) struct SituationEntry {
    pub summary: SituationSummary,
    pub text: String,
    /// The stems of the title, with their synonyms: the words a situation is named by.
    pub title: HashSet<String>,
    /// The same of the title, the summary and whom it concerns: a search shows the situation
    /// above its results only if these have every word (the kinds of help it leads to do not
    /// count: «такси» is a service, not a situation).
    pub headline: HashSet<String>,
    /// The same of the summary and the description.
    pub about: HashSet<String>,
    /// The situation's place in the editors' order.
    pub position: i32,
    pub updated_at: DateTime<Utc>,
}

/// One consistent state of the index, shared by the searches running on it.
pub(crate) struct Snapshot {
    pub searcher: Searcher,
    /// The `key` of every document, per segment: a plain array read instead of decoding the fast
    /// field for each match.
    pub keys: Arc<Vec<Vec<u64>>>,
    pub fields: Fields,
    pub catalogue: Arc<Interned>,
    pub synonyms: Arc<Synonyms>,
    pub services: Arc<HashMap<i64, Arc<ServiceEntry>>>,
    pub slots: Arc<Vec<Slot>>,
    /// The entry of each slot's service.
    pub entries: Arc<Vec<Option<Arc<ServiceEntry>>>>,
    /// The slots of each filter value.
    pub membership: Arc<Membership>,
    /// The common words of services as slot sets, and their text lengths.
    pub words: Arc<ServiceWords>,
    pub organizations: Arc<HashMap<i64, Arc<OrganizationEntry>>>,
    pub situations: Arc<HashMap<i64, Arc<SituationEntry>>>,
    pub completions: Arc<Completions>,
    /// Words seen in records with how often, for «did you mean».
    pub vocabulary: Arc<HashMap<String, u32>>,
    /// How many name groups the slots refer to (see [`Slot::group`]).
    pub groups: usize,
    /// The records in the order of a list without words.
    pub listed: Arc<Listed>,
    /// Common words' services in score order, made by the first search for each.
    pub ranked: Ranked,
}

/// The order of the lists without words, made once per snapshot: a page of the catalogue is then
/// the first matches met walking it, not a sort of every match.
#[derive(Debug, Default)]
pub(crate) struct Listed {
    /// The live services' slots by name: the first bytes of the folded name, the folded name,
    /// then the id.
    pub services: Vec<u32>,
    /// Organizations by folded name, then id.
    pub organizations: Vec<Arc<OrganizationEntry>>,
    /// Situations in the editors' order, then id.
    pub situations: Vec<Arc<SituationEntry>>,
}

impl crate::memory::Heap for Listed {
    fn heap(&self) -> usize {
        use std::mem::size_of;
        self.services.heap() + (self.organizations.capacity() + self.situations.capacity()) * size_of::<usize>()
    }
}

impl Listed {
    fn new(
        slots: &[Slot],
        entries: &[Option<Arc<ServiceEntry>>],
        organizations: &HashMap<i64, Arc<OrganizationEntry>>,
        situations: &HashMap<i64, Arc<SituationEntry>>,
    ) -> Self {
        let name = |slot: u32| entries.get(slot as usize).and_then(Option::as_deref).map_or("", |e| &*e.sort_name);
        let mut services: Vec<u32> = (0..slots.len())
            .filter(|&s| slots[s].id != FREE && entries.get(s).is_some_and(Option::is_some))
            .filter_map(|s| u32::try_from(s).ok())
            .collect();
        services.sort_unstable_by(|&a, &b| {
            let (x, y) = (&slots[a as usize], &slots[b as usize]);
            x.name_key.cmp(&y.name_key).then_with(|| name(a).cmp(name(b))).then(x.id.cmp(&y.id))
        });
        let mut organizations: Vec<(String, Arc<OrganizationEntry>)> =
            organizations.values().map(|o| (fold(&o.summary.name), o.clone())).collect();
        organizations.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.summary.id.cmp(&b.1.summary.id)));
        let mut situations: Vec<(i32, i64, Arc<SituationEntry>)> = situations.iter().map(|(&id, s)| (s.position, id, s.clone())).collect();
        situations.sort_unstable_by_key(|&(position, id, _)| (position, id));
        Listed {
            services,
            organizations: organizations.into_iter().map(|(_, o)| o).collect(),
            situations: situations.into_iter().map(|(.., s)| s).collect(),
        }
    }
}

struct Writer {
    writer: IndexWriter,
    reader: IndexReader,
    analyzer: TextAnalyzer,
    services: Arc<HashMap<i64, Arc<ServiceEntry>>>,
    slots: Arc<Vec<Slot>>,
    slot_of: HashMap<i64, u32>,
    free: Vec<u32>,
    organizations: Arc<HashMap<i64, Arc<OrganizationEntry>>>,
    situations: Arc<HashMap<i64, Arc<SituationEntry>>>,
    vocabulary: Arc<HashMap<String, u32>>,
    /// The group of each folded service name; a name once seen keeps its number.
    groups: HashMap<String, u32>,
    /// The organizations, categories, groups and cities services refer to, each kept once.
    references: References,
    /// The reference data the entries are interned against, and what it was made from.
    catalogue: Arc<Interned>,
    source: Catalogue,
}

/// The search index of one API replica.
pub struct SearchIndex {
    fields: Fields,
    synonyms: Arc<Synonyms>,
    writer: Mutex<Writer>,
    snapshot: RwLock<Arc<Snapshot>>,
    /// Counts the snapshots made: equal numbers, equal answers (for caches of answers).
    generation: std::sync::atomic::AtomicU64,
}

impl SearchIndex {
    /// Builds the index from a full feed.
    pub fn build(catalogue: &Catalogue, feed: Feed) -> Result<Self, SearchError> {
        let catalogue_source = catalogue;
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(ANALYZER, russian());
        let writer = index.writer_with_num_threads(2, 60_000_000)?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let mut analyzer = russian();
        let synonyms = Arc::new(Synonyms::load(&mut analyzer));
        let catalogue = Arc::new(Interned::new(catalogue));
        let snapshot = Arc::new(Snapshot {
            searcher: reader.searcher(),
            keys: Arc::default(),
            fields,
            catalogue: catalogue.clone(),
            synonyms: synonyms.clone(),
            services: Arc::default(),
            slots: Arc::default(),
            entries: Arc::default(),
            membership: Arc::default(),
            words: Arc::default(),
            organizations: Arc::default(),
            situations: Arc::default(),
            completions: Arc::default(),
            vocabulary: Arc::default(),
            groups: 0,
            listed: Arc::default(),
            ranked: Ranked::default(),
        });
        let search = SearchIndex {
            fields,
            synonyms,
            writer: Mutex::new(Writer {
                writer,
                reader,
                analyzer,
                services: Arc::default(),
                slots: Arc::default(),
                slot_of: HashMap::new(),
                free: Vec::new(),
                organizations: Arc::default(),
                situations: Arc::default(),
                vocabulary: Arc::default(),
                groups: HashMap::new(),
                catalogue,
                references: References::default(),
                source: catalogue_source.clone(),
            }),
            snapshot: RwLock::new(snapshot),
            generation: std::sync::atomic::AtomicU64::new(0),
        };
        search.apply(feed)?;
        Ok(search)
    }

    /// Re-indexes changed records and drops withdrawn ones; searches see the change at once.
    /// Returns how many records changed.
    pub fn apply(&self, feed: Feed) -> Result<usize, SearchError> {
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let Writer {
            writer,
            reader,
            analyzer,
            services,
            slots,
            slot_of,
            free,
            organizations,
            situations,
            vocabulary,
            groups,
            catalogue,
            references,
            ..
        } = &mut *w;
        let catalogue = catalogue.clone();
        let mut changed = 0;
        let f = self.fields;

        let mut forget = |kind: Kind, id: i64, held: bool| {
            if held {
                writer.delete_term(Term::from_field_text(f.uid, &kind.uid(id)));
                changed += 1;
            }
        };
        for id in feed.removed_services {
            forget(Kind::Service, id, Arc::make_mut(services).remove(&id).is_some());
            if let Some(slot) = slot_of.remove(&id) {
                Arc::make_mut(slots)[slot as usize].id = FREE;
                free.push(slot);
            }
        }
        for id in feed.removed_organizations {
            forget(Kind::Organization, id, Arc::make_mut(organizations).remove(&id).is_some());
        }
        for id in feed.removed_situations {
            forget(Kind::Situation, id, Arc::make_mut(situations).remove(&id).is_some());
        }
        let vocabulary = Arc::make_mut(vocabulary);
        for doc in feed.services {
            // Unchanged as the index holds it (an organization's edit re-feeds all its services):
            // nothing to do. An address edit changes only the text or the points.
            if services.get(&doc.summary.id).is_some_and(|e| {
                e.updated_at == doc.updated_at
                    && e.listing.is(&doc.summary)
                    && e.summary_text() == doc.summary.summary
                    && *e.points == *doc.points
                    && e.text.len() == doc.summary.summary.len() + 1 + doc.body.len()
                    && e.text.ends_with(doc.body.as_str())
            }) {
                continue;
            }
            let entry = Self::service_entry(&catalogue, &self.synonyms, analyzer, references, doc);
            writer.delete_term(Term::from_field_text(f.uid, &Kind::Service.uid(entry.id())));
            let s = &entry.listing;
            let text = [
                &*s.name,
                &entry.text,
                &joined(s.categories.iter().map(|c| c.name.as_str())),
                &joined(s.target_groups.iter().map(|t| t.name.as_str())),
                &s.organization.name,
                s.organization.short_name.as_deref().unwrap_or_default(),
                &joined(s.municipalities.iter().map(|m| m.name.as_str())),
            ]
            .join(" ");
            let slot = match slot_of.get(&s.id) {
                Some(&slot) => slot,
                None => {
                    let slot = free.pop().unwrap_or_else(|| u32::try_from(slots.len()).unwrap_or(u32::MAX));
                    slot_of.insert(s.id, slot);
                    slot
                }
            };
            let next_group = u32::try_from(groups.len()).unwrap_or(u32::MAX);
            let group = *groups.entry(entry.sort_name.to_string()).or_insert(next_group);
            let record = Slot::of(&entry, group);
            match Arc::make_mut(slots).get_mut(slot as usize) {
                Some(existing) => *existing = record,
                None => Arc::make_mut(slots).push(record),
            }
            writer.add_document(self.document(analyzer, vocabulary, Kind::Service, s.id, u64::from(slot), &text))?;
            Arc::make_mut(services).insert(entry.id(), Arc::new(entry));
            changed += 1;
        }
        for doc in feed.organizations {
            if organizations.get(&doc.summary.id).is_some_and(|e| e.updated_at == doc.updated_at && e.summary == doc.summary) {
                continue;
            }
            let OrganizationDocument { summary: s, description, updated_at } = doc;
            writer.delete_term(Term::from_field_text(f.uid, &Kind::Organization.uid(s.id)));
            let text = [
                s.name.as_str(),
                s.short_name.as_deref().unwrap_or_default(),
                s.kind.label(),
                s.sector.label(),
                &joined(s.municipalities.iter().map(|m| m.name.as_str())),
                &description,
            ]
            .join(" ");
            let key = u64::try_from(s.id).unwrap_or_default();
            writer.add_document(self.document(analyzer, vocabulary, Kind::Organization, s.id, key, &text))?;
            Arc::make_mut(organizations).insert(s.id, Arc::new(OrganizationEntry { summary: s, updated_at }));
            changed += 1;
        }
        for doc in feed.situations {
            if situations.get(&doc.id).is_some_and(|e| e.updated_at == doc.updated_at && e.summary == doc.summary) {
                continue;
            }
            let SituationDocument { id, position, summary: s, body, updated_at } = doc;
            writer.delete_term(Term::from_field_text(f.uid, &Kind::Situation.uid(id)));
            let text = [
                s.title.as_str(),
                &s.summary,
                &joined(s.categories.iter().map(|c| c.name.as_str())),
                &joined(s.target_groups.iter().map(|t| t.name.as_str())),
                &body,
            ]
            .join(" ");
            let key = u64::try_from(id).unwrap_or_default();
            writer.add_document(self.document(analyzer, vocabulary, Kind::Situation, id, key, &text))?;
            let title = self.synonyms.stems_with_synonyms(analyzer, &s.title);
            let mut headline = title.clone();
            let rest = [s.summary.as_str(), &joined(s.target_groups.iter().map(|t| t.name.as_str()))].join(" ");
            headline.extend(self.synonyms.stems_with_synonyms(analyzer, &rest));
            let text = format!("{} {body}", s.summary);
            let about = self.synonyms.stems_with_synonyms(analyzer, &text);
            Arc::make_mut(situations)
                .insert(id, Arc::new(SituationEntry { text, title, headline, about, summary: s, position, updated_at }));
            changed += 1;
        }
        if changed == 0 {
            return Ok(0);
        }
        writer.commit()?;
        reader.reload()?;
        references.prune();
        let completions = Arc::new(Completions::build(&catalogue, &self.synonyms, services, situations));
        let searcher = reader.searcher();
        let keys = segment_keys(&searcher)?;
        let entries = slot_entries(services, slot_of, slots.len());
        let next = Arc::new(Snapshot {
            listed: Arc::new(Listed::new(slots, &entries, organizations, situations)),
            words: Arc::new(ServiceWords::build(&searcher, f.all, &keys, slots.len())?),
            keys: Arc::new(keys),
            searcher,
            fields: f,
            catalogue: catalogue.clone(),
            synonyms: self.synonyms.clone(),
            services: services.clone(),
            membership: Arc::new(Membership::build(slots, catalogue.membership_sizes())),
            entries: Arc::new(entries),
            slots: slots.clone(),
            organizations: organizations.clone(),
            situations: situations.clone(),
            completions,
            vocabulary: w.vocabulary.clone(),
            groups: w.groups.len(),
            ranked: Ranked::default(),
        });
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = next;
        self.generation.fetch_add(1, std::sync::atomic::Ordering::Release);
        Ok(changed)
    }

    /// Whether the index was built over this reference data.
    pub fn has_catalogue(&self, catalogue: &Catalogue) -> bool {
        self.writer.lock().unwrap_or_else(|e| e.into_inner()).source == *catalogue
    }

    /// Starts afresh over new reference data (a city, category or target group added, renamed
    /// or removed: every entry's interned filters change) from a full feed; searches go on over
    /// the old snapshot until the new one is in place. Returns how many services it holds.
    pub fn rebuild(&self, catalogue: &Catalogue, feed: Feed) -> Result<usize, SearchError> {
        let fresh = SearchIndex::build(catalogue, feed)?;
        let services = fresh.service_count();
        let SearchIndex { writer, snapshot, .. } = fresh;
        let mut current = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        *current = writer.into_inner().unwrap_or_else(|e| e.into_inner());
        *self.snapshot.write().unwrap_or_else(|e| e.into_inner()) = snapshot.into_inner().unwrap_or_else(|e| e.into_inner());
        self.generation.fetch_add(1, std::sync::atomic::Ordering::Release);
        Ok(services)
    }

    /// Makes the index hold exactly a full feed: what it holds that the feed lacks is dropped
    /// (deleted behind the change log's back), what differs is re-indexed, what is equal is
    /// left alone. Returns how many records it repaired.
    pub fn reconcile(&self, mut feed: Feed) -> Result<usize, SearchError> {
        let snap = self.snapshot();
        let services: HashSet<i64> = feed.services.iter().map(|d| d.summary.id).collect();
        let organizations: HashSet<i64> = feed.organizations.iter().map(|d| d.summary.id).collect();
        let situations: HashSet<i64> = feed.situations.iter().map(|d| d.id).collect();
        feed.removed_services.extend(snap.services.keys().filter(|id| !services.contains(id)));
        feed.removed_organizations.extend(snap.organizations.keys().filter(|id| !organizations.contains(id)));
        feed.removed_situations.extend(snap.situations.keys().filter(|id| !situations.contains(id)));
        self.apply(feed)
    }

    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Whether the index holds this record as of `updated_at` (the change feed skips those).
    pub fn is_current(&self, record: Record, id: i64, updated_at: DateTime<Utc>) -> bool {
        let snap = self.snapshot();
        match record {
            Record::Service => snap.services.get(&id).is_some_and(|e| e.updated_at == updated_at),
            Record::Organization => snap.organizations.get(&id).is_some_and(|e| e.updated_at == updated_at),
            Record::Situation => snap.situations.get(&id).is_some_and(|e| e.updated_at == updated_at),
        }
    }

    /// Which snapshot searches read now; it changes whenever what they could find does. Read
    /// it before a search: an answer is then never older than its number says.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Heap bytes of the references services share (see [`crate::memory`]).
    pub(crate) fn references_heap(&self) -> usize {
        self.writer.lock().unwrap_or_else(|e| e.into_inner()).references.heap()
    }

    /// How many services are searchable now.
    pub fn service_count(&self) -> usize {
        self.snapshot().services.len()
    }

    /// A service as the index keeps it, its filter values interned against `c`.
    fn service_entry(
        c: &Interned,
        synonyms: &Synonyms,
        analyzer: &mut TextAnalyzer,
        references: &mut References,
        doc: ServiceDocument,
    ) -> ServiceEntry {
        let ServiceDocument { summary, body, points, updated_at } = doc;
        let mut hashes = |text: &str| {
            let mut h: Vec<u64> = synonyms.stems_with_synonyms(analyzer, text).iter().map(|stem| stem_hash(stem)).collect();
            h.sort_unstable();
            h.dedup();
            h.into_boxed_slice()
        };
        ServiceEntry {
            listing: Listing::new(&summary, references),
            summary_len: summary.summary.len(),
            name_stems: hashes(&summary.name),
            summary_stems: hashes(&summary.summary),
            filters: Filters {
                municipalities: Interned::ids(&c.municipality, summary.municipalities.iter().map(|m| m.slug.as_str())),
                categories: c.categories_with_groups(summary.categories.iter().map(|m| m.slug.as_str())),
                target_groups: Interned::ids(&c.target_group, summary.target_groups.iter().map(|m| m.slug.as_str())),
                formats: Interned::ids(&c.format, summary.formats.iter().map(|f| f.as_str())),
                cost: c.cost.id(summary.cost.as_str()).unwrap_or_default(),
                age_min: summary.age_min.unwrap_or(0),
                age_max: summary.age_max.unwrap_or(u8::MAX),
            },
            text: format!("{} {}", summary.summary, body).into_boxed_str(),
            sort_name: fold(&summary.name).into_boxed_str(),
            points: points.into_boxed_slice(),
            updated_at,
        }
    }

    /// A tantivy document: the record's `key` (kind and slot or id) and its whole text, plus the
    /// synonyms of what the text mentions.
    fn document(
        &self,
        analyzer: &mut TextAnalyzer,
        vocabulary: &mut HashMap<String, u32>,
        kind: Kind,
        id: i64,
        key: u64,
        text: &str,
    ) -> TantivyDocument {
        let f = self.fields;
        let text = prepare(text);
        let found = words(analyzer, &text);
        for word in &found {
            if word.lower.chars().count() >= 3 && word.lower.chars().all(char::is_alphabetic) {
                *vocabulary.entry(word.lower.clone()).or_default() += 1;
            }
        }
        let expansion = self.synonyms.expansion(&found);
        let mut doc = TantivyDocument::default();
        doc.add_text(f.uid, kind.uid(id));
        doc.add_u64(f.key, kind.key(key));
        let field = if kind == Kind::Service { f.all } else { f.other };
        doc.add_text(field, format!("{text} {}", prepare(&expansion)));
        doc
    }
}

/// The entries in slot order.
fn slot_entries(services: &HashMap<i64, Arc<ServiceEntry>>, slot_of: &HashMap<i64, u32>, slots: usize) -> Vec<Option<Arc<ServiceEntry>>> {
    let mut entries = vec![None; slots];
    for (id, entry) in services {
        if let Some(place) = slot_of.get(id).and_then(|&slot| entries.get_mut(slot as usize)) {
            *place = Some(entry.clone());
        }
    }
    entries
}

/// Every document's `key`, segment by segment (`u64::MAX` for none).
fn segment_keys(searcher: &Searcher) -> Result<Vec<Vec<u64>>, SearchError> {
    searcher
        .segment_readers()
        .iter()
        .map(|segment| {
            let column = segment.fast_fields().u64("key")?;
            Ok((0..segment.max_doc()).map(|doc| column.first(doc).unwrap_or(u64::MAX)).collect())
        })
        .collect()
}

/// Names separated by spaces, for the indexed text.
fn joined<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(" ")
}

/// The bit of a stem's hash in a slot's name and summary marks.
pub(crate) fn stem_mark(hash: u64) -> u64 {
    1 << (hash % 64)
}

/// A stem as a number, so that «is this query word in the name» is an integer comparison.
pub(crate) fn stem_hash(stem: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    stem.hash(&mut hasher);
    hasher.finish()
}
