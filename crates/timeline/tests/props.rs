//! Invariants of `reconcile` on arbitrary figures.

use epiwire_model::Span;
use std::collections::BTreeMap;

use epiwire_timeline::{Figure, SeriesKey, SeriesPart, combine, reconcile};
use proptest::prelude::*;

const METRICS: [&str; 2] = ["cases", "deaths"];
const SCOPES: [&str; 4] = ["cumulative", "new", "current", "unknown"];
const QUALIFIERS: [&str; 7] = [
    "exact",
    "approximate",
    "at_least",
    "more_than",
    "at_most",
    "less_than",
    "range",
];

prop_compose! {
    fn figure()(
        doc in 0usize..4,
        metric in 0usize..2,
        scope in 0usize..4,
        q in 0usize..7,
        value in 0u32..2_000_000,
        millions in any::<bool>(),
        day in proptest::option::weighted(0.9, 10u8..16),
        country in proptest::option::weighted(0.9, prop_oneof![Just("KP"), Just("CN")]),
    ) -> Figure {
        let text = if millions {
            format!("{:.1} million", f64::from(value) / 1e6)
        } else {
            value.to_string()
        };
        Figure {
            doc_id: format!("d{doc}"),
            url: None,
            outlet: Some(format!("outlet{doc}.com")),
            title: None,
            published: Some(format!("2022-05-{:02}T10:00:00+09:00", 10 + doc)),
            disease: Some("DOID:0080600".into()),
            disease_name: Some("COVID-19".into()),
            place: None,
            place_name: None,
            place_kind: None,
            country: country.map(str::to_string),
            metric: METRICS[metric].into(),
            scope: SCOPES[scope].into(),
            qualifier: QUALIFIERS[q].into(),
            value: f64::from(value),
            min: (q == 6).then_some(f64::from(value)),
            max: (q == 6).then_some(f64::from(value) * 1.1),
            status: None,
            as_of: day.map(|d| format!("2022-05-{d:02}")),
            as_of_source: None,
            headline: false,
            span: Span { start: 0, end: text.chars().count(), text },
            evidence: Span { start: 0, end: 0, text: String::new() },
        }
    }
}

proptest! {
    #[test]
    fn series_hold_only_what_sources_say(figs in proptest::collection::vec(figure(), 0..40)) {
        let t = reconcile(&figs);
        prop_assert_eq!(t.figures.len(), figs.len());
        for s in &t.series {
            let days: Vec<&str> = s.points.iter().map(|p| p.as_of.as_str()).collect();
            let mut sorted = days.clone();
            sorted.sort_unstable();
            sorted.dedup();
            prop_assert_eq!(&days, &sorted, "one point per day, in order");
            for p in &s.points {
                let same: Vec<&Figure> = figs
                    .iter()
                    .filter(|f| {
                        f.country == s.country
                            && f.metric == s.metric
                            && f.scope == s.scope
                            && f.as_of.as_deref() == Some(p.as_of.as_str())
                    })
                    .collect();
                if p.derived {
                    prop_assert_eq!(s.scope.as_str(), "cumulative");
                    prop_assert!(p.reason.is_some());
                    prop_assert!(same.is_empty(), "derived only where no source reports");
                } else {
                    prop_assert!(same.iter().any(|f| f.value == p.value), "kept value is reported");
                    for d in &p.doc_ids {
                        prop_assert!(same.iter().any(|f| &f.doc_id == d));
                    }
                }
            }
        }
        for c in &t.conflicts {
            prop_assert!(c.kind == "disagreement" || c.kind == "decrease");
            if c.kind == "decrease" {
                prop_assert_eq!(c.scope.as_str(), "cumulative");
                prop_assert!(c.values[1] < c.values[0]);
            } else {
                prop_assert!(c.scope == "cumulative" || c.scope == "new");
            }
            prop_assert!(!c.reason.is_empty());
        }
    }

    /// Keeping one part per series and adding each batch's figures to the parts it touches
    /// gives the batch `reconcile` of all the figures, whatever the batches.
    #[test]
    fn parts_updated_batch_by_batch_equal_reconcile(
        figs in proptest::collection::vec(figure(), 0..40),
        cuts in proptest::collection::vec(0usize..40, 0..6),
    ) {
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(figs.len())).collect();
        cuts.push(0);
        cuts.push(figs.len());
        cuts.sort_unstable();
        let mut parts: BTreeMap<SeriesKey, SeriesPart> = BTreeMap::new();
        for w in cuts.windows(2) {
            let mut touched: BTreeMap<SeriesKey, Vec<Figure>> = BTreeMap::new();
            for f in &figs[w[0]..w[1]] {
                if let Some(k) = SeriesKey::of(f) {
                    touched.entry(k).or_default().push(f.clone());
                }
            }
            for (k, new) in touched {
                match parts.get_mut(&k) {
                    Some(p) => p.add(new),
                    None => {
                        parts.insert(k.clone(), SeriesPart::new(k, new));
                    }
                }
            }
        }
        let t = reconcile(&figs);
        let (series, conflicts) = combine(parts.values());
        prop_assert_eq!(series, t.series);
        prop_assert_eq!(conflicts, t.conflicts);
        let kept: usize = parts.values().map(|p| p.figures.len()).sum();
        prop_assert_eq!(kept, t.figures.iter().filter(|f| SeriesKey::of(f).is_some()).count());
    }
}
