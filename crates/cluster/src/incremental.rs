//! Incremental clustering: each new document joins a candidate event, opens a new one, or
//! links several into one, in time proportional to the candidates.
//!
//! The caller keeps, per event, an [`EventProfile`] and the blocking keys of its members
//! ([`Clusterer::block_keys`]); for a new document it looks up the events under the document's
//! keys and asks [`Clusterer::assign`]. [`Events`] does all of this in memory and is the
//! reference for a store-backed implementation.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::batch::{date_factor, disease_factor};
use crate::cues::Cues;
use crate::features::{DfTable, DocFeatures, day_number};
use crate::vector::{self, Sparse, sublinear};
use crate::{Params, minhash};

/// Title terms that serve as blocking keys ([`Clusterer::block_keys`]).
pub const KEY_TERMS: usize = 3;
/// Terms kept in a profile's centroid.
pub const PROFILE_TERMS: usize = 400;
/// Entities kept in a profile.
pub const PROFILE_ENTITIES: usize = 100;
/// Member signatures kept in a profile for near-duplicate checks (the latest ones).
pub const PROFILE_SIGNATURES: usize = 16;
/// Names and years kept in a profile ([`EventProfile::names`]).
pub const PROFILE_NAMES: usize = 100;
/// Candidate events, after the best, that [`Clusterer::assign`] considers merging with it.
pub const MERGE_LOOKS: usize = 4;
/// Most members an event may have and still be re-examined ([`Params::resplit_from`]); a
/// larger event keeps its members (the reference [`Events`] stops keeping their features).
pub const RESPLIT_MEMBERS: usize = 64;
/// Most members, originals and near-duplicates together, an event may have and still be
/// re-examined (copies are not counted in [`EventProfile::members`] but are read with their
/// originals): this bounds the work of a re-examination whatever the copies.
pub const RESPLIT_KEPT: usize = 4 * RESPLIT_MEMBERS;

/// What an event looks like to the clusterer: a compact summary of its members.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventProfile {
    /// Original documents in the event: the members the sums below are of. A near-duplicate
    /// of a member (a syndicated copy, a re-post: [`Decision::duplicate_of`]) is the same
    /// story and is neither counted nor summed ([`EventProfile::add_copy`]), so that copies
    /// do not make an event look more cohesive than its reports are ([`Clusterer::within`]).
    pub members: u32,
    /// Centroid: the sum of the members' unit term vectors (sub-linear counts, title weighted,
    /// no idf), the [`PROFILE_TERMS`] heaviest terms, sorted by term.
    pub terms: Vec<(String, f32)>,
    /// Centroid of the entities: the sum of the members' unit entity vectors (sub-linear
    /// counts, no idf), the [`PROFILE_ENTITIES`] heaviest, sorted by key.
    pub entities: Vec<(String, f32)>,
    /// Disease ids of the members, sorted.
    pub diseases: Vec<String>,
    /// Countries of the members, sorted.
    pub countries: Vec<String>,
    /// Earliest publication day of a member (`YYYY-MM-DD`).
    pub first: Option<String>,
    /// Latest publication day of a member.
    pub last: Option<String>,
    /// Ids and MinHash signatures of the latest members, for near-duplicate checks.
    pub signatures: Vec<(String, Vec<u32>)>,
    /// Centroid of the members' names and years ([`Cues`], keyed `n:<name>`): the sum of
    /// their unit vectors (sub-linear counts, no idf), the [`PROFILE_NAMES`] heaviest, sorted
    /// by key; empty when the caller gives no cues.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<(String, f32)>,
}

/// A document's names and years as a unit vector of sub-linear counts (no idf), keyed
/// [`name_key`].
fn unit_names(cues: &Cues) -> Sparse {
    Sparse::normalized(
        cues.names
            .iter()
            .map(|(k, n)| (name_key(k), sublinear(*n)))
            .collect(),
    )
}

/// The key of a name or year in profiles and in the document-frequency table (beside terms and
/// entities in one table): `n:<name>`.
pub fn name_key(name: &str) -> String {
    // Built by hand: `format!` cost several times the copy, for every name of every document
    // and candidate.
    let mut key = String::with_capacity(NAME_PREFIX.len() + name.len());
    key.push_str(NAME_PREFIX);
    key.push_str(name);
    key
}

/// What [`name_key`] puts before a name.
const NAME_PREFIX: &str = "n:";

fn add_into(
    into: &mut Vec<(String, f32)>,
    from: impl IntoIterator<Item = (String, f32)>,
    keep: usize,
) {
    let mut map: HashMap<String, f32> = into.drain(..).collect();
    for (k, w) in from {
        *map.entry(k).or_insert(0.0) += w;
    }
    let mut v: Vec<(String, f32)> = map.into_iter().collect();
    if v.len() > keep {
        v.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v.truncate(keep);
    }
    v.sort_by(|a, b| a.0.cmp(&b.0));
    *into = v;
}

/// [`add_into`] as a merge of two lists sorted by key without repeats
/// ([`vector::merge_into`], the same sums and the same cut to the bit), else [`add_into`].
fn add_sorted(into: &mut Vec<(String, f32)>, from: Vec<(String, f32)>, keep: usize) {
    if vector::strictly_sorted(into) && vector::strictly_sorted(&from) {
        vector::merge_into(into, from, keep);
    } else {
        add_into(into, from, keep);
    }
}

fn union_into(into: &mut Vec<String>, from: &[String]) {
    into.extend(from.iter().cloned());
    into.sort();
    into.dedup();
}

fn min_day(a: Option<String>, b: Option<&String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if *b < a { b.clone() } else { a }),
        (a, b) => a.or_else(|| b.cloned()),
    }
}

fn max_day(a: Option<String>, b: Option<&String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if *b > a { b.clone() } else { a }),
        (a, b) => a.or_else(|| b.cloned()),
    }
}

impl EventProfile {
    /// The event's end a document published on `published` is dated against: its first day
    /// when the document is older than that, else its last; `None` without a parsable
    /// publication date or either end.
    fn nearest_end(&self, published: Option<&str>) -> Option<&str> {
        match (published.and_then(day_number), &self.first, &self.last) {
            (Some(d), Some(f), Some(l)) => {
                if day_number(f).is_some_and(|f| d < f) {
                    Some(f.as_str())
                } else {
                    Some(l.as_str())
                }
            }
            _ => None,
        }
    }

    /// A profile of one document.
    pub fn of(doc: &DocFeatures) -> EventProfile {
        let mut p = EventProfile::default();
        p.add(doc);
        p
    }

    /// Adds a member. Through [`vector::add_to_profile`] (sorted merges, the same profile to
    /// the bit as [`EventProfile::add_by_map`], the reference, which it falls back to when an
    /// input is not sorted by key).
    pub fn add(&mut self, doc: &DocFeatures) {
        vector::add_to_profile(self, doc);
    }

    /// [`EventProfile::add`] through hash maps and sorts: the reference that the sorted merge
    /// of [`vector::add_to_profile`] equals to the bit (tests hold them equal), and what it
    /// does with input that is not sorted by key.
    pub fn add_by_map(&mut self, doc: &DocFeatures) {
        let unit = Sparse::normalized(
            vector::term_counts(doc, Params::default().title_weight)
                .into_iter()
                .map(|(t, n)| (t, sublinear(n)))
                .collect(),
        );
        add_into(&mut self.terms, unit.0, PROFILE_TERMS);
        let unit_entities = Sparse::normalized(
            doc.entities
                .iter()
                .map(|(e, n)| (e.clone(), sublinear(*n)))
                .collect(),
        );
        add_into(&mut self.entities, unit_entities.0, PROFILE_ENTITIES);
        union_into(&mut self.diseases, &doc.diseases);
        union_into(&mut self.countries, &doc.countries);
        self.first = min_day(self.first.take(), doc.published.as_ref());
        self.last = max_day(self.last.take(), doc.published.as_ref());
        if !doc.minhash.is_empty() {
            self.signatures.push((doc.id.clone(), doc.minhash.clone()));
            let extra = self.signatures.len().saturating_sub(PROFILE_SIGNATURES);
            self.signatures.drain(..extra);
        }
        self.members = self.members.saturating_add(1);
    }

    /// Adds a member with its names and years, when the caller has them.
    pub fn add_cued(&mut self, doc: &DocFeatures, cues: Option<&Cues>) {
        self.add(doc);
        if let Some(c) = cues {
            self.add_names(c);
        }
    }

    /// Adds a member's names and years alone (the rest of the member added by
    /// [`EventProfile::add`] or an equal update); `add` then `add_names` is [`EventProfile::add_cued`].
    pub fn add_names(&mut self, cues: &Cues) {
        add_sorted(&mut self.names, unit_names(cues).0, PROFILE_NAMES);
    }

    /// Adds a near-duplicate of a member ([`Decision::duplicate_of`]): the same story, so its
    /// words, entities and names are not summed again and it is not counted in
    /// [`EventProfile::members`]; only the days, diseases and countries it names are taken
    /// (a copy posted later extends the event's days). Its signature is not kept either: the
    /// original's, which it matched, stands for both.
    pub fn add_copy(&mut self, doc: &DocFeatures) {
        union_into(&mut self.diseases, &doc.diseases);
        union_into(&mut self.countries, &doc.countries);
        self.first = min_day(self.first.take(), doc.published.as_ref());
        self.last = max_day(self.last.take(), doc.published.as_ref());
    }

    /// [`EventProfile::add_cued`] for an original, [`EventProfile::add_copy`] for a
    /// near-duplicate (`duplicate`: [`Decision::duplicate_of`] is set).
    pub fn add_member(&mut self, doc: &DocFeatures, cues: Option<&Cues>, duplicate: bool) {
        if duplicate {
            self.add_copy(doc);
        } else {
            self.add_cued(doc, cues);
        }
    }

    /// The outbreak the event is about, as its members' entity sums say: its dominant disease
    /// and its dominant country (`d:` and `c:` keys without the prefix), each the heaviest of
    /// its kind (alone at the top) when its weight reaches `floor` per member. Each member adds
    /// its unit entity vector (mention counts, sub-linear), so the disease and country a report
    /// is about, mentioned again and again, outweigh those named once, and a disease one member
    /// of twenty names in passing is no identity.
    pub fn outbreak(&self, floor: f32) -> (Option<&str>, Option<&str>) {
        let least = floor * self.members.max(1) as f32;
        let dominant = |prefix: &str| {
            let (mut best, mut second) = (None::<(&str, f32)>, 0.0f32);
            for (k, w) in &self.entities {
                let Some(key) = k.strip_prefix(prefix) else {
                    continue;
                };
                match best {
                    Some((_, b)) if *w <= b => second = second.max(*w),
                    _ => {
                        if let Some((_, b)) = best {
                            second = second.max(b);
                        }
                        best = Some((key, *w));
                    }
                }
            }
            best.filter(|(_, b)| *b > second && *b >= least)
                .map(|(k, _)| k)
        };
        (dominant("d:"), dominant("c:"))
    }

    /// Takes in another event (both describe one event).
    pub fn merge(&mut self, other: &EventProfile) {
        add_sorted(&mut self.terms, other.terms.clone(), PROFILE_TERMS);
        add_sorted(&mut self.entities, other.entities.clone(), PROFILE_ENTITIES);
        union_into(&mut self.diseases, &other.diseases);
        union_into(&mut self.countries, &other.countries);
        self.first = min_day(self.first.take(), other.first.as_ref());
        self.last = max_day(self.last.take(), other.last.as_ref());
        if !other.names.is_empty() {
            add_sorted(&mut self.names, other.names.clone(), PROFILE_NAMES);
        }
        self.signatures.extend(other.signatures.iter().cloned());
        let extra = self.signatures.len().saturating_sub(PROFILE_SIGNATURES);
        self.signatures.drain(..extra);
        self.members = self.members.saturating_add(other.members);
    }
}

