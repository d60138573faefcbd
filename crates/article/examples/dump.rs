//! Development aid: writes each eval page's extracted text per extractor as JSON lines, for
//! analysing where the extractors differ.
//! `cargo run --release -p epiwire-article --example dump -- DIR OUT [extractor ...]`
use epiwire_article::{Extractor, extract_html_with};
use std::io::{Read, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(args.get(1).ok_or("DIR")?);
    let out = args.get(2).ok_or("OUT")?;
    let names = args.get(3..).unwrap_or_default();
    let chosen: Vec<Extractor> = Extractor::ALL
        .into_iter()
        .filter(|e| names.is_empty() || names.iter().any(|n| n == e.name()))
        .collect();
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("evaldata.json"))?)?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
    for (url, item) in data.as_object().ok_or("obj")? {
        let file = item["file"].as_str().ok_or("file")?;
        let Ok(raw) = std::fs::read(dir.join("html").join(format!("{file}.gz"))) else {
            continue;
        };
        let mut bytes = Vec::new();
        flate2::read::MultiGzDecoder::new(raw.as_slice()).read_to_end(&mut bytes)?;
        let html = String::from_utf8_lossy(&bytes).to_string();
        let mut rec = serde_json::json!({"url": url, "file": file});
        for &ex in &chosen {
            let t = std::time::Instant::now();
            let a = extract_html_with(&html, Some(url), ex);
            rec[ex.name()] = serde_json::json!({"text": a.text, "title": a.title, "published": a.published, "author": a.author, "language": a.language, "secs": t.elapsed().as_secs_f64()});
        }
        writeln!(w, "{rec}")?;
    }
    Ok(())
}
