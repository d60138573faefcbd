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
    pub fn normalized(mut items: Vec<(String, f32)>) -> Sparse {
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
        Sparse(out)
    }

    /// Cosine with another unit vector (their dot product).
    pub fn cosine(&self, other: &Sparse) -> f32 {
        let (a, b) = (&self.0, &other.0);
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

    /// True when the vector has no component.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Sub-linear term frequency: `1 + ln(tf)`.
pub fn sublinear(tf: f32) -> f32 {
    if tf > 0.0 { 1.0 + tf.ln() } else { 0.0 }
}

/// The term counts of a document, title terms counted `title_weight` times.
pub fn term_counts(doc: &DocFeatures, title_weight: f32) -> Vec<(String, f32)> {
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
    map.into_iter().map(|(t, n)| (t.to_string(), n)).collect()
}

/// The tf-idf word vector of a document.
pub fn words(doc: &DocFeatures, df: &DfTable, params: &Params) -> Sparse {
    let items = term_counts(doc, params.title_weight)
        .into_iter()
        .map(|(t, n)| {
            let idf = df.idf(&t);
            (t, sublinear(n) * idf)
        })
        .collect();
    Sparse::normalized(items)
}

/// The tf-idf entity vector of a document.
pub fn entities(doc: &DocFeatures, df: &DfTable) -> Sparse {
    let items = doc
        .entities
        .iter()
        .map(|(e, n)| (e.clone(), sublinear(*n) * df.idf(e)))
        .collect();
    Sparse::normalized(items)
}

/// Strictly increasing keys (sorted, no repeats).
pub(crate) fn strictly_sorted(items: &[(String, f32)]) -> bool {
    items.is_sorted_by(|a, b| a.0 < b.0)
}

/// `Sparse::normalized` of items already sorted by key without repeats: the same steps (drop
/// weights that are not positive and finite, divide by the norm summed in key order) without
/// the sort.
fn normalized_sorted(mut items: Vec<(String, f32)>) -> Vec<(String, f32)> {
    items.retain(|(_, w)| *w > 0.0 && w.is_finite());
    let norm = items.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in &mut items {
            *w /= norm;
        }
    }
    items
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
    // term_counts: body counts, plus title counts times the title weight, per term.
    let title_weight = Params::default().title_weight;
    let mut counts: Vec<(String, f32)> =
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
        counts.push((term.clone(), sublinear(n)));
    }
    merge_into(&mut profile.terms, normalized_sorted(counts), PROFILE_TERMS);
    let entities = doc
        .entities
        .iter()
        .map(|(e, n)| (e.clone(), sublinear(*n)))
        .collect();
    merge_into(
        &mut profile.entities,
        normalized_sorted(entities),
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

#[cfg(test)]
mod tests {
    use super::*;

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
