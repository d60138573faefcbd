//! Batch clustering: near-duplicates collapsed, then average-linkage agglomerative clustering
//! over a similarity that joins words (tf-idf), entities (diseases, countries, places, months,
//! figures) and publication dates.

use std::collections::HashMap;

use crate::features::{DfTable, DocFeatures, day_number};
use crate::vector::{self, Sparse};
use crate::{Params, minhash};

/// Most documents [`cluster_batch`] takes in one matrix (its memory is quadratic); larger
/// inputs should go through the incremental [`crate::Clusterer`].
pub const MAX_BATCH: usize = 6000;

/// A sparse vector over interned keys, sorted by key.
type Interned = Vec<(u32, f32)>;

fn intern(v: &Sparse, vocab: &mut HashMap<String, u32>) -> Interned {
    let mut out: Interned =
        v.0.iter()
            .map(|(k, w)| {
                let next = vocab.len() as u32;
                (*vocab.entry(k.clone()).or_insert(next), *w)
            })
            .collect();
    out.sort_by_key(|(k, _)| *k);
    out
}

fn dot(a: &Interned, b: &Interned) -> f32 {
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

    let mut vocab = HashMap::new();
    let words: Vec<Interned> = reps
        .iter()
        .map(|&i| intern(&vector::words(&docs[i], df, params), &mut vocab))
        .collect();
    let ents: Vec<Interned> = reps
        .iter()
        .map(|&i| intern(&vector::entities(&docs[i], df), &mut vocab))
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
        rep_labels = split_events(&rep_docs, &rep_labels, df, params);
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

/// Second pass: splits a cluster that holds several events of one kind (two boxing title
/// fights of one champion, two seasons' playoff clinchers).
///
/// Inside a cluster the words every member shares (the champion, "heavyweight") say nothing
/// about which fight a member reports; what tells the events apart are the words only some
/// members share (the opponent, the venue, the score, the year). So the members are compared
/// again with each term's weight multiplied by its idf within the cluster, and clustered with
/// average linkage at `params.split_threshold`. Parts smaller than `params.split_min` (and than
/// a fifth of the cluster) are not events of their own: they go back to the part they are most
/// similar to. A cluster stays whole unless two parts remain.
fn split_events(
    docs: &[&DocFeatures],
    labels: &[usize],
    df: &DfTable,
    params: &Params,
) -> Vec<usize> {
    let clusters = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut out = labels.to_vec();
    let mut next = clusters;
    for c in 0..clusters {
        let members: Vec<usize> = (0..docs.len()).filter(|&i| labels[i] == c).collect();
        let m = members.len();
        if m < 2 * params.split_min.max(1) {
            continue;
        }
        // Local document frequencies of terms and entities.
        let local: Vec<Vec<(String, f32)>> = members
            .iter()
            .map(|&i| {
                let mut v = vector::words(docs[i], df, params).0;
                v.extend(
                    vector::entities(docs[i], df)
                        .0
                        .into_iter()
                        .map(|(k, w)| (k, w * params.entity_weight)),
                );
                v
            })
            .collect();
        let mut ldf: HashMap<&str, f32> = HashMap::new();
        for v in &local {
            for (k, _) in v {
                *ldf.entry(k.as_str()).or_insert(0.0) += 1.0;
            }
        }
        let mf = m as f32;
        let mut vocab = HashMap::new();
        let vecs: Vec<Interned> = local
            .iter()
            .map(|v| {
                let items = v
                    .iter()
                    .map(|(k, w)| {
                        let d = ldf.get(k.as_str()).copied().unwrap_or(1.0);
                        (k.clone(), w * ((mf + 1.0) / (d + 0.5)).ln().max(0.0))
                    })
                    .collect();
                intern(&Sparse::normalized(items), &mut vocab)
            })
            .collect();
        let mut sim = vec![0.0f32; m * m];
        for a in 0..m {
            for b in (a + 1)..m {
                let s = dot(&vecs[a], &vecs[b]);
                sim[a * m + b] = s;
                sim[b * m + a] = s;
            }
        }
        let keep = sim.clone();
        let parts = relabel(&average_linkage(&mut sim, m, params.split_threshold));
        let count = parts.iter().copied().max().map_or(0, |x| x + 1);
        let mut sizes = vec![0usize; count];
        for &p in &parts {
            sizes[p] += 1;
        }
        let min = params.split_min.max(m.div_ceil(5));
        let big: Vec<usize> = (0..count).filter(|&p| sizes[p] >= min).collect();
        if big.len() < 2 {
            continue;
        }
        // Every member goes to the big part it is most similar to on average.
        for (k, &i) in members.iter().enumerate() {
            let own = parts[k];
            let target = if big.contains(&own) {
                own
            } else {
                let mut best = (f32::NEG_INFINITY, big[0]);
                for &p in &big {
                    let (mut s, mut n) = (0.0, 0.0);
                    for j in 0..m {
                        if parts[j] == p {
                            s += keep[k * m + j];
                            n += 1.0;
                        }
                    }
                    if n > 0.0 && s / n > best.0 {
                        best = (s / n, p);
                    }
                }
                best.1
            };
            // The first big part keeps the cluster's label.
            out[i] = if target == big[0] { c } else { next + target };
        }
        next += count;
    }
    relabel(&out)
}

/// The baseline: plain tf-idf of title and text (title weighed like the text), cosine,
/// average linkage cut at `threshold`; no duplicates, entities or dates.
pub fn baseline_batch(docs: &[DocFeatures], threshold: f32) -> Vec<usize> {
    let df = DfTable::from_docs(docs);
    let params = Params {
        title_weight: 1.0,
        ..Params::default()
    };
    let mut vocab = HashMap::new();
    let words: Vec<Interned> = docs
        .iter()
        .map(|d| intern(&vector::words(d, &df, &params), &mut vocab))
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
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
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
                if best_s >= threshold {
                    let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                    parent[rb] = ra;
                }
                break;
            }
            chain.push(b);
        }
    }
    (0..n).map(|i| find(&mut parent, i)).collect()
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
