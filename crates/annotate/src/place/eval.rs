//! Evaluation of place recognition and resolution on the EHA geo-annotated documents and on the
//! cases lifted from EpiTator's geoname annotator tests.

use std::fmt;
use std::path::Path;

use serde_json::Value;

use super::{Error, Gazetteer, Kind, Result};

/// Figures on the EHA geo-annotated documents (`resolved_geoannotated_data`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GeoReport {
    /// Documents read.
    pub documents: usize,
    /// Gold place names.
    pub gold: usize,
    /// Predicted mentions.
    pub predicted: usize,
    /// Predicted mentions that are demonyms ("American"): EHA does not annotate them.
    pub predicted_demonyms: usize,
    /// Of those, how many overlap a gold name.
    pub demonyms_overlapping: usize,
    /// Predicted mentions with exactly the gold span.
    pub exact: usize,
    /// Gold names overlapped by some predicted mention.
    pub gold_overlapped: usize,
    /// Predicted mentions overlapping some gold name.
    pub predicted_overlapping: usize,
    /// Gold names overlapped by a prediction with the right GeoNames id.
    pub resolved_right: usize,
    /// Gold names overlapped by a prediction of the same country (or the right id).
    pub country_right: usize,
}

impl GeoReport {
    fn ratio(a: usize, b: usize) -> f64 {
        if b == 0 { 0.0 } else { a as f64 / b as f64 }
    }

    /// Precision, recall and F1 with exact spans.
    pub fn exact_prf(&self) -> (f64, f64, f64) {
        let p = Self::ratio(self.exact, self.predicted);
        let r = Self::ratio(self.exact, self.gold);
        (p, r, f1(p, r))
    }

    /// Precision, recall and F1 where overlapping spans count.
    pub fn overlap_prf(&self) -> (f64, f64, f64) {
        let p = Self::ratio(self.predicted_overlapping, self.predicted);
        let r = Self::ratio(self.gold_overlapped, self.gold);
        (p, r, f1(p, r))
    }

    /// Precision, recall and F1 with overlapping spans, not counting predicted demonyms (which
    /// the EHA annotators did not mark as places).
    pub fn overlap_prf_without_demonyms(&self) -> (f64, f64, f64) {
        let p = Self::ratio(
            self.predicted_overlapping - self.demonyms_overlapping,
            self.predicted - self.predicted_demonyms,
        );
        let r = Self::ratio(self.gold_overlapped, self.gold);
        (p, r, f1(p, r))
    }

    /// Share of recognised gold names resolved to the right GeoNames id.
    pub fn resolution_accuracy(&self) -> f64 {
        Self::ratio(self.resolved_right, self.gold_overlapped)
    }

    /// Share of recognised gold names resolved to a place in the right country.
    pub fn country_accuracy(&self) -> f64 {
        Self::ratio(self.country_right, self.gold_overlapped)
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

impl fmt::Display for GeoReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (ep, er, ef) = self.exact_prf();
        let (op, or, of) = self.overlap_prf();
        let (dp, dr, df) = self.overlap_prf_without_demonyms();
        writeln!(
            f,
            "EHA geo: {} documents, {} gold names, {} predicted mentions",
            self.documents, self.gold, self.predicted
        )?;
        writeln!(f, "| match   | precision | recall | F1    |")?;
        writeln!(f, "|---------|-----------|--------|-------|")?;
        writeln!(f, "| exact   | {ep:.3}     | {er:.3}  | {ef:.3} |")?;
        writeln!(f, "| overlap | {op:.3}     | {or:.3}  | {of:.3} |")?;
        writeln!(
            f,
            "| overlap, demonyms not counted | {dp:.3} | {dr:.3} | {df:.3} |"
        )?;
        writeln!(
            f,
            "resolution (right geonameid among recognised): {:.3} ({}/{}); right country: {:.3}",
            self.resolution_accuracy(),
            self.resolved_right,
            self.gold_overlapped,
            self.country_accuracy()
        )
    }
}

/// A gold place name of an EHA document (code-point offsets into the cleaned text).
#[derive(Debug, Clone, PartialEq)]
struct Gold {
    start: usize,
    end: usize,
    id: u64,
}

