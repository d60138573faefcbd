//! Runs the salience model over the WHO Disease Outbreak News texts, to measure what it costs
//! per byte beside the recognisers (under `valgrind --tool=callgrind`, the inclusive count of
//! `Model::score` over the bytes printed here).
//!
//! ```text
//! cargo build --release -p epiwire-annotate --example salience_cost
//! valgrind --tool=callgrind --callgrind-out-file=/tmp/sal.cg \
//!     target/release/examples/salience_cost ../shared/data/who-don/dons-1996-2012.jsonl
//! callgrind_annotate --inclusive=yes /tmp/sal.cg | grep -E 'Model::score|find'
//! ```

#![allow(clippy::print_stdout)]

use epiwire_annotate::{disease::DiseaseMatcher, place::Gazetteer, salience::Model};
use serde_json::Value;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: salience_cost DONS.jsonl")?;
    let data = std::fs::read_to_string(path)?;
    let texts: Vec<String> = data
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| v.get("text").and_then(Value::as_str).map(str::to_string))
        .collect();
    let (dm, g, model) = (
        DiseaseMatcher::global(),
        Gazetteer::global(),
        Model::global(),
    );
    let found: Vec<_> = texts.iter().map(|t| (dm.find(t), g.find(t))).collect();
    let (mut mentions, mut salient) = (0usize, 0usize);
    for (t, (d, p)) in texts.iter().zip(&found) {
        let s = model.score(t, d, p);
        for v in s.diseases.iter().chain(&s.places) {
            mentions += v.len();
            salient += v.iter().filter(|&&x| x >= s.threshold).count();
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "{} texts, {bytes} bytes, {mentions} mentions, {salient} salient",
        texts.len()
    );
    Ok(())
}
