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
//! group, whether it is the first named), the words and punctuation around it, its sentence
//! (figures, other-group mentions) and, for places, population and containment (a country with
//! places inside it in the document, a place in the country of the document's main place). The
//! weights, `data/salience.tsv`, are learned from the BAND training split only by
//! `cargo run --release -p epiwire-annotate --example train_salience` (see that example).
//!
//! Cost: one pass of `str::is_ascii` over the text, a scan of each sentence that holds a
//! mention, and about 25 hashed features per mention; no allocation per byte.

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
        for c in candidates(text, diseases, places, self.bits) {
            let p = self.probability(&c.features);
            let slot = match c.group {
                Group::Disease => out.diseases.get_mut(c.item),
                Group::Place => out.places.get_mut(c.item),
            }
            .and_then(|m| m.get_mut(c.mention));
            if let Some(s) = slot {
                *s = p;
            }
        }
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
    Digit,
    OtherGroup,
    FirstMention,
    Population,
    Inside,
    SameCountry,
    Demonym,
    RankDigit,
    SameGroupInSentence,
    SentenceStart,
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
        for b in n.to_le_bytes() {
            self.byte(b);
        }
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

/// Longest scan each way for a sentence boundary, in bytes.
const SENTENCE_SCAN: usize = 300;

/// The byte range of the sentence around `start..end`: from after the last `.`/`!`/`?`
/// followed by a space, or newline, before it, to the next one after it (at most
/// [`SENTENCE_SCAN`] bytes each way).
fn sentence_around(b: &[u8], start: usize, end: usize) -> (usize, usize) {
    let lo = start.saturating_sub(SENTENCE_SCAN);
    let mut s = start.min(b.len());
    while s > lo {
        let c = b[s - 1];
        if c == b'\n' || (matches!(c, b'.' | b'!' | b'?') && b.get(s) == Some(&b' ')) {
            break;
        }
        s -= 1;
    }
    let hi = (end + SENTENCE_SCAN).min(b.len());
    let mut e = end.min(b.len());
    while e < hi {
        let c = b[e];
        if c == b'\n'
            || (matches!(c, b'.' | b'!' | b'?') && b.get(e + 1).is_none_or(|&n| n == b' '))
        {
            break;
        }
        e += 1;
    }
    (s, e)
}

