//! Scoring the disease matcher on BAND (ProMED sentences with Disease and Virus spans).
//!
//! Each record of the JSON Lines file has `tokens`, `text` (the tokens joined by single spaces)
//! and `entities` (`start_token`, `end_token` inclusive, `type`). The gold spans are the
//! entities of type `Disease` or `Virus`, both of which the matcher covers. BAND nests them: the
//! disease phrase `West Nile virus` or `Lassa fever` is a Disease and the pathogen name in it,
//! `West Nile` or `Lassa`, a Virus. So the predictions are the spans of
//! [`DiseaseMatcher::find_nested`]: every mention, and the phrase around or the pathogen name
//! inside it where the lexicon knows one; the flat rows score the mentions alone, as
//! [`DiseaseMatcher::find`] reports them. Spans are scored two ways: exact (same start and end)
//! and overlap (a prediction is right when it overlaps a gold span, a gold span is found when a
//! prediction overlaps it).

use std::fmt;
use std::path::Path;

use serde_json::Value;

use super::{DiseaseMatcher, Error, Result};

/// The BAND entity types the matcher covers.
pub const BAND_LABELS: [&str; 2] = ["Disease", "Virus"];

/// Precision, recall and F1 of one way of matching spans.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scores {
    /// Predictions counted right.
    pub true_pos_pred: usize,
    /// All predictions.
    pub predicted: usize,
    /// Gold spans found.
    pub true_pos_gold: usize,
    /// All gold spans.
    pub gold: usize,
}

impl Scores {
    /// Right predictions over predictions.
    pub fn precision(&self) -> f64 {
        ratio(self.true_pos_pred, self.predicted)
    }
    /// Found gold spans over gold spans.
    pub fn recall(&self) -> f64 {
        ratio(self.true_pos_gold, self.gold)
    }
    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

impl Scores {
    /// Adds one sentence: `same(p, g)` says whether prediction `p` matches gold span `g`.
    pub(crate) fn add(
        &mut self,
        pred: &[(usize, usize)],
        gold: &[(usize, usize)],
        same: impl Fn((usize, usize), (usize, usize)) -> bool,
    ) {
        self.predicted += pred.len();
        self.gold += gold.len();
        self.true_pos_pred += pred
            .iter()
            .filter(|&&p| gold.iter().any(|&g| same(p, g)))
            .count();
        self.true_pos_gold += gold
            .iter()
            .filter(|&&g| pred.iter().any(|&p| same(p, g)))
            .count();
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// Recall on the gold spans of one BAND label.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelRecall {
    /// The BAND type (`Disease`, `Virus`).
    pub label: String,
    /// Gold spans of that type.
    pub gold: usize,
    /// Found with the exact span.
    pub exact: usize,
    /// Overlapped by a prediction.
    pub overlap: usize,
}

/// The result of [`eval_band`].
#[derive(Debug, Clone, PartialEq)]
pub struct BandReport {
    /// Sentences read.
    pub sentences: usize,
    /// Exact-span scores (nested spans).
    pub exact: Scores,
    /// Overlap scores (nested spans).
    pub overlap: Scores,
    /// Exact-span scores of the flat mentions alone.
    pub exact_flat: Scores,
    /// Overlap scores of the flat mentions alone.
    pub overlap_flat: Scores,
    /// Recall per gold label (nested spans).
    pub by_label: Vec<LabelRecall>,
}

impl fmt::Display for BandReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "BAND Disease+Virus spans, {} sentences", self.sentences)?;
        writeln!(
            f,
            "{:<14} {:>7} {:>7} {:>9} {:>7} {:>7} {:>7}",
            "match", "gold", "pred", "correct", "P", "R", "F1"
        )?;
        for (name, s) in [
            ("exact", &self.exact),
            ("overlap", &self.overlap),
            ("exact, flat", &self.exact_flat),
            ("overlap, flat", &self.overlap_flat),
        ] {
            writeln!(
                f,
                "{:<14} {:>7} {:>7} {:>9} {:>7.3} {:>7.3} {:>7.3}",
                name,
                s.gold,
                s.predicted,
                s.true_pos_pred,
                s.precision(),
                s.recall(),
                s.f1()
            )?;
        }
        writeln!(
            f,
            "{:<14} {:>7} {:>14} {:>16}",
            "label", "gold", "recall exact", "recall overlap"
        )?;
        for l in &self.by_label {
            writeln!(
                f,
                "{:<14} {:>7} {:>14.3} {:>16.3}",
                l.label,
                l.gold,
                ratio(l.exact, l.gold),
                ratio(l.overlap, l.gold)
            )?;
        }
        writeln!(
            f,
            "(nested: mentions and the phrase around or pathogen name inside them, as BAND nests \
             them; flat: the mentions alone)"
        )
    }
}

