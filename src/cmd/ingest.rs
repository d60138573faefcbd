//! `epiwire ingest`: documents in, stored in the embedded database.
//!
//! Resumable by construction: every document is keyed by the hash of its content, documents
//! already stored are skipped before extraction, and each batch is one transaction, reported
//! stored only after its commit. A WARC file given by path (`.warc`, `.warc.gz`) is also
//! checkpointed: each batch's transaction records where the file can be read again from (the
//! next gzip member, or the next record of a plain file), and a later run over the same file
//! (same path, size and mtime) seeks there instead of reading the finished part again.
//!
//! Batches are written by a writer thread behind a bounded queue, so extraction goes on while a
//! batch commits.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, SyncSender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant, UNIX_EPOCH};

use anyhow::{Context, Result, anyhow};
use epiwire_consolidate::{Consolidator, Cues, DocFeatures, FeatureInbox, Session, lock_inbox};
use epiwire_sources::warc::ResumableWarc;
use epiwire_sources::{Item, Options, read};
use epiwire_store::{InputKey, NewDoc, SqliteStore, Store};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{IngestArgs, Progress};
use crate::cmd::input;
use crate::pipeline::{self, CpuClock, Mark, Output, Sink, Timings};

/// Batches waiting for the writer: one being written, one queued (bounds memory).
const WRITE_QUEUE: usize = 1;

/// Most documents whose features wait for the consolidator (about 15 KB each), or two of its
/// batches if more; beyond, the consolidator computes a document's features itself.
const FEATURES_WAITING: usize = 4096;

/// Clustering features and cues (names and years) of committed documents by sequence number,
/// from the writer to the consolidator: computed by the extraction workers, where the text
/// already is, so the consolidation thread does not tokenise, scan for names and MinHash every
/// document again.
/// The consolidator drains it before each of its batches ([`Session::inbox`]).
type Handoff = FeatureInbox;

