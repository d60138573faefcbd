//! The features and cues of members a [`crate::Session`] keeps for re-examinations
//! ([`crate::resplit`]), bounded by their size in bytes rather than by their number: a
//! document's features (its term vector above all) run from a few hundred bytes to tens of
//! kilobytes, so a count bound let a long run's memory grow with its documents' length.

use std::collections::HashMap;

use epiwire_cluster::{Cues, DocFeatures};

/// Most bytes (estimated heap, [`pair_bytes`]) the kept features may take; past it, the
/// oldest go until they take half of it (the latest documents are the likeliest members of
/// events still re-examined).
pub(crate) const MEMBER_FEATURES_BYTES: usize = 64 << 20;

/// Features and cues by sequence number, with their estimated size.
#[derive(Debug, Default)]
pub(crate) struct FeatureCache {
    map: HashMap<u64, (DocFeatures, Cues)>,
    bytes: usize,
}

/// Estimated heap bytes of a `(String, f32)` list: the slots, and each string's buffer with
/// the allocator's overhead.
fn weighted_bytes(v: &[(String, f32)], capacity: usize) -> usize {
    capacity * std::mem::size_of::<(String, f32)>()
        + v.iter().map(|(s, _)| s.capacity() + 16).sum::<usize>()
}

fn strings_bytes(v: &[String], capacity: usize) -> usize {
    capacity * std::mem::size_of::<String>() + v.iter().map(|s| s.capacity() + 16).sum::<usize>()
}

/// Estimated heap bytes of a document's features and cues (with the map's slot).
pub(crate) fn pair_bytes((f, c): &(DocFeatures, Cues)) -> usize {
    std::mem::size_of::<(u64, (DocFeatures, Cues))>()
        + f.id.capacity()
        + f.published.as_ref().map_or(0, String::capacity)
        + weighted_bytes(&f.terms, f.terms.capacity())
        + weighted_bytes(&f.title_terms, f.title_terms.capacity())
        + weighted_bytes(&f.entities, f.entities.capacity())
        + strings_bytes(&f.diseases, f.diseases.capacity())
        + strings_bytes(&f.countries, f.countries.capacity())
        + f.minhash.capacity() * std::mem::size_of::<u32>()
        + weighted_bytes(&c.names, c.names.capacity())
}

impl FeatureCache {
    /// The pair kept for a document.
    pub(crate) fn get(&self, seq: &u64) -> Option<&(DocFeatures, Cues)> {
        self.map.get(seq)
    }

    /// Keeps a document's pair (replacing any).
    pub(crate) fn insert(&mut self, seq: u64, pair: (DocFeatures, Cues)) {
        self.bytes += pair_bytes(&pair);
        if let Some(old) = self.map.insert(seq, pair) {
            self.bytes = self.bytes.saturating_sub(pair_bytes(&old));
        }
    }

    /// Drops everything.
    pub(crate) fn clear(&mut self) {
        self.map.clear();
        self.bytes = 0;
    }

    /// Estimated bytes kept.
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Documents kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Over `max` bytes, drops the oldest documents' pairs until those left take at most half
    /// of it.
    pub(crate) fn trim(&mut self, max: usize) {
        if self.bytes <= max {
            return;
        }
        let mut by_age: Vec<(u64, usize)> = self
            .map
            .iter()
            .map(|(seq, pair)| (*seq, pair_bytes(pair)))
            .collect();
        by_age.sort_unstable_by_key(|a| std::cmp::Reverse(a.0));
        let (mut kept, mut cut) = (0usize, None);
        for (seq, bytes) in by_age {
            if kept + bytes > max / 2 {
                cut = Some(seq);
                break;
            }
            kept += bytes;
        }
        if let Some(cut) = cut {
            self.map.retain(|seq, _| *seq > cut);
        }
        self.bytes = kept;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(seq: u64, terms: usize) -> (DocFeatures, Cues) {
        let f = DocFeatures {
            id: format!("d{seq:05}"),
            terms: (0..terms).map(|i| (format!("term{i}"), 1.0)).collect(),
            ..DocFeatures::default()
        };
        (f, Cues::default())
    }

    #[test]
    fn the_bound_is_in_bytes_and_keeps_the_latest() {
        let mut c = FeatureCache::default();
        for seq in 1..=100 {
            c.insert(seq, pair(seq, 200));
        }
        let each = pair_bytes(&pair(1, 200));
        assert!(each > 200 * 24, "{each}");
        assert_eq!(c.bytes(), 100 * each);
        // A replaced pair is counted once.
        c.insert(100, pair(100, 200));
        assert_eq!(c.bytes(), 100 * each);
        c.trim(40 * each);
        assert_eq!(c.len(), 20);
        assert_eq!(c.bytes(), 20 * each);
        assert!(c.get(&81).is_some() && c.get(&80).is_none());
        // Under the bound nothing goes.
        c.trim(40 * each);
        assert_eq!(c.len(), 20);
        c.clear();
        assert_eq!((c.len(), c.bytes()), (0, 0));
    }
}
