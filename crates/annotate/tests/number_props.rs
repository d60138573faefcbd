//! Property tests of the number parser: numbers formatted as news writes them parse back to
//! their value ("1,234,567", "12 344", "1.72 million", "sixty-two thousand …"), and written in a
//! sentence they become a count of that value.

use epiwire_annotate::count::{find, number::parse_number};
use proptest::prelude::*;

/// `n` with a thousands separator `sep` ("1,234,567", "1 234 567").
fn grouped(n: u64, sep: &str) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (k, c) in s.chars().enumerate() {
        if k > 0 && (s.len() - k).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

const UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// English words for 1 ≤ n < 1000.
fn words_below_1000(n: u64) -> String {
    let below_100 = |n: u64| -> String {
        if n < 20 {
            UNITS[n as usize].to_string()
        } else if n.is_multiple_of(10) {
            TENS[(n / 10) as usize].to_string()
        } else {
            format!("{}-{}", TENS[(n / 10) as usize], UNITS[(n % 10) as usize])
        }
    };
    match (n / 100, n % 100) {
        (0, r) => below_100(r),
        (h, 0) => format!("{} hundred", UNITS[h as usize]),
        (h, r) => format!("{} hundred and {}", UNITS[h as usize], below_100(r)),
    }
}

/// English words for 1 ≤ n < 1,000,000,000 ("two million three hundred thousand and five").
fn words(n: u64) -> String {
    let mut parts = Vec::new();
    for (scale, name) in [(1_000_000, "million"), (1_000, "thousand")] {
        let k = (n / scale) % 1000;
        if k > 0 {
            parts.push(format!("{} {name}", words_below_1000(k)));
        }
    }
    let rest = n % 1000;
    if rest > 0 {
        parts.push(words_below_1000(rest));
    }
    parts.join(" ")
}

proptest! {
    #[test]
    fn commas_round_trip(n in 0u64..10_000_000_000_000) {
        prop_assert_eq!(parse_number(&grouped(n, ",")), Some(n as f64));
    }

    #[test]
    fn spaces_round_trip(n in 0u64..10_000_000_000, sep in "( |\u{a0}|\u{202f}|\u{2009})") {
        prop_assert_eq!(parse_number(&grouped(n, &sep)), Some(n as f64));
    }

    #[test]
    fn decimal_multipliers_round_trip(
        x in 1u32..1000,
        y in 0u32..100,
        mult in "(thousand|million|billion)",
    ) {
        let scale = match mult.as_str() {
            "thousand" => 1e3,
            "million" => 1e6,
            _ => 1e9,
        };
        let s = format!("{x}.{y:02} {mult}");
        let want = ((f64::from(x) * 100.0 + f64::from(y)) * scale / 100.0).round();
        prop_assert_eq!(parse_number(&s), Some(want), "{}", s);
    }

    #[test]
    fn words_round_trip(n in 1u64..1_000_000_000) {
        let s = words(n);
        prop_assert_eq!(parse_number(&s), Some(n as f64), "{}", s);
    }

    #[test]
    fn formatted_numbers_become_counts(
        n in 1u64..100_000_000,
        style in 0u8..4,
        noun in "(cases|deaths|new cases|confirmed cases)",
    ) {
        let written = match style {
            // Eight plain digits or more read as an identifier (a phone or case number), not a
            // count: plain digits only below ten million.
            0 => (n % 10_000_000).max(1).to_string(),
            1 => grouped(n, ","),
            2 => grouped(n, " "),
            _ => words(n),
        };
        let text = format!("Officials reported {written} {noun} on Monday.");
        let want = if style == 0 { (n % 10_000_000).max(1) } else { n };
        let counts = find(&text, None);
        prop_assert!(
            counts.iter().any(|c| c.value == want as f64 && c.text == written),
            "{} -> {:?}", text, counts.iter().map(|c| (&c.text, c.value)).collect::<Vec<_>>()
        );
    }
}