/// Strips the YAML front matter and the `<geo id='…'>…</geo>` tags of one EHA document.
fn parse_eha(raw: &str) -> Eha {
    let body = match raw
        .strip_prefix("---\n")
        .and_then(|r| r.find("\n---\n").map(|i| &r[i + 5..]))
    {
        Some(b) => b,
        None => raw,
    };
    let mut doc = Eha {
        text: String::with_capacity(body.len()),
        gold: Vec::new(),
        ignored: Vec::new(),
    };
    let mut chars = 0usize;
    let mut open: Vec<(usize, u64)> = Vec::new();
    let mut open_ignore: Vec<usize> = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        if let Some(tail) = rest.strip_prefix("<geo")
            && let Some(close) = tail.find('>')
        {
            let attrs = &tail[..close];
            let id = attrs
                .split("id=")
                .nth(1)
                .map(|v| v.trim_matches(|c: char| c == '\'' || c == '"' || c.is_whitespace()))
                .and_then(|v| v.split(['\'', '"']).next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            open.push((chars, id));
            rest = &tail[close + 1..];
            continue;
        }
        if let Some(tail) = rest.strip_prefix("<ignore")
            && let Some(close) = tail.find('>')
        {
            open_ignore.push(chars);
            rest = &tail[close + 1..];
            continue;
        }
        if let Some(tail) = rest.strip_prefix("</geo>") {
            if let Some((start, id)) = open.pop() {
                doc.gold.push(Gold {
                    start,
                    end: chars,
                    id,
                });
            }
            rest = tail;
            continue;
        }
        if let Some(tail) = rest.strip_prefix("</ignore>") {
            if let Some(start) = open_ignore.pop() {
                doc.ignored.push((start, chars));
            }
            rest = tail;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        doc.text.push(c);
        chars += 1;
        rest = &rest[c.len_utf8()..];
    }
    doc
}

/// One EHA document: its text, gold place names, and the spans its annotators marked to ignore.
struct Eha {
    text: String,
    gold: Vec<Gold>,
    ignored: Vec<(usize, usize)>,
}

/// Evaluates recognition and resolution on the EHA geo-annotated documents in `dir` (`*.md`).
pub fn eval_eha_geo(dir: &Path) -> Result<GeoReport> {
    let g = Gazetteer::global_result().map_err(|e| Error::Format {
        path: "embedded gazetteer".into(),
        message: e.to_string(),
    })?;
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(Error::Io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    let mut report = GeoReport::default();
    for path in paths {
        let raw = std::fs::read_to_string(&path).map_err(Error::Io)?;
        let Eha {
            text,
            gold,
            ignored,
        } = parse_eha(&raw);
        let places = g.find(&text);
        let mut pred: Vec<(usize, usize, u64, String)> = Vec::new();
        let mut demonyms: Vec<(usize, usize)> = Vec::new();
        for p in &places {
            for m in &p.mentions {
                pred.push((
                    m.start,
                    m.end,
                    p.geonameid,
                    p.country.as_deref().unwrap_or_default().to_owned(),
                ));
                if g.is_demonym(&m.text, p.geonameid) {
                    demonyms.push((m.start, m.end));
                }
            }
        }
        report.documents += 1;
        report.gold += gold.len();
        let overlaps = |a0: usize, a1: usize, b0: usize, b1: usize| a0 < b1 && b0 < a1;
        // Predictions inside spans the annotators marked "ignore" (and not on a gold name) count
        // neither way.
        let overlaps_gold = |p: &(usize, usize, u64, String)| {
            gold.iter().any(|gd| overlaps(gd.start, gd.end, p.0, p.1))
        };
        pred.retain(|p| overlaps_gold(p) || !ignored.iter().any(|i| overlaps(i.0, i.1, p.0, p.1)));
        report.predicted += pred.len();
        for p in &pred {
            if gold.iter().any(|gd| gd.start == p.0 && gd.end == p.1) {
                report.exact += 1;
            }
            let demonym = demonyms.contains(&(p.0, p.1));
            if demonym {
                report.predicted_demonyms += 1;
            }
            if gold.iter().any(|gd| overlaps(gd.start, gd.end, p.0, p.1)) {
                report.predicted_overlapping += 1;
                if demonym {
                    report.demonyms_overlapping += 1;
                }
            }
        }
        for gd in &gold {
            let hits: Vec<_> = pred
                .iter()
                .filter(|p| overlaps(gd.start, gd.end, p.0, p.1))
                .collect();
            if hits.is_empty() {
                continue;
            }
            report.gold_overlapped += 1;
            if hits.iter().any(|p| p.2 == gd.id) {
                report.resolved_right += 1;
                report.country_right += 1;
            } else if let Some(ge) = g.get(gd.id)
                && hits.iter().any(|p| p.3 == ge.country)
            {
                report.country_right += 1;
            }
        }
    }
    Ok(report)
}

/// The BAND place labels, in report order, and the gazetteer kinds scored as each. BAND's
/// annotators label counties and districts (second-order divisions: "Polk County", "Kisumu") as
/// City ten times as often as Province (training split), so `admin2` is scored as City.
pub const BAND_PLACE_LABELS: [(&str, &[Kind]); 3] = [
    ("Country", &[Kind::Country]),
    ("Province", &[Kind::Admin1]),
    ("City", &[Kind::City, Kind::Admin2]),
];

/// Span counts of one way of matching: the disease evaluation's [`Scores`](crate::disease::Scores)
/// (right predictions, predictions, gold spans found, gold spans), shared so the combined BAND
/// table adds them up directly.
pub use crate::disease::Scores as SpanCounts;

/// Exact and overlap counts of one BAND place label (or of all of them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BandPlaceScores {
    /// `Country`, `Province`, `City`, or `all` (spans whatever their label).
    pub label: String,
    /// Same start and end (and, per label, the same label).
    pub exact: SpanCounts,
    /// Overlapping spans (and, per label, the same label).
    pub overlap: SpanCounts,
}

/// The result of [`eval_band_places`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BandPlaceReport {
    /// Sentences read.
    pub sentences: usize,
    /// All place spans, labels ignored.
    pub overall: BandPlaceScores,
    /// All place spans, labels ignored, every mention a prediction (demonyms and abbreviations
    /// too): the strict figure beside [`BandPlaceReport::overall`].
    pub strict: BandPlaceScores,
    /// One row per label of [`BAND_PLACE_LABELS`]: predictions of the kinds scored as that
    /// label against the gold spans of that label.
    pub by_label: Vec<BandPlaceScores>,
}