/// One gold span: character range and label index into [`BAND_LABELS`].
pub(super) type Gold = (usize, usize, usize);

/// Reads one BAND record: its text and its Disease/Virus spans in code points.
pub(super) fn parse_record(v: &Value) -> std::result::Result<(String, Vec<Gold>), String> {
    let tokens = v
        .get("tokens")
        .and_then(Value::as_array)
        .ok_or("missing `tokens` array")?
        .iter()
        .map(|t| t.as_str().ok_or("a token is not a string"))
        .collect::<std::result::Result<Vec<&str>, _>>()?;
    let text = tokens.join(" ");
    if let Some(given) = v.get("text").and_then(Value::as_str)
        && given != text
    {
        return Err("`text` is not the tokens joined by single spaces".into());
    }
    let mut starts = Vec::with_capacity(tokens.len());
    let mut ends = Vec::with_capacity(tokens.len());
    let mut at = 0usize;
    for t in &tokens {
        starts.push(at);
        at += t.chars().count();
        ends.push(at);
        at += 1;
    }
    let mut gold = Vec::new();
    for e in v
        .get("entities")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        let label = e.get("type").and_then(Value::as_str).unwrap_or("");
        let Some(li) = BAND_LABELS.iter().position(|l| *l == label) else {
            continue;
        };
        let st = e
            .get("start_token")
            .and_then(Value::as_u64)
            .ok_or("entity without start_token")?;
        let en = e
            .get("end_token")
            .and_then(Value::as_u64)
            .ok_or("entity without end_token")?;
        let (st, en) = (st as usize, en as usize);
        if st > en || en >= tokens.len() {
            return Err(format!("entity tokens {st}..={en} out of range"));
        }
        gold.push((starts[st], ends[en], li));
    }
    Ok((text, gold))
}

/// Scores `DiseaseMatcher::global()` on a BAND JSON Lines file (e.g. `band-ner/dev.jsonl`).
pub fn eval_band(path: &Path) -> Result<BandReport> {
    eval_band_with(DiseaseMatcher::global(), path)
}

