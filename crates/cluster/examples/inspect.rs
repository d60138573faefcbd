//! Prints how a clustering of one dev set departs from gold.
//!
//! `cargo run --release -p epiwire-cluster --example inspect -- ../shared/data/news-clustering 0 0.18`
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use epiwire_cluster::{Params, b3, cluster_batch_with, eval};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "../shared/data/news-clustering".into()),
    );
    let which: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let t: f32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(0.18);
    let e: f32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(0.0);
    let sets = eval::load_all(&dir)?;
    let ds = &sets[which];
    let st: f32 = args.next().and_then(|s| s.parse().ok()).unwrap_or(0.05);
    let p = Params {
        threshold: t,
        entity_weight: e,
        split_threshold: st,
        ..Params::default()
    };
    let labels = cluster_batch_with(&ds.docs, &p, None);
    println!("F1 {:?}", b3(&labels, &ds.gold));
    let mut by_pred: BTreeMap<usize, BTreeMap<&str, usize>> = BTreeMap::new();
    let mut by_gold: BTreeMap<&str, BTreeMap<usize, usize>> = BTreeMap::new();
    for (l, g) in labels.iter().zip(&ds.gold) {
        *by_pred.entry(*l).or_default().entry(g).or_default() += 1;
        *by_gold.entry(g).or_default().entry(*l).or_default() += 1;
    }
    for (l, m) in &by_pred {
        if m.len() > 1 {
            println!("mixed cluster {l}: {m:?}");
        }
    }
    for (g, m) in &by_gold {
        if m.len() > 1 {
            println!("split gold {g}: {m:?}");
        }
    }
    Ok(())
}
