//! Second pass of batch clustering: splits a cluster that holds several events of one kind
//! (two boxing title fights of one champion, two seasons' playoff clinchers, two actors cast
//! in one role).
//!
//! Inside a cluster the words every member shares (the champion, "heavyweight") say nothing
//! about which fight a member reports; what tells the events apart are the words only some
//! members share (the opponent, the venue, the score, the year). So the members are compared
//! again with each term's weight multiplied by its idf within the cluster, and the cluster is
//! cut in two, each side then tried again (three levels at most), when either of two tests
//! finds two events:
//!
//! 1. the top of the cluster's average-linkage dendrogram: both sides hold at least
//!    `params.split_min` members (and a fifth of the cluster) and their average similarity is
//!    below `params.split_threshold`;
//! 2. otherwise, a spectral bisection: the members' `params.split_k` nearest neighbours make a
//!    graph, cut along its Fiedler vector where the normalised cut is smallest (both sides as
//!    large as above); the cut splits when it is below `params.split_ncut`. When the caller
//!    gives [`Cues`], the similarity this graph is built on is mixed with the similarity of
//!    the members' names and years (`params.names_weight`).
//!
//! The first test misses two events of one kind when a member that is unlike the rest sits at
//! the top of the dendrogram (the top split then peels it off, too small to count). The
//! nearest-neighbour graph is robust to such members and to tight groups of near-copies: every
//! member has the same number of edges, and two events show as two groups with few edges
//! between them.

use rustc_hash::FxHashMap;

use crate::Params;
use crate::batch::{Interned, Vocab, dot, intern, relabel, top_split};
use crate::cues::Cues;
use crate::features::{DfTable, DocFeatures};
use crate::vector::{self, Sparse};

/// Splits each cluster of `labels` (over `docs`, with their `cues` when given) into the
/// events it holds. Returns new labels, numbered from 0 in order of first appearance.
pub fn split_events(
    docs: &[&DocFeatures],
    cues: Option<&[&Cues]>,
    labels: &[usize],
    df: &DfTable,
    params: &Params,
) -> Vec<usize> {
    let cues = cues.filter(|c| c.len() == docs.len());
    let clusters = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut out = labels.to_vec();
    let mut next = clusters;
    let mut members_of: Vec<Vec<usize>> = vec![Vec::new(); clusters];
    for (i, &l) in labels.iter().enumerate() {
        members_of[l].push(i);
    }
    for members in members_of {
        let mut groups = Vec::new();
        let group = Group {
            docs,
            cues,
            df,
            params,
        };
        group.split(members, 0, &mut groups);
        for g in groups.iter().skip(1) {
            for &i in g {
                out[i] = next;
            }
            next += 1;
        }
    }
    relabel(&out)
}

/// What every split of one batch shares.
struct Group<'a> {
    docs: &'a [&'a DocFeatures],
    cues: Option<&'a [&'a Cues]>,
    df: &'a DfTable,
    params: &'a Params,
}

impl Group<'_> {
    /// Splits `members` in two when one of the two tests finds two events, then each side
    /// again; pushes the final groups to `out`.
    fn split(&self, members: Vec<usize>, depth: usize, out: &mut Vec<Vec<usize>>) {
        if depth >= 3 {
            out.push(members);
            return;
        }
        let Some(side) = self.cut(&members) else {
            out.push(members);
            return;
        };
        let (mut left, mut right) = (Vec::new(), Vec::new());
        for (k, &i) in members.iter().enumerate() {
            if side[k] == 0 {
                left.push(i);
            } else {
                right.push(i);
            }
        }
        self.split(left, depth + 1, out);
        self.split(right, depth + 1, out);
    }

    /// The side (0 or 1) of each of `members` when one of the two tests finds two events in
    /// them; `None` when neither does (or they are too few).
    fn cut(&self, members: &[usize]) -> Option<Vec<usize>> {
        self.cut_with(members).map(|(side, _)| side)
    }

    /// [`Group::cut`] with the similarity matrix the cut was made on.
    fn cut_with(&self, members: &[usize]) -> Option<(Vec<usize>, Vec<f32>)> {
        let m = members.len();
        let min = self.params.split_min.max(1).max(m.div_ceil(5));
        if m < 2 * min {
            return None;
        }
        let mut sim = word_similarity(self.docs, members, self.df, self.params);
        let (top, linkage) = top_split(&mut sim.clone(), m);
        let ones = top.iter().filter(|&&s| s == 1).count();
        if linkage < self.params.split_threshold && ones >= min && m - ones >= min {
            return Some((top, sim));
        }
        if self.params.split_ncut <= 0.0 {
            return None;
        }
        if let Some(cues) = self.cues
            && self.params.names_weight > 0.0
        {
            let w = self.params.names_weight;
            for (s, n) in sim.iter_mut().zip(name_similarity(cues, members)) {
                *s = (1.0 - w) * *s + w * n;
            }
        }
        let side = spectral_cut(&sim, m, self.params.split_k, min)
            .filter(|(_, ncut)| *ncut < self.params.split_ncut)
            .map(|(side, _)| side)?;
        Some((side, sim))
    }
}