/// The candidates of a document: every mention of `diseases` and `places` with its features
/// hashed into `bits` bits. Offsets of the mentions are code points into `text`.
pub fn candidates(text: &str, diseases: &[Disease], places: &[Place], bits: u32) -> Vec<Candidate> {
    let b = text.as_bytes();
    // Code point -> byte, for text that is not ASCII.
    let byte_at: Option<Vec<usize>> = (!text.is_ascii()).then(|| {
        text.char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(text.len()))
            .collect()
    });
    let to_byte = |c: usize| match &byte_at {
        None => c.min(b.len()),
        Some(v) => v.get(c).copied().unwrap_or(b.len()),
    };
    let mut ms: Vec<M> = Vec::new();
    for (i, d) in diseases.iter().enumerate() {
        for (j, m) in d.mentions.iter().enumerate() {
            ms.push(M {
                group: Group::Disease,
                item: i,
                mention: j,
                kind: KIND_DISEASE,
                start: to_byte(m.start),
                end: to_byte(m.end),
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
                start: to_byte(m.start),
                end: to_byte(m.end),
            });
        }
    }
    if ms.is_empty() {
        return Vec::new();
    }
    ms.sort_by_key(|m| (m.start, m.end));

    // Document statistics: mentions per entity, rank by count (ties: first named first), and
    // order of first mention.
    let d_count: Vec<usize> = diseases.iter().map(|d| d.mentions.len()).collect();
    let p_count: Vec<usize> = places.iter().map(|p| p.mentions.len()).collect();
    let d_first: Vec<usize> = diseases
        .iter()
        .map(|d| {
            d.mentions
                .iter()
                .map(|m| m.start)
                .min()
                .unwrap_or(usize::MAX)
        })
        .collect();
    let p_first: Vec<usize> = places
        .iter()
        .map(|p| {
            p.mentions
                .iter()
                .map(|m| m.start)
                .min()
                .unwrap_or(usize::MAX)
        })
        .collect();
    let rank = |count: &[usize], first: &[usize], i: usize| {
        (0..count.len())
            .filter(|&k| {
                (count[k], std::cmp::Reverse(first[k])) > (count[i], std::cmp::Reverse(first[i]))
            })
            .count()
    };
    let order = |first: &[usize], i: usize| first.iter().filter(|&&f| f < first[i]).count();
    let d_total: usize = d_count.iter().sum();
    let p_total: usize = p_count.iter().sum();
    let g = Gazetteer::global();
    let entries: Vec<Option<_>> = places.iter().map(|p| g.get(p.geonameid)).collect();
    let top_place = (0..places.len()).find(|&i| rank(&p_count, &p_first, i) == 0);
    let top_country = top_place.and_then(|i| places[i].country.as_deref());

    let mut out = Vec::with_capacity(ms.len());
    let mut sentence = (usize::MAX, 0usize, false); // (start, end, has digit)
    for (idx, m) in ms.iter().enumerate() {
        if !(sentence.0 <= m.start && m.end <= sentence.1) {
            let (s, e) = sentence_around(b, m.start, m.end);
            let digit = b[s..e].iter().any(u8::is_ascii_digit);
            sentence = (s, e, digit);
        }
        let (s0, s1, digit) = sentence;
        let k = m.kind;
        let (count, rk, share_total, first, distinct, id_hash) = match m.group {
            Group::Disease => (
                d_count[m.item],
                rank(&d_count, &d_first, m.item),
                d_total,
                order(&d_first, m.item),
                diseases.len(),
                Hash::new(T::Entity, k).bytes(diseases[m.item].id.as_bytes()),
            ),
            Group::Place => (
                p_count[m.item],
                rank(&p_count, &p_first, m.item),
                p_total,
                order(&p_first, m.item),
                places.len(),
                Hash::new(T::Entity, k).num(places[m.item].geonameid),
            ),
        };
        let share = (count * 5 / share_total.max(1)).min(4) as u64;
        let rb = rk.min(3) as u64;
        let cb = bucket_count(count);
        // Mentions of the same and the other group in this sentence.
        let in_sentence = |grp: Group| {
            let mut n = 0usize;
            for o in ms[..idx].iter().rev() {
                if o.start < s0 {
                    break;
                }
                n += usize::from(o.group == grp);
            }
            for o in &ms[idx + 1..] {
                if o.start >= s1 {
                    break;
                }
                n += usize::from(o.group == grp);
            }
            n
        };
        let other = match m.group {
            Group::Disease => in_sentence(Group::Place),
            Group::Place => in_sentence(Group::Disease),
        };
        let same = in_sentence(m.group);
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
        let mut f: Vec<Hash> = vec![
            Hash::new(T::Bias, k),
            Hash::new(T::Count, k).num(cb),
            Hash::new(T::Rank, k).num(rb),
            Hash::new(T::Share, k).num(share),
            Hash::new(T::First, k).num(first.min(3) as u64),
            Hash::new(T::Distinct, k).num(distinct.min(4) as u64),
            Hash::new(T::RankCount, k).num(rb * 8 + cb),
            Hash::new(T::Surface, k).bytes(surface),
            id_hash,
            Hash::new(T::Prev, k).bytes(prev.map_or(b"^" as &[u8], |p| p.0)),
            Hash::new(T::Next, k).bytes(next.unwrap_or(b"$")),
            Hash::new(T::Prev2, k)
                .bytes(prev2.map_or(b"^" as &[u8], |p| p.0))
                .bytes(prev.map_or(b"^" as &[u8], |p| p.0)),
            Hash::new(T::Punct, k).num(u64::from(pb) << 8 | u64::from(pa)),
            Hash::new(T::Shape, k).num(shape),
            Hash::new(T::Digit, k).num(u64::from(digit)),
            Hash::new(T::OtherGroup, k).num(other.min(2) as u64),
            Hash::new(T::FirstMention, k).num(u64::from(m.mention == 0)),
            Hash::new(T::RankDigit, k).num(rb * 2 + u64::from(digit)),
            Hash::new(T::SameGroupInSentence, k).num(same.min(3) as u64),
            Hash::new(T::SentenceStart, k).num(u64::from(m.start <= s0 + 1)),
            Hash::new(T::Bracket, k).num(u64::from(
                matches!(pb, b'[' | b'(') && matches!(pa, b']' | b')'),
            )),
        ];
        // A capitalised word right before or after (no punctuation between) makes the mention
        // part of a longer name: a person (`Jorge Carmona`), a body (`Windhoek Central
        // Hospital`), a feature (`Compostela Valley`).
        let prev_adjacent = prev
            .filter(|(w, s)| s + w.len() + 1 == m.start)
            .map(|p| p.0);
        let next_adjacent = next.filter(|_| b.get(m.end) == Some(&b' ') && pa == b'a');
        let ps = word_shape(prev_adjacent);
        let ns = word_shape(next_adjacent);
        f.push(Hash::new(T::PrevShape, k).num(ps));
        f.push(Hash::new(T::NextShape, k).num(ns));
        f.push(Hash::new(T::AroundShape, k).num(ps * 8 + ns));
        if m.group == Group::Place {
            let e = entries[m.item].as_ref();
            let pop = e.map_or(0, |e| e.population);
            let pop_b = if pop == 0 {
                0
            } else {
                u64::from(pop.ilog10()) + 1
            };
            f.push(Hash::new(T::Population, k).num(pop_b));
            let p = &places[m.item];
            let inside = match k {
                1 => places
                    .iter()
                    .filter(|o| o.kind != "country" && o.country == p.country)
                    .count(),
                2 => places
                    .iter()
                    .zip(&entries)
                    .filter(|(o, oe)| {
                        matches!(o.kind.as_str(), "admin2" | "city")
                            && o.country == p.country
                            && oe.as_ref().map(|x| x.admin1) == e.map(|x| x.admin1)
                    })
                    .count(),
                _ => 0,
            };
            f.push(Hash::new(T::Inside, k).num(inside.min(2) as u64));
            let same_country = match (top_country, p.country.as_deref()) {
                (Some(t), Some(c)) => 1 + u64::from(t == c),
                _ => 0,
            };
            f.push(Hash::new(T::SameCountry, k).num(same_country));
            let demonym = std::str::from_utf8(surface).is_ok_and(|s| g.is_demonym(s, p.geonameid));
            f.push(Hash::new(T::Demonym, k).num(u64::from(demonym)));
        }
        out.push(Candidate {
            group: m.group,
            item: m.item,
            mention: m.mention,
            features: f.iter().map(|h| h.bucket(bits)).collect(),
        });
    }
    out
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
