//! `epiwire cluster`: documents in, one event label per document out, in input order.
//!
//! Lines are read in chunks and annotated in parallel; only each document's compact features
//! are kept. Up to `epiwire_cluster::batch::MAX_BATCH` documents are clustered in one batch
//! (average linkage, then the within-cluster split); beyond that, incrementally in input order,
//! as `ingest` does, with each document's names and years (`Cues`).

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use epiwire_cluster::input::{BadLine, InputDoc, parse_line};
use epiwire_cluster::{Clusterer, Cues, DocFeatures, Events, Params, batch, eval::annotated};
use rayon::prelude::*;
use serde_json::json;

use crate::cli::ClusterArgs;

/// Lines annotated together.
const CHUNK: usize = 256;

/// A document's clustering features and the names and years the batch split pass uses.
fn features(doc: &InputDoc) -> (DocFeatures, Cues) {
    let annotated = annotated(
        &doc.id,
        doc.title.as_deref(),
        &doc.text,
        doc.published.as_deref(),
    );
    (
        DocFeatures::from_document(&annotated),
        Cues::from_document(&annotated),
    )
}

/// Runs the command.
pub fn run(args: &ClusterArgs) -> Result<ExitCode> {
    let reader: Box<dyn BufRead> = if args.file.as_os_str() == "-" {
        Box::new(BufReader::new(io::stdin().lock()))
    } else {
        let f = File::open(&args.file)
            .with_context(|| format!("cannot open {}", args.file.display()))?;
        Box::new(BufReader::new(f))
    };
    // One entry per non-blank input line: its features, or why it could not be read.
    let mut items: Vec<Result<(DocFeatures, Cues), BadLine>> = Vec::new();
    let mut pending: Vec<Result<InputDoc, BadLine>> = Vec::with_capacity(CHUNK);
    let flush = |pending: &mut Vec<Result<InputDoc, BadLine>>,
                 items: &mut Vec<Result<(DocFeatures, Cues), BadLine>>| {
        let done: Vec<Result<(DocFeatures, Cues), BadLine>> = pending
            .par_drain(..)
            .map(|r| r.map(|d| features(&d)))
            .collect();
        items.extend(done);
    };
    for (i, line) in reader.lines().enumerate() {
        let parsed = match line {
            Ok(line) => parse_line(&line, i + 1),
            Err(e) => Err(BadLine {
                id: format!("line {}", i + 1),
                error: format!("cannot read: {e}"),
            }),
        };
        match parsed {
            Ok(None) => continue,
            Ok(Some(doc)) => pending.push(Ok(doc)),
            Err(bad) => pending.push(Err(bad)),
        }
        if pending.len() >= CHUNK {
            flush(&mut pending, &mut items);
        }
    }
    flush(&mut pending, &mut items);

    let (docs, cues): (Vec<DocFeatures>, Vec<Cues>) = items
        .iter()
        .filter_map(|r| r.as_ref().ok().cloned())
        .unzip();
    let dups = batch::duplicates(&docs);
    let labels: Vec<usize> = if docs.len() <= batch::MAX_BATCH {
        epiwire_cluster::cluster_batch_cued(&docs, Some(&cues), &Params::default(), None)
    } else {
        tracing::info!(docs = docs.len(), "large input: clustering incrementally");
        let mut events = Events::new(Clusterer::default());
        for (d, c) in docs.iter().zip(&cues) {
            events.push_cued(d, Some(c));
        }
        let live: Vec<usize> = (0..docs.len())
            .map(|k| events.event_of(k).unwrap_or(usize::MAX))
            .collect();
        batch::relabel(&live)
    };

    let mut out = BufWriter::new(io::stdout().lock());
    let (mut ok, mut failed, mut k) = (0u64, 0u64, 0usize);
    for item in &items {
        let record = match item {
            Ok((doc, _)) => {
                let dup = dups[k].map(|j| docs[j].id.as_str());
                let r = json!({"id": doc.id, "event": format!("E{}", labels[k] + 1), "duplicate_of": dup});
                k += 1;
                ok += 1;
                r
            }
            Err(bad) => {
                eprintln!("epiwire: {}: {}", bad.id, bad.error);
                failed += 1;
                json!({"id": bad.id, "error": bad.error})
            }
        };
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    let events = labels.iter().copied().max().map_or(0, |m| m + 1);
    tracing::info!(ok, failed, events, "cluster done");
    if ok == 0 {
        eprintln!("epiwire: nothing could be read ({failed} errors)");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
