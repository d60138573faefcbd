//! Development aid: writes the markup trafilatura is given (after the pre-cleaning) for each
//! HTML file (plain or gzip-compressed) into OUTDIR under the file's name, to study what the
//! parser still receives. `cargo run --release -p epiwire-article --example premarkup -- OUTDIR FILE...`
use std::io::Read;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = Path::new(args.get(1).ok_or("OUTDIR")?);
    std::fs::create_dir_all(out)?;
    for f in args.get(2..).unwrap_or_default() {
        let p = Path::new(f);
        let raw = std::fs::read(p)?;
        let bytes = if f.ends_with(".gz") {
            let mut b = Vec::new();
            flate2::read::MultiGzDecoder::new(raw.as_slice()).read_to_end(&mut b)?;
            b
        } else {
            raw
        };
        let html = String::from_utf8_lossy(&bytes);
        let name = p.file_name().ok_or("file name")?.to_string_lossy();
        let name = name.trim_end_matches(".gz");
        std::fs::write(out.join(name), epiwire_article::trafilatura_markup(&html))?;
    }
    Ok(())
}