/// What to do with a new document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Join the event with this id.
    Join(String),
    /// Open a new event.
    New,
    /// The document links these events: merge them all into the first (the best match) and
    /// add the document to it.
    Merge(Vec<String>),
}

/// The clusterer's answer for one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// Join, new or merge.
    pub action: Action,
    /// The id of an earlier document this one near-duplicates (a syndicated copy or re-post),
    /// when the candidates hold one. The document then joins that document's event.
    pub duplicate_of: Option<String>,
    /// Similarity to the chosen event (1 for a duplicate, 0 for a new event).
    pub score: f32,
}

/// Decides, document by document, which event each belongs to.
///
/// idf comes from a [`DfTable`] the clusterer owns and the caller persists: call
/// [`Clusterer::observe`] with each new document before [`Clusterer::assign`], and save
/// [`Clusterer::df`] with the events (prune it now and then with [`DfTable::prune`]).
#[derive(Debug, Clone, Default)]
pub struct Clusterer {
    /// Thresholds and weights.
    pub params: Params,
    df: DfTable,
    memo: IdfMemo,
}

/// The idf of each document frequency below 256 at one table size ([`vector::idf_of_count`],
/// a function of the two numbers): the clusterer weighs every key of every profile it compares
/// (thousands a document), most keys are rare and their frequencies repeat, so their logarithms
/// are taken once a document. Filled as asked, emptied when the table's size changes.
#[derive(Clone)]
struct IdfMemo {
    docs: std::cell::Cell<u64>,
    idf: Box<[std::cell::Cell<f32>; 256]>,
}

impl Default for IdfMemo {
    fn default() -> IdfMemo {
        IdfMemo {
            docs: std::cell::Cell::new(0),
            idf: Box::new(std::array::from_fn(|_| std::cell::Cell::new(f32::NAN))),
        }
    }
}

impl std::fmt::Debug for IdfMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdfMemo")
    }
}

impl IdfMemo {
    /// [`vector::idf_of_count`] of `docs` and `count`, from the memo when it holds it.
    fn idf(&self, docs: u64, count: u32) -> f32 {
        let Some(slot) = usize::try_from(count).ok().and_then(|c| self.idf.get(c)) else {
            return vector::idf_of_count(docs, count);
        };
        if self.docs.get() != docs {
            self.docs.set(docs);
            for cell in self.idf.iter() {
                cell.set(f32::NAN);
            }
        }
        let memo = slot.get();
        if !memo.is_nan() {
            return memo;
        }
        let idf = vector::idf_of_count(docs, count);
        slot.set(idf);
        idf
    }
}

impl Clusterer {
    /// A clusterer with these parameters and document frequencies (a persisted table, or
    /// [`DfTable::new`]).
    pub fn new(params: Params, df: DfTable) -> Clusterer {
        Clusterer {
            params,
            df,
            memo: IdfMemo::default(),
        }
    }

    /// [`DfTable::idf`] of a key, to the bit, its logarithm memoised ([`IdfMemo`]).
    fn idf(&self, key: &str) -> f32 {
        let count = self.df.df.get(key).copied().unwrap_or(0);
        self.memo.idf(self.df.docs, count)
    }

    /// Counts a document in the document-frequency table.
    pub fn observe(&mut self, doc: &DocFeatures) {
        self.df.add(doc);
    }

    /// Counts a document and, when given, its names and years (under `n:<name>`) in the
    /// document-frequency table.
    pub fn observe_cued(&mut self, doc: &DocFeatures, cues: Option<&Cues>) {
        self.df.add(doc);
        if let Some(c) = cues {
            // One buffer for the look-ups: a key is copied only when it is new to the table.
            let mut key = String::new();
            for (name, _) in &c.names {
                key.clear();
                key.push_str(NAME_PREFIX);
                key.push_str(name);
                match self.df.df.get_mut(key.as_str()) {
                    Some(n) => *n = n.saturating_add(1),
                    None => {
                        self.df.df.insert(key.clone(), 1);
                    }
                }
            }
        }
    }

    /// A document's names and years weighted by idf, as a unit vector.
    fn names_vector(&self, cues: &Cues) -> Sparse {
        Sparse::normalized(
            cues.names
                .iter()
                .map(|(k, n)| {
                    let key = name_key(k);
                    let idf = self.idf(&key);
                    (key, sublinear(*n) * idf)
                })
                .collect(),
        )
    }

    /// The document-frequency table, to persist.
    pub fn df(&self) -> &DfTable {
        &self.df
    }

    /// The document-frequency table, taken out (to persist it without a copy; give it back
    /// with [`Clusterer::new`]).
    pub fn into_df(self) -> DfTable {
        self.df
    }

    /// The blocking keys of a document. An event is a candidate for a new document when one of
    /// its members had one of the document's keys; index each event under the keys of all its
    /// members.
    ///
    /// - `d:<disease>:<country>:<window>` for each disease × country (country `-` when none);
    /// - `n:<country>:<window>` for a document that names no disease (the fallback);
    /// - `w:<term>:<window>` for the [`KEY_TERMS`] heaviest title terms (tf-idf), so that two
    ///   reports of one event meet whatever their annotations;
    /// - `lsh:<band>:<hash>`: MinHash bands, so that a copy finds its original's event
    ///   whatever its annotations.
    ///
    /// `<window>` is the publication day divided into windows of `block_days`; each document
    /// gives its own window and the next, so that documents up to one window apart meet
    /// (`-` when undated: undated documents meet only undated ones).
    pub fn block_keys(&self, doc: &DocFeatures) -> Vec<String> {
        let windows: Vec<String> = match doc.published.as_deref().and_then(day_number) {
            Some(d) => {
                let w = d.div_euclid(self.params.block_days.max(1));
                vec![w.to_string(), (w + 1).to_string()]
            }
            None => vec!["-".to_string()],
        };
        let dash = ["-".to_string()];
        let countries: &[String] = if doc.countries.is_empty() {
            &dash
        } else {
            &doc.countries
        };
        let mut keys = Vec::new();
        for w in &windows {
            for c in countries {
                if doc.diseases.is_empty() {
                    keys.push(format!("n:{c}:{w}"));
                }
                for d in &doc.diseases {
                    keys.push(format!("d:{d}:{c}:{w}"));
                }
            }
        }
        for t in self.key_terms(doc) {
            for w in &windows {
                keys.push(format!("w:{t}:{w}"));
            }
        }
        keys.extend(minhash::band_keys(&doc.minhash));
        keys
    }

    /// The [`KEY_TERMS`] heaviest title terms of a document by tf-idf (body terms when the
    /// title has none): the names and words that two reports of one event most likely share.
    fn key_terms(&self, doc: &DocFeatures) -> Vec<String> {
        let source = if doc.title_terms.is_empty() {
            &doc.terms
        } else {
            &doc.title_terms
        };
        let mut scored: Vec<(f32, &String)> = source
            .iter()
            .filter(|(t, _)| !t.chars().all(|c| c.is_ascii_digit()))
            .map(|(t, n)| (sublinear(*n) * self.idf(t), t))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        scored
            .into_iter()
            .take(KEY_TERMS)
            .map(|(_, t)| t.clone())
            .collect()
    }

    /// Similarity of a document to an event profile, as [`Clusterer::assign`] compares it
    /// with [`Params::join_threshold`]: the cosine of the document's tf-idf vectors with the
    /// event's centroid (idf of now), words plus `entity_weight` × entities, times the date
    /// and disease factors.
    pub fn similarity(&self, doc: &DocFeatures, event: &EventProfile) -> f32 {
        let words = vector::word_weights(doc, &self.df, &self.params);
        let ents = vector::entity_weights(doc, &self.df);
        self.centroid_similarity(doc, &words, &ents, None, event)
    }

    /// Cosine of a document's tf-idf vectors with an event's centroid (idf of now), words
    /// plus `entity_weight` × entities, times the date and disease factors.
    fn centroid_similarity(
        &self,
        doc: &DocFeatures,
        words: &[(&str, f32)],
        ents: &[(&str, f32)],
        names: Option<&Sparse>,
        event: &EventProfile,
    ) -> f32 {
        let word_cosine = cosine_weighted(words, &event.terms, |t, w| w * self.idf(t));
        let entity_cosine =
            cosine_weighted(ents, &event.entities, |e, n| sublinear(n) * self.idf(e));
        let mut s = word_cosine + self.params.entity_weight * entity_cosine;
        let w = self.params.cue_weight;
        if let Some(names) = names.filter(|n| w > 0.0 && !n.is_empty())
            && !event.names.is_empty()
        {
            let name_cosine = cosine_weighted(&names.0, &event.names, |k, n| n * self.idf(k));
            s = (1.0 - w) * s + w * name_cosine;
        }
        // Date agreement: the document against the event's nearest end.
        let published = doc.published.as_deref();
        s *= date_factor(published, event.nearest_end(published), &self.params);
        s *= disease_factor(&doc.diseases, &event.diseases, &self.params);
        s
    }

    /// [`Clusterer::link`] of a document (as an event of one member, its tf-idf `words`,
    /// `ents` and `names` given) with an event, without building either direction: the
    /// document's direction is its tf-idf vector, and the cosine with the event's direction is
    /// the cosine with its idf-weighted sums.
    fn link_one(
        &self,
        doc: &DocFeatures,
        words: &[(&str, f32)],
        ents: &[(&str, f32)],
        names: Option<&Sparse>,
        event: &EventProfile,
    ) -> f32 {
        let cohesion = |sum: &[(String, f32)]| {
            sum.iter().map(|(_, w)| w * w).sum::<f32>().sqrt() / event.members.max(1) as f32
        };
        let idf = |k: &str, w: f32| w * self.idf(k);
        let mut s = cosine_weighted(words, &event.terms, idf) * cohesion(&event.terms)
            + self.params.entity_weight
                * cosine_weighted(ents, &event.entities, idf)
                * cohesion(&event.entities);
        let w = self.params.cue_weight;
        if let Some(names) = names.filter(|n| w > 0.0 && !n.is_empty())
            && !event.names.is_empty()
        {
            s = (1.0 - w) * s
                + w * cosine_weighted(&names.0, &event.names, idf) * cohesion(&event.names);
        }
        let days = doc.published.clone();
        let alone = EventProfile {
            first: days.clone(),
            last: days,
            ..EventProfile::default()
        };
        s *= date_gap_factor(&alone, event, &self.params);
        s *= disease_factor(&doc.diseases, &event.diseases, &self.params);
        s
    }

