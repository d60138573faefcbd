//! Learned salience of disease and place mentions: does a mention name what the document is
//! about (the outbreak's disease, the places where it happens), or is it an aside (a disease
//! named for comparison, a place named in passing)?
//!
//! Annotated news corpora mark the former only: BAND's annotators mark the event's disease and
//! places in every sentence of a report and leave out `dengue` in "transmitted like dengue and
//! chikungunya" or `China` in a report on African swine fever in Japan. The recognisers in
//! [`crate::disease`] and [`crate::place`] find every mention, as an analyst wants; this module
//! gives each of them a score in `[0, 1]` (a logistic model over hashed features) and a
//! threshold, so a caller can rank or keep the salient ones without losing the others.
//!
//! The features (see [`candidates`]) are the mention's entity, kind and surface form, its
//! document statistics (how often the entity is mentioned, its rank among the entities of its
//! group, whether it is the first named), the words, word shapes and punctuation around it, the
//! mentions near it (within 150 bytes, about a sentence) and, for places, population,
//! containment (a country with places inside it in the document, a place in the country of the
//! document's main place) and whether it is written as a demonym. The
//! weights, `data/salience.tsv`, are learned from the BAND training split only by
//! `cargo run --release -p epiwire-annotate --example train_salience` (see that example).
//!
//! Cost: nothing per byte of text beyond a forward walk to convert the mentions' code-point
//! offsets; about 25 hashed features per mention (about 4,300 instructions per mention with the
//! document statistics, measured with callgrind on the WHO Disease Outbreak News: 38
//! instructions per byte of those dense texts, against 49 for the disease matcher). It is not
//! run by [`crate::annotate`]: call [`score`] where the ranking is wanted.

mod eval;

use std::path::PathBuf;
use std::sync::OnceLock;

use epiwire_model::{Disease, Place};

use crate::place::Gazetteer;

pub use eval::{
    BandSentence, LABELS, SalientBandReport, WindowPrediction, band_rows, eval_band_salient,
    eval_band_salient_with, marked, read_band, window, window_predictions,
};

/// The model compiled into the binary.
pub const EMBEDDED_MODEL: &str = include_str!("../../data/salience.tsv");

/// Errors of the salience module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A line of a model file is malformed.
    #[error("salience model line {line}: {message}")]
    Model {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An evaluation file could not be read.
    #[error("reading {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// An evaluation record is not valid.
    #[error("{path}:{line}: {message}")]
    Record {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Result of the salience module.
pub type Result<T> = std::result::Result<T, Error>;

/// Which array of the document a mention belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    /// `Document::diseases`.
    Disease,
    /// `Document::places`.
    Place,
}

/// One mention and its hashed features (bucket indices into the model's weights).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The array the mention is in.
    pub group: Group,
    /// Index of the disease or place in its array.
    pub item: usize,
    /// Index of the mention in that disease's or place's `mentions`.
    pub mention: usize,
    /// Feature buckets, each below `1 << bits`.
    pub features: Vec<u32>,
}

/// The salience of every mention of a document, in the shape of its arrays:
/// `diseases[i][j]` scores `doc.diseases[i].mentions[j]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Salience {
    /// Scores of the disease mentions.
    pub diseases: Vec<Vec<f32>>,
    /// Scores of the place mentions.
    pub places: Vec<Vec<f32>>,
    /// Scores at or above this are salient.
    pub threshold: f32,
}

impl Salience {
    /// True when mention `j` of disease `i` is salient (false when there is no such mention).
    pub fn disease_salient(&self, i: usize, j: usize) -> bool {
        self.diseases
            .get(i)
            .and_then(|m| m.get(j))
            .is_some_and(|&s| s >= self.threshold)
    }

    /// True when mention `j` of place `i` is salient (false when there is no such mention).
    pub fn place_salient(&self, i: usize, j: usize) -> bool {
        self.places
            .get(i)
            .and_then(|m| m.get(j))
            .is_some_and(|&s| s >= self.threshold)
    }
}

