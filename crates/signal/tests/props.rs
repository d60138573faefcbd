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
