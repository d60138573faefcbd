//! Trains the salience model (`crates/annotate/data/salience.tsv`) on the BAND training split.
//!
//! ```text
//! cargo run --release -p epiwire-annotate --example train_salience -- \
//!     ../shared/data/band-ner/train.jsonl crates/annotate/data/salience.tsv
//! ```
//!
//! The training split is cut into blocks of 100 consecutive sentences (BAND keeps a report's
//! sentences together); every fifth block is the `check` part, the rest the `study` part. For
//! each window (sentences of context each side) and L2 strength, a logistic model is fitted on
//! `study` and the threshold that maximises the exact-span F1 of all five labels on `check` is
//! found; the best setting is then refitted on the whole training split and written with its
//! threshold and window. The dev split is never read. Everything is seeded: the same input gives
//! the same file. With a third argument `ablate`, it also prints the `check` F1 without each
//! feature template (what the model keys on).

#![allow(clippy::print_stdout)]

use epiwire_annotate::salience::{
    BandSentence, Group, Model, WindowPrediction, band_rows, marked, read_band, window_predictions,
};

/// Feature bits: 2^18 weights, most of them zero.
const BITS: u32 = 18;
const EPOCHS: [usize; 2] = [3, 10];
const SEED: u64 = 0x5eed_5a11;
const WINDOWS: [usize; 3] = [0, 2, 4];
const L2S: [f32; 3] = [1e-4, 1e-3, 1e-2];

type Data = Vec<Vec<WindowPrediction>>;

fn predictions(sents: &[BandSentence], k: usize) -> Data {
    let blank = Model::from_weights(BITS, vec![0.0; 1 << BITS], 0.5).unwrap_or_else(Model::empty);
    (0..sents.len())
        .map(|i| window_predictions(&blank, sents, i, k))
        .collect()
}

/// Seeded xorshift.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// (features, marked) of every predicted mention, without the features at positions `drop`.
fn examples(data: &Data, sents: &[BandSentence], drop: Option<usize>) -> Vec<(Vec<u32>, bool)> {
    let mut out = Vec::new();
    for (ps, s) in data.iter().zip(sents) {
        for w in ps.iter().filter(|w| w.predicted) {
            let f = w
                .features
                .iter()
                .enumerate()
                .filter(|(j, _)| Some(*j) != drop)
                .map(|(_, &f)| f)
                .collect();
            out.push((f, marked(w, s)));
        }
    }
    out
}