/// Scores `matcher` on a BAND JSON Lines file.
pub fn eval_band_with(matcher: &DiseaseMatcher, path: &Path) -> Result<BandReport> {
    let data = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut exact = Scores::default();
    let mut overlap = Scores::default();
    let mut exact_flat = Scores::default();
    let mut overlap_flat = Scores::default();
    let mut by_label: Vec<LabelRecall> = BAND_LABELS
        .iter()
        .map(|l| LabelRecall {
            label: (*l).to_string(),
            gold: 0,
            exact: 0,
            overlap: 0,
        })
        .collect();
    let mut sentences = 0;
    for (n, line) in data.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record = |message: String| Error::Record {
            path: path.to_path_buf(),
            line: n + 1,
            message,
        };
        let v: Value = serde_json::from_str(line).map_err(|e| record(e.to_string()))?;
        let (text, gold) = parse_record(&v).map_err(record)?;
        sentences += 1;
        let nested = matcher.find_nested(&text);
        let mut flat: Vec<(usize, usize)> = nested
            .iter()
            .map(|n| (n.mention.start, n.mention.end))
            .collect();
        let mut pred: Vec<(usize, usize)> = nested
            .iter()
            .flat_map(|n| [Some(&n.mention), n.phrase.as_ref(), n.pathogen.as_ref()])
            .flatten()
            .map(|m| (m.start, m.end))
            .collect();
        for v in [&mut flat, &mut pred] {
            v.sort_unstable();
            v.dedup();
        }
        let mut gold_spans: Vec<(usize, usize)> = gold.iter().map(|g| (g.0, g.1)).collect();
        gold_spans.sort_unstable();
        gold_spans.dedup();
        let overlaps = |a: (usize, usize), b: (usize, usize)| a.0 < b.1 && b.0 < a.1;
        for (p, ex, ov) in [
            (&pred, &mut exact, &mut overlap),
            (&flat, &mut exact_flat, &mut overlap_flat),
        ] {
            ex.add(p, &gold_spans, |a, b| a == b);
            ov.add(p, &gold_spans, overlaps);
        }
        for &(s, e, li) in &gold {
            let l = &mut by_label[li];
            l.gold += 1;
            if pred.contains(&(s, e)) {
                l.exact += 1;
            }
            if pred.iter().any(|p| overlaps(*p, (s, e))) {
                l.overlap += 1;
            }
        }
    }
    Ok(BandReport {
        sentences,
        exact,
        overlap,
        exact_flat,
        overlap_flat,
        by_label,
    })
}

/// One row of the combined BAND table: a label (or a group of labels) scored exact and overlap.
#[derive(Debug, Clone, PartialEq)]
pub struct CombinedRow {
    /// `Disease+Virus`, `Country`, `Province`, `City` or `all`.
    pub label: String,
    /// Exact-span scores.
    pub exact: Scores,
    /// Overlap scores.
    pub overlap: Scores,
}

impl CombinedRow {
    /// The `all` row: the counts of `rows` summed.
    pub fn total(rows: &[CombinedRow]) -> CombinedRow {
        let sum = |pick: fn(&CombinedRow) -> &Scores| {
            rows.iter()
                .map(pick)
                .fold(Scores::default(), |a, s| Scores {
                    true_pos_pred: a.true_pos_pred + s.true_pos_pred,
                    predicted: a.predicted + s.predicted,
                    true_pos_gold: a.true_pos_gold + s.true_pos_gold,
                    gold: a.gold + s.gold,
                })
        };
        CombinedRow {
            label: "all".into(),
            exact: sum(|r| &r.exact),
            overlap: sum(|r| &r.overlap),
        }
    }
}

/// The result of [`eval_band_combined`]: the disease and the place recognisers on the five BAND
/// labels epiwire covers.
#[derive(Debug, Clone, PartialEq)]
pub struct BandCombinedReport {
    /// Sentences read.
    pub sentences: usize,
    /// Recall of the Disease and of the Virus gold spans (the matcher does not tell a virus from
    /// the disease it causes, so predictions carry no such label).
    pub disease_labels: Vec<LabelRecall>,
    /// `Disease+Virus`, `Country`, `Province`, `City`, then `all` (the sum of the four rows).
    pub rows: Vec<CombinedRow>,
    /// The same labels scored again through the learned salience model
    /// ([`crate::salience`]): every mention, then the salient ones only.
    pub salience: crate::salience::SalientBandReport,
}

impl BandCombinedReport {
    /// The `all` row: every label, disease and place spans together.
    pub fn all(&self) -> Option<&CombinedRow> {
        self.rows.iter().find(|r| r.label == "all")
    }
}

