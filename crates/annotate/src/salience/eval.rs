//! The salience model on BAND: which mentions the annotators mark.
//!
//! BAND gives ProMED reports one sentence per record, in document order, without document
//! boundaries. A sentence is read with the `window` sentences on each side of it (joined by
//! newlines) as its document: the recognisers run on that text, the model scores their mentions,
//! and the mentions inside the sentence are its predictions. The neighbouring sentences are
//! input text only; no label of any sentence but the one scored is used, and that one only to
//! count. Sentence-at-a-time systems (BAND's own baselines) see no such context.

use std::fmt;
use std::path::Path;

use serde_json::Value;

use super::{Candidate, Error, Group, Model, Result, candidates};
use crate::disease::{CombinedRow, DiseaseMatcher, Scores};
use crate::place::Gazetteer;

/// Gold labels, in the order of [`BandSentence::gold`]'s label index.
pub const LABELS: [&str; 5] = ["Disease", "Virus", "Country", "Province", "City"];

/// One BAND record: its text (tokens joined by single spaces) and its gold spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BandSentence {
    /// The tokens joined by single spaces.
    pub text: String,
    /// (start, end, label index into [`LABELS`]), in code points.
    pub gold: Vec<(usize, usize, usize)>,
}

/// Reads a BAND JSON Lines file.
pub fn read_band(path: &Path) -> Result<Vec<BandSentence>> {
    let data = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut out = Vec::new();
    for (n, line) in data.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| Error::Record {
            path: path.to_path_buf(),
            line: n + 1,
            message,
        };
        let v: Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        out.push(parse(&v).map_err(bad)?);
    }
    Ok(out)
}

fn parse(v: &Value) -> std::result::Result<BandSentence, String> {
    let (text, gold) =
        crate::place::parse_band_labelled(v, |label| LABELS.iter().position(|l| *l == label))?;
    Ok(BandSentence { text, gold })
}

/// The document read for sentence `i`: sentences `i - k ..= i + k` joined by newlines, and the
/// code-point offset of sentence `i` in it.
pub fn window(sents: &[BandSentence], i: usize, k: usize) -> (String, usize) {
    let lo = i.saturating_sub(k);
    let hi = (i + k + 1).min(sents.len());
    let mut text = String::new();
    let mut offset = 0;
    for (j, s) in sents.iter().enumerate().take(hi).skip(lo) {
        if j > lo {
            text.push('\n');
        }
        if j == i {
            offset = text.chars().count();
        }
        text.push_str(&s.text);
    }
    (text, offset)
}

/// One mention inside the scored sentence, from the recognisers run on its window.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowPrediction {
    /// Disease or place.
    pub group: Group,
    /// The spans it predicts, in code points of the sentence: a disease mention and the phrase
    /// around or pathogen name inside it ([`DiseaseMatcher::find_nested`]); a place mention.
    pub spans: Vec<(usize, usize)>,
    /// For places, the BAND label its kind is scored as (index into [`LABELS`]).
    pub label: Option<usize>,
    /// False for what the BAND place scoring never predicts (demonyms, abbreviations).
    pub predicted: bool,
    /// The model's features of the mention.
    pub features: Vec<u32>,
    /// The model's probability that the mention is salient.
    pub score: f32,
}

/// The mentions of sentence `i`, found and scored in its window of `k` sentences each side.
pub fn window_predictions(
    model: &Model,
    sents: &[BandSentence],
    i: usize,
    k: usize,
) -> Vec<WindowPrediction> {
    let Some(sentence) = sents.get(i) else {
        return Vec::new();
    };
    let (text, offset) = window(sents, i, k);
    let end = offset + sentence.text.chars().count();
    let dm = DiseaseMatcher::global();
    let g = Gazetteer::global();
    let diseases = dm.find(&text);
    let places = g.find(&text);
    let nested = dm.find_nested(&text);
    let cands: Vec<Candidate> = candidates(&text, &diseases, &places, model.bits());
    let inside = |s: usize, e: usize| offset <= s && e <= end;
    let mut out = Vec::new();
    for c in cands {
        let score = model.probability(&c.features);
        match c.group {
            Group::Disease => {
                let Some(d) = diseases.get(c.item) else {
                    continue;
                };
                let Some(m) = d.mentions.get(c.mention) else {
                    continue;
                };
                if !inside(m.start, m.end) {
                    continue;
                }
                let mut spans = vec![(m.start - offset, m.end - offset)];
                if let Some(n) = nested
                    .iter()
                    .find(|n| n.id == d.id && n.mention.start == m.start)
                {
                    for s in [n.phrase.as_ref(), n.pathogen.as_ref()]
                        .into_iter()
                        .flatten()
                    {
                        if inside(s.start, s.end) {
                            spans.push((s.start - offset, s.end - offset));
                        }
                    }
                }
                out.push(WindowPrediction {
                    group: Group::Disease,
                    spans,
                    label: None,
                    predicted: true,
                    features: c.features,
                    score,
                });
            }
            Group::Place => {
                let Some(p) = places.get(c.item) else {
                    continue;
                };
                let Some(m) = p.mentions.get(c.mention) else {
                    continue;
                };
                if !inside(m.start, m.end) {
                    continue;
                }
                let label = match &*p.kind {
                    "country" => Some(2),
                    "admin1" => Some(3),
                    "admin2" | "city" => Some(4),
                    _ => None,
                };
                let predicted = !g.is_demonym(&m.text, p.geonameid)
                    && !super::is_abbreviation(&m.text, &p.name);
                out.push(WindowPrediction {
                    group: Group::Place,
                    spans: vec![(m.start - offset, m.end - offset)],
                    label,
                    predicted,
                    features: c.features,
                    score,
                });
            }
        }
    }
    out
}

