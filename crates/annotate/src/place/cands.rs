//! A mention's candidate list, held in place when it has at most [`INLINE`] readings.
//!
//! Most mentions have one or two readings ("Kenya", "Georgia"): a `Vec` for each was an
//! allocation and a free per mention. The list reads as a slice ([`std::ops::Deref`]), so the
//! rules read it as they read the `Vec`.

use super::gazetteer::{Cand, Via};

/// The readings held without an allocation.
const INLINE: usize = 2;

/// A filler for the unused inline slots (never read: the length bounds every read).
const NONE: Cand = Cand {
    entry: 0,
    via: Via::Name,
};

/// A candidate list: up to [`INLINE`] readings in place, more in a vector.
#[derive(Debug, Clone)]
pub(super) enum Cands {
    /// `len` readings (at most [`INLINE`]) in `items`.
    Inline { len: u8, items: [Cand; INLINE] },
    /// More readings.
    Heap(Vec<Cand>),
}

impl Default for Cands {
    fn default() -> Self {
        Cands::Inline {
            len: 0,
            items: [NONE; INLINE],
        }
    }
}

impl std::ops::Deref for Cands {
    type Target = [Cand];

    #[inline]
    fn deref(&self) -> &[Cand] {
        match self {
            Cands::Inline { len, items } => items.get(..usize::from(*len)).unwrap_or(&[]),
            Cands::Heap(v) => v,
        }
    }
}

impl<'a> IntoIterator for &'a Cands {
    type Item = &'a Cand;
    type IntoIter = std::slice::Iter<'a, Cand>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl PartialEq for Cands {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl From<Vec<Cand>> for Cands {
    fn from(v: Vec<Cand>) -> Self {
        if v.len() <= INLINE {
            v.into_iter().collect()
        } else {
            Cands::Heap(v)
        }
    }
}

impl FromIterator<Cand> for Cands {
    /// In place while the readings fit, moved to a vector at the first that does not.
    /// A list known to be longer (a form's whole list: its length is exact) goes to a vector
    /// of its size at once.
    fn from_iter<I: IntoIterator<Item = Cand>>(iter: I) -> Self {
        let mut it = iter.into_iter();
        if let (lo, Some(hi)) = it.size_hint()
            && lo == hi
            && lo > INLINE
        {
            return Cands::Heap(it.collect());
        }
        let mut items = [NONE; INLINE];
        let mut len = 0usize;
        for c in it.by_ref() {
            match items.get_mut(len) {
                Some(slot) => {
                    *slot = c;
                    len += 1;
                }
                None => {
                    let mut v = Vec::with_capacity(INLINE * 2 + 1);
                    v.extend_from_slice(&items);
                    v.push(c);
                    v.extend(it);
                    return Cands::Heap(v);
                }
            }
        }
        Cands::Inline {
            len: len as u8,
            items,
        }
    }
}

impl Cands {
    /// Keeps the readings for which `f` is true, in order ([`Vec::retain`]). Inlined, in one
    /// loop for both forms (`Vec::retain` of a long list was a call per reading): its one
    /// caller (`drop_weak`) reads each reading without a call.
    #[inline(always)]
    pub(super) fn retain(&mut self, mut f: impl FnMut(&Cand) -> bool) {
        let items: &mut [Cand] = match self {
            Cands::Inline { len, items } => items.get_mut(..usize::from(*len)).unwrap_or(&mut []),
            Cands::Heap(v) => v,
        };
        let mut kept = 0usize;
        for i in 0..items.len() {
            let Some(&c) = items.get(i) else { break };
            if f(&c) {
                if let Some(slot) = items.get_mut(kept) {
                    *slot = c;
                }
                kept += 1;
            }
        }
        match self {
            Cands::Inline { len, .. } => *len = kept as u8,
            Cands::Heap(v) => v.truncate(kept),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn cand(entry: u32, via: u8) -> Cand {
        Cand {
            entry,
            via: match via % 3 {
                0 => Via::Name,
                1 => Via::Alt,
                _ => Via::Demonym,
            },
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]
        /// Collected, converted, compared and filtered, the list reads as the `Vec` it replaces.
        #[test]
        fn cands_read_as_the_vec(
            xs in proptest::collection::vec((0u32..6, any::<u8>()), 0..7),
            ys in proptest::collection::vec((0u32..6, any::<u8>()), 0..7),
            keep in any::<u64>(),
        ) {
            let v: Vec<Cand> = xs.iter().map(|&(e, w)| cand(e, w)).collect();
            let w: Vec<Cand> = ys.iter().map(|&(e, w)| cand(e, w)).collect();
            let a: Cands = v.iter().copied().collect();
            let b = Cands::from(v.clone());
            prop_assert_eq!(&*a, v.as_slice());
            prop_assert_eq!(&*b, v.as_slice());
            prop_assert_eq!(matches!(a, Cands::Inline { .. }), v.len() <= INLINE);
            let c: Cands = w.iter().copied().collect();
            prop_assert_eq!(a == c, v == w);
            prop_assert_eq!(a == b, true);
            // Filter by a bit of `keep` per position and entry.
            let pred = |c: &Cand| keep >> (c.entry * 7 % 64) & 1 == 1;
            let mut want = v.clone();
            want.retain(pred);
            let mut got = a.clone();
            got.retain(pred);
            prop_assert_eq!(&*got, want.as_slice());
            // Each reading is asked once, in order (the filter may keep state), in both forms.
            let mut asked = Vec::new();
            let mut again = a.clone();
            again.retain(|c| {
                asked.push(*c);
                pred(c)
            });
            prop_assert_eq!(asked.as_slice(), v.as_slice());
            prop_assert_eq!(&*again, want.as_slice());
            prop_assert_eq!(matches!(again, Cands::Inline { .. }), v.len() <= INLINE);
            // Collected through a filter (no exact length).
            let filtered: Cands = v.iter().copied().filter(|c| pred(c)).collect();
            prop_assert_eq!(&*filtered, want.as_slice());
            prop_assert_eq!(matches!(filtered, Cands::Inline { .. }), want.len() <= INLINE);
            prop_assert_eq!(got.is_empty(), want.is_empty());
            prop_assert_eq!(Cands::default().len(), 0);
        }
    }
}