/// A logistic model over hashed features.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    bits: u32,
    weights: Vec<f32>,
    threshold: f32,
    window: usize,
}

impl Model {
    /// The embedded model, parsed once.
    pub fn global() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        // The embedded file is checked by a unit test; should it ever fail to parse, every
        // score is 0.5 and the threshold 0.5 (every mention salient).
        MODEL.get_or_init(|| Model::parse(EMBEDDED_MODEL).unwrap_or_else(|_| Model::empty()))
    }

    /// A model with no weights: every score 0.5, threshold 0.5.
    pub fn empty() -> Model {
        Model {
            bits: 1,
            weights: vec![0.0; 2],
            threshold: 0.5,
            window: 0,
        }
    }

    /// A model from dense weights (`weights.len()` must be `1 << bits`) and a threshold.
    pub fn from_weights(bits: u32, weights: Vec<f32>, threshold: f32) -> Option<Model> {
        (bits > 0 && bits <= 24 && weights.len() == 1usize << bits).then_some(Model {
            bits,
            weights,
            threshold,
            window: 0,
        })
    }

    /// BAND gives sentences, not documents: the number of sentences on each side of a
    /// sentence that were read as its document when the model was trained (and are in the
    /// evaluation).
    pub fn window(&self) -> usize {
        self.window
    }

    /// The same model with another BAND window.
    pub fn with_window(mut self, window: usize) -> Model {
        self.window = window;
        self
    }

    /// Number of feature bits: weights has `1 << bits` entries.
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// Scores at or above this are salient.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// The same weights with another threshold.
    pub fn with_threshold(mut self, threshold: f32) -> Model {
        self.threshold = threshold;
        self
    }

    /// The dense weights.
    pub fn weights(&self) -> &[f32] {
        &self.weights
    }

    /// Parses the text format written by [`Model::to_text`]: `#` comments, `bits\tN`,
    /// `threshold\tX`, then `bucket\tweight` lines (absent buckets weigh 0).
    pub fn parse(text: &str) -> Result<Model> {
        let mut bits = None;
        let mut threshold = 0.5f32;
        let mut window = 0usize;
        let mut weights: Vec<f32> = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let bad = |message: &str| Error::Model {
                line: n + 1,
                message: message.to_string(),
            };
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = line.split_once('\t').ok_or_else(|| bad("no tab"))?;
            match key {
                "bits" => {
                    let b: u32 = value.parse().map_err(|_| bad("bits is not a number"))?;
                    if b == 0 || b > 24 {
                        return Err(bad("bits must be 1 to 24"));
                    }
                    bits = Some(b);
                    weights = vec![0.0; 1usize << b];
                }
                "threshold" => {
                    threshold = value
                        .parse()
                        .map_err(|_| bad("threshold is not a number"))?;
                }
                "window" => {
                    window = value.parse().map_err(|_| bad("window is not a number"))?;
                }
                _ => {
                    let i: usize = key.parse().map_err(|_| bad("bucket is not a number"))?;
                    let w: f32 = value.parse().map_err(|_| bad("weight is not a number"))?;
                    let slot = weights
                        .get_mut(i)
                        .ok_or_else(|| bad("bucket out of range (or before `bits`)"))?;
                    *slot = w;
                }
            }
        }
        let bits = bits.ok_or(Error::Model {
            line: 0,
            message: "no `bits` line".into(),
        })?;
        Ok(Model {
            bits,
            weights,
            threshold,
            window,
        })
    }

    /// The model as text: a header, then the non-zero weights rounded to 4 decimals.
    pub fn to_text(&self, header: &str) -> String {
        let mut out = String::new();
        for l in header.lines() {
            out.push_str("# ");
            out.push_str(l);
            out.push('\n');
        }
        out.push_str(&format!("bits\t{}\n", self.bits));
        out.push_str(&format!("threshold\t{:.4}\n", self.threshold));
        out.push_str(&format!("window\t{}\n", self.window));
        for (i, w) in self.weights.iter().enumerate() {
            let r = (w * 10_000.0).round() / 10_000.0;
            if r != 0.0 {
                out.push_str(&format!("{i}\t{r}\n"));
            }
        }
        out
    }

    /// The probability that a mention with these feature buckets is salient.
    pub fn probability(&self, features: &[u32]) -> f32 {
        let z: f32 = features
            .iter()
            .map(|&f| self.weights.get(f as usize).copied().unwrap_or(0.0))
            .sum();
        1.0 / (1.0 + (-z).exp())
    }

    /// Scores every mention of `diseases` and `places` found in `text` (code-point offsets, as
    /// the recognisers give them).
    pub fn score(&self, text: &str, diseases: &[Disease], places: &[Place]) -> Salience {
        let mut out = Salience {
            diseases: diseases
                .iter()
                .map(|d| vec![0.0; d.mentions.len()])
                .collect(),
            places: places.iter().map(|p| vec![0.0; p.mentions.len()]).collect(),
            threshold: self.threshold,
        };
        each_candidate(
            text,
            diseases,
            places,
            self.bits,
            |group, item, mention, f| {
                let p = self.probability(f);
                let slot = match group {
                    Group::Disease => out.diseases.get_mut(item),
                    Group::Place => out.places.get_mut(item),
                }
                .and_then(|m| m.get_mut(mention));
                if let Some(s) = slot {
                    *s = p;
                }
            },
        );
        out
    }
}

