//! Reads paths with `epiwire_sources::read` and prints how many documents and errors came out,
//! each error on its own line, and the throughput.
//!
//! ```text
//! cargo run --release -p epiwire-sources --example count -- PATH...
//! ```

#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::Instant;

use epiwire_sources::{Item, Options, read};

fn main() {
    let paths: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let start = Instant::now();
    let (mut docs, mut errors, mut bytes) = (0u64, 0u64, 0u64);
    for item in read(&paths, &Options::default()) {
        match item {
            Item::Doc { raw, .. } => {
                docs += 1;
                bytes += raw.body.as_str().len() as u64;
            }
            Item::Error(e) => {
                errors += 1;
                println!("error {e}");
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{docs} documents ({:.1} MB of text/HTML), {errors} errors, {secs:.3} s, {:.0} MB/s",
        bytes as f64 / 1e6,
        bytes as f64 / 1e6 / secs
    );
}