impl fmt::Display for BandPlaceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "BAND Country/Province/City spans, {} sentences",
            self.sentences
        )?;
        writeln!(
            f,
            "{:<9} {:<8} {:>6} {:>6} {:>7} {:>6} {:>6} {:>6}",
            "label", "match", "gold", "pred", "correct", "P", "R", "F1"
        )?;
        for row in [&self.strict, &self.overall]
            .into_iter()
            .chain(&self.by_label)
        {
            for (name, s) in [("exact", &row.exact), ("overlap", &row.overlap)] {
                writeln!(
                    f,
                    "{:<9} {:<8} {:>6} {:>6} {:>7} {:>6.3} {:>6.3} {:>6.3}",
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
        Ok(())
    }
}

/// A BAND gold place: start, end (code points) and label index into [`BAND_PLACE_LABELS`].
type BandGold = (usize, usize, usize);

/// One BAND sentence: its text (tokens joined by single spaces) and its place spans as
/// (start, end, label index into [`BAND_PLACE_LABELS`]) in code points.
fn parse_band(v: &Value) -> std::result::Result<(String, Vec<BandGold>), String> {
    parse_band_labelled(v, |label| {
        BAND_PLACE_LABELS.iter().position(|(l, _)| *l == label)
    })
}

/// One BAND sentence: its text (tokens joined by single spaces) and the spans whose type
/// `label_index` maps to an index, as (start, end, index) in code points; other types are skipped.
pub(crate) fn parse_band_labelled(
    v: &Value,
    label_index: impl Fn(&str) -> Option<usize>,
) -> std::result::Result<(String, Vec<BandGold>), String> {
    let tokens = v
        .get("tokens")
        .and_then(Value::as_array)
        .ok_or("missing `tokens` array")?
        .iter()
        .map(|t| t.as_str().ok_or("a token is not a string"))
        .collect::<std::result::Result<Vec<&str>, _>>()?;
    let text = tokens.join(" ");
    let mut bounds = Vec::with_capacity(tokens.len());
    let mut at = 0usize;
    for t in &tokens {
        let len = t.chars().count();
        bounds.push((at, at + len));
        at += len + 1;
    }
    let mut gold = Vec::new();
    for e in v
        .get("entities")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        let label = e.get("type").and_then(Value::as_str).unwrap_or("");
        let Some(li) = label_index(label) else {
            continue;
        };
        let token = |key: &str| {
            e.get(key)
                .and_then(Value::as_u64)
                .and_then(|i| usize::try_from(i).ok())
                .ok_or_else(|| format!("entity without {key}"))
        };
        let (st, en) = (token("start_token")?, token("end_token")?);
        let (Some(&(start, _)), Some(&(_, end))) = (bounds.get(st), bounds.get(en)) else {
            return Err(format!("entity tokens {st}..={en} out of range"));
        };
        if st > en {
            return Err(format!("entity tokens {st}..={en} reversed"));
        }
        gold.push((start, end, li));
    }
    Ok((text, gold))
}

