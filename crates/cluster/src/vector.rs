//! Weighted sparse vectors of terms and entities, and their cosine.

use std::collections::HashMap;

use crate::Params;
use crate::features::{DfTable, DocFeatures};
use crate::incremental::{EventProfile, PROFILE_ENTITIES, PROFILE_SIGNATURES, PROFILE_TERMS};

/// A sparse vector sorted by key, of unit length (or empty).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sparse(pub Vec<(String, f32)>);

impl Sparse {
    /// Sorts by key, merges equal keys and scales to unit length.
    pub fn normalized(items: Vec<(String, f32)>) -> Sparse {
        Sparse(normalize_items(items))
    }

    /// Cosine with another unit vector (their dot product).
    pub fn cosine(&self, other: &Sparse) -> f32 {
        dot(&self.0, &other.0)
    }

    /// True when the vector has no component.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Byte-wise order of two keys, the order of `str::cmp`, eight bytes at a time without a call
/// to `memcmp` (keys are short words and prefixed entities, which `memcmp`'s set-up outweighs).
pub(crate) fn key_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut ca = a.chunks_exact(8);
    let mut cb = b.chunks_exact(8);
    for (x, y) in ca.by_ref().zip(cb.by_ref()) {
        if let (Ok(x), Ok(y)) = (<[u8; 8]>::try_from(x), <[u8; 8]>::try_from(y)) {
            let (x, y) = (u64::from_be_bytes(x), u64::from_be_bytes(y));
            if x != y {
                return x.cmp(&y);
            }
        }
    }
    // The common whole chunks are equal: the rest of each (the shorter one's tail, and as many
    // bytes of the other) decides, then the lengths.
    let done = a.len().min(b.len()) / 8 * 8;
    for (x, y) in a[done..].iter().zip(&b[done..]) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

/// [`Sparse::normalized`] for any key: sorts by key (stable), merges equal keys (summing in
/// their order), drops weights that are not positive and finite and divides by the norm summed
/// in key order. Items already sorted without repeats are not sorted again.
pub(crate) fn normalize_items<K: AsRef<str>>(mut items: Vec<(K, f32)>) -> Vec<(K, f32)> {
    if !items.is_sorted_by(|a, b| key_cmp(a.0.as_ref(), b.0.as_ref()).is_lt()) {
        items.sort_by(|a, b| key_cmp(a.0.as_ref(), b.0.as_ref()));
        let mut out: Vec<(K, f32)> = Vec::with_capacity(items.len());
        for (k, w) in items {
            match out.last_mut() {
                Some(last) if last.0.as_ref() == k.as_ref() => last.1 += w,
                _ => out.push((k, w)),
            }
        }
        items = out;
    }
    items.retain(|(_, w)| *w > 0.0 && w.is_finite());
    let norm = items.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in &mut items {
            *w /= norm;
        }
    }
    items
}

/// The dot product of two vectors sorted by key without repeats (of unit vectors: their
/// cosine), summed in key order.
pub(crate) fn dot<K: AsRef<str>, L: AsRef<str>>(a: &[(K, f32)], b: &[(L, f32)]) -> f32 {
    let (mut i, mut j, mut dot) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match key_cmp(a[i].0.as_ref(), b[j].0.as_ref()) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                dot += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    dot
}

/// [`DfTable::idf`] to the bit (the formula of [`idf_of_count`]).
pub(crate) fn idf(df: &DfTable, key: &str) -> f32 {
    idf_of_count(df.docs, df.df.get(key).copied().unwrap_or(0))
}

/// The smoothed idf `ln((N + 1) / (df + 1)) + 1` of [`DfTable::idf`] for `docs` documents and a
/// key held by `count` of them: a function of the two numbers alone, which
/// [`crate::Clusterer`] memoises.
pub(crate) fn idf_of_count(docs: u64, count: u32) -> f32 {
    ((docs as f32 + 1.0) / (count as f32 + 1.0)).ln() + 1.0
}

/// Sub-linear term frequency: `1 + ln(tf)`.
pub fn sublinear(tf: f32) -> f32 {
    if tf > 0.0 { 1.0 + tf.ln() } else { 0.0 }
}

/// The term counts of a document, title terms counted `title_weight` times.
pub fn term_counts(doc: &DocFeatures, title_weight: f32) -> Vec<(String, f32)> {
    term_count_map(doc, title_weight)
        .into_iter()
        .map(|(t, n)| (t.to_string(), n))
        .collect()
}