/// Logistic regression by AdaGrad with L2, in seeded shuffled order.
fn fit(ex: &[(Vec<u32>, bool)], l2: f32, epochs: usize) -> Vec<f32> {
    let mut w = vec![0.0f32; 1 << BITS];
    let mut g2 = vec![1e-8f32; 1 << BITS];
    let mut order: Vec<usize> = (0..ex.len()).collect();
    let mut rng = Rng(SEED);
    let lr = 0.2f32;
    for _ in 0..epochs {
        for i in (1..order.len()).rev() {
            let j = (rng.next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for &i in &order {
            let (f, y) = &ex[i];
            let z: f32 = f.iter().map(|&k| w[k as usize]).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let g = p - if *y { 1.0 } else { 0.0 };
            for &k in f {
                let k = k as usize;
                let grad = g + l2 * w[k];
                g2[k] += grad * grad;
                w[k] -= lr * grad / g2[k].sqrt();
            }
        }
    }
    w
}

/// Sets each prediction's score from weights `w` (without feature position `drop`).
fn rescore(data: &mut Data, w: &[f32], drop: Option<usize>) {
    for ps in data.iter_mut() {
        for p in ps.iter_mut() {
            let z: f32 = p
                .features
                .iter()
                .enumerate()
                .filter(|(j, _)| Some(*j) != drop)
                .map(|(_, &f)| w[f as usize])
                .sum();
            p.score = 1.0 / (1.0 + (-z).exp());
        }
    }
}

/// The threshold with the best exact F1 of all labels, and that F1 (with P and R).
fn best_threshold(data: &Data, sents: &[BandSentence]) -> (f32, f64, f64, f64) {
    let mut best = (0.5f32, -1.0f64, 0.0, 0.0);
    for t in (10..=80).map(|t| t as f32 / 100.0) {
        let rows = band_rows(data, sents, |w| w.score >= t);
        if let Some(all) = rows.iter().find(|r| r.label == "all") {
            let f = all.exact.f1();
            if f > best.1 {
                best = (t, f, all.exact.precision(), all.exact.recall());
            }
        }
    }
    best
}

fn every_f1(data: &Data, sents: &[BandSentence]) -> f64 {
    band_rows(data, sents, |_| true)
        .iter()
        .find(|r| r.label == "all")
        .map_or(0.0, |r| r.exact.f1())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let train_path = args
        .next()
        .ok_or("usage: train_salience TRAIN.jsonl OUT.tsv [ablate]")?;
    let out_path = args.next().ok_or("no output path")?;
    let ablate = args.next().is_some_and(|a| a == "ablate");
    let train = read_band(std::path::Path::new(&train_path))?;
    let (mut study, mut check) = (Vec::new(), Vec::new());
    for (i, s) in train.iter().enumerate() {
        if (i / 100) % 5 == 0 {
            check.push(s.clone());
        } else {
            study.push(s.clone());
        }
    }
    println!(
        "train: {} sentences; study {}, check {}",
        train.len(),
        study.len(),
        check.len()
    );
    // (check F1, window, l2, threshold)
    let mut best: (f64, usize, f32, f32, usize) = (-1.0, 0, 0.0, 0.5, 1);
    for k in WINDOWS {
        let sd = predictions(&study, k);
        let mut cd = predictions(&check, k);
        let ex = examples(&sd, &study, None);
        let oracle: Vec<Vec<WindowPrediction>> = cd
            .iter()
            .zip(&check)
            .map(|(ps, s)| ps.iter().filter(|w| marked(w, s)).cloned().collect())
            .collect();
        println!(
            "  check oracle (marked mentions only) exact F1 {:.3}",
            every_f1(&oracle, &check)
        );
        let pos = ex.iter().filter(|e| e.1).count();
        println!(
            "window {k}: {} study mentions ({} marked), check every-mention exact F1 {:.3}",
            ex.len(),
            pos,
            every_f1(&cd, &check)
        );
        for l2 in L2S {
            for epochs in EPOCHS {
                let w = fit(&ex, l2, epochs);
                rescore(&mut cd, &w, None);
                let (t, f, p, r) = best_threshold(&cd, &check);
                println!(
                    "  l2 {l2:e}, {epochs} epochs: check salient exact P {p:.3} R {r:.3} F1 {f:.3} at threshold {t:.2}"
                );
                // A wider window must win by more than noise (0.005) to be kept: without one,
                // the BAND rows of every mention are those of the sentence alone.
                let margin = if k > best.1 { 0.005 } else { 0.0 };
                if f > best.0 + margin {
                    best = (f, k, l2, t, epochs);
                }
            }
        }
    }
    let (f, k, l2, t, epochs) = best;
    println!(
        "chosen: window {k}, l2 {l2:e}, {epochs} epochs, threshold {t:.2} (check exact F1 {f:.3})"
    );
    if ablate {
        let sd = predictions(&study, k);
        let mut cd = predictions(&check, k);
        let n = sd
            .iter()
            .flatten()
            .filter(|w| w.group == Group::Place)
            .map(|w| w.features.len())
            .max()
            .unwrap_or(0);
        for j in 0..n {
            let w = fit(&examples(&sd, &study, Some(j)), l2, epochs);
            rescore(&mut cd, &w, Some(j));
            let (_, fj, _, _) = best_threshold(&cd, &check);
            println!("  without feature {j:2}: check F1 {fj:.3} ({:+.3})", fj - f);
        }
    }
    if let Ok(dump) = std::env::var("SALIENCE_DUMP") {
        let sd = predictions(&study, k);
        let mut cd = predictions(&check, k);
        let w = fit(&examples(&sd, &study, None), l2, epochs);
        rescore(&mut cd, &w, None);
        let mut out = String::new();
        for (i, (ps, s)) in cd.iter().zip(&check).enumerate() {
            for p in ps.iter().filter(|p| p.predicted) {
                let (a, b) = p.spans[0];
                let t: String = s.text.chars().skip(a).take(b - a).collect();
                out.push_str(&format!(
                    "{i}\t{:?}\t{t}\t{}\t{:.3}\t{}\n",
                    p.group,
                    u8::from(marked(p, s)),
                    p.score,
                    s.text
                ));
            }
        }
        std::fs::write(dump, out)?;
    }
    // One threshold per kind (disease, country, admin1, admin2, city): coordinate ascent on the
    // check blocks, then folded into each kind's bias weight (feature 0 is the kind's bias) so
    // that the one threshold `t` decides for all.
    let sd = predictions(&study, k);
    let mut cd = predictions(&check, k);
    let w = fit(&examples(&sd, &study, None), l2, epochs);
    rescore(&mut cd, &w, None);
    let mut kinds: Vec<u32> = cd
        .iter()
        .flatten()
        .filter_map(|p| p.features.first().copied())
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut per_kind: Vec<f32> = vec![t; kinds.len()];
    let f1_with = |per_kind: &[f32]| {
        band_rows(&cd, &check, |w| {
            let i = w
                .features
                .first()
                .and_then(|b| kinds.binary_search(b).ok())
                .unwrap_or(0);
            w.score >= per_kind[i]
        })
        .iter()
        .find(|r| r.label == "all")
        .map_or((0.0, 0.0, 0.0), |r| {
            (r.exact.f1(), r.exact.precision(), r.exact.recall())
        })
    };
    let mut best_f = f1_with(&per_kind);
    for _ in 0..2 {
        for i in 0..kinds.len() {
            for tt in (5..=85).map(|x| x as f32 / 100.0) {
                let mut trial = per_kind.clone();
                trial[i] = tt;
                let fk = f1_with(&trial);
                if fk.0 > best_f.0 + 1e-9 {
                    best_f = fk;
                    per_kind = trial;
                }
            }
        }
    }
    println!(
        "per-kind thresholds {per_kind:?}: check salient exact P {:.3} R {:.3} F1 {:.3}",
        best_f.1, best_f.2, best_f.0
    );
    let logit = |p: f32| (p / (1.0 - p)).ln();
    // SALIENCE_STUDY_ONLY=1: the model written is fitted on the `study` part only (to measure it
    // on `check`); otherwise on the whole split.
    let fit_on = if std::env::var("SALIENCE_STUDY_ONLY").is_ok_and(|v| v == "1") {
        study.clone()
    } else {
        train.clone()
    };
    let all = predictions(&fit_on, k);
    let mut w = fit(&examples(&all, &fit_on, None), l2, epochs);
    for (b, tk) in kinds.iter().zip(&per_kind) {
        if let Some(x) = w.get_mut(*b as usize) {
            *x += logit(t) - logit(*tk);
        }
    }
    let model = Model::from_weights(BITS, w, t)
        .ok_or("bad weights")?
        .with_window(k);
    let header = format!(
        "epiwire salience model: logistic regression over hashed mention features\n\
         (crates/annotate/src/salience). Trained on the BAND training split ({} sentences) by\n\
         `cargo run --release -p epiwire-annotate --example train_salience -- \
         ../shared/data/band-ner/train.jsonl crates/annotate/data/salience.tsv`.\n\
         Window {k}, L2 {l2:e}, {epochs} epochs, threshold {t:.2} chosen on the check blocks \
         (exact F1 {f:.3});\nper-kind thresholds {per_kind:?} folded into the kind biases (check exact \
         F1 {:.3}).",
        train.len(),
        best_f.0
    );
    std::fs::write(&out_path, model.to_text(&header))?;
    let nonzero = model
        .weights()
        .iter()
        .filter(|w| (**w * 1e4).round() != 0.0)
        .count();
    println!("wrote {out_path}: {nonzero} non-zero weights");
    Ok(())
}
