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
