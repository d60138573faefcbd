//! The consolidation loop: pending documents → events, one batch per transaction.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use epiwire_cluster::incremental::name_key;
use epiwire_cluster::{Action, Clusterer, Cues, DfTable, DocFeatures, EventProfile};
use epiwire_model::Document;
use epiwire_timeline::{Figure, SeriesKey, SeriesPart, figures};

use crate::backend::{Changes, EventBackend, EventRecord, Member, SeriesSelect, State};
use crate::summary::{Context, Update, disease_weight, finish};
use crate::volume::{VolumeKey, volume_signals};
use crate::{DiseaseRef, Error, EventState, EventSummary, PlaceRef, Result, Signal};

/// Keys in the document-frequency table beyond which it is pruned (to keys seen twice or more).
const DF_MAX_KEYS: usize = 300_000;
/// Documents a key must be seen in to stay in a pruned table.
const DF_MIN: u32 = 2;

/// What a caller that consolidates again and again keeps between runs (see
/// [`Consolidator::run_with`]).
#[derive(Debug, Default)]
pub struct Session {
    /// Clustering features and names and years of stored documents, by sequence number,
    /// computed where the text already was (the ingest workers): a document found here is not
    /// tokenised or scanned again. Each pair must be [`DocFeatures::from_document`] and
    /// [`Cues::from_document`] of the document as stored (a pair whose features name another
    /// document is ignored); entries are taken when their document is consolidated.
    pub features: HashMap<u64, (DocFeatures, Cues)>,
    /// Where another thread hands over features and cues as it stores documents (pairs as in
    /// `features`): drained into `features` before each batch, so that the documents committed
    /// while a run goes on find theirs too. (Drained only once per run, a consolidator that
    /// lagged behind the writer computed again the features of every document committed
    /// after its run started.)
    pub inbox: Option<FeatureInbox>,
    /// The document frequencies at the end of the last run, with the watermark they hold at.
    df: Option<(u64, DfTable)>,
    /// Profiles of stored events as this session last wrote or read them, valid with `df`
    /// (the store has not moved past the session's watermark, so nobody else wrote events):
    /// a batch takes a candidate's profile from here instead of decoding it again.
    profiles: HashMap<String, EventProfile>,
    /// Series parts of stored events as this session last wrote or read them, valid like
    /// `profiles`: a batch that touches a large event takes its parts from here instead of
    /// decoding them again (a part holds every figure of its series, so it grows with the
    /// event). Not necessarily every part of an event: the others are read from the store.
    parts: HashMap<String, BTreeMap<SeriesKey, SeriesPart>>,
    /// Running aggregates of stored events as this session last wrote them, valid like
    /// `profiles`: a batch that touches an event again takes its state from here instead of
    /// decoding it (its JSON and every series meta) again. Bounded like `profiles`.
    states: HashMap<String, EventState>,
    /// Features and cues of documents consolidated by this session, by sequence number, for
    /// the re-examinations of events ([`crate::resplit`]): a member found here is not read from
    /// the store and tokenised again. They are functions of the stored document alone (no
    /// document frequencies), so a cached pair equals a recomputed one. Only kept when
    /// re-examinations are on, and only for documents whose event can still be re-examined;
    /// bounded in bytes ([`crate::cache::MEMBER_FEATURES_BYTES`]).
    pub(crate) member_features: crate::cache::FeatureCache,
}

/// Features and cues of stored documents by sequence number, handed over from another thread
/// ([`Session::inbox`]).
pub type FeatureInbox = Arc<Mutex<HashMap<u64, (DocFeatures, Cues)>>>;

/// The map behind `inbox`, locked. A poisoned lock only means the other thread panicked; the
/// map is still usable, so it is taken as it is.
pub fn lock_inbox(inbox: &FeatureInbox) -> MutexGuard<'_, HashMap<u64, (DocFeatures, Cues)>> {
    inbox.lock().unwrap_or_else(|e| e.into_inner())
}

impl Session {
    /// A session whose features come from `inbox` as another thread stores documents.
    pub fn with_inbox(inbox: FeatureInbox) -> Session {
        Session {
            inbox: Some(inbox),
            ..Session::default()
        }
    }

    /// Moves the pairs waiting in the inbox into `features`.
    fn take_inbox(&mut self) {
        if let Some(inbox) = &self.inbox {
            let mut waiting = lock_inbox(inbox);
            self.features.extend(waiting.drain());
        }
    }
}

/// Most event profiles a [`Session`] keeps (a few MB); when passed, the cache starts over.
const CACHED_PROFILES: usize = 4096;

/// Most figures the series parts a [`Session`] keeps may hold (a figure is about 1 KB with its
/// sentence); when passed, the cache starts over.
const CACHED_FIGURES: usize = 40_000;

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Documents consolidated.
    pub documents: u64,
    /// Events opened.
    pub opened: u64,
    /// Events merged into others.
    pub merged: u64,
    /// Documents found to be near-duplicates of earlier ones.
    pub duplicates: u64,
    /// The watermark reached.
    pub watermark: u64,
    /// Candidate events compared, summed over documents (the cost of clustering).
    pub candidates: u64,
    /// Events that split in two on re-examination ([`epiwire_cluster::Params::resplit_from`]).
    pub splits: u64,
    /// Documents whose features and cues the run computed itself (none were handed over in
    /// [`Session::features`] or [`Session::inbox`]).
    pub computed: u64,
}