impl fmt::Display for BandCombinedReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "BAND Disease/Virus/Country/Province/City spans, {} sentences",
            self.sentences
        )?;
        writeln!(
            f,
            "{:<14} {:<8} {:>6} {:>6} {:>7} {:>6} {:>6} {:>6}",
            "label", "match", "gold", "pred", "correct", "P", "R", "F1"
        )?;
        for l in &self.disease_labels {
            for (name, found) in [("exact", l.exact), ("overlap", l.overlap)] {
                writeln!(
                    f,
                    "{:<14} {:<8} {:>6} {:>6} {:>7} {:>6} {:>6.3} {:>6}",
                    l.label,
                    name,
                    l.gold,
                    "-",
                    found,
                    "-",
                    ratio(found, l.gold),
                    "-"
                )?;
            }
        }
        for row in &self.rows {
            for (name, s) in [("exact", &row.exact), ("overlap", &row.overlap)] {
                writeln!(
                    f,
                    "{:<14} {:<8} {:>6} {:>6} {:>7} {:>6.3} {:>6.3} {:>6.3}",
                    row.label,
                    name,
                    s.gold,
                    s.predicted,
                    s.true_pos_pred,
                    s.precision(),
                    s.recall(),
                    s.f1()
                )?;
            }
        }
        writeln!(
            f,
            "(Disease and Virus: recall only; places scored per label: country = Country, admin1 = \
             Province, admin2 and city = City, demonyms and abbreviations not predictions; places \
             strict: labels ignored, every place mention a prediction)"
        )?;
        write!(f, "{}", self.salience)
    }
}

/// Scores the disease matcher and the place recogniser together on a BAND JSON Lines file: one
/// row for Disease+Virus, one per place label (the place kind must give the gold label), and
/// their sum.
pub fn eval_band_combined(path: &Path) -> Result<BandCombinedReport> {
    let diseases = eval_band(path)?;
    let places = crate::place::eval_band_places(path)?;
    let mut rows = vec![CombinedRow {
        label: "Disease+Virus".into(),
        exact: diseases.exact,
        overlap: diseases.overlap,
    }];
    rows.extend(places.by_label.iter().map(|l| CombinedRow {
        label: l.label.clone(),
        exact: l.exact,
        overlap: l.overlap,
    }));
    rows.push(CombinedRow::total(&rows));
    rows.push(CombinedRow {
        label: "places strict".into(),
        exact: places.strict.exact,
        overlap: places.strict.overlap,
    });
    let salience = crate::salience::eval_band_salient(path).map_err(|e| Error::Record {
        path: path.to_path_buf(),
        line: 0,
        message: format!("salience: {e}"),
    })?;
    Ok(BandCombinedReport {
        sentences: diseases.sentences,
        disease_labels: diseases.by_label,
        rows,
        salience,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_offsets_follow_tokens() {
        let v: Value = serde_json::from_str(
            r#"{"tokens":["Ébola","and","yellow","fever","."],"entities":[
               {"start_token":2,"end_token":3,"type":"Virus","text":"yellow fever"},
               {"start_token":0,"end_token":0,"type":"Country","text":"x"}]}"#,
        )
        .unwrap();
        let (text, gold) = parse_record(&v).unwrap();
        assert_eq!(text, "Ébola and yellow fever .");
        assert_eq!(gold, vec![(10, 22, 1)]);
    }

    #[test]
    fn bad_record_is_an_error() {
        let v: Value = serde_json::from_str(
            r#"{"tokens":["a"],"entities":[{"start_token":0,"end_token":3,"type":"Disease"}]}"#,
        )
        .unwrap();
        assert!(parse_record(&v).is_err());
    }

    #[test]
    fn scores_arithmetic() {
        let s = Scores {
            true_pos_pred: 8,
            predicted: 10,
            true_pos_gold: 6,
            gold: 12,
        };
        assert!((s.precision() - 0.8).abs() < 1e-9);
        assert!((s.recall() - 0.5).abs() < 1e-9);
        assert!((s.f1() - 2.0 * 0.8 * 0.5 / 1.3).abs() < 1e-9);
        assert_eq!(Scores::default().f1(), 0.0);
    }
}
