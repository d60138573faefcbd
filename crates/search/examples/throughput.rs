//! Indexing and query throughput on the WHO Disease Outbreak News texts (1996–2012).
//!
//! Ingests `dons-1996-2012.jsonl` through the real pipeline (sources → article → annotate) into
//! a temporary store, builds the index from scratch (index MB/s over the document texts), then
//! runs a mix of queries with snippets and facets (queries/s).
//!
//! ```text
//! cargo run --release -p epiwire-search --example throughput [-- DONS.jsonl [ROUNDS]]
//! ```
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use epiwire_model::Document;
use epiwire_search::{SearchIndex, SearchQuery, Sort, index_dir};
use epiwire_sources::{Item, Options};
use epiwire_store::{NewDoc, SqliteStore, Store};

const QUERIES: &[&str] = &[
    "cholera",
    "avian influenza",
    "\"yellow fever\"",
    "Ebola Uganda",
    "meningitis OR meningococcal",
    "SARS Hong Kong",
    "dengue haemorrhagic",
    "plague -pneumonic",
    "H5N1 Indonesia deaths",
    "anthrax",
    "Marburg Angola",
    "poliomyelitis Nigeria",
];

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let input = args.next().map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/data/who-don/dons-1996-2012.jsonl")
        },
        PathBuf::from,
    );
    let rounds: usize = args
        .next()
        .map_or(50, |r| r.parse().expect("ROUNDS: a number"));

    let tmp = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(tmp.path()).unwrap();
    let started = Instant::now();
    let mut batch = Vec::new();
    for item in epiwire_sources::read(std::slice::from_ref(&input), &Options::default()) {
        let Item::Doc { raw, hash } = item else {
            continue;
        };
        let Ok(article) = epiwire_article::extract(&raw) else {
            continue;
        };
        let mut doc = Document::from_article(&raw, article);
        epiwire_annotate::annotate(&mut doc);
        batch.push(NewDoc {
            hash,
            source: raw.id.clone(),
            doc,
        });
    }
    let stored = store.put_batch(&batch).unwrap().inserted;
    let text_bytes: usize = batch
        .iter()
        .map(|d| d.doc.text.len() + d.doc.title.as_deref().map_or(0, str::len))
        .sum();
    println!(
        "ingest: {stored} documents, {:.1} MB of text, {:.1?} ({})",
        text_bytes as f64 / 1e6,
        started.elapsed(),
        input.display()
    );

    let dir = index_dir(tmp.path());
    let started = Instant::now();
    let index = SearchIndex::open_or_rebuild(&dir, &store).unwrap();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "index: {} documents in {:.2} s = {:.0} docs/s, {:.1} MB/s of text; index size {:.1} MB",
        index.num_docs(),
        secs,
        index.num_docs() as f64 / secs,
        text_bytes as f64 / 1e6 / secs,
        dir_size(&dir) as f64 / 1e6
    );
    let started = Instant::now();
    let report = index.sync(&store).unwrap();
    println!(
        "sync with nothing new: {} added in {:.2} ms",
        report.added,
        started.elapsed().as_secs_f64() * 1e3
    );

    let run = |label: &str, make: &dyn Fn(&str) -> SearchQuery| {
        let started = Instant::now();
        let mut n = 0;
        let mut hits = 0;
        for _ in 0..rounds {
            for q in QUERIES {
                hits += index.search(&make(q)).unwrap().total;
                n += 1;
            }
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{label}: {n} queries in {secs:.2} s = {:.0} queries/s ({:.2} ms each, {} hits/query avg)",
            n as f64 / secs,
            secs * 1e3 / n as f64,
            hits / n.max(1)
        );
    };
    run("search, top 10 with snippets and facets", &|q| {
        SearchQuery {
            q: q.into(),
            limit: 10,
            ..SearchQuery::default()
        }
    });
    run("search, counts and facets only", &|q| SearchQuery {
        q: q.into(),
        limit: 0,
        ..SearchQuery::default()
    });
    run("search + date filter, newest first", &|q| SearchQuery {
        q: q.into(),
        from: Some("2003-01-01".into()),
        to: Some("2008-12-31".into()),
        sort: Sort::Newest,
        ..SearchQuery::default()
    });

    let r = index
        .search(&SearchQuery {
            q: "cholera".into(),
            limit: 3,
            ..SearchQuery::default()
        })
        .unwrap();
    println!("\n\"cholera\": {} hits; top 3:", r.total);
    for hit in &r.hits {
        println!(
            "  {:.2} {} {}\n      {}",
            hit.score.unwrap_or_default(),
            hit.id,
            hit.title.as_deref().unwrap_or(""),
            hit.snippet_html.replace('\n', " ")
        );
    }
    let top = |v: &[epiwire_search::FacetCount]| {
        v.iter()
            .take(5)
            .map(|c| format!("{} {}", c.name.as_deref().unwrap_or(&c.key), c.count))
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!("  diseases: {}", top(&r.facets.diseases));
    println!("  countries: {}", top(&r.facets.countries));
}
