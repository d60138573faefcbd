//! Grid search of the clustering parameters on the news-clustering dev sets.
//!
//! `cargo run --release -p epiwire-cluster --example tune -- ../shared/data/news-clustering`
#![allow(clippy::print_stdout)]

use std::path::PathBuf;

use epiwire_cluster::{Params, b3, baseline_batch, cluster_batch_with, eval};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data/news-clustering"));
    let sets = eval::load_all(&dir)?;
    for ds in sets.iter().take(0) {
        for t in [0.05f32, 0.08, 0.1, 0.12, 0.15, 0.2] {
            let s = b3(&baseline_batch(&ds.docs, t), &ds.gold);
            println!("baseline {:<11} t={t:.2} F1={:.3}", ds.name, s.f1);
        }
    }
    if std::env::var_os("TUNE_BATCH").is_some() {
        let grid_t = [0.08f32, 0.1, 0.12];
        let grid_e = [0.0f32, 0.2];
        let grid_st = [0.03f32, 0.04, 0.05, 0.06, 0.07];
        let grid_sm = [3usize, 4];
        for &sm in &grid_sm {
            for &st in &grid_st {
                for &e in &grid_e {
                    for &t in &grid_t {
                        let p = Params {
                            split_threshold: st,
                            split_min: sm,
                            entity_weight: e,
                            threshold: t,
                            ..Params::default()
                        };
                        let f: Vec<f64> = sets
                            .iter()
                            .map(|ds| b3(&cluster_batch_with(&ds.docs, &p, None), &ds.gold).f1)
                            .collect();
                        println!(
                            "batch sm={sm} st={st} e={e} t={t:.2} F1 {:.3} {:.3} {:.3} mean {:.3}",
                            f[0],
                            f[1],
                            f[2],
                            f.iter().sum::<f64>() / 3.0
                        );
                    }
                }
            }
        }
    }
    for jt in [0.25f32, 0.3, 0.35, 0.4] {
        for e in [0.0f32, 0.2, 0.5] {
            let p = Params {
                join_threshold: jt,
                entity_weight: e,
                ..Params::default()
            };
            let f: Vec<f64> = sets
                .iter()
                .map(|ds| b3(&eval::incremental(&ds.docs, &p), &ds.gold).f1)
                .collect();
            println!(
                "incr jt={jt:.2} e={e} F1 {:.3} {:.3} {:.3}",
                f[0], f[1], f[2]
            );
        }
    }
    Ok(())
}
