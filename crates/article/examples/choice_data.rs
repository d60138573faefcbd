//! Development aid: per eval page, the lengths the combined extractor decides on (trafilatura's
//! text, dom_smoothie's text, the bound) and both extractors' final texts, as JSON lines.
//! `cargo run --release -p epiwire-article --example choice_data -- DIR OUT [files]` (`files`: DIR
//! holds HTML files without gold data; only the lengths are written)
use epiwire_article::{Extractor, extract_html_with};
use std::io::{Read, Write};

fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes
            .iter()
            .map(|&b| match b {
                0x80 => '€',
                0x82 => '‚',
                0x84 => '„',
                0x85 => '…',
                0x91 => '‘',
                0x92 => '’',
                0x93 => '“',
                0x94 => '”',
                0x96 => '–',
                0x97 => '—',
                _ => char::from(b),
            })
            .collect(),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(args.get(1).ok_or("DIR")?);
    let out = args.get(2).ok_or("OUT")?;
    if args.get(3).is_some_and(|m| m == "files") {
        // A directory of HTML files (no gold data): lengths only.
        let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
        let mut names: Vec<_> = std::fs::read_dir(&dir)?
            .flatten()
            .map(|e| e.path())
            .collect();
        names.sort();
        for p in names {
            let html = String::from_utf8_lossy(&std::fs::read(&p)?).into_owned();
            let rec = serde_json::json!({"file": p.display().to_string(), "bytes": html.len(),
                "lens": epiwire_article::combine_lengths(&html, None),
                "para": epiwire_article::paragraph_chars(&html)});
            writeln!(w, "{rec}")?;
        }
        return Ok(());
    }
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
        let html = decode(&bytes);
        let lens = epiwire_article::combine_lengths(&html, Some(url));
        let t = extract_html_with(&html, Some(url), Extractor::Trafilatura);
        let d = extract_html_with(&html, Some(url), Extractor::DomSmoothie);
        let c = extract_html_with(&html, Some(url), Extractor::Combined);
        let rec = serde_json::json!({"url": url, "file": file, "bytes": html.len(),
            "lens": lens, "para": epiwire_article::paragraph_chars(&html), "t": t.text, "d": d.text, "c": c.text});
        writeln!(w, "{rec}")?;
    }
    Ok(())
}