    /// The idf-weighted unit direction of a centroid (a sum of members' unit vectors), and
    /// its cohesion `|sum| / members` (1 for one member; the root of the members' average
    /// pairwise cosine for many).
    /// The direction borrows the centroid's keys (`Sparse::normalized` of the weighted sums,
    /// the same weights to the bit, without a copy of each key).
    fn direction<'a>(&self, sum: &'a [(String, f32)], members: u32) -> (Unit<'a>, f32) {
        let weighted = vector::normalize_items(
            sum.iter()
                .map(|(t, w)| (t.as_str(), w * self.idf(t)))
                .collect(),
        );
        (weighted, cohesion(sum, members))
    }

    /// The average linkage among an event's members (two or more), estimated like
    /// [`Clusterer::link`] from its sums: `|sum|² = members + Σ_{i≠j} cos(i, j)` for unit
    /// member vectors, so the average over pairs is `(members · cohesion² − 1) / (members − 1)`;
    /// words plus `entity_weight` × entities, names mixed in by `cue_weight`.
    pub fn within(&self, e: &EventProfile) -> f32 {
        let n = e.members.max(2) as f32;
        let pairs = |sum: &[(String, f32)]| {
            if sum.is_empty() {
                return 0.0;
            }
            let c2 = sum.iter().map(|(_, w)| w * w).sum::<f32>() / (n * n);
            ((n * c2 - 1.0) / (n - 1.0)).max(0.0)
        };
        let mut s = pairs(&e.terms) + self.params.entity_weight * pairs(&e.entities);
        let w = self.params.cue_weight;
        if w > 0.0 && !e.names.is_empty() {
            s = (1.0 - w) * s + w * pairs(&e.names);
        }
        s
    }

    /// Average linkage of two events (a document is an event of one member), estimated from
    /// their centroids with the idf of now: for unit member vectors the sum of the pairwise
    /// cosines is the dot product of the sums, so the average is
    /// `cos(A, B) · cohesion(A) · cohesion(B)`; idf is applied to the sums, which is exact
    /// when the members' idf norms are alike. Words plus `entity_weight` × entities, times
    /// the date factor (nearest publication days) and the disease factor.
    pub fn link(&self, a: &EventProfile, b: &EventProfile) -> f32 {
        self.link_from(&self.directions(a), a, b)
    }

    /// The idf-weighted directions and cohesions of an event's terms, entities and names
    /// ([`Clusterer::direction`]), to compute its linkage with several events once.
    fn directions<'a>(&self, a: &'a EventProfile) -> Directions<'a> {
        let w = self.params.cue_weight;
        Directions {
            terms: self.direction(&a.terms, a.members),
            entities: self.direction(&a.entities, a.members),
            names: (w > 0.0 && !a.names.is_empty()).then(|| self.direction(&a.names, a.members)),
        }
    }

    /// [`Clusterer::link`] of `a`, whose [`Clusterer::directions`] are `da`, with `b`: the same
    /// figure to the bit.
    ///
    /// `b`'s directions are not built: the cosine of `a`'s with them is [`cosine_weighted`] of
    /// `a`'s with `b`'s sums weighted by idf (the same to the bit, without copying its keys).
    fn link_from(&self, da: &Directions<'_>, a: &EventProfile, b: &EventProfile) -> f32 {
        let (wa, ca) = &da.terms;
        let (ea, cea) = &da.entities;
        let idf = |k: &str, w: f32| w * self.idf(k);
        let (cb, ceb) = (
            cohesion(&b.terms, b.members),
            cohesion(&b.entities, b.members),
        );
        let mut s = cosine_weighted(wa, &b.terms, idf) * ca * cb
            + self.params.entity_weight * cosine_weighted(ea, &b.entities, idf) * cea * ceb;
        let w = self.params.cue_weight;
        if let Some((na, cna)) = &da.names
            && w > 0.0
            && !b.names.is_empty()
        {
            let cnb = cohesion(&b.names, b.members);
            s = (1.0 - w) * s + w * cosine_weighted(na, &b.names, idf) * cna * cnb;
        }
        s *= date_gap_factor(a, b, &self.params);
        s *= disease_factor(&a.diseases, &b.diseases, &self.params);
        s
    }

    /// Whether an event that had `before` members and now has `after` is due for a
    /// re-examination ([`Clusterer::split_event`]): its count reached [`Params::resplit_from`]
    /// times a power of two, and it has at most [`RESPLIT_MEMBERS`] members. Never when
    /// `resplit_from` is 0. Each event is re-examined about log₂(64 / `resplit_from`) times,
    /// so the work per document stays bounded (see [`Clusterer::split_event`]).
    pub fn resplit_due(&self, before: u32, after: u32) -> bool {
        let from = f64::from(self.params.resplit_from);
        if from == 0.0 || after as usize > RESPLIT_MEMBERS {
            return false;
        }
        let growth = f64::from(self.params.resplit_growth).max(1.01);
        let mut c = from.max(2.0);
        while c.ceil() <= f64::from(after) {
            if c.ceil() > f64::from(before) {
                return true;
            }
            c *= growth;
        }
        false
    }

    /// Re-examines an event: its members (features and, when the caller has them, cues, in
    /// arrival order) go through one cut of the batch split pass ([`crate::split::bisect`]:
    /// terms re-weighted by their idf within the event, the spectral test at
    /// [`Params::resplit_ncut`], each member then moved to the part it is nearer on average
    /// when [`Params::resplit_refine`]). When it finds two parts, the part without the first
    /// member would leave to form a new event; the verdict says whether it should
    /// ([`SplitCheck::accepted`]): the parts' average linkage ([`Clusterer::link`] of their
    /// profiles) is below [`Params::resplit_ratio`] × the lower of their average linkages
    /// within ([`Clusterer::within`]), and the leaving part is mostly the latest arrivals (at
    /// most [`Params::resplit_order`] of the pairs (stays, leaves) have the leaving member
    /// first): a second event of one kind is reported after the first.
    ///
    /// Near-duplicates ([`minhash::duplicates`] among the members) are one story: only the
    /// originals are cut and measured, and each copy follows its original.
    ///
    /// Work: quadratic in the members (their pairwise similarities, then a spectral
    /// bisection of their 5-nearest-neighbour graph), so at most [`RESPLIT_MEMBERS`]² pairs.
    pub fn split_event(&self, members: &[(&DocFeatures, Option<&Cues>)]) -> Option<SplitCheck> {
        // Near-duplicates are one story: the originals are examined, and each copy follows
        // its original (as in batch clustering).
        let sigs: Vec<&[u32]> = members.iter().map(|(d, _)| d.minhash.as_slice()).collect();
        let dup = minhash::duplicates(&sigs);
        let reps: Vec<usize> = (0..members.len()).filter(|&i| dup[i].is_none()).collect();
        let docs: Vec<&DocFeatures> = reps.iter().map(|&i| members[i].0).collect();
        let cues: Option<Vec<&Cues>> = reps.iter().map(|&i| members[i].1).collect();
        let params = Params {
            split_ncut: self.params.resplit_ncut,
            ..self.params.clone()
        };
        let side = crate::split::bisect(
            &docs,
            cues.as_deref(),
            &self.df,
            &params,
            self.params.resplit_refine,
        )?;
        let first = side.first().copied().unwrap_or(0);
        let rep_leaves: Vec<bool> = side.iter().map(|&s| s != first).collect();
        let mut leaves = vec![false; members.len()];
        for (k, &i) in reps.iter().enumerate() {
            leaves[i] = rep_leaves[k];
        }
        for i in 0..members.len() {
            if let Some(j) = dup[i] {
                leaves[i] = leaves[j];
            }
        }
        let (mut stay, mut go) = (EventProfile::default(), EventProfile::default());
        for (k, &i) in reps.iter().enumerate() {
            let (d, c) = members[i];
            if rep_leaves[k] {
                go.add_cued(d, c);
            } else {
                stay.add_cued(d, c);
            }
        }
        let between = self.link(&stay, &go);
        let within = self.within(&stay).min(self.within(&go));
        let names_between = self.names_link(&stay, &go);
        let names_within =
            pair_average(&stay.names, stay.members).min(pair_average(&go.names, go.members));
        // Pairs (stays, leaves) of originals in which the leaving one arrived first.
        let (mut stays, mut inverted, mut pairs) = (0u64, 0u64, 0u64);
        for &l in rep_leaves.iter().rev() {
            if l {
                inverted += stays;
            } else {
                stays += 1;
            }
        }
        let go_count = rep_leaves.iter().filter(|&&l| l).count() as u64;
        pairs += stays * go_count;
        let order = inverted as f32 / pairs.max(1) as f32;
        let accepted =
            between < self.params.resplit_ratio * within && order <= self.params.resplit_order;
        Some(SplitCheck {
            leaves,
            order,
            between,
            within,
            names_between,
            names_within,
            accepted,
        })
    }

    /// The average pairwise cosine of two events' names and years (idf of now), estimated
    /// from their sums like [`Clusterer::link`]; 0 when either has none.
    fn names_link(&self, a: &EventProfile, b: &EventProfile) -> f32 {
        if a.names.is_empty() || b.names.is_empty() {
            return 0.0;
        }
        let (na, ca) = self.direction(&a.names, a.members);
        let (nb, cb) = self.direction(&b.names, b.members);
        vector::dot(&na, &nb) * ca * cb
    }

    /// The candidates (id and profile) a re-examination of `target` examines with it as one
    /// event ([`Params::remerge_link`]): those not kept apart ([`Clusterer::apart`]) whose
    /// average linkage with it ([`Clusterer::link`]) reaches `remerge_link` (and
    /// [`Params::remerge_small_link`] when the two together are too few to cut), nearest
    /// first, at most [`MERGE_LOOKS`].
    pub fn remerge_candidates(
        &self,
        target: &EventProfile,
        candidates: &[(&str, &EventProfile)],
    ) -> Vec<String> {
        let threshold = self.params.remerge_link;
        if threshold <= 0.0 {
            return Vec::new();
        }
        let directions = self.directions(target);
        let mut scored: Vec<(f32, &str)> = candidates
            .iter()
            .filter(|(_, p)| !self.apart(target, p))
            .map(|(id, p)| {
                // Too few to cut: the examination would merge them whatever they are.
                let small =
                    (target.members.saturating_add(p.members) as usize) < 2 * self.params.split_min;
                let floor = if small {
                    threshold.max(self.params.remerge_small_link)
                } else {
                    threshold
                };
                (self.link_from(&directions, target, p), floor, *id)
            })
            .filter(|(l, floor, _)| *l >= *floor)
            .map(|(l, _, id)| (l, id))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        scored
            .into_iter()
            .take(MERGE_LOOKS)
            .map(|(_, id)| id.to_string())
            .collect()
    }

    /// Whether the merge side keeps two events apart whatever their linkage (never examines
    /// them as one): with [`Params::remerge_outbreak`] > 0, when either has a dominant disease
    /// ([`EventProfile::outbreak`]) and they are not one outbreak, one disease in one country:
    /// the same dominant disease and the same dominant country, both known. Events without a
    /// dominant disease (most news, all of ECB+) have no outbreak identity and are not kept
    /// apart; an event of a disease is kept apart from one without (a report naming no disease
    /// or no country of its own is a poor link between outbreaks: a roundup of cholera in many
    /// countries linked the cholera events of four of them).
    pub fn apart(&self, a: &EventProfile, b: &EventProfile) -> bool {
        let floor = self.params.remerge_outbreak;
        if floor <= 0.0 {
            return false;
        }
        let (da, ca) = a.outbreak(floor);
        let (db, cb) = b.outbreak(floor);
        (da.is_some() || db.is_some()) && (da != db || ca.is_none() || ca != cb)
    }

    /// What two events examined as one ([`Params::remerge_link`]) become, from
    /// [`Clusterer::split_event`] of their members in arrival order: `None` when they are one
    /// event (no two parts, or parts that link as closely as their members do), else which
    /// members leave the first member's part (the parts' linkage is below
    /// [`Params::resplit_ratio`] × the lower linkage within). The order test of a
    /// re-examination ([`Params::resplit_order`]) does not apply: both events exist already,
    /// and which reports came first says nothing of which event they are about.
    pub fn pair_split(&self, check: Option<SplitCheck>) -> Option<Vec<bool>> {
        check
            .filter(|c| c.between < self.params.resplit_ratio * c.within)
            .map(|c| c.leaves)
    }

    /// Decides where `doc` goes among the candidate events (id and profile, as found under
    /// the document's [`Clusterer::block_keys`]).
    pub fn assign(&self, doc: &DocFeatures, candidates: &[(String, EventProfile)]) -> Decision {
        self.assign_cued(doc, None, candidates)
    }

    /// [`Clusterer::assign`] with the document's names and years, which count in the
    /// similarity with [`Params::cue_weight`] against events whose profiles hold names
    /// ([`EventProfile::add_cued`]).
    pub fn assign_cued(
        &self,
        doc: &DocFeatures,
        cues: Option<&Cues>,
        candidates: &[(String, EventProfile)],
    ) -> Decision {
        // A near-duplicate decides alone.
        for (id, event) in candidates {
            if let Some((dup, _)) = event
                .signatures
                .iter()
                .find(|(_, sig)| minhash::is_duplicate(&doc.minhash, sig))
            {
                return Decision {
                    action: Action::Join(id.clone()),
                    duplicate_of: Some(dup.clone()),
                    score: 1.0,
                };
            }
        }
        let words = vector::word_weights(doc, &self.df, &self.params);
        let ents = vector::entity_weights(doc, &self.df);
        let names = cues.map(|c| self.names_vector(c));
        let threshold = if cues.is_some() {
            self.params.cued_join_threshold
        } else {
            self.params.join_threshold
        };
        let mut scored: Vec<(f32, &String, &EventProfile)> = candidates
            .iter()
            .map(|(id, ev)| {
                let s = self.centroid_similarity(doc, &words, &ents, names.as_ref(), ev);
                (s, id, ev)
            })
            .filter(|(s, _, _)| *s > 0.0)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let Some(&(best, best_id, best_event)) = scored.first().filter(|(s, _, _)| *s >= threshold)
        else {
            return Decision {
                action: Action::New,
                duplicate_of: None,
                score: 0.0,
            };
        };
        // With cues, a second test: the document must be about as close to the members as
        // they are to one another (a report of a like event, other participants, is not).
        if cues.is_some()
            && self.params.join_ratio > 0.0
            && best_event.members >= self.params.ratio_members.max(2)
        {
            let between = self.link_one(doc, &words, &ents, names.as_ref(), best_event);
            if between < self.params.join_ratio * self.within(best_event) {
                return Decision {
                    action: Action::New,
                    duplicate_of: None,
                    score: 0.0,
                };
            }
        }
        // A second look: the event grown by this document may now be close enough, on
        // average, to another candidate (the document links them); merge greedily, nearest
        // first, while the average linkage stays above `merge_threshold`.
        // The grown event is made only when there is another candidate to look at (a copy of
        // a large profile, for nothing when the best is the only one).
        let mut grown: Option<EventProfile> = None;
        let mut linked: Vec<String> = vec![best_id.clone()];
        for &(_, id, ev) in scored.iter().skip(1).take(MERGE_LOOKS) {
            if linked.contains(id) {
                continue;
            }
            let grown = grown.get_or_insert_with(|| {
                let mut g = best_event.clone();
                g.add_cued(doc, cues);
                g
            });
            let link = self.link(grown, ev);
            // With re-examination on, no merge that a re-examination would undo: the link must
            // also reach `resplit_ratio` × the lower linkage within.
            let undone = self.params.resplit_from > 0
                && link < self.params.resplit_ratio * self.within(grown).min(self.within(ev));
            if link >= self.params.merge_threshold && !undone {
                linked.push(id.clone());
                grown.merge(ev);
            }
        }
        let action = if linked.len() > 1 {
            Action::Merge(linked)
        } else {
            Action::Join(best_id.clone())
        };
        Decision {
            action,
            duplicate_of: None,
            score: best,
        }
    }
}

