//! Regression tests from fuzzing the HTML path (fuzz/README.md), as tests of the whole HTML
//! extraction.

use std::time::{Duration, Instant};

use epiwire_article::extract_html;

/// Markup the HTML parser nests once per repetition although it looked flat to the depth guard's
/// token count: `<div/>` (the slash is ignored on HTML elements), stray end tags (ignored),
/// `</div>` behind a `<table>` (not in scope), and markup the guard's tokenizer swallowed
/// (after `<!-->`, after a stray quote, inside a foreign `<style>`). Found while writing the
/// `html` fuzz target and confirmed with its binary: 5,000 repetitions kept the DOM extractors
/// busy for more than 300 s. Now the guard sees the depth and the page is tag-stripped in
/// milliseconds.
#[test]
fn parser_nesting_that_looks_flat_is_guarded() {
    let n = 20_000;
    let cases = [
        ("<div/>".repeat(n), true),
        ("<b/>".repeat(n), true),
        ("<div></i>".repeat(n), true),
        ("<div><table></div>".repeat(n), true),
        // The tag-strip hides what follows an unclosed `<svg>`, a comment or a stray quote.
        ("<svg><div/>".repeat(n), false),
        (format!("<!-->{}", "<div>".repeat(n)), false),
        (format!("<p a\">{}", "<div>".repeat(n)), false),
        (format!("<svg><style>{}", "<div>".repeat(n)), false),
    ];
    for (markup, keeps_text) in cases {
        let html = format!("<html><body>{markup}deep text here</body></html>");
        let t = Instant::now();
        let a = extract_html(&html, None);
        let took = t.elapsed();
        let unit = &markup[..20];
        if keeps_text {
            assert_eq!(a.text, "deep text here", "{unit}");
        }
        assert!(took < Duration::from_secs(20), "{unit}: {took:?}");
    }
}
