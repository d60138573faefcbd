//! Incremental clustering on the ECB+ halves (A: topics ≡ 1 mod 4, B: topics ≡ 3 mod 4, each
//! run alone with its own document-frequency table), the whole ECB+ odd set, NewsWCL50 and
//! WikiRef220; B³ precision/recall/F1, with and without the documents' cues.
//!
//! `cargo run --release -p epiwire-cluster --example incr -- ../shared/data/news-clustering`
//!
//! Environment: `P_<FIELD>=v1,v2,…` grids a [`Params`] field (any numeric field, e.g.
//! `P_JOIN_THRESHOLD=0.2,0.3`); `SETS=0,1` keeps some sets (0 A, 1 B, 2 ECB+, 3 NewsWCL50,
//! 4 WikiRef220); `CUES=0` runs without cues; `SHOW=1` prints the predicted clusters that mix
//! gold events; `SHUFFLE=<seed>` shuffles the arrival order; `BATCH=1` scores batch clustering instead. Features are cached in `$CACHE` (default
//! `<temp dir>/epiwire-cluster-incr.json`; delete it after an annotation change).
#![allow(clippy::print_stdout)]

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use epiwire_cluster::eval::Dataset;
use epiwire_cluster::{Cues, DocFeatures, Params, b3, eval};

type Cached = (String, Vec<DocFeatures>, Vec<Cues>, Vec<String>);
type CachedRef<'a> = (&'a str, &'a [DocFeatures], &'a [Cues], &'a [String]);

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

/// Shuffles a data set's documents (xorshift seeded by `seed`; the evaluation's documents
/// are undated, so this is their arrival order).
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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data/news-clustering"));
    let cache = std::env::var("CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir().join("epiwire-cluster-incr.json"));
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
    let cued = std::env::var("CUES").map_or(true, |v| v != "0");
    let batch = std::env::var("BATCH").is_ok_and(|v| v == "1");
    // The grid: every P_<FIELD> variable, crossed.
    let mut grid: Vec<(String, Params)> = vec![(String::new(), Params::default())];
    let mut vars: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k.starts_with("P_"))
        .collect();
    vars.sort();
    for (k, vals) in vars {
        let field = k[2..].to_lowercase();
        let mut next = Vec::new();
        for (label, p) in &grid {
            for v in vals.split(',').filter_map(|x| x.parse::<f64>().ok()) {
                let mut q = p.clone();
                if !support::set_field(&mut q, &field, v) {
                    return Err(format!("no numeric Params field {field}").into());
                }
                next.push((format!("{label} {field}={v}"), q));
            }
        }
        grid = next;
    }
    let names = ["A", "B", "ECB", "WCL", "Wiki"];
    for (label, p) in &grid {
        let mut cols = Vec::new();
        let mut shown = Vec::new();
        for &i in &which {
            let Some(ds) = all.get(i) else { continue };
            let labels = if batch {
                epiwire_cluster::cluster_batch_cued(&ds.docs, cued.then_some(&ds.cues[..]), p, None)
            } else if cued {
                eval::incremental_cued(&ds.docs, Some(&ds.cues), p)
            } else {
                eval::incremental(&ds.docs, p)
            };
            let s = b3(&labels, &ds.gold);
            cols.push(format!(
                "{} {:.3}/{:.3}/{:.3}",
                names[i], s.precision, s.recall, s.f1
            ));
            if std::env::var_os("SHOW").is_some() {
                let mut by_pred: BTreeMap<usize, BTreeMap<&str, usize>> = BTreeMap::new();
                for (l, g) in labels.iter().zip(&ds.gold) {
                    *by_pred.entry(*l).or_default().entry(g).or_default() += 1;
                }
                let mut by_gold: BTreeMap<&str, BTreeMap<usize, usize>> = BTreeMap::new();
                for (l, g) in labels.iter().zip(&ds.gold) {
                    *by_gold.entry(g).or_default().entry(*l).or_default() += 1;
                }
                for (l, m) in by_pred.iter().filter(|(_, m)| m.len() > 1) {
                    shown.push(format!("  {} mixed {l}: {m:?}", names[i]));
                }
                for (g, m) in by_gold.iter().filter(|(_, m)| m.len() > 1) {
                    shown.push(format!("  {} split {g}: {m:?}", names[i]));
                }
            }
        }
        println!("{:<40} {}", label.trim(), cols.join("  "));
        for s in shown {
            println!("{s}");
        }
    }
    Ok(())
}