/// The average pairwise cosine of the unit vectors of `members` members whose sum is `sum`
/// (`|sum|² = members + Σ_{i≠j} cos(i, j)`), 0 for an empty sum.
fn pair_average(sum: &[(String, f32)], members: u32) -> f32 {
    if sum.is_empty() {
        return 0.0;
    }
    let n = members.max(2) as f32;
    let c2 = sum.iter().map(|(_, w)| w * w).sum::<f32>() / (n * n);
    ((n * c2 - 1.0) / (n - 1.0)).max(0.0)
}

/// The cohesion of a centroid, a sum of `members` members' unit vectors: `|sum| / members` (1
/// for one member; the root of the members' average pairwise cosine for many).
fn cohesion(sum: &[(String, f32)], members: u32) -> f32 {
    sum.iter().map(|(_, w)| w * w).sum::<f32>().sqrt() / members.max(1) as f32
}

/// An event's idf-weighted unit directions and cohesions ([`Clusterer::directions`]).
struct Directions<'a> {
    terms: (Unit<'a>, f32),
    entities: (Unit<'a>, f32),
    names: Option<(Unit<'a>, f32)>,
}

/// A unit vector sorted by key without repeats whose keys are borrowed (from a profile).
type Unit<'a> = Vec<(&'a str, f32)>;

/// What [`Clusterer::split_event`] found in an event.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitCheck {
    /// For each member (in the order given): whether it is in the part that would leave (the
    /// part without the first member).
    pub leaves: Vec<bool>,
    /// Average linkage of the two parts ([`Clusterer::link`]).
    pub between: f32,
    /// The lower of the parts' average linkages within ([`Clusterer::within`]).
    pub within: f32,
    /// Average linkage of the parts' names and years alone (for diagnostics).
    pub names_between: f32,
    /// The lower of the parts' names-and-years linkages within (for diagnostics).
    pub names_within: f32,
    /// Share of the pairs (a member that stays, one that leaves) in which the one that
    /// leaves arrived first: 0 when the leaving part is the latest arrivals.
    pub order: f32,
    /// Whether the event should split ([`Params::resplit_ratio`], [`Params::resplit_order`]).
    pub accepted: bool,
}

/// The cosine of a unit vector with `items` weighted by `weight` and scaled to unit length:
/// `unit.cosine(&Sparse::normalized(weighted items))`, computed the same way to the bit, without
/// copying the keys or keeping the weighted items when `items` is sorted by key without repeats
/// (as a profile's are): one pass sums the squared weights in key order (the norm) and notes
/// the weights of the keys `unit` shares; the dot product then divides those by the norm and
/// sums them in key order, as `Sparse::cosine` of the normalised items does.
fn cosine_weighted<K: AsRef<str>>(
    unit: &[(K, f32)],
    items: &[(String, f32)],
    mut weight: impl FnMut(&str, f32) -> f32,
) -> f32 {
    if !vector::strictly_sorted(items) {
        let weighted = items
            .iter()
            .map(|(k, w)| (k.as_str(), weight(k, *w)))
            .collect();
        return vector::dot(unit, &vector::normalize_items(weighted));
    }
    let mut squares = -0.0f32;
    let mut shared: Vec<(f32, f32)> = Vec::new();
    let mut i = 0;
    for (k, w) in items {
        let w = weight(k, *w);
        // Sparse::normalized drops weights that are not positive and finite.
        if !(w > 0.0 && w.is_finite()) {
            continue;
        }
        squares += w * w;
        while let Some((u, uw)) = unit.get(i) {
            match vector::key_cmp(u.as_ref(), k) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Equal => {
                    shared.push((*uw, w));
                    i += 1;
                    break;
                }
                std::cmp::Ordering::Greater => break,
            }
        }
    }
    let norm = squares.sqrt();
    let mut dot = 0.0;
    for (u, w) in shared {
        dot += u * if norm > 0.0 { w / norm } else { w };
    }
    dot
}

/// [`Params::date_penalty`] when the publication days of two events lie more than
/// [`Params::date_window_days`] apart at their nearest ends, else 1 (1 too when one is
/// undated).
fn date_gap_factor(a: &EventProfile, b: &EventProfile, params: &Params) -> f32 {
    let days = |p: &EventProfile| {
        Some((
            p.first.as_deref().and_then(day_number)?,
            p.last.as_deref().and_then(day_number)?,
        ))
    };
    match (days(a), days(b)) {
        (Some((af, al)), Some((bf, bl))) => {
            let gap = (bf - al).max(af - bl).max(0);
            if gap > params.date_window_days {
                params.date_penalty
            } else {
                1.0
            }
        }
        _ => 1.0,
    }
}

/// A member kept for re-examination: what [`Clusterer::split_event`] reads of it.
#[derive(Debug, Clone)]
struct Kept {
    /// Push number of the document.
    doc: usize,
    features: DocFeatures,
    cues: Option<Cues>,
    /// Whether it joined as a near-duplicate of a member ([`EventProfile::add_copy`]).
    duplicate: bool,
}

/// A split of an event ([`Events::push_split`]): some of its members left to form a new event.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// The event re-examined; it keeps its first member and the others that stay.
    pub event: usize,
    /// The new event.
    pub new_event: usize,
    /// Push numbers of the documents that moved to the new event, in arrival order.
    pub moved: Vec<usize>,
    /// What the re-examination found.
    pub check: SplitCheck,
}

/// One re-examination of an event, for diagnostics ([`Events::trace`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Reexam {
    /// The event.
    pub event: usize,
    /// Push numbers of its members, in arrival order.
    pub members: Vec<usize>,
    /// What [`Clusterer::split_event`] found (`None`: no two parts).
    pub check: Option<SplitCheck>,
    /// For an examination of two events as one ([`Params::remerge_link`]): the other event
    /// (`event` is the one examined with it).
    pub pair: Option<usize>,
}

/// Incremental clustering held in memory: the reference for a store-backed version, and what
/// `epiwire cluster` and the evaluation use for streams.
#[derive(Debug, Default)]
pub struct Events {
    clusterer: Clusterer,
    /// Live profiles by event number (`None` once merged away).
    profiles: Vec<Option<EventProfile>>,
    /// Where a merged event went.
    merged_into: Vec<usize>,
    /// Blocking key → event numbers.
    index: HashMap<String, Vec<usize>>,
    /// The event each document (by push number) went to; a split updates its movers.
    doc_event: Vec<usize>,
    /// With [`Params::resplit_from`] > 0: the members of each event in arrival order while it
    /// has at most [`RESPLIT_MEMBERS`] (`None` after, or when merged away).
    kept: Vec<Option<Vec<Kept>>>,
    /// Re-examinations (kept when [`Events::trace`] is on).
    checks: Option<Vec<Reexam>>,
}

impl Events {
    /// An empty set of events.
    pub fn new(clusterer: Clusterer) -> Events {
        Events {
            clusterer,
            ..Events::default()
        }
    }

    /// Keeps every re-examination from now on ([`Events::checks`]); for diagnostics.
    pub fn trace(&mut self) {
        self.checks.get_or_insert_with(Vec::new);
    }

    /// The re-examinations kept since [`Events::trace`].
    pub fn checks(&self) -> &[Reexam] {
        self.checks.as_deref().unwrap_or(&[])
    }

    /// The live event an event number now belongs to (following merges).
    pub fn resolve(&self, mut event: usize) -> usize {
        while let Some(&next) = self.merged_into.get(event) {
            if next == event {
                break;
            }
            event = next;
        }
        event
    }

    /// The profile of a live event.
    pub fn profile(&self, event: usize) -> Option<&EventProfile> {
        self.profiles.get(event).and_then(Option::as_ref)
    }

    /// The live event of a document, by its push number (0 for the first pushed), following
    /// merges and splits.
    pub fn event_of(&self, doc: usize) -> Option<usize> {
        self.doc_event.get(doc).map(|&e| self.resolve(e))
    }

    /// Adds a document; returns the number of its event and the decision taken.
    pub fn push(&mut self, doc: &DocFeatures) -> (usize, Decision) {
        self.push_cued(doc, None)
    }

    /// [`Events::push`] with the document's names and years.
    pub fn push_cued(&mut self, doc: &DocFeatures, cues: Option<&Cues>) -> (usize, Decision) {
        let (event, decision, _) = self.push_split(doc, cues);
        (event, decision)
    }

