//! Experiments: B³ F1 of batch and incremental clustering on the ECB+ halves (tuning half A:
//! topics 1, 5, 9, …; held-out half B: topics 3, 7, 11, …), NewsWCL50 and WikiRef220.
//!
//! `cargo run --release -p epiwire-cluster --example exp -- ../shared/data/news-clustering`
//!
//! Environment: `BATCH=1` adds a batch grid over the split threshold; `JT` and `MT` are
//! comma-separated incremental join and merge thresholds; `SHUFFLES=3` adds the min..max F1
//! over three shuffled arrival orders; `ONLY=<i>` keeps one set (0 A, 1 B, 2 ECB+, 3
//! NewsWCL50, 4 WikiRef220). Features are cached in the temp dir
//! (`epiwire-cluster-exp-features.json`; delete it after an annotation change).
#![allow(clippy::print_stdout)]

use std::path::PathBuf;

use epiwire_cluster::eval::Dataset;
use epiwire_cluster::{Params, b3, cluster_batch_with, eval};

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
    for (d, g) in ecb.docs.iter().zip(&ecb.gold) {
        let topic: u32 = g
            .trim_end_matches(|c: char| !c.is_ascii_digit())
            .parse()
            .unwrap_or(0);
        let into = if (topic / 2).is_multiple_of(2) {
            &mut a
        } else {
            &mut b
        };
        into.docs.push(d.clone());
        into.gold.push(g.clone());
    }
    (a, b)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data/news-clustering"));
    let cache = std::env::temp_dir().join("epiwire-cluster-exp-features.json");
    let sets: Vec<Dataset> = match std::fs::read_to_string(&cache) {
        Ok(s) => {
            let raw: Vec<(String, Vec<epiwire_cluster::DocFeatures>, Vec<String>)> =
                serde_json::from_str(&s)?;
            raw.into_iter()
                .map(|(name, docs, gold)| Dataset {
                    name,
                    docs,
                    cues: vec![],
                    gold,
                    annotate_secs: 0.0,
                })
                .collect()
        }
        Err(_) => {
            let sets = eval::load_all(&dir)?;
            let raw: Vec<(&str, &[epiwire_cluster::DocFeatures], &[String])> = sets
                .iter()
                .map(|d| (d.name.as_str(), &d.docs[..], &d.gold[..]))
                .collect();
            std::fs::write(&cache, serde_json::to_string(&raw)?)?;
            sets
        }
    };
    let (a, b) = halves(&sets[0]);
    let mut all = vec![a, b, sets[0].clone(), sets[1].clone(), sets[2].clone()];
    if let Some(only) = std::env::var("ONLY")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
    {
        all = vec![all[only].clone()];
    }
    let run = |label: &str, p: &Params| {
        let f: Vec<f64> = all
            .iter()
            .map(|ds| b3(&cluster_batch_with(&ds.docs, p, None), &ds.gold).f1)
            .collect();
        let names = ["A", "B", "ECB", "WCL", "Wiki"];
        let cols: Vec<String> = f
            .iter()
            .enumerate()
            .map(|(i, x)| format!("{} {x:.3}", names.get(i).unwrap_or(&"?")))
            .collect();
        println!("batch {label:<30} {}", cols.join(" "));
    };
    if std::env::var_os("BATCH").is_some() {
        run("default", &Params::default());
        for st in [0.03f32, 0.04, 0.05, 0.06] {
            run(
                &format!("st={st}"),
                &Params {
                    split_threshold: st,
                    ..Params::default()
                },
            );
        }
    }
    let names = ["A", "B", "ECB", "WCL", "Wiki"];
    let grid_j: Vec<f32> = std::env::var("JT")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or(vec![0.08, 0.1, 0.12, 0.15]);
    let grid_m: Vec<f32> = std::env::var("MT")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or(vec![0.08, 0.1, 0.12]);
    let shuffles: u64 = std::env::var("SHUFFLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    for &jt in &grid_j {
        for &mt in &grid_m {
            let p = Params {
                join_threshold: jt,
                merge_threshold: mt,
                ..Params::default()
            };
            let mut cols = Vec::new();
            for (i, ds) in all.iter().enumerate() {
                let f = b3(&eval::incremental(&ds.docs, &p), &ds.gold).f1;
                let mut spread = String::new();
                if shuffles > 0 {
                    let fs: Vec<f64> = (1..=shuffles)
                        .map(|seed| b3(&shuffled(&ds.docs, &p, seed), &ds.gold).f1)
                        .collect();
                    let lo = fs.iter().copied().fold(f64::INFINITY, f64::min);
                    let hi = fs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    spread = format!(" [{lo:.3}..{hi:.3}]");
                }
                cols.push(format!("{} {f:.3}{spread}", names.get(i).unwrap_or(&"?")));
            }
            println!("incr jt={jt} mt={mt} {}", cols.join(" "));
        }
    }
    Ok(())
}

/// Incremental clustering in a pseudo-random order (xorshift seeded by `seed`).
fn shuffled(docs: &[epiwire_cluster::DocFeatures], p: &Params, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..docs.len()).collect();
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for i in (1..order.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        order.swap(i, (x % (i as u64 + 1)) as usize);
    }
    let mut events = epiwire_cluster::Events::new(epiwire_cluster::Clusterer::new(
        p.clone(),
        epiwire_cluster::DfTable::new(),
    ));
    let mut raw = vec![0usize; docs.len()];
    for &i in &order {
        raw[i] = events.push(&docs[i]).0;
    }
    raw.iter().map(|&e| events.resolve(e)).collect()
}