/// Scores the mentions of `doc` with the embedded model.
pub fn score(doc: &epiwire_model::Document) -> Salience {
    Model::global().score(&doc.text, &doc.diseases, &doc.places)
}

/// Kind codes: the disease group, then the place kinds.
const KIND_DISEASE: u8 = 0;

fn place_kind(kind: &str) -> u8 {
    match kind {
        "country" => 1,
        "admin1" => 2,
        "admin2" => 3,
        "city" => 4,
        _ => 5,
    }
}

/// A mention with its byte range, for the feature pass.
struct M {
    group: Group,
    item: usize,
    mention: usize,
    kind: u8,
    start: usize,
    end: usize,
}

/// Feature templates (the first byte hashed into each feature).
#[derive(Clone, Copy)]
#[repr(u8)]
enum T {
    Bias = 1,
    Count,
    Rank,
    Share,
    First,
    Distinct,
    RankCount,
    Surface,
    Entity,
    Prev,
    Next,
    Prev2,
    Punct,
    Shape,
    OtherGroup,
    FirstMention,
    Population,
    Inside,
    SameCountry,
    Demonym,
    SameGroupInSentence,
    Bracket,
    AroundShape,
    NextShape,
    PrevShape,
}

/// FNV-1a over the template, the kind and the parts, ASCII letters lower-cased.
struct Hash(u64);

impl Hash {
    fn new(t: T, kind: u8) -> Hash {
        let mut h = Hash(0xcbf2_9ce4_8422_2325);
        h.byte(t as u8);
        h.byte(kind);
        h
    }
    fn byte(&mut self, b: u8) {
        self.0 ^= u64::from(b.to_ascii_lowercase());
        self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
    }
    fn bytes(mut self, bs: &[u8]) -> Hash {
        for &b in bs {
            self.byte(b);
        }
        self.byte(0xff);
        self
    }
    fn num(mut self, n: u64) -> Hash {
        self.0 = (self.0 ^ n)
            .wrapping_mul(0x0000_0100_0000_01b3)
            .rotate_left(23);
        self
    }
    fn bucket(&self, bits: u32) -> u32 {
        // The high bits mix best.
        let h = self.0 ^ (self.0 >> 29);
        (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as u32
    }
}

fn bucket_count(n: usize) -> u64 {
    match n {
        0..=3 => n as u64,
        4..=5 => 4,
        6..=9 => 5,
        _ => 6,
    }
}

/// The word (letters and digits) that ends just before byte `at`, skipping what is not a word
/// character, and where it starts.
fn word_before(b: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let mut e = at.min(b.len());
    while e > 0 && !b[e - 1].is_ascii_alphanumeric() {
        if b[e - 1] == b'\n' || at - e > 4 {
            return None;
        }
        e -= 1;
    }
    let mut s = e;
    while s > 0 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] >= 0x80) {
        s -= 1;
    }
    (s < e).then(|| (&b[s..e], s))
}