/// BAND scores with a window of context: every mention, and the salient ones.
#[derive(Debug, Clone, PartialEq)]
pub struct SalientBandReport {
    /// Sentences read.
    pub sentences: usize,
    /// Sentences of context on each side.
    pub window: usize,
    /// The model's threshold.
    pub threshold: f32,
    /// `Disease+Virus`, `Country`, `Province`, `City`, `all`: every mention found in the window.
    pub every: Vec<CombinedRow>,
    /// The same rows, salient mentions only.
    pub salient: Vec<CombinedRow>,
}

impl SalientBandReport {
    /// The `all` row of the salient mentions.
    pub fn salient_all(&self) -> Option<&CombinedRow> {
        self.salient.iter().find(|r| r.label == "all")
    }
    /// The `all` row of every mention.
    pub fn every_all(&self) -> Option<&CombinedRow> {
        self.every.iter().find(|r| r.label == "all")
    }
}

impl fmt::Display for SalientBandReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "BAND with {} sentences of context each side ({} sentences); salient: score >= {:.3}",
            self.window, self.sentences, self.threshold
        )?;
        writeln!(
            f,
            "{:<10} {:<14} {:<8} {:>6} {:>6} {:>7} {:>6} {:>6} {:>6}",
            "mentions", "label", "match", "gold", "pred", "correct", "P", "R", "F1"
        )?;
        for (name, rows) in [("every", &self.every), ("salient", &self.salient)] {
            for row in rows {
                for (m, s) in [("exact", &row.exact), ("overlap", &row.overlap)] {
                    writeln!(
                        f,
                        "{:<10} {:<14} {:<8} {:>6} {:>6} {:>7} {:>6.3} {:>6.3} {:>6.3}",
                        name,
                        row.label,
                        m,
                        s.gold,
                        s.predicted,
                        s.true_pos_pred,
                        s.precision(),
                        s.recall(),
                        s.f1()
                    )?;
                }
            }
        }
        writeln!(
            f,
            "(every: all mentions the recognisers find in the sentence read in its window; \
             salient: those the learned salience model scores at or above its threshold)"
        )
    }
}

/// Scores the embedded model on a BAND file, with the window it was trained with.
pub fn eval_band_salient(path: &Path) -> Result<SalientBandReport> {
    let model = Model::global();
    let sents = read_band(path)?;
    Ok(eval_band_salient_with(model, &sents, model.window()))
}

/// Scores `model` on BAND sentences with `k` sentences of context each side.
pub fn eval_band_salient_with(
    model: &Model,
    sents: &[BandSentence],
    k: usize,
) -> SalientBandReport {
    let preds: Vec<Vec<WindowPrediction>> = (0..sents.len())
        .map(|i| window_predictions(model, sents, i, k))
        .collect();
    let t = model.threshold();
    SalientBandReport {
        sentences: sents.len(),
        window: k,
        threshold: t,
        every: band_rows(&preds, sents, |_| true),
        salient: band_rows(&preds, sents, |w| w.score >= t),
    }
}

/// The BAND rows (`Disease+Virus`, `Country`, `Province`, `City`, `all`) of the predictions
/// `keep` keeps; `preds[i]` are those of `sents[i]`.
pub fn band_rows(
    preds: &[Vec<WindowPrediction>],
    sents: &[BandSentence],
    keep: impl Fn(&WindowPrediction) -> bool,
) -> Vec<CombinedRow> {
    let names = ["Disease+Virus", "Country", "Province", "City"];
    let mut rows: Vec<CombinedRow> = names
        .iter()
        .map(|n| CombinedRow {
            label: (*n).to_string(),
            exact: Scores::default(),
            overlap: Scores::default(),
        })
        .collect();
    let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
    for (ps, sent) in preds.iter().zip(sents) {
        for (r, row) in rows.iter_mut().enumerate() {
            let mut p: Vec<(usize, usize)> = ps
                .iter()
                .filter(|w| w.predicted && keep(w))
                .filter(|w| match r {
                    0 => w.group == Group::Disease,
                    _ => w.group == Group::Place && w.label == Some(r + 1),
                })
                .flat_map(|w| w.spans.iter().copied())
                .collect();
            let mut g: Vec<(usize, usize)> = sent
                .gold
                .iter()
                .filter(|x| match r {
                    0 => x.2 <= 1,
                    _ => x.2 == r + 1,
                })
                .map(|x| (x.0, x.1))
                .collect();
            for v in [&mut p, &mut g] {
                v.sort_unstable();
                v.dedup();
            }
            row.exact.add(&p, &g, |a, b| a == b);
            row.overlap.add(&p, &g, overlaps);
        }
    }
    rows.push(CombinedRow::total(&rows));
    rows
}

/// True when one of the prediction's spans overlaps a gold span of its group: the label the
/// model learns (BAND marks the mention, whatever the exact boundary).
pub fn marked(w: &WindowPrediction, sent: &BandSentence) -> bool {
    sent.gold.iter().any(|&(s, e, l)| {
        let same_group = match w.group {
            Group::Disease => l <= 1,
            Group::Place => l >= 2,
        };
        same_group && w.spans.iter().any(|&(a, b)| a < e && s < b)
    })
}
