//! Regression tests from fuzzing the HTML path (fuzz/README.md), as tests of the whole HTML
//! extraction.

use epiwire_article::{combine_lengths, extract_html};

/// Markup the HTML parser nests once per repetition although it looked flat to the depth guard's
/// token count: `<div/>` (the slash is ignored on HTML elements), stray end tags (ignored),
/// `</div>` behind a `<table>` (not in scope), and markup the guard's tokenizer swallowed
/// (after `<!-->`, after a stray quote, inside a foreign `<style>`). Found while writing the
/// `html` fuzz target and confirmed with its binary: 5,000 repetitions kept the DOM extractors
/// busy for more than 300 s. Now the guard sees the depth and the page is tag-stripped in
/// milliseconds. The test asks the guard, not a clock: `combine_lengths` is `None` exactly
/// when the guard keeps the page from the DOM extractors (a time bound would pass on the old
/// code on a fast machine and fail on a loaded one).
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
        let unit = &markup[..20];
        assert_eq!(combine_lengths(&html, None), None, "{unit}: not guarded");
        let a = extract_html(&html, None);
        if keeps_text {
            assert_eq!(a.text, "deep text here", "{unit}");
        }
    }
}

/// Open: trafilatura 0.6 (the Rust port) returns this paragraph twice (its `content_html` holds
/// two identical `<p>`), so the combined extractor's text repeats it. Found by the `html` fuzz
/// target (`characters not from the page`) on a cut trafilatura-eval page, minimised by hand.
/// Fixed where the extractor's text is cleaned: a paragraph that repeats the one before it is
/// dropped.
#[test]
fn trafilatura_paragraph_is_not_repeated() {
    let html = "<article class=article><div>quelle: auto-motor.at/Stefa/div='text/css'>\
                .post-navigation .nav-previous { baploads/2019/07/LK69-Titel-quer-825x510.jpeg); }";
    let a = extract_html(html, None);
    let lines: Vec<&str> = a.text.lines().collect();
    assert_eq!(lines.len(), 1, "{:?}", a.text);
}

/// A flat page of many tiny elements (found by the `html` fuzz target): the DOM extractors are
/// linear in the element count but slow (50,000 `<p>x</p>` took 5 s in release, a minute at the
/// size cap), so past `MAX_ELEMENTS` the page is tag-stripped, keeping every word; below it
/// the DOM extractors still get the page.
#[test]
fn many_tiny_elements_are_tag_stripped() {
    let page = |n: usize| format!("<html><body>{}</body></html>", "<p>x</p>".repeat(n));
    let n = epiwire_article::MAX_ELEMENTS + 10_000;
    let html = page(n);
    assert_eq!(combine_lengths(&html, None), None, "not guarded");
    let a = extract_html(&html, None);
    assert_eq!(a.text.matches('x').count(), n);
    assert!(
        combine_lengths(&page(1_000), None).is_some(),
        "guarded a small page"
    );
}

/// The main text is NFC: a letter and a combining mark in the page come out as one precomposed
/// character. Found by the `html` fuzz target on "\te" + U+0330 ("ḛ" in the text, "characters
/// not from the page"); the target's check now counts the page's NFC form too.
#[test]
fn combining_marks_come_out_composed() {
    let a = extract_html("\te\u{330}", None);
    assert_eq!(a.text, "\u{1e1b}");
    let a = extract_html(
        "<html><body><p>Cafe\u{301} in Mali\u{308}</p></body></html>",
        None,
    );
    assert_eq!(a.text, "Caf\u{e9} in Mal\u{ef}");
}
