//! Checks the bound that lets the combined extractor skip dom_smoothie (`src/bound.rs`) on real
//! pages: for every page, dom_smoothie's text must be no longer than the bound. Also counts the
//! pages where trafilatura is short (dom_smoothie was run before) and where the bound now skips
//! it. Arguments: HTML files, directories of them (`.html`, `.htm`, `.html.gz`), read as lossy
//! UTF-8 without a URL.
//! `cargo run --release -p epiwire-article --example skip_check -- DIR_OR_FILE...`
use std::io::{Read, Write};
use std::path::PathBuf;

fn files(path: PathBuf, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&path)?
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for e in entries {
            files(e, out)?;
        }
    } else {
        let name = path.to_string_lossy();
        if name.ends_with(".html") || name.ends_with(".htm") || name.ends_with(".html.gz") {
            out.push(path);
        }
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut paths = Vec::new();
    for a in std::env::args().skip(1) {
        files(PathBuf::from(a), &mut paths)?;
    }
    let mut out = std::io::stdout().lock();
    let (mut pages, mut short, mut skipped, mut chosen, mut broken) = (0, 0, 0, 0, 0);
    for p in &paths {
        let raw = std::fs::read(p)?;
        let bytes = if p.to_string_lossy().ends_with(".gz") {
            let mut b = Vec::new();
            flate2::read::MultiGzDecoder::new(raw.as_slice()).read_to_end(&mut b)?;
            b
        } else {
            raw
        };
        let html = String::from_utf8_lossy(&bytes);
        pages += 1;
        let Some((t, d, bound)) = epiwire_article::combine_lengths(&html, None) else {
            continue;
        };
        if t >= 1000 {
            continue;
        }
        short += 1;
        if d > 5 * t {
            chosen += 1;
        }
        if bound <= 5 * t {
            skipped += 1;
        }
        if d > bound {
            broken += 1;
            writeln!(
                out,
                "BOUND BROKEN {}: dom_smoothie {d} > bound {bound}",
                p.display()
            )?;
        }
        writeln!(out, "{}\t{t}\t{d}\t{bound}", p.display())?;
    }
    writeln!(
        out,
        "{pages} pages; trafilatura under 1,000 characters on {short}; dom_smoothie chosen on \
         {chosen}; skipped by the bound on {skipped}; bound broken on {broken}"
    )?;
    Ok(())
}