    /// [`Events::push_cued`], then, when [`Params::resplit_from`] says the event the document
    /// went to is due ([`Clusterer::resplit_due`]), its re-examination
    /// ([`Clusterer::split_event`]); returns the document's event (after a split, the part
    /// it is in), the decision, and the split when the event split. A split rebuilds both
    /// parts' profiles from their members in arrival order and indexes the new event under
    /// its members' keys (computed again, with the document frequencies of now).
    pub fn push_split(
        &mut self,
        doc: &DocFeatures,
        cues: Option<&Cues>,
    ) -> (usize, Decision, Option<Split>) {
        let number = self.doc_event.len();
        let keeping = self.clusterer.params.resplit_from > 0;
        self.clusterer.observe_cued(doc, cues);
        let keys = self.clusterer.block_keys(doc);
        let mut seen: BTreeMap<usize, ()> = BTreeMap::new();
        for k in &keys {
            for &e in self.index.get(k).map(Vec::as_slice).unwrap_or(&[]) {
                seen.insert(self.resolve(e), ());
            }
        }
        // The candidates' profiles move out for the decision and back (never cloned).
        let candidates: Vec<(String, EventProfile)> = seen
            .keys()
            .filter_map(|&e| self.profiles[e].take().map(|p| (e.to_string(), p)))
            .collect();
        let decision = self.clusterer.assign_cued(doc, cues, &candidates);
        for (id, p) in candidates {
            if let Ok(e) = id.parse::<usize>() {
                self.profiles[e] = Some(p);
            }
        }
        let parse = |id: &str| id.parse::<usize>().ok();
        let members_of = |profiles: &[Option<EventProfile>], e: usize| {
            profiles
                .get(e)
                .and_then(Option::as_ref)
                .map_or(0, |p| p.members)
        };
        let mut before = 0;
        let event = match &decision.action {
            Action::New => None,
            Action::Join(id) => {
                let e = parse(id);
                before = e.map_or(0, |e| members_of(&self.profiles, e));
                e
            }
            Action::Merge(ids) => {
                let mut ids = ids.iter().filter_map(|i| parse(i));
                let target = ids.next();
                if let Some(t) = target {
                    before = members_of(&self.profiles, t);
                    for other in ids {
                        if let Some(p) = self.profiles[other].take()
                            && let Some(tp) = self.profiles[t].as_mut()
                        {
                            tp.merge(&p);
                        }
                        self.merged_into[other] = t;
                        let theirs = self.kept.get_mut(other).and_then(Option::take);
                        if let Some(Some(mine)) = self.kept.get_mut(t) {
                            match theirs {
                                Some(theirs) => {
                                    mine.extend(theirs);
                                    mine.sort_by_key(|k| k.doc);
                                }
                                None => self.kept[t] = None,
                            }
                        }
                    }
                }
                target
            }
        };
        let duplicate = decision.duplicate_of.is_some();
        let event = match event.filter(|&e| self.profiles.get(e).is_some_and(Option::is_some)) {
            Some(e) => {
                if let Some(p) = self.profiles[e].as_mut() {
                    p.add_member(doc, cues, duplicate);
                }
                e
            }
            None => {
                let mut p = EventProfile::default();
                p.add_cued(doc, cues);
                self.profiles.push(Some(p));
                self.merged_into.push(self.profiles.len() - 1);
                self.kept.push(keeping.then(Vec::new));
                self.profiles.len() - 1
            }
        };
        self.doc_event.push(event);
        for k in keys {
            let list = self.index.entry(k).or_default();
            if !list.contains(&event) {
                list.push(event);
            }
        }
        let after = members_of(&self.profiles, event);
        if let Some(slot) = self.kept.get_mut(event)
            && let Some(kept) = slot
        {
            if after as usize > RESPLIT_MEMBERS || kept.len() >= RESPLIT_KEPT {
                *slot = None;
            } else {
                kept.push(Kept {
                    doc: number,
                    features: doc.clone(),
                    cues: cues.cloned(),
                    duplicate,
                });
            }
        }
        let due = self.clusterer.resplit_due(before, after);
        let split = if due { self.reexamine(event) } else { None };
        // The merge side ([`Params::remerge_link`]): an event just re-examined (both parts
        // after a split), or just opened, is examined with each of the document's candidates
        // it links to.
        let opened = matches!(decision.action, Action::New);
        if self.clusterer.params.remerge_link > 0.0 && (due || opened) {
            let target = self.resolve(self.doc_event[number]);
            let cands: Vec<usize> = seen.keys().copied().collect();
            self.remerge(target, &cands);
            if let Some(sp) = &split {
                let other = if self.resolve(sp.event) == target {
                    sp.new_event
                } else {
                    sp.event
                };
                let other = self.resolve(other);
                if other != self.resolve(target) {
                    self.remerge(other, &cands);
                }
            }
        }
        (self.resolve(self.doc_event[number]), decision, split)
    }

    /// The merge side of a re-examination ([`Params::remerge_link`]): the candidates linked to
    /// `target` closely enough, nearest first, each examined with it as one event.
    fn remerge(&mut self, target: usize, candidates: &[usize]) {
        let Some(pt) = self.profile(target) else {
            return;
        };
        let mut others: Vec<usize> = candidates
            .iter()
            .map(|&c| self.resolve(c))
            .filter(|&c| c != target)
            .collect();
        others.sort_unstable();
        others.dedup();
        let ids: Vec<String> = others.iter().map(usize::to_string).collect();
        let cands: Vec<(&str, &EventProfile)> = others
            .iter()
            .zip(&ids)
            .filter_map(|(&c, id)| Some((id.as_str(), self.profile(c)?)))
            .collect();
        let chosen: Vec<usize> = self
            .clusterer
            .remerge_candidates(pt, &cands)
            .into_iter()
            .filter_map(|id| id.parse().ok())
            .collect();
        for c in chosen {
            let t = self.resolve(target);
            let c = self.resolve(c);
            if t != c {
                self.examine_pair(t, c);
            }
        }
    }

    /// Examines two events as one ([`Clusterer::split_event`] of their members in arrival
    /// order): merges them when no split is accepted, else gives each the part it holds the
    /// first member of.
    fn examine_pair(&mut self, t: usize, c: usize) {
        let (Some(Some(kt)), Some(Some(kc))) = (self.kept.get(t), self.kept.get(c)) else {
            return;
        };
        let mut union: Vec<&Kept> = kt.iter().chain(kc.iter()).collect();
        union.sort_by_key(|k| k.doc);
        let originals = union.iter().filter(|k| !k.duplicate).count();
        if originals > RESPLIT_MEMBERS || union.len() > RESPLIT_KEPT {
            return;
        }
        let members: Vec<(&DocFeatures, Option<&Cues>)> = union
            .iter()
            .map(|k| (&k.features, k.cues.as_ref()))
            .collect();
        let check = self.clusterer.split_event(&members);
        if let Some(cs) = self.checks.as_mut() {
            cs.push(Reexam {
                event: t,
                members: union.iter().map(|k| k.doc).collect(),
                check: check.clone(),
                pair: Some(c),
            });
        }
        let leaves = self.clusterer.pair_split(check);
        let owner = |doc: usize| self.resolve(self.doc_event[doc]);
        let first = union.first().map_or(t, |k| owner(k.doc));
        let second = if first == t { c } else { t };
        if let Some(leaves) = &leaves
            && union
                .iter()
                .zip(leaves)
                .all(|(k, &l)| owner(k.doc) == if l { second } else { first })
        {
            // The two events are the two parts already.
            return;
        }
        let mut kept_t = self.kept[t].take().unwrap_or_default();
        kept_t.extend(self.kept[c].take().unwrap_or_default());
        kept_t.sort_by_key(|k| k.doc);
        let profile = |part: &[Kept]| {
            let mut p = EventProfile::default();
            for k in part {
                p.add_member(&k.features, k.cues.as_ref(), k.duplicate);
            }
            p
        };
        match leaves {
            None => {
                // One event: `t` takes `c` in.
                self.profiles[t] = Some(profile(&kept_t));
                self.profiles[c] = None;
                self.merged_into[c] = t;
                self.kept[t] = Some(kept_t);
            }
            Some(leaves) => {
                let (mut stay, mut go) = (Vec::new(), Vec::new());
                for (k, l) in kept_t.into_iter().zip(leaves) {
                    if l { go.push(k) } else { stay.push(k) }
                }
                for (part, e) in [(&stay, first), (&go, second)] {
                    for k in part {
                        if self.resolve(self.doc_event[k.doc]) != e {
                            self.doc_event[k.doc] = e;
                            for key in self.clusterer.block_keys(&k.features) {
                                let list = self.index.entry(key).or_default();
                                if !list.contains(&e) {
                                    list.push(e);
                                }
                            }
                        }
                    }
                }
                self.profiles[first] = Some(profile(&stay));
                self.profiles[second] = Some(profile(&go));
                self.kept[first] = Some(stay);
                self.kept[second] = Some(go);
            }
        }
    }

