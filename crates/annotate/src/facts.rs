//! A document's headline figures: for each disease × place × metric, the figure an analyst would
//! write in a line list.
//!
//! Among the counts of one disease, place and metric, the headline is the one of the best scope
//! (cumulative, then unknown, then current, then new: a total is never replaced by a daily
//! figure), then the latest as-of date, then the largest value (a cumulative series only grows;
//! the largest of several same-day totals is the most complete), then the last written. Its
//! evidence is the sentence it stands in.

use epiwire_model::{Count, Document, Fact, Range};

use crate::sentence::{Sentences, sentence_of, split};

/// How much a scope is preferred as a headline (higher is better).
fn scope_rank(scope: &str) -> u8 {
    match scope {
        "cumulative" => 3,
        "unknown" => 2,
        "current" => 1,
        _ => 0,
    }
}

/// Derives the facts of `doc` from its counts (after [`crate::link::attach`]).
pub fn headline(doc: &Document) -> Vec<Fact> {
    if doc.counts.is_empty() {
        return Vec::new();
    }
    headline_in(doc, &split(&doc.text))
}

/// [`headline`] with the sentences of `doc.text` already split.
///
/// The counts are grouped by disease, place and metric through a stable sort of small keys (the
/// rank of the disease and of the metric among the document's distinct ones, and the place): a
/// group holds its counts in text order, and the groups come in the order of the keys, the order
/// a map by (disease, place, metric) gives, without comparing strings for every pair.
pub(crate) fn headline_in(doc: &Document, split: &Sentences) -> Vec<Fact> {
    let sents = &split.ranges;
    let counts: Vec<&Count> = doc.counts.iter().filter(|c| c.metric != "other").collect();
    let diseases = ranks(counts.iter().map(|c| c.disease.as_deref()));
    let metrics = ranks(counts.iter().map(|c| Some(c.metric.as_str())));
    let mut keyed: Vec<((u32, Option<u64>, u32), &Count)> = counts
        .iter()
        .zip(diseases.iter().zip(&metrics))
        .map(|(&c, (&d, &m))| ((d, c.place, m), c))
        .collect();
    keyed.sort_by_key(|&(k, _)| k);
    // The country of the last place asked (the groups of one place are adjacent).
    let mut country: Option<(u64, Option<&str>)> = None;
    let mut facts: Vec<Fact> = Vec::new();
    for group in keyed.chunk_by(|a, b| a.0 == b.0) {
        let Some(&(_, first)) = group.first() else {
            continue;
        };
        // The best rank, the last written among equals.
        let count = group[1..].iter().fold(
            first,
            |best, &(_, c)| {
                if rank(c) >= rank(best) { c } else { best }
            },
        );
        let i = sentence_of(sents, count.start);
        let (start, end, byte_start) = match (sents.get(i), split.byte_starts.get(i)) {
            (Some(&(s, e)), Some(&b)) => (s, e, Some(b)),
            _ => (count.start, count.end, None),
        };
        let country = count.place.and_then(|id| match country {
            Some((p, c)) if p == id => c,
            _ => {
                let c = crate::link::country_of(&doc.places, id);
                country = Some((id, c));
                c
            }
        });
        facts.push(Fact {
            disease: count.disease.clone(),
            place: count.place,
            country: country.map(str::to_owned),
            metric: count.metric.clone(),
            value: count.value,
            scope: count.scope.clone(),
            qualifier: count.qualifier.clone(),
            as_of: count.date.clone(),
            evidence: Range {
                start: trim_start(&doc.text, start, end, byte_start),
                end,
            },
        });
    }
    facts.sort_by(|a, b| {
        a.evidence
            .start
            .cmp(&b.evidence.start)
            .then_with(|| a.metric.cmp(&b.metric))
    });
    facts
}

/// The rank of each of `words` among their distinct values in byte order (`None` first).
fn ranks<'a>(words: impl Iterator<Item = Option<&'a str>> + Clone) -> Vec<u32> {
    let mut distinct: Vec<Option<&str>> = Vec::new();
    for w in words.clone() {
        if let Err(at) = distinct.binary_search(&w) {
            distinct.insert(at, w);
        }
    }
    words
        .map(|w| {
            distinct
                .binary_search(&w)
                .map_or(0, |r| u32::try_from(r).unwrap_or(u32::MAX))
        })
        .collect()
}

/// Ordering key of a candidate headline; `>=` in the caller makes the last written win ties.
fn rank(count: &Count) -> (u8, Option<&str>, OrderedValue) {
    (
        scope_rank(&count.scope),
        count.date.as_deref(),
        OrderedValue(count.value),
    )
}

/// An f64 with a total order, for ranking.
#[derive(Debug, Clone, Copy)]
struct OrderedValue(f64);

