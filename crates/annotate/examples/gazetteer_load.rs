//! Loads a gazetteer file (`data/gazetteer.bin.zst` or another build of it) `n` times, for a CPU
//! time measurement of the load that does not depend on the machine's other work:
//!
//! ```text
//! cargo build --release -p epiwire-annotate --example gazetteer_load
//! /usr/bin/time -f '%U %S' target/release/examples/gazetteer_load crates/annotate/data/gazetteer.bin.zst 10
//! ```
//!
//! (user seconds divided by `n`; with `n` = 0 it reads the file only, the process's own cost).

#![allow(clippy::print_stdout)]

use epiwire_annotate::place::Gazetteer;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let path = args.next().ok_or("usage: gazetteer_load FILE [N]")?;
    let n: usize = args.next().map_or(Ok(1), |s| s.parse())?;
    let zst = std::fs::read(&path)?;
    for _ in 0..n {
        let mut buf = Vec::new();
        let g = Gazetteer::from_zst(&zst, &mut buf)?;
        println!("{} entries, loaded in {:?}", g.len(), g.load_time());
    }
    Ok(())
}
