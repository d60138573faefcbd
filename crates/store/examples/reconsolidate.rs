//! Consolidates a store's documents into events again from scratch, in batches of a given
//! size, to compare what batch boundaries change (only `new_event` signals, and the last bits
//! of some jump scores):
//!
//!     cargo run --release -p epiwire-store --example reconsolidate -- STORE_DIR [BATCH]
//!
//! The store's event tables and watermark must be empty (events are derived from the
//! documents: `DELETE FROM` consolidation, consolidation_df, events, event_keys, event_docs,
//! event_tags, event_series, event_figures, volume and signals); every document is then
//! consolidated. Prints the documents, the events stored and the time taken.

#![allow(clippy::print_stdout)]

use std::path::PathBuf;

use epiwire_consolidate::Consolidator;
use epiwire_store::SqliteStore;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(
        args.next()
            .ok_or("usage: reconsolidate STORE_DIR [BATCH]")?,
    );
    let batch: usize = match args.next() {
        Some(b) => b.parse()?,
        None => Consolidator::default().batch,
    };
    let mut store = SqliteStore::open(&dir)?;
    let started = std::time::Instant::now();
    let done = Consolidator {
        batch,
        ..Consolidator::default()
    }
    .run(&mut store, |_| {})?;
    println!(
        "{} documents in batches of {batch}: {} events, {:.1} s",
        done.documents,
        epiwire_store::Store::event_count(&store)?,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
