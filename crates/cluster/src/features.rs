//! What clustering knows of a document ([`DocFeatures`]) and the document frequencies that
//! weight it ([`DfTable`]).

use std::collections::HashMap;

use epiwire_model::Document;
use serde::{Deserialize, Serialize};

use crate::{minhash, text};

/// The clustering features of one annotated document. Serde-serialisable so that a store can
/// persist them beside the document and never re-read the text.
///
/// Term and entity weights are raw counts; inverse document frequencies are applied when
/// documents are compared, from a [`DfTable`], so that stored features stay valid as the
/// table grows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocFeatures {
    /// Document id.
    pub id: String,
    /// Publication day, `YYYY-MM-DD`, when known.
    pub published: Option<String>,
    /// Content terms of the body (stemmed, lower-case) and their counts, sorted by term.
    pub terms: Vec<(String, f32)>,
    /// Content terms of the title and their counts, sorted by term.
    pub title_terms: Vec<(String, f32)>,
    /// Entities and their mention counts, sorted by key: `d:<disease id>`, `c:<ISO2 country>`,
    /// `p:<geonameid>` (places below country level), `t:<YYYY-MM>` (months of mentioned
    /// dates), `f:<value>` (reported figures of 10 or more).
    pub entities: Vec<(String, f32)>,
    /// Disease ids, sorted.
    pub diseases: Vec<String>,
    /// ISO 3166-1 alpha-2 codes of the countries of the places, sorted.
    pub countries: Vec<String>,
    /// MinHash signature of title and text ([`minhash::signature`]).
    pub minhash: Vec<u32>,
}

/// Each distinct item with its count, sorted.
fn counted(items: impl Iterator<Item = String>) -> Vec<(String, f32)> {
    let mut items: Vec<String> = items.collect();
    items.sort_unstable();
    let mut out: Vec<(String, f32)> = Vec::with_capacity(items.len());
    for item in items {
        match out.last_mut() {
            Some((last, n)) if *last == item => *n += 1.0,
            _ => out.push((item, 1.0)),
        }
    }
    out
}

/// The [`text::term`]s of `words`, each distinct one with its count, sorted ([`counted`]
/// without a string per occurrence: only the distinct terms are copied out).
fn counted_terms(words: &[&str]) -> Vec<(String, f32)> {
    // Sorted by their first eight bytes as a number first (the order of the strings, ties
    // broken by the whole strings): most comparisons end there, without a `memcmp`.
    let mut items: Vec<(u64, std::borrow::Cow<'_, str>)> = words
        .iter()
        .filter_map(|w| text::term_cow(w))
        .map(|t| (prefix_key(&t), t))
        .collect();
    items.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.as_ref().cmp(b.1.as_ref())));
    let items = items.into_iter().map(|(_, t)| t);
    // The capacity `counted` gives: the session's feature cache weighs features by it.
    let mut out: Vec<(String, f32)> = Vec::with_capacity(items.len());
    for item in items {
        match out.last_mut() {
            Some((last, n)) if last.as_str() == item.as_ref() => *n += 1.0,
            _ => out.push((item.into_owned(), 1.0)),
        }
    }
    out
}

/// The first eight bytes of `s`, zero-padded, big-endian: two strings whose keys differ are
/// in the order of their keys.
fn prefix_key(s: &str) -> u64 {
    let mut b = [0u8; 8];
    let n = s.len().min(8);
    b[..n].copy_from_slice(&s.as_bytes()[..n]);
    u64::from_be_bytes(b)
}

/// The first ten characters of an RFC 3339 date or date-time, when they form `YYYY-MM-DD`.
pub fn day(value: &str) -> Option<&str> {
    let d = value.get(..10)?;
    let b = d.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    (digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && digits(8..10)).then_some(d)
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian), when it parses.
pub fn day_number(value: &str) -> Option<i64> {
    let d = day(value)?;
    let y: i64 = d[0..4].parse().ok()?;
    let m: i64 = d[5..7].parse().ok()?;
    let dd: i64 = d[8..10].parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&dd) {
        return None;
    }
    Some(epiwire_model::days_from_civil(y, m, dd))
}

