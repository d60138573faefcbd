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

use epiwire_model::{Count, Document, Fact, Range, Word};

use crate::link::Linked;
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
    headline_in(doc, &split(&doc.text), &[])
}

/// [`headline`] with the sentences of `doc.text` already split, and the sentence of each count
/// (by count index) when [`crate::link::attach_in`] found them (else empty: each is searched).
pub(crate) fn headline_in(doc: &Document, split: &Sentences, of_count: &[Linked]) -> Vec<Fact> {
    // The facts are ordered by the start of their evidence, then by metric (a stable sort):
    // the headline counts are sorted with their evidence first and the facts built in that
    // order, instead of sorting the built facts (moving a `Fact` costs more than its key).
    let Some(best) = best_by_keys(&doc.counts) else {
        let order = evidence_and_country(doc, split, of_count, best_by_map(&doc.counts));
        return facts_sorted_stably(order);
    };
    let mut order = evidence_and_country(doc, split, of_count, best.iter().map(|g| g.1));
    // With the keys, a metric's place in `METRICS` (byte order) is its order: each fact's
    // order is one `u64` (evidence start, metric, place in the keys' order for the stable
    // sort's ties), sorted unstably.
    let fits = order.len() <= ORDER_POS
        && order
            .iter()
            .all(|o| u64::try_from(o.0.start).is_ok_and(|s| s <= u64::from(u32::MAX)));
    if !fits {
        return facts_sorted_stably(order);
    }
    let mut keys: Vec<u64> = order
        .iter()
        .zip(&best)
        .enumerate()
        .map(|(pos, (o, &(key, _)))| ((o.0.start as u64) << 32) | ((key & 7) << 29) | pos as u64)
        .collect();
    keys.sort_unstable();
    // Each key's low bits are the place of one of `order`'s entries (the zip above).
    keys.into_iter()
        .map(|k| {
            let (evidence, country, count) = &mut order[(k & (ORDER_POS as u64 - 1)) as usize];
            fact(count, country.take(), *evidence)
        })
        .collect()
}

/// More facts than this take the stable sort (their places in the keys' order do not fit the
/// 29 bits of an order key).
const ORDER_POS: usize = 1 << 29;

/// The evidence and country of each headline count of `best`, in its order.
fn evidence_and_country<'c>(
    doc: &Document,
    split: &Sentences,
    of_count: &[Linked],
    best: impl IntoIterator<Item = &'c Count>,
) -> Vec<(Range, Option<Word>, &'c Count)> {
    // The country of the last place asked (in the order of the keys the counts of one place
    // are adjacent).
    let mut last: Option<(u64, Option<Word>)> = None;
    best.into_iter()
        .map(|count| {
            let linked = of_count.get(index_in(&doc.counts, count));
            let country = count.place.and_then(|id| match &last {
                Some((p, c)) if *p == id => c.clone(),
                _ => {
                    // The place linking gave the count is the first of its id in
                    // `doc.places` (the place finder gives one place per id).
                    let c = match linked
                        .and_then(|l| doc.places.get(l.place))
                        .filter(|p| p.geonameid == id)
                    {
                        Some(p) => p.country.clone(),
                        None => crate::link::country_of(&doc.places, id),
                    };
                    last = Some((id, c.clone()));
                    c
                }
            });
            let sentence = linked.map(|l| l.sentence);
            (evidence(doc, split, count, sentence), country, count)
        })
        .collect()
}

/// The facts of `order` sorted by evidence start, then metric, for any metrics (stable).
fn facts_sorted_stably(mut order: Vec<(Range, Option<Word>, &Count)>) -> Vec<Fact> {
    order.sort_by(|a, b| {
        a.0.start
            .cmp(&b.0.start)
            .then_with(|| a.2.metric.cmp(&b.2.metric))
    });
    order
        .into_iter()
        .map(|(evidence, country, count)| fact(count, country, evidence))
        .collect()
}

/// The index of `count` in `counts` (`counts.len()` or more when it is not one of them).
#[inline]
fn index_in(counts: &[Count], count: &Count) -> usize {
    std::ptr::from_ref(count)
        .addr()
        .checked_sub(counts.as_ptr().addr())
        .map_or(usize::MAX, |d| d / size_of::<Count>())
}

