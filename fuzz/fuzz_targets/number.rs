//! Fuzzes the number parser: arbitrary text must never panic, every mention must be a slice of
//! its input, and a parsed number must be finite and non-negative.

#![no_main]

use epiwire_annotate::count::number::{find_numbers, parse_number};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(v) = parse_number(text) {
        assert!(v.is_finite() && v >= 0.0, "{text:?} -> {v}");
    }
    let n_chars = text.chars().count();
    for n in find_numbers(text) {
        assert!(n.start < n.end && n.end <= n_chars);
        let slice: String = text.chars().skip(n.start).take(n.end - n.start).collect();
        assert_eq!(slice, n.text);
    }
});
