//! The dev-set evaluations of this crate, printed (they read `../shared/data`, beside the
//! checkout). Ignored in the normal run; the figures are what `epiwire eval` prints:
//!
//! ```text
//! cargo test --release -p epiwire-annotate --test eval -- --ignored --nocapture
//! ```

use std::path::{Path, PathBuf};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

#[test]
#[ignore = "reads the shared dev sets; run in release with --ignored --nocapture"]
fn counts_dates_and_who_don() {
    let d = data();
    let counts = epiwire_annotate::count::eval_epitator_counts(
        &d.join("epitator-tests/test_count_annotator.jsonl"),
    )
    .unwrap();
    let dates = epiwire_annotate::date::eval_epitator_dates(
        &d.join("epitator-tests/test_date_annotator.jsonl"),
    )
    .unwrap();
    let don = d.join("who-don/dons-1996-2012.jsonl");
    let figures = epiwire_annotate::count::eval_who_don(&don).unwrap();
    let facts = epiwire_annotate::count::eval_who_don_facts(&don).unwrap();
    let verbose = std::env::var_os("EVAL_VERBOSE").is_some();
    for r in [&counts, &dates, &figures, &facts] {
        if verbose {
            println!("{r}");
        } else {
            println!(
                "{}: {}/{} ({:.1}%)",
                r.name,
                r.passed,
                r.total,
                100.0 * r.share()
            );
            for n in &r.notes {
                println!("  {n}");
            }
        }
    }
}

/// Prints the annotation of the WHO DON records named in `EVAL_DOC` (comma-separated ids), to
/// study a failure: `EVAL_DOC=DON-1996-02-05 cargo test --release -p epiwire-annotate --test
/// eval dump -- --ignored --nocapture`.
#[test]
#[ignore = "a debugging aid; reads the shared dev sets"]
fn dump() {
    let Some(ids) = std::env::var_os("EVAL_DOC") else {
        return;
    };
    let ids = ids.to_string_lossy().into_owned();
    let text = std::fs::read_to_string(data().join("who-don/dons-1996-2012.jsonl")).unwrap();
    for line in text.lines() {
        let rec: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = rec["id"].as_str().unwrap();
        if !ids.split(',').any(|x| x == id) {
            continue;
        }
        let mut doc = epiwire_model::Document {
            id: id.to_owned(),
            text: rec["text"].as_str().unwrap().to_owned(),
            published: rec["date"].as_str().map(str::to_owned),
            title: rec["title"].as_str().map(str::to_owned),
            ..Default::default()
        };
        epiwire_annotate::annotate(&mut doc);
        println!("=== {id} | {:?}\n{}\n--- labels", doc.title, doc.text);
        for l in rec["labels"].as_array().unwrap() {
            println!("{l}");
        }
        println!("--- places");
        for p in &doc.places {
            let m: Vec<String> = p
                .mentions
                .iter()
                .map(|m| format!("{}@{}", m.text, m.start))
                .collect();
            println!(
                "{} {} {:?} {} {:?}",
                p.geonameid, p.name, p.country, p.kind, m
            );
        }
        println!("--- counts");
        for c in &doc.counts {
            println!(
                "{}@{} {} {} {} {} {:?} {:?}",
                c.text, c.start, c.value, c.metric, c.scope, c.qualifier, c.place, c.disease
            );
        }
        println!("--- facts");
        for f in &doc.facts {
            println!(
                "{:?} {} {} {} {:?} {:?}",
                f.country, f.metric, f.value, f.scope, f.disease, f.place
            );
        }
    }
}
