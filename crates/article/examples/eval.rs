//! Runs the trafilatura-set evaluation and prints the table.
//! `cargo run --release -p epiwire-article --example eval -- DIR [dom_smoothie|trafilatura|trafilatura+fallback|combined ...]`
use epiwire_article::{Extractor, eval};
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "../shared/data/trafilatura-eval".into());
    let names: Vec<String> = args.collect();
    let chosen: Vec<Extractor> = if names.is_empty() {
        Extractor::ALL.to_vec()
    } else {
        Extractor::ALL
            .into_iter()
            .filter(|e| names.iter().any(|n| n == e.name()))
            .collect()
    };
    let report = eval::evaluate_with(std::path::Path::new(&dir), &chosen)?;
    write!(std::io::stdout().lock(), "{report}")?;
    Ok(())
}