/// The counts of [`term_counts`] in a map keyed by the document's terms.
fn term_count_map(
    doc: &DocFeatures,
    title_weight: f32,
) -> HashMap<&str, f32, rustc_hash::FxBuildHasher> {
    // FxHash (the keys are short words; the order of the map does not reach the result:
    // every user sorts the terms, `Sparse::normalized`).
    let mut map: HashMap<&str, f32, rustc_hash::FxBuildHasher> =
        HashMap::with_capacity_and_hasher(doc.terms.len(), rustc_hash::FxBuildHasher);
    for (t, n) in &doc.terms {
        *map.entry(t).or_insert(0.0) += n;
    }
    for (t, n) in &doc.title_terms {
        *map.entry(t).or_insert(0.0) += n * title_weight;
    }
    map
}

/// The tf-idf word vector of a document.
pub fn words(doc: &DocFeatures, df: &DfTable, params: &Params) -> Sparse {
    Sparse(owned(word_weights(doc, df, params)))
}

/// [`words`] with the keys borrowed from the document (the same weights to the bit).
pub(crate) fn word_weights<'d>(
    doc: &'d DocFeatures,
    df: &DfTable,
    params: &Params,
) -> Vec<(&'d str, f32)> {
    let weigh = |t: &str, n: f32| sublinear(n) * idf(df, t);
    if strictly_sorted(&doc.terms) && strictly_sorted(&doc.title_terms) {
        // The counts of term_counts, in key order already: no map, no sort.
        return normalize_items(
            sorted_counts(doc, params.title_weight)
                .into_iter()
                .map(|(t, n)| (t.as_str(), weigh(t, n)))
                .collect(),
        );
    }
    normalize_items(
        term_count_map(doc, params.title_weight)
            .into_iter()
            .map(|(t, n)| (t, weigh(t, n)))
            .collect(),
    )
}

/// The tf-idf entity vector of a document.
pub fn entities(doc: &DocFeatures, df: &DfTable) -> Sparse {
    Sparse(owned(entity_weights(doc, df)))
}

/// [`entities`] with the keys borrowed from the document (the same weights to the bit).
pub(crate) fn entity_weights<'d>(doc: &'d DocFeatures, df: &DfTable) -> Vec<(&'d str, f32)> {
    normalize_items(
        doc.entities
            .iter()
            .map(|(e, n)| (e.as_str(), sublinear(*n) * idf(df, e)))
            .collect(),
    )
}

/// A vector with its keys copied.
fn owned(v: Vec<(&str, f32)>) -> Vec<(String, f32)> {
    v.into_iter().map(|(k, w)| (k.to_string(), w)).collect()
}

/// Strictly increasing keys (sorted, no repeats).
pub(crate) fn strictly_sorted(items: &[(String, f32)]) -> bool {
    items.is_sorted_by(|a, b| a.0 < b.0)
}

/// Adds `from` (sorted by key, no repeats) to the centroid `into` (the same), keeping the
/// `keep` heaviest: what `EventProfile::add` does through a hash map, as a merge of two sorted
/// lists. Each sum is the one the map makes (`into`'s weight plus `from`'s, or `from`'s alone),
/// so the result is the same to the bit.
pub(crate) fn merge_into(into: &mut Vec<(String, f32)>, from: Vec<(String, f32)>, keep: usize) {
    let old = std::mem::take(into);
    let mut out: Vec<(String, f32)> = Vec::with_capacity(old.len() + from.len());
    let mut a = old.into_iter().peekable();
    let mut b = from.into_iter().peekable();
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => match x.0.cmp(&y.0) {
                std::cmp::Ordering::Less => a.next(),
                std::cmp::Ordering::Greater => b.next().map(|(k, w)| (k, 0.0 + w)),
                std::cmp::Ordering::Equal => {
                    let w = b.next().map_or(0.0, |(_, w)| w);
                    a.next().map(|(k, v)| (k, v + w))
                }
            },
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next().map(|(k, w)| (k, 0.0 + w)),
            (None, None) => None,
        };
        match next {
            Some(item) => out.push(item),
            None => break,
        }
    }
    if out.len() > keep {
        // The `keep` first by weight (heaviest first, then by key) are those a sort by weight
        // then truncation keeps: the order is total (keys do not repeat), so the set is the
        // same. Selected in linear time, and kept in key order without a second sort.
        if keep == 0 {
            out.clear();
        } else {
            let mut order: Vec<usize> = (0..out.len()).collect();
            order.select_nth_unstable_by(keep - 1, |&a, &b| {
                out[b]
                    .1
                    .total_cmp(&out[a].1)
                    .then_with(|| out[a].0.cmp(&out[b].0))
            });
            let mut kept = vec![false; out.len()];
            for &i in &order[..keep] {
                kept[i] = true;
            }
            let mut i = 0;
            out.retain(|_| {
                i += 1;
                kept[i - 1]
            });
        }
    }
    *into = out;
}