/// One cut of the split pass over a group of documents (with their `cues` when given): the
/// side (0 or 1) of each document when the dendrogram or the spectral test finds two events
/// in the group, `None` when neither does. The incremental re-examination of an event
/// ([`crate::Clusterer::split_event`]) asks this of the event's members. With `refine`, each
/// document then goes to the side it is more similar to on average (in the similarity the cut
/// was made on; one pass, all at once), unless that leaves a side empty.
pub fn bisect(
    docs: &[&DocFeatures],
    cues: Option<&[&Cues]>,
    df: &DfTable,
    params: &Params,
    refine: bool,
) -> Option<Vec<usize>> {
    let group = Group {
        docs,
        cues: cues.filter(|c| c.len() == docs.len()),
        df,
        params,
    };
    let members: Vec<usize> = (0..docs.len()).collect();
    let (side, sim) = group.cut_with(&members)?;
    if !refine {
        return Some(side);
    }
    let n = side.len();
    let sizes = [
        side.iter().filter(|&&s| s == 0).count(),
        side.iter().filter(|&&s| s == 1).count(),
    ];
    let refined: Vec<usize> = (0..n)
        .map(|a| {
            let mut sum = [0.0f32; 2];
            for b in (0..n).filter(|&b| b != a) {
                sum[side[b]] += sim[a * n + b];
            }
            let own = side[a];
            let avg = |s: usize| {
                let others = sizes[s] - usize::from(s == own);
                if others == 0 {
                    0.0
                } else {
                    sum[s] / others as f32
                }
            };
            if avg(1 - own) > avg(own) {
                1 - own
            } else {
                own
            }
        })
        .collect();
    if refined.iter().all(|&s| s == refined[0]) {
        return Some(side);
    }
    Some(refined)
}

/// Pairwise similarity (row-major `m × m`, zero diagonal) of unit vectors.
fn pairwise(vecs: &[Interned]) -> Vec<f32> {
    let m = vecs.len();
    let mut sim = vec![0.0f32; m * m];
    for a in 0..m {
        for b in (a + 1)..m {
            let s = dot(&vecs[a], &vecs[b]);
            sim[a * m + b] = s;
            sim[b * m + a] = s;
        }
    }
    sim
}

/// Idf within a group of `m` members of a key `d` of them hold (0 for a key all hold).
fn local_idf(m: f32, d: f32) -> f32 {
    ((m + 1.0) / (d + 0.5)).ln().max(0.0)
}

/// Within-group similarity of words and entities: each tf-idf weight multiplied by the key's
/// idf within the group.
fn word_similarity(
    docs: &[&DocFeatures],
    members: &[usize],
    df: &DfTable,
    params: &Params,
) -> Vec<f32> {
    let local: Vec<Vec<(&str, f32)>> = members
        .iter()
        .map(|&i| {
            let mut v = vector::word_weights(docs[i], df, params);
            v.extend(
                vector::entity_weights(docs[i], df)
                    .into_iter()
                    .map(|(k, w)| (k, w * params.entity_weight)),
            );
            v
        })
        .collect();
    let mut ldf: FxHashMap<&str, f32> = FxHashMap::default();
    for v in &local {
        for (k, _) in v {
            *ldf.entry(k).or_insert(0.0) += 1.0;
        }
    }
    let mf = members.len() as f32;
    let mut vocab = Vocab::default();
    let vecs: Vec<Interned> = local
        .iter()
        .map(|v| {
            let items = v
                .iter()
                .map(|(k, w)| {
                    let d = ldf.get(k).copied().unwrap_or(1.0);
                    (*k, w * local_idf(mf, d))
                })
                .collect();
            intern(&vector::normalize_items(items), &mut vocab)
        })
        .collect();
    pairwise(&vecs)
}

/// Within-group similarity of names and years: sub-linear counts times the idf within the
/// group.
fn name_similarity(cues: &[&Cues], members: &[usize]) -> Vec<f32> {
    let mut ldf: FxHashMap<&str, f32> = FxHashMap::default();
    for &i in members {
        for (k, _) in &cues[i].names {
            *ldf.entry(k.as_str()).or_insert(0.0) += 1.0;
        }
    }
    let mf = members.len() as f32;
    let mut vocab = Vocab::default();
    let vecs: Vec<Interned> = members
        .iter()
        .map(|&i| {
            let items = cues[i]
                .names
                .iter()
                .map(|(k, n)| {
                    let d = ldf.get(k.as_str()).copied().unwrap_or(1.0);
                    (k.clone(), vector::sublinear(*n) * local_idf(mf, d))
                })
                .collect();
            intern(&Sparse::normalized(items).0, &mut vocab)
        })
        .collect();
    pairwise(&vecs)
}