/// The evidence of the fact of `count`: the sentence it stands in (in code points, leading
/// white space skipped), or the count's own span when no sentence holds it. `sentence` is
/// that sentence's index when known ([`crate::sentence::sentence_of`] of the count's start).
fn evidence(doc: &Document, split: &Sentences, count: &Count, sentence: Option<usize>) -> Range {
    let i = sentence.unwrap_or_else(|| sentence_of(&split.ranges, count.start));
    let (start, end, byte_start) = match (split.ranges.get(i), split.byte_starts.get(i)) {
        (Some(&(s, e)), Some(&b)) => (s, e, Some(b)),
        _ => (count.start, count.end, None),
    };
    Range {
        start: trim_start(&doc.text, start, end, byte_start),
        end,
    }
}

/// The fact of the headline count `count`.
fn fact(count: &Count, country: Option<Word>, evidence: Range) -> Fact {
    Fact {
        disease: count.disease.clone(),
        place: count.place,
        country,
        metric: count.metric.clone(),
        value: count.value,
        scope: count.scope.clone(),
        qualifier: count.qualifier.clone(),
        // Copied in place: `String::clone` is a call per fact.
        as_of: count.date.as_deref().map(str::to_owned),
        evidence,
    }
}

/// The headline count of each (disease, place, metric) in the order of that key: the count of
/// the best [`rank`], the last written among equals. Counts of the metric "other" have none.
fn best_by_map(counts: &[Count]) -> Vec<&Count> {
    let mut best: BTreeMap<(Option<&str>, Option<u64>, &str), &Count> = BTreeMap::new();
    for count in counts {
        if count.metric == "other" {
            continue;
        }
        let key = (count.disease.as_deref(), count.place, &*count.metric);
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
    best.into_values().collect()
}

/// The metrics of the contract but "other", in byte order.
const METRICS: [&str; 7] = [
    "cases",
    "deaths",
    "hospitalizations",
    "quarantined",
    "recoveries",
    "tested",
    "vaccinated",
];

/// At most this many distinct diseases take [`best_by_keys`] (it searches them linearly).
const MAX_DISEASES: usize = 16;

/// The bits of a [`best_by_keys`] key below its disease: a place id (below [`PLACE_LIMIT`])
/// with a bit above it for "some place", shifted past the 3 bits of the metric.
const DISEASE_SHIFT: u32 = 59;

/// Place ids from this one on do not fit a key: [`best_by_keys`] gives way to the map.
const PLACE_LIMIT: u64 = 1 << (DISEASE_SHIFT - 4);

/// [`best_by_map`] without a map of string keys, for counts whose metrics are those of the
/// contract, that name at most [`MAX_DISEASES`] diseases and whose place ids are below
/// [`PLACE_LIMIT`] (else `None`): each count gets one `u64` key, the place of its disease among
/// the distinct ones (as first seen, none first; 5 bits), its place (a bit for "some" and the
/// id) and the place of its metric (3 bits). The groups are kept in a vector in order of first
/// count, found by key in a hash table ([`Groups`]), each with its best count so far (the
/// counts come in text order, so the last written wins ties as in the map); then the disease
/// places are replaced by their ranks in byte order and the groups sorted into the map's
/// order. No sort of all the counts, no insert in the middle of a vector.
fn best_by_keys(counts: &[Count]) -> Option<Vec<(u64, &Count)>> {
    // The distinct diseases as first seen (a disease id is mostly the lexicon's own string:
    // the same pointer is the same disease without reading it).
    let mut diseases: [&str; MAX_DISEASES] = [""; MAX_DISEASES];
    let mut seen = 0usize;
    // A group's place is kept as a `u32` in the table.
    if u32::try_from(counts.len()).is_err() {
        return None;
    }
    let mut groups: Vec<(u64, &Count)> = Vec::with_capacity(counts.len());
    let (mut inline, mut heap) = ([0u32; INLINE_SLOTS], Vec::new());
    let mut table = Groups::new(counts.len(), &mut inline, &mut heap);
    for count in counts {
        let metric = match &*count.metric {
            "other" => continue,
            m => METRICS.iter().position(|&k| k == m)?,
        };
        // The disease's place among the distinct ones as first seen, plus one (0: none).
        let disease = match count.disease.as_deref() {
            None => 0,
            Some(d) => {
                let known = diseases.get(..seen).unwrap_or(&[]);
                match known.iter().position(|&k| std::ptr::eq(k, d) || k == d) {
                    Some(at) => at + 1,
                    None => {
                        *diseases.get_mut(seen)? = d;
                        seen += 1;
                        seen
                    }
                }
            }
        };
        let place = match count.place {
            None => 0,
            Some(p) if p < PLACE_LIMIT => PLACE_LIMIT | p,
            Some(_) => return None,
        };
        let key = ((disease as u64) << DISEASE_SHIFT) | (place << 3) | metric as u64;
        match table.group(key, &groups) {
            Ok(at) => {
                if let Some(best) = groups.get_mut(at).map(|g| &mut g.1)
                    && rank(count) >= rank(best)
                {
                    *best = count;
                }
            }
            Err(slot) => {
                table.fill(slot, groups.len());
                groups.push((key, count));
            }
        }
    }
    // The first-seen places of the diseases, replaced by their ranks in byte order.
    let diseases = diseases.get(..seen).unwrap_or(&[]);
    let mut order = [0usize; MAX_DISEASES];
    let order = order.get_mut(..seen).unwrap_or(&mut []);
    for (i, o) in order.iter_mut().enumerate() {
        *o = i;
    }
    order.sort_by_key(|&i| diseases[i]);
    let mut rank_of = [0u64; MAX_DISEASES + 1];
    for (r, &i) in order.iter().enumerate() {
        rank_of[i + 1] = r as u64 + 1;
    }
    for (key, _) in &mut groups {
        let first_seen = (*key >> DISEASE_SHIFT) as usize;
        *key = (rank_of[first_seen] << DISEASE_SHIFT) | (*key & ((1u64 << DISEASE_SHIFT) - 1));
    }
    // The keys are distinct: an unstable sort is the stable one.
    groups.sort_unstable_by_key(|&(k, _)| k);
    Some(groups)
}

/// The most slots of a [`Groups`] table kept on the stack.
const INLINE_SLOTS: usize = 64;

/// The slots of [`best_by_keys`]' groups by key: an open-addressing hash table of group
/// places plus one (0: empty), at least twice as many slots as counts, probed linearly.
/// Its slots are borrowed: tables of at most [`INLINE_SLOTS`] slots (documents of up to 32
/// counts, most of them) are an array on the caller's stack, larger ones a vector.
#[derive(Debug)]
struct Groups<'s> {
    slots: &'s mut [u32],
    /// The bits of a slot number (the table has `1 << bits` slots).
    bits: u32,
}

