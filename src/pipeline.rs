//! The one-way flow for one document (article → annotate), and an ordered parallel driver.
//!
//! A reader thread pulls documents from the sources and hands them over in bounded chunks; the
//! chunks are processed in parallel with rayon and given to the sink in input order. At most two
//! chunks wait in the channel, so memory stays bounded whatever the input size.
//!
//! Items may carry a [`Mark`] (where their input can be read again from once they are done); the
//! sink gets the marks beside the outputs ([`Sink::write_marked`]). [`Timings`] sums the time
//! spent in each stage, over all threads.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use epiwire_consolidate::{Cues, DocFeatures};
use epiwire_model::{DocError, Document, RawDoc};
use epiwire_sources::Item;
use rayon::prelude::*;

/// Most documents in one chunk.
const CHUNK_DOCS: usize = 256;
/// Most body bytes in one chunk.
const CHUNK_BYTES: usize = 16 * 1024 * 1024;

/// Documents with a larger body are processed one at a time: extraction and annotation take some
/// 10 to 25 times a document's size in working memory, so several near the `--max-doc-bytes`
/// limit at once (one per worker) could pass the 1 GB bound that small news pages never approach.
const LARGE_DOC_BYTES: usize = 2 * 1024 * 1024;

/// Held while a large document is processed (see [`LARGE_DOC_BYTES`]).
static LARGE_DOC: Mutex<()> = Mutex::new(());

/// Turns one raw document into an annotated document, or the message saying why it cannot.
pub fn process(raw: &RawDoc) -> Result<Document, String> {
    process_timed(raw, None)
}

/// [`process`], adding the CPU time spent in extraction and annotation to `timings`.
fn process_timed(raw: &RawDoc, timings: Option<&Timings>) -> Result<Document, String> {
    let _one_at_a_time = (raw.body.as_str().len() > LARGE_DOC_BYTES)
        .then(|| LARGE_DOC.lock().unwrap_or_else(PoisonError::into_inner));
    let Some(t) = timings else {
        let article = epiwire_article::extract(raw).map_err(|e| e.to_string())?;
        let mut doc = Document::from_article(raw, article);
        epiwire_annotate::annotate(&mut doc);
        return Ok(doc);
    };
    let started = CpuClock::now();
    let article = epiwire_article::extract(raw);
    let extracted = CpuClock::now();
    Timings::add(&t.extract_ns, extracted.since(&started));
    let mut doc = Document::from_article(raw, article.map_err(|e| e.to_string())?);
    epiwire_annotate::annotate(&mut doc);
    Timings::add(&t.annotate_ns, CpuClock::now().since(&extracted));
    Ok(doc)
}

/// The CPU time of the calling thread (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`, nanoseconds on a
/// CPU), or the wall clock where the platform has no per-thread CPU clock. On a machine shared
/// with other work, CPU time says what a stage costs; wall time would count the waits for a core
/// too. One system call, where reading `/proc/thread-self/schedstat` took an open, a read and a
/// close (five of them per document: 54,000 opens on the 1 GB backfill).
#[derive(Debug, Clone, Copy)]
pub enum CpuClock {
    /// Thread CPU time.
    Cpu(Duration),
    /// Wall clock (no per-thread CPU time available).
    Wall(Instant),
}

impl CpuClock {
    /// Now, on this thread.
    pub fn now() -> CpuClock {
        match thread_cpu() {
            Some(d) => CpuClock::Cpu(d),
            None => CpuClock::Wall(Instant::now()),
        }
    }

    /// Time on this thread since `earlier` (taken on the same thread).
    pub fn since(&self, earlier: &CpuClock) -> Duration {
        match (self, earlier) {
            (CpuClock::Cpu(now), CpuClock::Cpu(then)) => now.saturating_sub(*then),
            (CpuClock::Wall(now), CpuClock::Wall(then)) => now.saturating_duration_since(*then),
            _ => Duration::ZERO,
        }
    }
}

#[cfg(unix)]
fn thread_cpu() -> Option<Duration> {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Some(Duration::new(
        u64::try_from(t.tv_sec).ok()?,
        u32::try_from(t.tv_nsec).ok()?,
    ))
}

#[cfg(not(unix))]
fn thread_cpu() -> Option<Duration> {
    None
}

