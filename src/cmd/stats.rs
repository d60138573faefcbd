//! `epiwire stats` and `epiwire show`: what the store holds.

use std::io::{self, Write};
use std::process::ExitCode;

use anyhow::{Context, Result};
use epiwire_store::{SqliteStore, Store};

use crate::cli::{ShowArgs, StatsArgs};

/// Prints the store's statistics.
pub fn run(args: &StatsArgs) -> Result<ExitCode> {
    let store = SqliteStore::open_existing(&args.data.dir)
        .with_context(|| format!("cannot open the store in {}", args.data.dir.display()))?;
    let stats = store.stats().context("cannot read the store")?;
    let mut out = io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &stats)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{stats}")?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints one stored document as JSON.
pub fn show(args: &ShowArgs) -> Result<ExitCode> {
    let store = SqliteStore::open_existing(&args.data.dir)
        .with_context(|| format!("cannot open the store in {}", args.data.dir.display()))?;
    match store.get(&args.id).context("cannot read the store")? {
        Some(doc) => {
            let mut out = io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            eprintln!("epiwire: no document with id {:?}", args.id);
            Ok(ExitCode::from(1))
        }
    }
}
