//! The vendored trafilatura (vendor/trafilatura, see its NOTICE) must give the same results as
//! the upstream code it replaces: here its `trim` against upstream's three-pass definition.

use proptest::prelude::*;
use trafilatura::utils::{trim, trim_char_count};
use unicode_normalization::UnicodeNormalization;

/// trafilatura 0.6.0's `trim`, as published.
fn upstream_trim(s: &str) -> String {
    let no_soft_hyphen: String = s.chars().filter(|&c| c != '\u{00AD}').collect();
    let joined = no_soft_hyphen
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    joined.nfc().collect()
}

#[test]
fn trim_matches_upstream_on_edge_cases() {
    let cases = [
        "",
        "   ",
        "a",
        " a  b\tc\nd\re\x0Bf\x0Cg ",
        "\x1c a \x1f",
        "x \u{AD} y",
        "\u{AD}",
        "\u{AD} \u{AD}a\u{AD} \u{AD}",
        "caf\u{65}\u{301} na\u{EF}ve",
        "u\u{308}ber\u{A0}alles\u{2028}x\u{85}y\u{3000}z",
        "\u{1100}\u{1161}\u{11A8} Hangul jamo",
        "e\u{323}\u{302} \u{301}",
        "ascii only, with    runs of   spaces\n\n\tand tabs",
    ];
    for s in cases {
        assert_eq!(trim(s), upstream_trim(s), "{s:?}");
        assert_eq!(
            trim_char_count(s),
            upstream_trim(s).chars().count(),
            "{s:?}"
        );
    }
}

proptest! {
    #[test]
    fn trim_matches_upstream(
        s in "[a-z \t\n\r\u{0B}\u{0C}\u{1C}\u{AD}\u{A0}\u{85}\u{2028}\u{301}\u{308}\u{323}\u{302}\u{1100}\u{1161}\u{11A8}éü.]{0,40}"
    ) {
        prop_assert_eq!(trim(&s), upstream_trim(&s));
        prop_assert_eq!(trim_char_count(&s), upstream_trim(&s).chars().count());
    }

    #[test]
    fn trim_matches_upstream_on_ascii(s in "[ -~\t\n\r\u{0B}\u{0C}]{0,60}") {
        prop_assert_eq!(trim(&s), upstream_trim(&s));
        prop_assert_eq!(trim_char_count(&s), upstream_trim(&s).chars().count());
    }
}

/// The page length of the recall escalation, counted without cloning and cleaning the
/// document, equals upstream's count of the cleaned clone's text.
#[test]
fn page_text_length_matches_upstream() {
    let pages = [
        "<html><body><p>One</p><div class=\"cookie-consent\">Accept cookies</div>\
         <p>Two<br>three</p></body></html>",
        "<html><body id=\"cookie-banner\"><nav>Menu</nav><article><h1>T</h1>\
         <p>Caf\u{e9} text \u{ad} here</p></article><footer>f</footer></body></html>",
        "<p>no body tag</p><aside>side</aside>tail <b>bold</b>",
        "",
    ];
    for html in pages {
        let (ours, upstream) = trafilatura::page_text_lengths(html);
        assert_eq!(ours, upstream, "{html}");
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/trafilatura-eval/html");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut names: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    names.sort();
    names.truncate(40);
    assert!(!names.is_empty());
    for path in names {
        let raw = std::fs::read(&path).unwrap();
        let mut html = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::MultiGzDecoder::new(raw.as_slice()),
            &mut html,
        )
        .unwrap();
        let html = String::from_utf8_lossy(&html);
        let (ours, upstream) = trafilatura::page_text_lengths(&html);
        assert!(upstream > 0, "{}", path.display());
        assert_eq!(ours, upstream, "{}", path.display());
    }
}