/// One processed item, in input order.
pub enum Output {
    /// An extracted document with its content hash.
    Doc {
        /// The document.
        doc: Box<Document>,
        /// Hash of its content.
        hash: [u8; 32],
        /// Its clustering features and its names and years, when the sink asked for them
        /// ([`Sink::wants_features`]).
        features: Option<Box<(DocFeatures, Cues)>>,
    },
    /// A document that could not be read or extracted.
    Error(DocError),
    /// A document skipped because the sink already has it (see `skip`).
    Skipped,
}

/// Where an input can be read again from once an item and all before it are done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// The input, as numbered by the caller.
    pub input: usize,
    /// The byte offset in that input.
    pub offset: u64,
}

/// Time spent in each stage of a run, summed over the threads that did it.
#[derive(Debug, Default)]
pub struct Timings {
    /// Reading: file I/O, decompression, WARC and HTTP parsing, charset decoding, hashing (CPU
    /// time of the reader thread).
    read_ns: AtomicU64,
    /// Asking the sink which documents it already has.
    skip_ns: AtomicU64,
    /// Article extraction (CPU time, all workers).
    extract_ns: AtomicU64,
    /// Annotation (CPU time, all workers).
    annotate_ns: AtomicU64,
    /// Clustering features and cues (CPU time, all workers).
    features_ns: AtomicU64,
    /// Handing outputs to the sink.
    sink_ns: AtomicU64,
    /// Body bytes read (decoded HTML or text).
    body_bytes: AtomicU64,
}