/// Consolidates the documents a store holds into events, incrementally.
#[derive(Debug, Clone)]
pub struct Consolidator {
    /// Documents per batch (one transaction each).
    pub batch: usize,
    /// Days without a report of a disease × country after which an event there is new.
    pub new_event_days: i64,
    /// The clusterer's thresholds and weights: by default [`epiwire_cluster::Params`] with
    /// the re-examination that can split an event and merge two
    /// ([`epiwire_cluster::Params::remerging`]): measured through this engine (`epiwire eval
    /// clustering`, rows `engine`, `engine-resplit`, `engine-remerge`), B³ F1 ECB+ 0.861 →
    /// 0.913 → 0.953 (halves A 0.899 → 0.920 → 0.961, B 0.851 → 0.885 → 0.945), NewsWCL50
    /// 0.824 → 1.000 → 1.000, WikiRef220 0.802 → 0.802 → 0.938.
    pub params: epiwire_cluster::Params,
}

/// Documents per batch by default. A batch rewrites every event it touches (summary, series,
/// volume signals), and the large events of a long run are touched by nearly every batch, so
/// a few large batches cost less than many small ones: the 10,812 documents of the 1 GB
/// backfill took 26.7, 18.1 and 15.2 CPU-s in batches of 169, 1,024 and 4,096 (the same 1,780
/// events; B³ of `epiwire eval clustering` is the same at 256, 1,024 and 4,096). A batch's
/// documents are held in memory together.
pub const BATCH: usize = 1024;

impl Default for Consolidator {
    fn default() -> Self {
        Consolidator {
            batch: BATCH,
            new_event_days: 30,
            params: epiwire_cluster::Params::default().remerging(),
        }
    }
}

pub(crate) fn backend<E: std::error::Error + Send + Sync + 'static>(e: E) -> Error {
    Error::Backend(Box::new(e))
}

/// Where a batch's time goes, in milliseconds (for the log).
#[derive(Debug, Default)]
struct Timings {
    clustering: f64,
    volume: f64,
    events: f64,
}

fn ms_since(t: std::time::Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// CPU time of the calling thread in milliseconds (`/proc/thread-self/schedstat`), when the
/// system tells it: on a machine shared with other work a batch's wall time counts its waits
/// for a core too, its CPU time does not.
fn thread_cpu_ms() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_ascii_whitespace().next()?.parse().ok()?;
    Some(ns as f64 / 1e6)
}

/// User and system CPU time of the calling thread in milliseconds (`/proc/thread-self/stat`,
/// fields 14 and 15, in the kernel's fixed USER_HZ of 100 ticks a second): the system part is
/// what the thread spends in the kernel (the store's page reads and writes), which instruction
/// counts of our code do not see.
fn thread_user_sys_ms() -> Option<(f64, f64)> {
    let text = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let rest = &text[text.rfind(')')? + 1..];
    let mut fields = rest.split_ascii_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let sys: u64 = fields.next()?.parse().ok()?;
    Some((user as f64 * 10.0, sys as f64 * 10.0))
}

/// An event touched in the current batch.
pub(crate) struct Work {
    pub(crate) profile: EventProfile,
    pub(crate) keys: BTreeSet<String>,
    pub(crate) new_members: Vec<Member>,
    /// Events merged into this one in this batch (their stored members come along).
    pub(crate) absorbed: Vec<String>,
    /// Members left it in this batch (a split, [`crate::resplit`]): its record, aggregates
    /// and series are rebuilt from its members instead of updated from the new ones.
    pub(crate) rebuild: bool,
}

impl Work {
    pub(crate) fn new(profile: EventProfile) -> Work {
        Work {
            profile,
            keys: BTreeSet::new(),
            new_members: Vec::new(),
            absorbed: Vec::new(),
            rebuild: false,
        }
    }
}

/// Builds the member record of a document. It keeps no features: the event's profile takes
/// them when the member joins, and nothing after reads them (they are not persisted).
pub(crate) fn member(seq: u64, doc: &Document, duplicate_of: Option<String>) -> Member {
    let mut places: Vec<(PlaceRef, u32)> = doc
        .places
        .iter()
        .map(|p| {
            (
                PlaceRef {
                    geonameid: p.geonameid,
                    name: p.name.to_string(),
                    kind: p.kind.to_string(),
                    country: p.country.as_deref().map(str::to_owned),
                    lat: p.lat,
                    lon: p.lon,
                },
                u32::try_from(p.mentions.len()).unwrap_or(u32::MAX),
            )
        })
        .collect();
    places.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.geonameid.cmp(&b.0.geonameid)));
    Member {
        seq,
        doc_id: doc.id.clone(),
        url: doc.url.clone(),
        outlet: doc.url.as_deref().and_then(epiwire_timeline::outlet),
        title: doc.title.clone(),
        published: doc.published.clone(),
        duplicate_of,
        features: DocFeatures::default(),
        figures: figures(doc),
        diseases: doc
            .diseases
            .iter()
            .map(|d| {
                (
                    DiseaseRef {
                        id: d.id.to_string(),
                        name: d.name.to_string(),
                    },
                    disease_weight(d, doc.title.as_deref()),
                )
            })
            .collect(),
        places,
        actions: doc.actions.clone(),
        shortages: doc.shortages.clone(),
        quotes: doc.quotes.clone(),
        measures: doc.measures.clone(),
    }
}

