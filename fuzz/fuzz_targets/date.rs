//! Fuzzes the date recogniser: arbitrary text must never panic, every mention must be a slice
//! of its input, and every resolved value must be a valid ISO date.

#![no_main]

use epiwire_annotate::date::find;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let published = jiff::civil::date(2022, 5, 17);
    let n_chars = text.chars().count();
    for d in find(text, Some(published)) {
        assert!(d.start <= d.end && d.end <= n_chars);
        let slice: String = text.chars().skip(d.start).take(d.end - d.start).collect();
        assert_eq!(slice, d.text);
        for v in [&d.value, &d.end_value].into_iter().flatten() {
            assert!(v.parse::<jiff::civil::Date>().is_ok(), "{v}");
        }
    }
});