impl DocFeatures {
    /// The features of an annotated document (see `epiwire_annotate::annotate`).
    pub fn from_document(doc: &Document) -> DocFeatures {
        let title = doc.title.as_deref().unwrap_or("");
        let mut entities: Vec<String> = Vec::new();
        let mut diseases: Vec<String> = Vec::new();
        let mut countries: Vec<String> = Vec::new();
        for d in &doc.diseases {
            for _ in 0..d.mentions.len().max(1) {
                entities.push(format!("d:{}", d.id));
            }
            diseases.push(d.id.to_string());
        }
        for p in &doc.places {
            let n = p.mentions.len().max(1);
            if let Some(c) = &p.country {
                countries.push(c.to_string());
                for _ in 0..n {
                    entities.push(format!("c:{c}"));
                }
            }
            if p.kind != "country" {
                for _ in 0..n {
                    entities.push(format!("p:{}", p.geonameid));
                }
            }
        }
        for d in &doc.dates {
            if let Some(month) = d.value.as_deref().and_then(day).map(|v| &v[..7]) {
                entities.push(format!("t:{month}"));
            }
        }
        for c in &doc.counts {
            if c.value >= 10.0 && c.value.is_finite() {
                entities.push(format!("f:{}", c.value.round() as u64));
            }
        }
        diseases.sort();
        diseases.dedup();
        countries.sort();
        countries.dedup();
        // The words of title and text, split once: the terms come from them, and so does the
        // signature of the title and the text joined by a line break (which only separates
        // words, so that its words are the title's then the text's).
        let mut buf = String::with_capacity(title.len() + doc.text.len());
        let mut spans = Vec::new();
        text::words_into(title, &mut buf, &mut spans);
        let title_words = spans.len();
        text::words_into(&doc.text, &mut buf, &mut spans);
        let words: Vec<&str> = spans.into_iter().filter_map(|r| buf.get(r)).collect();
        DocFeatures {
            id: doc.id.clone(),
            published: doc.published.as_deref().and_then(day).map(str::to_string),
            terms: counted_terms(&words[title_words.min(words.len())..]),
            title_terms: counted_terms(&words[..title_words.min(words.len())]),
            entities: counted(entities.into_iter()),
            diseases,
            countries,
            minhash: minhash::signature_of_words(&words),
        }
    }

    /// Every key this document counts once in a [`DfTable`]: its distinct terms (body or
    /// title) and entities, in no particular order.
    pub fn distinct_keys(&self) -> impl Iterator<Item = &str> {
        let strictly_sorted = |v: &[(String, f32)]| v.is_sorted_by(|a, b| a.0 < b.0);
        let mut keys: Vec<&str> =
            Vec::with_capacity(self.terms.len() + self.title_terms.len() + self.entities.len());
        if strictly_sorted(&self.terms) && strictly_sorted(&self.title_terms) {
            // Sorted without repeats (as `from_document` makes them): the title terms the body
            // lacks are found by binary search, without sorting the union.
            keys.extend(self.terms.iter().map(|(t, _)| t.as_str()));
            keys.extend(
                self.title_terms
                    .iter()
                    .filter(|(t, _)| self.terms.binary_search_by(|(b, _)| b.cmp(t)).is_err())
                    .map(|(t, _)| t.as_str()),
            );
        } else {
            keys.extend(
                self.terms
                    .iter()
                    .chain(&self.title_terms)
                    .map(|(t, _)| t.as_str()),
            );
            keys.sort_unstable();
            keys.dedup();
        }
        keys.extend(self.entities.iter().map(|(e, _)| e.as_str()));
        keys.into_iter()
    }
}

/// Document frequencies: how many documents hold each term or entity, out of how many.
///
/// Batch clustering builds one from the batch. Incremental clustering needs one that does not
/// require the whole store: the caller keeps one table, adds each new document to it
/// ([`DfTable::add`]) and persists it (serde) beside the events; idf is read from it. Early
/// documents see a small table and so flatter weights; the numbers settle within a few hundred
/// documents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DfTable {
    /// Documents counted.
    pub docs: u64,
    /// Documents holding each key. Hashed with FxHash: the clusterer looks up the idf of
    /// every term of every profile it compares (millions of short keys per thousand documents),
    /// and nothing reads the table in its iteration order.
    pub df: HashMap<String, u32, rustc_hash::FxBuildHasher>,
}

impl DfTable {
    /// An empty table.
    pub fn new() -> DfTable {
        DfTable::default()
    }