/// Totals of one ingest run.
#[derive(Debug, Default)]
struct Tally {
    seen: u64,
    stored: u64,
    already: u64,
    failed: u64,
    /// CPU seconds the writer spent in transactions (encoding included).
    store_secs: f64,
    /// Transactions committed.
    batches: u64,
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

/// The tally shared by the sink and the writer thread.
#[derive(Debug, Clone, Default)]
struct Shared(Arc<Mutex<Tally>>);

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Tally> {
        // A poisoned lock only means the other thread panicked; the counts are still usable.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One transaction for the writer: documents (each with its features when computed), and the
/// checkpoints they bring.
struct Batch {
    docs: Vec<NewDoc>,
    features: Vec<Option<Box<(DocFeatures, Cues)>>>,
    checkpoints: Vec<(InputKey, u64)>,
}

/// How progress is shown.
#[derive(Debug, Clone)]
struct Report {
    bar: ProgressBar,
    /// Print a progress line per batch (progress asked for, but stderr is not a terminal).
    log_lines: bool,
    started: Instant,
}

impl Report {
    fn update(&self, tally: &Tally) {
        let line = tally.line(self.started.elapsed());
        if self.log_lines {
            eprintln!("epiwire: ingest: {line}");
        }
        self.bar.set_message(line);
    }
}

/// The writer thread: owns the store, commits each batch in one transaction.
fn spawn_writer(
    mut store: SqliteStore,
    tally: Shared,
    report: Report,
    committed: Committed,
    handoff: Handoff,
) -> Result<(SyncSender<Batch>, JoinHandle<Result<SqliteStore>>)> {
    let (tx, rx) = mpsc::sync_channel::<Batch>(WRITE_QUEUE);
    let handle = thread::Builder::new()
        .name("epiwire-writer".into())
        .spawn(move || {
            for batch in rx {
                let started = CpuClock::now();
                let (outcome, seqs) = store
                    .put_batch_seqs(&batch.docs, &batch.checkpoints)
                    .context("cannot write to the store")?;
                let secs = CpuClock::now().since(&started).as_secs_f64();
                {
                    // Before the wake-up below, so that the run it starts finds them.
                    let mut waiting = lock_inbox(&handoff);
                    for (seq, features) in seqs.into_iter().zip(batch.features) {
                        if let (Some(seq), Some(f)) = (seq, features)
                            && waiting.len() < committed.features_waiting
                        {
                            waiting.insert(seq, *f);
                        }
                    }
                }
                drop(batch.docs);
                let mut t = tally.lock();
                t.stored += outcome.inserted as u64;
                t.already += outcome.duplicates as u64;
                t.store_secs += secs;
                t.batches += 1;
                report.update(&t);
                drop(t);
                // Counted before the wake-up, which a wake-up already queued stands for.
                committed
                    .docs
                    .fetch_add(outcome.inserted as u64, Ordering::Release);
                let _ = committed.wake.try_send(());
            }
            Ok(store)
        })
        .context("cannot start the writer thread")?;
    Ok((tx, handle))
}

/// What the background consolidation did.
#[derive(Debug, Default)]
struct Grouped {
    done: epiwire_consolidate::Progress,
    /// Wall seconds spent consolidating (runs summed).
    busy_secs: f64,
    /// CPU seconds of the consolidation thread.
    cpu_secs: f64,
}

/// The writer's signal to the consolidator: documents committed so far, and a wake-up per
/// commit (coalesced: one queued stands for any number).
struct Committed {
    docs: Arc<AtomicU64>,
    wake: SyncSender<()>,
    /// Most documents whose features the writer leaves for the consolidator.
    features_waiting: usize,
}

/// Consolidation beside the ingest, on its own connection: it groups the committed documents
/// into events in full batches of `batch` documents (woken by each commit, it takes as many
/// full batches as are waiting), and everything left when the writer has finished (the
/// wake-up channel closes): small runs on every commit cost more than full batches
/// ([`epiwire_consolidate::BATCH`]). Consolidation is resumable at its watermark and each of
/// its batches is one transaction, so this changes nothing about what a kill leaves; it only
/// keeps a core busy with events while the other extracts, instead of grouping everything
/// after the last document.
fn spawn_consolidator(
    dir: &Path,
    handoff: Handoff,
    batch: usize,
) -> Result<(Committed, JoinHandle<Result<Grouped>>)> {
    let mut store = SqliteStore::open(dir)
        .with_context(|| format!("cannot open the store in {}", dir.display()))?;
    let (tx, rx) = mpsc::sync_channel::<()>(1);
    let docs = Arc::new(AtomicU64::new(0));
    let committed = Committed {
        docs: Arc::clone(&docs),
        wake: tx,
        features_waiting: FEATURES_WAITING.max(batch.saturating_mul(2)),
    };
    let handle = thread::Builder::new()
        .name("epiwire-consolidate".into())
        .spawn(move || {
            let consolidator = Consolidator {
                batch,
                ..Consolidator::default()
            };
            // Kept across runs: the document frequencies (not read again from the store at
            // every commit) and the features the workers computed.
            let mut session = Session::with_inbox(handoff);
            let mut grouped = Grouped::default();
            let cpu = CpuClock::now();
            loop {
                let more = rx.recv().is_ok();
                let batches = if more {
                    // Committed minus taken (documents a killed earlier ingest left are not
                    // counted: they only make the batches fuller, and the last run takes all).
                    let waiting = docs
                        .load(Ordering::Acquire)
                        .saturating_sub(grouped.done.documents);
                    match usize::try_from(waiting).map(|w| w / batch) {
                        Ok(0) => continue,
                        Ok(n) => n,
                        Err(_) => usize::MAX,
                    }
                } else {
                    usize::MAX
                };
                let started = Instant::now();
                let p = consolidator
                    .run_batches(&mut store, &mut session, batches, |_| {})
                    .context("cannot group the documents into events")?;
                grouped.busy_secs += started.elapsed().as_secs_f64();
                let d = &mut grouped.done;
                d.documents += p.documents;
                d.opened += p.opened;
                d.merged += p.merged;
                d.duplicates += p.duplicates;
                d.candidates += p.candidates;
                d.watermark = p.watermark;
                if !more {
                    break;
                }
            }
            grouped.cpu_secs = CpuClock::now().since(&cpu).as_secs_f64();
            Ok(grouped)
        })
        .context("cannot start the consolidation thread")?;
    Ok((committed, handle))
}

/// Logs what consolidation did.
fn log_events(store: &SqliteStore, done: &epiwire_consolidate::Progress, secs: f64) -> Result<()> {
    let events = store.event_count().context("cannot read the store")?;
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
    Ok(())
}

/// A WARC file read with checkpoints.
#[derive(Debug)]
struct Checkpointed {
    key: InputKey,
    /// Where reading starts (the stored checkpoint, or 0).
    start: u64,
}

/// Stores documents in batches through the writer thread.
struct Ingest {
    /// A second connection, for the "already stored?" queries while the writer writes.
    reader: SqliteStore,
    writer: Option<(SyncSender<Batch>, JoinHandle<Result<SqliteStore>>)>,
    batch: usize,
    pending: Vec<NewDoc>,
    /// The features of the pending documents, in the same order.
    pending_features: Vec<Option<Box<(DocFeatures, Cues)>>>,
    /// Checkpointed inputs, by input number (`None` for the others).
    inputs: Vec<Option<Checkpointed>>,
    /// The latest mark of each input not yet sent to the writer.
    marks: Vec<Option<u64>>,
    tally: Shared,
    report: Report,
}

impl Ingest {
    /// Sends the pending documents and the new checkpoints to the writer.
    fn flush(&mut self) -> Result<()> {
        let checkpoints: Vec<(InputKey, u64)> = self
            .marks
            .iter_mut()
            .enumerate()
            .filter_map(|(i, mark)| {
                let offset = mark.take()?;
                let input = self.inputs.get(i)?.as_ref()?;
                Some((input.key.clone(), offset))
            })
            .collect();
        if self.pending.is_empty() && checkpoints.is_empty() {
            return Ok(());
        }
        let batch = Batch {
            docs: std::mem::replace(&mut self.pending, Vec::with_capacity(self.batch)),
            features: std::mem::replace(&mut self.pending_features, Vec::with_capacity(self.batch)),
            checkpoints,
        };
        let sent = match &self.writer {
            Some((tx, _)) => tx.send(batch).is_ok(),
            None => false,
        };
        if !sent {
            // The writer stopped: its error says why.
            self.finish()?;
            return Err(anyhow!("the store writer stopped"));
        }
        Ok(())
    }

    /// Waits for the writer to commit everything sent; gives back the store.
    fn finish(&mut self) -> Result<SqliteStore> {
        let (tx, handle) = self
            .writer
            .take()
            .ok_or_else(|| anyhow!("the store writer already stopped"))?;
        drop(tx);
        handle
            .join()
            .map_err(|_| anyhow!("the store writer panicked"))?
    }
}

impl Ingest {
    /// Adds the counts of the documents handed over since the last call to the tally (before a
    /// flush, so that progress lines count what was read up to the batch).
    fn count(&self, seen: &mut u64, failed: &mut u64, already: &mut u64) {
        let mut t = self.tally.lock();
        t.seen += std::mem::take(seen);
        t.failed += std::mem::take(failed);
        t.already += std::mem::take(already);
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
            .reader
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

    fn wants_features(&self) -> bool {
        true
    }

    fn write(&mut self, outputs: Vec<Output>) -> Result<()> {
        let marks = vec![None; outputs.len()];
        self.write_marked(outputs, marks)
    }

    fn write_marked(&mut self, outputs: Vec<Output>, marks: Vec<Option<Mark>>) -> Result<()> {
        let mut seen = 0u64;
        let mut failed = 0u64;
        let mut already = 0u64;
        for (output, mark) in outputs.into_iter().zip(marks) {
            seen += 1;
            match output {
                Output::Doc {
                    doc,
                    hash,
                    features,
                } => {
                    let source = doc.url.clone().unwrap_or_else(|| doc.id.clone());
                    self.pending.push(NewDoc {
                        hash,
                        source,
                        doc: *doc,
                    });
                    self.pending_features.push(features);
                }
                Output::Skipped => already += 1,
                Output::Error(err) => {
                    failed += 1;
                    self.report
                        .bar
                        .suspend(|| eprintln!("epiwire: {}: {}", err.id, err.error));
                }
            }
            if let Some(m) = mark
                && let Some(slot) = self.marks.get_mut(m.input)
            {
                *slot = Some(m.offset);
            }
            if self.pending.len() >= self.batch {
                self.count(&mut seen, &mut failed, &mut already);
                self.flush()?;
            }
        }
        self.count(&mut seen, &mut failed, &mut already);
        self.flush()
    }
}

/// The identity of an input file for checkpoints: absolute path, size, mtime.
fn input_key(path: &Path) -> Option<InputKey> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() {
        return None;
    }
    let mtime_ns = meta
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_nanos()).ok())?;
    let abs = std::fs::canonicalize(path).ok()?;
    Some(InputKey {
        path: abs.to_string_lossy().into_owned(),
        size: meta.len(),
        mtime_ns,
    })
}

