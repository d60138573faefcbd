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

use epiwire_cluster::incremental::RESPLIT_KEPT;
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
    // Features and cues of each member: the batch's as computed, the others from the stored
    // document (deterministic: the same as when it joined).
    let mut computed: Vec<(DocFeatures, Cues)> = Vec::with_capacity(seqs.len());
    for seq in &seqs {
        if let Some((f, c)) = inputs.features.get(seq) {
            computed.push((f.clone(), c.clone()));
            continue;
        }
        let doc = match inputs.docs.get(seq) {
            Some(d) => (*d).clone(),
            None => match store.document(*seq).map_err(backend)? {
                Some(d) => d,
                None => return Ok(false),
            },
        };
        let pair = (DocFeatures::from_document(&doc), Cues::from_document(&doc));
        inputs.features.insert(*seq, pair.clone());
        computed.push(pair);
    }
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