use crate::salience::is_abbreviation;

/// Scores the place recogniser on the Country, Province and City spans of a BAND JSON Lines file
/// (`band-ner/dev.jsonl`), one sentence at a time. A mention of kind `country` is scored as
/// Country, `admin1` as Province, `city` and `admin2` as City. Two kinds of mention are not
/// predictions, because BAND never marks them as places: demonyms ("Chinese": BAND marks no
/// nationality) and abbreviations ("US", "UK", "DRC", "NSW": none of the 3,558 place spans of
/// the training split is one, while the split writes US, UK, USA, DRC and NSW 127 times). Overall scores ignore the
/// labels.
pub fn eval_band_places(path: &Path) -> Result<BandPlaceReport> {
    let g = Gazetteer::global_result().map_err(|e| Error::Format {
        path: "embedded gazetteer".into(),
        message: e.to_string(),
    })?;
    let data = std::fs::read_to_string(path).map_err(Error::Io)?;
    let mut report = BandPlaceReport {
        overall: BandPlaceScores {
            label: "all".into(),
            ..BandPlaceScores::default()
        },
        strict: BandPlaceScores {
            label: "strict".into(),
            ..BandPlaceScores::default()
        },
        by_label: BAND_PLACE_LABELS
            .iter()
            .map(|(l, _)| BandPlaceScores {
                label: (*l).to_string(),
                ..BandPlaceScores::default()
            })
            .collect(),
        ..BandPlaceReport::default()
    };
    let exact = |p: (usize, usize), g: (usize, usize)| p == g;
    let overlap = |p: (usize, usize), g: (usize, usize)| p.0 < g.1 && g.0 < p.1;
    for (n, line) in data.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| Error::Format {
            path: format!("{}:{}", path.display(), n + 1),
            message,
        };
        let v: Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let (text, gold) = parse_band(&v).map_err(bad)?;
        report.sentences += 1;
        // (start, end, label index) of every mention that is not a demonym.
        let mut pred: Vec<(usize, usize, Option<usize>)> = Vec::new();
        let mut every: Vec<(usize, usize)> = Vec::new();
        for p in g.find(&text) {
            let label = BAND_PLACE_LABELS
                .iter()
                .position(|(_, kinds)| kinds.iter().any(|k| k.as_str() == p.kind));
            for m in &p.mentions {
                every.push((m.start, m.end));
                if !g.is_demonym(&m.text, p.geonameid) && !is_abbreviation(&m.text, &p.name) {
                    pred.push((m.start, m.end, label));
                }
            }
        }
        let spans = |keep: &dyn Fn(Option<usize>) -> bool| {
            let mut v: Vec<(usize, usize)> = pred
                .iter()
                .filter(|p| keep(p.2))
                .map(|p| (p.0, p.1))
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let gold_spans = |keep: &dyn Fn(usize) -> bool| {
            let mut v: Vec<(usize, usize)> = gold
                .iter()
                .filter(|g| keep(g.2))
                .map(|g| (g.0, g.1))
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let (p_all, g_all) = (spans(&|_| true), gold_spans(&|_| true));
        every.sort_unstable();
        every.dedup();
        report.strict.exact.add(&every, &g_all, exact);
        report.strict.overlap.add(&every, &g_all, overlap);
        report.overall.exact.add(&p_all, &g_all, exact);
        report.overall.overlap.add(&p_all, &g_all, overlap);
        for (li, row) in report.by_label.iter_mut().enumerate() {
            let p = spans(&|l| l == Some(li));
            let g = gold_spans(&|l| l == li);
            row.exact.add(&p, &g, exact);
            row.overlap.add(&p, &g, overlap);
        }
    }
    Ok(report)
}

#[cfg(test)]
mod band_tests {
    #[test]
    fn abbreviations() {
        for (m, name) in [
            ("US", "United States"),
            ("U.S.", "United States"),
            ("DRC", "Congo"),
        ] {
            assert!(super::is_abbreviation(m, name), "{m}");
        }
        for (m, name) in [("IRAQ", "Iraq"), ("Utah", "Utah"), ("Viet Nam", "Vietnam")] {
            assert!(!super::is_abbreviation(m, name), "{m}");
        }
    }
}

/// The outcome of one EpiTator geoname test case.
#[derive(Debug, Clone, PartialEq)]
pub struct EpitatorCase {
    /// Test name.
    pub test: String,
    /// Assertions checked and passed.
    pub passed: usize,
    /// Assertions checked and failed, with what was expected and found.
    pub failed: Vec<String>,
    /// Assertions that this evaluator cannot interpret.
    pub unsupported: usize,
}

/// Results on EpiTator's geoname annotator test cases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EpitatorReport {
    /// One line per case.
    pub cases: Vec<EpitatorCase>,
}

