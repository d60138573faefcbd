//! Reconciling the WHO Disease Outbreak News 1996–2012 (1,667 reports, ../shared/data): every
//! report annotated, its figures grouped by disease × country across reports, and the conflicts
//! counted. WHO updates an outbreak report after report, so cumulative counts should mostly
//! grow; the decreases and disagreements found are what an analyst would be shown.
//!
//! Slow in a debug build (annotation of 1,667 texts): run it with
//! `cargo test -p epiwire-timeline --release --test who_don -- --ignored --nocapture`.
// Test helpers outside `#[test]` functions may fail loudly.
#![allow(clippy::unwrap_used, clippy::panic, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

use epiwire_model::Document;
use epiwire_timeline::{Figure, figures, reconcile};

#[test]
#[ignore = "annotates 1,667 WHO DON texts: run in release, see the module docs"]
fn who_don_timelines() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/who-don/dons-1996-2012.jsonl");
    let file = std::fs::File::open(&path).unwrap();
    let mut by_event: BTreeMap<(String, String), Vec<Figure>> = BTreeMap::new();
    let mut docs = 0;
    let mut n_figures = 0;
    for line in std::io::BufReader::new(file).lines() {
        let v: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        let mut doc = Document {
            id: v["id"].as_str().unwrap().to_string(),
            url: v["url"].as_str().map(str::to_string),
            title: v["title"].as_str().map(str::to_string),
            published: v["date"].as_str().map(str::to_string),
            text: v["text"].as_str().unwrap_or("").to_string(),
            ..Document::default()
        };
        epiwire_annotate::annotate(&mut doc);
        docs += 1;
        for f in figures(&doc) {
            n_figures += 1;
            if let (Some(d), Some(c)) = (&f.disease, &f.country) {
                by_event.entry((d.clone(), c.clone())).or_default().push(f);
            }
        }
    }
    let (mut series, mut points, mut derived) = (0, 0, 0);
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut examples: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for figs in by_event.values() {
        let t = reconcile(figs);
        series += t.series.len();
        for s in &t.series {
            points += s.points.len();
            derived += s.points.iter().filter(|p| p.derived).count();
        }
        for c in &t.conflicts {
            *kinds.entry(c.kind.clone()).or_default() += 1;
            let e = examples.entry(c.kind.clone()).or_default();
            if e.len() < 8 {
                e.push(c.reason.clone());
            }
        }
    }
    eprintln!(
        "{docs} reports, {n_figures} figures, {} disease x country groups, {series} series, \
         {points} points ({derived} derived), conflicts {kinds:?}",
        by_event.len()
    );
    for (k, e) in &examples {
        for r in e {
            eprintln!("{k}: {r}");
        }
    }
    assert_eq!(docs, 1667);
    assert!(points > 1000, "{points}");
}