impl PartialEq for OrderedValue {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for OrderedValue {}

impl PartialOrd for OrderedValue {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedValue {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Skips leading white space of a sentence range (in code points) that starts at byte
/// `byte_start` when it is known (else the text is read from its start).
fn trim_start(text: &str, start: usize, end: usize, byte_start: Option<usize>) -> usize {
    let (chars, skip) = match byte_start.and_then(|b| text.get(b..)) {
        Some(rest) => (rest.chars(), 0),
        None => (text.chars(), start),
    };
    let skipped = chars
        .skip(skip)
        .take(end.saturating_sub(start))
        .take_while(|c| c.is_whitespace())
        .count();
    start + skipped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(value: f64, metric: &str, scope: &str, date: &str, start: usize) -> Count {
        Count {
            start,
            end: start + 1,
            text: "x".into(),
            value,
            metric: metric.into(),
            scope: scope.into(),
            qualifier: "exact".into(),
            min: None,
            max: None,
            status: None,
            disease: Some("D".into()),
            place: Some(7),
            date: Some(date.into()),
        }
    }

    #[test]
    fn cumulative_beats_new_and_latest_wins() {
        let doc = Document {
            text: "a".repeat(100),
            counts: vec![
                count(1_200_000.0, "cases", "cumulative", "2022-05-17", 1),
                count(232_880.0, "cases", "new", "2022-05-18", 2),
                count(1_720_000.0, "cases", "cumulative", "2022-05-18", 3),
                count(6.0, "deaths", "new", "2022-05-18", 4),
                count(9.0, "other", "unknown", "2022-05-18", 5),
            ],
            ..Document::default()
        };
        let facts = headline(&doc);
        assert_eq!(facts.len(), 2);
        let cases = facts.iter().find(|f| f.metric == "cases").unwrap();
        assert_eq!(cases.value, 1_720_000.0);
        assert_eq!(cases.as_of.as_deref(), Some("2022-05-18"));
        let deaths = facts.iter().find(|f| f.metric == "deaths").unwrap();
        assert_eq!((deaths.value, deaths.scope.as_str()), (6.0, "new"));
    }

    /// The headline facts as a map by (disease, place, metric) chose them: the reference
    /// [`headline_in`]'s sort of small keys is held to.
    fn headline_by_map(doc: &Document) -> Vec<Fact> {
        use std::collections::BTreeMap;
        use std::collections::btree_map::Entry;
        let split = split(&doc.text);
        let sents = &split.ranges;
        let mut best: BTreeMap<(Option<&str>, Option<u64>, &str), &Count> = BTreeMap::new();
        for count in &doc.counts {
            if count.metric == "other" {
                continue;
            }
            let key = (count.disease.as_deref(), count.place, count.metric.as_str());
            match best.entry(key) {
                Entry::Vacant(v) => {
                    v.insert(count);
                }
                Entry::Occupied(mut o) => {
                    if rank(count) >= rank(o.get()) {
                        o.insert(count);
                    }
                }
            }
        }
        let mut facts: Vec<Fact> = best
            .into_values()
            .map(|count| {
                let i = sentence_of(sents, count.start);
                let (start, end, byte_start) = match (sents.get(i), split.byte_starts.get(i)) {
                    (Some(&(s, e)), Some(&b)) => (s, e, Some(b)),
                    _ => (count.start, count.end, None),
                };
                Fact {
                    disease: count.disease.clone(),
                    place: count.place,
                    country: count
                        .place
                        .and_then(|id| crate::link::country_of(&doc.places, id))
                        .map(str::to_owned),
                    metric: count.metric.clone(),
                    value: count.value,
                    scope: count.scope.clone(),
                    qualifier: count.qualifier.clone(),
                    as_of: count.date.clone(),
                    evidence: Range {
                        start: trim_start(&doc.text, start, end, byte_start),
                        end,
                    },
                }
            })
            .collect();
        facts.sort_by(|a, b| {
            a.evidence
                .start
                .cmp(&b.evidence.start)
                .then(a.metric.cmp(&b.metric))
        });
        facts
    }

    #[test]
    fn grouping_equals_the_map_on_seeds_and_don_texts() {
        for text in crate::test_util::seed_and_don_texts() {
            let mut doc = Document {
                text,
                published: Some("2012-06-01".into()),
                ..Document::default()
            };
            crate::annotate(&mut doc);
            assert_eq!(doc.facts, headline_by_map(&doc), "{}", doc.text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn grouping_equals_the_map(
            counts in proptest::collection::vec(
                (
                    0usize..5, 0usize..4, 0usize..5, 0usize..5, 0usize..4, 0usize..3, 0u8..4, 0usize..90,
                ),
                0..30,
            )
        ) {
            let diseases = [None, Some("DOID:1"), Some("DOID:10"), Some("A"), Some("")];
            let places = [None, Some(7), Some(3), Some(u64::MAX)];
            let metrics = ["cases", "deaths", "other", "tested", "Cases"];
            let scopes = ["cumulative", "new", "unknown", "current", "x"];
            let dates = [None, Some("2022-05-17"), Some("2022-05-18"), Some("2021-12-31")];
            let qualifiers = ["exact", "about", "more_than"];
            let text = "Intro here. As of today 12 cases were seen. End. \u{e9}t\u{e9} 3 deaths.\n\n"
                .repeat(2);
            let mut doc = Document { text, ..Document::default() };
            for (d, p, m, sc, dt, q, v, start) in counts {
                let mut c = count(f64::from(v), metrics[m], scopes[sc], "x", start);
                c.disease = diseases[d].map(str::to_owned);
                c.place = places[p];
                c.date = dates[dt].map(str::to_owned);
                c.qualifier = qualifiers[q].into();
                doc.counts.push(c);
            }
            proptest::prop_assert_eq!(headline(&doc), headline_by_map(&doc));
        }
    }

    #[test]
    fn evidence_is_the_sentence() {
        let text = "Intro here. As of today 12 cases were seen. End.";
        let start = text.find("12").unwrap();
        let mut c = count(12.0, "cases", "cumulative", "2022-01-01", start);
        c.end = start + 2;
        let doc = Document {
            text: text.into(),
            counts: vec![c],
            ..Document::default()
        };
        let f = &headline(&doc)[0];
        let chars: Vec<char> = text.chars().collect();
        let ev: String = chars[f.evidence.start..f.evidence.end].iter().collect();
        assert_eq!(ev, "As of today 12 cases were seen.");
    }
}