    /// Re-examines an event; splits it when [`Clusterer::split_event`] says so.
    fn reexamine(&mut self, event: usize) -> Option<Split> {
        let kept = self.kept.get(event)?.as_ref()?;
        let members: Vec<(&DocFeatures, Option<&Cues>)> = kept
            .iter()
            .map(|k| (&k.features, k.cues.as_ref()))
            .collect();
        let check = self.clusterer.split_event(&members);
        if let Some(c) = self.checks.as_mut() {
            c.push(Reexam {
                event,
                members: kept.iter().map(|k| k.doc).collect(),
                check: check.clone(),
                pair: None,
            });
        }
        let check = check.filter(|c| c.accepted)?;
        let new_event = self.profiles.len();
        let moved: Vec<usize> = kept
            .iter()
            .zip(&check.leaves)
            .filter(|(_, l)| **l)
            .map(|(k, _)| k.doc)
            .collect();
        let split = Split {
            event,
            new_event,
            moved,
            check,
        };
        let kept = self.kept[event].take().unwrap_or_default();
        let (mut stay, mut go) = (Vec::new(), Vec::new());
        for (k, &l) in kept.into_iter().zip(&split.check.leaves) {
            if l { go.push(k) } else { stay.push(k) }
        }
        let profile = |part: &[Kept]| {
            let mut p = EventProfile::default();
            for k in part {
                p.add_member(&k.features, k.cues.as_ref(), k.duplicate);
            }
            p
        };
        self.profiles[event] = Some(profile(&stay));
        self.profiles.push(Some(profile(&go)));
        self.merged_into.push(new_event);
        for k in &go {
            self.doc_event[k.doc] = new_event;
            for key in self.clusterer.block_keys(&k.features) {
                let list = self.index.entry(key).or_default();
                if !list.contains(&new_event) {
                    list.push(new_event);
                }
            }
        }
        self.kept[event] = Some(stay);
        self.kept.push(Some(go));
        Some(split)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vector::reference;

    /// [`Clusterer::observe_cued`] as first written (a key built with `format!` and copied for
    /// every name), the reference of the buffered one.
    fn observe_cued_reference(c: &mut Clusterer, doc: &DocFeatures, cues: Option<&Cues>) {
        c.df.add(doc);
        if let Some(cues) = cues {
            for (name, _) in &cues.names {
                let n = c.df.df.entry(format!("n:{name}")).or_insert(0);
                *n = n.saturating_add(1);
            }
        }
    }

    fn cues_of(names: &[String]) -> Cues {
        let mut names: Vec<(String, f32)> = names.iter().map(|n| (n.clone(), 1.0)).collect();
        names.sort_by(|a, b| a.0.cmp(&b.0));
        names.dedup_by(|a, b| a.0 == b.0);
        Cues { names }
    }

    fn same_tables(docs: &[(Vec<String>, Vec<String>)], saturated: Option<&str>) {
        let mut fast = Clusterer::new(Params::default(), DfTable::new());
        let mut old = Clusterer::new(Params::default(), DfTable::new());
        if let Some(k) = saturated {
            fast.df.df.insert(format!("n:{k}"), u32::MAX);
            old.df.df.insert(format!("n:{k}"), u32::MAX);
        }
        for (i, (terms, names)) in docs.iter().enumerate() {
            let terms: Vec<&str> = terms.iter().map(String::as_str).collect();
            let d = doc(&format!("d{i}"), &terms);
            let cues = cues_of(names);
            let cues = (i % 3 != 2).then_some(&cues);
            fast.observe_cued(&d, cues);
            observe_cued_reference(&mut old, &d, cues);
        }
        assert_eq!(fast.df, old.df);
    }

    #[test]
    fn name_keys_and_counts_match_the_reference() {
        for name in ["", "capaldi", "y2013", "n:x", "İstanbul", "a b"] {
            assert_eq!(name_key(name), format!("n:{name}"));
        }
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        same_tables(
            &[
                (s(&["a", "b"]), s(&["smith", "y2013"])),
                (s(&["b"]), s(&["smith", "jones"])),
                (s(&["n:smith"]), s(&["smith"])),
                (s(&[]), s(&["smith", "jones", "y2014"])),
            ],
            Some("jones"),
        );
    }

    proptest::proptest! {
        #[test]
        fn observe_cued_counts_as_the_reference(
            docs in proptest::collection::vec(
                (
                    proptest::collection::vec("[a-c:n]{0,3}", 0..4),
                    proptest::collection::vec("[a-cy0-9]{0,3}", 0..5),
                ),
                0..8,
            ),
            saturated in proptest::option::of("[a-c]{1,2}"),
        ) {
            same_tables(&docs, saturated.as_deref());
        }
    }

    fn doc(id: &str, terms: &[&str]) -> DocFeatures {
        DocFeatures {
            id: id.into(),
            terms: terms.iter().map(|t| (t.to_string(), 1.0)).collect(),
            ..DocFeatures::default()
        }
    }

    #[test]
    fn cosine_weighted_equals_the_normalized_cosine() {
        let unit = Sparse::normalized(vec![
            ("alpha".into(), 1.0),
            ("beta".into(), 2.5),
            ("delta".into(), 0.3),
            ("zeta".into(), 7.0),
        ]);
        let idf = |k: &str| 1.0 + k.len() as f32 / 3.0;
        let sorted: Vec<(String, f32)> = vec![
            ("alpha".into(), 0.7),
            ("beta".into(), 0.0),
            ("delta".into(), 1.3),
            ("gamma".into(), f32::INFINITY),
            ("zeta".into(), 0.11),
        ];
        let mut unsorted = sorted.clone();
        unsorted.reverse();
        unsorted.push(("alpha".into(), 0.2));
        for items in [sorted, unsorted, Vec::new()] {
            let fast = cosine_weighted(&unit.0, &items, |k, w| w * idf(k));
            let old = old_cosine_weighted(&unit.0, &items, |k, w| w * idf(k));
            assert_eq!(fast.to_bits(), old.to_bits(), "{items:?}");
        }
    }

    /// `cosine_weighted` as it was: `Sparse::normalized` of the weighted items, owned keys,
    /// then `Sparse::cosine`, in the code before cons12.
    fn old_cosine_weighted(
        unit: &[(String, f32)],
        items: &[(String, f32)],
        weight: impl Fn(&str, f32) -> f32,
    ) -> f32 {
        let weighted = items
            .iter()
            .map(|(k, w)| (k.clone(), weight(k, *w)))
            .collect();
        reference::cosine(unit, &reference::normalized(weighted))
    }

    /// `Clusterer::direction` as it was (owned keys, the old normalisation).
    fn old_direction(
        c: &Clusterer,
        sum: &[(String, f32)],
        members: u32,
    ) -> (Vec<(String, f32)>, f32) {
        let weighted = reference::normalized(
            sum.iter()
                .map(|(t, w)| (t.clone(), w * c.df.idf(t)))
                .collect(),
        );
        (weighted, cohesion(sum, members))
    }

    /// `Clusterer::link` as it was: both events' directions built (owned keys), then their
    /// cosines.
    fn old_link(c: &Clusterer, a: &EventProfile, b: &EventProfile) -> f32 {
        let (wa, ca) = old_direction(c, &a.terms, a.members);
        let (ea, cea) = old_direction(c, &a.entities, a.members);
        let (wb, cb) = old_direction(c, &b.terms, b.members);
        let (eb, ceb) = old_direction(c, &b.entities, b.members);
        let mut s = reference::cosine(&wa, &wb) * ca * cb
            + c.params.entity_weight * reference::cosine(&ea, &eb) * cea * ceb;
        let w = c.params.cue_weight;
        if w > 0.0 && !a.names.is_empty() && !b.names.is_empty() {
            let (na, cna) = old_direction(c, &a.names, a.members);
            let (nb, cnb) = old_direction(c, &b.names, b.members);
            s = (1.0 - w) * s + w * reference::cosine(&na, &nb) * cna * cnb;
        }
        s * date_gap_factor(a, b, &c.params) * disease_factor(&a.diseases, &b.diseases, &c.params)
    }

    /// `Clusterer::centroid_similarity` as it was.
    fn old_similarity(
        c: &Clusterer,
        doc: &DocFeatures,
        names: Option<&Sparse>,
        event: &EventProfile,
    ) -> f32 {
        let words = reference::words(doc, &c.df, &c.params);
        let ents = reference::normalized(
            doc.entities
                .iter()
                .map(|(e, n)| (e.clone(), sublinear(*n) * c.df.idf(e)))
                .collect(),
        );
        let mut s = old_cosine_weighted(&words, &event.terms, |t, w| w * c.df.idf(t))
            + c.params.entity_weight
                * old_cosine_weighted(&ents, &event.entities, |e, n| sublinear(n) * c.df.idf(e));
        let w = c.params.cue_weight;
        if let Some(names) = names.filter(|n| w > 0.0 && !n.is_empty())
            && !event.names.is_empty()
        {
            let name_cosine = old_cosine_weighted(&names.0, &event.names, |k, n| n * c.df.idf(k));
            s = (1.0 - w) * s + w * name_cosine;
        }
        let published = doc.published.as_deref();
        s * date_factor(published, event.nearest_end(published), &c.params)
            * disease_factor(&doc.diseases, &event.diseases, &c.params)
    }

    proptest::proptest! {
        #[test]
        fn cosine_weighted_equals_the_old_code_to_the_bit(
            unit in reference::items(),
            items in reference::items(),
            sorted in proptest::bool::ANY,
        ) {
            let unit = reference::normalized(unit);
            let mut items = items;
            if sorted {
                items = reference::normalized(items)
                    .into_iter()
                    .map(|(k, w)| (k, w * 3.0))
                    .collect();
            }
            let idf = |k: &str| 1.0 + (k.len() % 7) as f32 / 3.0;
            let fast = cosine_weighted(&unit, &items, |k, w| w * idf(k));
            let old = old_cosine_weighted(&unit, &items, |k, w| w * idf(k));
            proptest::prop_assert_eq!(fast.to_bits(), old.to_bits());
            let borrowed: Vec<(&str, f32)> = unit.iter().map(|(k, w)| (k.as_str(), *w)).collect();
            let fast = cosine_weighted(&borrowed, &items, |k, w| w * idf(k));
            proptest::prop_assert_eq!(fast.to_bits(), old.to_bits());
        }
    }

    /// Real documents (the seed articles and WHO outbreak news when `../shared` holds them):
    /// their similarities with profiles of real events, and the profiles' linkages, are the
    /// old code's to the bit.
    #[test]
    fn real_documents_score_as_the_old_code_did() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut docs: Vec<(DocFeatures, Cues)> = Vec::new();
        fn add(
            docs: &mut Vec<(DocFeatures, Cues)>,
            id: &str,
            title: Option<&str>,
            text: &str,
            day: Option<&str>,
        ) {
            let d = crate::eval::annotated(id, title, text, day);
            docs.push((DocFeatures::from_document(&d), Cues::from_document(&d)));
        }
        for (name, day) in [
            ("000_c6c40698dd1a2ea1.txt", "2022-05-13"),
            ("004_600c830cdf3f4dc2.txt", "2022-05-14"),
        ] {
            let raw = std::fs::read_to_string(root.join("tests/fixtures/seeds").join(name))
                .unwrap_or_default();
            let (title, text) = raw.split_once('\n').unwrap_or(("", &raw));
            add(&mut docs, name, Some(title), text, Some(day));
        }
        assert_eq!(docs.len(), 2);
        assert!(
            docs.iter().all(|(d, _)| d.terms.len() > 50),
            "the seeds were read"
        );
        let dons = root.join("../shared/data/who-don/dons-1996-2012.jsonl");
        for line in std::fs::read_to_string(dons)
            .unwrap_or_default()
            .lines()
            .take(120)
        {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let field = |k: &str| v.get(k).and_then(|x| x.as_str());
            if let (Some(id), Some(text)) = (field("id"), field("text")) {
                add(&mut docs, id, field("title"), text, field("date"));
            }
        }
        let mut c = Clusterer::new(Params::default().remerging(), DfTable::new());
        // Events of consecutive documents (a stand-in for real events: profiles of several
        // real members, centroids cut at PROFILE_TERMS).
        let mut events: Vec<EventProfile> = Vec::new();
        let (mut compared, mut positive) = (0, 0);
        for (i, (d, q)) in docs.iter().enumerate() {
            c.observe_cued(d, Some(q));
            let names = c.names_vector(q);
            for e in &events {
                let fast = c.centroid_similarity(
                    d,
                    &vector::word_weights(d, &c.df, &c.params),
                    &vector::entity_weights(d, &c.df),
                    Some(&names),
                    e,
                );
                let old = old_similarity(&c, d, Some(&names), e);
                assert_eq!(fast.to_bits(), old.to_bits(), "document {i}");
                let fast_words = vector::words(d, &c.df, &c.params);
                assert_eq!(
                    reference::bits(&fast_words.0),
                    reference::bits(&reference::words(d, &c.df, &c.params))
                );
                compared += 1;
                positive += usize::from(fast > 0.0);
            }
            if i % 5 == 0 || events.is_empty() {
                events.push(EventProfile::default());
            }
            if let Some(e) = events.last_mut() {
                e.add_cued(d, Some(q));
            }
        }
        for a in &events {
            for b in &events {
                assert_eq!(c.link(a, b).to_bits(), old_link(&c, a, b).to_bits());
            }
        }
        assert!(
            compared > 0 && positive > 0,
            "{compared} compared, {positive} similar"
        );
    }

    #[test]
    fn memoised_idf_is_the_tables_to_the_bit() {
        let mut c = Clusterer::default();
        for docs in [0u64, 1, 2, 7, 255, 256, 1_000, 65_537, 3_000_000, 7] {
            c.df.docs = docs;
            for count in (0..300).chain([1_000, 70_000, u32::MAX]) {
                c.df.df.insert("k".into(), count);
                // Twice: computed, then from the memo.
                for _ in 0..2 {
                    assert_eq!(
                        c.idf("k").to_bits(),
                        c.df.idf("k").to_bits(),
                        "{docs} {count}"
                    );
                }
            }
            assert_eq!(c.idf("absent").to_bits(), c.df.idf("absent").to_bits());
        }
    }

    #[test]
    fn link_is_the_average_pairwise_cosine() {
        let c = Clusterer::default();
        let (a, b) = (doc("a", &["alpha"]), doc("b", &["beta"]));
        let mut both = EventProfile::of(&a);
        both.add(&b);
        // Flat idf: cos(a, a) = 1 and cos(a, b) = 0, so the average is 1/2.
        assert!((c.link(&EventProfile::of(&a), &EventProfile::of(&a)) - 1.0).abs() < 1e-5);
        assert!((c.link(&EventProfile::of(&a), &both) - 0.5).abs() < 1e-5);
        assert!((c.link(&both, &both) - 0.5).abs() < 1e-5);
    }

