//! The re-examination of an event inside a consolidation batch: when an event that a document
//! joined (or that it merged) reaches a re-examination count ([`Clusterer::resplit_due`]), its
//! members go through [`Clusterer::split_event`], and when the event should split, the part
//! without its first member leaves as a new event. This is the store-backed form of
//! `epiwire_cluster::Events::push_split` (the in-memory reference; the README of the cluster
//! crate gives the recipe): same members in the same order, same features, same decision.
//!
//! Everything happens in the batch's [`Work`], so the split takes effect before the next
//! document of the batch and is written in the batch's one transaction:
//!
//! - the event keeps its id (it holds its first member, the founder); the new event is named
//!   `E<seq>` after the document being consolidated, which joined and so opened no event;
//! - both profiles are rebuilt from their members in arrival order (a member cannot be taken
//!   out of a profile's f32 sums);
//! - the members that leave are written again under the new event (the store replaces a
//!   member record by its sequence number), stored ones included ([`Relocated`]);
//! - the new event is indexed under its members' keys (computed again with the document
//!   frequencies of now); the old event keeps its keys (a stale entry only adds a candidate
//!   that scores low);
//! - the old event's list record, aggregates and series are rebuilt from its remaining members
//!   at the end of the batch ([`Work::rebuild`]), and a series it no longer has is removed
//!   ([`crate::Changes::dropped_series`]); the new event's come from its members, all new to it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use epiwire_cluster::incremental::{RESPLIT_KEPT, RESPLIT_MEMBERS};
use epiwire_cluster::{Clusterer, Cues, DocFeatures, EventProfile};
use epiwire_model::Document;

use crate::Result;
use crate::backend::{EventBackend, Member};
use crate::engine::{Work, backend, keys_of};

/// Stored members written again under another event in this batch (by a split), by sequence
/// number: they live in the `new_members` of the work of their event now, and are left out
/// when an event's stored members are read.
pub(crate) type Relocated = HashSet<u64>;

/// What a re-examination reads: the batch's documents and the features already computed, by
/// sequence number.
pub(crate) struct Inputs<'a> {
    /// The batch's documents.
    pub docs: &'a HashMap<u64, &'a Document>,
    /// Features and cues computed so far: the batch's documents' and those the session keeps
    /// of earlier ones ([`crate::Session`]); a member's features computed again from its stored
    /// document are added.
    pub features: &'a mut crate::cache::FeatureCache,
}

/// The members of an event as it stands in the batch, oldest first: its stored members and
/// those of the stored events merged into it in this batch, without those written again
/// elsewhere, and its members new in this batch.
fn members_now<B: EventBackend>(
    store: &B,
    id: &str,
    w: &Work,
    relocated: &Relocated,
) -> Result<Vec<Member>> {
    let mut members = store.members(id).map_err(backend)?;
    for other in &w.absorbed {
        members.extend(store.members(other).map_err(backend)?);
    }
    members.retain(|m| !relocated.contains(&m.seq));
    members.extend(w.new_members.iter().cloned());
    members.sort_by_key(|m| m.seq);
    members.dedup_by_key(|m| m.seq);
    Ok(members)
}

/// The sequence numbers of [`members_now`], without decoding any stored member.
fn member_seqs_now<B: EventBackend>(
    store: &B,
    id: &str,
    w: &Work,
    relocated: &Relocated,
) -> Result<Vec<u64>> {
    let mut seqs = store.member_seqs(id).map_err(backend)?;
    for other in &w.absorbed {
        seqs.extend(store.member_seqs(other).map_err(backend)?);
    }
    seqs.retain(|s| !relocated.contains(s));
    seqs.extend(w.new_members.iter().map(|m| m.seq));
    seqs.sort_unstable();
    seqs.dedup();
    Ok(seqs)
}

