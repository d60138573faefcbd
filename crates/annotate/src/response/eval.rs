//! Scores actions and quotes on the hand-written gold set (`eval/response/gold.jsonl`), per
//! field, on its dev and held-out parts. See `eval/response/GUIDELINE.md` for the scoring rules.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use epiwire_model::{CharIndex, Document};
use serde_json::Value;

use super::{Error, Result};

/// Counts of one field on one part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Predicted and in gold.
    pub tp: usize,
    /// Predicted, not in gold.
    pub fp: usize,
    /// In gold, not predicted.
    pub fn_: usize,
}

impl Counts {
    fn p(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    fn r(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    fn f(&self) -> f64 {
        let (p, r) = (self.p(), self.r());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The fields scored, in print order.
pub const FIELDS: &[&str] = &[
    "action",
    "actor",
    "recipient",
    "items",
    "modality",
    "quote span",
    "quote speaker",
    "quote role",
    "quote org",
];

/// Scores per part (`dev`, `heldout`) and field.
#[derive(Debug, Clone, Default)]
pub struct ResponseReport {
    /// (part, field) → counts.
    pub scores: HashMap<(String, String), Counts>,
    /// Gold records read per part.
    pub records: HashMap<String, usize>,
}

impl ResponseReport {
    /// The counts of `field` on `part`.
    pub fn get(&self, part: &str, field: &str) -> Counts {
        self.scores
            .get(&(part.to_string(), field.to_string()))
            .copied()
            .unwrap_or_default()
    }

    fn add(&mut self, part: &str, field: &str, c: Counts) {
        let e = self
            .scores
            .entry((part.to_string(), field.to_string()))
            .or_default();
        e.tp += c.tp;
        e.fp += c.fp;
        e.fn_ += c.fn_;
    }
}

impl fmt::Display for ResponseReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in ["dev", "heldout"] {
            writeln!(
                f,
                "{part} ({} sentences)\n  {:<14} {:>6} {:>6} {:>6}   {:>4} {:>4} {:>4}",
                self.records.get(part).copied().unwrap_or(0),
                "field",
                "P",
                "R",
                "F1",
                "tp",
                "fp",
                "fn"
            )?;
            for field in FIELDS {
                let c = self.get(part, field);
                writeln!(
                    f,
                    "  {:<14} {:>6.3} {:>6.3} {:>6.3}   {:>4} {:>4} {:>4}",
                    field,
                    c.p(),
                    c.r(),
                    c.f(),
                    c.tp,
                    c.fp,
                    c.fn_
                )?;
            }
        }
        Ok(())
    }
}

/// Multiset comparison of two key lists.
fn compare(gold: &[String], pred: &[String]) -> Counts {
    let mut left: Vec<&String> = gold.iter().collect();
    let mut tp = 0;
    for p in pred {
        if let Some(i) = left.iter().position(|g| *g == p) {
            left.swap_remove(i);
            tp += 1;
        }
    }
    Counts {
        tp,
        fp: pred.len() - tp,
        fn_: left.len(),
    }
}

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

/// The speaker key of a quote: last word of the name, else "anonymous", else the organisation.
fn speaker_key(name: Option<&str>, anonymous: bool, org: Option<&str>) -> Option<String> {
    if let Some(n) = name {
        return n.split_whitespace().last().map(str::to_lowercase);
    }
    if anonymous {
        return Some("anonymous".to_string());
    }
    org.map(str::to_lowercase)
}

/// Containment either way, ignoring case.
fn loose_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_lowercase(), b.to_lowercase());
    !a.is_empty() && !b.is_empty() && (a.contains(&b) || b.contains(&a))
}

/// Runs the whole annotator on each gold sentence and scores it.
pub fn eval_response(path: &Path) -> Result<ResponseReport> {
    let p = path.display().to_string();
    let data = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: p.clone(),
        source,
    })?;
    let mut report = ResponseReport::default();
    for (n, line) in data.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| Error::Format {
            path: p.clone(),
            line: n + 1,
            message,
        };
        let rec: Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let text = s(&rec, "text").ok_or_else(|| bad("no text".into()))?;
        let part = s(&rec, "split").unwrap_or_else(|| "dev".into());
        *report.records.entry(part.clone()).or_default() += 1;
        let mut doc = Document {
            id: s(&rec, "id").unwrap_or_default(),
            text: text.clone(),
            ..Document::default()
        };
        crate::annotate(&mut doc);
        if let Some(gold) = rec.get("actions").and_then(Value::as_array) {
            score_actions(&mut report, &part, gold, &doc);
        }
        if let Some(gold) = rec.get("quotes").and_then(Value::as_array) {
            score_quotes(&mut report, &part, gold, &doc, &text);
        }
    }
    Ok(report)
}

