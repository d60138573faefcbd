//! Development aid: the article (text, title, date, author, language) of every page of the
//! given sets as JSON lines, to check that a speed-only change keeps the output byte-identical
//! (run before and after, diff the files).
//! `cargo run --release -p epiwire-article --example identity -- OUT [eval DIR] [html DIR] [text DIR]`
//! `eval DIR`: the trafilatura-eval pages with their URLs (`DIR/evaldata.json`, `DIR/html/*.gz`);
//! `html DIR`: every `.html` file of DIR, without a URL; `text DIR`: every `.txt` file as plain
//! text. Each page goes through [`epiwire_article::extract`] as a [`epiwire_model::RawDoc`].
use epiwire_model::{Body, RawDoc};
use std::io::{Read, Write};
use std::path::Path;

fn record(w: &mut impl Write, id: &str, url: Option<&str>, body: Body) -> std::io::Result<()> {
    let raw = RawDoc {
        id: id.to_string(),
        url: url.map(String::from),
        title: None,
        published: None,
        fetched: None,
        body,
    };
    let rec = match epiwire_article::extract(&raw) {
        Ok(a) => serde_json::json!({"id": id, "text": a.text, "title": a.title,
            "published": a.published, "author": a.author, "language": a.language}),
        Err(e) => serde_json::json!({"id": id, "error": e.to_string()}),
    };
    writeln!(w, "{rec}")
}

fn sorted_files(dir: &Path, ext: &str) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut v: Vec<_> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    v.sort();
    Ok(v)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = args.get(1).ok_or("OUT")?;
    let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
    for pair in args.get(2..).unwrap_or_default().chunks(2) {
        let [kind, dir] = pair else {
            return Err("sets come as KIND DIR pairs".into());
        };
        let dir = Path::new(dir);
        match kind.as_str() {
            "eval" => {
                let data: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(dir.join("evaldata.json"))?)?;
                for (url, item) in data.as_object().ok_or("obj")? {
                    let file = item["file"].as_str().ok_or("file")?;
                    let Ok(raw) = std::fs::read(dir.join("html").join(format!("{file}.gz"))) else {
                        continue;
                    };
                    let mut bytes = Vec::new();
                    flate2::read::MultiGzDecoder::new(raw.as_slice()).read_to_end(&mut bytes)?;
                    let html = String::from_utf8_lossy(&bytes).into_owned();
                    record(&mut w, file, Some(url), Body::Html(html))?;
                }
            }
            "html" => {
                for p in sorted_files(dir, "html")? {
                    let html = String::from_utf8_lossy(&std::fs::read(&p)?).into_owned();
                    record(&mut w, &p.display().to_string(), None, Body::Html(html))?;
                }
            }
            "text" => {
                for p in sorted_files(dir, "txt")? {
                    let text = std::fs::read_to_string(&p)?;
                    record(&mut w, &p.display().to_string(), None, Body::Text(text))?;
                }
            }
            other => return Err(format!("unknown set kind {other}").into()),
        }
    }
    w.flush()?;
    Ok(())
}
