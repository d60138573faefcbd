//! Prints the article extracted from each HTML or text file given (development aid).
//! `EXTRACTOR=dom_smoothie|trafilatura|combined cargo run --release -p epiwire-article --example show -- FILE...`
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut out = std::io::stdout().lock();
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path)?;
        let body = String::from_utf8_lossy(&bytes).to_string();
        let raw = epiwire_model::RawDoc {
            id: path.clone(),
            url: None,
            title: None,
            published: None,
            fetched: None,
            body: if path.ends_with(".txt") {
                epiwire_model::Body::Text(body)
            } else {
                epiwire_model::Body::Html(body)
            },
        };
        let extractor = match std::env::var("EXTRACTOR").as_deref() {
            Ok("dom_smoothie") => epiwire_article::Extractor::DomSmoothie,
            Ok("trafilatura") => epiwire_article::Extractor::Trafilatura,
            _ => epiwire_article::Extractor::Combined,
        };
        match epiwire_article::extract_with(&raw, extractor) {
            Ok(a) => writeln!(
                out,
                "== {path}\ntitle: {:?}\npublished: {:?}\nauthor: {:?}\nlanguage: {:?}\n{}\n",
                a.title, a.published, a.author, a.language, a.text
            )?,
            Err(e) => writeln!(out, "== {path}\nerror: {e}\n")?,
        }
    }
    Ok(())
}
