//! Headline-fact evaluation on the WHO Disease Outbreak News dev set: do the hand-coded
//! per-country figures become the document's facts?

use std::path::Path;

use epiwire_model::{Document, Fact};

use super::eval::{Report, Result, read_jsonl};
use super::iso3;

/// One hand-coded figure of one report × country.
struct Figure<'a> {
    id: &'a str,
    country: &'a str,
    iso2: &'static str,
    metric: &'static str,
    /// Accepted values: for cases the coded total, or, without a total, any of the coded
    /// confirmed, suspected and probable figures (the report's headline is then one of them).
    values: Vec<f64>,
    /// Whether one of the values is written in the text, in digits or words (reachable at all).
    in_text: bool,
}

fn positive(label: &serde_json::Value, field: &str) -> Option<f64> {
    label
        .get(field)
        .and_then(serde_json::Value::as_f64)
        .filter(|v| *v > 0.0 && v.fract() == 0.0)
}

/// The figures of one record's labels (labels without an ISO country, and zero or missing
/// figures, are left out).
fn figures<'a>(id: &'a str, text: &str, rec: &'a serde_json::Value) -> Vec<Figure<'a>> {
    let mut out = Vec::new();
    let mut numbers: Option<Vec<f64>> = None;
    for l in rec
        .get("labels")
        .and_then(|v| v.as_array())
        .into_iter()
        .flatten()
    {
        let Some(iso2) = l.get("iso3").and_then(|v| v.as_str()).and_then(iso3::iso2) else {
            continue;
        };
        let country = l.get("country").and_then(|v| v.as_str()).unwrap_or("?");
        let cases = match positive(l, "cases_total") {
            Some(v) => vec![v],
            None => ["cases_confirmed", "cases_suspected", "cases_probable"]
                .iter()
                .filter_map(|f| positive(l, f))
                .collect(),
        };
        let deaths: Vec<f64> = positive(l, "deaths").into_iter().collect();
        for (metric, values) in [("cases", cases), ("deaths", deaths)] {
            if values.is_empty() {
                continue;
            }
            let written = numbers.get_or_insert_with(|| {
                super::number::find_numbers(text)
                    .iter()
                    .map(|n| n.value)
                    .collect()
            });
            let in_text = values.iter().any(|&v| {
                written.contains(&v)
                    || super::digit_forms(v)
                        .iter()
                        .any(|f| super::occurs_as_number(text, f))
            });
            out.push(Figure {
                id,
                country,
                iso2,
                metric,
                values,
                in_text,
            });
        }
    }
    out
}

fn matches(f: &Fact, fig: &Figure<'_>) -> bool {
    f.country.as_deref() == Some(fig.iso2)
        && f.metric == fig.metric
        && fig.values.contains(&f.value)
}

/// Scores the headline facts on the WHO Disease Outbreak News dev set (`dons-1996-2012.jsonl`).
///
/// Each record is annotated in full ([`crate::annotate`], with its `title`, published on its
/// `date`). A
/// hand-coded figure of a report × country (cases: `cases_total`, or without a total any of
/// `cases_confirmed`, `cases_suspected`, `cases_probable`; deaths: `deaths`; zero and missing
/// figures and labels without an ISO country left out) passes when the document has a fact with
/// that country (ISO 3166-1 alpha-2 from the label's alpha-3), metric and value. The report's
/// main figure is over the figures written in the text, in digits or words (the others are sums
/// or global totals no extractor can read off the text); the share over all figures is a note.
pub fn eval_who_don_facts(path: &Path) -> Result<Report> {
    let recs = read_jsonl(path)?;
    let mut rep = Report {
        name: "WHO DON hand-coded figures that become a headline fact (country, metric, value)"
            .into(),
        ..Report::default()
    };
    let mut all = 0usize;
    let mut all_hit = 0usize;
    let mut by_metric = [(0usize, 0usize); 2];
    let mut as_count = 0usize;
    for (k, rec) in recs.iter().enumerate() {
        let text = super::eval::record_text(rec, path, k)?;
        let id = rec.get("id").and_then(|v| v.as_str()).unwrap_or("?");
        let figs = figures(id, text, rec);
        if figs.is_empty() {
            continue;
        }
        let mut doc = Document {
            id: id.to_owned(),
            text: text.to_owned(),
            published: rec.get("date").and_then(|v| v.as_str()).map(str::to_owned),
            title: rec.get("title").and_then(|v| v.as_str()).map(str::to_owned),
            ..Document::default()
        };
        crate::annotate(&mut doc);
        for fig in &figs {
            let hit = doc.facts.iter().any(|f| matches(f, fig));
            all += 1;
            all_hit += usize::from(hit);
            if !fig.in_text {
                continue;
            }
            rep.total += 1;
            let m = usize::from(fig.metric == "deaths");
            by_metric[m].0 += 1;
            if hit {
                rep.passed += 1;
                by_metric[m].1 += 1;
                continue;
            }
            let counted = doc
                .counts
                .iter()
                .any(|c| c.metric == fig.metric && fig.values.contains(&c.value));
            as_count += usize::from(counted);
            if rep.failures.len() < 400 {
                let got: Vec<String> = doc
                    .facts
                    .iter()
                    .filter(|f| f.metric == fig.metric)
                    .map(|f| {
                        format!(
                            "{}:{}:{}:{}",
                            f.country.as_deref().unwrap_or("-"),
                            f.value,
                            f.scope,
                            f.disease.as_deref().unwrap_or("-")
                        )
                    })
                    .collect();
                rep.failures.push(format!(
                    "{}: {} {} {} {:?} ({}); facts {:?}",
                    fig.id,
                    fig.country,
                    fig.iso2,
                    fig.metric,
                    fig.values,
                    if counted {
                        "found as a count"
                    } else {
                        "not found as a count"
                    },
                    got
                ));
            }
        }
    }
    rep.notes.push(format!(
        "cases {}/{}, deaths {}/{} (figures written in the text, in digits or words)",
        by_metric[0].1, by_metric[0].0, by_metric[1].1, by_metric[1].0
    ));
    rep.notes.push(format!(
        "{} missed figures were found as a count of the right metric but are not the headline",
        as_count
    ));
    rep.notes.push(format!(
        "over all {all} non-zero country figures (also those not written in the text): {all_hit} = {:.1}%",
        100.0 * all_hit as f64 / all.max(1) as f64
    ));
    Ok(rep)
}
