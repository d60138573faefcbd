//! Lists the errors of the disease and place recognisers on a BAND JSON Lines file, to study
//! them on the training split (never on dev), and prints the counts of each error surface form.
//!
//! ```text
//! cargo run --release -p epiwire-annotate --example band_errors -- ../shared/data/band-ner/train.jsonl study
//! ```
//!
//! The second argument picks sentences: `study` (line number not a multiple of 5), `check` (a
//! multiple of 5: a held-out slice of train to confirm a change), or `all`.

#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;

use epiwire_annotate::{disease::DiseaseMatcher, place::Gazetteer};
use serde_json::Value;

type Spans = Vec<(usize, usize, String)>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: band_errors FILE [study|check|all] [quiet]")?;
    let part = args.next().unwrap_or_else(|| "all".into());
    let quiet = args.next().is_some_and(|a| a == "quiet");
    let data = std::fs::read_to_string(path)?;
    let dm = DiseaseMatcher::global();
    let g = Gazetteer::global();
    let mut fp: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut fn_: BTreeMap<(String, String), usize> = BTreeMap::new();
    // (predicted, gold, exact right predictions) for diseases and places.
    let mut totals = [(0usize, 0usize, 0usize); 2];
    for (n, line) in data.lines().enumerate() {
        let keep = match part.as_str() {
            "study" => n % 5 != 0,
            "check" => n % 5 == 0,
            _ => true,
        };
        if !keep || line.trim().is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line)?;
        let tokens: Vec<&str> = v["tokens"]
            .as_array()
            .ok_or("no tokens")?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let text = tokens.join(" ");
        let mut bounds = Vec::new();
        let mut at = 0;
        for t in &tokens {
            let l = t.chars().count();
            bounds.push((at, at + l));
            at += l + 1;
        }
        let chars: Vec<char> = text.chars().collect();
        let slice = |s: usize, e: usize| chars[s..e].iter().collect::<String>();
        let mut gold_d: Spans = Vec::new();
        let mut gold_p: Spans = Vec::new();
        for e in v["entities"].as_array().map(Vec::as_slice).unwrap_or(&[]) {
            let ty = e["type"].as_str().unwrap_or("").to_string();
            let (Some(s), Some(en)) = (e["start_token"].as_u64(), e["end_token"].as_u64()) else {
                continue;
            };
            let (s, en) = (bounds[s as usize].0, bounds[en as usize].1);
            match ty.as_str() {
                "Disease" | "Virus" => gold_d.push((s, en, ty)),
                "Country" | "Province" | "City" => gold_p.push((s, en, ty)),
                _ => {}
            }
        }
        let mut pred_d: Spans = Vec::new();
        for n in dm.find_nested(&text) {
            for m in [Some(&n.mention), n.phrase.as_ref(), n.pathogen.as_ref()]
                .into_iter()
                .flatten()
            {
                if !pred_d.iter().any(|p| p.0 == m.start && p.1 == m.end) {
                    pred_d.push((m.start, m.end, n.id.clone()));
                }
            }
        }
        let mut pred_p: Spans = Vec::new();
        for p in g.find(&text) {
            let label = match p.kind.as_ref() {
                "country" => "Country",
                "admin1" => "Province",
                "city" | "admin2" => "City",
                other => other,
            };
            for m in &p.mentions {
                let letters = m.text.chars().filter(|c| *c != '.' && *c != ' ');
                // As the BAND evaluation: abbreviations (US, DRC) are not predictions.
                let abbreviation = letters.clone().all(|c| c.is_ascii_uppercase())
                    && letters.count() <= 4
                    && !m.text.eq_ignore_ascii_case(&p.name);
                if !g.is_demonym(&m.text, p.geonameid) && !abbreviation {
                    pred_p.push((m.start, m.end, label.to_string()));
                }
            }
        }
        let mut lines = Vec::new();
        for (k, (kind, pred, gold, labelled)) in [
            ("D", &pred_d, &gold_d, false),
            ("P", &pred_p, &gold_p, true),
        ]
        .into_iter()
        .enumerate()
        {
            totals[k].0 += pred.len();
            totals[k].1 += gold.len();
            for p in pred {
                let ok = gold
                    .iter()
                    .any(|g| g.0 == p.0 && g.1 == p.1 && (!labelled || g.2 == p.2));
                if ok {
                    totals[k].2 += 1;
                } else {
                    let near = gold
                        .iter()
                        .find(|g| g.0 < p.1 && p.0 < g.1)
                        .map(|g| format!(" (gold {:?} {})", slice(g.0, g.1), g.2))
                        .unwrap_or_default();
                    lines.push(format!("  {kind} FP {:?} {}{near}", slice(p.0, p.1), p.2));
                    let key = if near.is_empty() {
                        "spurious"
                    } else {
                        "boundary/label"
                    };
                    *fp.entry((format!("{kind} {key}"), slice(p.0, p.1)))
                        .or_default() += 1;
                }
            }
            for gs in gold {
                let ok = pred
                    .iter()
                    .any(|p| gs.0 == p.0 && gs.1 == p.1 && (!labelled || gs.2 == p.2));
                if !ok {
                    let near = pred.iter().any(|p| gs.0 < p.1 && p.0 < gs.1);
                    lines.push(format!("  {kind} FN {:?} {}", slice(gs.0, gs.1), gs.2));
                    let key = if near { "boundary/label" } else { "missed" };
                    *fn_.entry((format!("{kind} {key} {}", gs.2), slice(gs.0, gs.1)))
                        .or_default() += 1;
                }
            }
        }
        if !quiet && !lines.is_empty() {
            println!("[{n}] {text}");
            for l in lines {
                println!("{l}");
            }
        }
    }
    for (name, (p, g, tp)) in ["diseases", "places"].iter().zip(totals) {
        let (pr, re) = (tp as f64 / p.max(1) as f64, tp as f64 / g.max(1) as f64);
        println!(
            "{name}: pred {p} gold {g} right {tp}  P {pr:.3} R {re:.3} F1 {:.3}",
            2.0 * pr * re / (pr + re).max(1e-9)
        );
    }
    for (title, map) in [("false positives", &fp), ("false negatives", &fn_)] {
        let mut v: Vec<_> = map.iter().collect();
        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let mut by_class: BTreeMap<&str, usize> = BTreeMap::new();
        for ((class, _), c) in &v {
            *by_class.entry(class.as_str()).or_default() += **c;
        }
        println!("== {title}: {by_class:?}");
        for ((class, text), c) in v.iter().take(150) {
            println!("{c:5}  {class:28} {text}");
        }
    }
    Ok(())
}
