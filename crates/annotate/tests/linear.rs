//! Pathological inputs finish: the annotation is linear in the text. A 10 MB line of digits and
//! a 10 MB line of "cases cases …" go through the whole annotation (diseases, places, dates,
//! counts, facts). No timing assertion; a quadratic pass would not finish in a test run. About
//! 20 s in a debug build on two shared cores, about 1 s in release, so they are run in release:
//!
//! ```text
//! cargo test --release -p epiwire-annotate --test linear -- --ignored
//! ```

use epiwire_model::Document;

const TEN_MB: usize = 10 * 1024 * 1024;

fn annotate(text: String) -> Document {
    let mut doc = Document {
        text,
        published: Some("2022-05-17".into()),
        ..Document::default()
    };
    epiwire_annotate::annotate(&mut doc);
    doc
}

#[test]
#[ignore = "10 MB inputs: run in release (cargo test --release -p epiwire-annotate --test linear -- --ignored)"]
fn ten_mb_line_of_digits() {
    let doc = annotate("7".repeat(TEN_MB));
    assert!(doc.counts.is_empty());
    assert!(doc.facts.is_empty());
}

#[test]
#[ignore = "10 MB inputs: run in release (cargo test --release -p epiwire-annotate --test linear -- --ignored)"]
fn ten_mb_line_of_cases() {
    let doc = annotate("cases ".repeat(TEN_MB / 6));
    assert!(doc.counts.is_empty());
}

#[test]
#[ignore = "10 MB inputs: run in release (cargo test --release -p epiwire-annotate --test linear -- --ignored)"]
fn ten_mb_line_of_short_counts() {
    // Many short matches: "3 cases, 3 cases, …" on one line.
    let doc = annotate("3 cases, ".repeat(TEN_MB / 9 / 4));
    assert!(!doc.counts.is_empty());
}