impl EpitatorReport {
    /// Cases whose checked assertions all passed (and that had at least one).
    pub fn cases_passed(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| c.failed.is_empty() && c.passed > 0)
            .count()
    }

    /// Cases with at least one checked assertion.
    pub fn cases_checked(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| c.passed + c.failed.len() > 0)
            .count()
    }
}

impl fmt::Display for EpitatorReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "| test | passed | failed | unsupported | first failure |"
        )?;
        writeln!(
            f,
            "|------|--------|--------|-------------|---------------|"
        )?;
        for c in &self.cases {
            writeln!(
                f,
                "| {} | {} | {} | {} | {} |",
                c.test,
                c.passed,
                c.failed.len(),
                c.unsupported,
                c.failed.first().map_or("", |s| s.as_str())
            )?;
        }
        writeln!(
            f,
            "cases passed: {}/{} checked ({} cases in all)",
            self.cases_passed(),
            self.cases_checked(),
            self.cases.len()
        )
    }
}

/// One predicted span, flattened and sorted by position, for the EpiTator assertions.
struct Flat {
    start: usize,
    end: usize,
    text: String,
    geonameid: u64,
    admin1: String,
}

/// Runs the geoname cases of EpiTator's test suite (`test_geoname_annotator.jsonl`).
///
/// The assertions understood: span count, span texts, span offsets, GeoNames id (equal or in a
/// list), admin1 code, and "X not in span texts". Others are counted as unsupported.
pub fn eval_epitator_geonames(path: &Path) -> Result<EpitatorReport> {
    let g = Gazetteer::global_result().map_err(|e| Error::Format {
        path: "embedded gazetteer".into(),
        message: e.to_string(),
    })?;
    let raw = std::fs::read_to_string(path).map_err(Error::Io)?;
    let bad = |n: usize, m: &str| Error::Format {
        path: path.display().to_string(),
        message: format!("line {n}: {m}"),
    };
    let mut report = EpitatorReport::default();
    for (n, line) in raw.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let rec: Value = serde_json::from_str(line).map_err(|e| bad(n + 1, &e.to_string()))?;
        let test = rec
            .get("test")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string();
        let text = rec
            .get("text")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(n + 1, "no text"))?;
        let mut flat: Vec<Flat> = Vec::new();
        for p in g.find(text) {
            let admin1 = g.get(p.geonameid).map(|e| e.admin1).unwrap_or_default();
            for m in p.mentions {
                flat.push(Flat {
                    start: m.start,
                    end: m.end,
                    text: m.text,
                    geonameid: p.geonameid,
                    admin1: admin1.to_string(),
                });
            }
        }
        flat.sort_by_key(|f| (f.start, f.end));
        let mut case = EpitatorCase {
            test,
            passed: 0,
            failed: Vec::new(),
            unsupported: 0,
        };
        let asserts = rec
            .get("asserts")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for a in asserts {
            match check(&a, &flat) {
                Some(Ok(())) => case.passed += 1,
                Some(Err(msg)) => case.failed.push(msg),
                None => case.unsupported += 1,
            }
        }
        report.cases.push(case);
    }
    Ok(report)
}