/// Sorted union of two sorted lists without repeats (as `EventProfile::add` unites the
/// diseases and countries).
fn union_sorted(into: &mut Vec<String>, from: &[String]) {
    if from.iter().all(|x| into.binary_search(x).is_ok()) {
        return;
    }
    into.extend(from.iter().cloned());
    into.sort();
    into.dedup();
}

/// [`term_counts`] of a document whose body and title terms are sorted by key without repeats,
/// in key order: a merge of the two lists, each count the sum the map makes (the body count,
/// plus the title count times `title_weight`).
fn sorted_counts(doc: &DocFeatures, title_weight: f32) -> Vec<(&String, f32)> {
    let mut counts: Vec<(&String, f32)> =
        Vec::with_capacity(doc.terms.len() + doc.title_terms.len());
    let (mut i, mut j) = (0, 0);
    let (body, title) = (&doc.terms, &doc.title_terms);
    while i < body.len() || j < title.len() {
        let order = match (body.get(i), title.get(j)) {
            (Some(x), Some(y)) => x.0.cmp(&y.0),
            (Some(_), None) => std::cmp::Ordering::Less,
            _ => std::cmp::Ordering::Greater,
        };
        let (term, n) = match order {
            std::cmp::Ordering::Less => {
                i += 1;
                (&body[i - 1].0, 0.0 + body[i - 1].1)
            }
            std::cmp::Ordering::Greater => {
                j += 1;
                (&title[j - 1].0, 0.0 + title[j - 1].1 * title_weight)
            }
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
                (
                    &body[i - 1].0,
                    (0.0 + body[i - 1].1) + title[j - 1].1 * title_weight,
                )
            }
        };
        counts.push((term, n));
    }
    counts
}

/// Adds a member to an event profile: the same profile as [`EventProfile::add_by_map`], to the bit,
/// without its hash maps and sorts when the document's terms and entities and the profile's
/// centroids are sorted by key without repeats (as [`DocFeatures::from_document`] and
/// [`EventProfile`] keep them); otherwise it is [`EventProfile::add_by_map`].
pub fn add_to_profile(profile: &mut EventProfile, doc: &DocFeatures) {
    let sorted = strictly_sorted(&doc.terms)
        && strictly_sorted(&doc.title_terms)
        && strictly_sorted(&doc.entities)
        && strictly_sorted(&profile.terms)
        && strictly_sorted(&profile.entities)
        && doc.diseases.is_sorted_by(|a, b| a < b)
        && doc.countries.is_sorted_by(|a, b| a < b)
        && profile.diseases.is_sorted_by(|a, b| a < b)
        && profile.countries.is_sorted_by(|a, b| a < b);
    if !sorted {
        profile.add_by_map(doc);
        return;
    }
    let counts = sorted_counts(doc, Params::default().title_weight)
        .into_iter()
        .map(|(t, n)| (t.clone(), sublinear(n)))
        .collect();
    merge_into(&mut profile.terms, normalize_items(counts), PROFILE_TERMS);
    let entities = doc
        .entities
        .iter()
        .map(|(e, n)| (e.clone(), sublinear(*n)))
        .collect();
    merge_into(
        &mut profile.entities,
        normalize_items(entities),
        PROFILE_ENTITIES,
    );
    union_sorted(&mut profile.diseases, &doc.diseases);
    union_sorted(&mut profile.countries, &doc.countries);
    if let Some(day) = &doc.published {
        match &mut profile.first {
            Some(first) if *day < *first => first.clone_from(day),
            Some(_) => {}
            None => profile.first = Some(day.clone()),
        }
        match &mut profile.last {
            Some(last) if *day > *last => last.clone_from(day),
            Some(_) => {}
            None => profile.last = Some(day.clone()),
        }
    }
    if !doc.minhash.is_empty() {
        profile
            .signatures
            .push((doc.id.clone(), doc.minhash.clone()));
        let extra = profile.signatures.len().saturating_sub(PROFILE_SIGNATURES);
        profile.signatures.drain(..extra);
    }
    profile.members = profile.members.saturating_add(1);
}