impl<'s> Groups<'s> {
    /// The number of slots for the groups of `n` counts (a power of two).
    fn size(n: usize) -> usize {
        (2 * n).next_power_of_two().max(8)
    }

    /// A table for the groups of `n` counts, in `inline` when it holds [`Groups::size`] of
    /// them, else in `heap` (filled with zeros to that size).
    fn new(n: usize, inline: &'s mut [u32; INLINE_SLOTS], heap: &'s mut Vec<u32>) -> Self {
        let size = Self::size(n);
        let slots = if size <= INLINE_SLOTS {
            inline.get_mut(..size).unwrap_or(&mut [])
        } else {
            heap.resize(size, 0);
            &mut heap[..]
        };
        Self {
            slots,
            bits: size.trailing_zeros(),
        }
    }

    /// The place in `groups` of the group of `key`, or `Err` of the empty slot where it goes.
    #[inline]
    fn group(&self, key: u64, groups: &[(u64, &Count)]) -> Result<usize, usize> {
        let mask = self.slots.len().wrapping_sub(1);
        let mut slot = (key.wrapping_mul(crate::hash::FxHasher::K) >> (64 - self.bits)) as usize;
        loop {
            match self.slots.get(slot) {
                Some(&g) if g != 0 => {
                    let at = g as usize - 1;
                    if groups.get(at).is_some_and(|&(k, _)| k == key) {
                        return Ok(at);
                    }
                }
                _ => return Err(slot),
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Marks `slot` (from [`Groups::group`]) as holding the group at `at`.
    #[inline]
    fn fill(&mut self, slot: usize, at: usize) {
        if let Some(s) = self.slots.get_mut(slot) {
            *s = at as u32 + 1;
        }
    }
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
///
/// A sentence mostly starts with an ASCII byte that is no white space (those of
/// `char::is_whitespace` are tab to carriage return, and space): then nothing is skipped and
/// no character is decoded ([`trim_start_chars`] reads them).
fn trim_start(text: &str, start: usize, end: usize, byte_start: Option<usize>) -> usize {
    match byte_start.and_then(|b| text.as_bytes().get(b)) {
        Some(&b) if b.is_ascii() && !matches!(b, b'\t'..=b'\r' | b' ') => start,
        _ => trim_start_chars(text, start, end, byte_start),
    }
}

/// [`trim_start`] reading the characters.
fn trim_start_chars(text: &str, start: usize, end: usize, byte_start: Option<usize>) -> usize {
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

    fn count(
        value: f64,
        metric: &'static str,
        scope: &'static str,
        date: &str,
        start: usize,
    ) -> Count {
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
        assert_eq!((deaths.value, deaths.scope.as_ref()), (6.0, "new"));
    }

    /// [`headline_in`] as it was: the facts built in the order of their keys, then sorted.
    fn headline_sorting_facts(doc: &Document, split: &Sentences) -> Vec<Fact> {
        let best = best_by_keys(&doc.counts)
            .map(|groups| groups.into_iter().map(|g| g.1).collect())
            .unwrap_or_else(|| best_by_map(&doc.counts));
        let mut facts: Vec<Fact> = best
            .into_iter()
            .map(|count| {
                let country = count
                    .place
                    .and_then(|id| crate::link::country_of(&doc.places, id));
                fact(count, country, evidence(doc, split, count, None))
            })
            .collect();
        facts.sort_by(|a, b| {
            a.evidence
                .start
                .cmp(&b.evidence.start)
                .then_with(|| a.metric.cmp(&b.metric))
        });
        facts
    }

    /// `text` annotated as a document published on 1 June 2012.
    fn annotated_2012(text: String) -> Document {
        let mut doc = Document {
            text,
            published: Some("2012-06-01".into()),
            ..Document::default()
        };
        crate::annotate(&mut doc);
        doc
    }

    /// `doc` with its counts' disease, place and date cleared (as the count finder gives them).
    fn unlinked(doc: &Document) -> Document {
        let mut doc = doc.clone();
        for c in &mut doc.counts {
            (c.disease, c.place, c.date) = (None, None, None);
        }
        doc
    }

    #[test]
    fn facts_in_order_equal_the_sorted_facts_on_seeds_and_don_texts() {
        let (mut facts, mut linked) = (0usize, 0usize);
        for text in crate::test_util::seed_and_don_texts() {
            let doc = annotated_2012(text);
            let sents = split(&doc.text);
            let sorted = headline_sorting_facts(&doc, &sents);
            // The sentences linking found for the counts are `sentence_of`'s (the counts
            // linked already: no place of linking's own).
            let of_annotated = crate::link::attach_in(&mut doc.clone(), &sents);
            let want: Vec<usize> = doc
                .counts
                .iter()
                .map(|c| sentence_of(&sents.ranges, c.start))
                .collect();
            assert_eq!(
                of_annotated.iter().map(|l| l.sentence).collect::<Vec<_>>(),
                want
            );
            assert_eq!(headline_in(&doc, &sents, &of_annotated), sorted);
            // Linking's own places are the first of their ids (as `country_of` finds them).
            let of_count = crate::link::attach_in(&mut unlinked(&doc), &sents);
            assert_eq!(
                of_count.iter().map(|l| l.sentence).collect::<Vec<_>>(),
                want
            );
            for (l, c) in of_count.iter().zip(&doc.counts) {
                if let Some(p) = doc.places.get(l.place) {
                    assert_eq!(Some(p.geonameid), c.place);
                    let first = doc.places.iter().position(|q| q.geonameid == p.geonameid);
                    assert_eq!(first, Some(l.place));
                    linked += 1;
                }
            }
            assert_eq!(headline_in(&doc, &sents, &of_count), sorted);
            assert_eq!(headline_in(&doc, &sents, &[]), sorted);
            facts += sorted.len();
        }
        assert!(facts > 5_000 && linked > 5_000, "{facts} {linked}");
    }

    /// The headline counts of `counts` by the sort of small keys are those of the map (same
    /// counts, same order), whenever the keys apply.
    fn keys_equal_the_map(counts: &[Count]) -> bool {
        match best_by_keys(counts) {
            Some(keyed) => {
                let map = best_by_map(counts);
                keyed.len() == map.len()
                    && keyed.iter().zip(&map).all(|(a, b)| std::ptr::eq(a.1, *b))
            }
            None => true,
        }
    }

    #[test]
    fn grouping_equals_the_map_on_seeds_and_don_texts() {
        for text in crate::test_util::seed_and_don_texts() {
            let doc = annotated_2012(text);
            assert!(best_by_keys(&doc.counts).is_some(), "{}", doc.text);
            assert!(keys_equal_the_map(&doc.counts), "{}", doc.text);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn grouping_equals_the_map(
            counts in proptest::collection::vec(
                (
                    0usize..6, 0usize..4, 0usize..9, 0usize..5, 0usize..4, 0usize..3, 0u8..4, 0usize..90,
                ),
                0..30,
            )
        ) {
            let diseases = [None, Some("DOID:1"), Some("DOID:10"), Some("A"), Some(""), Some("é")];
            let places = [None, Some(7), Some(3), Some(PLACE_LIMIT - 1)];
            let metrics = ["cases", "deaths", "other", "tested", "vaccinated", "hospitalizations", "quarantined", "recoveries", "other"];
            let scopes = ["cumulative", "new", "unknown", "current", "x"];
            let dates = [None, Some("2022-05-17"), Some("2022-05-18"), Some("2021-12-31")];
            let qualifiers = ["exact", "about", "more_than"];
            let text = "Intro here. As of today 12 cases were seen. End. \u{e9}t\u{e9} 3 deaths.\n\n"
                .repeat(2);
            let mut doc = Document { text, ..Document::default() };
            for (d, p, m, sc, dt, q, v, start) in counts {
                let mut c = count(f64::from(v), metrics[m], scopes[sc], "x", start);
                c.disease = diseases[d].map(|s| s.to_owned().into());
                c.place = places[p];
                c.date = dates[dt].map(str::to_owned);
                c.qualifier = qualifiers[q].into();
                doc.counts.push(c);
            }
            proptest::prop_assert!(keys_equal_the_map(&doc.counts));
            let sents = split(&doc.text);
            let of_count: Vec<Linked> = doc
                .counts
                .iter()
                .map(|c| Linked {
                    sentence: sentence_of(&sents.ranges, c.start),
                    place: usize::MAX,
                })
                .collect();
            let sorted = headline_sorting_facts(&doc, &sents);
            proptest::prop_assert_eq!(&headline_in(&doc, &sents, &of_count), &sorted);
            proptest::prop_assert_eq!(&headline_in(&doc, &sents, &[]), &sorted);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]
        /// Many groups (up to 200 counts over 60 places, 3 diseases, all metrics): the hash
        /// table's probes run long and wrap around its end; the groups are still the map's.
        #[test]
        fn many_groups_equal_the_map(
            counts in proptest::collection::vec((0usize..4, 0u64..60, 0usize..8, 0u8..4), 0..200)
        ) {
            let diseases = [None, Some("DOID:1"), Some("DOID:10"), Some("A")];
            let mut all = Vec::with_capacity(counts.len());
            for (i, (d, p, m, v)) in counts.into_iter().enumerate() {
                let metric = METRICS.get(m).copied().unwrap_or("other");
                let mut c = count(f64::from(v), metric, "cumulative", "2022-05-17", i);
                c.disease = diseases[d].map(|s| s.to_owned().into());
                c.place = (p > 0).then_some(p * 1_000_003);
                all.push(c);
            }
            proptest::prop_assert!(best_by_keys(&all).is_some());
            proptest::prop_assert!(keys_equal_the_map(&all));
        }
    }

    /// The table of groups on either side of its inline size (32 counts: 64 slots on the
    /// stack; 33: 128 in a vector): every key is found again where it was put, and the
    /// groups, with one group per count or few groups, are the map's.
    #[test]
    fn groups_inline_and_on_the_heap_equal_the_map() {
        for n in [0usize, 1, 4, 5, 31, 32, 33, 34, 64, 65, 100] {
            let table_keys: Vec<(u64, &Count)> = Vec::new();
            let (mut inline, mut heap) = ([0u32; INLINE_SLOTS], Vec::new());
            let mut table = Groups::new(n, &mut inline, &mut heap);
            assert_eq!(table.slots.len(), (2 * n).next_power_of_two().max(8), "{n}");
            let all: Vec<Count> = (0..n)
                .map(|i| count(1.0, "cases", "new", "2022-05-17", i))
                .collect();
            let mut groups = table_keys;
            for (i, c) in all.iter().enumerate() {
                let key = (i as u64 * 0x9e37) << 3;
                let slot = table.group(key, &groups).expect_err("a new key");
                table.fill(slot, groups.len());
                groups.push((key, c));
            }
            for (i, &(key, _)) in groups.iter().enumerate() {
                assert_eq!(table.group(key, &groups), Ok(i), "{n} {i}");
            }
            assert_eq!(heap.is_empty(), 2 * n <= INLINE_SLOTS, "{n}");
            for places in [1u64, 3, n as u64 + 1] {
                let counts: Vec<Count> = (0..n)
                    .map(|i| Count {
                        place: Some(i as u64 % places + 1),
                        ..count(i as f64, METRICS[i % 7], "cumulative", "2022-05-17", i)
                    })
                    .collect();
                assert!(best_by_keys(&counts).is_some());
                assert!(keys_equal_the_map(&counts), "{n} {places}");
            }
        }
    }

    #[test]
    fn keys_give_way_to_the_map() {
        // A metric outside the contract, and more diseases than the linear search takes.
        let odd = vec![count(1.0, "Cases", "new", "2022-05-17", 0)];
        assert!(best_by_keys(&odd).is_none());
        assert_eq!(best_by_map(&odd).len(), 1);
        let many: Vec<Count> = (0..=MAX_DISEASES)
            .map(|d| Count {
                disease: Some(format!("D{d}").into()),
                ..count(1.0, "cases", "new", "2022-05-17", d)
            })
            .collect();
        assert!(best_by_keys(&many).is_none());
        assert!(best_by_keys(&many[1..]).is_some());
        assert!(keys_equal_the_map(&many[1..]));
        // A place id too large for a key.
        for (id, keyed) in [
            (PLACE_LIMIT - 1, true),
            (PLACE_LIMIT, false),
            (u64::MAX, false),
        ] {
            let mut far = vec![count(1.0, "cases", "new", "2022-05-17", 0)];
            far.push(Count {
                place: Some(id),
                ..count(2.0, "cases", "new", "2022-05-17", 1)
            });
            assert_eq!(best_by_keys(&far).is_some(), keyed, "{id}");
            assert_eq!(best_by_map(&far).len(), 2);
            assert!(keys_equal_the_map(&far));
        }
    }

    /// `trim_start` is `trim_start_chars` at every sentence start of the seeds and DON texts
    /// (known byte start or not) and at every code point of texts with white space of every
    /// kind (ASCII, vertical tab, no-break, em space) and non-ASCII letters.
    #[test]
    fn trim_start_is_trim_start_chars() {
        let mut fast = 0usize;
        for t in crate::test_util::seed_and_don_texts() {
            let sents = split(&t);
            for (&(s, e), &b) in sents.ranges.iter().zip(&sents.byte_starts) {
                for byte in [Some(b), None] {
                    let want = trim_start_chars(&t, s, e, byte);
                    assert_eq!(trim_start(&t, s, e, byte), want, "{t:?} {s}");
                    fast += usize::from(want == s);
                }
            }
        }
        assert!(fast > 10_000, "{fast}");
        for t in [
            "",
            " a",
            "\t\u{b} x\r\n y",
            "\u{a0}\u{2003}é b",
            "\u{c}\u{1c}. \u{85}z  ",
        ] {
            let chars = t.chars().count();
            for (s, (b, _)) in t.char_indices().enumerate() {
                for e in s..=chars + 1 {
                    let want = trim_start_chars(t, s, e, Some(b));
                    assert_eq!(trim_start(t, s, e, Some(b)), want, "{t:?} {s} {e}");
                    assert_eq!(trim_start(t, s, e, None), want, "{t:?} {s} {e}");
                }
            }
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