/// Whether a path names a WARC file by its extension.
fn is_warc_path(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".warc") || name.ends_with(".warc.gz")
}

/// The checkpointed inputs among `paths`, with where each starts; says on stderr where a run
/// resumes.
fn plan(paths: &[PathBuf], store: &SqliteStore) -> Result<Vec<Option<Checkpointed>>> {
    let mut plan = Vec::with_capacity(paths.len());
    for path in paths {
        let Some(key) = is_warc_path(path).then(|| input_key(path)).flatten() else {
            plan.push(None);
            continue;
        };
        let start = store
            .checkpoint(&key)
            .context("cannot read the store")?
            .unwrap_or(0);
        if start > 0 {
            eprintln!(
                "epiwire: ingest: {}: resumed at offset {start} of {} (checkpoint){}",
                path.display(),
                key.size,
                if start >= key.size {
                    "; nothing left to read"
                } else {
                    ""
                }
            );
        }
        plan.push(Some(Checkpointed { key, start }));
    }
    Ok(plan)
}

/// The items of every input, in order, with the marks of the checkpointed ones.
fn items(
    paths: Vec<PathBuf>,
    starts: Vec<Option<u64>>,
    options: Options,
) -> impl Iterator<Item = (Item, Option<Mark>)> {
    paths
        .into_iter()
        .zip(starts)
        .enumerate()
        .flat_map(move |(input, (path, start))| -> Box<dyn Iterator<Item = (Item, Option<Mark>)>> {
            let Some(start) = start else {
                return Box::new(read(std::slice::from_ref(&path), &options).map(|i| (i, None)));
            };
            let name = path.display().to_string();
            let opened = match ResumableWarc::open(&path, name.clone(), &options, start) {
                Err(e) if start > 0 => {
                    eprintln!(
                        "epiwire: ingest: {name}: checkpoint not usable ({e}); reading from the start"
                    );
                    ResumableWarc::open(&path, name.clone(), &options, 0)
                }
                other => other,
            };
            match opened {
                Ok(warc) => Box::new(warc.map(move |p| {
                    let mark = p.resume_at.map(|offset| Mark { input, offset });
                    (p.item, mark)
                })),
                Err(e) => Box::new(std::iter::once((Item::error(name, e), None))),
            }
        })
}

