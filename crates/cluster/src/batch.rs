//! Batch clustering: near-duplicates collapsed, then average-linkage agglomerative clustering
//! over a similarity that joins words (tf-idf), entities (diseases, countries, places, months,
//! figures) and publication dates.

use std::collections::HashMap;

use crate::cues::Cues;
use crate::features::{DfTable, DocFeatures, day_number};
use crate::vector;
use crate::{Params, minhash, split};

/// Most documents [`cluster_batch`] takes in one matrix (its memory is quadratic); larger
/// inputs should go through the incremental [`crate::Clusterer`].
pub const MAX_BATCH: usize = 6000;

/// A sparse vector over interned keys, sorted by key.
pub(crate) type Interned = Vec<(u32, f32)>;

/// Key ids of a batch's vectors (FxHash: the keys are short strings looked up once per
/// member and key; ids are given in order of first appearance, whatever the hasher).
pub(crate) type Vocab = HashMap<String, u32, rustc_hash::FxBuildHasher>;

pub(crate) fn intern<K: AsRef<str>>(v: &[(K, f32)], vocab: &mut Vocab) -> Interned {
    let mut out: Interned = v
        .iter()
        .map(|(k, w)| {
            // A key seen before is looked up without a copy of it.
            let id = match vocab.get(k.as_ref()) {
                Some(&id) => id,
                None => {
                    let next = vocab.len() as u32;
                    vocab.insert(k.as_ref().to_string(), next);
                    next
                }
            };
            (id, *w)
        })
        .collect();
    out.sort_by_key(|(k, _)| *k);
    out
}

pub(crate) fn dot(a: &Interned, b: &Interned) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// How far two publication days may lie apart before the pair is down-weighted, and by how
/// much. Both documents need a publication date; otherwise nothing happens.
pub fn date_factor(a: Option<&str>, b: Option<&str>, params: &Params) -> f32 {
    match (a.and_then(day_number), b.and_then(day_number)) {
        (Some(x), Some(y)) if (x - y).abs() > params.date_window_days => params.date_penalty,
        _ => 1.0,
    }
}

/// Down-weights a pair whose documents both name diseases but no disease in common.
pub fn disease_factor(a: &[String], b: &[String], params: &Params) -> f32 {
    if a.is_empty() || b.is_empty() || a.iter().any(|d| b.contains(d)) {
        1.0
    } else {
        params.disease_penalty
    }
}

/// For each document, the index of the earlier document it near-duplicates (the first copy
/// of the story), or `None` for an original.
pub fn duplicates(docs: &[DocFeatures]) -> Vec<Option<usize>> {
    let sigs: Vec<&[u32]> = docs.iter().map(|d| d.minhash.as_slice()).collect();
    minhash::duplicates(&sigs)
}

/// One cluster label per document (labels count from 0 in order of first appearance), with the
/// default [`Params`] and document frequencies taken from the batch itself.
pub fn cluster_batch(docs: &[DocFeatures]) -> Vec<usize> {
    cluster_batch_with(docs, &Params::default(), None)
}

/// [`cluster_batch`] with explicit parameters and, optionally, a document-frequency table (by
/// default the batch's own).
pub fn cluster_batch_with(
    docs: &[DocFeatures],
    params: &Params,
    df: Option<&DfTable>,
) -> Vec<usize> {
    cluster_batch_cued(docs, None, params, df)
}

