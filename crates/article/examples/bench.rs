//! Development aid: extraction throughput on the first N pages of the eval set, for profiling
//! (e.g. under callgrind). Reports process CPU time, which a loaded machine distorts less than
//! wall time. `cargo run --release -p epiwire-article --example bench -- DIR [N] [extractor]`
//! (`EPIWIRE_BENCH_DOC=1`: the whole `extract_with` of a document instead of `extract_html_with`)
use epiwire_article::{Extractor, extract_html_with};
use std::io::{Read, Write};

fn cpu_secs() -> f64 {
    // utime + stime of this process, in clock ticks (Linux); 0 elsewhere.
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = s.rsplit_once(')')?.1;
            let f: Vec<&str> = rest.split_whitespace().collect();
            let u: f64 = f.get(11)?.parse().ok()?;
            let k: f64 = f.get(12)?.parse().ok()?;
            Some((u + k) / 100.0)
        })
        .unwrap_or(0.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(args.get(1).ok_or("DIR")?).join("html");
    let n: usize = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(usize::MAX);
    let ex = args
        .get(3)
        .and_then(|name| Extractor::ALL.into_iter().find(|e| e.name() == name))
        .unwrap_or(Extractor::Combined);
    let mut names: Vec<_> = std::fs::read_dir(&dir)?
        .flatten()
        .map(|e| e.path())
        .collect();
    names.sort();
    let mut pages = Vec::new();
    for p in names.into_iter().take(n) {
        let raw = std::fs::read(&p)?;
        let mut bytes = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice()).read_to_end(&mut bytes)?;
        pages.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    let total: usize = pages.iter().map(String::len).sum();
    let (c0, t0) = (cpu_secs(), std::time::Instant::now());
    let mut chars = 0usize;
    // EPIWIRE_BENCH_DOC=1: the whole `extract_with` on a RawDoc (binary-body check included).
    let whole = std::env::var_os("EPIWIRE_BENCH_DOC").is_some();
    for html in &pages {
        chars += if whole {
            let raw = epiwire_model::RawDoc {
                id: String::new(),
                url: None,
                title: None,
                published: None,
                fetched: None,
                body: epiwire_model::Body::Html(html.clone()),
            };
            epiwire_article::extract_with(&raw, ex).map_or(0, |a| a.text.len())
        } else {
            extract_html_with(html, None, ex).text.len()
        };
    }
    let (cpu, wall) = (cpu_secs() - c0, t0.elapsed().as_secs_f64());
    writeln!(
        std::io::stdout().lock(),
        "{}: {} pages, {:.1} MB, {chars} text bytes, cpu {cpu:.2} s ({:.1} MB/s), wall {wall:.2} s",
        ex.name(),
        pages.len(),
        total as f64 / 1e6,
        total as f64 / 1e6 / cpu.max(1e-9)
    )?;
    Ok(())
}