/// The keys a document looks up candidates under, and the keys it indexes its event under.
///
/// Beside the clusterer's blocking keys (disease × country × time window, MinHash bands), an
/// undated document (a text file with no date line, such as the VOI seed) must still meet the
/// events of its disease × country: every event is also indexed under `u:<disease>:<country>`,
/// which only undated documents look up; a dated document also looks up the undated key
/// `d:<disease>:<country>:-` of events opened by undated documents.
pub(crate) fn keys_of(clusterer: &Clusterer, f: &DocFeatures) -> (Vec<String>, Vec<String>) {
    let mut keys = clusterer.block_keys(f);
    let dash = ["-".to_string()];
    let countries: &[String] = if f.countries.is_empty() {
        &dash
    } else {
        &f.countries
    };
    let mut query = keys.clone();
    for d in &f.diseases {
        for c in countries {
            let undated = format!("u:{d}:{c}");
            if f.published.is_none() {
                query.push(undated.clone());
            } else {
                query.push(format!("d:{d}:{c}:-"));
            }
            keys.push(undated);
        }
    }
    (query, keys)
}

/// Whether a series meta is as it was, to the byte of its JSON (the store writes that): most
/// metas a batch sets again come out the same (624 set, 606 unchanged in the 1 GB window), and
/// each was a statement; absent twice is the same (a delete of no row).
pub(crate) fn same_meta(
    before: Option<&crate::state::SeriesMeta>,
    after: Option<&crate::state::SeriesMeta>,
) -> bool {
    match (before, after) {
        (None, None) => true,
        // Equal values may still print apart (0.0 and -0.0): the bytes decide.
        (Some(a), Some(b)) => {
            a == b
                && matches!(
                    (serde_json::to_vec(a), serde_json::to_vec(b)),
                    (Ok(x), Ok(y)) if x == y
                )
        }
        _ => false,
    }
}

/// The members count of an event's profile as the batch holds it (0 when unknown).
fn members_of(
    work: &BTreeMap<String, Work>,
    stored: &HashMap<String, EventProfile>,
    id: &str,
) -> u32 {
    work.get(id)
        .map(|w| w.profile.members)
        .or_else(|| stored.get(id).map(|p| p.members))
        .unwrap_or(0)
}

impl Consolidator {
    /// Consolidates every stored document above the backend's watermark, batch by batch; each
    /// batch is applied in one transaction. `progress` is called after each batch.
    pub fn run<B: EventBackend>(
        &self,
        store: &mut B,
        progress: impl FnMut(&Progress),
    ) -> Result<Progress> {
        self.run_with(store, &mut Session::default(), progress)
    }

    /// [`Consolidator::run`] with what a caller that consolidates again and again keeps between
    /// runs ([`Session`]): the clusterer's document frequencies (read from the store only when
    /// the store's watermark is not the one the session left), and the features of documents
    /// computed elsewhere.
    pub fn run_with<B: EventBackend>(
        &self,
        store: &mut B,
        session: &mut Session,
        progress: impl FnMut(&Progress),
    ) -> Result<Progress> {
        self.run_batches(store, session, usize::MAX, progress)
    }