/// Features and cues of each member, in the order of `seqs`: the batch's as computed, the
/// others from the stored document (deterministic: the same as when it joined), put in the
/// cache first, so that every member's are borrowed from it (they were cloned, a term vector
/// each). `None` when a member's document is not in the store.
fn features_of<'c, B: EventBackend>(
    store: &B,
    docs: &HashMap<u64, &Document>,
    cache: &'c mut crate::cache::FeatureCache,
    seqs: &[u64],
) -> Result<Option<Vec<&'c (DocFeatures, Cues)>>> {
    for seq in seqs {
        if cache.get(seq).is_some() {
            continue;
        }
        let pair = match docs.get(seq) {
            Some(d) => (DocFeatures::from_document(d), Cues::from_document(d)),
            None => match store.document(*seq).map_err(backend)? {
                Some(d) => (DocFeatures::from_document(&d), Cues::from_document(&d)),
                None => return Ok(None),
            },
        };
        cache.insert(*seq, pair);
    }
    let cache: &'c crate::cache::FeatureCache = cache;
    Ok(seqs.iter().map(|seq| cache.get(seq)).collect())
}

/// Re-examines the event `target` of the batch's work; when [`Clusterer::split_event`] accepts
/// a split, moves the leaving members to a new event `new_id` (see the module). Returns
/// whether the event split.
#[allow(clippy::too_many_arguments)]
pub(crate) fn reexamine<B: EventBackend>(
    store: &B,
    clusterer: &Clusterer,
    inputs: &mut Inputs<'_>,
    work: &mut BTreeMap<String, Work>,
    batch_keys: &mut HashMap<String, BTreeSet<String>>,
    relocated: &mut Relocated,
    target: &str,
    new_id: String,
) -> Result<bool> {
    let Some(w) = work.get(target) else {
        return Ok(false);
    };
    // The members' records are read only when the event splits: most re-examinations find
    // nothing, and they need the members' features alone.
    let seqs = member_seqs_now(store, target, w, relocated)?;
    if seqs.len() > RESPLIT_KEPT {
        return Ok(false);
    }
    let Some(computed) = features_of(store, inputs.docs, inputs.features, &seqs)? else {
        return Ok(false);
    };
    let view: Vec<(&DocFeatures, Option<&Cues>)> =
        computed.iter().map(|(f, c)| (f, Some(c))).collect();
    let Some(check) = clusterer.split_event(&view).filter(|c| c.accepted) else {
        return Ok(false);
    };
    let members = members_now(store, target, w, relocated)?;
    if members.iter().map(|m| m.seq).ne(seqs.iter().copied()) {
        // The store's members and their sequence numbers disagree: no split.
        return Ok(false);
    }
    let profile = |leave: bool| {
        let mut p = EventProfile::default();
        for ((m, (f, c)), &l) in members.iter().zip(&computed).zip(&check.leaves) {
            if l == leave {
                p.add_member(f, Some(c), m.duplicate_of.is_some());
            }
        }
        p
    };
    let (stay, go) = (profile(false), profile(true));
    let Some(w) = work.get_mut(target) else {
        return Ok(false);
    };
    w.profile = stay;
    w.rebuild = true;
    let leaving: HashSet<u64> = members
        .iter()
        .zip(&check.leaves)
        .filter(|(_, l)| **l)
        .map(|(m, _)| m.seq)
        .collect();
    w.new_members.retain(|m| !leaving.contains(&m.seq));
    let mut new = Work::new(go);
    for ((m, (f, _)), &l) in members.iter().zip(&computed).zip(&check.leaves) {
        if !l {
            continue;
        }
        if !inputs.docs.contains_key(&m.seq) {
            relocated.insert(m.seq);
        }
        for k in keys_of(clusterer, f).1 {
            batch_keys
                .entry(k.clone())
                .or_default()
                .insert(new_id.clone());
            new.keys.insert(k);
        }
        new.new_members.push(m.clone());
    }
    work.insert(new_id, new);
    Ok(true)
}

/// The members an event rebuilt after a split has at the end of the batch (see
/// [`members_now`]).
pub(crate) fn final_members<B: EventBackend>(
    store: &B,
    id: &str,
    w: &Work,
    relocated: &Relocated,
) -> Result<Vec<Member>> {
    members_now(store, id, w, relocated)
}

/// What the merge side of a re-examination changes in a batch besides its work: the events
/// merged away, the stored profiles read for the batch, the stored members written again
/// elsewhere, the keys of the batch's events.
pub(crate) struct Pairing<'a> {
    pub work: &'a mut BTreeMap<String, Work>,
    pub batch_keys: &'a mut HashMap<String, BTreeSet<String>>,
    pub relocated: &'a mut Relocated,
    pub merged_into: &'a mut HashMap<String, String>,
    pub stored: &'a mut HashMap<String, EventProfile>,
    /// Events merged away by it.
    pub merged: u64,
    /// Whether members moved between events.
    pub moved: bool,
}