/// The vector code as it was before cons12 (a `memcmp` order of the keys, a hash map of the
/// counts, owned keys everywhere): the reference the faster code is held equal to, to the bit.
#[cfg(test)]
pub(crate) mod reference {
    use super::*;

    /// `Sparse::normalized` as it was.
    pub(crate) fn normalized(mut items: Vec<(String, f32)>) -> Vec<(String, f32)> {
        items.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out: Vec<(String, f32)> = Vec::with_capacity(items.len());
        for (k, w) in items {
            match out.last_mut() {
                Some(last) if last.0 == k => last.1 += w,
                _ => out.push((k, w)),
            }
        }
        out.retain(|(_, w)| *w > 0.0 && w.is_finite());
        let norm = out.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
        if norm > 0.0 {
            for (_, w) in &mut out {
                *w /= norm;
            }
        }
        out
    }

    /// `Sparse::cosine` as it was.
    pub(crate) fn cosine(a: &[(String, f32)], b: &[(String, f32)]) -> f32 {
        let (mut i, mut j, mut dot) = (0, 0, 0.0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += a[i].1 * b[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        dot
    }

    /// `words` as it was: the counts of a hash map, weighted, then normalised.
    pub(crate) fn words(doc: &DocFeatures, df: &DfTable, params: &Params) -> Vec<(String, f32)> {
        normalized(
            term_counts(doc, params.title_weight)
                .into_iter()
                .map(|(t, n)| {
                    let idf = df.idf(&t);
                    (t, sublinear(n) * idf)
                })
                .collect(),
        )
    }

    /// Bits of a vector, to compare them exactly.
    pub(crate) fn bits<K: AsRef<str>>(v: &[(K, f32)]) -> Vec<(String, u32)> {
        v.iter()
            .map(|(k, w)| (k.as_ref().to_string(), w.to_bits()))
            .collect()
    }

    /// Keys that share prefixes (of 0, 2, 8 and 9 bytes, multi-byte characters among them),
    /// with short and long tails, and weights that are sometimes zero, negative or not finite.
    pub(crate) fn items() -> impl proptest::strategy::Strategy<Value = Vec<(String, f32)>> {
        use proptest::prelude::*;
        let key = (
            prop::sample::select(vec!["", "d:", "n:Ébola ", "outbreak", "outbreaks"]),
            "[a-cé]{0,10}",
        )
            .prop_map(|(p, t)| format!("{p}{t}"));
        let weight = prop_oneof![
            8 => 0.001f32..10.0,
            1 => Just(0.0f32),
            1 => -5.0f32..0.0,
            1 => prop::sample::select(vec![f32::INFINITY, f32::NAN]),
        ];
        prop::collection::vec((key, weight), 0..60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idf_is_the_tables_to_the_bit() {
        let mut table = DfTable::new();
        for docs in [0u64, 1, 2, 7, 255, 256, 1_000, 65_537, 3_000_000] {
            table.docs = docs;
            for count in (0..300).chain([1_000, 70_000, u32::MAX]) {
                table.df.insert("k".into(), count);
                assert_eq!(idf(&table, "k").to_bits(), table.idf("k").to_bits());
            }
            assert_eq!(
                idf(&table, "absent").to_bits(),
                table.idf("absent").to_bits()
            );
        }
    }

    #[test]
    fn cosine_of_unit_vectors() {
        let a = Sparse::normalized(vec![("x".into(), 1.0), ("y".into(), 1.0)]);
        let b = Sparse::normalized(vec![("y".into(), 2.0), ("z".into(), 2.0)]);
        assert!((a.cosine(&a) - 1.0).abs() < 1e-6);
        assert!((a.cosine(&b) - 0.5).abs() < 1e-6);
        assert_eq!(a.cosine(&Sparse::default()), 0.0);
    }

    /// A document with `n` body terms, some title terms (a few also in the body), entities and
    /// a signature, from a seed.
    fn doc(seed: u64, n: usize) -> DocFeatures {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut terms: Vec<(String, f32)> = (0..n)
            .map(|_| (format!("t{}", next() % 900), (next() % 5 + 1) as f32))
            .collect();
        terms.sort_by(|a, b| a.0.cmp(&b.0));
        terms.dedup_by(|a, b| a.0 == b.0);
        let mut title: Vec<(String, f32)> = (0..6)
            .map(|_| (format!("t{}", next() % 1200), 1.0))
            .collect();
        title.sort_by(|a, b| a.0.cmp(&b.0));
        title.dedup_by(|a, b| a.0 == b.0);
        let mut entities: Vec<(String, f32)> = (0..n / 3)
            .map(|_| (format!("p:{}", next() % 300), (next() % 3 + 1) as f32))
            .collect();
        entities.sort_by(|a, b| a.0.cmp(&b.0));
        entities.dedup_by(|a, b| a.0 == b.0);
        let day = next() % 28 + 1;
        DocFeatures {
            id: format!("d{seed}"),
            published: (!seed.is_multiple_of(4)).then(|| format!("2022-05-{day:02}")),
            terms,
            title_terms: title,
            entities,
            diseases: vec![format!("DOID:{}", seed % 3)],
            countries: if seed.is_multiple_of(2) {
                vec!["KP".into(), "NG".into()]
            } else {
                vec!["NG".into()]
            },
            minhash: if seed.is_multiple_of(5) {
                Vec::new()
            } else {
                (0..128).map(|_| next() as u32).collect()
            },
        }
    }

    fn bits(p: &EventProfile) -> String {
        let v = |items: &[(String, f32)]| -> Vec<(String, u32)> {
            items
                .iter()
                .map(|(k, w)| (k.clone(), w.to_bits()))
                .collect()
        };
        format!(
            "{} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
            p.members,
            v(&p.terms),
            v(&p.entities),
            p.diseases,
            p.countries,
            p.first,
            p.last,
            p.signatures
        )
    }

    proptest::proptest! {
        #[test]
        fn key_cmp_is_the_order_of_str(a in reference::items(), b in reference::items()) {
            for ((x, _), (y, _)) in a.iter().zip(&b) {
                proptest::prop_assert_eq!(key_cmp(x, y), x.cmp(y), "{:?} {:?}", x, y);
                proptest::prop_assert_eq!(key_cmp(x, x), std::cmp::Ordering::Equal);
            }
        }

        #[test]
        fn normalize_and_dot_equal_the_old_code_to_the_bit(
            a in reference::items(),
            b in reference::items(),
        ) {
            // Borrowed keys give the same vector.
            let borrowed: Vec<(&str, f32)> = a.iter().map(|(k, w)| (k.as_str(), *w)).collect();
            let borrowed = normalize_items(borrowed);
            let (na, nb) = (normalize_items(a.clone()), normalize_items(b.clone()));
            let (ra, rb) = (reference::normalized(a.clone()), reference::normalized(b));
            proptest::prop_assert_eq!(reference::bits(&na), reference::bits(&ra));
            proptest::prop_assert_eq!(reference::bits(&nb), reference::bits(&rb));
            proptest::prop_assert_eq!(reference::bits(&borrowed), reference::bits(&ra));
            proptest::prop_assert_eq!(
                dot(&na, &nb).to_bits(),
                reference::cosine(&ra, &rb).to_bits()
            );
        }

        #[test]
        fn words_equal_the_old_code_to_the_bit(seed in 0u64..5_000, n in 0usize..200) {
            let mut d = doc(seed, n);
            let mut df = DfTable::new();
            for s in 0..8 {
                df.add(&doc(seed.wrapping_add(s), 40));
            }
            let params = Params::default();
            let fast = words(&d, &df, &params);
            proptest::prop_assert_eq!(
                reference::bits(&fast.0),
                reference::bits(&reference::words(&d, &df, &params))
            );
            // Unsorted terms take the map.
            d.terms.reverse();
            proptest::prop_assert_eq!(
                reference::bits(&words(&d, &df, &params).0),
                reference::bits(&reference::words(&d, &df, &params))
            );
        }
    }

    #[test]
    fn add_to_profile_equals_event_profile_add_to_the_bit() {
        // Enough members that the centroids pass PROFILE_TERMS and PROFILE_ENTITIES and are
        // cut, and the signatures roll over.
        let mut fast = EventProfile::default();
        let mut reference = EventProfile::default();
        for seed in 0..60 {
            let d = doc(seed, 40 + (seed as usize * 7) % 120);
            add_to_profile(&mut fast, &d);
            reference.add_by_map(&d);
            assert_eq!(bits(&fast), bits(&reference), "after {seed}");
        }
        assert_eq!(reference.terms.len(), PROFILE_TERMS);
        assert_eq!(reference.entities.len(), PROFILE_ENTITIES);
        // Unsorted input takes EventProfile::add itself.
        let mut d = doc(99, 30);
        d.terms.reverse();
        add_to_profile(&mut fast, &d);
        reference.add_by_map(&d);
        assert_eq!(bits(&fast), bits(&reference));
    }
}
