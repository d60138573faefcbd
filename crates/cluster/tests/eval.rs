//! B³ on the news-clustering dev sets (slow in debug builds: annotation of ~770 documents).
//!
//! Run with `cargo test --release -p epiwire-cluster --test eval -- --ignored`.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use epiwire_cluster::{Params, b3, baseline_batch, cluster_batch, cluster_batch_cued, eval};

fn data() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/news-clustering")
}

#[test]
#[ignore = "annotates ~770 documents; run with --release --ignored"]
fn batch_beats_the_baseline_on_every_dev_set() {
    let sets = eval::load_all(&data()).unwrap();
    for ds in &sets {
        let base = b3(
            &baseline_batch(&ds.docs, eval::BASELINE_THRESHOLD),
            &ds.gold,
        )
        .f1;
        let ours = b3(&cluster_batch(&ds.docs), &ds.gold).f1;
        assert!(ours >= base, "{}: {ours:.3} < baseline {base:.3}", ds.name);
    }
    let ecb = &sets[0];
    let f1 = b3(&cluster_batch(&ecb.docs), &ecb.gold).f1;
    assert!(f1 >= 0.93, "ECB+ B3 F1 {f1:.3}");
    // With the event cues (names and years) the split pass tells the ECB+ pairs apart: 0.941
    // without the spectral test, 0.959 with it, 0.964 at split threshold 0.04; the other sets
    // keep their scores.
    for (ds, floor) in sets.iter().zip([0.96, 0.99, 0.89]) {
        let labels = cluster_batch_cued(&ds.docs, Some(&ds.cues), &Params::default(), None);
        let f1 = b3(&labels, &ds.gold).f1;
        assert!(f1 >= floor, "{} cued batch B3 F1 {f1:.3}", ds.name);
    }
    let inc = b3(&eval::incremental(&ecb.docs, &Params::default()), &ecb.gold).f1;
    assert!(inc >= 0.80, "ECB+ incremental B3 F1 {inc:.3}");
    // The second look (merging events a document links) must not cost the other sets: the
    // incremental F1 before it was 0.750 (NewsWCL50) and 0.616 (WikiRef220).
    for (ds, floor) in sets.iter().skip(1).zip([0.74, 0.62]) {
        let inc = b3(&eval::incremental(&ds.docs, &Params::default()), &ds.gold).f1;
        assert!(inc >= floor, "{} incremental B3 F1 {inc:.3}", ds.name);
    }
    // With the cues the incremental mode reads 0.861, 0.824 and 0.802 (0.835, 0.750 and 0.653
    // without).
    for (ds, floor) in sets.iter().zip([0.85, 0.80, 0.78]) {
        let labels = eval::incremental_cued(&ds.docs, Some(&ds.cues), &Params::default());
        let inc = b3(&labels, &ds.gold).f1;
        assert!(inc >= floor, "{} cued incremental B3 F1 {inc:.3}", ds.name);
    }
    // With the re-examination that can split an event: 0.913, 1.000 and 0.802.
    for (ds, floor) in sets.iter().zip([0.90, 0.99, 0.80]) {
        let params = Params::default().resplitting();
        let labels = eval::incremental_cued(&ds.docs, Some(&ds.cues), &params);
        let inc = b3(&labels, &ds.gold).f1;
        assert!(inc >= floor, "{} incr-resplit B3 F1 {inc:.3}", ds.name);
    }
    // With its merge side too (`remerging`: two events examined as one, kept to one outbreak,
    // and events too few to be cut examined only at a close link): 0.953, 1.000 and 0.938
    // (0.954, 0.947 and 0.901 before the small-event link: NewsWCL50 lost two of its
    // five-report events to one, too few for the split pass to cut).
    for (ds, floor) in sets.iter().zip([0.95, 0.99, 0.93]) {
        let params = Params::default().remerging();
        let labels = eval::incremental_cued(&ds.docs, Some(&ds.cues), &params);
        let inc = b3(&labels, &ds.gold).f1;
        assert!(inc >= floor, "{} incr-remerge B3 F1 {inc:.3}", ds.name);
    }
}
