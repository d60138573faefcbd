//! Fuzzes the count recogniser and the whole annotation: arbitrary text must never panic, every
//! count must be a slice of its input with a finite value and a known metric, scope and
//! qualifier.

#![no_main]

use epiwire_annotate::count::find;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let published = jiff::civil::date(2022, 5, 17);
    let n_chars = text.chars().count();
    for c in find(text, Some(published)) {
        assert!(c.start < c.end && c.end <= n_chars);
        let slice: String = text.chars().skip(c.start).take(c.end - c.start).collect();
        assert_eq!(slice, c.text);
        assert!(c.value.is_finite() && c.value >= 0.0);
        assert!(matches!(
            c.metric.as_str(),
            "cases"
                | "deaths"
                | "hospitalizations"
                | "recoveries"
                | "quarantined"
                | "tested"
                | "vaccinated"
                | "other"
        ));
        assert!(matches!(
            c.scope.as_str(),
            "cumulative" | "new" | "current" | "unknown"
        ));
        assert!(matches!(
            c.qualifier.as_str(),
            "exact" | "approximate" | "at_least" | "more_than" | "at_most" | "less_than" | "range"
        ));
    }
    // The whole annotation (diseases, places, dates, counts, facts) on the same text.
    let mut doc = epiwire_model::Document {
        text: text.to_owned(),
        title: Some(text.chars().take(80).collect()),
        published: Some("2022-05-17".into()),
        ..Default::default()
    };
    epiwire_annotate::annotate(&mut doc);
    for f in &doc.facts {
        assert!(f.evidence.start <= f.evidence.end && f.evidence.end <= n_chars);
    }
});
