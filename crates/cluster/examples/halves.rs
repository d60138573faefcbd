//! Batch clustering on the ECB+ halves: tuning half A (topics ≡ 1 mod 4), held-out half B
//! (topics ≡ 3 mod 4), each clustered alone, then the whole ECB+ odd set, NewsWCL50 and
//! WikiRef220; B³ precision/recall/F1, with and without the event cues.
//!
//! `cargo run --release -p epiwire-cluster --example halves -- ../shared/data/news-clustering`
//!
//! Environment: `SETS=0,3,4` keeps some sets (0 A, 1 B, 2 ECB+, 3 NewsWCL50, 4 WikiRef220);
//! `NCUT`, `K`, `NAMES` override `split_ncut`, `split_k`, `names_weight`; `SHOW=1` prints the
//! clusters that mix gold events; `ONLY=<0|1|2>` runs one variant; `SHUFFLE=<seed>` shuffles
//! the input order. Features are cached in the
//! temp dir (`epiwire-cluster-halves.json`; delete it after an annotation change).
#![allow(clippy::print_stdout)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use epiwire_cluster::eval::Dataset;
use epiwire_cluster::{
    Cues, DocFeatures, Params, b3, cluster_batch_cued, cluster_batch_with, eval,
};

fn halves(ecb: &Dataset) -> (Dataset, Dataset) {
    let mut a = Dataset {
        name: "ECB+ A".into(),
        docs: vec![],
        cues: vec![],
        gold: vec![],
        annotate_secs: 0.0,
    };
    let mut b = Dataset {
        name: "ECB+ B".into(),
        ..a.clone()
    };
    for ((d, c), g) in ecb.docs.iter().zip(&ecb.cues).zip(&ecb.gold) {
        let topic: u32 = g
            .trim_end_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .unwrap_or(0);
        let into = if topic % 4 == 1 { &mut a } else { &mut b };
        into.docs.push(d.clone());
        into.cues.push(c.clone());
        into.gold.push(g.clone());
    }
    (a, b)
}

/// Shuffles a data set's documents (xorshift seeded by `seed`): batch clustering should not
/// depend on input order.
fn shuffle(ds: &mut Dataset, seed: u64) {
    let mut order: Vec<usize> = (0..ds.docs.len()).collect();
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for i in (1..order.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        order.swap(i, (x % (i as u64 + 1)) as usize);
    }
    ds.docs = order.iter().map(|&i| ds.docs[i].clone()).collect();
    ds.cues = order.iter().map(|&i| ds.cues[i].clone()).collect();
    ds.gold = order.iter().map(|&i| ds.gold[i].clone()).collect();
}

type Cached = (String, Vec<DocFeatures>, Vec<Cues>, Vec<String>);
type CachedRef<'a> = (&'a str, &'a [DocFeatures], &'a [Cues], &'a [String]);

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data/news-clustering"));
    let cache = std::env::temp_dir().join("epiwire-cluster-halves.json");
    let sets: Vec<Dataset> = match std::fs::read_to_string(&cache) {
        Ok(s) => serde_json::from_str::<Vec<Cached>>(&s)?
            .into_iter()
            .map(|(name, docs, cues, gold)| Dataset {
                name,
                docs,
                cues,
                gold,
                annotate_secs: 0.0,
            })
            .collect(),
        Err(_) => {
            let sets = eval::load_all(&dir)?;
            let raw: Vec<CachedRef<'_>> = sets
                .iter()
                .map(|d| (d.name.as_str(), &d.docs[..], &d.cues[..], &d.gold[..]))
                .collect();
            std::fs::write(&cache, serde_json::to_string(&raw)?)?;
            sets
        }
    };
    let mut sets = sets;
    if let Some(seed) = std::env::var("SHUFFLE")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    {
        for ds in &mut sets {
            shuffle(ds, seed);
        }
    }
    let (a, b) = halves(&sets[0]);
    let all = [a, b, sets[0].clone(), sets[1].clone(), sets[2].clone()];
    let which: Vec<usize> = std::env::var("SETS")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or(vec![0, 1, 2, 3, 4]);
    let env = |k: &str| std::env::var(k).ok().and_then(|s| s.parse::<f32>().ok());
    let d = Params::default();
    let p = Params {
        split_ncut: env("NCUT").unwrap_or(d.split_ncut),
        split_k: env("K").map_or(d.split_k, |k| k as usize),
        names_weight: env("NAMES").unwrap_or(d.names_weight),
        ..d
    };
    let before = Params {
        split_ncut: 0.0,
        ..p.clone()
    };
    let only: Option<usize> = std::env::var("ONLY").ok().and_then(|s| s.parse().ok());
    let variants = [
        ("before (dendrogram test only)", &before, false),
        ("words only (no cues)", &p, false),
        ("with cues", &p, true),
    ];
    for (v, &(label, params, cued)) in variants.iter().enumerate() {
        if only.is_some_and(|o| o != v) {
            continue;
        }
        println!("{label}:");
        for &i in &which {
            let Some(ds) = all.get(i) else { continue };
            let labels = if cued {
                cluster_batch_cued(&ds.docs, Some(&ds.cues), params, None)
            } else {
                cluster_batch_with(&ds.docs, params, None)
            };
            let s = b3(&labels, &ds.gold);
            println!(
                "  {:<11} P {:.3} R {:.3} F1 {:.3}",
                ds.name, s.precision, s.recall, s.f1
            );
            if std::env::var_os("SHOW").is_some() {
                let mut by_pred: BTreeMap<usize, BTreeMap<&str, usize>> = BTreeMap::new();
                for (l, g) in labels.iter().zip(&ds.gold) {
                    *by_pred.entry(*l).or_default().entry(g).or_default() += 1;
                }
                for (l, m) in by_pred.iter().filter(|(_, m)| m.len() > 1) {
                    println!("    mixed cluster {l}: {m:?}");
                }
            }
        }
    }
    Ok(())
}
