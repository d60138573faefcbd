//! Throughput of the annotation on plain text: the WHO Disease Outbreak News texts (1,667
//! reports, 3.6 MB of JSON Lines; `../shared/data/who-don/dons-1996-2012.jsonl` beside the
//! checkout), one core. Criterion prints the throughput in MiB/s:
//!
//! ```text
//! cargo bench -p epiwire-annotate --bench annotate
//! ```
//!
//! Without the dev set it measures the two seed articles instead.
//!
//! With `EPIWIRE_PROFILE` set to a step (`annotate`, `core`, `diseases`, `dates`, `counts`,
//! `places`, `response`) the binary runs that step once over the corpus and exits, without
//! criterion: a fixed amount of work for an instruction-counting profiler, e.g.
//!
//! ```text
//! cargo bench -p epiwire-annotate --bench annotate --no-run
//! EPIWIRE_PROFILE=places valgrind --tool=callgrind --toggle-collect='annotate::profile' \
//!     target/release/deps/annotate-<hash>
//! ```
//!
//! (`--toggle-collect` leaves out loading the lexicons and reading the corpus.)

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::Path;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use epiwire_model::Document;

/// The binary's allocator (`src/main.rs`), so that the profile counts the allocations as the
/// binary makes them: with the system allocator `malloc` and `free` were about a tenth of
/// `annotate()` here (534.0 against 487.7 M instructions on the same code, 3 December 2026).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The texts to annotate, with their publication dates and titles.
fn corpus() -> Vec<Document> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let don = dir.join("../../../shared/data/who-don/dons-1996-2012.jsonl");
    if let Ok(text) = std::fs::read_to_string(&don) {
        return text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|r| Document {
                id: r["id"].as_str().unwrap_or("").to_owned(),
                title: r["title"].as_str().map(str::to_owned),
                published: r["date"].as_str().map(str::to_owned),
                text: r["text"].as_str().unwrap_or("").to_owned(),
                ..Document::default()
            })
            .collect();
    }
    let seeds = dir.join("../../tests/fixtures/seeds");
    let mut docs: Vec<Document> = std::fs::read_dir(seeds)
        .expect("seeds")
        .filter_map(Result::ok)
        .map(|e| Document {
            text: std::fs::read_to_string(e.path()).expect("seed"),
            ..Document::default()
        })
        .collect();
    docs.sort_by(|a, b| a.text.cmp(&b.text));
    docs
}

/// A fresh document to annotate: the text, title and date of `d`.
fn fresh(d: &Document) -> Document {
    Document {
        title: d.title.clone(),
        published: d.published.clone(),
        text: d.text.clone(),
        ..Document::default()
    }
}

/// The steps of `annotate()` without the response and quote passes.
fn core(doc: &mut Document) {
    let published = epiwire_annotate::publication_date(doc);
    doc.diseases = epiwire_annotate::disease::DiseaseMatcher::global().find(&doc.text);
    doc.places = epiwire_annotate::place::Gazetteer::global().find(&doc.text);
    (doc.dates, doc.counts) = epiwire_annotate::count::find_dates_and_counts(&doc.text, published);
    epiwire_annotate::link::attach(doc);
    doc.facts = epiwire_annotate::facts::headline(doc);
}

/// Loads the lexicons and the gazetteer (annotates one short text).
fn warm() {
    let mut warm = Document {
        text: "Cholera in Chad: 12 cases.".into(),
        ..Document::default()
    };
    epiwire_annotate::annotate(&mut warm);
}

/// Runs one step once over `docs` (see the module docs); false when `step` is unknown. The
/// lexicons are loaded before, so `--toggle-collect='annotate::profile'` counts the step alone.
#[inline(never)]
fn profile(step: &str, docs: &[Document]) -> bool {
    for d in docs {
        match step {
            "annotate" => {
                let mut doc = fresh(d);
                epiwire_annotate::annotate(&mut doc);
                black_box(&doc);
            }
            "core" => {
                let mut doc = fresh(d);
                core(&mut doc);
                black_box(&doc);
            }
            "response" => {
                let mut doc = fresh(d);
                core(&mut doc);
                epiwire_annotate::response::annotate(&mut doc);
                black_box(&doc);
            }
            "diseases" => {
                black_box(epiwire_annotate::disease::DiseaseMatcher::global().find(&d.text));
            }
            "dates" => {
                black_box(epiwire_annotate::date::find(&d.text, None));
            }
            "counts" => {
                black_box(epiwire_annotate::count::find(&d.text, None));
            }
            "places" => {
                black_box(epiwire_annotate::place::find(&d.text));
            }
            _ => return false,
        }
    }
    true
}

fn bench(c: &mut Criterion) {
    let docs = corpus();
    if let Ok(step) = std::env::var("EPIWIRE_PROFILE") {
        warm();
        assert!(profile(&step, &docs), "unknown EPIWIRE_PROFILE step {step}");
        std::process::exit(0);
    }
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    // Load the lexicons outside the measurement.
    warm();

    let mut g = c.benchmark_group("who-don");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(10);
    g.bench_function("annotate", |b| {
        b.iter(|| {
            for d in &docs {
                let mut doc = fresh(d);
                epiwire_annotate::annotate(&mut doc);
                black_box(&doc);
            }
        });
    });
    // The steps of `annotate()` without the response and quote passes, with dates and counts
    // from one pass (`count::find_dates_and_counts`): what the count, date, link and facts work
    // costs next to the recognisers.
    g.bench_function("annotate-core", |b| {
        b.iter(|| {
            for d in &docs {
                let mut doc = fresh(d);
                core(&mut doc);
                black_box(&doc);
            }
        });
    });
    // The response and quote pass alone, on documents the core steps have annotated (the
    // copies are made outside the measurement).
    let annotated: Vec<Document> = docs
        .iter()
        .map(|d| {
            let mut doc = fresh(d);
            core(&mut doc);
            doc
        })
        .collect();
    g.bench_function("response", |b| {
        b.iter_batched(
            || annotated.clone(),
            |mut batch| {
                for doc in &mut batch {
                    epiwire_annotate::response::annotate(doc);
                }
                batch
            },
            BatchSize::LargeInput,
        );
    });
    g.bench_function("diseases", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(epiwire_annotate::disease::DiseaseMatcher::global().find(&d.text));
            }
        });
    });
    g.bench_function("dates", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(epiwire_annotate::date::find(&d.text, None));
            }
        });
    });
    g.bench_function("counts+dates", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(epiwire_annotate::count::find(&d.text, None));
            }
        });
    });
    g.bench_function("places", |b| {
        b.iter(|| {
            for d in &docs {
                black_box(epiwire_annotate::place::find(&d.text));
            }
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