/// Checks one assertion: `None` when not understood.
fn check(a: &Value, flat: &[Flat]) -> Option<std::result::Result<(), String>> {
    let kind = a.get("assert")?.as_str()?;
    let args = a.get("args")?.as_array()?;
    let expr = args.first()?.get("expr").and_then(Value::as_str);
    let expected = args.get(1);
    let texts = || flat.iter().map(|f| f.text.clone()).collect::<Vec<_>>();
    let span = |expr: &str| -> Option<usize> {
        let i = expr.strip_prefix("doc.tiers['geonames'].spans[")?;
        i.split(']').next()?.parse().ok()
    };
    let eq = |found: Value, want: &Value| {
        if &found == want {
            Ok(())
        } else {
            Err(format!("expected {want}, found {found}"))
        }
    };
    match (kind, expr, expected) {
        ("assertEqual", Some("doc.text"), _) => None,
        ("assertEqual", Some(e), Some(want))
            if e == "len(doc.tiers['geonames'].spans)" || e == "len(doc.tiers['geonames'])" =>
        {
            Some(eq(Value::from(flat.len()), want))
        }
        (
            "assertEqual",
            Some("[span.text for span in doc.tiers['geonames'].spans]"),
            Some(want),
        ) => Some(eq(Value::from(texts()), want)),
        ("assertEqual", Some("geoname"), Some(want)) => {
            let found = flat
                .first()
                .map(|f| f.geonameid.to_string())
                .unwrap_or_default();
            Some(eq(Value::from(found), want.get("geonameid")?))
        }
        ("assertEqual", Some(e), Some(want)) if span(e).is_some() => {
            let f = flat.get(span(e)?);
            let found = if e.ends_with(".text") {
                Value::from(f.map(|f| f.text.clone()))
            } else if e.ends_with(".start") {
                Value::from(f.map(|f| f.start))
            } else if e.ends_with(".end") {
                Value::from(f.map(|f| f.end))
            } else if e.ends_with("['geonameid']") {
                Value::from(f.map(|f| f.geonameid.to_string()))
            } else if e.ends_with("['admin1_code']") {
                Value::from(f.map(|f| f.admin1.clone()))
            } else {
                return None;
            };
            Some(eq(found, want))
        }
        ("assertTrue", Some(e), _) => {
            if let Some(rest) =
                e.strip_suffix(" not in [span.text for span in doc.tiers['geonames'].spans]")
            {
                let word = rest.trim_matches('\'');
                return Some(if texts().iter().any(|t| t == word) {
                    Err(format!("{word} found"))
                } else {
                    Ok(())
                });
            }
            if let Some((lhs, list)) = e.split_once("['geonameid'] in [") {
                let f = flat.get(span(lhs)?);
                let found = f.map(|f| f.geonameid.to_string()).unwrap_or_default();
                let ok = list
                    .trim_end_matches(']')
                    .split(',')
                    .any(|v| v.trim().trim_matches('\'') == found);
                return Some(if ok {
                    Ok(())
                } else {
                    Err(format!("{found} not in [{list}"))
                });
            }
            if let Some(name) = e
                .strip_prefix("doc.tiers['geonames'].spans[0].label.endswith('")
                .and_then(|r| r.strip_suffix("')"))
            {
                let ok = flat.first().is_some_and(|f| f.text.ends_with(name));
                return Some(if ok {
                    Ok(())
                } else {
                    Err(format!("label does not end with {name}"))
                });
            }
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::parse_eha;

    #[test]
    fn eha_tags_are_stripped_with_code_point_offsets() {
        let raw = "---\ntitle: x\n---\nIn <geo  id='370737'>Malakal</geo> and Côte <geo id=\"2950159\">Berlin</geo>.<ignore  id='undefined'>U.S.</ignore>";
        let doc = parse_eha(raw);
        let (text, gold) = (doc.text.clone(), doc.gold.clone());
        assert_eq!(text, "In Malakal and Côte Berlin.U.S.");
        assert_eq!(gold.len(), 2);
        assert_eq!((gold[0].start, gold[0].end, gold[0].id), (3, 10, 370737));
        let chars: Vec<char> = text.chars().collect();
        let s: String = chars[gold[1].start..gold[1].end].iter().collect();
        assert_eq!(s, "Berlin");
        assert_eq!(gold[1].id, 2950159);
        assert_eq!(doc.ignored, vec![(27, 31)]);
    }
}