    /// A table counting the given documents.
    pub fn from_docs<'a>(docs: impl IntoIterator<Item = &'a DocFeatures>) -> DfTable {
        let mut t = DfTable::new();
        for d in docs {
            t.add(d);
        }
        t
    }

    /// Counts one more document.
    pub fn add(&mut self, doc: &DocFeatures) {
        self.docs += 1;
        for k in doc.distinct_keys() {
            match self.df.get_mut(k) {
                Some(n) => *n = n.saturating_add(1),
                None => {
                    self.df.insert(k.to_string(), 1);
                }
            }
        }
    }

    /// Smoothed inverse document frequency, `ln((N + 1) / (df + 1)) + 1`.
    pub fn idf(&self, key: &str) -> f32 {
        let df = self.df.get(key).copied().unwrap_or(0) as f32;
        ((self.docs as f32 + 1.0) / (df + 1.0)).ln() + 1.0
    }

    /// Drops keys seen in fewer than `min_df` documents, to bound the table's size. Dropped
    /// keys then weigh as unseen (the highest idf), which suits rare words.
    pub fn prune(&mut self, min_df: u32) {
        self.df.retain(|_, n| *n >= min_df);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2022-05-17T17:36:00+09:00"), Some(19_129));
        assert_eq!(day_number("2000-03-01"), Some(11_017));
        assert_eq!(day_number("May 2022"), None);
        assert_eq!(day_number("2022-13-01"), None);
    }

    /// The features as first computed (title and text shingled as one string, terms counted
    /// in a map), to hold the single-split version equal to them.
    type Counts = Vec<(String, f32)>;

    fn reference(doc: &Document) -> (Counts, Counts, Vec<u32>) {
        let counted = |items: &mut dyn Iterator<Item = String>| {
            let mut map: std::collections::BTreeMap<String, f32> = Default::default();
            for item in items {
                *map.entry(item).or_insert(0.0) += 1.0;
            }
            map.into_iter().collect::<Vec<_>>()
        };
        let title = doc.title.as_deref().unwrap_or("");
        let shingled = format!("{title}\n{}", doc.text);
        (
            counted(&mut text::terms(&doc.text)),
            counted(&mut text::terms(title)),
            minhash::signature(&shingled),
        )
    }

    #[test]
    fn features_equal_the_reference() {
        for (title, text) in [
            (
                Some("Cholera in Haiti's north"),
                "Cases of cholera rose; cases in the north'\nrose again. Cases cases.",
            ),
            (
                None,
                "Ébola : l’OMS s’inquiète, l’épidémie progresse. Ébola Ébola",
            ),
            (Some("one two three four five six seven"), ""),
            (Some("'quoted'"), "'start with a quote"),
            (Some(""), "x"),
        ] {
            let doc = Document {
                id: "d".into(),
                title: title.map(String::from),
                text: text.into(),
                ..Document::default()
            };
            let f = DocFeatures::from_document(&doc);
            let (terms, title_terms, sig) = reference(&doc);
            assert_eq!(f.terms, terms, "{title:?} {text:?}");
            assert_eq!(f.title_terms, title_terms, "{title:?} {text:?}");
            assert_eq!(f.minhash, sig, "{title:?} {text:?}");
        }
    }

    #[test]
    fn distinct_keys_are_the_sorted_union_of_terms_and_title_terms_then_the_entities() {
        fn reference(d: &DocFeatures) -> Vec<&str> {
            let mut keys: Vec<&str> = d
                .terms
                .iter()
                .chain(&d.title_terms)
                .map(|(t, _)| t.as_str())
                .collect();
            keys.sort_unstable();
            keys.dedup();
            keys.extend(d.entities.iter().map(|(e, _)| e.as_str()));
            keys.sort_unstable();
            keys
        }
        let pairs = |v: &[&str]| v.iter().map(|t| (t.to_string(), 1.0)).collect::<Vec<_>>();
        let sorted = DocFeatures {
            terms: pairs(&["case", "cholera", "haiti", "north"]),
            title_terms: pairs(&["cholera", "haiti", "outbreak"]),
            entities: pairs(&["c:HT", "d:DOID:1498"]),
            ..DocFeatures::default()
        };
        let mut unsorted = sorted.clone();
        unsorted.terms.reverse();
        unsorted.title_terms.push(("case".into(), 1.0));
        for d in [&sorted, &unsorted, &DocFeatures::default()] {
            let mut keys: Vec<&str> = d.distinct_keys().collect();
            keys.sort_unstable();
            assert_eq!(keys, reference(d), "{d:?}");
        }
    }

    #[test]
    fn df_counts_each_document_once() {
        let doc = DocFeatures {
            terms: vec![("fever".into(), 3.0)],
            title_terms: vec![("fever".into(), 1.0)],
            entities: vec![("c:KP".into(), 2.0)],
            ..DocFeatures::default()
        };
        let t = DfTable::from_docs([&doc, &doc]);
        assert_eq!(t.docs, 2);
        assert_eq!(t.df.get("fever"), Some(&2));
        assert_eq!(t.df.get("c:KP"), Some(&2));
        assert!(t.idf("fever") < t.idf("unseen"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// Keys that differ order their strings as the strings do.
        #[test]
        fn prefix_keys_order_as_the_strings(a in "[a\\x00b-dé]{0,12}", b in "[a\\x00b-dé]{0,12}") {
            let (ka, kb) = (prefix_key(&a), prefix_key(&b));
            if ka != kb {
                proptest::prop_assert_eq!(ka.cmp(&kb), a.cmp(&b));
            }
            proptest::prop_assert!(a != b || ka == kb);
        }

        /// Terms, title terms and signature equal the first version's on any title and text.
        #[test]
        fn features_equal_the_reference_on_any_text(
            title in proptest::option::of("[a-zA-Z' ’ÉéΣ]{0,30}"),
            text in "[a-zA-Z0-9 '’.,\\-\nÉéΣσ北]{0,200}",
        ) {
            let doc = Document {
                id: "d".into(),
                title,
                text,
                ..Document::default()
            };
            let f = DocFeatures::from_document(&doc);
            let (terms, title_terms, sig) = reference(&doc);
            proptest::prop_assert_eq!(f.terms, terms);
            proptest::prop_assert_eq!(f.title_terms, title_terms);
            proptest::prop_assert_eq!(f.minhash, sig);
        }
    }
}
