//! Invariants of the daily-series detectors on arbitrary series.

use epiwire_signal::{Subject, daily, detect};
use proptest::prelude::*;

proptest! {
    #[test]
    fn detectors_never_fail_on_a_valid_series(
        counts in proptest::collection::vec((0u32..90, 0u32..60), 0..80)
    ) {
        let start = jiff::civil::date(2022, 1, 1);
        let counts: Vec<(jiff::civil::Date, u32)> = counts
            .into_iter()
            .map(|(d, n)| (start.checked_add(jiff::Span::new().days(i64::from(d))).unwrap(), n))
            .collect();
        let series = daily(&counts).unwrap();
        let total: u32 = counts.iter().map(|(_, n)| n).sum();
        prop_assert_eq!(series.iter().map(|(_, n)| *n).sum::<f64>(), f64::from(total));
        if let (Some(first), Some(last)) = (counts.iter().map(|c| c.0).min(), counts.iter().map(|c| c.0).max()) {
            prop_assert_eq!(series.len() as i32, (last - first).get_days() + 1);
        }
        let sig = detect(&counts, &Subject::default()).unwrap();
        for s in &sig {
            prop_assert!((0.0..=1.0).contains(&s.score), "{s:?}");
            prop_assert!(s.value.is_finite() && s.threshold.is_finite(), "{s:?}");
            prop_assert!(series.iter().any(|(d, _)| d.to_string() == s.date));
            prop_assert!(!s.reason.is_empty());
        }
    }
}

proptest! {
    /// A stored signal reads back bit for bit: summaries and event states keep signals as JSON, and
    /// a resumed or re-consolidated store must hold the same scores as an uninterrupted run (the
    /// workspace's serde_json parses floats exactly, feature `float_roundtrip`; without it some
    /// values came back one unit in the last place off).
    #[test]
    fn a_signal_survives_its_json_round_trip_bit_for_bit(
        value in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO,
        threshold in proptest::num::f64::POSITIVE | proptest::num::f64::NEGATIVE,
        score in 0.0f64..=1.0,
    ) {
        let s = epiwire_signal::Signal {
            kind: "jump".into(),
            date: "2022-05-18".into(),
            disease: None,
            disease_name: None,
            country: None,
            event: None,
            value,
            threshold,
            score,
            reason: String::new(),
        };
        let back: epiwire_signal::Signal = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        prop_assert_eq!(back.value.to_bits(), value.to_bits());
        prop_assert_eq!(back.threshold.to_bits(), threshold.to_bits());
        prop_assert_eq!(back.score.to_bits(), score.to_bits());
    }
}