fn score_actions(report: &mut ResponseReport, part: &str, gold: &[Value], doc: &Document) {
    let mut g: HashMap<&str, Vec<String>> = HashMap::new();
    let mut pr: HashMap<&str, Vec<String>> = HashMap::new();
    for a in gold {
        let act = s(a, "action").unwrap_or_default();
        g.entry("action").or_default().push(act.clone());
        if let Some(x) = s(a, "actor") {
            g.entry("actor").or_default().push(format!("{act}:{x}"));
        }
        if let Some(x) = s(a, "recipient") {
            g.entry("recipient").or_default().push(format!("{act}:{x}"));
        }
        for it in a
            .get("items")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(k) = it.as_str() {
                g.entry("items").or_default().push(format!("{act}:{k}"));
            }
        }
        if let Some(m) = s(a, "modality") {
            g.entry("modality").or_default().push(format!("{act}:{m}"));
        }
    }
    for a in &doc.actions {
        let act = &a.action;
        pr.entry("action").or_default().push(act.to_string());
        if let Some(x) = &a.actor {
            pr.entry("actor")
                .or_default()
                .push(format!("{act}:{}", x.id));
        }
        if let Some(x) = &a.recipient {
            pr.entry("recipient")
                .or_default()
                .push(format!("{act}:{}", x.id));
        }
        for it in &a.items {
            pr.entry("items")
                .or_default()
                .push(format!("{act}:{}", it.kind));
        }
        pr.entry("modality")
            .or_default()
            .push(format!("{act}:{}", a.modality));
    }
    for field in ["action", "actor", "recipient", "items", "modality"] {
        let empty = Vec::new();
        let c = compare(
            g.get(field).unwrap_or(&empty),
            pr.get(field).unwrap_or(&empty),
        );
        report.add(part, field, c);
    }
}

fn score_quotes(
    report: &mut ResponseReport,
    part: &str,
    gold: &[Value],
    doc: &Document,
    text: &str,
) {
    let idx = CharIndex::new(text);
    // Gold spans in code points.
    let gspans: Vec<(usize, usize)> = gold
        .iter()
        .map(|q| {
            let c = s(q, "content").unwrap_or_default();
            text.find(&c).map_or((0, 0), |b| {
                (idx.char_offset(b), idx.char_offset(b + c.len()))
            })
        })
        .collect();
    let mut used = vec![false; gold.len()];
    let mut matched = 0;
    let mut role = Counts::default();
    let mut org = Counts::default();
    for q in &doc.quotes {
        let (ps, pe) = (q.content.start, q.content.end);
        let hit = gspans.iter().enumerate().position(|(i, &(gs, ge))| {
            let ov = pe.min(ge).saturating_sub(ps.max(gs));
            let shorter = (pe - ps).min(ge - gs).max(1);
            !used[i] && ov * 2 >= shorter
        });
        let Some(i) = hit else { continue };
        used[i] = true;
        matched += 1;
        let g = &gold[i];
        let sp = q.speaker.as_ref();
        for (field, gv, pv) in [
            ("role", s(g, "role"), sp.and_then(|x| x.role.clone())),
            ("org", s(g, "org"), sp.and_then(|x| x.organisation.clone())),
        ] {
            let c = if field == "role" { &mut role } else { &mut org };
            match (gv, pv) {
                (Some(a), Some(b)) if loose_eq(&a, &b) => c.tp += 1,
                (Some(_), Some(_)) => {
                    c.fp += 1;
                    c.fn_ += 1;
                }
                (Some(_), None) => c.fn_ += 1,
                (None, Some(_)) => c.fp += 1,
                (None, None) => {}
            }
        }
    }
    report.add(
        part,
        "quote span",
        Counts {
            tp: matched,
            fp: doc.quotes.len() - matched,
            fn_: gold.len() - matched,
        },
    );
    let gk: Vec<String> = gold
        .iter()
        .filter_map(|q| {
            speaker_key(
                s(q, "speaker").as_deref(),
                q.get("anonymous").and_then(Value::as_bool).unwrap_or(false),
                s(q, "org").as_deref(),
            )
        })
        .collect();
    let pk: Vec<String> = doc
        .quotes
        .iter()
        .filter_map(|q| {
            let sp = q.speaker.as_ref()?;
            speaker_key(sp.name.as_deref(), sp.anonymous, sp.organisation.as_deref())
        })
        .collect();
    report.add(part, "quote speaker", compare(&gk, &pk));
    report.add(part, "quote role", role);
    report.add(part, "quote org", org);
}
