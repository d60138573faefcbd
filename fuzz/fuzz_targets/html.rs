//! Fuzzes the HTML path end to end: arbitrary bytes read as an `.html` file by
//! `epiwire-sources` (charset sniffing, decoding), then `epiwire_article::extract` (main text
//! through trafilatura and dom_smoothie, the metadata scan, dates, language) and
//! `extract_text` on the same characters.
//!
//! Invariants: no panic; an extraction error is `NotText` or `Empty`; the main text is tidy
//! (non-empty lines without outer or doubled whitespace) and made of the page's characters (each
//! character occurs in the page, or in the page's NFC form, at least as often, except for what
//! character references may produce: at most two characters per `&`, and U+FFFD per NUL; the
//! text is NFC, so a letter and a combining mark may come out as one precomposed character);
//! the title and author are trimmed, non-empty, on one line and no longer than the page; the
//! date is a valid RFC 3339 timestamp or `YYYY-MM-DD` in 1900–2100; the language is two
//! lowercase ASCII letters.

#![no_main]

use std::collections::HashMap;

use epiwire_model::{Article, Body};
use epiwire_sources::{Item, Options, read_bytes};
use libfuzzer_sys::fuzz_target;
use unicode_normalization::UnicodeNormalization;

fuzz_target!(|data: &[u8]| {
    let opts = Options {
        max_doc_bytes: 1 << 20,
        ..Options::default()
    };
    let items: Vec<Item> = read_bytes(data, "fuzz.html", &opts).collect();
    assert!(items.len() <= 1, "one file, at most one item");
    for item in items {
        let Item::Doc { raw, .. } = item else {
            continue;
        };
        let Body::Html(page) = &raw.body else {
            panic!("an .html file must give an HTML body");
        };
        assert!(!page.trim().is_empty());
        match epiwire_article::extract(&raw) {
            Ok(a) => check(&a, page, true),
            Err(epiwire_article::Error::NotText { .. } | epiwire_article::Error::Empty(_)) => {}
            Err(e) => panic!("unexpected error {e}"),
        }
        // The plain-text path on the same characters.
        check(&epiwire_article::extract_text(page), page, false);
    }
});

fn check(a: &Article, page: &str, html: bool) {
    for line in a.text.lines() {
        if html {
            assert!(!line.is_empty(), "empty line in {:?}", a.text);
            assert_eq!(
                line,
                line.split_whitespace().collect::<Vec<_>>().join(" "),
                "untidy line"
            );
        }
    }
    assert_from_page(&a.text, page);
    let page_chars = page.chars().count();
    for (what, v) in [("title", &a.title), ("author", &a.author)] {
        if let Some(v) = v {
            assert!(!v.is_empty() && v.trim() == v, "{what} {v:?}");
            assert!(!v.contains('\n'), "{what} {v:?}");
            assert!(
                v.chars().count() <= page_chars,
                "{what} longer than the page"
            );
        }
    }
    if let Some(p) = &a.published {
        let year = if p.len() == 10 {
            let d: jiff::civil::Date = p.parse().unwrap_or_else(|e| panic!("{p:?}: {e}"));
            d.year()
        } else {
            let t: jiff::Timestamp = p.parse().unwrap_or_else(|e| panic!("{p:?}: {e}"));
            p[..4]
                .parse::<i16>()
                .unwrap_or_else(|_| panic!("{p:?} {t}"))
        };
        assert!((1900..=2100).contains(&year), "{p:?}");
    }
    if let Some(l) = &a.language {
        assert!(
            l.len() == 2 && l.bytes().all(|b| b.is_ascii_lowercase()),
            "{l:?}"
        );
    }
}

/// Every non-whitespace character of `text` comes from `page`: literally or composed by NFC
/// (the extracted text is NFC: "e" + U+0330 in the page is "ḛ" in the text), or from a
/// character reference (at most two characters per `&`) or a JSON escape in JSON-LD (one per
/// `\`), or U+FFFD for a NUL or a bad reference.
fn assert_from_page(text: &str, page: &str) {
    let tally = |chars: &mut dyn Iterator<Item = char>| {
        let mut n: HashMap<char, usize> = HashMap::new();
        for c in chars {
            *n.entry(c).or_default() += 1;
        }
        n
    };
    let mut have = tally(&mut page.chars());
    for (c, n) in tally(&mut page.nfc()) {
        let have_c = have.entry(c).or_default();
        *have_c = (*have_c).max(n);
    }
    let count = |c: char| have.get(&c).copied().unwrap_or(0);
    // `&…;` gives at most two characters, a JSON `\uXXXX` escape (JSON-LD `articleBody`) one,
    // a NUL becomes U+FFFD.
    let budget = 2 * count('&') + count('\\') + count('\0');
    let mut used: HashMap<char, usize> = HashMap::new();
    let mut excess = 0usize;
    let mut invented = Vec::new();
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        let n = used.entry(c).or_default();
        *n += 1;
        if *n > have.get(&c).copied().unwrap_or(0) {
            excess += 1;
            if invented.len() < 8 {
                invented.push(c);
            }
        }
    }
    assert!(
        excess <= budget,
        "{excess} characters not from the page (budget {budget}), e.g. {invented:?}"
    );
}