impl Timings {
    /// Adds `d` to a counter.
    pub fn add(counter: &AtomicU64, d: Duration) {
        counter.fetch_add(
            u64::try_from(d.as_nanos()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    fn secs(counter: &AtomicU64) -> f64 {
        counter.load(Ordering::Relaxed) as f64 / 1e9
    }

    /// CPU seconds spent reading (reader thread).
    pub fn read_secs(&self) -> f64 {
        Self::secs(&self.read_ns)
    }

    /// Seconds spent asking the sink what it has.
    pub fn skip_secs(&self) -> f64 {
        Self::secs(&self.skip_ns)
    }

    /// CPU seconds spent in article extraction, summed over workers.
    pub fn extract_secs(&self) -> f64 {
        Self::secs(&self.extract_ns)
    }

    /// CPU seconds spent in annotation, summed over workers.
    pub fn annotate_secs(&self) -> f64 {
        Self::secs(&self.annotate_ns)
    }

    /// CPU seconds spent computing clustering features, summed over workers.
    pub fn features_secs(&self) -> f64 {
        Self::secs(&self.features_ns)
    }

    /// Seconds the driver spent handing outputs to the sink.
    pub fn sink_secs(&self) -> f64 {
        Self::secs(&self.sink_ns)
    }

    /// Body bytes read.
    pub fn body_bytes(&self) -> u64 {
        self.body_bytes.load(Ordering::Relaxed)
    }
}

/// Receives the processed documents, chunk by chunk, in input order.
pub trait Sink {
    /// The error that stops the run.
    type Error;

    /// Which documents of `chunk` need no processing (already stored): one flag per item.
    /// The default processes everything.
    fn skip(&mut self, chunk: &[Item]) -> Result<Vec<bool>, Self::Error> {
        Ok(vec![false; chunk.len()])
    }

    /// Whether the workers should compute each document's clustering features and cues
    /// ([`DocFeatures::from_document`], [`Cues::from_document`]) beside the document, where its
    /// text already is (the sink then groups documents into events without tokenising them
    /// again). Default: no.
    fn wants_features(&self) -> bool {
        false
    }

    /// Takes one chunk's outputs, in input order.
    fn write(&mut self, outputs: Vec<Output>) -> Result<(), Self::Error>;

    /// Takes one chunk's outputs with each item's mark (same length, same order). The default
    /// drops the marks.
    fn write_marked(
        &mut self,
        outputs: Vec<Output>,
        marks: Vec<Option<Mark>>,
    ) -> Result<(), Self::Error> {
        drop(marks);
        self.write(outputs)
    }
}

/// Reads `open()`'s items on a reader thread, processes them in parallel and hands each chunk's
/// outputs to `sink`, in input order. Stops at the first error the sink returns.
pub fn run<I, S>(open: impl FnOnce() -> I + Send, sink: &mut S) -> Result<(), S::Error>
where
    I: Iterator<Item = Item>,
    S: Sink,
{
    run_marked(
        || open().map(|item| (item, None)),
        sink,
        &Timings::default(),
    )
}

/// [`run`] over items with marks, handed to [`Sink::write_marked`]; adds the time of each stage
/// to `timings`.
pub fn run_marked<I, S>(
    open: impl FnOnce() -> I + Send,
    sink: &mut S,
    timings: &Timings,
) -> Result<(), S::Error>
where
    I: Iterator<Item = (Item, Option<Mark>)>,
    S: Sink,
{
    let (tx, rx) = mpsc::sync_channel::<(Vec<Item>, Vec<Option<Mark>>)>(2);
    thread::scope(|scope| {
        scope.spawn(move || {
            let mut chunk = Vec::with_capacity(CHUNK_DOCS);
            let mut marks = Vec::with_capacity(CHUNK_DOCS);
            let mut bytes = 0usize;
            // The reader thread only reads (a full channel blocks it without CPU use): its CPU
            // time is the reading time.
            let started = CpuClock::now();
            for (item, mark) in open() {
                if let Item::Doc { raw, .. } = &item {
                    let len = raw.body.as_str().len();
                    bytes += len;
                    timings.body_bytes.fetch_add(len as u64, Ordering::Relaxed);
                }
                chunk.push(item);
                marks.push(mark);
                if chunk.len() >= CHUNK_DOCS || bytes >= CHUNK_BYTES {
                    bytes = 0;
                    let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_DOCS));
                    let full_marks = std::mem::replace(&mut marks, Vec::with_capacity(CHUNK_DOCS));
                    if tx.send((full, full_marks)).is_err() {
                        break; // the consumer stopped
                    }
                }
            }
            if !chunk.is_empty() {
                let _ = tx.send((chunk, marks));
            }
            Timings::add(&timings.read_ns, CpuClock::now().since(&started));
        });
        let wants_features = sink.wants_features();
        for (chunk, marks) in rx {
            let started = Instant::now();
            let skipped = sink.skip(&chunk)?;
            Timings::add(&timings.skip_ns, started.elapsed());
            let outputs: Vec<Output> = chunk
                .into_par_iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Item::Error(e) => Output::Error(DocError {
                        id: e.id.clone(),
                        error: e.message(),
                    }),
                    Item::Doc { .. } if skipped.get(i).copied().unwrap_or(false) => Output::Skipped,
                    Item::Doc { raw, hash } => match process_timed(&raw, Some(timings)) {
                        Ok(doc) => {
                            let features = wants_features.then(|| {
                                let started = CpuClock::now();
                                let f = DocFeatures::from_document(&doc);
                                let c = Cues::from_document(&doc);
                                Timings::add(&timings.features_ns, CpuClock::now().since(&started));
                                Box::new((f, c))
                            });
                            Output::Doc {
                                doc: Box::new(doc),
                                hash,
                                features,
                            }
                        }
                        Err(error) => Output::Error(DocError { id: raw.id, error }),
                    },
                })
                .collect();
            let started = Instant::now();
            sink.write_marked(outputs, marks)?;
            Timings::add(&timings.sink_ns, started.elapsed());
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The thread clock is the kernel's own per-thread run time: a reading of
    /// `/proc/thread-self/schedstat` (what this clock replaced; the kernel brings that figure up
    /// to date at ticks and switches, so it may lag by a tick) is not after the next reading of
    /// the clock and not far before the previous one; and work on this thread moves the clock.
    #[cfg(target_os = "linux")]
    #[test]
    fn thread_clock_agrees_with_schedstat() -> std::io::Result<()> {
        let before = thread_cpu().ok_or_else(|| std::io::Error::other("no thread clock"))?;
        let text = std::fs::read_to_string("/proc/thread-self/schedstat")?;
        let after = thread_cpu().ok_or_else(|| std::io::Error::other("no thread clock"))?;
        let ns: u64 = text
            .split_ascii_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| std::io::Error::other("schedstat unreadable"))?;
        let schedstat = Duration::from_nanos(ns);
        assert!(
            schedstat <= after && before.saturating_sub(schedstat) < Duration::from_millis(50),
            "{before:?} {schedstat:?} {after:?}"
        );

        let started = CpuClock::now();
        assert!(matches!(started, CpuClock::Cpu(_)));
        let mut x = 1u64;
        for i in 0..20_000_000u64 {
            x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(i));
        }
        assert!(CpuClock::now().since(&started) > Duration::ZERO, "{x}");
        Ok(())
    }
}
