//! Measures how fast the WARC reader runs: builds a WARC of about 100 MB (and its one-member-per-
//! record gzip twin) from the trafilatura-eval pages, then reads each through
//! `epiwire_sources::read` (parse, charset decoding and content hashing included) and prints
//! MB/s of uncompressed WARC.
//!
//! ```text
//! cargo run --release -p epiwire-sources --example warc_throughput -- \
//!     [PAGES_DIR (default ../shared/data/trafilatura-eval/html)] [OUT_DIR (default /tmp)]
//! ```

#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::time::Instant;

use epiwire_sources::{Item, Options, read, warc};
use flate2::Compression;
use flate2::write::GzEncoder;

const TARGET: usize = 100 * 1024 * 1024;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let pages_dir = PathBuf::from(
        args.next()
            .unwrap_or_else(|| "../shared/data/trafilatura-eval/html".into()),
    );
    let out_dir = PathBuf::from(args.next().unwrap_or_else(|| "/tmp".into()));

    let mut pages = Vec::new();
    let mut names: Vec<PathBuf> = fs::read_dir(&pages_dir)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    names.sort();
    for path in names {
        let mut html = Vec::new();
        flate2::read::MultiGzDecoder::new(fs::File::open(&path)?).read_to_end(&mut html)?;
        pages.push(html);
    }
    assert!(!pages.is_empty(), "no pages in {}", pages_dir.display());

    let plain_path = out_dir.join("epiwire-bench.warc");
    let gz_path = out_dir.join("epiwire-bench.warc.gz");
    let mut plain = fs::File::create(&plain_path)?;
    let mut gz = fs::File::create(&gz_path)?;
    let (mut size, mut records) = (0usize, 0usize);
    let mut record = Vec::new();
    while size < TARGET {
        let html = &pages[records % pages.len()];
        record.clear();
        warc::write_response(
            &mut record,
            &format!("urn:uuid:bench-{records}"),
            &format!("https://news.example/{records}"),
            "2024-05-17T08:00:00Z",
            "text/html",
            html,
        );
        plain.write_all(&record)?;
        let mut member = GzEncoder::new(Vec::new(), Compression::fast());
        member.write_all(&record)?;
        gz.write_all(&member.finish()?)?;
        size += record.len();
        records += 1;
    }
    drop((plain, gz));
    println!(
        "built {records} records, {:.1} MB uncompressed (from {} pages)",
        size as f64 / 1e6,
        pages.len()
    );

    for path in [plain_path, gz_path] {
        // Warm the page cache, then time the best of three runs.
        let _ = fs::read(&path)?;
        let mut best = f64::MAX;
        let mut counts = (0, 0);
        for _ in 0..3 {
            let start = Instant::now();
            let (mut docs, mut errors) = (0usize, 0usize);
            for item in read(std::slice::from_ref(&path), &Options::default()) {
                match item {
                    Item::Doc { .. } => docs += 1,
                    Item::Error(_) => errors += 1,
                }
            }
            best = best.min(start.elapsed().as_secs_f64());
            counts = (docs, errors);
        }
        println!(
            "{}: {} docs, {} errors, {:.3} s, {:.0} MB/s of uncompressed WARC",
            path.display(),
            counts.0,
            counts.1,
            best,
            size as f64 / 1e6 / best
        );
    }
    Ok(())
}
