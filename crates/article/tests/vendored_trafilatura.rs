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