    /// [`Consolidator::run_with`] that stops after `max` batches, leaving the rest pending: a
    /// caller that consolidates beside an ingest takes only full batches while documents keep
    /// coming (each batch rewrites every event it touches, so a few large batches cost less
    /// than many small ones), then everything at the end.
    pub fn run_batches<B: EventBackend>(
        &self,
        store: &mut B,
        session: &mut Session,
        max: usize,
        mut progress: impl FnMut(&Progress),
    ) -> Result<Progress> {
        let stored = store.watermark().map_err(backend)?;
        let (mut watermark, df) = match session.df.take() {
            Some((w, df)) if w == stored => (w, df),
            _ => {
                session.profiles.clear();
                session.parts.clear();
                session.states.clear();
                session.member_features.clear();
                let state = store.state().map_err(backend)?;
                (state.watermark, state.df)
            }
        };
        let mut clusterer = Clusterer::new(self.params.clone(), df);
        let mut done = Progress {
            watermark,
            ..Progress::default()
        };
        for _ in 0..max {
            // The batch's reads share one snapshot, ended before its write.
            store.begin_reads().map_err(backend)?;
            let docs = store.pending(watermark, self.batch.max(1)).map_err(backend);
            let docs = match docs {
                Ok(docs) if !docs.is_empty() => docs,
                other => {
                    store.end_reads().map_err(backend)?;
                    other?;
                    break;
                }
            };
            let last = docs.last().map_or(watermark, |d| d.0);
            session.take_inbox();
            let started = std::time::Instant::now();
            let cpu_started = thread_cpu_ms();
            let split_started = thread_user_sys_ms();
            let candidates_before = done.candidates;
            let computed_before = done.computed;
            let splits_before = done.splits;
            let mut time = Timings::default();
            let changes =
                self.batch_changes(store, &mut clusterer, session, &docs, &mut done, &mut time);
            let ended = store.end_reads().map_err(backend);
            let mut changes = changes?;
            ended?;
            let write = std::time::Instant::now();
            store.apply(&changes).map_err(backend)?;
            // The table went into the changes without a copy; the clusterer takes it back.
            clusterer = Clusterer::new(
                clusterer.params.clone(),
                std::mem::take(&mut changes.state.df),
            );
            let write = ms_since(write);
            let ms = ms_since(started);
            let cpu = match (cpu_started, thread_cpu_ms()) {
                (Some(a), Some(b)) => format!("cpu {:.0} ms, ", b - a),
                _ => String::new(),
            };
            let split = match (split_started, thread_user_sys_ms()) {
                (Some((u0, s0)), Some((u1, s1))) => {
                    format!("user {:.0} ms, sys {:.0} ms, ", u1 - u0, s1 - s0)
                }
                _ => String::new(),
            };
            let touched = changes.events.len();
            // What the store now holds, for the next batch.
            for (from, _) in &changes.merged {
                session.profiles.remove(from);
                session.parts.remove(from);
                session.states.remove(from);
            }
            let mut touched_ids: HashSet<String> = HashSet::new();
            for rec in std::mem::take(&mut changes.events) {
                let parts = session.parts.entry(rec.summary.id.clone()).or_default();
                for p in rec.series {
                    parts.insert(p.key.clone(), p);
                }
                touched_ids.insert(rec.summary.id.clone());
                // The state as written: what `event_state` would read back (its JSON round
                // trips, and the metas a record does not name are those stored).
                session.states.insert(rec.summary.id.clone(), rec.state);
                session.profiles.insert(rec.summary.id, rec.profile);
            }
            if session.profiles.len() > CACHED_PROFILES {
                session.profiles.clear();
            }
            if session.states.len() > CACHED_PROFILES {
                session.states.clear();
            }
            // Over the bound, the parts of events this batch did not touch go first (those it
            // touched are the likeliest to be touched again), then all.
            let figures = |parts: &HashMap<String, BTreeMap<SeriesKey, SeriesPart>>| -> usize {
                parts
                    .values()
                    .flat_map(|parts| parts.values())
                    .map(|p| p.figures.len())
                    .sum()
            };
            if figures(&session.parts) > CACHED_FIGURES {
                session.parts.retain(|id, _| touched_ids.contains(id));
                if figures(&session.parts) > CACHED_FIGURES {
                    session.parts.clear();
                }
            }
            tracing::info!(
                "consolidated documents {}..={last}: {} in {ms:.0} ms ({:.2} ms/doc, {:.1} candidate events/doc, {} events touched, {} split, {} features computed; {cpu}{split}clustering {:.0} ms, volume signals {:.0} ms, events {:.0} ms, write {write:.0} ms)",
                docs.first().map_or(last, |d| d.0),
                docs.len(),
                ms / docs.len() as f64,
                (done.candidates - candidates_before) as f64 / docs.len() as f64,
                touched,
                done.splits - splits_before,
                done.computed - computed_before,
                time.clustering,
                time.volume,
                time.events,
            );
            watermark = last;
            done.watermark = last;
            done.documents += docs.len() as u64;
            progress(&done);
        }
        session.features.retain(|seq, _| *seq > watermark);
        session.df = Some((watermark, clusterer.into_df()));
        Ok(done)
    }

    /// An event's list record, aggregates and series parts computed from scratch from all its
    /// members (oldest first), in the context a batch gives (the store as it is before the
    /// batch, the batch's volume signals). The incremental update of a batch gives the same;
    /// tests check it.
    pub fn rebuild<B: EventBackend>(
        &self,
        store: &B,
        batch_signals: &[Signal],
        id: &str,
        members: &[Member],
    ) -> Result<(EventSummary, EventState, Vec<SeriesPart>)> {
        self.rebuild_judged(store, batch_signals, &BTreeSet::new(), id, members)
    }

    /// [`Consolidator::rebuild`] in the context of a batch that judged the volume of these
    /// (disease, country, day) again ([`Changes::rejudged`]): the stored volume signals of
    /// those days are replaced by the batch's. The batch adds no documents to the volume (see
    /// [`Consolidator::rebuild_in`]).
    pub fn rebuild_judged<B: EventBackend>(
        &self,
        store: &B,
        batch_signals: &[Signal],
        rejudged: &BTreeSet<(String, String, String)>,
        id: &str,
        members: &[Member],
    ) -> Result<(EventSummary, EventState, Vec<SeriesPart>)> {
        self.rebuild_with(
            store,
            batch_signals,
            rejudged,
            &BTreeMap::new(),
            id,
            members,
        )
    }

    /// [`Consolidator::rebuild`] in the context of a batch's changes not applied yet: its
    /// volume signals and the days it judged again ([`Changes::signals`],
    /// [`Changes::rejudged`]), and the documents it adds to the volume ([`Changes::volume`],
    /// which an event's `new_event` signal counts).
    pub fn rebuild_in<B: EventBackend>(
        &self,
        store: &B,
        changes: &Changes,
        id: &str,
        members: &[Member],
    ) -> Result<(EventSummary, EventState, Vec<SeriesPart>)> {
        let mut volume: BTreeMap<VolumeKey, u32> = BTreeMap::new();
        for (d, c, day, n) in &changes.volume {
            *volume
                .entry((d.clone(), c.clone(), day.clone()))
                .or_insert(0) += n;
        }
        self.rebuild_with(
            store,
            &changes.signals,
            &changes.rejudged,
            &volume,
            id,
            members,
        )
    }

