//! Checks how each raw extractor library copes with deeply nested markup (without this crate's
//! depth guard). Run each library in its own process, since a stack overflow aborts:
//! `cargo run --release -p epiwire-article --example nesting -- dom_smoothie 100000`
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map_or("dom_smoothie", String::as_str);
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let html = format!(
        "<html><body>{}deep text{}</body></html>",
        "<div>".repeat(n),
        "</div>".repeat(n)
    );
    let t = std::time::Instant::now();
    let len = match which {
        "trafilatura" => trafilatura::extract(&html, &trafilatura::Options::default())
            .map(|r| r.content_text.len())
            .unwrap_or(0),
        _ => dom_smoothie::Readability::new(html.as_str(), None, None)
            .and_then(|mut r| r.parse())
            .map(|a| a.text_content.len())
            .unwrap_or(0),
    };
    eprintln!(
        "{which} depth {n}: ok, {len} chars in {:.2}s",
        t.elapsed().as_secs_f64()
    );
}