impl<'a> Pairing<'a> {
    /// A pairing over the batch's work and maps, with nothing merged or moved yet.
    pub fn new(
        work: &'a mut BTreeMap<String, Work>,
        batch_keys: &'a mut HashMap<String, BTreeSet<String>>,
        relocated: &'a mut Relocated,
        merged_into: &'a mut HashMap<String, String>,
        stored: &'a mut HashMap<String, EventProfile>,
    ) -> Self {
        Pairing {
            work,
            batch_keys,
            relocated,
            merged_into,
            stored,
            merged: 0,
            moved: false,
        }
    }

    fn resolve(&self, id: &str) -> String {
        let mut id = id.to_string();
        while let Some(next) = self.merged_into.get(&id) {
            id = next.clone();
        }
        id
    }

    /// The work of an event, made from its stored profile when the batch has not touched it.
    fn work_of(&mut self, id: &str) -> &mut Work {
        if !self.work.contains_key(id) {
            let profile = self.stored.remove(id).unwrap_or_default();
            self.work.insert(id.to_string(), Work::new(profile));
        }
        self.work
            .entry(id.to_string())
            .or_insert_with(|| Work::new(EventProfile::default()))
    }
}

/// The merge side of a re-examination ([`epiwire_cluster::Params::remerge_link`], the
/// store-backed form of `Events`' `remerge`): the document's `candidates` that link to
/// `target` closely enough ([`Clusterer::remerge_candidates`]), nearest first, are each
/// examined with it as one event: merged when [`Clusterer::pair_split`] finds one event, else
/// each event takes the part it holds the first member of.
pub(crate) fn remerge<B: EventBackend>(
    store: &B,
    clusterer: &Clusterer,
    inputs: &mut Inputs<'_>,
    st: &mut Pairing<'_>,
    target: &str,
    candidates: &[String],
) -> Result<()> {
    let t = st.resolve(target);
    let mut others: Vec<String> = candidates
        .iter()
        .map(|c| st.resolve(c))
        .filter(|c| *c != t)
        .collect();
    others.sort_unstable();
    others.dedup();
    let chosen = {
        let Some(pt) = st.work.get(&t).map(|w| &w.profile) else {
            return Ok(());
        };
        let cands: Vec<(&str, &EventProfile)> = others
            .iter()
            .filter_map(|id| {
                let p = st
                    .work
                    .get(id)
                    .map(|w| &w.profile)
                    .or_else(|| st.stored.get(id))?;
                Some((id.as_str(), p))
            })
            .collect();
        clusterer.remerge_candidates(pt, &cands)
    };
    for c in chosen {
        let (t, c) = (st.resolve(target), st.resolve(&c));
        if t != c {
            examine_pair(store, clusterer, inputs, st, &t, &c)?;
        }
    }
    Ok(())
}

/// The founding sequence number of an event id (`E<seq>`).
fn founded(id: &str) -> u64 {
    id.trim_start_matches('E').parse().unwrap_or(u64::MAX)
}

