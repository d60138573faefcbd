//! `epiwire ingest`: documents in, stored in the embedded database.
//!
//! Resumable by construction: every document is keyed by the hash of its content, documents
//! already stored are skipped before extraction, and each batch is one transaction, reported
//! stored only after its commit.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use epiwire_consolidate::Consolidator;
use epiwire_sources::{Item, read};
use epiwire_store::{NewDoc, SqliteStore, Store};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{IngestArgs, Progress};
use crate::cmd::input;
use crate::pipeline::{self, Output, Sink};

/// Totals of one ingest run.
#[derive(Debug, Default)]
struct Tally {
    seen: u64,
    stored: u64,
    already: u64,
    failed: u64,
}

impl Tally {
    fn line(&self, elapsed: Duration) -> String {
        let secs = elapsed.as_secs_f64().max(1e-9);
        format!(
            "{} documents: {} stored, {} already stored, {} errors ({:.0} docs/s)",
            self.seen,
            self.stored,
            self.already,
            self.failed,
            self.seen as f64 / secs
        )
    }
}

/// Stores documents in batches, one transaction each.
struct Ingest {
    store: SqliteStore,
    batch: usize,
    pending: Vec<NewDoc>,
    tally: Tally,
    bar: ProgressBar,
    /// Print a progress line per chunk (progress asked for, but stderr is not a terminal).
    log_lines: bool,
    started: Instant,
}

impl Ingest {
    fn commit(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let outcome = self
            .store
            .put_batch(&self.pending)
            .context("cannot write to the store")?;
        self.tally.stored += outcome.inserted as u64;
        self.tally.already += outcome.duplicates as u64;
        self.pending.clear();
        Ok(())
    }
}

impl Sink for Ingest {
    type Error = anyhow::Error;

    fn skip(&mut self, chunk: &[Item]) -> Result<Vec<bool>> {
        let hashes: Vec<[u8; 32]> = chunk
            .iter()
            .filter_map(|item| match item {
                Item::Doc { hash, .. } => Some(*hash),
                Item::Error(_) => None,
            })
            .collect();
        let mut known = self
            .store
            .contains_many(&hashes)
            .context("cannot read the store")?
            .into_iter();
        Ok(chunk
            .iter()
            .map(|item| match item {
                Item::Doc { .. } => known.next().unwrap_or(false),
                Item::Error(_) => false,
            })
            .collect())
    }

    fn write(&mut self, outputs: Vec<Output>) -> Result<()> {
        for output in outputs {
            self.tally.seen += 1;
            match output {
                Output::Doc { doc, hash } => {
                    let source = doc.url.clone().unwrap_or_else(|| doc.id.clone());
                    self.pending.push(NewDoc {
                        hash,
                        source,
                        doc: *doc,
                    });
                    if self.pending.len() >= self.batch {
                        self.commit()?;
                    }
                }
                Output::Skipped => self.tally.already += 1,
                Output::Error(err) => {
                    self.tally.failed += 1;
                    self.bar
                        .suspend(|| eprintln!("epiwire: {}: {}", err.id, err.error));
                }
            }
        }
        self.commit()?;
        let line = self.tally.line(self.started.elapsed());
        if self.log_lines {
            eprintln!("epiwire: ingest: {line}");
        }
        self.bar.set_message(line);
        Ok(())
    }
}

/// Groups every stored document not yet in an event into events (batches of 256, one
/// transaction each, resumable at the watermark), with a progress bar on a terminal; logs the
/// totals on stderr.
pub fn consolidate(store: &mut SqliteStore, show: bool) -> Result<epiwire_consolidate::Progress> {
    let started = Instant::now();
    let bar = if show {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] events: {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    } else {
        ProgressBar::hidden()
    };
    let done = Consolidator::default()
        .run(store, |p| {
            bar.set_message(format!(
                "{} documents, {} events opened, {} merged, {} near-duplicates",
                p.documents, p.opened, p.merged, p.duplicates
            ));
        })
        .context("cannot group the documents into events")?;
    bar.finish_and_clear();
    let events = store.event_count().context("cannot read the store")?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "epiwire: events: {} documents grouped ({} opened, {} merged, {} near-duplicates) in {secs:.1} s ({:.2} ms/doc); {events} events stored",
        done.documents,
        done.opened,
        done.merged,
        done.duplicates,
        if done.documents > 0 {
            secs * 1000.0 / done.documents as f64
        } else {
            0.0
        },
    );
    Ok(done)
}

/// Brings the search index up to date with the store. The index is derived data: a failure is
/// logged, never fatal (`epiwire search` rebuilds it).
pub fn sync_search(data: &std::path::Path, store: &SqliteStore) {
    let dir = epiwire_search::index_dir(data);
    match epiwire_search::SearchIndex::open_or_rebuild(&dir, store).and_then(|i| i.sync(store)) {
        Ok(_) => {}
        Err(e) => {
            eprintln!("epiwire: search index not updated ({e}); `epiwire search` will rebuild it")
        }
    }
}

/// Runs the command.
pub fn run(args: &IngestArgs) -> Result<ExitCode> {
    let store = SqliteStore::open(&args.data.dir)
        .with_context(|| format!("cannot open the store in {}", args.data.dir.display()))?;
    let inputs = input::paths(&args.input);
    let options = input::options(&args.input);
    let terminal = std::io::stderr().is_terminal();
    let bar = match args.progress {
        Progress::Auto | Progress::Always if terminal => {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        }
        _ => ProgressBar::hidden(),
    };
    let mut ingest = Ingest {
        store,
        batch: args.batch.max(1),
        pending: Vec::with_capacity(args.batch.max(1)),
        tally: Tally::default(),
        bar,
        log_lines: args.progress == Progress::Always && !terminal,
        started: Instant::now(),
    };
    pipeline::run(|| read(&inputs, &options), &mut ingest)?;
    ingest.commit()?;
    ingest.bar.finish_and_clear();
    eprintln!(
        "epiwire: ingest: {}",
        ingest.tally.line(ingest.started.elapsed())
    );
    let show = match args.progress {
        Progress::Auto | Progress::Always => terminal,
        _ => false,
    };
    consolidate(&mut ingest.store, show)?;
    sync_search(&args.data.dir, &ingest.store);
    if ingest.tally.seen > 0 && ingest.tally.failed == ingest.tally.seen {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