/// The symmetric `k`-nearest-neighbour graph of `sim` (`n × n`), as sorted adjacency lists.
/// Ties go to the lower index.
fn knn_graph(sim: &[f32], n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut order: Vec<usize> = Vec::with_capacity(n);
    for a in 0..n {
        order.clear();
        order.extend((0..n).filter(|&b| b != a));
        order.sort_by(|&x, &y| sim[a * n + y].total_cmp(&sim[a * n + x]).then(x.cmp(&y)));
        for &b in order.iter().take(k) {
            adj[a].push(b);
            adj[b].push(a);
        }
    }
    for l in &mut adj {
        l.sort_unstable();
        l.dedup();
    }
    adj
}

/// Spectral bisection of the `k`-nearest-neighbour graph of `sim` (`n × n`): the items sorted
/// by the Fiedler vector of the normalised adjacency, cut where the normalised cut
/// (`cut/vol(A) + cut/vol(B)`) is smallest with both sides at least `min`. Returns the side
/// of each item (0 or 1) and that normalised cut; `None` when `n < 2·min`.
fn spectral_cut(sim: &[f32], n: usize, k: usize, min: usize) -> Option<(Vec<usize>, f32)> {
    let min = min.max(1);
    if n < 2 * min {
        return None;
    }
    let adj = knn_graph(sim, n, k.clamp(1, n - 1));
    let deg: Vec<f64> = adj.iter().map(|l| l.len() as f64).collect();
    let total: f64 = deg.iter().sum();
    let sq: Vec<f64> = deg.iter().map(|d| d.sqrt()).collect();
    let top: Vec<f64> = sq.iter().map(|s| s / total.sqrt()).collect();
    // Power iteration on I + D^-1/2 A D^-1/2 (eigenvalues in [0, 2]) with its top eigenvector
    // (the square roots of the degrees) projected out; from a fixed pseudo-random start.
    let mut v: Vec<f64> = (0..n as u64)
        .map(|i| ((i + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as f64 / 16_777_216.0 - 0.5)
        .collect();
    let mut w = vec![0.0f64; n];
    for _ in 0..(20 * n).clamp(200, 2000) {
        for a in 0..n {
            w[a] = v[a] + adj[a].iter().map(|&b| v[b] / (sq[a] * sq[b])).sum::<f64>();
        }
        let p: f64 = w.iter().zip(&top).map(|(x, t)| x * t).sum();
        for (x, t) in w.iter_mut().zip(&top) {
            *x -= p * t;
        }
        let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm <= f64::EPSILON {
            return None;
        }
        for (x, y) in v.iter_mut().zip(&w) {
            *x = y / norm;
        }
    }
    let fiedler: Vec<f64> = v.iter().zip(&sq).map(|(x, s)| x / s).collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&x, &y| fiedler[x].total_cmp(&fiedler[y]).then(x.cmp(&y)));
    // Sweep: move items to side 0 in that order, keeping the cut and side 0's volume.
    let mut on_left = vec![false; n];
    let (mut cut, mut vol) = (0.0f64, 0.0f64);
    let mut best: Option<(usize, f64)> = None;
    for (c, &x) in order.iter().enumerate() {
        let to_left = adj[x].iter().filter(|&&b| on_left[b]).count() as f64;
        cut += deg[x] - 2.0 * to_left;
        vol += deg[x];
        on_left[x] = true;
        let size = c + 1;
        if size < min || n - size < min || vol <= 0.0 || total - vol <= 0.0 {
            continue;
        }
        let ncut = cut / vol + cut / (total - vol);
        if best.is_none_or(|(_, b)| ncut < b) {
            best = Some((size, ncut));
        }
    }
    let (size, ncut) = best?;
    let mut side = vec![1usize; n];
    for &x in order.iter().take(size) {
        side[x] = 0;
    }
    Some((side, ncut as f32))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two groups of `size` items, similarity `inside` within a group and `across` between.
    fn two_groups(size: usize, inside: f32, across: f32) -> Vec<f32> {
        let n = 2 * size;
        let mut sim = vec![0.0; n * n];
        for a in 0..n {
            for b in 0..n {
                if a != b {
                    sim[a * n + b] = if (a < size) == (b < size) {
                        inside
                    } else {
                        across
                    };
                }
            }
        }
        sim
    }

    /// `n` reports of one kind (the same words, and two of four others in turn, whatever the
    /// event) whose names are `names(i)`.
    fn reports(
        n: usize,
        names: impl Fn(usize) -> Vec<&'static str>,
    ) -> (Vec<DocFeatures>, Vec<Cues>) {
        let docs = (0..n)
            .map(|i| DocFeatures {
                id: i.to_string(),
                terms: vec![
                    ("injured".into(), 2.0),
                    ("reserve".into(), 2.0),
                    ("running".into(), 1.0),
                    (format!("w{}", i % 4), 1.0),
                    (format!("w{}", (i + 1) % 4), 1.0),
                ],
                ..DocFeatures::default()
            })
            .collect();
        let cues = (0..n)
            .map(|i| Cues {
                names: names(i).into_iter().map(|k| (k.to_string(), 1.0)).collect(),
            })
            .collect();
        (docs, cues)
    }

    fn split_all(docs: &[DocFeatures], cues: &[Cues]) -> Vec<usize> {
        let refs: Vec<&DocFeatures> = docs.iter().collect();
        let cue_refs: Vec<&Cues> = cues.iter().collect();
        let df = DfTable::from_docs(docs);
        let labels = vec![0; docs.len()];
        split_events(&refs, Some(&cue_refs), &labels, &df, &Params::default())
    }

    #[test]
    fn names_tell_two_events_of_one_kind_apart() {
        // Reggie Bush in 2008 and Pierre Thomas in 2010, told with the same words.
        let (docs, cues) = reports(16, |i| {
            if i < 8 {
                vec!["bush", "reggie", "saints", "y2008"]
            } else {
                vec!["pierre", "saints", "thomas", "y2010"]
            }
        });
        let labels = split_all(&docs, &cues);
        assert!(labels[..8].iter().all(|&l| l == labels[0]), "{labels:?}");
        assert!(labels[8..].iter().all(|&l| l == labels[8]), "{labels:?}");
        assert_ne!(labels[0], labels[8], "{labels:?}");
        // Without the names, the words say nothing of which event.
        let refs: Vec<&DocFeatures> = docs.iter().collect();
        let df = DfTable::from_docs(&docs);
        let words_only = split_events(&refs, None, &[0; 16], &df, &Params::default());
        assert!(words_only.iter().all(|&l| l == 0), "{words_only:?}");
        // The same names throughout: one event.
        let (docs, cues) = reports(16, |_| vec!["bush", "reggie", "saints", "y2008"]);
        assert!(split_all(&docs, &cues).iter().all(|&l| l == 0));
    }

    #[test]
    fn spectral_cut_finds_two_groups() {
        let sim = two_groups(8, 0.5, 0.1);
        let (side, ncut) = spectral_cut(&sim, 16, 5, 4).unwrap();
        assert!(ncut < 0.01, "{ncut}");
        assert!(side[..8].iter().all(|&s| s == side[0]), "{side:?}");
        assert!(side[8..].iter().all(|&s| s != side[0]), "{side:?}");
    }

    #[test]
    fn spectral_cut_of_one_group_is_costly() {
        // Everyone alike, with a little noise: no cut is cheap.
        let n = 16;
        let mut sim = vec![0.0; n * n];
        for a in 0..n {
            for b in 0..n {
                if a != b {
                    sim[a * n + b] = 0.3 + 0.01 * (((a * 7 + b * 7) % 5) as f32);
                }
            }
        }
        let (_, ncut) = spectral_cut(&sim, n, 5, 4).unwrap();
        assert!(ncut > 0.3, "{ncut}");
        assert!(spectral_cut(&sim, 7, 5, 4).is_none());
    }

    #[test]
    fn outlier_at_the_top_does_not_hide_two_events() {
        // Two events of 8 and one member unlike all: average linkage peels the outlier off at
        // the top; the neighbour graph still cuts between the events.
        let size = 8;
        let n = 2 * size + 1;
        let base = two_groups(size, 0.4, 0.15);
        let mut sim = vec![0.0; n * n];
        for a in 0..2 * size {
            for b in 0..2 * size {
                sim[a * n + b] = base[a * 2 * size + b];
            }
        }
        for a in 0..2 * size {
            sim[a * n + n - 1] = 0.01;
            sim[(n - 1) * n + a] = 0.01;
        }
        let (top, _) = top_split(&mut sim.clone(), n);
        assert_eq!(top.iter().filter(|&&s| s == top[n - 1]).count(), 1);
        let (side, ncut) = spectral_cut(&sim, n, 5, 4).unwrap();
        assert!(ncut < 0.3, "{ncut}");
        assert!(side[..size].iter().all(|&s| s == side[0]), "{side:?}");
        assert!(
            side[size..2 * size].iter().all(|&s| s != side[0]),
            "{side:?}"
        );
    }
}