/// Examines two events as one (see [`remerge`]).
fn examine_pair<B: EventBackend>(
    store: &B,
    clusterer: &Clusterer,
    inputs: &mut Inputs<'_>,
    st: &mut Pairing<'_>,
    t: &str,
    c: &str,
) -> Result<()> {
    let untouched = Work::new(EventProfile::default());
    // Two events with more members together than a re-examination reads are left as they
    // are: told from their sequence numbers, before any member record is decoded (reading
    // the records of two large events was most of the merge side's cost).
    let seqs_of = |id: &str, st: &Pairing<'_>| -> Result<usize> {
        member_seqs_now(
            store,
            id,
            st.work.get(id).unwrap_or(&untouched),
            st.relocated,
        )
        .map(|s| s.len())
    };
    if seqs_of(t, st)? + seqs_of(c, st)? > RESPLIT_KEPT {
        return Ok(());
    }
    let of = |id: &str, st: &Pairing<'_>| -> Result<Vec<Member>> {
        members_now(
            store,
            id,
            st.work.get(id).unwrap_or(&untouched),
            st.relocated,
        )
    };
    let mut union: Vec<(Member, bool)> = of(t, st)?
        .into_iter()
        .map(|m| (m, true))
        .chain(of(c, st)?.into_iter().map(|m| (m, false)))
        .collect();
    union.sort_by_key(|(m, _)| m.seq);
    let originals = union
        .iter()
        .filter(|(m, _)| m.duplicate_of.is_none())
        .count();
    if originals > RESPLIT_MEMBERS || union.len() > RESPLIT_KEPT {
        return Ok(());
    }
    let members: Vec<Member> = union.iter().map(|(m, _)| m.clone()).collect();
    let seqs: Vec<u64> = members.iter().map(|m| m.seq).collect();
    let Some(computed) = features_of(store, inputs.docs, inputs.features, &seqs)? else {
        return Ok(());
    };
    let view: Vec<(&DocFeatures, Option<&Cues>)> =
        computed.iter().map(|(f, c)| (f, Some(c))).collect();
    let leaves = clusterer.pair_split(clusterer.split_event(&view));
    let profile = |keep: &dyn Fn(usize) -> bool| {
        let mut p = EventProfile::default();
        for (i, (m, (f, c))) in members.iter().zip(&computed).enumerate() {
            if keep(i) {
                p.add_member(f, Some(c), m.duplicate_of.is_some());
            }
        }
        p
    };
    let first_in_t = union.first().is_none_or(|(_, in_t)| *in_t);
    let (first, second) = if first_in_t { (t, c) } else { (c, t) };
    let Some(leaves) = leaves else {
        // One event: the older id takes the other in.
        let (into, other) = if founded(t) <= founded(c) {
            (t, c)
        } else {
            (c, t)
        };
        let merged = profile(&|_| true);
        let absorbed = st.work.remove(other);
        st.stored.remove(other);
        let w = st.work_of(into);
        if let Some(o) = absorbed {
            w.keys.extend(o.keys);
            w.new_members.extend(o.new_members);
            w.absorbed.extend(o.absorbed);
            w.rebuild |= o.rebuild;
        }
        w.absorbed.push(other.to_string());
        w.profile = merged;
        st.merged_into.insert(other.to_string(), into.to_string());
        st.merged += 1;
        return Ok(());
    };
    let side = |in_t: bool| if in_t { t } else { c };
    let part = |l: bool| if l { second } else { first };
    if union
        .iter()
        .zip(&leaves)
        .all(|((_, in_t), &l)| side(*in_t) == part(l))
    {
        // The two events are the two parts already.
        return Ok(());
    }
    let stays = profile(&|i| !leaves[i]);
    let goes = profile(&|i| leaves[i]);
    for (((m, in_t), (f, _)), &l) in union.iter().zip(&computed).zip(&leaves) {
        let (from, to) = (side(*in_t), part(l));
        if from == to {
            continue;
        }
        let src = st.work_of(from);
        match src.new_members.iter().position(|x| x.seq == m.seq) {
            Some(pos) => {
                src.new_members.remove(pos);
            }
            None => {
                st.relocated.insert(m.seq);
            }
        }
        let keys = keys_of(clusterer, f).1;
        for k in &keys {
            st.batch_keys
                .entry(k.clone())
                .or_default()
                .insert(to.to_string());
        }
        let dst = st.work_of(to);
        dst.keys.extend(keys);
        dst.new_members.push(m.clone());
    }
    for (id, p) in [(first, stays), (second, goes)] {
        let w = st.work_of(id);
        w.profile = p;
        w.rebuild = true;
    }
    st.moved = true;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::collections::{BTreeMap, HashMap};

    use epiwire_cluster::{Clusterer, DfTable, EventProfile, Params};
    use epiwire_model::Document;

    use super::{Pairing, RESPLIT_KEPT, Relocated, examine_pair};
    use crate::backend::{Changes, EventBackend, Member, SeriesSelect, State};
    use crate::{EventState, EventSummary, Signal};

    /// Two stored events, `E1` and `E500`, of `sizes` members (by sequence number alone);
    /// counts the member records decoded.
    struct TwoEvents {
        sizes: (u64, u64),
        decoded: Cell<usize>,
    }

    #[derive(Debug, thiserror::Error)]
    #[error("not in this test")]
    struct Unused;

    impl EventBackend for TwoEvents {
        type Error = Unused;
        fn state(&self) -> Result<State, Unused> {
            Err(Unused)
        }
        fn pending(&self, _: u64, _: usize) -> Result<Vec<(u64, Document)>, Unused> {
            Err(Unused)
        }
        fn candidates(&self, _: &[String]) -> Result<Vec<(String, EventProfile)>, Unused> {
            Err(Unused)
        }
        fn profiles(&self, _: &[String]) -> Result<Vec<(String, EventProfile)>, Unused> {
            Err(Unused)
        }
        fn members(&self, _: &str) -> Result<Vec<Member>, Unused> {
            self.decoded.set(self.decoded.get() + 1);
            Err(Unused)
        }
        fn member_seqs(&self, event: &str) -> Result<Vec<u64>, Unused> {
            Ok(match event {
                "E1" => (1..=self.sizes.0).collect(),
                "E500" => (500..500 + self.sizes.1).collect(),
                _ => Vec::new(),
            })
        }
        fn event_state(&self, _: &str) -> Result<Option<EventState>, Unused> {
            Err(Unused)
        }
        fn series(
            &self,
            _: &str,
            _: SeriesSelect<'_>,
        ) -> Result<Vec<epiwire_timeline::SeriesPart>, Unused> {
            Err(Unused)
        }
        fn volume(&self, _: &str, _: &str, _: &str, _: &str) -> Result<Vec<(String, u32)>, Unused> {
            Err(Unused)
        }
        fn volume_signals(
            &self,
            _: &str,
            _: &str,
            _: &str,
            _: &str,
        ) -> Result<Vec<Signal>, Unused> {
            Err(Unused)
        }
        fn events_running(
            &self,
            _: &str,
            _: &str,
            _: &str,
            _: &str,
        ) -> Result<Vec<(String, String, String)>, Unused> {
            Err(Unused)
        }
        fn summary(&self, _: &str) -> Result<Option<EventSummary>, Unused> {
            Err(Unused)
        }
        fn seen_between(
            &self,
            _: &str,
            _: &str,
            _: &str,
            _: &str,
            _: &str,
        ) -> Result<bool, Unused> {
            Err(Unused)
        }
        fn apply(&mut self, _: &Changes) -> Result<(), Unused> {
            Err(Unused)
        }
    }

    /// Examines `E1` and `E500` as one with events of `sizes` members: whether it went on to
    /// read their member records (here an error), and how many it read.
    fn examine(sizes: (u64, u64)) -> (bool, usize) {
        let store = TwoEvents {
            sizes,
            decoded: Cell::new(0),
        };
        let clusterer = Clusterer::new(Params::default().remerging(), DfTable::new());
        let docs = HashMap::new();
        let mut features = crate::cache::FeatureCache::default();
        let mut inputs = super::Inputs {
            docs: &docs,
            features: &mut features,
        };
        let (mut work, mut batch_keys, mut relocated, mut merged_into, mut stored) = (
            BTreeMap::new(),
            HashMap::new(),
            Relocated::new(),
            HashMap::new(),
            HashMap::new(),
        );
        let mut st = Pairing::new(
            &mut work,
            &mut batch_keys,
            &mut relocated,
            &mut merged_into,
            &mut stored,
        );
        let read = examine_pair(&store, &clusterer, &mut inputs, &mut st, "E1", "E500").is_err();
        assert_eq!((st.merged, st.moved), (0, false));
        assert!(work.is_empty() && merged_into.is_empty());
        (read, store.decoded.get())
    }

    /// Two events with more members together than a re-examination reads are left as they are
    /// without decoding a member record (they were all decoded, then counted); up to that
    /// bound their records are read as before.
    #[test]
    fn a_pair_too_large_to_examine_decodes_no_member() {
        let kept = RESPLIT_KEPT as u64;
        assert_eq!(examine((kept / 2 + 1, kept / 2)), (false, 0));
        assert_eq!(examine((kept, 300)), (false, 0));
        assert_eq!(examine((kept / 2, kept / 2)), (true, 1));
        assert_eq!(examine((3, 0)), (true, 1));
    }
}