    /// Pseudo-random centroid sums, sorted by key without repeats, with keys shared between
    /// calls (so that sums meet) and more of them than a profile keeps.
    fn sums(seed: u64, n: usize) -> Vec<(String, f32)> {
        let mut x = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let mut v: Vec<(String, f32)> = (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (
                    format!("k{}", (x >> 33) % 700),
                    ((x >> 40) % 1000) as f32 / 997.0 + 0.001,
                )
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v.dedup_by(|a, b| a.0 == b.0);
        v
    }

    fn bits(v: &[(String, f32)]) -> Vec<(String, u32)> {
        v.iter().map(|(k, w)| (k.clone(), w.to_bits())).collect()
    }

    #[test]
    fn add_sorted_equals_the_hash_map_sum_to_the_bit() {
        for keep in [PROFILE_NAMES, PROFILE_TERMS, 3] {
            let (mut fast, mut reference) = (Vec::new(), Vec::new());
            for seed in 0..40 {
                let from = sums(seed, 50 + (seed as usize * 37) % 300);
                add_sorted(&mut fast, from.clone(), keep);
                add_into(&mut reference, from, keep);
                assert_eq!(bits(&fast), bits(&reference), "keep {keep}, after {seed}");
            }
            assert_eq!(fast.len(), keep);
        }
        // Unsorted input takes the hash map itself.
        let (mut fast, mut reference) = (sums(1, 80), sums(1, 80));
        let mut from = sums(2, 80);
        from.reverse();
        add_sorted(&mut fast, from.clone(), 30);
        add_into(&mut reference, from, 30);
        assert_eq!(bits(&fast), bits(&reference));
    }

    #[test]
    fn link_from_equals_the_link_of_built_directions_to_the_bit() {
        let docs: Vec<(DocFeatures, Cues)> = (0..12)
            .map(|i| {
                let words: Vec<String> = (0..30)
                    .map(|j| format!("w{}", (i * 7 + j * 3) % 45))
                    .collect();
                let names: Vec<String> = (0..4).map(|j| format!("N{}", (i + j) % 9)).collect();
                let w: Vec<&str> = words.iter().map(String::as_str).collect();
                let n: Vec<&str> = names.iter().map(String::as_str).collect();
                cued(&format!("d{i}"), &w, &n)
            })
            .collect();
        let mut c = Clusterer::new(cued_params(), DfTable::new());
        let (mut a, mut b) = (EventProfile::default(), EventProfile::default());
        for (i, (f, q)) in docs.iter().enumerate() {
            c.observe_cued(f, Some(q));
            if i % 3 == 0 {
                a.add_cued(f, Some(q))
            } else {
                b.add_cued(f, Some(q))
            }
        }
        for (x, y) in [(&a, &b), (&b, &a), (&a, &a)] {
            let link = c.link(x, y);
            assert!(link > 0.0);
            assert_eq!(link.to_bits(), old_link(&c, x, y).to_bits());
        }
    }

    fn cued(id: &str, words: &[&str], names: &[&str]) -> (DocFeatures, Cues) {
        let mut terms: Vec<&str> = words.to_vec();
        terms.push(id);
        terms.sort_unstable();
        let mut names: Vec<(String, f32)> = names.iter().map(|n| (n.to_string(), 1.0)).collect();
        names.sort_by(|a, b| a.0.cmp(&b.0));
        (doc(id, &terms), Cues { names })
    }

    /// Three reports of one rehab stay, then three of another (same words, other names).
    fn two_stays() -> Vec<(DocFeatures, Cues)> {
        let kind = ["rehab", "actress", "clinic", "enters", "treatment"];
        let mut docs = Vec::new();
        for id in ["x1", "x2", "x3"] {
            docs.push(cued(id, &kind, &["reid", "promises", "malibu"]));
        }
        for id in ["y1", "y2", "y3"] {
            docs.push(cued(id, &kind, &["lohan", "betty", "ford"]));
        }
        docs
    }

    fn cued_params() -> Params {
        Params {
            cue_weight: 0.8,
            cued_join_threshold: 0.15,
            join_ratio: 0.5,
            ..Params::default()
        }
    }

    #[test]
    fn names_tell_two_events_of_one_kind_apart() {
        let docs = two_stays();
        let mut with = Events::new(Clusterer::new(cued_params(), DfTable::new()));
        let mut without = Events::new(Clusterer::new(cued_params(), DfTable::new()));
        let mut a = Vec::new();
        let mut b = Vec::new();
        for (d, c) in &docs {
            a.push(with.push_cued(d, Some(c)).0);
            b.push(without.push(d).0);
        }
        let a: Vec<usize> = a.iter().map(|&e| with.resolve(e)).collect();
        let b: Vec<usize> = b.iter().map(|&e| without.resolve(e)).collect();
        assert_eq!(a[0], a[1], "{a:?}");
        assert_eq!(a[1], a[2], "{a:?}");
        assert_eq!(a[3], a[4], "{a:?}");
        assert_eq!(a[4], a[5], "{a:?}");
        assert_ne!(a[0], a[3], "{a:?}");
        // Without cues the words alone make one event (today's behaviour).
        assert!(b.iter().all(|&e| e == b[0]), "{b:?}");
    }

    #[test]
    fn without_cues_the_cue_parameters_change_nothing() {
        let docs = two_stays();
        let mut plain = Events::new(Clusterer::new(Params::default(), DfTable::new()));
        let mut tuned = Events::new(Clusterer::new(cued_params(), DfTable::new()));
        for (d, _) in &docs {
            assert_eq!(plain.push(d), tuned.push(d));
        }
    }

    #[test]
    fn profiles_without_names_serialize_as_before() {
        let (d, c) = cued("x", &["rehab"], &["reid"]);
        let plain = EventProfile::of(&d);
        let json = serde_json::to_string(&plain).unwrap();
        assert!(!json.contains("names"), "{json}");
        let back: EventProfile = serde_json::from_str(&json).unwrap();
        assert_eq!(back, plain);
        let mut named = EventProfile::default();
        named.add_cued(&d, Some(&c));
        assert_eq!(named.names, vec![("n:reid".to_string(), 1.0)]);
        let back: EventProfile =
            serde_json::from_str(&serde_json::to_string(&named).unwrap()).unwrap();
        assert_eq!(back, named);
    }

    #[test]
    fn link_one_is_the_link_of_a_one_member_event() {
        let mut c = Clusterer::new(cued_params(), DfTable::new());
        let mut docs = two_stays();
        docs[1].0.entities = vec![("c:US".into(), 2.0), ("p:5368361".into(), 1.0)];
        docs[4].0.entities = vec![("c:US".into(), 1.0)];
        docs[4].0.published = Some("2013-05-01".into());
        docs[2].0.published = Some("2008-01-01".into());
        for (d, cu) in &docs {
            c.observe_cued(d, Some(cu));
        }
        let mut event = EventProfile::default();
        for (d, cu) in &docs[..3] {
            event.add_cued(d, Some(cu));
        }
        // One with the event's names too.
        docs.push(cued("z", &["rehab", "clinic"], &["reid", "lohan"]));
        for (d, cu) in &docs[3..] {
            let mut alone = EventProfile::default();
            alone.add_cued(d, Some(cu));
            let words = vector::word_weights(d, &c.df, &c.params);
            let ents = vector::entity_weights(d, &c.df);
            let names = c.names_vector(cu);
            let fast = c.link_one(d, &words, &ents, Some(&names), &event);
            let slow = c.link(&alone, &event);
            assert!(slow > 0.01, "{slow}");
            assert!((fast - slow).abs() < 1e-5, "{fast} {slow}");
        }
    }

    #[test]
    fn within_is_the_average_pairwise_cosine_of_the_members() {
        let c = Clusterer::default();
        let mut same = EventProfile::of(&doc("a", &["alpha"]));
        same.add(&doc("b", &["alpha"]));
        assert!((c.within(&same) - 1.0).abs() < 1e-5);
        let mut apart = EventProfile::of(&doc("a", &["alpha"]));
        apart.add(&doc("b", &["beta"]));
        assert!(c.within(&apart).abs() < 1e-5);
    }

    /// `n` reports of one kind (the same words, two of four others in turn) about a first
    /// event, then `n` about a second one of the same kind (other names, another year).
    fn two_of_a_kind(n: usize) -> Vec<(DocFeatures, Cues)> {
        (0..2 * n)
            .map(|i| {
                let (w1, w2) = (format!("w{}", i % 4), format!("w{}", (i + 1) % 4));
                let mut terms: Vec<(String, f32)> = ["actress", "clinic", "enters", "rehab"]
                    .iter()
                    .map(|t| (t.to_string(), 2.0))
                    .chain([(w1, 1.0), (w2, 1.0)])
                    .collect();
                terms.sort_by(|a, b| a.0.cmp(&b.0));
                let names: &[&str] = if i < n {
                    &["malibu", "promises", "reid", "y2007"]
                } else {
                    &["betty", "ford", "lohan", "y2010"]
                };
                let doc = DocFeatures {
                    id: format!("d{i}"),
                    terms,
                    ..DocFeatures::default()
                };
                let names = names.iter().map(|n| (n.to_string(), 1.0)).collect();
                (doc, Cues { names })
            })
            .collect()
    }

    /// Cue parameters under which every report of [`two_of_a_kind`] joins one event (names
    /// weigh little, no ratio test).
    fn joining_params() -> Params {
        Params {
            cue_weight: 0.5,
            cued_join_threshold: 0.15,
            join_ratio: 0.0,
            ..Params::default()
        }
    }

    fn resplit_params() -> Params {
        joining_params().resplitting()
    }

    fn events_of(params: Params, docs: &[(DocFeatures, Cues)]) -> (Events, Vec<Option<Split>>) {
        let mut events = Events::new(Clusterer::new(params, DfTable::new()));
        let splits = docs
            .iter()
            .map(|(d, c)| events.push_split(d, Some(c)).2)
            .collect();
        (events, splits)
    }

    #[test]
    fn resplit_is_due_at_geometric_member_counts() {
        let mut c = Clusterer::new(resplit_params(), DfTable::new());
        // 8, 10, 12.5 → 13, 15.6 → 16, 19.5 → 20, 24.4 → 25, 31, 39, 48, 60; none past 64.
        let due: Vec<u32> = (1..=70).filter(|&n| c.resplit_due(n - 1, n)).collect();
        assert_eq!(due, vec![8, 10, 13, 16, 20, 25, 31, 39, 48, 60]);
        // A merge that jumps past a checkpoint is due once.
        assert!(c.resplit_due(5, 11));
        assert!(!c.resplit_due(10, 12));
        c.params.resplit_growth = 2.0;
        let due: Vec<u32> = (1..=70).filter(|&n| c.resplit_due(n - 1, n)).collect();
        assert_eq!(due, vec![8, 16, 32, 64]);
        c.params.resplit_from = 0;
        assert!((1..=70).all(|n| !c.resplit_due(n - 1, n)));
    }

    #[test]
    fn an_event_holding_two_of_a_kind_splits_when_re_examined() {
        let docs = two_of_a_kind(8);
        // Without the re-examination every report joins the first event.
        let (plain, splits) = events_of(joining_params(), &docs);
        assert!(splits.iter().all(Option::is_none));
        let labels: Vec<usize> = (0..16).map(|k| plain.event_of(k).unwrap()).collect();
        assert!(labels.iter().all(|&e| e == labels[0]), "{labels:?}");
        // With it, the second event leaves once it is large enough to tell apart.
        let (events, splits) = events_of(resplit_params(), &docs);
        let labels: Vec<usize> = (0..16).map(|k| events.event_of(k).unwrap()).collect();
        assert!(labels[..8].iter().all(|&e| e == labels[0]), "{labels:?}");
        assert!(labels[8..].iter().all(|&e| e == labels[8]), "{labels:?}");
        assert_ne!(labels[0], labels[8], "{labels:?}");
        let split = splits.iter().flatten().next().unwrap();
        assert_eq!(split.event, labels[0]);
        assert_eq!(split.new_event, labels[8]);
        assert!(split.moved.iter().all(|&k| k >= 8), "{split:?}");
        assert!(split.check.between < split.check.within, "{split:?}");
        assert_eq!(split.check.order, 0.0);
        // Both profiles are their members' sums in arrival order.
        for event in [labels[0], labels[8]] {
            let mut p = EventProfile::default();
            for (k, (d, c)) in docs.iter().enumerate() {
                if labels[k] == event {
                    p.add_cued(d, Some(c));
                }
            }
            assert_eq!(events.profile(event), Some(&p));
        }
    }

    #[test]
    fn a_split_event_is_not_merged_back() {
        // The reports after the split join the new event; without the rule that a merge must
        // reach `resplit_ratio` of the linkage within, the second look would merge the two
        // events again (their linkage is above `merge_threshold`).
        let docs = two_of_a_kind(12);
        let (events, splits) = events_of(resplit_params(), &docs);
        let first = splits.iter().position(Option::is_some).unwrap();
        assert!(first < 23, "{first}");
        let labels: Vec<usize> = (0..24).map(|k| events.event_of(k).unwrap()).collect();
        assert!(labels[12..].iter().all(|&e| e == labels[12]), "{labels:?}");
        assert_ne!(labels[0], labels[12]);
        let c = Clusterer::new(resplit_params(), DfTable::new());
        let (a, b) = (
            events.profile(labels[0]).unwrap(),
            events.profile(labels[12]).unwrap(),
        );
        assert!(c.link(a, b) >= c.params.merge_threshold, "{}", c.link(a, b));
    }

    #[test]
    fn one_event_of_many_reports_does_not_split() {
        let mut docs = two_of_a_kind(16);
        docs.truncate(16);
        let (events, splits) = events_of(resplit_params(), &docs);
        assert!(splits.iter().all(Option::is_none));
        let labels: Vec<usize> = (0..16).map(|k| events.event_of(k).unwrap()).collect();
        assert!(labels.iter().all(|&e| e == labels[0]), "{labels:?}");
    }

    #[test]
    fn a_split_waits_for_the_later_part_to_be_the_latest_arrivals() {
        // The same reports, the two events interleaved: no part is the latest arrivals, so
        // with `resplit_order` 0.2 the event stays whole; at 1 it splits.
        let docs = two_of_a_kind(8);
        let mixed: Vec<(DocFeatures, Cues)> = (0..8)
            .flat_map(|i| [docs[i].clone(), docs[i + 8].clone()])
            .collect();
        let mut found = false;
        let mut events = Events::new(Clusterer::new(resplit_params(), DfTable::new()));
        events.trace();
        for (d, c) in &mixed {
            assert!(events.push_split(d, Some(c)).2.is_none());
        }
        for r in events.checks() {
            if let Some(c) = &r.check {
                found = true;
                assert!(c.order > 0.2, "{c:?}");
            }
        }
        assert!(found);
        let params = Params {
            resplit_order: 1.0,
            ..resplit_params()
        };
        let (_, splits) = events_of(params, &mixed);
        assert!(splits.iter().any(Option::is_some));
    }

    #[test]
    fn two_events_examined_as_one_split_without_the_order_test() {
        let c = Clusterer::new(resplit_params(), DfTable::new());
        let check = |between: f32, order: f32| SplitCheck {
            leaves: vec![false, true],
            between,
            within: 0.5,
            names_between: 0.0,
            names_within: 0.0,
            order,
            accepted: false,
        };
        // Below `resplit_ratio` (0.8) × within: two events, whatever the order of arrival.
        assert_eq!(c.pair_split(Some(check(0.3, 1.0))), Some(vec![false, true]));
        // As close as their members are: one event; no two parts: one event.
        assert_eq!(c.pair_split(Some(check(0.45, 0.0))), None);
        assert_eq!(c.pair_split(None), None);
    }

    /// Parameters under which no report joins an event (each opens its own), so that only the
    /// merge examination ([`Params::remerge_link`]) gathers them.
    fn apart_params(remerge_link: f32) -> Params {
        Params {
            cued_join_threshold: 2.0,
            remerge_link,
            ..joining_params().remerging()
        }
    }

    #[test]
    fn reports_cut_apart_in_the_first_pass_are_merged_on_examination() {
        let mut docs = two_of_a_kind(12);
        docs.truncate(12);
        let (apart, _) = events_of(apart_params(0.0), &docs);
        let labels: Vec<usize> = (0..12).map(|k| apart.event_of(k).unwrap()).collect();
        assert_eq!(labels, (0..12).collect::<Vec<_>>());
        let (events, _) = events_of(apart_params(REMERGE), &docs);
        let labels: Vec<usize> = (0..12).map(|k| events.event_of(k).unwrap()).collect();
        assert!(labels.iter().all(|&e| e == labels[0]), "{labels:?}");
        // The merged profile is its members' sums in arrival order.
        let mut p = EventProfile::default();
        for (d, c) in &docs {
            p.add_cued(d, Some(c));
        }
        assert_eq!(events.profile(labels[0]), Some(&p));
    }

    #[test]
    fn examined_as_one_two_events_of_one_kind_stay_two() {
        // Every report opens an event and is examined with the others: the reports of the
        // first stay gather, and so do the second's once they are enough to be told apart.
        let docs = two_of_a_kind(12);
        let (events, _) = events_of(apart_params(REMERGE), &docs);
        let labels: Vec<usize> = (0..24).map(|k| events.event_of(k).unwrap()).collect();
        assert!(labels[..12].iter().all(|&e| e == labels[0]), "{labels:?}");
        assert!(labels[12..].iter().all(|&e| e == labels[12]), "{labels:?}");
        assert_ne!(labels[0], labels[12], "{labels:?}");
    }

    const REMERGE: f32 = crate::REMERGE_LINK;

    /// A report of `disease` in `country` (each mentioned `n` times), naming `other` once.
    fn outbreak_doc(id: &str, disease: &str, country: &str, other: &str, n: f32) -> DocFeatures {
        let mut entities = vec![
            (format!("c:{country}"), n),
            (format!("c:{other}"), 1.0),
            (format!("d:{disease}"), n),
        ];
        entities.sort_by(|a, b| a.0.cmp(&b.0));
        DocFeatures {
            id: id.into(),
            terms: ["outbreak", "cases", "deaths", "ministry", "health", id]
                .iter()
                .map(|t| (t.to_string(), 1.0))
                .collect(),
            entities,
            diseases: vec![disease.into()],
            countries: vec![country.into(), other.into()],
            ..DocFeatures::default()
        }
    }

    #[test]
    fn an_events_outbreak_is_its_dominant_disease_and_country() {
        let mut e = EventProfile::of(&outbreak_doc("a", "cholera", "UG", "KE", 6.0));
        assert_eq!(e.outbreak(0.1), (Some("cholera"), Some("UG")));
        e.add(&outbreak_doc("b", "cholera", "UG", "TZ", 4.0));
        assert_eq!(e.outbreak(0.1), (Some("cholera"), Some("UG")));
        // A tie at the top is no identity.
        let mut tie = EventProfile::of(&outbreak_doc("c", "cholera", "UG", "KE", 1.0));
        assert_eq!(tie.outbreak(0.1), (Some("cholera"), None));
        // A disease one member of many names in passing is none either.
        let mut news = EventProfile::default();
        for i in 0..20 {
            news.add(&doc(&format!("n{i}"), &["storm", "coast"]));
        }
        news.add(&DocFeatures {
            entities: vec![
                ("d:ppr".into(), 1.0),
                ("p:1".into(), 1.0),
                ("p:2".into(), 1.0),
            ],
            ..doc("p", &["storm"])
        });
        assert_eq!(news.outbreak(0.1), (None, None));
        assert_eq!(news.outbreak(0.001).0, Some("ppr"));
        tie.merge(&e);
        assert_eq!(tie.outbreak(0.1), (Some("cholera"), Some("UG")));
    }

    #[test]
    fn the_merge_side_keeps_outbreaks_apart() {
        let c = Clusterer::new(Params::default().remerging(), DfTable::new());
        let of = |id, d, country| EventProfile::of(&outbreak_doc(id, d, country, "ZZ", 5.0));
        let uganda = of("a", "cholera", "UG");
        assert!(!c.apart(&uganda, &of("b", "cholera", "UG")));
        assert!(c.apart(&uganda, &of("c", "cholera", "KH")));
        assert!(c.apart(&uganda, &of("d", "ebola", "UG")));
        // A report of a disease without a country of its own, or news of no disease: apart
        // from an outbreak; news and news: not.
        let mut roundup = EventProfile::of(&outbreak_doc("e", "cholera", "UG", "KH", 1.0));
        roundup.entities.retain(|(k, _)| !k.starts_with("c:"));
        assert!(c.apart(&uganda, &roundup));
        let news = EventProfile::of(&doc("f", &["storm"]));
        assert!(c.apart(&uganda, &news));
        assert!(!c.apart(&news, &EventProfile::of(&doc("g", &["storm"]))));
        // Off: nothing is kept apart.
        let off = Clusterer::new(
            Params {
                remerge_outbreak: 0.0,
                ..Params::default().remerging()
            },
            DfTable::new(),
        );
        assert!(!off.apart(&uganda, &of("c", "cholera", "KH")));
        assert!(
            c.remerge_candidates(&uganda, &[("kh", &of("c", "cholera", "KH"))])
                .is_empty()
        );
    }

    #[test]
    fn events_too_few_to_cut_need_a_close_link_to_be_examined_as_one() {
        let c = Clusterer::new(Params::default().remerging(), DfTable::new());
        let a = EventProfile::of(&doc("a", &["storm", "coast", "power", "school"]));
        let b = EventProfile::of(&doc("b", &["storm", "bridge", "river", "train"]));
        let link = c.link(&a, &b);
        assert!(
            (crate::REMERGE_LINK..crate::REMERGE_SMALL_LINK).contains(&link),
            "{link}"
        );
        // Two reports are too few to cut: not examined at this linkage.
        assert!(c.remerge_candidates(&a, &[("b", &b)]).is_empty());
        let loose = Clusterer::new(
            Params {
                remerge_small_link: 0.0,
                ..Params::default().remerging()
            },
            DfTable::new(),
        );
        assert_eq!(loose.remerge_candidates(&a, &[("b", &b)]), vec!["b"]);
        // With enough members to be cut, `remerge_link` alone decides.
        let mut many = b.clone();
        for i in 0..7 {
            many.add(&doc(
                &format!("b{i}"),
                &["storm", "bridge", "river", "train"],
            ));
        }
        assert!(c.link(&a, &many) >= crate::REMERGE_LINK);
        assert_eq!(c.remerge_candidates(&a, &[("m", &many)]), vec!["m"]);
    }

    #[test]
    fn cholera_in_two_countries_is_not_merged_on_examination() {
        // Reports that each open an event (no joins): the merge examination gathers those of
        // one outbreak and, with the outbreak identity, not those of another country (without
        // it, six like reports are one event to the examination).
        let docs: Vec<(DocFeatures, Cues)> = (0..6)
            .map(|i| {
                let country = if i % 2 == 0 { "UG" } else { "KH" };
                let d = outbreak_doc(&format!("r{i}"), "cholera", country, "ZZ", 5.0);
                (d, Cues::default())
            })
            .collect();
        let labels = |p: Params| {
            let (events, _) = events_of(p, &docs);
            (0..6)
                .map(|k| events.event_of(k).unwrap())
                .collect::<Vec<_>>()
        };
        let kept = labels(apart_params(REMERGE));
        assert!(kept[0] == kept[2] && kept[2] == kept[4], "{kept:?}");
        assert!(kept[1] == kept[3] && kept[3] == kept[5], "{kept:?}");
        assert_ne!(kept[0], kept[1], "{kept:?}");
        let joined = labels(Params {
            remerge_outbreak: 0.0,
            ..apart_params(REMERGE)
        });
        assert!(joined.iter().all(|&e| e == joined[0]), "{joined:?}");
    }

    #[test]
    fn a_document_that_links_two_events_merges_them() {
        let c = Clusterer::default();
        let left = EventProfile::of(&doc("l", &["outbreak", "cholera", "haiti"]));
        let right = EventProfile::of(&doc("r", &["outbreak", "cholera", "port"]));
        let bridge = doc("x", &["outbreak", "cholera", "haiti", "port"]);
        let d = c.assign(&bridge, &[("L".into(), left), ("R".into(), right)]);
        assert_eq!(d.action, Action::Merge(vec!["L".into(), "R".into()]));
        let far = EventProfile::of(&doc("f", &["election", "vote"]));
        let d = c.assign(&bridge, &[("F".into(), far)]);
        assert_eq!(d.action, Action::New);
    }
}