/// [`cluster_batch_with`] with the documents' event cues (one per document, in order), which
/// the split pass uses to tell events of one kind apart.
pub fn cluster_batch_cued(
    docs: &[DocFeatures],
    cues: Option<&[Cues]>,
    params: &Params,
    df: Option<&DfTable>,
) -> Vec<usize> {
    let cues = cues.filter(|c| c.len() == docs.len());
    let own;
    let df = match df {
        Some(df) => df,
        None => {
            own = DfTable::from_docs(docs);
            &own
        }
    };
    // Near-duplicates are the same story: cluster one representative of each.
    let dup = duplicates(docs);
    let reps: Vec<usize> = (0..docs.len()).filter(|&i| dup[i].is_none()).collect();

    let mut vocab = Vocab::default();
    let words: Vec<Interned> = reps
        .iter()
        .map(|&i| intern(&vector::word_weights(&docs[i], df, params), &mut vocab))
        .collect();
    let ents: Vec<Interned> = reps
        .iter()
        .map(|&i| intern(&vector::entity_weights(&docs[i], df), &mut vocab))
        .collect();
    let n = reps.len();
    let mut sim = vec![0.0f32; n * n];
    for a in 0..n {
        for b in (a + 1)..n {
            let (da, db) = (&docs[reps[a]], &docs[reps[b]]);
            let mut s = dot(&words[a], &words[b]) + params.entity_weight * dot(&ents[a], &ents[b]);
            s *= date_factor(da.published.as_deref(), db.published.as_deref(), params);
            s *= disease_factor(&da.diseases, &db.diseases, params);
            sim[a * n + b] = s;
            sim[b * n + a] = s;
        }
    }
    let mut rep_labels = relabel(&average_linkage(&mut sim, n, params.threshold));
    if params.split_threshold > 0.0 {
        let rep_docs: Vec<&DocFeatures> = reps.iter().map(|&i| &docs[i]).collect();
        let rep_cues: Option<Vec<&Cues>> = cues.map(|c| reps.iter().map(|&i| &c[i]).collect());
        rep_labels = split::split_events(&rep_docs, rep_cues.as_deref(), &rep_labels, df, params);
    }
    let mut labels = vec![0usize; docs.len()];
    for (k, &i) in reps.iter().enumerate() {
        labels[i] = rep_labels[k];
    }
    for i in 0..docs.len() {
        if let Some(j) = dup[i] {
            labels[i] = labels[j];
        }
    }
    relabel(&labels)
}

/// The baseline: plain tf-idf of title and text (title weighed like the text), cosine,
/// average linkage cut at `threshold`; no duplicates, entities or dates.
pub fn baseline_batch(docs: &[DocFeatures], threshold: f32) -> Vec<usize> {
    let df = DfTable::from_docs(docs);
    let params = Params {
        title_weight: 1.0,
        ..Params::default()
    };
    let mut vocab = Vocab::default();
    let words: Vec<Interned> = docs
        .iter()
        .map(|d| intern(&vector::word_weights(d, &df, &params), &mut vocab))
        .collect();
    let n = docs.len();
    let mut sim = vec![0.0f32; n * n];
    for a in 0..n {
        for b in (a + 1)..n {
            let s = dot(&words[a], &words[b]);
            sim[a * n + b] = s;
            sim[b * n + a] = s;
        }
    }
    relabel(&average_linkage(&mut sim, n, threshold))
}

/// Renumbers labels from 0 in order of first appearance.
pub fn relabel(labels: &[usize]) -> Vec<usize> {
    let mut map = HashMap::new();
    labels
        .iter()
        .map(|l| {
            let next = map.len();
            *map.entry(*l).or_insert(next)
        })
        .collect()
}

/// Average-linkage agglomerative clustering of `n` items under the similarity matrix `sim`
/// (row-major, `n × n`, overwritten), cut where the linkage falls below `threshold`.
///
/// Nearest-neighbour chain: O(n²) time and no extra memory. Average linkage is reducible, so
/// the merges found at similarity ≥ `threshold` are exactly those of the greedy algorithm
/// stopped at `threshold`.
pub fn average_linkage(sim: &mut [f32], n: usize, threshold: f32) -> Vec<usize> {
    let merges = merges(sim, n);
    let mut parent: Vec<usize> = (0..n).collect();
    for (a, b, s) in merges {
        if s >= threshold {
            let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
            parent[rb] = ra;
        }
    }
    (0..n).map(|i| find(&mut parent, i)).collect()
}

