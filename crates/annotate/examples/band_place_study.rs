//! Classifies the place errors of the BAND rows (every mention and salient) by cause, on a part
//! of the BAND training split (never on dev), with counts.
//!
//! ```text
//! cargo run --release -p epiwire-annotate --example band_place_study -- \
//!     ../shared/data/band-ner/train.jsonl check [list] [every]
//! ```
//!
//! `check` is every fifth block of 100 sentences (the salience trainer's check part), `study`
//! the others, `all` everything. Causes of a missed gold place: `label` (a prediction with the
//! exact span but another label), `not salient` (the right prediction scored below the
//! threshold), `boundary` (a prediction overlapping it), `unknown form` (its text is no form of
//! the gazetteer, not even after "in"), `small, no evidence` (found after "in": a small place
//! without a cue in the sentence), `filtered` (a form the recogniser dropped). Causes of a false salient place:
//! `label`, `boundary`, `disease` (overlaps a gold Disease or Virus), `unmarked` (BAND marks
//! nothing there: an aside, an organisation or a person).

#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;

use epiwire_annotate::salience::{LABELS, Model, band_rows, read_band, window_predictions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .ok_or("usage: band_place_study FILE part [list] [every]")?;
    let part = args.next().unwrap_or_else(|| "check".into());
    let opts: Vec<String> = args.collect();
    let list = opts.iter().any(|a| a == "list");
    // `every`: every mention counts as salient (the rows of every mention).
    let every = opts.iter().any(|a| a == "every");
    let sents = read_band(std::path::Path::new(&path))?;
    let model = Model::global();
    let t = if every { f32::MIN } else { model.threshold() };
    let g = epiwire_annotate::place::Gazetteer::global();
    let mut miss: BTreeMap<String, usize> = BTreeMap::new();
    let mut fps: BTreeMap<String, usize> = BTreeMap::new();
    let mut forms: BTreeMap<(String, String), usize> = BTreeMap::new();
    // The predictions and sentences of the part, for its BAND rows.
    let (mut part_preds, mut part_sents) = (Vec::new(), Vec::new());
    for (i, s) in sents.iter().enumerate() {
        let keep = match part.as_str() {
            "check" => (i / 100) % 5 == 0,
            "study" => (i / 100) % 5 != 0,
            _ => true,
        };
        if !keep {
            continue;
        }
        let chars: Vec<char> = s.text.chars().collect();
        let slice = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
        let all = window_predictions(model, &sents, i, model.window());
        let preds: Vec<_> = all
            .iter()
            .filter(|w| w.predicted && w.label.is_some())
            .cloned()
            .collect();
        part_preds.push(all);
        part_sents.push(s.clone());
        for &(a, b, l) in s.gold.iter().filter(|x| x.2 >= 2) {
            let exact: Vec<_> = preds.iter().filter(|w| w.spans[0] == (a, b)).collect();
            let right = exact.iter().find(|w| w.label == Some(l));
            let cause = if let Some(w) = right {
                if w.score >= t {
                    continue;
                }
                "not salient".to_string()
            } else if let Some(w) = exact.first() {
                format!("label {}->{}", LABELS[l], LABELS[w.label.unwrap_or(0)])
            } else if preds.iter().any(|w| w.spans[0].0 < b && a < w.spans[0].1) {
                "boundary".to_string()
            } else {
                let text = slice(a, b);
                // With a locative cue before it a small place needs no other evidence.
                if !g.find(&text).is_empty() {
                    "filtered".to_string()
                } else if !g.find(&format!("in {text}")).is_empty() {
                    "small, no evidence".to_string()
                } else {
                    "unknown form".to_string()
                }
            };
            let key = format!("miss {} {cause}", LABELS[l]);
            *miss.entry(key.clone()).or_default() += 1;
            *forms.entry((key, slice(a, b))).or_default() += 1;
            if list {
                println!(
                    "[{i}] MISS {} {cause}: {:?} | {}",
                    LABELS[l],
                    slice(a, b),
                    s.text
                );
            }
        }
        for w in preds.iter().filter(|w| w.score >= t) {
            let (a, b) = w.spans[0];
            let l = w.label.unwrap_or(0);
            if s.gold.iter().any(|g| (g.0, g.1, g.2) == (a, b, l)) {
                continue;
            }
            let cause = if let Some(gd) = s.gold.iter().find(|g| (g.0, g.1) == (a, b) && g.2 >= 2) {
                format!("label {}->{}", LABELS[gd.2], LABELS[l])
            } else if s.gold.iter().any(|g| g.2 >= 2 && g.0 < b && a < g.1) {
                "boundary".into()
            } else if s.gold.iter().any(|g| g.2 < 2 && g.0 < b && a < g.1) {
                "disease".into()
            } else {
                "unmarked".into()
            };
            let key = format!("fp {} {cause}", LABELS[l]);
            *fps.entry(key.clone()).or_default() += 1;
            *forms.entry((key, slice(a, b))).or_default() += 1;
            if list {
                println!(
                    "[{i}] FP {} {cause}: {:?} | {}",
                    LABELS[l],
                    slice(a, b),
                    s.text
                );
            }
        }
    }
    let threshold = model.threshold();
    for (name, rows) in [
        ("every", band_rows(&part_preds, &part_sents, |_| true)),
        (
            "salient",
            band_rows(&part_preds, &part_sents, |w| w.score >= threshold),
        ),
    ] {
        for r in rows {
            let e = &r.exact;
            println!(
                "{name:8} {:14} gold {:5} pred {:5} right {:5}  P {:.3} R {:.3} F1 {:.3}",
                r.label,
                e.gold,
                e.predicted,
                e.true_pos_pred,
                e.precision(),
                e.recall(),
                e.f1()
            );
        }
    }
    for (title, m) in [
        ("missed gold places", &miss),
        ("false salient places", &fps),
    ] {
        println!("== {title}");
        for (k, c) in m {
            println!("{c:6}  {k}");
        }
    }
    let mut v: Vec<_> = forms.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    println!("== most frequent forms");
    for ((k, f), c) in v.iter().take(120) {
        println!("{c:5}  {k:36} {f}");
    }
    Ok(())
}
