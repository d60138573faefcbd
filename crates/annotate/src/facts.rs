//! A document's headline figures: for each disease × place × metric, the figure an analyst would
//! write in a line list.
//!
//! Among the counts of one disease, place and metric, the headline is the one of the best scope
//! (cumulative, then unknown, then current, then new: a total is never replaced by a daily
//! figure), then the latest as-of date, then the largest value (a cumulative series only grows;
//! the largest of several same-day totals is the most complete), then the last written. Its
//! evidence is the sentence it stands in.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

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
pub(crate) fn headline_in(doc: &Document, split: &Sentences) -> Vec<Fact> {
    let sents = &split.ranges;
    let mut best: BTreeMap<(Option<&str>, Option<u64>, &str), &Count> = BTreeMap::new();
    for count in &doc.counts {
        if count.metric == "other" {
            continue;
        }
        let key = (count.disease.as_deref(), count.place, count.metric.as_str());
        // One search of the map per count (the entry keeps the first key, as `insert` did).
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
