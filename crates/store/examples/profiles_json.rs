//! Prints every stored event's clustering profile as JSON, one `id<TAB>json` line per event in
//! id order, whatever form the store keeps it in (binary from schema 10, JSON before): to
//! compare the event tables of two stores written by builds that store profiles differently.
//!
//!     cargo run --release -p epiwire-store --example profiles_json -- STORE_DIR

#![allow(clippy::print_stdout)]

use std::io::Write;
use std::path::PathBuf;

use epiwire_consolidate::{EventBackend, EventFilter};
use epiwire_store::{SqliteStore, Store};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .ok_or("usage: profiles_json STORE_DIR")?,
    );
    let store = SqliteStore::open_existing(&dir)?;
    let mut ids: Vec<String> = store
        .events(&EventFilter {
            limit: usize::MAX >> 1,
            ..EventFilter::default()
        })?
        .into_iter()
        .map(|s| s.id)
        .collect();
    ids.sort();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (id, p) in store.profiles(&ids)? {
        writeln!(out, "{id}\t{}", serde_json::to_string(&p)?)?;
    }
    out.flush()?;
    Ok(())
}