/// The word that starts just after byte `at`, skipping what is not a word character.
fn word_after(b: &[u8], at: usize) -> Option<&[u8]> {
    let mut s = at.min(b.len());
    while s < b.len() && !b[s].is_ascii_alphanumeric() {
        if b[s] == b'\n' || s - at > 4 {
            return None;
        }
        s += 1;
    }
    let mut e = s;
    while e < b.len() && (b[e].is_ascii_alphanumeric() || b[e] >= 0x80) {
        e += 1;
    }
    (s < e).then(|| &b[s..e])
}

/// 0: no word; 1: lower case; 2: capitalised; 3: all capitals; 4: digits.
fn word_shape(w: Option<&[u8]>) -> u64 {
    match w {
        None => 0,
        Some(w) if w.first().is_some_and(u8::is_ascii_digit) => 4,
        Some(w) if w.len() > 1 && w.iter().all(|c| !c.is_ascii_lowercase()) => 3,
        Some(w)
            if w.first()
                .is_some_and(|c| c.is_ascii_uppercase() || *c >= 0x80) =>
        {
            2
        }
        Some(_) => 1,
    }
}

/// The nearest character before `at` that is not a space (0 at the start).
fn punct_before(b: &[u8], at: usize) -> u8 {
    b[..at.min(b.len())]
        .iter()
        .rev()
        .find(|c| **c != b' ')
        .map_or(0, |&c| if c.is_ascii_alphanumeric() { b'a' } else { c })
}

/// The nearest character after `at` that is not a space (0 at the end).
fn punct_after(b: &[u8], at: usize) -> u8 {
    b.get(at..)
        .unwrap_or(&[])
        .iter()
        .find(|c| **c != b' ')
        .map_or(0, |&c| if c.is_ascii_alphanumeric() { b'a' } else { c })
}

/// Converts increasing code-point offsets to byte offsets in one forward walk.
#[derive(Default)]
struct Utf8Cursor {
    byte: usize,
    char: usize,
}

impl Utf8Cursor {
    /// The byte offset of code point `target` (the end of `b` past it); `target` must not be
    /// below the previous call's (it then answers the current position).
    fn advance(&mut self, b: &[u8], target: usize) -> usize {
        while self.char < target && self.byte < b.len() {
            // Eight ASCII bytes at once.
            if target - self.char >= 8
                && let Some(chunk) = b.get(self.byte..self.byte + 8)
                && chunk.iter().all(u8::is_ascii)
            {
                self.byte += 8;
                self.char += 8;
                continue;
            }
            let lead = b[self.byte];
            self.byte += match lead {
                0..=0x7f => 1,
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            };
            self.char += 1;
        }
        self.byte.min(b.len())
    }
}

/// Mentions whose starts are at most this many bytes apart are neighbours (about a sentence).
const NEAR: usize = 150;

/// The candidates of a document: every mention of `diseases` and `places` with its features
/// hashed into `bits` bits. Offsets of the mentions are code points into `text`.
pub fn candidates(text: &str, diseases: &[Disease], places: &[Place], bits: u32) -> Vec<Candidate> {
    let mut out = Vec::new();
    each_candidate(text, diseases, places, bits, |group, item, mention, f| {
        out.push(Candidate {
            group,
            item,
            mention,
            features: f.to_vec(),
        });
    });
    out
}

