//! Consolidates a store's documents into events, in batches of a given size, up to a given
//! sequence number: to compare what batch boundaries change (only `new_event` signals, and the
//! last bits of some jump scores), and to measure consolidation alone (under callgrind, say) on
//! a window of documents at a given store size:
//!
//!     cargo run --release -p epiwire-store --example reconsolidate -- STORE_DIR [BATCH [UPTO]]
//!
//! Consolidates the documents above the store's watermark, up to sequence number UPTO (all
//! when not given). To start over, empty the event tables and the watermark first (events are
//! derived from the documents: `DELETE FROM` consolidation, consolidation_df, events,
//! event_keys, event_docs, event_tags, event_series, event_figures, volume and signals).
//! Prints the documents, the candidate events compared, the events stored and the time taken.

#![allow(clippy::print_stdout)]

use std::path::PathBuf;

use epiwire_consolidate::{
    Changes, Consolidator, Cues, DocFeatures, EventBackend, EventProfile, EventState, EventSummary,
    Member, SeriesKey, SeriesPart, SeriesSelect, Session, Signal, State,
};
use epiwire_model::Document;
use epiwire_store::{Error, SqliteStore};

/// The store, with the documents above `upto` hidden.
struct UpTo {
    store: SqliteStore,
    upto: u64,
}

type R<T> = Result<T, Error>;

impl EventBackend for UpTo {
    type Error = Error;
    fn state(&self) -> R<State> {
        self.store.state()
    }
    fn watermark(&self) -> R<u64> {
        self.store.watermark()
    }
    fn pending(&self, after: u64, limit: usize) -> R<Vec<(u64, Document)>> {
        let mut docs = self.store.pending(after, limit)?;
        docs.retain(|(seq, _)| *seq <= self.upto);
        Ok(docs)
    }
    fn candidates(&self, keys: &[String]) -> R<Vec<(String, EventProfile)>> {
        self.store.candidates(keys)
    }
    fn candidate_ids(&self, keys: &[String]) -> R<Vec<String>> {
        self.store.candidate_ids(keys)
    }
    fn profiles(&self, ids: &[String]) -> R<Vec<(String, EventProfile)>> {
        self.store.profiles(ids)
    }
    fn members(&self, event: &str) -> R<Vec<Member>> {
        self.store.members(event)
    }
    fn member_seqs(&self, event: &str) -> R<Vec<u64>> {
        self.store.member_seqs(event)
    }
    fn event_state(&self, event: &str) -> R<Option<EventState>> {
        self.store.event_state(event)
    }
    fn series(&self, event: &str, which: SeriesSelect<'_>) -> R<Vec<SeriesPart>> {
        self.store.series(event, which)
    }
    fn series_without(
        &self,
        event: &str,
        which: SeriesSelect<'_>,
        skip: &[SeriesKey],
    ) -> R<Vec<SeriesPart>> {
        self.store.series_without(event, which, skip)
    }
    fn volume(&self, d: &str, c: &str, from: &str, to: &str) -> R<Vec<(String, u32)>> {
        self.store.volume(d, c, from, to)
    }
    fn volume_signals(&self, d: &str, c: &str, from: &str, to: &str) -> R<Vec<Signal>> {
        self.store.volume_signals(d, c, from, to)
    }
    fn events_running(
        &self,
        d: &str,
        c: &str,
        from: &str,
        to: &str,
    ) -> R<Vec<(String, String, String)>> {
        self.store.events_running(d, c, from, to)
    }
    fn summary(&self, event: &str) -> R<Option<EventSummary>> {
        self.store.summary(event)
    }
    fn seen_between(&self, d: &str, c: &str, from: &str, to: &str, except: &str) -> R<bool> {
        self.store.seen_between(d, c, from, to, except)
    }
    fn new_event_signals(
        &self,
        d: &str,
        c: &str,
        from: &str,
        to: &str,
    ) -> R<Vec<(String, String)>> {
        self.store.new_event_signals(d, c, from, to)
    }
    fn begin_reads(&self) -> R<()> {
        self.store.begin_reads()
    }
    fn end_reads(&self) -> R<()> {
        self.store.end_reads()
    }
    fn apply(&mut self, changes: &Changes) -> R<()> {
        self.store.apply(changes)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: reconsolidate STORE_DIR [BATCH [UPTO]]";
    let dir = PathBuf::from(args.next().ok_or(usage)?);
    let batch: usize = match args.next() {
        Some(b) => b.parse()?,
        None => Consolidator::default().batch,
    };
    let upto: u64 = match args.next() {
        Some(u) => u.parse()?,
        None => u64::MAX,
    };
    let mut store = UpTo {
        store: SqliteStore::open(&dir)?,
        upto,
    };
    // As ingest does, the documents' clustering features are computed beforehand (by its
    // workers), so that consolidation alone is timed (callgrind: --toggle-collect='*run_with*').
    let mut session = Session::default();
    let mut after = store.watermark()?;
    loop {
        let docs = store.pending(after, 1024)?;
        let Some(&(last, _)) = docs.last() else { break };
        for (seq, doc) in &docs {
            let pair = (DocFeatures::from_document(doc), Cues::from_document(doc));
            session.features.insert(*seq, pair);
        }
        after = last;
    }
    let started = std::time::Instant::now();
    let done = Consolidator {
        batch,
        ..Consolidator::default()
    }
    .run_with(&mut store, &mut session, |_| {})?;
    println!(
        "{} documents in batches of {batch} up to {}: {} candidate events, {} events stored, {:.1} s",
        done.documents,
        done.watermark,
        done.candidates,
        epiwire_store::Store::event_count(&store.store)?,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