pub(crate) fn find(parent: &mut [usize], mut x: usize) -> usize {
    while parent[x] != x {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    x
}

/// The two-way cut of the average-linkage dendrogram of `n ≥ 2` items: every merge but the
/// last. Returns the side of each item (0 or 1) and the linkage of the last merge.
pub(crate) fn top_split(sim: &mut [f32], n: usize) -> (Vec<usize>, f32) {
    let mut m = merges(sim, n);
    m.sort_by(|x, y| y.2.total_cmp(&x.2));
    let last = m.pop().map_or(f32::INFINITY, |x| x.2);
    let mut parent: Vec<usize> = (0..n).collect();
    for (a, b, _) in m {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        parent[rb] = ra;
    }
    let roots: Vec<usize> = (0..n).map(|i| find(&mut parent, i)).collect();
    let first = roots.first().copied().unwrap_or(0);
    (
        roots.iter().map(|&r| usize::from(r != first)).collect(),
        last,
    )
}

/// The merges of the average-linkage dendrogram, `(kept slot, merged slot, linkage)`, in the
/// order the nearest-neighbour chain finds them.
pub(crate) fn merges(sim: &mut [f32], n: usize) -> Vec<(usize, usize, f32)> {
    let mut out = Vec::with_capacity(n.saturating_sub(1));
    let mut active = vec![true; n];
    let mut size = vec![1usize; n];
    let mut remaining = n;
    let mut chain: Vec<usize> = Vec::new();
    while remaining > 1 {
        if chain.is_empty() {
            match active.iter().position(|&a| a) {
                Some(first) => chain.push(first),
                None => break,
            }
        }
        while let Some(&a) = chain.last() {
            let prev = if chain.len() >= 2 {
                Some(chain[chain.len() - 2])
            } else {
                None
            };
            let mut best = prev;
            let mut best_s = prev.map_or(f32::NEG_INFINITY, |p| sim[a * n + p]);
            for b in 0..n {
                if b != a && active[b] && sim[a * n + b] > best_s {
                    best = Some(b);
                    best_s = sim[a * n + b];
                }
            }
            let Some(b) = best else {
                chain.clear();
                break;
            };
            if Some(b) == prev {
                chain.pop();
                chain.pop();
                // Merge b into a (Lance–Williams update for average linkage).
                let (sa, sb) = (size[a] as f32, size[b] as f32);
                for k in 0..n {
                    if active[k] && k != a && k != b {
                        let s = (sa * sim[a * n + k] + sb * sim[b * n + k]) / (sa + sb);
                        sim[a * n + k] = s;
                        sim[k * n + a] = s;
                    }
                }
                active[b] = false;
                size[a] += size[b];
                remaining -= 1;
                out.push((a, b, best_s));
                break;
            }
            chain.push(b);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_linkage_cuts_at_the_threshold() {
        // Two tight pairs, weakly linked.
        let s = [
            [0.0, 0.9, 0.1, 0.2],
            [0.9, 0.0, 0.2, 0.1],
            [0.1, 0.2, 0.0, 0.8],
            [0.2, 0.1, 0.8, 0.0],
        ];
        let flat: Vec<f32> = s.iter().flatten().copied().collect();
        let labels = relabel(&average_linkage(&mut flat.clone(), 4, 0.5));
        assert_eq!(labels, vec![0, 0, 1, 1]);
        let labels = relabel(&average_linkage(&mut flat.clone(), 4, 0.85));
        assert_eq!(labels, vec![0, 0, 1, 2]);
        // Average link between the pairs is 0.15.
        let labels = relabel(&average_linkage(&mut flat.clone(), 4, 0.15));
        assert_eq!(labels, vec![0, 0, 0, 0]);
        let labels = relabel(&average_linkage(&mut flat.clone(), 4, 0.16));
        assert_eq!(labels, vec![0, 0, 1, 1]);
    }

    #[test]
    fn empty_and_single() {
        assert!(average_linkage(&mut [], 0, 0.5).is_empty());
        assert_eq!(average_linkage(&mut [0.0], 1, 0.5), vec![0]);
        assert!(cluster_batch(&[]).is_empty());
    }
}