/// Calls `emit(group, item, mention, features)` for every mention, in text order. The features
/// of a mention are its own (surface, context) followed by its entity's (document statistics,
/// computed once per disease or place).
fn each_candidate(
    text: &str,
    diseases: &[Disease],
    places: &[Place],
    bits: u32,
    mut emit: impl FnMut(Group, usize, usize, &[u32]),
) {
    let b = text.as_bytes();
    let n_mentions: usize = diseases.iter().map(|d| d.mentions.len()).sum::<usize>()
        + places.iter().map(|p| p.mentions.len()).sum::<usize>();
    if n_mentions == 0 {
        return;
    }
    let mut ms: Vec<M> = Vec::with_capacity(n_mentions);
    for (i, d) in diseases.iter().enumerate() {
        for (j, m) in d.mentions.iter().enumerate() {
            ms.push(M {
                group: Group::Disease,
                item: i,
                mention: j,
                kind: KIND_DISEASE,
                start: m.start,
                end: m.end,
            });
        }
    }
    for (i, p) in places.iter().enumerate() {
        for (j, m) in p.mentions.iter().enumerate() {
            ms.push(M {
                group: Group::Place,
                item: i,
                mention: j,
                kind: place_kind(&p.kind),
                start: m.start,
                end: m.end,
            });
        }
    }
    ms.sort_unstable_by_key(|m| (m.start, m.end));
    // Code points to bytes, in one forward walk over the text up to the last mention.
    let mut ends: Vec<usize> = ms.iter().map(|m| m.end).collect();
    ends.sort_unstable();
    let mut cursor = Utf8Cursor::default();
    let mut end_bytes = Vec::with_capacity(ends.len());
    for &e in &ends {
        end_bytes.push(cursor.advance(b, e));
    }
    let mut cursor = Utf8Cursor::default();
    for m in ms.iter_mut() {
        m.start = cursor.advance(b, m.start);
        let i = ends.partition_point(|&e| e < m.end);
        m.end = end_bytes.get(i).copied().unwrap_or(b.len());
    }

    // Entity features, once per disease and per place.
    let d_count: Vec<usize> = diseases.iter().map(|d| d.mentions.len()).collect();
    let p_count: Vec<usize> = places.iter().map(|p| p.mentions.len()).collect();
    let first_of =
        |ms: &[epiwire_model::Span]| ms.iter().map(|m| m.start).min().unwrap_or(usize::MAX);
    let d_first: Vec<usize> = diseases.iter().map(|d| first_of(&d.mentions)).collect();
    let p_first: Vec<usize> = places.iter().map(|p| first_of(&p.mentions)).collect();
    // Rank by count (ties: first named first) and order of first mention, by sorting once.
    let ranks = |count: &[usize], first: &[usize]| {
        let mut idx: Vec<usize> = (0..count.len()).collect();
        idx.sort_unstable_by_key(|&k| (std::cmp::Reverse(count[k]), first[k], k));
        let mut rank = vec![0usize; count.len()];
        for (r, &k) in idx.iter().enumerate() {
            // Entities with the same count and first mention share a rank.
            rank[k] = if r > 0 && count[idx[r - 1]] == count[k] && first[idx[r - 1]] == first[k] {
                rank[idx[r - 1]]
            } else {
                r
            };
        }
        let mut sorted = first.to_vec();
        sorted.sort_unstable();
        let order: Vec<usize> = first
            .iter()
            .map(|f| sorted.partition_point(|x| x < f))
            .collect();
        (rank, order)
    };
    let (d_rank, d_order) = ranks(&d_count, &d_first);
    let (p_rank, p_order) = ranks(&p_count, &p_first);
    let common = |k: u8, count: usize, rk: usize, total: usize, first: usize, distinct: usize| {
        let share = (count * 5 / total.max(1)).min(4) as u64;
        let rb = rk.min(3) as u64;
        let cb = bucket_count(count);
        [
            Hash::new(T::Count, k).num(cb),
            Hash::new(T::Rank, k).num(rb),
            Hash::new(T::Share, k).num(share),
            Hash::new(T::First, k).num(first.min(3) as u64),
            Hash::new(T::Distinct, k).num(distinct.min(4) as u64),
            Hash::new(T::RankCount, k).num(rb * 8 + cb),
        ]
    };
    let d_total: usize = d_count.iter().sum();
    let p_total: usize = p_count.iter().sum();
    let d_feats: Vec<Vec<u32>> = (0..diseases.len())
        .map(|i| {
            let k = KIND_DISEASE;
            let mut f: Vec<u32> = common(
                k,
                d_count[i],
                d_rank[i],
                d_total,
                d_order[i],
                diseases.len(),
            )
            .iter()
            .map(|h| h.bucket(bits))
            .collect();
            f.push(
                Hash::new(T::Entity, k)
                    .bytes(diseases[i].id.as_bytes())
                    .bucket(bits),
            );
            f
        })
        .collect();
    let g = Gazetteer::global();
    let entries: Vec<Option<_>> = places.iter().map(|p| g.get(p.geonameid)).collect();
    let top_place = p_rank.iter().position(|&r| r == 0);
    // Places below a country (any kind but country) and below an admin1 (admin2 and cities).
    let mut in_country: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    let mut in_admin1: std::collections::HashMap<(&str, &str), usize> =
        std::collections::HashMap::new();
    for (o, oe) in places.iter().zip(&entries) {
        let Some(c) = o.country.as_deref() else {
            continue;
        };
        if o.kind != "country" {
            *in_country.entry(c).or_default() += 1;
        }
        if matches!(&*o.kind, "admin2" | "city")
            && let Some(oe) = oe
        {
            *in_admin1.entry((c, oe.admin1)).or_default() += 1;
        }
    }
    let top_country = top_place.and_then(|i| places[i].country.as_deref());
    let p_feats: Vec<Vec<u32>> = (0..places.len())
        .map(|i| {
            let p = &places[i];
            let k = place_kind(&p.kind);
            let e = entries[i].as_ref();
            let mut f: Vec<u32> =
                common(k, p_count[i], p_rank[i], p_total, p_order[i], places.len())
                    .iter()
                    .map(|h| h.bucket(bits))
                    .collect();
            f.push(Hash::new(T::Entity, k).num(p.geonameid).bucket(bits));
            let pop = e.map_or(0, |e| e.population);
            let pop_b = if pop == 0 {
                0
            } else {
                u64::from(pop.ilog10()) + 1
            };
            f.push(Hash::new(T::Population, k).num(pop_b).bucket(bits));
            let inside = match k {
                1 => p
                    .country
                    .as_deref()
                    .and_then(|c| in_country.get(c))
                    .copied()
                    .unwrap_or(0),
                2 => match (p.country.as_deref(), e) {
                    (Some(c), Some(e)) => in_admin1.get(&(c, e.admin1)).copied().unwrap_or(0),
                    _ => 0,
                },
                _ => 0,
            };
            f.push(
                Hash::new(T::Inside, k)
                    .num(inside.min(2) as u64)
                    .bucket(bits),
            );
            let same_country = match (top_country, p.country.as_deref()) {
                (Some(t), Some(c)) => 1 + u64::from(t == c),
                _ => 0,
            };
            f.push(Hash::new(T::SameCountry, k).num(same_country).bucket(bits));
            f
        })
        .collect();

    let mut buf: Vec<u32> = Vec::with_capacity(32);
    for (idx, m) in ms.iter().enumerate() {
        let k = m.kind;
        // Mentions of each group near this one (starts at most NEAR bytes apart).
        let mut near = [0usize; 2];
        for o in ms[..idx].iter().rev() {
            if m.start - o.start > NEAR {
                break;
            }
            near[usize::from(o.group == Group::Place)] += 1;
        }
        for o in &ms[idx + 1..] {
            if o.start - m.start > NEAR {
                break;
            }
            near[usize::from(o.group == Group::Place)] += 1;
        }
        let (same, other) = match m.group {
            Group::Disease => (near[0], near[1]),
            Group::Place => (near[1], near[0]),
        };
        let surface = b.get(m.start..m.end).unwrap_or(&[]);
        let shape = if surface.iter().all(|c| !c.is_ascii_lowercase()) {
            2u64
        } else if surface.first().is_some_and(u8::is_ascii_uppercase) {
            1
        } else {
            0
        };
        let prev = word_before(b, m.start);
        let prev2 = prev.and_then(|(_, s)| word_before(b, s));
        let next = word_after(b, m.end);
        let pb = punct_before(b, m.start);
        let pa = punct_after(b, m.end);
        // A capitalised word right before or after (no punctuation between) makes the mention
        // part of a longer name: a person (`Jorge Carmona`), a body (`Windhoek Central
        // Hospital`), a feature (`Compostela Valley`).
        let prev_adjacent = prev
            .filter(|(w, s)| s + w.len() + 1 == m.start)
            .map(|p| p.0);
        let next_adjacent = next.filter(|_| b.get(m.end) == Some(&b' ') && pa == b'a');
        let ps = word_shape(prev_adjacent);
        let ns = word_shape(next_adjacent);
        // The kind's bias comes first: the trainer folds per-kind thresholds into it.
        let own = [
            Hash::new(T::Bias, k),
            Hash::new(T::Surface, k).bytes(surface),
            Hash::new(T::Prev, k).bytes(prev.map_or(b"^" as &[u8], |p| p.0)),
            Hash::new(T::Next, k).bytes(next.unwrap_or(b"$")),
            Hash::new(T::Prev2, k)
                .bytes(prev2.map_or(b"^" as &[u8], |p| p.0))
                .bytes(prev.map_or(b"^" as &[u8], |p| p.0)),
            Hash::new(T::Punct, k).num(u64::from(pb) << 8 | u64::from(pa)),
            Hash::new(T::Shape, k).num(shape),
            Hash::new(T::FirstMention, k).num(u64::from(m.mention == 0)),
            Hash::new(T::Bracket, k).num(u64::from(
                matches!(pb, b'[' | b'(') && matches!(pa, b']' | b')'),
            )),
            Hash::new(T::OtherGroup, k).num(other.min(2) as u64),
            Hash::new(T::SameGroupInSentence, k).num(same.min(3) as u64),
            Hash::new(T::PrevShape, k).num(ps),
            Hash::new(T::NextShape, k).num(ns),
            Hash::new(T::AroundShape, k).num(ps * 8 + ns),
        ];
        buf.clear();
        buf.extend(own.iter().map(|h| h.bucket(bits)));
        match m.group {
            Group::Disease => {
                if let Some(f) = d_feats.get(m.item) {
                    buf.extend_from_slice(f);
                }
            }
            Group::Place => {
                if let Some(f) = p_feats.get(m.item) {
                    buf.extend_from_slice(f);
                }
                // A demonym is never written as the place's name (the lookup is skipped then).
                let p = &places[m.item];
                let demonym = surface != p.name.as_bytes()
                    && std::str::from_utf8(surface).is_ok_and(|s| g.is_demonym(s, p.geonameid));
                buf.push(
                    Hash::new(T::Demonym, k)
                        .num(u64::from(demonym))
                        .bucket(bits),
                );
            }
        }
        emit(m.group, m.item, m.mention, &buf);
    }
}

/// True when `mention` abbreviates the place `name`: capitals and full stops only (`US`, `U.S.`,
/// `UK`, `DRC`, `NSW`), not the name itself in capitals (`IRAQ`).
pub(crate) fn is_abbreviation(mention: &str, name: &str) -> bool {
    let letters = mention.chars().filter(|c| *c != '.' && *c != ' ');
    mention.chars().any(char::is_alphabetic)
        && letters.clone().all(|c| c.is_ascii_uppercase())
        && letters.count() <= 4
        && !mention.eq_ignore_ascii_case(name)
}

#[cfg(test)]
mod tests;
