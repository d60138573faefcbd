//! `epiwire eval`: scores on the development sets.

use std::fmt::Display;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use epiwire_annotate::{count, date, disease, place, response};

use crate::cli::{EvalArgs, EvalKind};

/// Runs the requested evaluations and prints their tables.
pub fn run(args: &EvalArgs) -> Result<ExitCode> {
    let mut out = io::stdout().lock();
    let data = args.data.as_path();
    let want = |kind: EvalKind| args.what == kind || args.what == EvalKind::All;
    if want(EvalKind::Article) {
        section(
            &mut out,
            "article extraction",
            &data.join("trafilatura-eval"),
            |p| epiwire_article::eval::evaluate(p).map_err(anyhow::Error::from),
        )?;
    }
    if want(EvalKind::Counts) {
        let path = data.join("epitator-tests/test_count_annotator.jsonl");
        section(&mut out, "counts (EpiTator tests)", &path, |p| {
            count::eval_epitator_counts(p).map_err(anyhow::Error::from)
        })?;
    }
    if want(EvalKind::Dates) {
        let path = data.join("epitator-tests/test_date_annotator.jsonl");
        section(&mut out, "dates (EpiTator tests)", &path, |p| {
            date::eval_epitator_dates(p).map_err(anyhow::Error::from)
        })?;
    }
    if want(EvalKind::Diseases) {
        section(
            &mut out,
            "diseases (BAND dev)",
            &data.join("band-ner/dev.jsonl"),
            |p| disease::eval_band(p).map_err(anyhow::Error::from),
        )?;
        section(
            &mut out,
            "diseases and places (BAND dev)",
            &data.join("band-ner/dev.jsonl"),
            |p| disease::eval_band_combined(p).map_err(anyhow::Error::from),
        )?;
    }
    if want(EvalKind::Places) {
        section(
            &mut out,
            "places (eha-geo)",
            &data.join("eha-geo/resolved_geoannotated_data"),
            |p| place::eval_eha_geo(p).map_err(anyhow::Error::from),
        )?;
        let path = data.join("epitator-tests/test_geoname_annotator.jsonl");
        section(&mut out, "places (EpiTator geoname tests)", &path, |p| {
            place::eval_epitator_geonames(p).map_err(anyhow::Error::from)
        })?;
        section(
            &mut out,
            "places (BAND dev)",
            &data.join("band-ner/dev.jsonl"),
            |p| place::eval_band_places(p).map_err(anyhow::Error::from),
        )?;
    }
    if want(EvalKind::WhoDon) {
        let path = data.join("who-don/dons-1996-2012.jsonl");
        section(&mut out, "WHO DON figures", &path, |p| {
            count::eval_who_don(p).map_err(anyhow::Error::from)
        })?;
        section(&mut out, "WHO DON headline facts", &path, |p| {
            count::eval_who_don_facts(p).map_err(anyhow::Error::from)
        })?;
    }
    if want(EvalKind::Response) {
        // The gold set lives in the repository, beside its guideline.
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/annotate/eval/response/gold.jsonl");
        section(&mut out, "response actions and quotes", &path, |p| {
            response::eval_response(p).map_err(anyhow::Error::from)
        })?;
    }
    if want(EvalKind::Clustering) {
        section(
            &mut out,
            "event clustering (B³)",
            &data.join("news-clustering"),
            clustering,
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs one evaluation on `path` and prints its report under a heading, with the time taken.
fn section<R: Display>(
    out: &mut impl Write,
    name: &str,
    path: &Path,
    eval: impl FnOnce(&Path) -> Result<R>,
) -> Result<()> {
    let started = Instant::now();
    let report = eval(path).with_context(|| format!("{name} evaluation on {}", path.display()))?;
    writeln!(out, "== {name} ({}) ==\n{report}", path.display())?;
    writeln!(out, "({:.2} s)\n", started.elapsed().as_secs_f64())?;
    Ok(())
}

/// The clustering report: [`epiwire_cluster::eval::score`]'s rows (batch, and the in-memory
/// incremental reference `Events`), and per data set the rows `engine`, `engine-resplit`
/// (with the re-examination that can split an event, `Params::resplitting`) and
/// `engine-remerge` (with its merge side too, `Params::remerging`: what `ingest` runs): the
/// documents stored, in the incremental rows' order, in a temporary SQLite store and
/// consolidated by the engine `ingest` runs (default batch size), each scored by the event the
/// store holds it in.
/// Beside the whole ECB+ file, its halves A (topics ≡ 1 mod 4) and B (≡ 3 mod 4), each alone
/// (the halves the incremental parameters were tuned on, each reported on the other).
fn clustering(dir: &Path) -> Result<epiwire_cluster::eval::Report> {
    use epiwire_cluster::eval::{Dataset, Labelled, load_all_documents, score};
    let mut sets = load_all_documents(dir)?;
    if let Some(ecb) = sets.first().cloned() {
        let half = |name: &str, rest: u32| {
            let mut h = Labelled {
                name: name.to_string(),
                documents: Vec::new(),
                gold: Vec::new(),
                annotate_secs: 0.0,
            };
            for (d, g) in ecb.documents.iter().zip(&ecb.gold) {
                let topic: u32 = g
                    .trim_end_matches(|c: char| !c.is_ascii_digit())
                    .parse()
                    .unwrap_or(0);
                if topic % 4 == rest {
                    h.documents.push(d.clone());
                    h.gold.push(g.clone());
                }
            }
            h
        };
        let (a, b) = (half("ECB+ A", 1), half("ECB+ B", 3));
        sets.insert(1, b);
        sets.insert(1, a);
    }
    let datasets: Vec<Dataset> = sets.iter().map(Dataset::of).collect();
    let params = epiwire_cluster::Params::default();
    let scored = score(&datasets, &params);
    let mut report = epiwire_cluster::eval::Report {
        rows: Vec::new(),
        annotate_docs_per_sec: scored.annotate_docs_per_sec,
    };
    for (set, ds) in sets.iter().zip(&datasets) {
        report
            .rows
            .extend(scored.rows.iter().filter(|r| r.dataset == ds.name).cloned());
        for (method, params) in [
            ("engine", params.clone()),
            ("engine-resplit", params.resplitting()),
            ("engine-remerge", params.remerging()),
        ] {
            let engine = epiwire_consolidate::Consolidator {
                params,
                ..epiwire_consolidate::Consolidator::default()
            };
            report.rows.push(engine_row(set, ds, method, &engine)?);
        }
    }
    Ok(report)
}

/// One data set through the store-backed engine: documents stored in publication order (as the
/// incremental rows push them), each given its own content hash (so none is skipped as already
/// stored), consolidated in an in-memory SQLite store, each labelled with its stored event.
fn engine_row(
    set: &epiwire_cluster::eval::Labelled,
    ds: &epiwire_cluster::eval::Dataset,
    method: &'static str,
    engine: &epiwire_consolidate::Consolidator,
) -> Result<epiwire_cluster::eval::Row> {
    use epiwire_store::Store;
    let mut store = epiwire_store::SqliteStore::open_in_memory()?;
    let order = epiwire_cluster::eval::publication_order(&ds.docs);
    let docs: Vec<epiwire_store::NewDoc> = order
        .iter()
        .map(|&i| {
            let mut hash = [0u8; 32];
            hash[..8].copy_from_slice(&(i as u64).to_le_bytes());
            epiwire_store::NewDoc {
                hash,
                source: set.name.clone(),
                doc: set.documents[i].clone(),
            }
        })
        .collect();
    store.put_batch(&docs)?;
    let started = Instant::now();
    engine.run(&mut store, |_| {})?;
    let elapsed = started.elapsed().as_secs_f64().max(1e-9);
    let mut labels = Vec::with_capacity(set.documents.len());
    for d in &set.documents {
        let event = store
            .event_of(&d.id)?
            .with_context(|| format!("{}: document {} in no event", set.name, d.id))?;
        labels.push(event);
    }
    let distinct = |v: &[String]| v.iter().collect::<std::collections::BTreeSet<_>>().len();
    Ok(epiwire_cluster::eval::Row {
        dataset: ds.name.clone(),
        method,
        docs: labels.len(),
        gold_clusters: distinct(&ds.gold),
        clusters: distinct(&labels),
        b3: epiwire_cluster::b3(&labels, &ds.gold),
        docs_per_sec: labels.len() as f64 / elapsed,
    })
}