    fn rebuild_with<B: EventBackend>(
        &self,
        store: &B,
        batch_signals: &[Signal],
        rejudged: &BTreeSet<(String, String, String)>,
        batch_volume: &BTreeMap<VolumeKey, u32>,
        id: &str,
        members: &[Member],
    ) -> Result<(EventSummary, EventState, Vec<SeriesPart>)> {
        let mut state = EventState::default();
        let mut by_key: BTreeMap<SeriesKey, Vec<Figure>> = BTreeMap::new();
        for m in members {
            state.add(m);
            for f in &m.figures {
                if let Some(k) = SeriesKey::of(f) {
                    by_key.entry(k).or_default().push(f.clone());
                }
            }
        }
        let parts: BTreeMap<SeriesKey, SeriesPart> = by_key
            .into_iter()
            .map(|(k, figs)| (k.clone(), SeriesPart::new(k, figs)))
            .collect();
        let ctx = Context {
            store,
            batch_signals,
            rejudged,
            new_event_days: self.new_event_days,
            batch_volume,
        };
        let mut up = Update {
            id,
            dirty: parts.keys().cloned().collect(),
            parts,
            complete: true,
            force_headline: true,
            metas: BTreeSet::new(),
        };
        let summary = finish(&ctx, &mut state, &mut up)?;
        Ok((summary, state, up.parts.into_values().collect()))
    }

