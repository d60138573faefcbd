//! Diagnostics for incremental clustering: with oracle events (each gold event's profile built
//! from its members so far), the similarity of each arriving document to its own event and
//! to the nearest other event, in words and in names.
#![allow(clippy::print_stdout)]

use std::collections::HashMap;

use epiwire_cluster::eval::Dataset;
use epiwire_cluster::vector::{Sparse, sublinear};
use epiwire_cluster::{Clusterer, Cues, DfTable, DocFeatures, EventProfile, Params};

type Cached = (String, Vec<DocFeatures>, Vec<Cues>, Vec<String>);

fn names_cos(c: &Clusterer, cues: &Cues, ev: &EventProfile) -> f32 {
    let df = c.df();
    let key = |k: &str| format!("n:{k}");
    let a = Sparse::normalized(
        cues.names
            .iter()
            .map(|(k, n)| (k.clone(), sublinear(*n) * df.idf(&key(k))))
            .collect(),
    );
    let b = Sparse::normalized(
        ev.names
            .iter()
            .map(|(k, n)| (k.clone(), n * df.idf(&key(k))))
            .collect(),
    );
    a.cosine(&b)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cache = std::env::var("CACHE")?;
    let sets: Vec<Cached> = serde_json::from_str(&std::fs::read_to_string(cache)?)?;
    let which: usize = std::env::var("SET")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let (name, docs, cues, gold) = &sets[which];
    let _ = Dataset {
        name: name.clone(),
        docs: vec![],
        cues: vec![],
        gold: vec![],
        annotate_secs: 0.0,
    };
    let mut c = Clusterer::new(Params::default(), DfTable::new());
    let mut events: HashMap<&str, EventProfile> = HashMap::new();
    for i in 0..docs.len() {
        c.observe_cued(&docs[i], Some(&cues[i]));
        let own = events.get(gold[i].as_str());
        let mut best_other = (0.0f32, 0.0f32, "");
        for (g, ev) in &events {
            if *g == gold[i] {
                continue;
            }
            let s = c.similarity(&docs[i], ev);
            if s > best_other.0 {
                best_other = (s, names_cos(&c, &cues[i], ev), g);
            }
        }
        let own_s = own.map(|ev| (c.similarity(&docs[i], ev), names_cos(&c, &cues[i], ev)));
        println!(
            "{i:4} {:<12} own {} other {:.3}/{:.3} {}",
            gold[i],
            own_s.map_or("  -  ".to_string(), |(a, b)| format!("{a:.3}/{b:.3}")),
            best_other.0,
            best_other.1,
            best_other.2
        );
        events
            .entry(gold[i].as_str())
            .or_default()
            .add_cued(&docs[i], Some(&cues[i]));
    }
    Ok(())
}