/// Groups every stored document not yet in an event into events (batches of [`epiwire_consolidate::BATCH`], one
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
    log_events(store, &done, started.elapsed().as_secs_f64())?;
    Ok(done)
}

/// How many nice levels the extraction workers run below the rest of `ingest`.
const WORKER_NICE: i32 = 5;

/// Lowers the calling thread's priority by [`WORKER_NICE`] (Linux, where the nice value is a
/// thread's); run by each extraction worker as it starts. The consolidation thread, which the
/// workers feed and which has the last word of a run, then gets a core first on a busy machine:
/// it keeps up with the commits instead of being left a backlog for after the last one, when
/// only one core has work. Failing to change it changes nothing else.
pub fn yield_to_consolidation() {
    #[cfg(target_os = "linux")]
    {
        let tid = rustix::thread::gettid();
        if let Ok(nice) = rustix::process::getpriority_process(Some(tid))
            && let Err(e) =
                rustix::process::setpriority_process(Some(tid), (nice + WORKER_NICE).min(19))
        {
            tracing::debug!("extraction worker priority unchanged: {e}");
        }
    }
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
    let started = Instant::now();
    let store = SqliteStore::open(&args.data.dir)
        .with_context(|| format!("cannot open the store in {}", args.data.dir.display()))?;
    let reader = SqliteStore::open(&args.data.dir)
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
    let report = Report {
        bar,
        log_lines: args.progress == Progress::Always && !terminal,
        started,
    };
    let checkpointed = plan(&inputs, &store)?;
    let starts: Vec<Option<u64>> = checkpointed
        .iter()
        .map(|c| c.as_ref().map(|c| c.start))
        .collect();
    let tally = Shared::default();
    let batch = args.batch.max(1);
    let handoff = Handoff::default();
    let (committed, consolidator) =
        spawn_consolidator(&args.data.dir, handoff.clone(), args.events_batch.max(1))?;
    let mut ingest = Ingest {
        reader,
        writer: Some(spawn_writer(
            store,
            tally.clone(),
            report.clone(),
            committed,
            handoff,
        )?),
        batch,
        pending: Vec::with_capacity(batch),
        pending_features: Vec::with_capacity(batch),
        marks: vec![None; checkpointed.len()],
        inputs: checkpointed,
        tally: tally.clone(),
        report: report.clone(),
    };
    let timings = Timings::default();
    let ran = pipeline::run_marked(|| items(inputs, starts, options), &mut ingest, &timings);
    // Whatever happened, let the writer commit what it was given (its end wakes the
    // consolidator for a last run).
    let finished = ingest.finish();
    ran?;
    let store = finished?;
    let ingest_secs = started.elapsed().as_secs_f64();
    report.bar.set_message(format!(
        "{}; grouping events",
        tally.lock().line(started.elapsed())
    ));
    // The search index needs only the stored documents, all committed now: it is brought up to
    // date beside the consolidator's last run, on the core the finished workers left free.
    let dir = args.data.dir.clone();
    let search = thread::Builder::new()
        .name("epiwire-search".into())
        .spawn(move || {
            let syncing = Instant::now();
            sync_search(&dir, &store);
            (store, syncing.elapsed().as_secs_f64())
        })
        .context("cannot start the search-index thread")?;
    let grouped = consolidator
        .join()
        .map_err(|_| anyhow!("the consolidation thread panicked"))??;
    let tail_secs = started.elapsed().as_secs_f64() - ingest_secs;
    let (store, search_secs) = search
        .join()
        .map_err(|_| anyhow!("the search-index thread panicked"))?;
    report.bar.finish_and_clear();
    let (seen, failed, store_secs, batches) = {
        let t = tally.lock();
        eprintln!("epiwire: ingest: {}", t.line(started.elapsed()));
        (t.seen, t.failed, t.store_secs, t.batches)
    };
    log_events(&store, &grouped.done, grouped.busy_secs)?;
    tracing::info!(
        "ingest time: {ingest_secs:.1} s wall to stored ({:.1} MB of bodies); CPU s: read {:.1} \
         (reader thread), extraction {:.1}, annotation {:.1}, clustering features {:.1} (summed \
         over workers), store writes \
         {store_secs:.1} in {batches} transactions (writer thread); wall s: skip check {:.1}, \
         hand-over {:.1}; consolidation {:.1} s CPU ({:.1} s wall busy, beside the ingest), \
         {tail_secs:.1} s wall after the last commit; search sync {search_secs:.1} s wall (beside \
         that consolidation); total {:.1} s wall",
        timings.body_bytes() as f64 / 1e6,
        timings.read_secs(),
        timings.extract_secs(),
        timings.annotate_secs(),
        timings.features_secs(),
        timings.skip_secs(),
        timings.sink_secs(),
        grouped.cpu_secs,
        grouped.busy_secs,
        started.elapsed().as_secs_f64(),
    );
    if seen > 0 && failed == seen {
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