    fn batch_changes<B: EventBackend>(
        &self,
        store: &B,
        clusterer: &mut Clusterer,
        session: &mut Session,
        docs: &[(u64, Document)],
        done: &mut Progress,
        time: &mut Timings,
    ) -> Result<Changes> {
        let started = std::time::Instant::now();
        let last = docs.last().map_or(0, |d| d.0);
        let mut work: BTreeMap<String, Work> = BTreeMap::new();
        // Events of this batch under each key, so later documents of the batch find them.
        let mut batch_keys: HashMap<String, BTreeSet<String>> = HashMap::new();
        let mut merged_into: HashMap<String, String> = HashMap::new();
        let mut members: Vec<(String, Member)> = Vec::new();
        let mut volume: BTreeMap<VolumeKey, u32> = BTreeMap::new();
        // Profiles of stored events not touched in this batch, decoded once per batch (an
        // event's profile moves into its work when a document joins it).
        let mut stored: HashMap<String, EventProfile> = HashMap::new();
        let resolve = |merged_into: &HashMap<String, String>, id: &str| -> String {
            let mut id = id.to_string();
            while let Some(next) = merged_into.get(&id) {
                id = next.clone();
            }
            id
        };
        // Keys whose document frequency the batch changes (hashed with FxHash: every key of
        // every document is looked up, and SipHash was most of it; they are sorted before use).
        let mut df_keys: rustc_hash::FxHashSet<String> = rustc_hash::FxHashSet::default();
        // For re-examinations ([`crate::resplit`]): the batch's documents, the features
        // computed for them (kept only when re-examinations are on), the stored members a
        // split wrote again under another event.
        let by_seq: HashMap<u64, &Document> = docs.iter().map(|(s, d)| (*s, d)).collect();
        let mut relocated = crate::resplit::Relocated::new();
        let splits_before = done.splits;
        // Whether a merge examination moved members between events ([`crate::resplit::remerge`]).
        let mut repartitioned = false;
        for (seq, doc) in docs {
            // Names and years weigh in the decision ([`Clusterer::assign_cued`]); their
            // document frequencies live in the same table, under `n:<name>`.
            let (features, cues) =
                match session.features.remove(seq).filter(|(f, _)| f.id == doc.id) {
                    Some(pair) => pair,
                    None => {
                        done.computed += 1;
                        (DocFeatures::from_document(doc), Cues::from_document(doc))
                    }
                };
            clusterer.observe_cued(&features, Some(&cues));
            for k in features.distinct_keys() {
                if !df_keys.contains(k) {
                    df_keys.insert(k.to_string());
                }
            }
            for (name, _) in &cues.names {
                df_keys.insert(name_key(name));
            }
            let (query, keys) = keys_of(clusterer, &features);
            // Candidates: stored events under the keys, with this batch's profile when touched,
            // plus the batch's own events under the keys; merged-away events resolve to their
            // survivor.
            // The profiles of events touched in this batch are moved into the candidate list
            // and back (never cloned: a large event's profile is large).
            let mut cands: BTreeMap<String, EventProfile> = BTreeMap::new();
            let mut taken: BTreeSet<String> = BTreeSet::new();
            let ids = store.candidate_ids(&query).map_err(backend)?;
            let mut missing: Vec<String> = ids
                .iter()
                .filter(|id| {
                    !work.contains_key(&resolve(&merged_into, id)) && !stored.contains_key(*id)
                })
                .cloned()
                .collect();
            missing.retain(|id| match session.profiles.remove(id) {
                Some(p) => {
                    stored.insert(id.clone(), p);
                    false
                }
                None => true,
            });
            if !missing.is_empty() {
                stored.extend(store.profiles(&missing).map_err(backend)?);
            }
            for id in ids {
                let id = resolve(&merged_into, &id);
                if cands.contains_key(&id) {
                    continue;
                }
                if let Some(w) = work.get_mut(&id) {
                    cands.insert(id.clone(), std::mem::take(&mut w.profile));
                    taken.insert(id);
                } else if let Some(p) = stored.remove(&id) {
                    cands.insert(id, p);
                }
            }
            for k in &query {
                for id in batch_keys.get(k).into_iter().flatten() {
                    let id = resolve(&merged_into, id);
                    if cands.contains_key(&id) {
                        continue;
                    }
                    if let Some(w) = work.get_mut(&id) {
                        cands.insert(id.clone(), std::mem::take(&mut w.profile));
                        taken.insert(id);
                    }
                }
            }
            let cands: Vec<(String, EventProfile)> = cands.into_iter().collect();
            done.candidates += cands.len() as u64;
            let cand_ids: Vec<String> = if clusterer.params.remerge_link > 0.0 {
                cands.iter().map(|(id, _)| id.clone()).collect()
            } else {
                Vec::new()
            };
            let decision = clusterer.assign_cued(&features, Some(&cues), &cands);
            for (id, p) in cands {
                match work.get_mut(&id).filter(|_| taken.contains(&id)) {
                    Some(w) => w.profile = p,
                    None => {
                        stored.insert(id, p);
                    }
                }
            }
            // The members of the event the document goes to (the best), before it: a
            // re-examination is due when the count passes a checkpoint.
            let before = match &decision.action {
                Action::New => 0,
                Action::Join(id) => members_of(&work, &stored, &resolve(&merged_into, id)),
                Action::Merge(ids) => ids.first().map_or(0, |id| {
                    members_of(&work, &stored, &resolve(&merged_into, id))
                }),
            };
            let mut profile_of = |id: &str| stored.remove(id);
            let target = match &decision.action {
                Action::New => {
                    done.opened += 1;
                    let id = format!("E{seq}");
                    work.insert(id.clone(), Work::new(EventProfile::default()));
                    id
                }
                Action::Join(id) => {
                    let id = resolve(&merged_into, id);
                    if !work.contains_key(&id) {
                        let profile = profile_of(&id).unwrap_or_default();
                        work.insert(id.clone(), Work::new(profile));
                    }
                    id
                }
                Action::Merge(ids) => {
                    let mut ids: Vec<String> =
                        ids.iter().map(|i| resolve(&merged_into, i)).collect();
                    ids.dedup();
                    // The survivor is the oldest event (smallest founding sequence number), so
                    // ids stay stable for analysts.
                    ids.sort_by_key(|i| {
                        i.trim_start_matches('E').parse::<u64>().unwrap_or(u64::MAX)
                    });
                    ids.dedup();
                    let into = ids.first().cloned().unwrap_or_else(|| format!("E{seq}"));
                    let mut w = work
                        .remove(&into)
                        .unwrap_or_else(|| Work::new(profile_of(&into).unwrap_or_default()));
                    for other in ids.iter().skip(1) {
                        done.merged += 1;
                        merged_into.insert(other.clone(), into.clone());
                        if let Some(o) = work.remove(other) {
                            w.profile.merge(&o.profile);
                            w.keys.extend(o.keys);
                            w.new_members.extend(o.new_members);
                            w.absorbed.extend(o.absorbed);
                            w.rebuild |= o.rebuild;
                        } else if let Some(p) = profile_of(other) {
                            w.profile.merge(&p);
                        }
                        w.absorbed.push(other.clone());
                    }
                    work.insert(into.clone(), w);
                    into
                }
            };
            if decision.duplicate_of.is_some() {
                done.duplicates += 1;
            }
            for d in &features.diseases {
                for c in &features.countries {
                    if let Some(day) = features
                        .published
                        .as_deref()
                        .and_then(epiwire_cluster::features::day)
                    {
                        *volume
                            .entry((d.clone(), c.clone(), day.to_string()))
                            .or_insert(0) += 1;
                    }
                }
            }
            let m = member(*seq, doc, decision.duplicate_of.clone());
            if let Some(w) = work.get_mut(&target) {
                if decision.duplicate_of.is_some() {
                    // A copy is the same story: the profile sums and counts originals only.
                    w.profile.add_copy(&features);
                } else {
                    epiwire_cluster::vector::add_to_profile(&mut w.profile, &features);
                    w.profile.add_names(&cues);
                }
                for k in &keys {
                    w.keys.insert(k.clone());
                    batch_keys
                        .entry(k.clone())
                        .or_default()
                        .insert(target.clone());
                }
                w.new_members.push(m.clone());
            }
            members.push((target.clone(), m));
            let after = work.get(&target).map_or(0, |w| w.profile.members);
            // Kept for the re-examinations of its event (this document's first), unless the
            // event has grown past them (it only grows: merges add, and only a re-examination
            // splits; a merge examination past them reads the stored documents).
            if (clusterer.params.resplit_from > 0 || clusterer.params.remerge_link > 0.0)
                && after as usize <= epiwire_cluster::incremental::RESPLIT_MEMBERS
            {
                session.member_features.insert(*seq, (features, cues));
            }
            let due = clusterer.resplit_due(before, after);
            let mut inputs = crate::resplit::Inputs {
                docs: &by_seq,
                features: &mut session.member_features,
            };
            let new_id = format!("E{seq}");
            let mut split = false;
            if due
                && crate::resplit::reexamine(
                    store,
                    clusterer,
                    &mut inputs,
                    &mut work,
                    &mut batch_keys,
                    &mut relocated,
                    &target,
                    new_id.clone(),
                )?
            {
                done.splits += 1;
                split = true;
            }
            // The merge side: the event just re-examined (both parts after a split), or just
            // opened, is examined with each of the document's candidates it links to.
            if clusterer.params.remerge_link > 0.0
                && (due || matches!(decision.action, Action::New))
            {
                let moved = split
                    && work
                        .get(&new_id)
                        .is_some_and(|w| w.new_members.iter().any(|m| m.seq == *seq));
                let (mine, other) = if moved {
                    (new_id.clone(), target.clone())
                } else {
                    (target.clone(), new_id.clone())
                };
                let mut pairing = crate::resplit::Pairing::new(
                    &mut work,
                    &mut batch_keys,
                    &mut relocated,
                    &mut merged_into,
                    &mut stored,
                );
                crate::resplit::remerge(
                    store,
                    clusterer,
                    &mut inputs,
                    &mut pairing,
                    &mine,
                    &cand_ids,
                )?;
                if split {
                    let mine = resolve(pairing.merged_into, &mine);
                    if resolve(pairing.merged_into, &other) != mine {
                        crate::resplit::remerge(
                            store,
                            clusterer,
                            &mut inputs,
                            &mut pairing,
                            &other,
                            &cand_ids,
                        )?;
                    }
                }
                done.merged += pairing.merged;
                repartitioned |= pairing.moved;
            }
        }
        // Members recorded against an event merged later in the batch go to its survivor.
        for (event, _) in &mut members {
            *event = resolve(&merged_into, event);
        }
        if done.splits > splits_before || repartitioned {
            // Members moved by a split: each member written in this batch is in the work of
            // the event it ends in.
            members = work
                .iter()
                .flat_map(|(id, w)| w.new_members.iter().map(|m| (id.clone(), m.clone())))
                .collect();
            members.sort_by_key(|(_, m)| m.seq);
        }
        let mut dropped_series = Vec::new();
        let mut merged: Vec<(String, String)> = merged_into
            .keys()
            .map(|from| (from.clone(), resolve(&merged_into, from)))
            .collect();
        merged.sort();

        // Volume signals for the days this batch touched.
        let names: BTreeMap<String, String> = members
            .iter()
            .flat_map(|(_, m)| {
                m.diseases
                    .iter()
                    .map(|(d, _)| (d.id.clone(), d.name.clone()))
            })
            .collect();
        session
            .member_features
            .trim(crate::cache::MEMBER_FEATURES_BYTES);
        time.clustering = ms_since(started);
        let started = std::time::Instant::now();
        let judged = volume_signals(store, &volume, &names)?;
        time.volume = ms_since(started);
        let started = std::time::Instant::now();

        let ctx = Context {
            store,
            batch_signals: &judged.signals,
            rejudged: &judged.rejudged,
            new_event_days: self.new_event_days,
            batch_volume: &volume,
        };
        let mut events = Vec::with_capacity(work.len());
        for (id, w) in work {
            if w.rebuild {
                let members = crate::resplit::final_members(store, &id, &w, &relocated)?;
                let (summary, state, parts) = self.rebuild_with(
                    store,
                    &judged.signals,
                    &judged.rejudged,
                    &volume,
                    &id,
                    &members,
                )?;
                session.parts.remove(&id);
                let keep: BTreeSet<&SeriesKey> = parts.iter().map(|p| &p.key).collect();
                for p in store.series(&id, SeriesSelect::All).map_err(backend)? {
                    if !keep.contains(&p.key) {
                        dropped_series.push((id.clone(), p.key));
                    }
                }
                events.push(EventRecord {
                    profile: w.profile,
                    keys: w.keys.into_iter().collect(),
                    summary,
                    state,
                    metas: None,
                    series: parts,
                    appended: Vec::new(),
                });
                continue;
            }
            let mut state = match session.states.remove(&id) {
                Some(s) => s,
                None => store.event_state(&id).map_err(backend)?.unwrap_or_default(),
            };
            // The parts of this event the session holds (as stored).
            let mut cached = session.parts.remove(&id).unwrap_or_default();
            // New figures per series: those of events merged into this one, then those of the
            // new members.
            let mut incoming: BTreeMap<SeriesKey, Vec<Figure>> = BTreeMap::new();
            for other in &w.absorbed {
                session.parts.remove(other);
                let cached = session.states.remove(other);
                let stored = match cached {
                    Some(s) => Some(s),
                    None => store.event_state(other).map_err(backend)?,
                };
                if let Some(s) = stored {
                    state.merge(s);
                }
                for p in store.series(other, SeriesSelect::All).map_err(backend)? {
                    incoming.entry(p.key).or_default().extend(p.figures);
                }
            }
            let mut new_members = w.new_members;
            new_members.sort_by_key(|m| m.seq);
            for m in &new_members {
                state.add(m);
                for f in &m.figures {
                    if let Some(k) = SeriesKey::of(f) {
                        incoming.entry(k).or_default().push(f.clone());
                    }
                }
            }
            let dirty: BTreeSet<SeriesKey> = incoming.keys().cloned().collect();
            let mut need: Vec<SeriesKey> = dirty.iter().cloned().collect();
            need.extend(dirty.iter().filter_map(SeriesKey::sibling));
            need.sort();
            need.dedup();
            // The metas `finish` may set (those of `need`) as stored, to leave unwritten those
            // it sets as they were.
            let metas_before: Vec<Option<crate::state::SeriesMeta>> =
                need.iter().map(|k| state.series.get(k).cloned()).collect();
            let metas_of = need.clone();
            let mut parts: BTreeMap<SeriesKey, SeriesPart> = BTreeMap::new();
            need.retain(|k| match cached.remove(k) {
                Some(p) => {
                    parts.insert(k.clone(), p);
                    false
                }
                None => true,
            });
            if !need.is_empty() {
                for p in store
                    .series(&id, SeriesSelect::Keys(&need))
                    .map_err(backend)?
                {
                    parts.insert(p.key.clone(), p);
                }
            }
            let mut appended = Vec::with_capacity(incoming.len());
            for (k, figs) in incoming {
                appended.push((k.clone(), figs.clone()));
                match parts.get_mut(&k) {
                    Some(p) => p.add(figs),
                    None => {
                        parts.insert(k.clone(), SeriesPart::new(k, figs));
                    }
                }
            }
            // The other parts held are as stored: the headline need not read them again.
            parts.append(&mut cached);
            let mut up = Update {
                id: &id,
                parts,
                dirty,
                complete: false,
                force_headline: !w.absorbed.is_empty(),
                metas: BTreeSet::new(),
            };
            let summary = finish(&ctx, &mut state, &mut up)?;
            up.metas.retain(|k| match metas_of.binary_search(k) {
                Ok(i) => !same_meta(
                    metas_before.get(i).and_then(Option::as_ref),
                    state.series.get(k),
                ),
                Err(_) => true,
            });
            // The parts the batch changed are written (and held again once they are); those
            // only read are held now.
            let mut series = Vec::new();
            let held = session.parts.entry(id.clone()).or_default();
            for (k, p) in up.parts {
                if up.dirty.contains(&k) {
                    series.push(p);
                } else {
                    held.insert(k, p);
                }
            }
            events.push(EventRecord {
                profile: w.profile,
                keys: w.keys.into_iter().collect(),
                summary,
                state,
                metas: w.absorbed.is_empty().then_some(up.metas),
                series,
                appended,
            });
        }
        let refreshed = crate::volume::refreshed(
            &ctx,
            &judged,
            |id| events.iter().any(|e| e.summary.id == id) || merged_into.contains_key(id),
            |id| match session.states.get(id) {
                Some(s) => Ok(Some(s.clone())),
                None => store.event_state(id).map_err(backend),
            },
        )?;
        time.events = ms_since(started);
        // Profiles read but not touched are as stored.
        session.profiles.extend(stored);
        let mut df_pruned = None;
        if clusterer.df().df.len() > DF_MAX_KEYS {
            let params = clusterer.params.clone();
            let mut pruned =
                std::mem::replace(clusterer, Clusterer::new(params.clone(), DfTable::new()))
                    .into_df();
            pruned.prune(DF_MIN);
            *clusterer = Clusterer::new(params, pruned);
            df_pruned = Some(DF_MIN);
        }
        let mut df_keys: Vec<String> = df_keys.into_iter().collect();
        df_keys.sort_unstable();
        // The table moves into the changes (it is a few hundred thousand keys: no copy per
        // batch); `run` gives it back to the clusterer once they are applied.
        let params = clusterer.params.clone();
        let df = std::mem::replace(clusterer, Clusterer::new(params, DfTable::new())).into_df();
        Ok(Changes {
            state: State {
                watermark: last,
                df,
            },
            members,
            merged,
            events,
            volume: volume
                .into_iter()
                .map(|((d, c, day), n)| (d, c, day, n))
                .collect(),
            signals: judged.signals,
            rejudged: judged.rejudged,
            refreshed,
            df_keys,
            df_pruned,
            dropped_series,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A meta is the same only to the byte: absent twice, or equal and printed alike.
    #[test]
    fn a_meta_is_the_same_only_to_the_byte() {
        use crate::state::SeriesMeta;
        let jump = |score: f64| SeriesMeta {
            jumps: vec![Signal {
                kind: "jump".into(),
                date: "2020-01-02".into(),
                disease: None,
                disease_name: None,
                country: None,
                event: Some("E1".into()),
                value: 10.0,
                threshold: 5.0,
                score,
                reason: String::new(),
            }],
            deaths: None,
        };
        assert!(same_meta(None, None));
        assert!(same_meta(Some(&jump(2.5)), Some(&jump(2.5))));
        assert!(!same_meta(Some(&jump(2.5)), Some(&jump(3.0))));
        assert!(!same_meta(None, Some(&jump(2.5))));
        assert!(!same_meta(Some(&jump(2.5)), None));
        // Equal as numbers, not as text.
        assert_eq!(jump(0.0), jump(-0.0));
        assert!(!same_meta(Some(&jump(0.0)), Some(&jump(-0.0))));
    }

    /// A thread that panics while holding the inbox leaves it poisoned; the pairs it holds are
    /// still handed over.
    #[test]
    fn a_poisoned_inbox_is_still_read() {
        let inbox = FeatureInbox::default();
        lock_inbox(&inbox).insert(7, (DocFeatures::default(), Cues::default()));
        let other = Arc::clone(&inbox);
        let joined = std::thread::spawn(move || {
            let _held = lock_inbox(&other);
            panic!("the writer fails while holding the inbox");
        })
        .join();
        assert!(joined.is_err());
        assert!(inbox.is_poisoned());
        let mut session = Session::with_inbox(inbox);
        session.take_inbox();
        assert!(session.features.contains_key(&7));
    }
}
