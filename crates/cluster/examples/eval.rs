//! Prints the report of `epiwire eval clustering` without building the binary.
//!
//! `cargo run --release -p epiwire-cluster --example eval -- ../shared/data/news-clustering`
#![allow(clippy::print_stdout)]

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../shared/data/news-clustering"));
    println!("{}", epiwire_cluster::eval::evaluate(&dir)?);
    Ok(())
}
